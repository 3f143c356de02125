//! Instances: linking imports, building the vmctx, running segment
//! initialisation and the start function; exports and extern handles.

use super::func::{Func, FuncData, FuncKind};
use super::global::GlobalData;
use super::memory::MemoryData;
use super::store::{Store, StoreInner};
use super::table::TableData;
use super::trap::{Trap, TrapCode};
use super::val::Val;
use super::vmctx::*;
use crate::error::{Error, Result};
use crate::module::{Module, ModuleInfo};
use crate::module::info::{ConstExpr, ConstOp, DataMode, ElemMode, ExportIndex, ImportKind};
use crate::types::*;

/// An instance owned by a store.
pub struct InstanceData {
    pub module: Module,
    pub index: u32,
    /// The vmctx words (see `vmctx.rs` for the layout).
    pub vmctx: Box<[u64]>,
    pub offsets: VMOffsets,
    pub funcs: Vec<u32>,
    pub memories: Vec<u32>,
    pub tables: Vec<u32>,
    pub globals: Vec<u32>,
    /// Store indices of the module's tags, imported ones first.
    pub tags: Vec<u32>,
    /// Raw elements of each element segment; emptied by `elem.drop`.
    pub elems: Vec<Vec<u64>>,
    /// Whether each data segment was dropped.
    pub data_dropped: Vec<bool>,
    /// Set when something outside this instance may refer to what it
    /// defines (it was imported, or one of its functions was stored in a
    /// table or global it does not own): such an instance lives as long as
    /// its store.
    pub pinned: bool,
    /// Set once freed: its memories and tables are released.
    pub freed: bool,
}

impl InstanceData {
    pub fn vmctx_ptr(&self) -> *mut u8 {
        self.vmctx.as_ptr() as *mut u8
    }
}

/// The instance index recorded in a vmctx, if `vmctx` belongs to an instance.
///
/// # Safety
/// `vmctx` must be null or the live vmctx of an instance.
pub unsafe fn instance_of_vmctx(vmctx: *mut u8) -> Option<u32> {
    if vmctx.is_null() {
        return None;
    }
    // SAFETY: per the contract, a non-null vmctx is a live instance vmctx
    // whose header holds its InstanceData pointer.
    unsafe {
        let inst = *(vmctx.add(VMCTX_INSTANCE as usize) as *const *const InstanceData);
        inst.as_ref().map(|i| i.index)
    }
}

/// A handle to an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A handle to a memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A handle to a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A handle to a global.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// Anything that can be imported or exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    /// A tag (exception handling).
    Tag(super::exception::Tag),
}

impl Extern {
    /// The extern's type.
    pub fn ty(&self, store: &Store) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }
    fn store_id(&self) -> u64 {
        match self {
            Extern::Func(f) => f.store_id,
            Extern::Global(g) => g.store_id,
            Extern::Table(t) => t.store_id,
            Extern::Memory(m) => m.store_id,
            Extern::Tag(t) => t.store_id,
        }
    }
    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<super::exception::Tag> {
        if let Extern::Tag(t) = self {
            Some(t)
        } else {
            None
        }
    }
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
}

fn limits_match(min: u64, max: Option<u64>, want_min: u64, want_max: Option<u64>) -> bool {
    min >= want_min
        && match (max, want_max) {
            (_, None) => true,
            (Some(m), Some(w)) => m <= w,
            (None, Some(_)) => false,
        }
}

/// What a constant expression may refer to: the instance's globals and
/// functions so far, and the module's types.
struct ConstEnv<'a> {
    globals: &'a [u32],
    funcs: &'a [u32],
    info: &'a ModuleInfo,
}

