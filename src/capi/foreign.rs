//! `wasm_foreign_t`: host objects that Wasm code can hold as `externref`.

use super::engine::wasm_store_t;
use super::guard;
use super::object::{Kind, Object, RefView};
use super::refs::wasm_foreign_t;
use crate::ExternRef;

/// A new host object in `store`; own (delete with `wasm_foreign_delete`).
/// Attach data to it with `wasm_foreign_set_host_info`. NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live store; single-threaded store access.
        let Some(s) = (unsafe { store.as_ref() }) else {
            return std::ptr::null_mut();
        };
        let e = ExternRef::new(unsafe { s.cell.get() }, ());
        wasm_foreign_t::boxed(Object::new(Some(s.cell.clone()), Kind::Foreign(e)))
    })
}
