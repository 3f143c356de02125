//! `wasm_func_t`: host functions from C callbacks, calling functions, and
//! their types.

use super::engine::wasm_store_t;
use super::guard;
use super::object::{Kind, Object, RefView, StoreCell, obj};
use super::refs::{wasm_func_t, wasm_trap_t};
use super::trap::trap_of;
use super::types::wasm_functype_t;
use super::val::wasm_val_t;
use super::vec::wasm_val_vec_t;
use crate::{Func, Trap, Val};
use std::ffi::c_void;
use std::rc::Rc;

/// A host function: reads `args`, writes `results` (sized by the caller to
/// the result arity), returns NULL or an own trap to raise.
pub type wasm_func_callback_t = Option<
    unsafe extern "C" fn(
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

/// A host function with an environment pointer.
pub type wasm_func_callback_with_env_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

/// The C side of a host function: callback, environment and finalizer.
struct CHost {
    callback: unsafe extern "C" fn(
        *mut c_void,
        *const wasm_val_vec_t,
        *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
    env: *mut c_void,
    plain: Option<
        unsafe extern "C" fn(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t,
    >,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
    store: std::rc::Weak<StoreCell>,
}

// SAFETY: a store (and so its host functions) is used by one thread at a
// time; the C API documents that; the pointers are only used on that thread.
unsafe impl Send for CHost {}
unsafe impl Sync for CHost {}

impl Drop for CHost {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            // SAFETY: the finalizer the host registered for `env`.
            unsafe { f(self.env) };
        }
    }
}

unsafe extern "C" fn no_env(
    _: *mut c_void,
    _: *const wasm_val_vec_t,
    _: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    std::ptr::null_mut()
}

impl CHost {
    fn call(&self, params: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        let store = self
            .store
            .upgrade()
            .ok_or_else(|| Trap::new("the store of this host function is gone"))?;
        let not_c = |v: &Val| {
            v.ty() == crate::types::ValType::V128 || crate::types::is_exn_ref(v.ty())
        };
        if params.iter().any(not_c) || results.iter().any(not_c) {
            return Err(Trap::new(V128_ERROR));
        }
        let args: Vec<wasm_val_t> = params
            .iter()
            .map(|v| wasm_val_t::from_val(*v, &store))
            .collect();
        let args = wasm_val_vec_t::from_vec(args);
        let mut out = wasm_val_vec_t::from_vec(
            results
                .iter()
                .map(|v| wasm_val_t::from_val(*v, &store))
                .collect(),
        );
        // SAFETY: the host's callback, with vectors we own for the call.
        let trap = unsafe {
            match self.plain {
                Some(f) => f(&args, &mut out),
                None => (self.callback)(self.env, &args, &mut out),
            }
        };
        let mut result = Ok(());
        if !trap.is_null() {
            // SAFETY: the callback returned an own trap.
            result = Err(unsafe { trap_of(trap) }
                .cloned()
                .unwrap_or_else(|| Trap::new("host function returned a non-trap")));
            // SAFETY: owned by us now.
            unsafe { super::refs::wasm_trap_delete(trap) };
        } else {
            for (i, (r, v)) in results.iter_mut().zip(out.as_slice()).enumerate() {
                match v.to_val(&store) {
                    // `out` (and the root of a reference in it) goes below;
                    // the result needs a root until it is in its slot.
                    // SAFETY: single-threaded store access, no reference kept.
                    Some(val) => *r = val.rooted_temporarily(&unsafe { store.get() }.inner),
                    None => {
                        result = Err(Trap::new(format!(
                            "host function wrote an invalid value for result {i}"
                        )));
                        break;
                    }
                }
            }
        }
        // SAFETY: both vectors are ours.
        unsafe {
            super::vec::wasm_val_vec_delete(&mut out);
            let mut args = args;
            super::vec::wasm_val_vec_delete(&mut args);
        }
        result
    }
}

unsafe fn new_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    host: CHost,
) -> *mut wasm_func_t {
    // SAFETY: NULL or live objects.
    let (Some(s), Some(ty)) = (unsafe { store.as_ref() }, unsafe { ty.as_ref() }) else {
        return std::ptr::null_mut();
    };
    let cell = s.cell.clone();
    let mut host = host;
    host.store = Rc::downgrade(&cell);
    // SAFETY: single-threaded store access, not re-entered here.
    let st = unsafe { cell.get() };
    match Func::new(st, ty.ty().clone(), move |_caller, params, results| {
        host.call(params, results)
    }) {
        Ok(f) => wasm_func_t::boxed(Object::new(Some(cell), Kind::Func(f))),
        Err(e) => {
            eprintln!("wasi-rt: wasm_func_new: {e}");
            std::ptr::null_mut()
        }
    }
}

/// A host function of type `type` (borrowed) in `store`, calling
/// `callback`; own (delete with `wasm_func_delete`). NULL on NULL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    r#type: *const wasm_functype_t,
    callback: wasm_func_callback_t,
) -> *mut wasm_func_t {
    guard(std::ptr::null_mut(), || {
        let Some(cb) = callback else {
            return std::ptr::null_mut();
        };
        let host = CHost {
            callback: no_env,
            env: std::ptr::null_mut(),
            plain: Some(cb),
            finalizer: None,
            store: std::rc::Weak::new(),
        };
        // SAFETY: forwarded.
        unsafe { new_func(store, r#type, host) }
    })
}

/// Like `wasm_func_new`, passing `env` to every call; `finalizer` (may be
/// NULL) is called with `env` when the function is no longer reachable
/// (at the latest when its store is deleted). When this fails (returns
/// NULL for a NULL store or type), the finalizer has already been called.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    r#type: *const wasm_functype_t,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    guard(std::ptr::null_mut(), || {
        let Some(cb) = callback else {
            return std::ptr::null_mut();
        };
        let host = CHost {
            callback: cb,
            env,
            plain: None,
            finalizer,
            store: std::rc::Weak::new(),
        };
        // SAFETY: forwarded.
        unsafe { new_func(store, r#type, host) }
    })
}

unsafe fn func_of<'a>(f: *const wasm_func_t) -> Option<(&'a Object, Func)> {
    // SAFETY: forwarded.
    let o = unsafe { obj(f) }?;
    match o.kind {
        Kind::Func(func) => Some((o, func)),
        _ => None,
    }
}