/// Evaluates a constant expression. Allocating ones (`struct.new`, ...)
/// may fail when the GC heap is full.
fn eval_const(e: &ConstExpr, store: &mut StoreInner, env: &ConstEnv<'_>) -> Result<u128> {
    Ok(match *e {
        ConstExpr::I32(v) => v as u32 as u128,
        ConstExpr::I64(v) => v as u64 as u128,
        ConstExpr::F32(v) => v as u128,
        ConstExpr::F64(v) => v as u128,
        ConstExpr::V128(v) => v,
        ConstExpr::RefNull(_) => 0,
        ConstExpr::RefFunc(i) => {
            &*store.funcs[env.funcs[i as usize] as usize].funcref as *const VMFuncRef as usize
                as u128
        }
        ConstExpr::GlobalGet(i) => store.globals[env.globals[i as usize] as usize].get_raw(),
        ConstExpr::Extended(ref ops) => {
            // Validated: every operator finds its operands, and one value
            // is left.
            let mut stack: Vec<u128> = Vec::with_capacity(ops.len());
            for op in ops.iter() {
                let v = match op {
                    ConstOp::Push(c) => eval_const(c, store, env)?,
                    ConstOp::RefI31 => {
                        let v = stack.pop().unwrap_or(0) as u32;
                        u128::from((v << 1) | 1)
                    }
                    ConstOp::Convert => continue,
                    ConstOp::StructNew(t) | ConstOp::StructNewDefault(t) => {
                        let ty = &env.info.types[*t as usize];
                        let n = match (op, ty) {
                            (ConstOp::StructNew(_), CompositeType::Struct(s)) => s.fields().len(),
                            _ => 0,
                        };
                        let fields = stack.split_off(stack.len().saturating_sub(n));
                        u128::from(const_struct(store, env, *t, &fields)?)
                    }
                    ConstOp::ArrayNew(t) => {
                        let len = stack.pop().unwrap_or(0) as u32;
                        let init = stack.pop().unwrap_or(0);
                        u128::from(const_array(store, env, *t, len, |_| init)?)
                    }
                    ConstOp::ArrayNewDefault(t) => {
                        let len = stack.pop().unwrap_or(0) as u32;
                        u128::from(const_array(store, env, *t, len, |_| 0)?)
                    }
                    ConstOp::ArrayNewFixed(t, n) => {
                        let vals = stack.split_off(stack.len().saturating_sub(*n as usize));
                        u128::from(const_array(store, env, *t, *n, |i| vals[i as usize])?)
                    }
                    arith => {
                        let b = stack.pop().unwrap_or(0);
                        let a = stack.pop().unwrap_or(0);
                        let (a32, b32, a64, b64) = (a as u32, b as u32, a as u64, b as u64);
                        match arith {
                            ConstOp::I32Add => a32.wrapping_add(b32) as u128,
                            ConstOp::I32Sub => a32.wrapping_sub(b32) as u128,
                            ConstOp::I32Mul => a32.wrapping_mul(b32) as u128,
                            ConstOp::I64Add => a64.wrapping_add(b64) as u128,
                            ConstOp::I64Sub => a64.wrapping_sub(b64) as u128,
                            _ => a64.wrapping_mul(b64) as u128,
                        }
                    }
                };
                stack.push(v);
            }
            stack.pop().unwrap_or(0)
        }
    })
}

/// Allocates an object for a constant expression. Collection is off while
/// an instance is being made (its values in progress are on no root).
fn const_alloc(store: &mut StoreInner, env: &ConstEnv<'_>, t: u32, size: Option<u32>, len: Option<u32>) -> Result<u32> {
    let id = env.info.type_ids[t as usize];
    let size = size.ok_or_else(|| Error::from(Trap::from_code(TrapCode::AllocationTooLarge, Vec::new())))?;
    // SAFETY: collection is inhibited, so no stack is walked.
    match unsafe { store.gc_alloc(id, size, len, false) }? {
        Some(r) => Ok(r),
        None => Err(Error::from(Trap::from_code(TrapCode::OutOfGcMemory, Vec::new()))),
    }
}

fn const_struct(store: &mut StoreInner, env: &ConstEnv<'_>, t: u32, fields: &[u128]) -> Result<u32> {
    let CompositeType::Struct(s) = &env.info.types[t as usize] else {
        return Err(Error::compile("struct.new of a type that is not a struct"));
    };
    let layout = crate::runtime::gc::layout::struct_layout(s);
    let r = const_alloc(store, env, t, Some(layout.size), None)?;
    for ((f, off), v) in s.fields().iter().zip(&layout.offsets).zip(fields) {
        write_raw(store, r, *off, crate::runtime::gc::layout::storage_size(f.storage), *v);
    }
    Ok(r)
}

