//! Functions: Wasm functions of instances and host functions, calling them
//! from the host (untyped and typed), and the dispatcher host functions
//! are reached through.

use super::store::{Store, StoreInner};
use super::trap::{self, Trap};
use super::val::Val;
use super::vmctx::VMFuncRef;
use crate::error::{Error, Result};
use crate::runtime::code::CodeMemory;
use crate::types::{FuncType, ValType};
use std::sync::Arc;

/// The signature of a host function's implementation.
pub type HostFn = dyn Fn(Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// What a host function's exit trampoline receives as its "vmctx".
/// `dispatcher` must stay the first field: the trampoline loads it from
/// offset 0.
#[repr(C)]
pub struct HostFuncCtx {
    dispatcher: usize,
    store: *mut StoreInner,
    callback: Arc<HostFn>,
    ty: FuncType,
    _trampoline: Arc<CodeMemory>,
}

/// How a function runs.
pub enum FuncKind {
    /// Compiled code of an instance; `trampoline` is its entry trampoline.
    Wasm { trampoline: usize, instance: u32 },
    /// A host closure.
    Host(Box<HostFuncCtx>),
}

/// A function owned by a store.
pub struct FuncData {
    pub ty: FuncType,
    /// Stable address handed to compiled code and tables.
    pub funcref: Box<VMFuncRef>,
    pub kind: FuncKind,
}

/// A handle to a function in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// The host function's view of its caller: the store, and the instance
/// whose code made the call.
pub struct Caller<'a> {
    store: &'a mut Store,
    instance: Option<u32>,
}

impl Caller<'_> {
    /// The store the call runs in.
    pub fn store(&mut self) -> &mut Store {
        self.store
    }
    /// An export of the calling instance (e.g. its "memory").
    pub fn get_export(&mut self, name: &str) -> Option<super::instance::Extern> {
        let index = self.instance?;
        super::instance::Instance {
            store_id: self.store.inner.id,
            index,
        }
        .get_export(self.store, name)
    }
}

const INLINE_SLOTS: usize = 16;

impl Func {
    /// A host function of type `ty` implemented by `f`. `f` receives the
    /// parameters and must fill `results` with values of the result types;
    /// returning `Err` raises that trap in the calling Wasm code.
    pub fn new(
        store: &mut Store,
        ty: FuncType,
        f: impl Fn(Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<Func> {
        let engine = store.inner.engine.clone();
        let trampoline = engine.exit_trampoline(&ty)?;
        let type_id = engine.type_id(&ty);
        let store_ptr: *mut StoreInner = &mut *store.inner;
        let mut ctx = Box::new(HostFuncCtx {
            dispatcher: host_dispatch as *const () as usize,
            store: store_ptr,
            callback: Arc::new(f),
            ty: ty.clone(),
            _trampoline: trampoline.clone(),
        });
        let index = store.inner.funcs.insert_with(|index| {
            let funcref = Box::new(VMFuncRef {
                code: trampoline.base() as *const u8,
                vmctx: &mut *ctx as *mut HostFuncCtx as *mut u8,
                type_id,
                store_index: index,
            });
            FuncData {
                ty,
                funcref,
                kind: FuncKind::Host(ctx),
            }
        });
        Ok(Func {
            store_id: store.inner.id,
            index,
        })
    }

    pub(crate) fn from_raw(store: &StoreInner, raw: u64) -> Option<Func> {
        if raw == 0 {
            return None;
        }
        // SAFETY: non-null funcref words always point at a live VMFuncRef
        // owned by this store.
        let index = unsafe { (*(raw as *const VMFuncRef)).store_index };
        Some(Func {
            store_id: store.id,
            index,
        })
    }

    /// The function's signature.
    pub fn ty(&self, store: &Store) -> FuncType {
        self.ty_ref(store).clone()
    }

    /// The function's signature, borrowed from the store (no allocation).
    pub fn ty_ref<'a>(&self, store: &'a Store) -> &'a FuncType {
        store.check(self.store_id);
        &store.inner.funcs[self.index as usize].ty
    }

