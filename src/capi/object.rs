//! The one object layout behind every reference type of the C API
//! (`wasm_ref_t` and its subtypes: extern, func, global, table, memory,
//! instance, module, trap, foreign). Because they share it, the standard's
//! `wasm_X_as_ref`, `wasm_X_as_extern` and `wasm_extern_as_X` conversions
//! return the same pointer, viewed as another type, without allocating.

use crate::{Extern, ExternRef, Func, Global, Instance, Memory, Module, Store, Table};
use std::cell::{Cell, UnsafeCell};
use std::ffi::c_void;
use std::rc::Rc;

/// A store shared by the C objects that live in it. Objects hold it with
/// an `Rc`, so a store outlives every object created in it, whatever order
/// the host deletes them in. It also keeps the host info of its objects:
/// host info belongs to the object, so every reference to it (a copy, or
/// one obtained again from an export, a table or a call) sees the same,
/// and finalizers run when the store goes away.
///
/// It also decides when an instance can be freed: it counts the C handles
/// that refer to each instance or to something the instance defines; when
/// the count drops to zero and the runtime has not pinned the instance
/// (nothing else in the store can reach it), the instance's memories and
/// tables are released and its host info finalized.
pub struct StoreCell {
    store: UnsafeCell<Store>,
    host_info: std::cell::RefCell<std::collections::HashMap<(u8, u32), HostInfo>>,
    /// Live C handles per instance index.
    handles: std::cell::RefCell<std::collections::HashMap<u32, usize>>,
    /// Instances whose last handle went while Wasm was running.
    pending: std::cell::RefCell<Vec<u32>>,
}

impl StoreCell {
    pub fn new(store: Store) -> Rc<StoreCell> {
        Rc::new(StoreCell {
            store: UnsafeCell::new(store),
            host_info: Default::default(),
            handles: Default::default(),
            pending: Default::default(),
        })
    }
    /// The store, mutably.
    ///
    /// # Safety
    /// The C API is single-threaded per store and calls may re-enter
    /// (a host function calling back into Wasm); callers must not keep the
    /// returned reference across a call that can re-enter.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn get(&self) -> &mut Store {
        // SAFETY: per the contract above.
        unsafe { &mut *self.store.get() }
    }
}

impl StoreCell {
    /// The instance that a handle of `kind` keeps alive.
    fn owner(&self, kind: &Kind) -> Option<u32> {
        // SAFETY: single-threaded store access, no reference kept.
        let inner = &unsafe { self.get() }.inner;
        match kind {
            Kind::Instance(i) => Some(i.index),
            Kind::Func(f) => inner.func_owner(f.index),
            Kind::Memory(m) => inner.memories[m.index as usize].owner,
            Kind::Table(t) => inner.tables[t.index as usize].owner,
            Kind::Global(g) => inner.globals[g.index as usize].owner,
            Kind::Tag(t) => inner.tags[t.index as usize].owner,
            Kind::Module(_) | Kind::Trap(_) | Kind::Foreign(_) | Kind::Any(_) => None,
        }
    }

    fn acquire(&self, owner: u32) {
        *self.handles.borrow_mut().entry(owner).or_insert(0) += 1;
    }

    fn release(&self, owner: u32) {
        let last = {
            let mut h = self.handles.borrow_mut();
            let n = h.entry(owner).or_insert(1);
            *n -= 1;
            let last = *n == 0;
            if last {
                h.remove(&owner);
            }
            last
        };
        if last {
            self.pending.borrow_mut().push(owner);
        }
        self.collect();
    }

    /// Frees the instances whose last handle went, unless Wasm is running
    /// (then they wait for the next call to end).
    pub fn collect(&self) {
        // SAFETY: single-threaded store access, no reference kept across
        // the finalizers (which may call back into the API).
        if unsafe { self.get() }.in_wasm() {
            return;
        }
        let mut pending = std::mem::take(&mut *self.pending.borrow_mut());
        // An index may be pending twice (its count fell to zero, rose and
        // fell again); freeing it once matters, because a finalizer run
        // below may instantiate a module into the slot just freed.
        pending.sort_unstable();
        pending.dedup();
        for index in pending {
            if self.handles.borrow().contains_key(&index) {
                continue;
            }
            // SAFETY: as above.
            let store = unsafe { self.get() };
            if !store.free_instance(index) {
                continue;
            }
            let keys = store.instance_keys(index);
            let finalized: Vec<HostInfo> = {
                let mut infos = self.host_info.borrow_mut();
                keys.iter().filter_map(|k| infos.remove(k)).collect()
            };
            drop(finalized);
        }
    }
}

impl Drop for StoreCell {
    fn drop(&mut self) {
        // Finalizers first, while the store still exists; they get only
        // their own data, so they cannot reach the store.
        self.host_info.get_mut().clear();
    }
}