fn const_array(
    store: &mut StoreInner,
    env: &ConstEnv<'_>,
    t: u32,
    len: u32,
    item: impl Fn(u32) -> u128,
) -> Result<u32> {
    use crate::runtime::gc::layout;
    let CompositeType::Array(a) = &env.info.types[t as usize] else {
        return Err(Error::compile("array.new of a type that is not an array"));
    };
    let es = layout::storage_size(a.element.storage);
    let r = const_alloc(store, env, t, layout::array_size(es, len), Some(len))?;
    for i in 0..len {
        write_raw(store, r, layout::ARRAY_DATA + i * es, es, item(i));
    }
    Ok(r)
}

/// Writes the low `size` bytes of `v` at byte `off` of object `r`.
fn write_raw(store: &StoreInner, r: u32, off: u32, size: u32, v: u128) {
    let Some(p) = store.gc.as_ref().and_then(|h| h.field_ptr(r, off, size)) else {
        return;
    };
    let bytes = v.to_le_bytes();
    // SAFETY: `p` points at `size` bytes of a live object.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, size as usize) };
}

impl Instance {
    /// Instantiates `module` with `imports` (one per module import, in
    /// order). Runs active segment initialisation and the start function;
    /// a trap there is returned as an error (effects on imported objects
    /// made before the trap remain, as the spec requires).
    pub fn new(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance> {
        if !std::sync::Arc::ptr_eq(&store.inner.engine.0, &module.engine().0) {
            return Err(Error::link("module and store belong to different engines"));
        }
        let info = module.info();
        if imports.len() != info.imports.len() {
            return Err(Error::link(format!(
                "module needs {} imports, {} given",
                info.imports.len(),
                imports.len()
            )));
        }
        let mut funcs = Vec::with_capacity(info.funcs.len());
        let mut memories = Vec::new();
        let mut tables = Vec::new();
        let mut globals = Vec::new();
        let mut tags = Vec::new();
        for (imp, ext) in info.imports.iter().zip(imports) {
            let what = || format!("import {}::{}", imp.module, imp.name);
            if ext.store_id() != store.inner.id {
                return Err(Error::link(format!("{} comes from another store", what())));
            }
            match (&imp.kind, ext) {
                (ImportKind::Func(t), Extern::Func(f)) => {
                    // The function's type must be the wanted one or one of
                    // its declared subtypes.
                    let want = info.sig(*t);
                    let have_data = &store.inner.funcs[f.index as usize];
                    let have = &have_data.ty;
                    let want_id = info.type_ids[*t as usize];
                    if !store
                        .inner
                        .engine
                        .types()
                        .is_subtype(have_data.funcref.type_id, want_id)
                    {
                        return Err(Error::link(format!(
                            "incompatible import type for {}: expected {want}, found {have}",
                            what()
                        )));
                    }
                    funcs.push(f.index);
                }
                (ImportKind::Memory(want), Extern::Memory(m)) => {
                    let have = store.inner.memories[m.index as usize].current_type();
                    // Index type, sharing and page size must be the same.
                    if !limits_match(have.min, have.max, want.min, want.max)
                        || have.memory64 != want.memory64
                        || have.shared != want.shared
                        || have.page_size_log2 != want.page_size_log2
                    {
                        return Err(Error::link(format!(
                            "incompatible import type for {}",
                            what()
                        )));
                    }
                    memories.push(m.index);
                }
                (ImportKind::Table(want), Extern::Table(t)) => {
                    let have = store.inner.tables[t.index as usize].current_type();
                    if have.element != want.element
                        || have.table64 != want.table64
                        || !limits_match(have.min, have.max, want.min, want.max)
                    {
                        return Err(Error::link(format!(
                            "incompatible import type for {}",
                            what()
                        )));
                    }
                    tables.push(t.index);
                }
                (ImportKind::Tag(t), Extern::Tag(tag)) => {
                    // Tags match when their types are the same.
                    let want = info.type_ids[*t as usize];
                    let have = store.inner.tags[tag.index as usize].type_id;
                    if want != have {
                        return Err(Error::link(format!(
                            "incompatible import type for {}",
                            what()
                        )));
                    }
                    tags.push(tag.index);
                }
                (ImportKind::Global(want), Extern::Global(g)) => {
                    // A mutable global must have exactly the wanted type;
                    // an immutable one may have a subtype.
                    let have = store.inner.globals[g.index as usize].ty;
                    let fits = have.mutability == want.mutability
                        && match want.mutability {
                            Mutability::Var => have.content == want.content,
                            Mutability::Const => {
                                store.inner.engine.val_matches(have.content, want.content)
                            }
                        };
                    if !fits {
                        return Err(Error::link(format!(
                            "incompatible import type for {}",
                            what()
                        )));
                    }
                    globals.push(g.index);
                }
                _ => {
                    return Err(Error::link(format!(
                        "incompatible import type for {}: expected a {}, found a {}",
                        what(),
                        info.import_type(imp).kind_name(),
                        ext.ty(store).kind_name()
                    )));
                }
            }
        }
        // Whatever this instance imports may be used by it from now on.
        for ext in imports {
            let owner = store.inner.extern_owner(ext);
            store.inner.pin(owner);
        }
        let engine = store.inner.engine.clone();
        let config = engine.config();
        let index = store.inner.instances.next_index();
        // Memories and tables first: they are what can fail (limits, host
        // memory), and nothing is in the store until all of them exist.
        let mut new_memories = Vec::new();
        let mut new_tables = Vec::new();
        let mut extra = 0u64;
        for ty in &info.memories[info.num_imported_memories as usize..] {
            let bytes = ty.min.saturating_mul(ty.page_size());
            check_fits(store, extra.saturating_add(bytes), || {
                format!("{} more pages", ty.min)
            })?;
            extra += bytes;
            let mut m = MemoryData::new(*ty, config.max_memory_bytes())?;
            m.owner = Some(index);
            new_memories.push(Box::new(m));
        }
        for ty in &info.tables[info.num_imported_tables as usize..] {
            let bytes = ty.min.saturating_mul(super::table::TABLE_ELEMENT_BYTES);
            check_fits(store, extra.saturating_add(bytes), || {
                format!("a table of {} more elements", ty.min)
            })?;
            extra += bytes;
            let mut t = TableData::new(*ty, 0, config.max_table_elements)?;
            t.owner = Some(index);
            new_tables.push(t);
        }
        for m in new_memories {
            memories.push(store.inner.memories.insert_with(|_| m));
        }
        for t in new_tables {
            tables.push(store.inner.tables.insert_with(|_| t));
        }
        let offsets = VMOffsets::for_module(info);
        let vmctx: Box<[u64]> = vec![0u64; offsets.size as usize / 8].into_boxed_slice();
        let vmctx_ptr = vmctx.as_ptr() as *mut u8;
        // Defined functions.
        for (i, addr) in module.compiled().funcs.iter().enumerate() {
            let func_index = info.num_imported_funcs + i as u32;
            let ty_index = info.funcs[func_index as usize];
            let ty = info.sig(ty_index).clone();
            let store_index = store.inner.funcs.insert_with(|store_index| FuncData {
                funcref: Box::new(VMFuncRef {
                    code: *addr as *const u8,
                    vmctx: vmctx_ptr,
                    type_id: module.type_ids()[ty_index as usize],
                    store_index,
                }),
                ty,
                kind: FuncKind::Wasm {
                    trampoline: module.compiled().entry_trampolines[ty_index as usize],
                    instance: index,
                },
            });
            funcs.push(store_index);
        }
        for (ty, init) in info.globals[info.num_imported_globals as usize..]
            .iter()
            .zip(&info.global_inits)
        {
            let env = ConstEnv {
                globals: &globals,
                funcs: &funcs,
                info,
            };
            let raw = eval_const(init, &mut store.inner, &env)?;
            let mut g = GlobalData {
                vm: VMGlobal::default(),
                ty: *ty,
                owner: Some(index),
            };
            g.set_raw(raw);
            store.inner.pin_funcref(raw as u64, ty.content, Some(index));
            globals.push(store.inner.globals.insert_with(|_| Box::new(g)));
        }
        for t in &info.tags[info.num_imported_tags as usize..] {
            let data = Box::new(super::exception::TagData {
                ty: info.sig(*t).clone(),
                type_id: info.type_ids[*t as usize],
                owner: Some(index),
            });
            tags.push(store.inner.tags.insert_with(|_| data));
        }
        // Typed tables start filled with their initial element (which may
        // name this instance's functions and globals, so it comes now).
        for (i, init) in info.table_inits.iter().enumerate() {
            if let Some(init) = init {
                let env = ConstEnv {
                    globals: &globals,
                    funcs: &funcs,
                    info,
                };
                let raw = eval_const(init, &mut store.inner, &env)? as u64;
                let t = tables[info.num_imported_tables as usize + i];
                store.inner.tables[t as usize].elements_mut().fill(raw);
            }
        }
        let env = ConstEnv {
            globals: &globals,
            funcs: &funcs,
            info,
        };
        let mut elems = Vec::with_capacity(info.elems.len());
        for e in &info.elems {
            let mut items = Vec::with_capacity(e.items.len());
            for c in &e.items {
                items.push(eval_const(c, &mut store.inner, &env)? as u64);
            }
            elems.push(items);
        }
        let mut data = Box::new(InstanceData {
            module: module.clone(),
            index,
            vmctx,
            offsets,
            funcs,
            memories,
            tables,
            globals,
            tags,
            elems,
            data_dropped: vec![false; info.datas.len()],
            pinned: false,
            freed: false,
        });
        // Fill the vmctx.
        {
            let inner = &mut *store.inner;
            let d = &mut *data;
            let d_ptr = &*d as *const InstanceData as usize;
            let words = &mut d.vmctx;
            let mut put = |off: i32, v: usize| words[off as usize / 8] = v as u64;
            put(VMCTX_LIMITS, &mut inner.limits as *mut VMLimits as usize);
            put(VMCTX_LIBCALLS, super::libcalls::TABLE.0.as_ptr() as usize);
            put(VMCTX_INSTANCE, d_ptr);
            put(VMCTX_STORE, inner as *mut StoreInner as usize);
            for (i, m) in d.memories.iter().enumerate() {
                put(
                    offsets.memory(i as u32),
                    inner.memories[*m as usize].vm_ptr() as usize,
                );
            }
            for (i, t) in d.tables.iter().enumerate() {
                put(
                    offsets.table(i as u32),
                    &*inner.tables[*t as usize] as *const TableData as usize,
                );
            }
            for (i, g) in d.globals.iter().enumerate() {
                put(
                    offsets.global(i as u32),
                    &*inner.globals[*g as usize] as *const GlobalData as usize,
                );
            }
            for (i, f) in d.funcs.iter().enumerate() {
                put(
                    offsets.func(i as u32),
                    &*inner.funcs[*f as usize].funcref as *const VMFuncRef as usize,
                );
            }
            for (i, id) in module.type_ids().iter().enumerate() {
                put(offsets.type_id(i as u32), *id as usize);
            }
            for (i, t) in d.tags.iter().enumerate() {
                put(
                    offsets.tag(i as u32),
                    &*inner.tags[*t as usize] as *const super::exception::TagData as usize,
                );
            }
        }
        let placed = store.inner.instances.insert_with(|_| data);
        debug_assert_eq!(placed, index);
        let instance = Instance {
            store_id: store.inner.id,
            index,
        };
        instance.initialize(store)?;
        Ok(instance)
    }

    /// Active element and data segments, then the start function.
    fn initialize(&self, store: &mut Store) -> Result<()> {
        let inst = &store.inner.instances[self.index as usize];
        let module = inst.module.clone();
        let info = module.info();
        let (globals, funcs) = (inst.globals.clone(), inst.funcs.clone());
        let env = ConstEnv {
            globals: &globals,
            funcs: &funcs,
            info,
        };
        for (i, seg) in info.elems.iter().enumerate() {
            match &seg.mode {
                ElemMode::Active { table, offset } => {
                    let off = usize::try_from(eval_const(offset, &mut store.inner, &env)? as u64)
                        .unwrap_or(usize::MAX);
                    let t = store.inner.instances[self.index as usize].tables[*table as usize];
                    let items =
                        std::mem::take(&mut store.inner.instances[self.index as usize].elems[i]);
                    // Our functions going into a table we do not own.
                    if store.inner.tables[t as usize].owner != Some(self.index) {
                        store.inner.pin(Some(self.index));
                    }
                    let table = &mut store.inner.tables[t as usize];
                    let dst = table
                        .elements_mut()
                        .get_mut(off..)
                        .and_then(|s| s.get_mut(..items.len()))
                        .ok_or_else(|| Trap::from_code(TrapCode::TableOutOfBounds, vec![]))?;
                    dst.copy_from_slice(&items);
                }
                ElemMode::Declared => {
                    store.inner.instances[self.index as usize].elems[i].clear();
                }
                ElemMode::Passive => {}
            }
        }
        for (i, seg) in info.datas.iter().enumerate() {
            if let DataMode::Active { memory, offset } = &seg.mode {
                let off = usize::try_from(eval_const(offset, &mut store.inner, &env)? as u64)
                    .unwrap_or(usize::MAX);
                let m = store.inner.instances[self.index as usize].memories[*memory as usize];
                store.inner.instances[self.index as usize].data_dropped[i] = true;
                let mem = &mut store.inner.memories[m as usize];
                let dst = mem
                    .data_mut()
                    .get_mut(off..)
                    .and_then(|s| s.get_mut(..seg.bytes.len()))
                    .ok_or_else(|| Trap::from_code(TrapCode::MemoryOutOfBounds, vec![]))?;
                dst.copy_from_slice(&seg.bytes);
            }
        }
        if let Some(start) = info.start {
            let f = store.inner.instances[self.index as usize].funcs[start as usize];
            Func {
                store_id: store.inner.id,
                index: f,
            }
            .call(store, &[], &mut [])?;
        }
        Ok(())
    }

    /// The export called `name`.
    pub fn get_export(&self, store: &Store, name: &str) -> Option<Extern> {
        store.check(self.store_id);
        let inst = &store.inner.instances[self.index as usize];
        let (_, idx) = inst.module.info().exports.iter().find(|(n, _)| n == name)?;
        Some(self.extern_at(store, *idx))
    }

    fn extern_at(&self, store: &Store, idx: ExportIndex) -> Extern {
        let inst = &store.inner.instances[self.index as usize];
        let id = store.inner.id;
        match idx {
            ExportIndex::Func(i) => Extern::Func(Func {
                store_id: id,
                index: inst.funcs[i as usize],
            }),
            ExportIndex::Memory(i) => Extern::Memory(Memory {
                store_id: id,
                index: inst.memories[i as usize],
            }),
            ExportIndex::Table(i) => Extern::Table(Table {
                store_id: id,
                index: inst.tables[i as usize],
            }),
            ExportIndex::Global(i) => Extern::Global(Global {
                store_id: id,
                index: inst.globals[i as usize],
            }),
            ExportIndex::Tag(i) => Extern::Tag(super::exception::Tag {
                store_id: id,
                index: inst.tags[i as usize],
            }),
        }
    }

    /// All exports, in declaration order.
    pub fn exports(&self, store: &Store) -> Vec<(String, Extern)> {
        store.check(self.store_id);
        let module = store.inner.instances[self.index as usize].module.clone();
        module
            .info()
            .exports
            .iter()
            .map(|(n, i)| (n.clone(), self.extern_at(store, *i)))
            .collect()
    }

    /// The exported function `name`.
    pub fn get_func(&self, store: &Store, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }
    /// The exported memory `name`.
    pub fn get_memory(&self, store: &Store, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
    /// The exported global `name`.
    pub fn get_global(&self, store: &Store, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }
    /// The exported table `name`.
    pub fn get_table(&self, store: &Store, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
}

impl Memory {
    /// A new memory in `store`.
    pub fn new(store: &mut Store, ty: MemoryType) -> Result<Memory> {
        ty.check().map_err(Error::ty)?;
        check_memory_fits(store, ty.min, ty.page_size_log2)?;
        let m = MemoryData::new(ty, store.inner.engine.config().max_memory_bytes())?;
        let index = store.inner.memories.insert_with(|_| Box::new(m));
        Ok(Memory {
            store_id: store.inner.id,
            index,
        })
    }
    fn data_ref<'a>(&self, store: &'a Store) -> &'a MemoryData {
        store.check(self.store_id);
        &store.inner.memories[self.index as usize]
    }
    /// Type, with the current size as minimum.
    pub fn ty(&self, store: &Store) -> MemoryType {
        self.data_ref(store).current_type()
    }
    /// For a shared memory, a handle that other stores (on any thread) can
    /// import with `Memory::from_shared`; `None` for a memory that is not
    /// shared.
    pub fn shared(&self, store: &Store) -> Option<crate::SharedMemory> {
        self.data_ref(store).shared().cloned()
    }
    /// This store's handle to `shared`, to pass as an import to its
    /// instances. The memory's size counts towards this store's limit
    /// (`Store::limit_memory`) like its own memories.
    pub fn from_shared(store: &mut Store, shared: &crate::SharedMemory) -> Result<Memory> {
        check_memory_fits(store, shared.pages(), shared.ty().page_size_log2)?;
        let m = MemoryData::from_shared(shared.clone());
        let index = store.inner.memories.insert_with(|_| Box::new(m));
        Ok(Memory {
            store_id: store.inner.id,
            index,
        })
    }
    /// Size in pages.
    pub fn size(&self, store: &Store) -> u64 {
        self.data_ref(store).pages()
    }
    /// Size in bytes.
    pub fn data_size(&self, store: &Store) -> usize {
        self.data_ref(store).data().len()
    }
    /// The memory's bytes.
    pub fn data<'a>(&self, store: &'a Store) -> &'a [u8] {
        self.data_ref(store).data()
    }
    /// The memory's bytes, mutably.
    pub fn data_mut<'a>(&self, store: &'a mut Store) -> &'a mut [u8] {
        store.check(self.store_id);
        store.inner.memories[self.index as usize].data_mut()
    }
    /// Grows by `delta` pages, returning the old size in pages.
    pub fn grow(&self, store: &mut Store, delta: u64) -> Result<u64> {
        store.check(self.store_id);
        let log2 = store.inner.memories[self.index as usize].ty.page_size_log2;
        check_memory_fits(store, delta, log2)?;
        store.inner.memories[self.index as usize]
            .grow(delta)
            .ok_or_else(|| Error::limit(format!("cannot grow memory by {delta} pages")))
    }
    /// Copies bytes at `offset` into `buf`; fails when out of bounds.
    pub fn read(&self, store: &Store, offset: usize, buf: &mut [u8]) -> Result<()> {
        let data = self.data(store);
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| Error::limit("memory read out of bounds"))?;
        buf.copy_from_slice(src);
        Ok(())
    }
    /// Copies `buf` into memory at `offset`; fails when out of bounds.
    pub fn write(&self, store: &mut Store, offset: usize, buf: &[u8]) -> Result<()> {
        let data = self.data_mut(store);
        let dst = offset
            .checked_add(buf.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or_else(|| Error::limit("memory write out of bounds"))?;
        dst.copy_from_slice(buf);
        Ok(())
    }
}

