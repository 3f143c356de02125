//! Garbage collection's operators (Wasm 3.0): `i31`, `ref.eq`, the
//! conversions between `any` and `extern`, casts, and struct and array
//! accesses. Object layout and reference encoding: `runtime::gc::layout`.
//!
//! Every access to a GC object masks the reference to 32 bits and adds it
//! to the store's GC heap base, so even a forged reference stays inside
//! the heap's reservation; an array index is checked against the array's
//! length, and the element offset is computed in 32 bits as well.

use super::{Translator, bargs};
use crate::runtime::gc::layout::{self, *};
use crate::runtime::libcalls_list::Libcall;
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::{FUNCREF_TYPE_ID, LIMITS_GC_BASE, LIMITS_TYPE_DISPLAYS, VMCTX_LIMITS};
use crate::types::{CompositeType, FieldType, HeapType, StorageType};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, Value, types};
use wasmparser::Operator;

/// Flags of a GC heap access: a fault (only possible through a forged
/// reference) is a trap, never a crash.
fn gc_flags() -> MemFlagsData {
    MemFlagsData::new().with_trap_code(Some(super::super::traps::to_cranelift(
        TrapCode::MemoryOutOfBounds,
    )))
}

/// A cast target: the heap type and, for a concrete type, its index in
/// the module (whose canonical id the vmctx holds).
#[derive(Clone, Copy)]
struct Target {
    heap: HeapType,
    module_index: Option<u32>,
    nullable: bool,
}

