//! The store: owner of every instance, function, memory, table, global and
//! extern reference created in it. Handles are (store id, index) pairs
//! checked against the store they are used with.

use super::func::FuncData;
use super::global::GlobalData;
use super::instance::InstanceData;
use super::memory::MemoryData;
use super::table::TableData;
use super::vmctx::VMLimits;
use crate::engine::Engine;
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// The objects of one kind in a store, addressed by index. The slots of a
/// freed instance's objects go on a free list and are filled again by
/// later instantiations, so creating and freeing instances over and over
/// keeps the store's size flat.
pub struct Slots<T> {
    items: Vec<T>,
    free: Vec<u32>,
}

impl<T> Default for Slots<T> {
    fn default() -> Slots<T> {
        Slots {
            items: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slots<T> {
    /// The index the next `insert_with` will use.
    pub fn next_index(&self) -> u32 {
        self.free
            .last()
            .copied()
            .unwrap_or(self.items.len() as u32)
    }
    /// Stores `make(index)` at the next index and returns that index.
    pub fn insert_with(&mut self, make: impl FnOnce(u32) -> T) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.items[i as usize] = make(i);
                i
            }
            None => {
                let i = self.items.len() as u32;
                self.items.push(make(i));
                i
            }
        }
    }
    /// As `insert_with`, but a recycled slot's object is updated in place
    /// by `reuse` (keeping what it owns, such as buffers) rather than
    /// replaced by `make`.
    pub fn insert_reusing(
        &mut self,
        reuse: impl FnOnce(&mut T, u32),
        make: impl FnOnce(u32) -> T,
    ) -> u32 {
        match self.free.pop() {
            Some(i) => {
                reuse(&mut self.items[i as usize], i);
                i
            }
            None => {
                let i = self.items.len() as u32;
                self.items.push(make(i));
                i
            }
        }
    }
    /// Lets a later `insert_with` reuse slot `index`, whose object nothing
    /// refers to any more (it stays in place, inert, until then).
    pub(crate) fn recycle(&mut self, index: u32) {
        self.free.push(index);
    }
}

impl<T> std::ops::Deref for Slots<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> std::ops::DerefMut for Slots<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items
    }
}

/// Everything a store owns. Boxed so compiled code and host contexts can
/// hold its address.
pub struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub limits: VMLimits,
    pub funcs: Slots<FuncData>,
    pub memories: Slots<Box<MemoryData>>,
    pub tables: Slots<Box<TableData>>,
    pub globals: Slots<Box<GlobalData>>,
    pub instances: Slots<Box<InstanceData>>,
    /// Tags (exception handling), defined by instances or made by the host.
    pub tags: Slots<Box<super::exception::TagData>>,
    /// Exceptions (see `exception.rs` for how long they live).
    pub exns: Slots<Box<super::exception::ExnData>>,
    /// Exceptions made since the last collection.
    pub exns_since_collect: usize,
    pub externs: Vec<Box<dyn Any + Send + Sync>>,
    /// The `Store` currently running Wasm, for host functions' `Caller`.
    pub current: *mut Store,
    /// Cap on the bytes all linear memories and tables of the store may
    /// hold together.
    pub memory_limit: Option<u64>,
    /// The GC heap, once something needed it.
    pub gc: Option<Box<super::gc::GcHeap>>,
    /// The size limit a GC heap gets when it is made.
    pub gc_limit: u64,
    /// Frame pointers of the places where running Wasm code left for the
    /// host (host function calls, the allocator), innermost last: the
    /// collector walks the Wasm frames above each.
    pub gc_exits: Vec<usize>,
    /// The host's roots (see `gc::roots::RootTable`).
    pub gc_roots: std::cell::RefCell<super::gc::roots::RootTable>,
}

impl StoreInner {
    /// Bytes the store's memories and tables hold now (a table element
    /// counts `TABLE_ELEMENT_BYTES`).
    pub fn memory_in_use(&self) -> u64 {
        let memories: u64 = self.memories.iter().map(|m| m.byte_len()).sum();
        let tables: u64 = self.tables.iter().map(|t| t.vm.length).sum();
        memories.saturating_add(tables.saturating_mul(super::table::TABLE_ELEMENT_BYTES))
    }

    /// Whether `extra` more bytes of memory or table storage stay within
    /// the limit.
    pub fn memory_fits(&self, extra: u64) -> bool {
        self.memory_limit
            .is_none_or(|limit| self.memory_in_use().saturating_add(extra) <= limit)
    }
}

