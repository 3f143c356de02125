//! Tags (exception handling), a wasi-rt extension: `wasm.h` has no tags,
//! so a tag is only ever seen as a `wasm_extern_t` of kind
//! `WASI_RT_EXTERN_TAG`.

use super::engine::wasm_store_t;
use super::guard;
use super::object::{Kind, Object, RefView};
use super::refs::wasm_extern_t;
use super::types::wasm_functype_t;
use crate::types::TagType;

/// A new tag in `store` whose exceptions carry values of the parameter
/// types of `type` (a Wasm tag is typed by a function type with no
/// results). A module importing a tag accepts this one when the types
/// match; each call makes a distinct tag.
///
/// Ownership: `store` and `type` are borrowed; the result is the caller's,
/// to delete with `wasm_extern_delete`.
/// NULL/errors: returns NULL for a NULL argument or when `type` has
/// results.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_tag_new(
    store: *mut wasm_store_t,
    r#type: *const wasm_functype_t,
) -> *mut wasm_extern_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects (C contract).
        let (Some(s), Some(ty)) = (unsafe { store.as_ref() }, unsafe { r#type.as_ref() }) else {
            return std::ptr::null_mut();
        };
        let ty = ty.ty();
        if !ty.results().is_empty() {
            return std::ptr::null_mut();
        }
        let ty = TagType::new(ty.params().iter().copied());
        // SAFETY: single-threaded store access (a store is used from one
        // thread at a time, the C API's rule).
        let tag = crate::Tag::new(unsafe { s.cell.get() }, &ty);
        wasm_extern_t::boxed(Object::new(Some(s.cell.clone()), Kind::Tag(tag)))
    })
}