impl Global {
    /// A new global holding `val`.
    pub fn new(store: &mut Store, ty: GlobalType, val: Val) -> Result<Global> {
        if !val.belongs_to(&store.inner) || !val.matches(ty.content, &store.inner) {
            return Err(Error::ty(format!(
                "global of type {} cannot hold a {}",
                ty.content,
                val.ty()
            )));
        }
        let mut g = GlobalData {
            vm: VMGlobal::default(),
            ty,
            owner: None,
        };
        g.set_raw(val.to_raw(&store.inner));
        store.inner.pin_val(&val, None);
        let index = store.inner.globals.insert_with(|_| Box::new(g));
        Ok(Global {
            store_id: store.inner.id,
            index,
        })
    }
    /// The global's type.
    pub fn ty(&self, store: &Store) -> GlobalType {
        store.check(self.store_id);
        store.inner.globals[self.index as usize].ty
    }
    /// The current value.
    pub fn get(&self, store: &Store) -> Val {
        store.check(self.store_id);
        let g = &store.inner.globals[self.index as usize];
        Val::from_raw(g.get_raw(), g.ty.content, &store.inner)
    }
    /// Sets the value; fails for immutable globals or a wrong type.
    pub fn set(&self, store: &mut Store, val: Val) -> Result<()> {
        store.check(self.store_id);
        let ty = store.inner.globals[self.index as usize].ty;
        if ty.mutability != Mutability::Var {
            return Err(Error::ty("cannot set an immutable global"));
        }
        if !val.belongs_to(&store.inner) || !val.matches(ty.content, &store.inner) {
            return Err(Error::ty(format!(
                "global of type {} cannot hold a {}",
                ty.content,
                val.ty()
            )));
        }
        let raw = val.to_raw(&store.inner);
        let owner = store.inner.globals[self.index as usize].owner;
        store.inner.pin_val(&val, owner);
        store.inner.globals[self.index as usize].set_raw(raw);
        Ok(())
    }
}