/// The identity of an object within its store, for host info.
fn identity(kind: &Kind) -> Option<(u8, u32)> {
    Some(match kind {
        Kind::Func(f) => (0, f.index),
        Kind::Global(g) => (1, g.index),
        Kind::Table(t) => (2, t.index),
        Kind::Memory(m) => (3, m.index),
        Kind::Instance(i) => (4, i.index),
        Kind::Foreign(e) => (5, e.host_index()?),
        Kind::Tag(t) => (6, t.index),
        Kind::Module(_) | Kind::Trap(_) | Kind::Any(_) => return None,
    })
}

/// What an object refers to.
#[derive(Clone)]
pub enum Kind {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Instance(Instance),
    Module(Module),
    /// Shared, so copies of a trap object are the same trap.
    Trap(Rc<super::trap::TrapData>),
    /// A host object (`wasm_foreign_t`), passed to Wasm as an externref.
    Foreign(ExternRef),
    /// A tag (exception handling), seen only as an extern.
    Tag(crate::Tag),
    /// A value of the `any` hierarchy (GC); the object owns its root.
    Any(crate::AnyRef),
}

/// Host data attached with `*_set_host_info[_with_finalizer]`.
pub struct HostInfo {
    data: Cell<*mut c_void>,
    finalizer: Cell<Option<unsafe extern "C" fn(*mut c_void)>>,
}

impl Default for HostInfo {
    fn default() -> HostInfo {
        HostInfo::new()
    }
}

impl HostInfo {
    pub fn new() -> HostInfo {
        HostInfo {
            data: Cell::new(std::ptr::null_mut()),
            finalizer: Cell::new(None),
        }
    }
    pub fn get(&self) -> *mut c_void {
        self.data.get()
    }
    /// Replaces the host info, finalizing the previous one.
    pub fn set(&self, data: *mut c_void, finalizer: Option<unsafe extern "C" fn(*mut c_void)>) {
        self.finalize();
        self.data.set(data);
        self.finalizer.set(finalizer);
    }
    fn finalize(&self) {
        if let Some(f) = self.finalizer.take() {
            // SAFETY: the host registered this finalizer for this data.
            unsafe { f(self.data.get()) };
        }
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        self.finalize();
    }
}

/// The shared layout of all reference objects.
#[repr(C)]
pub struct Object {
    pub store: Option<Rc<StoreCell>>,
    pub kind: Kind,
    pub host_info: HostInfo,
    /// The instance this handle keeps alive, if any.
    owner: Option<u32>,
}

impl Drop for Object {
    fn drop(&mut self) {
        if let (Some(s), Some(o)) = (&self.store, self.owner) {
            s.release(o);
        }
        // A GC reference's root goes with its handle.
        let any = match &self.kind {
            Kind::Any(a) => Some(*a),
            Kind::Foreign(e) => e.as_any(),
            _ => None,
        };
        if let (Some(s), Some(a)) = (&self.store, any) {
            // SAFETY: single-threaded store access, no reference kept.
            a.unroot(unsafe { s.get() });
        }
    }
}

