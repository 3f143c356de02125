//! Everything generated code does that touches the instance: vmctx loads,
//! memory addresses, globals, tables, calls and libcalls.

use super::translate::ir_type;
use crate::module::ModuleInfo;
use crate::runtime::libcalls_list::{LType, Libcall};
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::*;
use crate::types::FuncType;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    self, AbiParam, ArgumentPurpose, BlockArg, ExceptionTableData, ExceptionTableItem,
    ExceptionTag, ExtFuncData, ExternalName, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, UserExternalName, Value, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Variable};

/// Exception handlers in scope at a call: (the module's tag index, or
/// `None` for catch-all; the block the exception goes to), innermost last.
pub type Handlers<'a> = &'a [(Option<u32>, ir::Block)];

/// What a call goes to.
#[derive(Clone, Copy)]
enum Callee {
    Direct(ir::FuncRef),
    Indirect(Value),
}

/// The compilation environment of one function.
pub struct FuncEnv<'a> {
    pub info: &'a ModuleInfo,
    pub func_index: u32,
    pub offsets: VMOffsets,
    /// The host's calling convention, for calls into the runtime.
    pub call_conv: CallConv,
    pub frontend: cranelift_codegen::isa::TargetFrontendConfig,
    /// Emit epoch-deadline checks (`Config::epoch_interruption`).
    pub epoch_interruption: bool,
    /// What the target offers the relaxed SIMD operators.
    pub cpu: CpuSupport,
    /// Whether every defined function's code lies in one image, so a call
    /// to one is a near call. Lazily compiled code is placed function by
    /// function anywhere in memory, and calls through an absolute address.
    pub colocated_calls: bool,
}

/// The target properties relaxed SIMD lowering depends on: the relaxed
/// operators use the fastest sequence the CPU has, so their results may
/// differ between machines (as the proposal allows) but never between runs
/// on one machine.
#[derive(Clone, Copy, Debug)]
pub struct CpuSupport {
    /// An x86-64 target: pshufb, pmulhrsw, pmaddubsw and cvttps2dq serve
    /// the relaxed operators directly.
    pub x86: bool,
    /// Fused multiply-add is available (relaxed madd/nmadd fuse).
    pub fma: bool,
}

impl CpuSupport {
    /// What `isa` supports.
    pub fn of(isa: &dyn cranelift_codegen::isa::TargetIsa) -> CpuSupport {
        let flag = |name: &str| {
            isa.isa_flags()
                .iter()
                .any(|v| v.name == name && v.as_bool() == Some(true))
        };
        // wasi-rt compiles for the host it runs on.
        let x86 = cfg!(target_arch = "x86_64");
        CpuSupport {
            x86,
            fma: x86 && flag("has_fma"),
        }
    }
}

/// Flags of a load from the runtime's own structures that never changes
/// while the instance lives.
fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// Alias regions: memory that generated code reaches only through
/// accesses tagged with one region, so that Cranelift knows a store to
/// one region leaves loads from the others valid (a guest's store to its
/// linear memory does not make it reload `__stack_pointer`).
#[derive(Clone, Copy)]
enum Region {
    /// Linear memories' bytes, all memories together (two imports may
    /// name the same memory).
    Heap = 0,
    /// The cells of mutable globals, all together (two imports may name
    /// the same global).
    Globals = 1,
}

fn region(b: &mut FunctionBuilder<'_>, r: Region) -> ir::AliasRegion {
    let description = match r {
        Region::Heap => "linear memory",
        Region::Globals => "globals",
    };
    b.func.dfg.alias_regions.insert(ir::AliasRegionData {
        user_id: r as u32,
        description: description.into(),
    })
}

/// Flags of a guest's access to linear memory: may fault, which is an
/// out-of-bounds trap, and is in the heap's alias region.
pub fn heap_flags(b: &mut FunctionBuilder<'_>) -> MemFlagsData {
    MemFlagsData::new()
        .with_trap_code(Some(super::traps::to_cranelift(TrapCode::MemoryOutOfBounds)))
        .with_alias_region(Some(region(b, Region::Heap)))
}

/// The calling convention of Wasm functions among themselves (and of the
/// host functions' exit trampolines): Cranelift's `tail` convention, which
/// returns up to 8 integer and 8 float values in registers (the host's
/// System V convention returns 2 of each, the rest through memory the
/// caller reserves in its frame) and lets a callee pop its caller's stack
/// arguments, as tail calls need.
pub const WASM_CALL_CONV: CallConv = CallConv::Tail;