    /// Calls the function with `params`, writing `results`. Types and
    /// counts are checked; a trap comes back as an error holding the
    /// [`Trap`] and leaves the store usable.
    pub fn call(&self, store: &mut Store, params: &[Val], results: &mut [Val]) -> Result<()> {
        if !store.owns(self.store_id) {
            return Err(Error::ty(
                "function used with a store it does not belong to",
            ));
        }
        let data = &store.inner.funcs[self.index as usize];
        let ty = &data.ty;
        if params.len() != ty.params().len() || results.len() != ty.results().len() {
            return Err(Error::ty(format!(
                "function of type {ty} called with {} params and {} result slots",
                params.len(),
                results.len()
            )));
        }
        for (i, (p, t)) in params.iter().zip(ty.params()).enumerate() {
            if !p.matches(*t, &store.inner) {
                return Err(Error::ty(format!(
                    "argument {i} is {} but {t} is expected",
                    p.ty()
                )));
            }
            if !p.belongs_to(&store.inner) {
                return Err(Error::ty(format!(
                    "argument {i} is a reference from another store"
                )));
            }
        }
        if let FuncKind::Host(ctx) = &data.kind {
            let callback = ctx.callback.clone();
            let caller = Caller {
                store,
                instance: None,
            };
            callback(caller, params, results)?;
            return Ok(());
        }
        let n = params.len().max(results.len());
        let mut inline = [0u128; INLINE_SLOTS];
        let mut heap = Vec::new();
        let slots: &mut [u128] = if n <= INLINE_SLOTS {
            &mut inline[..]
        } else {
            heap.resize(n, 0u128);
            &mut heap[..]
        };
        for (s, p) in slots.iter_mut().zip(params) {
            *s = p.to_raw(&store.inner);
        }
        // SAFETY: the slots hold arguments of the function's own type.
        unsafe { self.call_raw(store, slots.as_mut_ptr())? };
        let inner = &store.inner;
        let ty = &inner.funcs[self.index as usize].ty;
        for ((r, s), t) in results.iter_mut().zip(slots.iter()).zip(ty.results()) {
            *r = Val::from_raw(*s, *t, inner);
        }
        Ok(())
    }

    /// Calls through the entry trampoline with raw slots.
    ///
    /// # Safety
    /// `slots` must hold the arguments, encoded for this function's type,
    /// and have room for its results.
    pub(crate) unsafe fn call_raw(&self, store: &mut Store, slots: *mut u128) -> Result<(), Trap> {
        let store_ptr: *mut Store = store;
        let inner = &mut *store.inner;
        let data = &inner.funcs[self.index as usize];
        let FuncKind::Wasm { trampoline, .. } = data.kind else {
            unreachable!("call_raw is only used for Wasm functions")
        };
        let (code, vmctx) = (data.funcref.code, data.funcref.vmctx);
        if inner.limits.stack_limit == 0 {
            // The outermost call: no Wasm frame holds an exception now,
            // and every result of earlier calls has been taken over.
            inner.collect_exceptions();
        }
        let prev = std::mem::replace(&mut inner.current, store_ptr);
        let max_stack = inner.engine.config().max_wasm_stack;
        let limits: *mut _ = &mut inner.limits;
        // SAFETY: the trampoline matches the function's type and the
        // caller vouches for the slots; the store outlives the call.
        let exits = inner.gc_exits.len();
        let r = unsafe { trap::call(limits, max_stack, trampoline, vmctx, code, slots) };
        // A trap unwinds past the exits of the host calls it left: they
        // are gone.
        store.inner.gc_exits.truncate(exits);
        store.inner.current = prev;
        r
    }

    /// A typed view of this function; fails when `P`/`R` do not match its type.
    pub fn typed<P: WasmParams, R: WasmResults>(&self, store: &Store) -> Result<TypedFunc<P, R>> {
        let ty = self.ty(store);
        if ty.params() != P::types().as_slice() || ty.results() != R::types().as_slice() {
            return Err(Error::ty(format!(
                "function of type {ty} does not match the requested typed signature"
            )));
        }
        Ok(TypedFunc {
            func: *self,
            _marker: std::marker::PhantomData,
        })
    }
}

