//! The threads proposal's operators: atomic loads, stores and
//! read-modify-writes (sequentially consistent, as the proposal requires),
//! `atomic.fence`, and `memory.atomic.wait32`/`wait64`/`notify` (through the
//! runtime's parking lot).

use super::{Translator, mem_index};
use crate::runtime::libcalls_list::Libcall;
use crate::runtime::trap::TrapCode;
use cranelift_codegen::ir::{AtomicRmwOp, InstBuilder, Type, Value, types};
use wasmparser::{MemArg, Operator};

/// What an atomic operator does, with the width it accesses and the type
/// of its Wasm operands and result.
enum Access {
    Load,
    Store,
    Rmw(AtomicRmwOp),
    Cmpxchg,
}

impl Translator<'_, '_> {
    /// Traps unless `index + offset` is a multiple of `size` (checked on
    /// the Wasm address before the bounds, as the proposal orders them).
    fn check_atomic_alignment(&mut self, index: Value, memarg: &MemArg, size: u32) {
        if size == 1 {
            return;
        }
        let sum = self.b.ins().iadd_imm_u(index, memarg.offset as i64);
        let low = self.b.ins().band_imm_u(sum, i64::from(size - 1));
        self.b
            .ins()
            .trapnz(low, super::super::traps::to_cranelift(TrapCode::UnalignedAtomic));
    }

    /// The host address of an atomic access of `size` bytes whose index is
    /// on top of the stack: alignment, then bounds, checked.
    fn atomic_addr(&mut self, memarg: &MemArg, size: u32) -> Value {
        let index = *self.stack.last().expect("validated: an address");
        self.check_atomic_alignment(index, memarg, size);
        let (addr, off) = self.mem_addr(memarg, size);
        if off == 0 {
            addr
        } else {
            self.b.ins().iadd_imm_u(addr, i64::from(off))
        }
    }

    /// One atomic access of `width` (the memory's view) with Wasm values
    /// of type `ty`; narrow results are zero-extended.
    fn atomic_access(&mut self, memarg: &MemArg, access: Access, ty: Type, width: Type) {
        let flags = self.heap;
        let narrow = |t: &mut Self, v: Value| {
            if width == ty {
                v
            } else {
                t.b.ins().ireduce(width, v)
            }
        };
        let widen = |t: &mut Self, v: Value| {
            if width == ty {
                v
            } else {
                t.b.ins().uextend(ty, v)
            }
        };
        match access {
            Access::Load => {
                let addr = self.atomic_addr(memarg, width.bytes());
                let v = self.b.ins().atomic_load(width, flags, addr);
                let v = widen(self, v);
                self.push(v);
            }
            Access::Store => {
                let v = self.pop();
                let addr = self.atomic_addr(memarg, width.bytes());
                let v = narrow(self, v);
                self.b.ins().atomic_store(flags, v, addr);
            }
            Access::Rmw(op) => {
                let v = self.pop();
                let addr = self.atomic_addr(memarg, width.bytes());
                let v = narrow(self, v);
                let old = self.b.ins().atomic_rmw(width, flags, op, addr, v);
                let old = widen(self, old);
                self.push(old);
            }
            Access::Cmpxchg => {
                let replacement = self.pop();
                let expected = self.pop();
                let addr = self.atomic_addr(memarg, width.bytes());
                let expected = narrow(self, expected);
                let replacement = narrow(self, replacement);
                let old = self.b.ins().atomic_cas(flags, addr, expected, replacement);
                let old = widen(self, old);
                self.push(old);
            }
        }
    }

    /// `memory.atomic.wait32`/`wait64` (`wide`) and `notify`: the runtime
    /// checks alignment, bounds and sharing.
    fn atomic_wait_notify(&mut self, memarg: &MemArg, which: Libcall) {
        let operands = if which == Libcall::MemoryAtomicNotify { 2 } else { 3 };
        let args = self.stack.split_off(self.stack.len() - operands);
        let mem = mem_index(memarg);
        let m = self.b.ins().iconst(types::I32, i64::from(mem));
        let offset = self.b.ins().iconst(types::I64, memarg.offset as i64);
        let mut all = vec![m, args[0], offset];
        all.extend_from_slice(&args[1..]);
        let r = self.env.libcall(&mut self.b, which, &all);
        self.push(r[0]);
    }