/// The Cranelift signature of a Wasm function of type `ty`.
pub fn wasm_signature(ty: &FuncType) -> Signature {
    let mut sig = Signature::new(WASM_CALL_CONV);
    sig.params
        .push(AbiParam::special(types::I64, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(types::I64));
    for p in ty.params() {
        sig.params.push(AbiParam::new(ir_type(*p)));
    }
    for r in ty.results() {
        sig.returns.push(AbiParam::new(ir_type(*r)));
    }
    sig
}

fn ltype(t: LType) -> ir::Type {
    match t {
        LType::I32 => types::I32,
        LType::I64 => types::I64,
    }
}

impl<'a> FuncEnv<'a> {
    fn vmctx(&self, b: &mut FunctionBuilder<'_>) -> Value {
        b.func
            .special_param(ArgumentPurpose::VMContext)
            .expect("wasm functions take a vmctx")
    }

    fn load_ptr(&self, b: &mut FunctionBuilder<'_>, offset: i32) -> Value {
        let vmctx = self.vmctx(b);
        b.ins().load(types::I64, readonly(), vmctx, offset)
    }

    /// The store's limits and the engine's epoch counter, for epoch
    /// checks: (limits, counter). Load once, in the entry block.
    pub fn epoch_pointers(&self, b: &mut FunctionBuilder<'_>) -> (Value, Value) {
        let limits = self.load_ptr(b, VMCTX_LIMITS);
        let counter = b.ins().load(types::I64, readonly(), limits, LIMITS_EPOCH);
        (limits, counter)
    }

    /// Address of `index + offset` in memory `mem`, as (base value, immediate).
    ///
    /// Memories live in 8 GiB reservations whose tail is never accessible,
    /// so a 32-bit index plus a 32-bit offset needs no bounds check: an
    /// access beyond the length faults and becomes an out-of-bounds trap.
    pub fn heap_addr(
        &self,
        b: &mut FunctionBuilder<'_>,
        mem: u32,
        index: Value,
        offset: u64,
    ) -> (Value, i32) {
        let index = b.ins().uextend(types::I64, index);
        self.address(b, mem, index, offset)
    }

    /// Address of an access of `size` bytes at `index + offset` in memory
    /// `mem`, one that needs explicit bounds checks (a 64-bit memory, or
    /// pages smaller than the OS's): traps out of bounds unless the whole
    /// access lies below the memory's length.
    ///
    /// `bound` caches the length last read. Memories never shrink, so a
    /// stale bound only sends an access to the cold path, which rereads
    /// the length before deciding: in a loop the check is an add, a
    /// compare and a branch.
    #[allow(clippy::too_many_arguments)]
    pub fn checked_heap_addr(
        &self,
        b: &mut FunctionBuilder<'_>,
        mem: u32,
        index: Value,
        offset: u64,
        size: u32,
        bound: Variable,
    ) -> (Value, i32) {
        let oob = super::traps::to_cranelift(TrapCode::MemoryOutOfBounds);
        let memory64 = self.info.memories[mem as usize].memory64;
        let index = if memory64 {
            index
        } else {
            b.ins().uextend(types::I64, index)
        };
        let end = match offset.checked_add(u64::from(size)) {
            // A 32-bit index plus at most 2^32 + 16 cannot wrap.
            Some(extra) if !memory64 => b.ins().iadd_imm_u(index, extra as i64),
            Some(extra) => {
                let extra = b.ins().iconst(types::I64, extra as i64);
                b.ins().uadd_overflow_trap(index, extra, oob)
            }
            // The offset alone nearly fills the address space: every
            // access traps, at one of the two additions.
            None => {
                let off = b.ins().iconst(types::I64, offset as i64);
                let sum = b.ins().uadd_overflow_trap(index, off, oob);
                let size = b.ins().iconst(types::I64, i64::from(size));
                b.ins().uadd_overflow_trap(sum, size, oob)
            }
        };
        let cached = b.use_var(bound);
        let beyond = b.ins().icmp(IntCC::UnsignedGreaterThan, end, cached);
        let reload = b.create_block();
        let cont = b.create_block();
        b.set_cold_block(reload);
        b.ins().brif(beyond, reload, &[], cont, &[]);
        b.switch_to_block(reload);
        b.seal_block(reload);
        let vmmem = self.load_ptr(b, self.offsets.memory(mem));
        let len = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), vmmem, MEMORY_LENGTH);
        b.def_var(bound, len);
        let still = b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        b.ins().trapnz(still, oob);
        b.ins().jump(cont, &[]);
        b.switch_to_block(cont);
        b.seal_block(cont);
        self.address(b, mem, index, offset)
    }

    /// The host address of `index` (64-bit) plus `offset` in memory
    /// `mem`, as (base value, immediate).
    fn address(
        &self,
        b: &mut FunctionBuilder<'_>,
        mem: u32,
        index: Value,
        offset: u64,
    ) -> (Value, i32) {
        let vmmem = self.load_ptr(b, self.offsets.memory(mem));
        let base = b.ins().load(types::I64, readonly(), vmmem, MEMORY_BASE);
        let addr = b.ins().iadd(base, index);
        if offset <= i32::MAX as u64 {
            (addr, offset as i32)
        } else {
            (b.ins().iadd_imm_u(addr, offset as i64), 0)
        }
    }

    /// `memory.size` in pages: an `i64` for a 64-bit memory, else an `i32`.
    pub fn memory_size(&self, b: &mut FunctionBuilder<'_>, mem: u32) -> Value {
        let ty = self.info.memories[mem as usize];
        let vmmem = self.load_ptr(b, self.offsets.memory(mem));
        let len = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), vmmem, MEMORY_LENGTH);
        let pages = b.ins().ushr_imm_u(len, i64::from(ty.page_size_log2));
        if ty.memory64 {
            pages
        } else {
            b.ins().ireduce(types::I32, pages)
        }
    }

    /// `table.size`: an `i64` for a 64-bit table, else an `i32`.
    pub fn table_size(&self, b: &mut FunctionBuilder<'_>, table: u32) -> Value {
        let vmtable = self.load_ptr(b, self.offsets.table(table));
        let len = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), vmtable, TABLE_LENGTH);
        if self.info.tables[table as usize].table64 {
            len
        } else {
            b.ins().ireduce(types::I32, len)
        }
    }

    fn global_ptr(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        self.load_ptr(b, self.offsets.global(index))
    }

    /// `global.get`.
    pub fn global_get(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        let g = self.info.globals[index as usize];
        let ptr = self.global_ptr(b, index);
        let flags = match g.mutability {
            crate::types::Mutability::Const => readonly(),
            crate::types::Mutability::Var => {
                MemFlagsData::trusted().with_alias_region(Some(region(b, Region::Globals)))
            }
        };
        b.ins().load(ir_type(g.content), flags, ptr, 0)
    }

    /// `global.set`. Storing a funcref goes through the runtime, which
    /// keeps the function's instance alive while the global holds it.
    pub fn global_set(&self, b: &mut FunctionBuilder<'_>, index: u32, v: Value) {
        if crate::types::is_func_ref(self.info.globals[index as usize].content) {
            let g = b.ins().iconst(types::I32, index as i64);
            self.libcall(b, Libcall::GlobalSetFuncRef, &[g, v]);
            return;
        }
        let ptr = self.global_ptr(b, index);
        let flags = MemFlagsData::trusted().with_alias_region(Some(region(b, Region::Globals)));
        b.ins().store(flags, v, ptr, 0);
    }

    /// The identity of the module's tag `index`: what the tag field of an
    /// exception with that tag holds.
    pub fn tag_identity(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        self.load_ptr(b, self.offsets.tag(index))
    }

    /// `ref.func`: the function's `VMFuncRef` address.
    pub fn func_ref(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        self.load_ptr(b, self.offsets.func(index))
    }

    /// Emits a call to `callee` with signature `sig`: a tail call with
    /// `tail` (no results come back); otherwise, when exception handlers
    /// are in scope, a `try_call` whose exceptional edges go to them (the
    /// innermost, last in `handlers`, first), with the caller's vmctx as
    /// the context their tag indices refer to; otherwise a plain call.
    #[allow(clippy::too_many_arguments)]
    fn emit_call(
        &self,
        b: &mut FunctionBuilder<'_>,
        sig: ir::SigRef,
        callee: Callee,
        args: &[Value],
        tail: bool,
        handlers: Handlers<'_>,
    ) -> Vec<Value> {
        if tail {
            match callee {
                Callee::Direct(f) => b.ins().return_call(f, args),
                Callee::Indirect(code) => b.ins().return_call_indirect(sig, code, args),
            };
            return Vec::new();
        }
        if handlers.is_empty() {
            let call = match callee {
                Callee::Direct(f) => b.ins().call(f, args),
                Callee::Indirect(code) => b.ins().call_indirect(sig, code, args),
            };
            return b.inst_results(call).to_vec();
        }
        let returns: Vec<ir::Type> = b.func.dfg.signatures[sig]
            .returns
            .iter()
            .map(|r| r.value_type)
            .collect();
        let cont = b.create_block();
        for t in &returns {
            b.append_block_param(cont, *t);
        }
        let rets: Vec<BlockArg> = (0..returns.len() as u32).map(BlockArg::TryCallRet).collect();
        let normal = b.func.dfg.block_call(cont, &rets);
        let vmctx = self.vmctx(b);
        let mut items = vec![ExceptionTableItem::Context(vmctx)];
        for (tag, block) in handlers.iter().rev() {
            let call = b.func.dfg.block_call(*block, &[BlockArg::TryCallExn(0)]);
            items.push(match tag {
                Some(t) => ExceptionTableItem::Tag(ExceptionTag::from_u32(*t), call),
                None => ExceptionTableItem::Default(call),
            });
        }
        let table = b
            .func
            .dfg
            .exception_tables
            .push(ExceptionTableData::new(sig, normal, items));
        match callee {
            Callee::Direct(f) => b.ins().try_call(f, args, table),
            Callee::Indirect(code) => b.ins().try_call_indirect(code, args, table),
        };
        b.switch_to_block(cont);
        b.seal_block(cont);
        b.block_params(cont).to_vec()
    }

    /// A direct call to function `index` of this module (with `tail`, a
    /// tail call: the caller's frame is gone and no results come back).
    pub fn call(
        &self,
        b: &mut FunctionBuilder<'_>,
        index: u32,
        args: &[Value],
        tail: bool,
        handlers: Handlers<'_>,
    ) -> Vec<Value> {
        let ty = self.info.func_type(index);
        let sig = b.import_signature(wasm_signature(ty));
        let vmctx = self.vmctx(b);
        if index < self.info.num_imported_funcs {
            let fref = self.func_ref(b, index);
            let code = b.ins().load(types::I64, readonly(), fref, FUNCREF_CODE);
            let callee_vmctx = b.ins().load(types::I64, readonly(), fref, FUNCREF_VMCTX);
            let mut all = vec![callee_vmctx, vmctx];
            all.extend_from_slice(args);
            return self.emit_call(b, sig, Callee::Indirect(code), &all, tail, handlers);
        }
        let name = b
            .func
            .declare_imported_user_function(UserExternalName::new(0, index));
        let callee = b.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature: sig,
            colocated: self.colocated_calls,
            patchable: false,
        });
        let mut all = vec![vmctx, vmctx];
        all.extend_from_slice(args);
        self.emit_call(b, sig, Callee::Direct(callee), &all, tail, handlers)
    }

    /// `call_indirect`: bounds, null and signature checks, then the call
    /// (a tail call with `tail`).
    #[allow(clippy::too_many_arguments)]
    pub fn call_indirect(
        &self,
        b: &mut FunctionBuilder<'_>,
        type_index: u32,
        table: u32,
        index: Value,
        args: &[Value],
        tail: bool,
        handlers: Handlers<'_>,
    ) -> Vec<Value> {
        let trap = |c| super::traps::to_cranelift(c);
        let vmtable = self.load_ptr(b, self.offsets.table(table));
        let len = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), vmtable, TABLE_LENGTH);
        let index = if self.info.tables[table as usize].table64 {
            index
        } else {
            b.ins().uextend(types::I64, index)
        };
        let oob = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        b.ins().trapnz(oob, trap(TrapCode::UndefinedElement));
        let base = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), vmtable, TABLE_BASE);
        let slot = b.ins().ishl_imm_u(index, 3);
        let addr = b.ins().iadd(base, slot);
        let fref = b.ins().load(types::I64, MemFlagsData::trusted(), addr, 0);
        b.ins().trapz(fref, trap(TrapCode::UninitializedElement));
        let tid = b
            .ins()
            .load(types::I32, MemFlagsData::trusted(), fref, FUNCREF_TYPE_ID);
        let vmctx = self.vmctx(b);
        let expected = b.ins().load(
            types::I32,
            readonly(),
            vmctx,
            self.offsets.type_id(type_index),
        );
        let bad = b.ins().icmp(IntCC::NotEqual, tid, expected);
        if self.info.type_final.get(type_index as usize).copied().unwrap_or(true) {
            b.ins().trapnz(bad, trap(TrapCode::BadSignature));
        } else {
            // A subtype of a type that is not final may stand in for it:
            // when the ids differ, the runtime checks.
            let slow = b.create_block();
            let cont = b.create_block();
            b.set_cold_block(slow);
            b.ins().brif(bad, slow, &[], cont, &[]);
            b.switch_to_block(slow);
            b.seal_block(slow);
            let ok = self.libcall(b, Libcall::IsSubtype, &[tid, expected])[0];
            b.ins().trapz(ok, trap(TrapCode::BadSignature));
            b.ins().jump(cont, &[]);
            b.switch_to_block(cont);
            b.seal_block(cont);
        }
        let code = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), fref, FUNCREF_CODE);
        let callee_vmctx = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), fref, FUNCREF_VMCTX);
        let ty = self.info.sig(type_index);
        let sig = b.import_signature(wasm_signature(ty));
        let vmctx = self.vmctx(b);
        let mut all = vec![callee_vmctx, vmctx];
        all.extend_from_slice(args);
        self.emit_call(b, sig, Callee::Indirect(code), &all, tail, handlers)
    }

    /// `call_ref`: a call through a typed function reference (null traps;
    /// the type is known statically, so there is no signature check).
    pub fn call_ref(
        &self,
        b: &mut FunctionBuilder<'_>,
        type_index: u32,
        fref: Value,
        args: &[Value],
        tail: bool,
        handlers: Handlers<'_>,
    ) -> Vec<Value> {
        b.ins()
            .trapz(fref, super::traps::to_cranelift(TrapCode::NullReference));
        let code = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), fref, FUNCREF_CODE);
        let callee_vmctx = b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), fref, FUNCREF_VMCTX);
        let ty = self.info.sig(type_index);
        let sig = b.import_signature(wasm_signature(ty));
        let vmctx = self.vmctx(b);
        let mut all = vec![callee_vmctx, vmctx];
        all.extend_from_slice(args);
        self.emit_call(b, sig, Callee::Indirect(code), &all, tail, handlers)
    }

    /// `throw` (with `tag`, the module's tag index, and its `values`) or
    /// `throw_ref` (with `exn`, already checked non-null): a call to the
    /// engine's throw stub, which never returns.
    pub fn throw(
        &self,
        b: &mut FunctionBuilder<'_>,
        tag: Option<u32>,
        values: &[Value],
        exn: Option<Value>,
        handlers: Handlers<'_>,
    ) {
        let flags = MemFlagsData::trusted();
        let args_ptr = if values.is_empty() {
            b.ins().iconst(types::I64, 0)
        } else {
            let slot = b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                16 * values.len() as u32,
                4,
            ));
            let ptr = b.ins().stack_addr(types::I64, slot, 0);
            for (i, v) in values.iter().enumerate() {
                b.ins().store(flags, *v, ptr, 16 * i as i32);
            }
            ptr
        };
        let tag = b
            .ins()
            .iconst(types::I32, i64::from(tag.unwrap_or(u32::MAX)));
        let exn = exn.unwrap_or_else(|| b.ins().iconst(types::I64, 0));
        let limits = self.load_ptr(b, VMCTX_LIMITS);
        let stub = b
            .ins()
            .load(types::I64, readonly(), limits, LIMITS_THROW_STUB);
        let sig = b.import_signature(super::trampolines::throw_stub_signature());
        let vmctx = self.vmctx(b);
        self.emit_call(
            b,
            sig,
            Callee::Indirect(stub),
            &[vmctx, tag, args_ptr, exn],
            false,
            handlers,
        );
        b.ins()
            .trap(super::traps::to_cranelift(TrapCode::Unreachable));
    }

    /// Calls a runtime function through the libcall table.
    pub fn libcall(
        &self,
        b: &mut FunctionBuilder<'_>,
        which: Libcall,
        args: &[Value],
    ) -> Vec<Value> {
        let (params, results) = which.signature();
        let mut sig = Signature::new(self.call_conv);
        sig.params.push(AbiParam::new(types::I64));
        sig.params
            .extend(params.iter().map(|t| AbiParam::new(ltype(*t))));
        sig.returns
            .extend(results.iter().map(|t| AbiParam::new(ltype(*t))));
        let sig = b.import_signature(sig);
        let table = self.load_ptr(b, VMCTX_LIBCALLS);
        let f = b
            .ins()
            .load(types::I64, readonly(), table, (which as usize * 8) as i32);
        let vmctx = self.vmctx(b);
        let mut all = vec![vmctx];
        // 32-bit addresses, indices and lengths widen to the libcalls'
        // 64-bit parameters.
        for (v, t) in args.iter().zip(params) {
            let widen = *t == LType::I64 && b.func.dfg.value_type(*v) == types::I32;
            all.push(if widen {
                b.ins().uextend(types::I64, *v)
            } else {
                *v
            });
        }
        let call = b.ins().call_indirect(sig, f, &all);
        b.inst_results(call).to_vec()
    }
}