/// The dispatcher every exit trampoline calls.
///
/// # Safety
/// Called only by exit trampolines with their `HostFuncCtx`, the caller's
/// vmctx and a slot array sized for the function's params and results.
unsafe extern "C" fn host_dispatch(
    ctx: *mut HostFuncCtx,
    caller_vmctx: *mut u8,
    slots: *mut u128,
    trampoline_fp: usize,
) {
    // All values with destructors live inside `dispatch`; when it returns
    // an error nothing on this frame needs dropping, so unwinding from
    // here to the entry skips only Wasm frames and this plain frame.
    // The collector walks the calling Wasm frames from this exit.
    // SAFETY: the context lives in its store, which is running this call.
    unsafe { (*(*ctx).store).gc_exits.push(trampoline_fp) };
    // SAFETY: forwarded contract.
    let result = unsafe { dispatch(ctx, caller_vmctx, slots) };
    // SAFETY: as above.
    unsafe { (*(*ctx).store).gc_exits.pop() };
    if let Err(mut t) = result {
        if let Some(exn) = t.exception() {
            // A Wasm exception (thrown by the host function, or one that
            // left a nested call): Wasm handlers above may catch it.
            // SAFETY: the store is running this call; the trampoline's
            // frame pointer starts the search; this frame owns nothing
            // that needs dropping once `t` is gone.
            unsafe {
                let store = &mut *(*ctx).store;
                let raw = exn.to_raw(store);
                drop(t);
                crate::runtime::exception::throw_raw(store, raw, trampoline_fp)
            }
        }
        if t.frames().is_empty() {
            // SAFETY: the exit trampoline passed its own frame pointer;
            // the frames above it are Wasm frames, then the entry's.
            t.set_frames(unsafe { trap::backtrace_from(trampoline_fp) });
        }
        // SAFETY: see above.
        unsafe { trap::raise(t) }
    }
}

unsafe fn dispatch(
    ctx: *mut HostFuncCtx,
    caller_vmctx: *mut u8,
    slots: *mut u128,
) -> Result<(), Trap> {
    // SAFETY: the context lives in its store, which is running this call.
    let ctx = unsafe { &*ctx };
    let callback = ctx.callback.clone();
    let ty = ctx.ty.clone();
    // SAFETY: `current` was set by the entry that is running this call.
    let store = unsafe { &mut *(*ctx.store).current };
    let n = ty.params().len().max(ty.results().len());
    // SAFETY: the trampoline sized the slot array for `n` values.
    let slots = unsafe { std::slice::from_raw_parts_mut(slots, n) };
    // The roots of the reference parameters (and of C host functions'
    // results) last until the results are in the slots.
    let mark = store.inner.gc_roots.borrow().temporaries_mark();
    let result = dispatch_scoped(ctx, store, caller_vmctx, slots, &callback, &ty);
    // SAFETY: `current` still names the store running this call.
    let store = unsafe { &mut *(*ctx.store).current };
    store.inner.gc_roots.borrow_mut().release_temporaries(mark);
    result
}

fn dispatch_scoped(
    ctx: &HostFuncCtx,
    store: &mut Store,
    caller_vmctx: *mut u8,
    slots: &mut [u128],
    callback: &Arc<HostFn>,
    ty: &FuncType,
) -> Result<(), Trap> {
    let params: Vec<Val> = ty
        .params()
        .iter()
        .zip(slots.iter())
        .map(|(t, s)| Val::from_raw_temporary(*s, *t, &store.inner))
        .collect();
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    // SAFETY: exit trampolines pass the calling Wasm function's vmctx.
    let instance = unsafe { super::instance::instance_of_vmctx(caller_vmctx) };
    let caller = Caller { store, instance };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        callback(caller, &params, &mut results)
    }));
    // SAFETY: as above; the caller borrow has ended.
    let store = unsafe { &mut *(*ctx.store).current };
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(t)) => return Err(t),
        Err(_) => return Err(Trap::new("host function panicked")),
    }
    for (i, (r, t)) in results.iter().zip(ty.results()).enumerate() {
        if !r.belongs_to(&store.inner) || !r.matches(*t, &store.inner) {
            return Err(Trap::new(format!(
                "host function returned {} for result {i}, expected {t}",
                r.ty()
            )));
        }
        slots[i] = r.to_raw(&store.inner);
    }
    Ok(())
}

