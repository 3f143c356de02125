//! `wasi_rt_error_t`: a plain error with a message, returned by the
//! `wasi_rt_*` functions that can fail for reasons other than a trap.

use super::guard;
use super::vec::wasm_byte_vec_t;

/// An error with a message (opaque; own when returned).
pub struct wasi_rt_error_t {
    message: String,
}

/// A new own error with `msg`.
pub(crate) fn error(msg: impl Into<String>) -> *mut wasi_rt_error_t {
    Box::into_raw(Box::new(wasi_rt_error_t {
        message: msg.into(),
    }))
}

/// Writes the error's message, NUL-terminated, into `out` (own: delete with
/// `wasm_byte_vec_delete`). Nothing is written for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_error_message(
    e: *const wasi_rt_error_t,
    out: *mut wasm_byte_vec_t,
) {
    guard((), || {
        // SAFETY: NULL or live arguments.
        let (Some(e), Some(out)) = (unsafe { e.as_ref() }, unsafe { out.as_mut() }) else {
            return;
        };
        let mut bytes = e.message.as_bytes().to_vec();
        bytes.push(0);
        *out = wasm_byte_vec_t::from_vec(bytes);
    })
}

/// Deletes an error (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_error_delete(e: *mut wasi_rt_error_t) {
    if !e.is_null() {
        // SAFETY: owned, from this module.
        drop(unsafe { Box::from_raw(e) });
    }
}