    /// Translates `op` if it is a threads operator; false otherwise.
    pub(super) fn atomic(&mut self, op: &Operator<'_>) -> bool {
        use AtomicRmwOp as R;
        use Operator as O;
        use types::{I8, I16, I32, I64};
        let (memarg, access, ty, width) = match *op {
            O::AtomicFence { .. } => {
                self.b.ins().fence();
                return true;
            }
            O::MemoryAtomicNotify { memarg } => {
                self.atomic_wait_notify(&memarg, Libcall::MemoryAtomicNotify);
                return true;
            }
            O::MemoryAtomicWait32 { memarg } => {
                self.atomic_wait_notify(&memarg, Libcall::MemoryAtomicWait32);
                return true;
            }
            O::MemoryAtomicWait64 { memarg } => {
                self.atomic_wait_notify(&memarg, Libcall::MemoryAtomicWait64);
                return true;
            }
            O::I32AtomicLoad { memarg } => (memarg, Access::Load, I32, I32),
            O::I64AtomicLoad { memarg } => (memarg, Access::Load, I64, I64),
            O::I32AtomicLoad8U { memarg } => (memarg, Access::Load, I32, I8),
            O::I32AtomicLoad16U { memarg } => (memarg, Access::Load, I32, I16),
            O::I64AtomicLoad8U { memarg } => (memarg, Access::Load, I64, I8),
            O::I64AtomicLoad16U { memarg } => (memarg, Access::Load, I64, I16),
            O::I64AtomicLoad32U { memarg } => (memarg, Access::Load, I64, I32),
            O::I32AtomicStore { memarg } => (memarg, Access::Store, I32, I32),
            O::I64AtomicStore { memarg } => (memarg, Access::Store, I64, I64),
            O::I32AtomicStore8 { memarg } => (memarg, Access::Store, I32, I8),
            O::I32AtomicStore16 { memarg } => (memarg, Access::Store, I32, I16),
            O::I64AtomicStore8 { memarg } => (memarg, Access::Store, I64, I8),
            O::I64AtomicStore16 { memarg } => (memarg, Access::Store, I64, I16),
            O::I64AtomicStore32 { memarg } => (memarg, Access::Store, I64, I32),
            O::I32AtomicRmwAdd { memarg } => (memarg, Access::Rmw(R::Add), I32, I32),
            O::I64AtomicRmwAdd { memarg } => (memarg, Access::Rmw(R::Add), I64, I64),
            O::I32AtomicRmw8AddU { memarg } => (memarg, Access::Rmw(R::Add), I32, I8),
            O::I32AtomicRmw16AddU { memarg } => (memarg, Access::Rmw(R::Add), I32, I16),
            O::I64AtomicRmw8AddU { memarg } => (memarg, Access::Rmw(R::Add), I64, I8),
            O::I64AtomicRmw16AddU { memarg } => (memarg, Access::Rmw(R::Add), I64, I16),
            O::I64AtomicRmw32AddU { memarg } => (memarg, Access::Rmw(R::Add), I64, I32),
            O::I32AtomicRmwSub { memarg } => (memarg, Access::Rmw(R::Sub), I32, I32),
            O::I64AtomicRmwSub { memarg } => (memarg, Access::Rmw(R::Sub), I64, I64),
            O::I32AtomicRmw8SubU { memarg } => (memarg, Access::Rmw(R::Sub), I32, I8),
            O::I32AtomicRmw16SubU { memarg } => (memarg, Access::Rmw(R::Sub), I32, I16),
            O::I64AtomicRmw8SubU { memarg } => (memarg, Access::Rmw(R::Sub), I64, I8),
            O::I64AtomicRmw16SubU { memarg } => (memarg, Access::Rmw(R::Sub), I64, I16),
            O::I64AtomicRmw32SubU { memarg } => (memarg, Access::Rmw(R::Sub), I64, I32),
            O::I32AtomicRmwAnd { memarg } => (memarg, Access::Rmw(R::And), I32, I32),
            O::I64AtomicRmwAnd { memarg } => (memarg, Access::Rmw(R::And), I64, I64),
            O::I32AtomicRmw8AndU { memarg } => (memarg, Access::Rmw(R::And), I32, I8),
            O::I32AtomicRmw16AndU { memarg } => (memarg, Access::Rmw(R::And), I32, I16),
            O::I64AtomicRmw8AndU { memarg } => (memarg, Access::Rmw(R::And), I64, I8),
            O::I64AtomicRmw16AndU { memarg } => (memarg, Access::Rmw(R::And), I64, I16),
            O::I64AtomicRmw32AndU { memarg } => (memarg, Access::Rmw(R::And), I64, I32),
            O::I32AtomicRmwOr { memarg } => (memarg, Access::Rmw(R::Or), I32, I32),
            O::I64AtomicRmwOr { memarg } => (memarg, Access::Rmw(R::Or), I64, I64),
            O::I32AtomicRmw8OrU { memarg } => (memarg, Access::Rmw(R::Or), I32, I8),
            O::I32AtomicRmw16OrU { memarg } => (memarg, Access::Rmw(R::Or), I32, I16),
            O::I64AtomicRmw8OrU { memarg } => (memarg, Access::Rmw(R::Or), I64, I8),
            O::I64AtomicRmw16OrU { memarg } => (memarg, Access::Rmw(R::Or), I64, I16),
            O::I64AtomicRmw32OrU { memarg } => (memarg, Access::Rmw(R::Or), I64, I32),
            O::I32AtomicRmwXor { memarg } => (memarg, Access::Rmw(R::Xor), I32, I32),
            O::I64AtomicRmwXor { memarg } => (memarg, Access::Rmw(R::Xor), I64, I64),
            O::I32AtomicRmw8XorU { memarg } => (memarg, Access::Rmw(R::Xor), I32, I8),
            O::I32AtomicRmw16XorU { memarg } => (memarg, Access::Rmw(R::Xor), I32, I16),
            O::I64AtomicRmw8XorU { memarg } => (memarg, Access::Rmw(R::Xor), I64, I8),
            O::I64AtomicRmw16XorU { memarg } => (memarg, Access::Rmw(R::Xor), I64, I16),
            O::I64AtomicRmw32XorU { memarg } => (memarg, Access::Rmw(R::Xor), I64, I32),
            O::I32AtomicRmwXchg { memarg } => (memarg, Access::Rmw(R::Xchg), I32, I32),
            O::I64AtomicRmwXchg { memarg } => (memarg, Access::Rmw(R::Xchg), I64, I64),
            O::I32AtomicRmw8XchgU { memarg } => (memarg, Access::Rmw(R::Xchg), I32, I8),
            O::I32AtomicRmw16XchgU { memarg } => (memarg, Access::Rmw(R::Xchg), I32, I16),
            O::I64AtomicRmw8XchgU { memarg } => (memarg, Access::Rmw(R::Xchg), I64, I8),
            O::I64AtomicRmw16XchgU { memarg } => (memarg, Access::Rmw(R::Xchg), I64, I16),
            O::I64AtomicRmw32XchgU { memarg } => (memarg, Access::Rmw(R::Xchg), I64, I32),
            O::I32AtomicRmwCmpxchg { memarg } => (memarg, Access::Cmpxchg, I32, I32),
            O::I64AtomicRmwCmpxchg { memarg } => (memarg, Access::Cmpxchg, I64, I64),
            O::I32AtomicRmw8CmpxchgU { memarg } => (memarg, Access::Cmpxchg, I32, I8),
            O::I32AtomicRmw16CmpxchgU { memarg } => (memarg, Access::Cmpxchg, I32, I16),
            O::I64AtomicRmw8CmpxchgU { memarg } => (memarg, Access::Cmpxchg, I64, I8),
            O::I64AtomicRmw16CmpxchgU { memarg } => (memarg, Access::Cmpxchg, I64, I16),
            O::I64AtomicRmw32CmpxchgU { memarg } => (memarg, Access::Cmpxchg, I64, I32),
            _ => return false,
        };
        self.atomic_access(&memarg, access, ty, width);
        true
    }
}