/// A Rust type that maps to one Wasm value type.
pub trait WasmTy: Copy {
    const TYPE: ValType;
    fn to_raw(self) -> u128;
    fn from_raw(raw: u128) -> Self;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:expr, |$s:ident| $to:expr, |$r:ident| $from:expr) => {
        impl WasmTy for $t {
            const TYPE: ValType = $vt;
            fn to_raw(self) -> u128 {
                let $s = self;
                $to
            }
            fn from_raw($r: u128) -> Self {
                $from
            }
        }
    };
}
wasm_ty!(i32, ValType::I32, |s| s as u32 as u128, |r| r as u32 as i32);
wasm_ty!(u32, ValType::I32, |s| s as u128, |r| r as u32);
wasm_ty!(i64, ValType::I64, |s| s as u64 as u128, |r| r as u64 as i64);
wasm_ty!(u64, ValType::I64, |s| s as u128, |r| r as u64);
wasm_ty!(f32, ValType::F32, |s| s.to_bits() as u128, |r| {
    f32::from_bits(r as u32)
});
wasm_ty!(f64, ValType::F64, |s| s.to_bits() as u128, |r| {
    f64::from_bits(r as u64)
});

/// Parameter lists of typed functions: tuples of [`WasmTy`].
pub trait WasmParams {
    fn types() -> Vec<ValType>;
    fn write(self, slots: &mut [u128]);
}

/// Result lists of typed functions: `()`, one [`WasmTy`], or tuples.
pub trait WasmResults: Sized {
    fn types() -> Vec<ValType>;
    fn read(slots: &[u128]) -> Self;
}

impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn write(self, slots: &mut [u128]) {
        slots[0] = self.to_raw();
    }
}

impl<T: WasmTy> WasmResults for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn read(slots: &[u128]) -> Self {
        T::from_raw(slots[0])
    }
}

macro_rules! tuples {
    ($($n:ident $i:tt),*) => {
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> {
                vec![$($n::TYPE),*]
            }
            #[allow(unused_variables)]
            fn write(self, slots: &mut [u128]) {
                $(slots[$i] = self.$i.to_raw();)*
            }
        }
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> {
                vec![$($n::TYPE),*]
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn read(slots: &[u128]) -> Self {
                ($($n::from_raw(slots[$i]),)*)
            }
        }
    };
}
tuples!();
tuples!(A 0);
tuples!(A 0, B 1);
tuples!(A 0, B 1, C 2);
tuples!(A 0, B 1, C 2, D 3);
tuples!(A 0, B 1, C 2, D 3, E 4);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// A function whose parameter and result types were checked once, so calls
/// skip boxing values and checking types.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: std::marker::PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// Calls the function.
    pub fn call(&self, store: &mut Store, params: P) -> Result<R> {
        let mut slots = [0u128; 8];
        params.write(&mut slots);
        if !store.owns(self.func.store_id) {
            return Err(Error::ty(
                "function used with a store it does not belong to",
            ));
        }
        if matches!(
            store.inner.funcs[self.func.index as usize].kind,
            FuncKind::Host(_)
        ) {
            let ty = self.func.ty(store);
            let vals: Vec<Val> = ty
                .params()
                .iter()
                .zip(slots.iter())
                .map(|(t, s)| Val::from_raw(*s, *t, &store.inner))
                .collect();
            let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            self.func.call(store, &vals, &mut out)?;
            for (s, v) in slots.iter_mut().zip(&out) {
                *s = v.to_raw(&store.inner);
            }
            return Ok(R::read(&slots));
        }
        // SAFETY: `typed` checked P and R against the function's type, and
        // tuples have at most 8 elements.
        unsafe { self.func.call_raw(store, slots.as_mut_ptr())? };
        Ok(R::read(&slots))
    }
    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}