impl Translator<'_, '_> {
    /// Translates `op` if it is a GC operator.
    pub(super) fn gc(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        match *op {
            O::RefI31 => {
                let v = self.pop();
                let shifted = self.b.ins().ishl_imm_u(v, 1);
                let tagged = self.b.ins().bor_imm_u(shifted, 1);
                let r = self.b.ins().uextend(types::I64, tagged);
                self.push(r);
            }
            O::I31GetS | O::I31GetU => {
                let r = self.pop();
                self.trap_null(r);
                let v = self.b.ins().ireduce(types::I32, r);
                let out = if matches!(op, O::I31GetS) {
                    self.b.ins().sshr_imm_u(v, 1)
                } else {
                    self.b.ins().ushr_imm_u(v, 1)
                };
                self.push(out);
            }
            O::RefEq => {
                let (a, b) = self.pop2();
                let c = self.b.ins().icmp(IntCC::Equal, a, b);
                let r = self.b.ins().uextend(types::I32, c);
                self.push(r);
            }
            // One encoding for both hierarchies: nothing to do.
            O::AnyConvertExtern | O::ExternConvertAny => {}
            O::RefTestNonNull { hty } | O::RefTestNullable { hty } => {
                let t = self.target(hty, matches!(op, O::RefTestNullable { .. }));
                let r = self.pop();
                let ok = self.cast_test(r, t);
                let v = self.b.ins().uextend(types::I32, ok);
                self.push(v);
            }
            O::RefCastNonNull { hty } | O::RefCastNullable { hty } => {
                let t = self.target(hty, matches!(op, O::RefCastNullable { .. }));
                let r = self.pop();
                let ok = self.cast_test(r, t);
                self.b.ins().trapz(
                    ok,
                    super::super::traps::to_cranelift(TrapCode::CastFailure),
                );
                self.push(r);
            }
            O::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            }
            | O::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => {
                let t = self.target(to_ref_type.heap_type(), to_ref_type.is_nullable());
                let r = self.pop();
                let ok = self.cast_test(r, t);
                let (dest, n) = self.br_target(relative_depth);
                let mut vals = self.peekn(n - 1).to_vec();
                vals.push(r);
                let args = bargs(&vals);
                let cont = self.b.create_block();
                if matches!(op, O::BrOnCast { .. }) {
                    self.b.ins().brif(ok, dest, &args, cont, &[]);
                } else {
                    self.b.ins().brif(ok, cont, &[], dest, &args);
                }
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
                self.push(r);
            }
            O::StructNew { struct_type_index } => self.struct_new(struct_type_index, false),
            O::StructNewDefault { struct_type_index } => {
                self.struct_new(struct_type_index, true)
            }
            O::StructGet {
                struct_type_index,
                field_index,
            } => self.struct_get(struct_type_index, field_index, false),
            O::StructGetS {
                struct_type_index,
                field_index,
            } => self.struct_get(struct_type_index, field_index, true),
            O::StructGetU {
                struct_type_index,
                field_index,
            } => self.struct_get(struct_type_index, field_index, false),
            O::StructSet {
                struct_type_index,
                field_index,
            } => {
                let v = self.pop();
                let r = self.pop();
                let (field, offset) = self.field(struct_type_index, field_index);
                let addr = self.object_addr(r);
                self.store_field(field.storage, v, addr, offset);
            }
            O::ArrayNew { array_type_index } => {
                let len = self.pop();
                let init = self.pop();
                self.array_new_filled(array_type_index, len, Some(init));
            }
            O::ArrayNewDefault { array_type_index } => {
                let len = self.pop();
                self.array_new_filled(array_type_index, len, None);
            }
            O::ArrayNewFixed {
                array_type_index,
                array_size,
            } => {
                let vals = self.stack.split_off(self.stack.len() - array_size as usize);
                let elem = self.array_elem(array_type_index);
                if let StorageType::Val(t) = elem.storage
                    && is_traced(t)
                {
                    for v in &vals {
                        self.b.declare_value_needs_stack_map(*v);
                    }
                }
                let len = self.b.ins().iconst(types::I32, i64::from(array_size));
                let r = self.alloc_array(array_type_index, len);
                let addr = self.object_addr(r);
                let size = storage_size(elem.storage);
                for (i, v) in vals.into_iter().enumerate() {
                    let off = ARRAY_DATA + size * i as u32;
                    self.store_field(elem.storage, v, addr, off);
                }
                self.push(r);
            }
            O::ArrayNewData {
                array_type_index,
                array_data_index,
            } => self.array_new_segment(array_type_index, array_data_index, Libcall::ArrayInitData),
            O::ArrayNewElem {
                array_type_index,
                array_elem_index,
            } => self.array_new_segment(array_type_index, array_elem_index, Libcall::ArrayInitElem),
            O::ArrayGet { array_type_index } => self.array_get(array_type_index, false),
            O::ArrayGetS { array_type_index } => self.array_get(array_type_index, true),
            O::ArrayGetU { array_type_index } => self.array_get(array_type_index, false),
            O::ArraySet { array_type_index } => {
                let v = self.pop();
                let i = self.pop();
                let r = self.pop();
                let elem = self.array_elem(array_type_index);
                let (addr, off) = self.element_addr(r, i, elem.storage);
                self.store_field(elem.storage, v, addr, off);
            }
            O::ArrayLen => {
                let r = self.pop();
                let addr = self.object_addr(r);
                let len = self.b.ins().load(types::I32, gc_flags(), addr, ARRAY_LEN);
                self.push(len);
            }
            O::ArrayFill { array_type_index } => {
                let n = self.pop();
                let v = self.pop();
                let i = self.pop();
                let r = self.pop();
                let elem = self.array_elem(array_type_index);
                self.array_fill(r, i, v, n, elem.storage);
            }
            O::ArrayCopy {
                array_type_index_dst,
                ..
            } => {
                let n = self.pop();
                let si = self.pop();
                let s = self.pop();
                let di = self.pop();
                let d = self.pop();
                self.trap_null(d);
                self.trap_null(s);
                let es = self.elem_size(array_type_index_dst);
                self.env
                    .libcall(&mut self.b, Libcall::ArrayCopy, &[d, di, s, si, n, es]);
            }
            O::ArrayInitData {
                array_type_index,
                array_data_index,
            } => self.array_init_segment(array_type_index, array_data_index, Libcall::ArrayInitData),
            O::ArrayInitElem {
                array_type_index,
                array_elem_index,
            } => self.array_init_segment(array_type_index, array_elem_index, Libcall::ArrayInitElem),
            _ => return false,
        }
        true
    }

    /// `array.new_data` / `array.new_elem` (`init` says which): the
    /// segment is checked before anything is allocated, then the new
    /// array is filled from it.
    fn array_new_segment(&mut self, type_index: u32, segment: u32, init: Libcall) {
        let len = self.pop();
        let src = self.pop();
        let seg = self.b.ins().iconst(types::I32, i64::from(segment));
        let es = self.elem_size(type_index);
        let kind = i64::from(init == Libcall::ArrayInitElem);
        let kind = self.b.ins().iconst(types::I32, kind);
        self.env
            .libcall(&mut self.b, Libcall::SegmentCheck, &[kind, seg, src, len, es]);
        let r = self.alloc_array(type_index, len);
        let zero = self.b.ins().iconst(types::I32, 0);
        self.env.libcall(&mut self.b, init, &[r, seg, zero, src, len, es]);
        self.push(r);
    }

    /// `array.init_data` / `array.init_elem` (`init` says which).
    fn array_init_segment(&mut self, type_index: u32, segment: u32, init: Libcall) {
        let n = self.pop();
        let s = self.pop();
        let d = self.pop();
        let r = self.pop();
        self.trap_null(r);
        let seg = self.b.ins().iconst(types::I32, i64::from(segment));
        let es = self.elem_size(type_index);
        self.env.libcall(&mut self.b, init, &[r, seg, d, s, n, es]);
    }

    fn trap_null(&mut self, r: Value) {
        self.b
            .ins()
            .trapz(r, super::super::traps::to_cranelift(TrapCode::NullReference));
    }

    /// The cast target for wasmparser heap type `h`.
    fn target(&self, h: wasmparser::HeapType, nullable: bool) -> Target {
        let module_index = match h {
            wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => {
                i.as_module_index()
            }
            _ => None,
        };
        Target {
            heap: crate::module::decode::heap_type(h, &self.env.info.type_heaps),
            module_index,
            nullable,
        }
    }

    /// Whether `r` is a value of the cast target: an `i8` condition.
    fn cast_test(&mut self, r: Value, t: Target) -> Value {
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I8);
        let non_null = self.b.create_block();
        let on_null = self.b.ins().iconst(types::I8, i64::from(t.nullable));
        self.b
            .ins()
            .brif(r, non_null, &[], done, &[ir::BlockArg::Value(on_null)]);
        self.b.seal_block(non_null);
        self.b.switch_to_block(non_null);
        let ok = self.non_null_test(r, t, done);
        self.b.ins().jump(done, &[ir::BlockArg::Value(ok)]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    /// Whether non-null `r` is a value of `t` (an `i8`); may branch to
    /// `done` with a result directly.
    fn non_null_test(&mut self, r: Value, t: Target, done: ir::Block) -> Value {
        use HeapType as H;
        match t.heap {
            H::Any | H::Func | H::Extern | H::Exn => self.b.ins().iconst(types::I8, 1),
            H::None | H::NoFunc | H::NoExtern | H::NoExn => self.b.ins().iconst(types::I8, 0),
            H::I31 => {
                let bit = self.b.ins().band_imm_u(r, 1);
                self.b.ins().icmp_imm_u(IntCC::NotEqual, bit, 0)
            }
            H::Eq => {
                let low = self.b.ins().band_imm_u(r, 3);
                self.b.ins().icmp_imm_u(IntCC::NotEqual, low, 2)
            }
            H::Struct | H::Array | H::ConcreteStruct(_) | H::ConcreteArray(_) => {
                // Only objects (low bits 00) qualify.
                let low = self.b.ins().band_imm_u(r, 3);
                let is_obj = self.b.ins().icmp_imm_u(IntCC::Equal, low, 0);
                let obj = self.b.create_block();
                let no = self.b.ins().iconst(types::I8, 0);
                self.b
                    .ins()
                    .brif(is_obj, obj, &[], done, &[ir::BlockArg::Value(no)]);
                self.b.seal_block(obj);
                self.b.switch_to_block(obj);
                let addr = self.object_addr_unchecked(r);
                match t.heap {
                    H::Struct | H::Array => {
                        let info = self.b.ins().load(types::I32, gc_flags(), addr, HEADER_INFO);
                        let arr = self.b.ins().band_imm_u(info, i64::from(FLAG_ARRAY));
                        let cc = if t.heap == H::Array {
                            IntCC::NotEqual
                        } else {
                            IntCC::Equal
                        };
                        self.b.ins().icmp_imm_u(cc, arr, 0)
                    }
                    _ => {
                        let have = self.b.ins().load(types::I32, gc_flags(), addr, HEADER_TYPE);
                        self.type_test(have, t, done)
                    }
                }
            }
            H::ConcreteFunc(_) => {
                let have = self.b.ins().load(
                    types::I32,
                    MemFlagsData::trusted(),
                    r,
                    FUNCREF_TYPE_ID,
                );
                self.type_test(have, t, done)
            }
        }
    }

    /// Whether canonical type `have` is the concrete target or (for a
    /// target that is not final) one of its subtypes: an exact compare,
    /// then the runtime's display lookup when that fails.
    fn type_test(&mut self, have: Value, t: Target, done: ir::Block) -> Value {
        let index = t.module_index.expect("a concrete cast target has a module index");
        let vmctx = self.b.func.special_param(ir::ArgumentPurpose::VMContext).expect("vmctx");
        let want = self.b.ins().load(
            types::I32,
            MemFlagsData::trusted().with_readonly().with_can_move(),
            vmctx,
            self.env.offsets.type_id(index),
        );
        let exact = self.b.ins().icmp(IntCC::Equal, have, want);
        if self.env.info.type_final.get(index as usize).copied().unwrap_or(true) {
            return exact;
        }
        // Not the type itself: a subtype holds it at its depth in its
        // display (see `type_registry::DisplayTable`).
        let depth = self.env.info.type_depth.get(index as usize).copied().unwrap_or(0);
        let display = self.b.create_block();
        let deep = self.b.create_block();
        let yes = self.b.ins().iconst(types::I8, 1);
        self.b
            .ins()
            .brif(exact, done, &[ir::BlockArg::Value(yes)], display, &[]);
        self.b.seal_block(display);
        self.b.switch_to_block(display);
        let vmctx = self.b.func.special_param(ir::ArgumentPurpose::VMContext).expect("vmctx");
        let ro = MemFlagsData::trusted().with_readonly().with_can_move();
        let limits = self.b.ins().load(types::I64, ro, vmctx, VMCTX_LIMITS);
        let table = self.b.ins().load(types::I64, ro, limits, LIMITS_TYPE_DISPLAYS);
        let have64 = self.b.ins().uextend(types::I64, have);
        let slot = self.b.ins().ishl_imm_u(have64, 3);
        let entry = self.b.ins().iadd(table, slot);
        let record = self.b.ins().load(types::I64, MemFlagsData::trusted(), entry, 0);
        let len = self.b.ins().load(types::I32, MemFlagsData::trusted(), record, 0);
        let long_enough = self.b.ins().icmp_imm_u(IntCC::UnsignedGreaterThan, len, i64::from(depth));
        let no = self.b.ins().iconst(types::I8, 0);
        self.b
            .ins()
            .brif(long_enough, deep, &[], done, &[ir::BlockArg::Value(no)]);
        self.b.seal_block(deep);
        self.b.switch_to_block(deep);
        let at = self.b.ins().load(
            types::I32,
            MemFlagsData::trusted(),
            record,
            (4 + 4 * depth) as i32,
        );
        self.b.ins().icmp(IntCC::Equal, at, want)
    }

    /// The store's GC heap base.
    fn gc_base(&mut self) -> Value {
        let vmctx = self.b.func.special_param(ir::ArgumentPurpose::VMContext).expect("vmctx");
        let limits = self.b.ins().load(
            types::I64,
            MemFlagsData::trusted().with_readonly().with_can_move(),
            vmctx,
            VMCTX_LIMITS,
        );
        self.b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), limits, LIMITS_GC_BASE)
    }

    /// The address of object `r`, trapping on null.
    fn object_addr(&mut self, r: Value) -> Value {
        self.trap_null(r);
        self.object_addr_unchecked(r)
    }

    /// The address of non-null object `r`: the heap base plus its low 32
    /// bits.
    fn object_addr_unchecked(&mut self, r: Value) -> Value {
        let off32 = self.b.ins().ireduce(types::I32, r);
        let off = self.b.ins().uextend(types::I64, off32);
        let base = self.gc_base();
        self.b.ins().iadd(base, off)
    }

    fn composite(&self, type_index: u32) -> &CompositeType {
        &self.env.info.types[type_index as usize]
    }

    /// A struct field's type and byte offset.
    fn field(&self, type_index: u32, field: u32) -> (FieldType, u32) {
        let CompositeType::Struct(s) = self.composite(type_index) else {
            unreachable!("validated: a struct type")
        };
        let layout = struct_layout(s);
        (s.fields()[field as usize], layout.offsets[field as usize])
    }

    fn array_elem(&self, type_index: u32) -> FieldType {
        let CompositeType::Array(a) = self.composite(type_index) else {
            unreachable!("validated: an array type")
        };
        a.element
    }

    /// The element size of array type `index`, as an `i32` constant.
    fn elem_size(&mut self, index: u32) -> Value {
        let size = storage_size(self.array_elem(index).storage);
        self.b.ins().iconst(types::I32, i64::from(size))
    }

    /// The canonical id of module type `index`, from the vmctx.
    fn canonical_id(&mut self, index: u32) -> Value {
        let vmctx = self.b.func.special_param(ir::ArgumentPurpose::VMContext).expect("vmctx");
        self.b.ins().load(
            types::I32,
            MemFlagsData::trusted().with_readonly().with_can_move(),
            vmctx,
            self.env.offsets.type_id(index),
        )
    }

    /// Marks the operand-stack values the collector must see across the
    /// next call (`pushed`: how many values the validator already has on
    /// top of ours, the operator's results).
    pub(super) fn declare_stack_roots(&mut self, pushed: usize) {
        let n = self.stack.len();
        for i in 0..n {
            let depth = pushed + (n - 1 - i);
            if let Some(Some(t)) = self.validator.get_operand_type(depth)
                && self.traced_operand(t)
            {
                self.b.declare_value_needs_stack_map(self.stack[i]);
            }
        }
    }

    /// Whether an operand of validator type `t` may be a GC object (see
    /// `layout::is_traced`). The validator names concrete types on its
    /// operand stack by its own canonical ids, not module indices: their
    /// kind comes from its type list.
    fn traced_operand(&self, t: wasmparser::ValType) -> bool {
        use wasmparser::{AbstractHeapType as A, UnpackedIndex, WasmModuleResources};
        let wasmparser::ValType::Ref(r) = t else {
            return false;
        };
        let object_type = |c: &wasmparser::CompositeInnerType| {
            matches!(
                c,
                wasmparser::CompositeInnerType::Struct(_) | wasmparser::CompositeInnerType::Array(_)
            )
        };
        match r.heap_type() {
            wasmparser::HeapType::Abstract { ty, .. } => {
                matches!(ty, A::Any | A::Eq | A::Struct | A::Array | A::Extern)
            }
            wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => match i {
                UnpackedIndex::Module(m) => matches!(
                    self.env.info.type_heaps.get(m as usize),
                    Some(HeapType::ConcreteStruct(_) | HeapType::ConcreteArray(_))
                ),
                UnpackedIndex::Id(id) => {
                    object_type(&self.validator.resources().sub_type_at_id(id).composite_type.inner)
                }
                // Not on an operand stack; counted as a root to be safe.
                UnpackedIndex::RecGroup(_) => true,
            },
        }
    }

    /// Allocates a zeroed object through the runtime (a safepoint: the
    /// collector may run, finding the operand stack's references).
    fn alloc(&mut self, type_index: u32, size: Value, len: Value, array: bool) -> Value {
        self.declare_stack_roots(1);
        let id = self.canonical_id(type_index);
        let flag = self.b.ins().iconst(types::I32, i64::from(array));
        let r = self
            .env
            .libcall(&mut self.b, Libcall::GcAlloc, &[id, size, len, flag])[0];
        self.b.declare_value_needs_stack_map(r);
        r
    }

    fn struct_new(&mut self, type_index: u32, default: bool) {
        let CompositeType::Struct(s) = self.composite(type_index).clone() else {
            unreachable!("validated: a struct type")
        };
        let layout = struct_layout(&s);
        let vals = if default {
            Vec::new()
        } else {
            self.stack.split_off(self.stack.len() - s.fields().len())
        };
        for (v, f) in vals.iter().zip(s.fields()) {
            if let StorageType::Val(t) = f.storage
                && is_traced(t)
            {
                self.b.declare_value_needs_stack_map(*v);
            }
        }
        let size = self.b.ins().iconst(types::I32, i64::from(layout.size));
        let zero = self.b.ins().iconst(types::I32, 0);
        let r = self.alloc(type_index, size, zero, false);
        if !vals.is_empty() {
            let addr = self.object_addr_unchecked(r);
            for ((v, f), off) in vals.into_iter().zip(s.fields()).zip(&layout.offsets) {
                self.store_field(f.storage, v, addr, *off);
            }
        }
        self.push(r);
    }

    /// A new array of `len` elements of type `array_type_index` (zeroed).
    fn alloc_array(&mut self, type_index: u32, len: Value) -> Value {
        let size = storage_size(self.array_elem(type_index).storage);
        let es = self.b.ins().iconst(types::I32, i64::from(size));
        self.alloc(type_index, es, len, true)
    }

    fn array_new_filled(&mut self, type_index: u32, len: Value, init: Option<Value>) {
        let elem = self.array_elem(type_index);
        if let (Some(v), StorageType::Val(t)) = (init, elem.storage)
            && is_traced(t)
        {
            self.b.declare_value_needs_stack_map(v);
        }
        let r = self.alloc_array(type_index, len);
        if let Some(v) = init {
            let zero = self.b.ins().iconst(types::I32, 0);
            self.array_fill(r, zero, v, len, elem.storage);
        }
        self.push(r);
    }

    fn struct_get(&mut self, type_index: u32, field: u32, signed: bool) {
        let r = self.pop();
        let (f, offset) = self.field(type_index, field);
        let addr = self.object_addr(r);
        let v = self.load_field(f.storage, addr, offset, signed);
        self.push(v);
    }

    fn array_get(&mut self, type_index: u32, signed: bool) {
        let i = self.pop();
        let r = self.pop();
        let elem = self.array_elem(type_index);
        let (addr, off) = self.element_addr(r, i, elem.storage);
        let v = self.load_field(elem.storage, addr, off, signed);
        self.push(v);
    }

    /// The address of element `i` of array `r` (null and bounds checked),
    /// as (address, immediate offset).
    fn element_addr(&mut self, r: Value, i: Value, storage: StorageType) -> (Value, u32) {
        let obj = self.object_addr(r);
        let len = self.b.ins().load(types::I32, gc_flags(), obj, ARRAY_LEN);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, len);
        self.b.ins().trapnz(
            oob,
            super::super::traps::to_cranelift(TrapCode::ArrayOutOfBounds),
        );
        let size = storage_size(storage);
        // 32-bit arithmetic: a genuine element lies below 4 GiB, and a
        // forged length cannot lead outside the reservation.
        let scaled = self.b.ins().imul_imm_u(i, i64::from(size));
        let off32 = self.b.ins().ireduce(types::I32, r);
        let at = self.b.ins().iadd(off32, scaled);
        let at = self.b.ins().uextend(types::I64, at);
        let base = self.gc_base();
        (self.b.ins().iadd(base, at), ARRAY_DATA)
    }

    /// Stores `v` into `len` elements of `r` from `i` (checked: `i + len`
    /// within the length).
    fn array_fill(&mut self, r: Value, i: Value, v: Value, n: Value, storage: StorageType) {
        let obj = self.object_addr(r);
        let len = self.b.ins().load(types::I32, gc_flags(), obj, ARRAY_LEN);
        let i64_ = self.b.ins().uextend(types::I64, i);
        let n64 = self.b.ins().uextend(types::I64, n);
        let end = self.b.ins().iadd(i64_, n64);
        let len64 = self.b.ins().uextend(types::I64, len);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len64);
        self.b.ins().trapnz(
            oob,
            super::super::traps::to_cranelift(TrapCode::ArrayOutOfBounds),
        );
        let header = self.b.create_block();
        let body = self.b.create_block();
        let exit = self.b.create_block();
        self.b.append_block_param(header, types::I32);
        self.b.ins().jump(header, &[ir::BlockArg::Value(i)]);
        self.b.switch_to_block(header);
        let at = self.b.block_params(header)[0];
        let end32 = self.b.ins().iadd(i, n);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, at, end32);
        self.b.ins().brif(more, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        let (addr, off) = self.element_addr(r, at, storage);
        self.store_field(storage, v, addr, off);
        let next = self.b.ins().iadd_imm_u(at, 1);
        self.b.ins().jump(header, &[ir::BlockArg::Value(next)]);
        self.b.seal_block(header);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
    }

    fn load_field(&mut self, s: StorageType, addr: Value, off: u32, signed: bool) -> Value {
        let f = gc_flags();
        let off = off as i32;
        match s {
            StorageType::I8 if signed => self.b.ins().sload8(types::I32, f, addr, off),
            StorageType::I8 => self.b.ins().uload8(types::I32, f, addr, off),
            StorageType::I16 if signed => self.b.ins().sload16(types::I32, f, addr, off),
            StorageType::I16 => self.b.ins().uload16(types::I32, f, addr, off),
            StorageType::Val(t) if layout::is_small_ref(t) => {
                let v = self.b.ins().uload32(f, addr, off);
                if is_traced(t) {
                    self.b.declare_value_needs_stack_map(v);
                }
                v
            }
            StorageType::Val(t) => self.b.ins().load(super::ir_type(t), f, addr, off),
        }
    }

    fn store_field(&mut self, s: StorageType, v: Value, addr: Value, off: u32) {
        let f = gc_flags();
        let off = off as i32;
        match s {
            StorageType::I8 => {
                self.b.ins().istore8(f, v, addr, off);
            }
            StorageType::I16 => {
                self.b.ins().istore16(f, v, addr, off);
            }
            StorageType::Val(t) if layout::is_small_ref(t) => {
                self.b.ins().istore32(f, v, addr, off);
            }
            StorageType::Val(_) => {
                self.b.ins().store(f, v, addr, off);
            }
        }
    }
}