/// A collection of Wasm objects that live and die together. Not `Sync`:
/// one thread uses a store at a time (it may move between threads).
pub struct Store {
    pub(crate) inner: Box<StoreInner>,
}

// SAFETY: a store is used by one thread at a time (`&mut` for every call);
// its raw pointers only point into memory the store itself owns.
unsafe impl Send for Store {}

impl Store {
    /// An empty store for modules of `engine`.
    pub fn new(engine: &Engine) -> Store {
        Store {
            inner: Box::new(StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                limits: VMLimits {
                    stack_limit: 0,
                    epoch_deadline: u64::MAX,
                    epoch: &engine.0.epoch,
                    throw_stub: engine.throw_stub(),
                    gc_base: std::ptr::null_mut(),
                    type_displays: engine.types().display_table(),
                },
                funcs: Slots::default(),
                memories: Slots::default(),
                tables: Slots::default(),
                globals: Slots::default(),
                instances: Slots::default(),
                tags: Slots::default(),
                exns: Slots::default(),
                exns_since_collect: 0,
                externs: Vec::new(),
                current: std::ptr::null_mut(),
                memory_limit: None,
                gc: None,
                gc_limit: engine.config().gc_heap_limit,
                gc_exits: Vec::new(),
                gc_roots: Default::default(),
            }),
        }
    }

    /// The engine this store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Sets the size limit of this store's GC heap, in bytes (see
    /// `Config::gc_heap_limit`). Fails once the heap exists (it is made
    /// when the first struct or array is).
    pub fn set_gc_heap_limit(&mut self, max_bytes: u64) -> crate::Result<()> {
        if self.inner.gc.is_some() {
            return Err(crate::Error::limit(
                "the GC heap exists already: set its limit before the first allocation",
            ));
        }
        self.inner.gc_limit = max_bytes;
        Ok(())
    }

    /// Collects garbage now: frees every struct and array that no global,
    /// table, host handle or running Wasm frame can reach.
    pub fn gc(&mut self) {
        // SAFETY: the host holds the store mutably, so any Wasm frames of
        // it are stopped in host calls whose exits are on the list.
        unsafe { self.inner.collect_garbage() }
    }

    /// The GC heap's counters (collections, objects allocated and alive).
    pub fn gc_stats(&self) -> crate::GcStats {
        self.inner.gc_stats()
    }

    /// How many `AnyRef` handles (and `ExternRef`s wrapping one) the host
    /// holds rooted.
    pub fn gc_roots(&self) -> usize {
        self.inner.gc_roots.borrow().len()
    }

    /// Runs `f`; every `AnyRef` made during it (results of calls, new
    /// objects) is unrooted when it returns, unless the host unrooted it
    /// already. Scopes nest.
    pub fn gc_scope<R>(&mut self, f: impl FnOnce(&mut Store) -> R) -> R {
        self.inner.gc_roots.borrow_mut().open_scope();
        let r = f(self);
        self.inner.gc_roots.borrow_mut().close_scope();
        r
    }

    /// Caps what all linear memories and tables of this store hold
    /// together at `max_bytes` (`None`: no cap beyond the engine's
    /// per-memory and per-table limits); a table element counts 8 bytes.
    /// A `memory.grow` or `table.grow` that would pass it returns -1, as at
    /// a maximum; instantiating a module, or creating a memory or table,
    /// that would pass it fails with a limit error. Memory already held is
    /// not taken back. For budgets per plugin: one store per plugin.
    pub fn limit_memory(&mut self, max_bytes: Option<u64>) {
        self.inner.memory_limit = max_bytes;
    }

    /// Makes Wasm code in this store trap with "interrupted" once the
    /// engine's epoch has advanced `ticks` beyond its current value (with
    /// `Config::epoch_interruption`; without it there is no check). The
    /// default deadline is never. Set it before each call that must be
    /// bounded: a deadline that has passed stops every later call too.
    /// Host functions may set it during a call; the checks run in Wasm
    /// code, so time spent inside a host function is not cut short.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        let now = self.inner.engine.current_epoch();
        self.inner.limits.epoch_deadline = now.saturating_add(ticks);
    }

    /// The epoch at which this store's Wasm code is interrupted, when epoch
    /// interruption is on and a deadline is set; host functions that block
    /// (WASI sleeps and reads) use it to stop waiting.
    pub fn epoch_deadline(&self) -> Option<u64> {
        let d = self.inner.limits.epoch_deadline;
        (self.inner.engine.config().epoch_interruption && d != u64::MAX).then_some(d)
    }

    /// Panics with a clear message when a handle from another store is used.
    pub(crate) fn check(&self, store_id: u64) {
        assert_eq!(
            store_id, self.inner.id,
            "wasi-rt: object used with a store it does not belong to"
        );
    }

    /// The instances of the module whose code is `module_id`
    /// (`CompiledModule::id`).
    pub(crate) fn instances_of_module(&self, module_id: usize) -> Vec<crate::Instance> {
        self.inner
            .instances
            .iter()
            .filter(|i| !i.freed && i.module.compiled().id() == module_id)
            .map(|i| crate::Instance {
                store_id: self.inner.id,
                index: i.index,
            })
            .collect()
    }

    /// Whether a handle with `store_id` belongs to this store.
    pub fn owns(&self, store_id: u64) -> bool {
        self.inner.id == store_id
    }
}