impl Object {
    pub fn new(store: Option<Rc<StoreCell>>, kind: Kind) -> Object {
        let owner = store.as_ref().and_then(|s| s.owner(&kind));
        if let (Some(s), Some(o)) = (&store, owner) {
            s.acquire(o);
        }
        Object {
            store,
            kind,
            host_info: HostInfo::new(),
            owner,
        }
    }
    /// A new object referring to the same thing (host info is per object).
    pub fn copy(&self) -> Object {
        // A GC reference gets a root of its own: deleting either handle
        // leaves the other valid.
        let kind = match (&self.kind, &self.store) {
            (Kind::Any(a), Some(s)) => {
                // SAFETY: single-threaded store access, no reference kept.
                let inner = &unsafe { s.get() }.inner;
                match a.reroot(inner) {
                    Some(a) => Kind::Any(a),
                    None => self.kind.clone(),
                }
            }
            (Kind::Foreign(e), Some(s)) if e.as_any().is_some() => {
                // SAFETY: as above.
                let inner = &unsafe { s.get() }.inner;
                match e.as_any().and_then(|a| a.reroot(inner)) {
                    Some(a) => Kind::Foreign(crate::ExternRef::from_any(a)),
                    None => self.kind.clone(),
                }
            }
            _ => self.kind.clone(),
        };
        Object::new(self.store.clone(), kind)
    }
    /// The store, mutably (see `StoreCell::get`).
    ///
    /// # Safety
    /// As `StoreCell::get`.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn store_mut(&self) -> Option<&mut Store> {
        // SAFETY: forwarded.
        self.store.as_ref().map(|s| unsafe { s.get() })
    }
    /// The extern this object is, if it is one.
    pub fn as_extern(&self) -> Option<Extern> {
        match &self.kind {
            Kind::Func(f) => Some(Extern::Func(*f)),
            Kind::Global(g) => Some(Extern::Global(*g)),
            Kind::Table(t) => Some(Extern::Table(*t)),
            Kind::Memory(m) => Some(Extern::Memory(*m)),
            Kind::Tag(t) => Some(Extern::Tag(*t)),
            _ => None,
        }
    }
    pub fn from_extern(store: Rc<StoreCell>, e: Extern) -> Object {
        Object::new(
            Some(store),
            match e {
                Extern::Func(f) => Kind::Func(f),
                Extern::Global(g) => Kind::Global(g),
                Extern::Table(t) => Kind::Table(t),
                Extern::Memory(m) => Kind::Memory(m),
                Extern::Tag(t) => Kind::Tag(t),
            },
        )
    }
    /// Whether two objects refer to the same thing.
    pub fn same(&self, other: &Object) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Func(a), Kind::Func(b)) => a == b,
            (Kind::Global(a), Kind::Global(b)) => a == b,
            (Kind::Table(a), Kind::Table(b)) => a == b,
            (Kind::Memory(a), Kind::Memory(b)) => a == b,
            (Kind::Tag(a), Kind::Tag(b)) => a == b,
            (Kind::Instance(a), Kind::Instance(b)) => a == b,
            (Kind::Foreign(a), Kind::Foreign(b)) => a == b,
            (Kind::Module(a), Kind::Module(b)) => a.same(b),
            (Kind::Trap(a), Kind::Trap(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A C type that is a view of `Object` (all are `#[repr(transparent)]`).
pub trait RefView: Sized {
    /// Whether `o` is an object of this type.
    fn matches(o: &Object) -> bool;
    /// Boxes an object of this type for C (own).
    fn boxed(o: Object) -> *mut Self {
        Box::into_raw(Box::new(o)) as *mut Self
    }
}

/// The object behind a pointer of any view type.
///
/// # Safety
/// `p` must be NULL or a live object of the view type `T`.
pub unsafe fn obj<'a, T: RefView>(p: *const T) -> Option<&'a Object> {
    // SAFETY: every view type is a transparent wrapper of Object.
    unsafe { (p as *const Object).as_ref() }
}

/// `wasm_X_delete`.
///
/// # Safety
/// `p` is NULL or an owned object of type `T`.
pub unsafe fn delete<T: RefView>(p: *mut T) {
    crate::capi::guard((), || {
        if !p.is_null() {
            // SAFETY: owned, created by `RefView::boxed`.
            drop(unsafe { Box::from_raw(p as *mut Object) });
        }
    })
}

/// `wasm_X_copy`.
///
/// # Safety
/// `p` is NULL or a live object of type `T`.
pub unsafe fn copy<T: RefView>(p: *const T) -> *mut T {
    // SAFETY: forwarded.
    crate::capi::guard(std::ptr::null_mut(), || match unsafe { obj(p) } {
        Some(o) => T::boxed(o.copy()),
        None => std::ptr::null_mut(),
    })
}

/// `wasm_X_same`.
///
/// # Safety
/// Each pointer is NULL or a live object of type `T`.
pub unsafe fn same<T: RefView>(a: *const T, b: *const T) -> bool {
    // SAFETY: forwarded.
    crate::capi::guard(false, || match unsafe { (obj(a), obj(b)) } {
        (Some(a), Some(b)) => a.same(b),
        _ => false,
    })
}

/// `wasm_X_get_host_info`.
///
/// # Safety
/// `p` is NULL or a live object of type `T`.
pub unsafe fn get_host_info<T: RefView>(p: *const T) -> *mut c_void {
    // SAFETY: forwarded.
    let Some(o) = (unsafe { obj(p) }) else {
        return std::ptr::null_mut();
    };
    match (&o.store, identity(&o.kind)) {
        (Some(s), Some(key)) => s
            .host_info
            .borrow()
            .get(&key)
            .map_or(std::ptr::null_mut(), |h| h.get()),
        _ => o.host_info.get(),
    }
}

/// `wasm_X_set_host_info[_with_finalizer]`.
///
/// # Safety
/// `p` is NULL or a live object of type `T`.
pub unsafe fn set_host_info<T: RefView>(
    p: *mut T,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: forwarded.
    let Some(o) = (unsafe { obj(p) }) else { return };
    crate::capi::guard((), || match (&o.store, identity(&o.kind)) {
        (Some(s), Some(key)) => {
            // Take the old info out before finalizing it, so a finalizer
            // that touches host info does not find the table borrowed.
            let old = s.host_info.borrow_mut().remove(&key);
            drop(old);
            let h = HostInfo::new();
            h.set(info, finalizer);
            s.host_info.borrow_mut().insert(key, h);
        }
        _ => o.host_info.set(info, finalizer),
    });
}

/// `wasm_ref_as_X`: the reference viewed as `T`, or NULL.
///
/// # Safety
/// `r` is NULL or a live object.
pub unsafe fn downcast<T: RefView>(r: *const Object) -> *mut T {
    // SAFETY: forwarded.
    match unsafe { r.as_ref() } {
        Some(o) if T::matches(o) => r as *mut T,
        _ => std::ptr::null_mut(),
    }
}
