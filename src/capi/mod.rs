//! Stage 5 of the pipeline: the C ABI. The standard `wasm.h` API of the
//! WebAssembly C API, plus `wasi_*` configuration and `wasi_rt_*` extras,
//! as `extern "C"` functions over the public Rust API.
//!
//! Conventions (they are repeated in the generated headers):
//! - `own` pointers and vectors returned to the caller are the caller's to
//!   delete with the matching `*_delete`; `own` arguments are taken over.
//! - A NULL where an object is required makes the call do nothing and
//!   return NULL/false/0 (never crash); it is a caller error.
//! - No Rust panic crosses the boundary: every entry point catches it and
//!   returns its failure value.

#![allow(non_camel_case_types, non_snake_case, clippy::missing_safety_doc)]

pub mod engine;
pub mod error;
pub mod r#extern;
pub mod foreign;
pub mod func;
pub mod gc;
pub mod global;
pub mod instance;
pub mod linker;
pub mod memory;
pub mod module;
pub mod object;
pub mod refs;
pub mod table;
pub mod tag;
pub mod trap;
pub mod types;
pub mod val;
pub mod vec;
pub mod wasi;

/// What a `*_grow64` function returns: false when growth failed (`old` is
/// `None`); otherwise true, with the old size written to `*prev` when it
/// is not NULL.
///
/// # Safety
/// `prev` is NULL or writable.
pub(crate) unsafe fn grown(old: Option<u64>, prev: *mut u64) -> bool {
    let Some(old) = old else { return false };
    // SAFETY: the caller's contract.
    if let Some(p) = unsafe { prev.as_mut() } {
        *p = old;
    }
    true
}

/// Writes `value` to `*out` and returns true; false (writing nothing) for
/// `None` or a NULL `out`.
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn put_u64(value: Option<u64>, out: *mut u64) -> bool {
    // SAFETY: the caller's contract.
    match (value, unsafe { out.as_mut() }) {
        (Some(v), Some(out)) => {
            *out = v;
            true
        }
        _ => false,
    }
}

/// Runs `f`, turning a panic into `fail` (a panic must never unwind into C).
pub(crate) fn guard<R>(fail: R, f: impl FnOnce() -> R) -> R {
    guard_with(|| fail, f)
}

/// Like `guard`, making the failure value only when a panic happened (for
/// failure values that allocate, such as errors).
pub(crate) fn guard_with<R>(fail: impl FnOnce() -> R, f: impl FnOnce() -> R) -> R {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            eprintln!("wasi-rt: internal error in the C API: {msg}");
            fail()
        }
    }
}