impl StoreInner {
    /// The instance that defined function `f` (`None`: a host function).
    pub(crate) fn func_owner(&self, f: u32) -> Option<u32> {
        match self.funcs[f as usize].kind {
            super::func::FuncKind::Wasm { instance, .. } => Some(instance),
            super::func::FuncKind::Host(_) => None,
        }
    }

    /// The instance that defined an extern (`None`: made by the host).
    pub(crate) fn extern_owner(&self, e: &crate::Extern) -> Option<u32> {
        match e {
            crate::Extern::Func(f) => self.func_owner(f.index),
            crate::Extern::Memory(m) => self.memories[m.index as usize].owner,
            crate::Extern::Table(t) => self.tables[t.index as usize].owner,
            crate::Extern::Global(g) => self.globals[g.index as usize].owner,
            crate::Extern::Tag(t) => self.tags[t.index as usize].owner,
        }
    }

    /// Keeps `instance` alive as long as the store.
    pub(crate) fn pin(&mut self, instance: Option<u32>) {
        if let Some(i) = instance {
            self.instances[i as usize].pinned = true;
        }
    }

    /// A funcref word (`*const VMFuncRef` or 0) is being stored in a table
    /// or global owned by `holder`: pins the function's instance unless it
    /// is the holder itself. Other value types need nothing.
    pub(crate) fn pin_funcref(&mut self, raw: u64, ty: crate::ValType, holder: Option<u32>) {
        if !crate::types::is_func_ref(ty) || raw == 0 {
            return;
        }
        // SAFETY: non-null funcref words point at live VMFuncRefs of this store.
        let index = unsafe { (*(raw as *const super::vmctx::VMFuncRef)).store_index };
        let owner = self.func_owner(index);
        if owner.is_some() && owner != holder {
            self.pin(owner);
        }
    }

    /// As `pin_funcref`, for a value.
    pub(crate) fn pin_val(&mut self, v: &super::val::Val, holder: Option<u32>) {
        if let super::val::Val::FuncRef(Some(f)) = v {
            let owner = self.func_owner(f.index);
            if owner.is_some() && owner != holder {
                self.pin(owner);
            }
        }
    }
}

impl Store {
    /// The (kind, index) keys of what instance `index` defines, as the C
    /// API keys host info: 0 funcs, 1 globals, 2 tables, 3 memories, 4 the
    /// instance itself.
    pub(crate) fn instance_keys(&self, index: u32) -> Vec<(u8, u32)> {
        let inner = &self.inner;
        let inst = &inner.instances[index as usize];
        let mut keys = vec![(4, index)];
        keys.extend(
            inst.funcs
                .iter()
                .filter(|f| inner.func_owner(**f) == Some(index))
                .map(|f| (0, *f)),
        );
        keys.extend(
            inst.globals
                .iter()
                .filter(|g| inner.globals[**g as usize].owner == Some(index))
                .map(|g| (1, *g)),
        );
        keys.extend(
            inst.tables
                .iter()
                .filter(|t| inner.tables[**t as usize].owner == Some(index))
                .map(|t| (2, *t)),
        );
        keys.extend(
            inst.memories
                .iter()
                .filter(|m| inner.memories[**m as usize].owner == Some(index))
                .map(|m| (3, *m)),
        );
        keys
    }

    /// Whether Wasm code of this store is running (a call is in progress).
    pub(crate) fn in_wasm(&self) -> bool {
        self.inner.limits.stack_limit != 0
    }