impl Table {
    /// A new table of `ty.min` elements set to `init`.
    pub fn new(store: &mut Store, ty: TableType, init: Val) -> Result<Table> {
        ty.check().map_err(Error::ty)?;
        if !init.belongs_to(&store.inner) || !init.matches(ty.element, &store.inner) {
            return Err(Error::ty(format!(
                "table of {} cannot hold a {}",
                ty.element,
                init.ty()
            )));
        }
        check_table_fits(store, ty.min)?;
        let raw = init.to_raw(&store.inner) as u64;
        store.inner.pin_val(&init, None);
        let t = TableData::new(ty, raw, store.inner.engine.config().max_table_elements)?;
        let index = store.inner.tables.insert_with(|_| t);
        Ok(Table {
            store_id: store.inner.id,
            index,
        })
    }
    /// Type, with the current size as minimum.
    pub fn ty(&self, store: &Store) -> TableType {
        store.check(self.store_id);
        store.inner.tables[self.index as usize].current_type()
    }
    /// Number of elements.
    pub fn size(&self, store: &Store) -> u64 {
        store.check(self.store_id);
        store.inner.tables[self.index as usize].size()
    }
    /// Element `index`, or `None` when out of bounds.
    pub fn get(&self, store: &Store, index: u64) -> Option<Val> {
        store.check(self.store_id);
        let t = &store.inner.tables[self.index as usize];
        let raw = *t.elements().get(usize::try_from(index).ok()?)?;
        Some(Val::from_raw(raw as u128, t.ty.element, &store.inner))
    }
    /// Sets element `index`.
    pub fn set(&self, store: &mut Store, index: u64, val: Val) -> Result<()> {
        store.check(self.store_id);
        let elem = store.inner.tables[self.index as usize].ty.element;
        if !val.belongs_to(&store.inner) || !val.matches(elem, &store.inner) {
            return Err(Error::ty(format!(
                "table of {elem} cannot hold a {}",
                val.ty()
            )));
        }
        let raw = val.to_raw(&store.inner) as u64;
        let owner = store.inner.tables[self.index as usize].owner;
        store.inner.pin_val(&val, owner);
        let slot = store.inner.tables[self.index as usize]
            .elements_mut()
            .get_mut(usize::try_from(index).unwrap_or(usize::MAX))
            .ok_or_else(|| Error::limit("table index out of bounds"))?;
        *slot = raw;
        Ok(())
    }
    /// Grows by `delta` elements set to `init`, returning the old size.
    pub fn grow(&self, store: &mut Store, delta: u64, init: Val) -> Result<u64> {
        store.check(self.store_id);
        let elem = store.inner.tables[self.index as usize].ty.element;
        if !init.belongs_to(&store.inner) || !init.matches(elem, &store.inner) {
            return Err(Error::ty(format!(
                "table of {elem} cannot hold a {}",
                init.ty()
            )));
        }
        check_table_fits(store, delta)?;
        let raw = init.to_raw(&store.inner) as u64;
        let owner = store.inner.tables[self.index as usize].owner;
        store.inner.pin_val(&init, owner);
        store.inner.tables[self.index as usize]
            .grow(delta, raw)
            .ok_or_else(|| Error::limit(format!("cannot grow table by {delta} elements")))
    }
}

/// Fails with a limit error when `pages` more pages would pass the store's
/// memory limit.
fn check_memory_fits(store: &Store, pages: u64, page_size_log2: u8) -> Result<()> {
    let bytes = pages
        .checked_shl(page_size_log2.into())
        .filter(|b| b >> page_size_log2 == pages)
        .unwrap_or(u64::MAX);
    check_fits(store, bytes, || format!("{pages} more pages"))
}

/// Fails with a limit error when `elements` more table elements would pass
/// the store's memory limit.
fn check_table_fits(store: &Store, elements: u64) -> Result<()> {
    check_fits(
        store,
        elements.saturating_mul(super::table::TABLE_ELEMENT_BYTES),
        || format!("a table of {elements} more elements"),
    )
}

fn check_fits(store: &Store, extra: u64, what: impl FnOnce() -> String) -> Result<()> {
    if store.inner.memory_fits(extra) {
        return Ok(());
    }
    Err(Error::limit(format!(
        "{} would pass the store's memory limit of {} bytes ({} in use)",
        what(),
        store.inner.memory_limit.unwrap_or(0),
        store.inner.memory_in_use()
    )))
}
