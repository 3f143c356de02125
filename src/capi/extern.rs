//! `wasm_extern_t`: what a module imports and exports, of any kind.

use super::guard;
use super::object::{Kind, obj};
pub use super::refs::{wasm_extern_copy, wasm_extern_delete, wasm_extern_t};
use super::types::{
    WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE, wasm_externkind_t,
    wasm_externtype_t,
};

/// The kind of the external: `WASM_EXTERN_FUNC`, `_GLOBAL`, `_TABLE`,
/// `_MEMORY`, or `WASI_RT_EXTERN_TAG` for a tag (0 = FUNC for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> wasm_externkind_t {
    // SAFETY: NULL or a live extern.
    match unsafe { obj(e) }.map(|o| &o.kind) {
        Some(Kind::Global(_)) => WASM_EXTERN_GLOBAL,
        Some(Kind::Table(_)) => WASM_EXTERN_TABLE,
        Some(Kind::Memory(_)) => WASM_EXTERN_MEMORY,
        Some(Kind::Tag(_)) => super::types::WASI_RT_EXTERN_TAG,
        _ => WASM_EXTERN_FUNC,
    }
}

/// The external's type; own (delete with `wasm_externtype_delete`). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live extern.
        let Some(o) = (unsafe { obj(e) }) else {
            return std::ptr::null_mut();
        };
        let (Some(x), Some(cell)) = (o.as_extern(), &o.store) else {
            return std::ptr::null_mut();
        };
        // SAFETY: single-threaded store access.
        let st = unsafe { cell.get() };
        Box::into_raw(wasm_externtype_t::new(x.ty(st)))
    })
}