    /// Frees what instance `index` owns (memories, tables, its vmctx),
    /// unless it is pinned, already freed, or Wasm is running. The caller
    /// guarantees no handle to the instance or anything it defines is in
    /// use. Returns whether it was freed.
    pub(crate) fn free_instance(&mut self, index: u32) -> bool {
        if self.in_wasm() {
            return false;
        }
        let inner = &mut *self.inner;
        let inst = &mut inner.instances[index as usize];
        // Objects in a GC heap may hold this instance's functions: once a
        // store has a heap, its instances live as long as it does.
        if inst.pinned || inst.freed || inner.gc.is_some() {
            return false;
        }
        inst.freed = true;
        inst.vmctx = Box::new([]);
        inst.elems = Vec::new();
        inst.data_dropped = Vec::new();
        // The lists stay with the freed instance (`instance_keys` reads
        // them); copies say which slots to recycle.
        let (funcs, memories, tables, globals) = (
            inst.funcs.clone(),
            inst.memories.clone(),
            inst.tables.clone(),
            inst.globals.clone(),
        );
        for f in funcs.iter() {
            if inner.func_owner(*f) == Some(index) {
                inner.funcs.recycle(*f);
            }
        }
        for m in memories.iter() {
            let m_data = &mut inner.memories[*m as usize];
            if m_data.owner == Some(index) {
                m_data.release();
                inner.memories.recycle(*m);
            }
        }
        for t in tables.iter() {
            let t_data = &mut inner.tables[*t as usize];
            if t_data.owner == Some(index) {
                t_data.release();
                inner.tables.recycle(*t);
            }
        }
        for g in globals.iter() {
            if inner.globals[*g as usize].owner == Some(index) {
                inner.globals.recycle(*g);
            }
        }
        // Tags are not recycled: an exception that escaped may still name
        // one (a tag costs a few bytes).
        inner.instances.recycle(index);
        true
    }
}

/// A reference to host data passed to Wasm as an `externref`, or a value
/// of the `any` hierarchy that Wasm converted with `extern.convert_any`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store_id: u64,
    repr: ExternRepr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ExternRepr {
    /// Host data: its index in the store's extern list.
    Host(u32),
    /// An internal value, converted.
    Any(super::gc::anyref::AnyRef),
}

impl ExternRef {
    /// Wraps `data` so it can be passed to Wasm as an `externref`.
    pub fn new(store: &mut Store, data: impl Any + Send + Sync) -> ExternRef {
        store.inner.externs.push(Box::new(data));
        ExternRef {
            store_id: store.inner.id,
            repr: ExternRepr::Host(store.inner.externs.len() as u32 - 1),
        }
    }
    /// The host data this reference wraps; `None` when it is an internal
    /// value that Wasm converted (see [`ExternRef::as_any`]).
    pub fn data<'a>(&self, store: &'a Store) -> Option<&'a (dyn Any + Send + Sync)> {
        store.check(self.store_id);
        match self.repr {
            ExternRepr::Host(i) => Some(&*store.inner.externs[i as usize]),
            ExternRepr::Any(_) => None,
        }
    }
    /// The internal value this reference is a conversion of
    /// (`extern.convert_any`), if it is one.
    pub fn as_any(&self) -> Option<super::gc::anyref::AnyRef> {
        match self.repr {
            ExternRepr::Any(a) => Some(a),
            ExternRepr::Host(_) => None,
        }
    }
    /// `any` value `a` as an `externref` (what `extern.convert_any` does).
    pub fn from_any(a: super::gc::anyref::AnyRef) -> ExternRef {
        ExternRef {
            store_id: a.store_id,
            repr: ExternRepr::Any(a),
        }
    }
    /// The index of the host data, when this wraps host data.
    pub(crate) fn host_index(&self) -> Option<u32> {
        match self.repr {
            ExternRepr::Host(i) => Some(i),
            ExternRepr::Any(_) => None,
        }
    }
    /// The raw encoding (see `gc::layout`); 0 when a converted value was
    /// unrooted.
    pub(crate) fn to_raw(self, store: &StoreInner) -> u64 {
        match self.repr {
            ExternRepr::Host(i) => host_raw(i),
            ExternRepr::Any(a) => a.raw(store).map_or(0, u64::from),
        }
    }
    pub(crate) fn from_raw(store: &StoreInner, raw: u64) -> Option<ExternRef> {
        if raw == 0 {
            return None;
        }
        if super::gc::layout::is_host(raw as u32) {
            return Some(ExternRef {
                store_id: store.id,
                repr: ExternRepr::Host(((raw >> 2) - 1) as u32),
            });
        }
        super::gc::anyref::AnyRef::from_raw(store, raw as u32).map(ExternRef::from_any)
    }
}

/// The raw encoding of host data `index`.
fn host_raw(index: u32) -> u64 {
    ((u64::from(index) + 1) << 2) | 2
}