/// The function's type; own (delete with `wasm_functype_delete`). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live func.
        let Some((o, func)) = (unsafe { func_of(f) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: single-threaded store access.
        let store = unsafe { o.store_mut() }.expect("functions have a store");
        Box::into_raw(wasm_functype_t::new(func.ty(store)))
    })
}

/// Number of parameters (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: NULL or a live func; single-threaded store access.
    unsafe { func_of(f) }.map_or(0, |(o, func)| {
        func.ty(unsafe { o.store_mut() }.expect("store"))
            .params()
            .len()
    })
}

/// Number of results (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: NULL or a live func; single-threaded store access.
    unsafe { func_of(f) }.map_or(0, |(o, func)| {
        func.ty(unsafe { o.store_mut() }.expect("store"))
            .results()
            .len()
    })
}

/// Arguments and results up to this count live on the stack during a call.
const INLINE: usize = 8;

/// A `wasm_val_t` (8-byte payload) cannot carry a 16-byte `v128`, nor an
/// exception.
const V128_ERROR: &str =
    "type error: v128 and exnref parameters and results cannot pass through wasm_val_t";

/// Whether `ty` has a parameter or result `wasm_val_t` cannot carry.
fn has_v128(ty: &crate::types::FuncType) -> bool {
    ty.params()
        .iter()
        .chain(ty.results())
        .any(|t| *t == crate::types::ValType::V128 || crate::types::is_exn_ref(*t))
}

fn trap_object(store: &Rc<StoreCell>, trap: Trap) -> *mut wasm_trap_t {
    super::trap::new_trap_object(store, trap)
}

/// Calls `func` with `args` (borrowed), writing its results into
/// `results`, whose size must be the result arity (it is checked after the
/// call, so a trapping call may pass an empty vector). Returns NULL on
/// success, or an own trap (a Wasm trap, a host trap, or an error such as a
/// wrong argument count or type, as a trap with a message). A function with
/// `v128` parameters or results cannot be called this way (`wasm_val_t`
/// holds 8 bytes): that is a type-error trap. A NULL `func`, or an object
/// that is not a function, is a trap too (never a silent success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_call(
    func: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live func.
        let Some((o, f)) = (unsafe { func_of(func) }) else {
            let what = if func.is_null() {
                "wasm_func_call: func is NULL"
            } else {
                "wasm_func_call: the object is not a function"
            };
            return super::trap::new_storeless_trap_object(Trap::new(what));
        };
        let cell = o.store.clone().expect("functions have a store");
        // SAFETY: NULL or caller vectors.
        let args = unsafe { args.as_ref() }.map_or(&[][..], |a| a.as_slice());
        // Small calls use stack arrays: a call allocates nothing.
        let mut params_inline = [Val::I32(0); INLINE];
        let mut params_heap = Vec::new();
        let params: &mut [Val] = if args.len() <= INLINE {
            &mut params_inline[..args.len()]
        } else {
            params_heap.resize(args.len(), Val::I32(0));
            &mut params_heap
        };
        for (i, (a, p)) in args.iter().zip(params.iter_mut()).enumerate() {
            match a.to_val(&cell) {
                Some(v) => *p = v,
                None => {
                    return trap_object(
                        &cell,
                        Trap::new(format!("argument {i} has an invalid kind or store")),
                    );
                }
            }
        }
        // SAFETY: single-threaded store access; re-entry from host
        // functions goes through their own `StoreCell::get`.
        let store = unsafe { cell.get() };
        if has_v128(f.ty_ref(store)) {
            return trap_object(&cell, Trap::new(V128_ERROR));
        }
        let nres = f.ty_ref(store).results().len();
        let mut out_inline = [Val::I32(0); INLINE];
        let mut out_heap = Vec::new();
        let out: &mut [Val] = if nres <= INLINE {
            &mut out_inline[..nres]
        } else {
            out_heap.resize(nres, Val::I32(0));
            &mut out_heap
        };
        for (o, t) in out.iter_mut().zip(f.ty_ref(store).results()) {
            *o = Val::default_for(*t);
        }
        let result = f.call(store, params, out);
        // Instances whose last handle went during the call can go now.
        cell.collect();
        if let Err(e) = result {
            let trap = e.into_trap().unwrap_or_else(|e| Trap::new(e.to_string()));
            return trap_object(&cell, trap);
        }
        // SAFETY: caller storage.
        let Some(results) = (unsafe { results.as_mut() }) else {
            return if out.is_empty() {
                std::ptr::null_mut()
            } else {
                trap_object(&cell, Trap::new("results vector is NULL"))
            };
        };
        if results.as_slice().len() != out.len() {
            return trap_object(
                &cell,
                Trap::new(format!(
                    "results vector has {} slots, the function returns {}",
                    results.as_slice().len(),
                    out.len()
                )),
            );
        }
        for (slot, v) in results.as_mut_slice().iter_mut().zip(out.iter()) {
            *slot = wasm_val_t::from_val(*v, &cell);
        }
        std::ptr::null_mut()
    })
}
