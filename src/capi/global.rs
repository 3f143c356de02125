//! `wasm_global_t`: host-created globals, reading and writing.

use super::engine::wasm_store_t;
use super::guard;
use super::object::{Kind, Object, RefView, obj};
use super::refs::wasm_global_t;
use super::types::wasm_globaltype_t;
use super::val::wasm_val_t;
use crate::Global;

unsafe fn global_of<'a>(g: *const wasm_global_t) -> Option<(&'a Object, Global)> {
    // SAFETY: forwarded.
    let o = unsafe { obj(g) }?;
    match o.kind {
        Kind::Global(x) => Some((o, x)),
        _ => None,
    }
}

/// A new global of `type` (borrowed) holding `val` (borrowed); own.
/// NULL on NULL arguments or when `val` does not match the type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    r#type: *const wasm_globaltype_t,
    val: *const wasm_val_t,
) -> *mut wasm_global_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects.
        let (Some(s), Some(ty), Some(v)) = (
            unsafe { store.as_ref() },
            unsafe { r#type.as_ref() },
            unsafe { val.as_ref() },
        ) else {
            return std::ptr::null_mut();
        };
        let Some(v) = v.to_val(&s.cell) else {
            return std::ptr::null_mut();
        };
        // SAFETY: single-threaded store access.
        match Global::new(unsafe { s.cell.get() }, *ty.ty(), v) {
            Ok(g) => wasm_global_t::boxed(Object::new(Some(s.cell.clone()), Kind::Global(g))),
            Err(e) => {
                eprintln!("wasi-rt: wasm_global_new: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// The global's type; own. NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live global; single-threaded store access.
        let Some((o, x)) = (unsafe { global_of(g) }) else {
            return std::ptr::null_mut();
        };
        let st = unsafe { o.store_mut() }.expect("globals have a store");
        Box::into_raw(wasm_globaltype_t::new(x.ty(st)))
    })
}

/// Reads the value into `out` (own: a reference value must be deleted with
/// `wasm_val_delete`). Nothing is written for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    guard((), || {
        // SAFETY: NULL or a live global; `out` caller storage.
        let (Some((o, x)), Some(out)) = (unsafe { global_of(g) }, unsafe { out.as_mut() }) else {
            return;
        };
        let cell = o.store.as_ref().expect("globals have a store");
        // SAFETY: single-threaded store access.
        let v = x.get(unsafe { cell.get() });
        *out = wasm_val_t::from_val(v, cell);
    })
}

/// Writes `val` (borrowed). Ignored (with a message on stderr) when the
/// global is immutable or the value has the wrong type; nothing for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_set(g: *mut wasm_global_t, val: *const wasm_val_t) {
    guard((), || {
        // SAFETY: NULL or live objects.
        let (Some((o, x)), Some(v)) = (unsafe { global_of(g) }, unsafe { val.as_ref() }) else {
            return;
        };
        let cell = o.store.as_ref().expect("globals have a store");
        let Some(v) = v.to_val(cell) else { return };
        // SAFETY: single-threaded store access.
        if let Err(e) = x.set(unsafe { cell.get() }, v) {
            eprintln!("wasi-rt: wasm_global_set: {e}");
        }
    })
}
