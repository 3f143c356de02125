//! `wasm_memory_t`: host-created memories, their bytes, size and growth.

use super::engine::wasm_store_t;
use super::{guard, guard_with, grown};
use super::object::{Kind, Object, RefView, obj};
use super::refs::wasm_memory_t;
use super::types::wasm_memorytype_t;
use super::vec::wasm_byte_t;
use super::engine::wasm_engine_t;
use super::error::{error, wasi_rt_error_t};
use crate::{Memory, SharedMemory};

unsafe fn memory_of<'a>(m: *const wasm_memory_t) -> Option<(&'a Object, Memory)> {
    // SAFETY: forwarded.
    let o = unsafe { obj(m) }?;
    match o.kind {
        Kind::Memory(x) => Some((o, x)),
        _ => None,
    }
}

/// A new memory of `type` (borrowed); own. NULL on NULL arguments or when
/// the size exceeds the limits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    r#type: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects; single-threaded store access.
        let (Some(s), Some(ty)) = (unsafe { store.as_ref() }, unsafe { r#type.as_ref() }) else {
            return std::ptr::null_mut();
        };
        match Memory::new(unsafe { s.cell.get() }, *ty.ty()) {
            Ok(m) => wasm_memory_t::boxed(Object::new(Some(s.cell.clone()), Kind::Memory(m))),
            Err(e) => {
                eprintln!("wasi-rt: wasm_memory_new: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// The memory's type (current size as minimum); own. NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live memory; single-threaded store access.
        let Some((o, x)) = (unsafe { memory_of(m) }) else {
            return std::ptr::null_mut();
        };
        Box::into_raw(wasm_memorytype_t::new(
            x.ty(unsafe { o.store_mut() }.expect("store")),
        ))
    })
}

/// The first byte of the memory (valid until it grows); NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut wasm_byte_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live memory; single-threaded store access.
        let Some((o, x)) = (unsafe { memory_of(m) }) else {
            return std::ptr::null_mut();
        };
        x.data_mut(unsafe { o.store_mut() }.expect("store"))
            .as_mut_ptr() as *mut wasm_byte_t
    })
}

/// The memory's size in bytes (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    // SAFETY: NULL or a live memory; single-threaded store access.
    unsafe { memory_of(m) }.map_or(0, |(o, x)| {
        x.data_size(unsafe { o.store_mut() }.expect("store"))
    })
}

/// The memory's size in pages (0 for NULL; `UINT32_MAX` when larger, for
/// a 64-bit memory: see `wasi_rt_memory_size64`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> u32 {
    // SAFETY: NULL or a live memory; single-threaded store access.
    unsafe { memory_of(m) }.map_or(0, |(o, x)| {
        u32::try_from(x.size(unsafe { o.store_mut() }.expect("store"))).unwrap_or(u32::MAX)
    })
}

/// Grows by `delta` pages; false (memory unchanged) beyond its maximum or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_grow(m: *mut wasm_memory_t, delta: u32) -> bool {
    guard(false, || {
        // SAFETY: NULL or a live memory; single-threaded store access.
        unsafe { memory_of(m) }.is_some_and(|(o, x)| {
            x.grow(unsafe { o.store_mut() }.expect("store"), delta.into())
                .is_ok()
        })
    })
}

/// The memory's size in pages, whole (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memory_size64(m: *const wasm_memory_t) -> u64 {
    // SAFETY: NULL or a live memory; single-threaded store access.
    unsafe { memory_of(m) }.map_or(0, |(o, x)| x.size(unsafe { o.store_mut() }.expect("store")))
}

/// Grows by `delta` pages, writing the old size in pages to `*prev` (when
/// not NULL); false (memory unchanged, nothing written) beyond its
/// maximum or the store's limits, or for a NULL `m`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memory_grow64(
    m: *mut wasm_memory_t,
    delta: u64,
    prev: *mut u64,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or a live memory; single-threaded store access.
        let Some((o, x)) = (unsafe { memory_of(m) }) else {
            return false;
        };
        let old = x.grow(unsafe { o.store_mut() }.expect("store"), delta).ok();
        // SAFETY: `prev` is NULL or writable (C contract).
        unsafe { grown(old, prev) }
    })
}

/// A memory shared between threads (opaque; own when returned): a handle
/// that stores of its engine, on any thread, turn into a `wasm_memory_t`
/// with `wasi_rt_sharedmemory_to_memory` and import. Unlike other objects
/// it belongs to no store: each handle may be used and deleted on any
/// thread. The memory lives until its last handle and every store memory
/// made from it are gone.
pub struct wasi_rt_sharedmemory_t {
    shared: SharedMemory,
}

fn shared_out(shared: SharedMemory) -> *mut wasi_rt_sharedmemory_t {
    Box::into_raw(Box::new(wasi_rt_sharedmemory_t { shared }))
}

/// Writes a new shared memory of `type` (borrowed; made with
/// `wasi_rt_memorytype_new(..., shared = true, ...)`) to `*ret`.
///
/// Ownership: on success `*ret` is the caller's, to delete with
/// `wasi_rt_sharedmemory_delete`.
/// Errors: returns an own error (and leaves `*ret` alone) for NULL
/// arguments, a type that is not shared, or a size beyond the engine's
/// limits; NULL on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_new(
    engine: *const wasm_engine_t,
    r#type: *const wasm_memorytype_t,
    ret: *mut *mut wasi_rt_sharedmemory_t,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_sharedmemory_new: internal error"), || {
        // SAFETY: NULL or live objects (C contract).
        let (Some(e), Some(ty)) = (unsafe { engine.as_ref() }, unsafe { r#type.as_ref() }) else {
            return error("wasi_rt_sharedmemory_new: NULL engine or type");
        };
        if ret.is_null() {
            return error("wasi_rt_sharedmemory_new: NULL ret");
        }
        match SharedMemory::new(&e.engine, *ty.ty()) {
            Ok(shared) => {
                // SAFETY: `ret` is non-NULL and writable (C contract).
                unsafe { *ret = shared_out(shared) };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_sharedmemory_new: {err}")),
        }
    })
}

/// Deletes a shared memory handle (own); NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_delete(m: *mut wasi_rt_sharedmemory_t) {
    if !m.is_null() {
        // SAFETY: an own handle from this API (C contract).
        drop(unsafe { Box::from_raw(m) });
    }
}

/// Another handle to the same memory (own); NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_clone(
    m: *const wasi_rt_sharedmemory_t,
) -> *mut wasi_rt_sharedmemory_t {
    // SAFETY: NULL or a live handle (C contract).
    unsafe { m.as_ref() }.map_or(std::ptr::null_mut(), |m| shared_out(m.shared.clone()))
}

/// Size in pages (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_size(m: *const wasi_rt_sharedmemory_t) -> u64 {
    // SAFETY: NULL or a live handle (C contract).
    unsafe { m.as_ref() }.map_or(0, |m| m.shared.pages())
}

/// Size in bytes (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_data_size(m: *const wasi_rt_sharedmemory_t) -> usize {
    // SAFETY: NULL or a live handle (C contract).
    unsafe { m.as_ref() }.map_or(0, |m| m.shared.data_ptr().1 as usize)
}

/// The first byte (NULL for NULL). It never moves, but other threads may
/// read and write the bytes at any time: use atomics, or treat what is
/// read as untrusted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_data(m: *const wasi_rt_sharedmemory_t) -> *mut wasm_byte_t {
    // SAFETY: NULL or a live handle (C contract).
    unsafe { m.as_ref() }.map_or(std::ptr::null_mut(), |m| m.shared.data_ptr().0 as *mut wasm_byte_t)
}

/// Grows by `delta` pages, writing the old size to `*prev` (when not
/// NULL); false (memory unchanged, nothing written) beyond its maximum or
/// for NULL. Safe to call while other threads run Wasm on the memory.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_grow(
    m: *const wasi_rt_sharedmemory_t,
    delta: u64,
    prev: *mut u64,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or a live handle (C contract).
        let old = unsafe { m.as_ref() }.and_then(|m| m.shared.grow(delta));
        // SAFETY: `prev` is NULL or writable (C contract).
        unsafe { grown(old, prev) }
    })
}

/// A handle to the shared memory behind store memory `m` (own), for
/// other stores and threads; NULL when `m` is NULL or not shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memory_sharedmemory(
    m: *const wasm_memory_t,
) -> *mut wasi_rt_sharedmemory_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live memory; single-threaded store access.
        let Some((o, x)) = (unsafe { memory_of(m) }) else {
            return std::ptr::null_mut();
        };
        x.shared(unsafe { o.store_mut() }.expect("store"))
            .map_or(std::ptr::null_mut(), shared_out)
    })
}

/// A memory of `store` (own) for the shared memory `m` (borrowed), to
/// import into the store's instances; its size counts towards the store's
/// memory limit. NULL for NULL arguments or beyond that limit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_sharedmemory_to_memory(
    store: *mut wasm_store_t,
    m: *const wasi_rt_sharedmemory_t,
) -> *mut wasm_memory_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects; single-threaded store access.
        let (Some(s), Some(m)) = (unsafe { store.as_ref() }, unsafe { m.as_ref() }) else {
            return std::ptr::null_mut();
        };
        match Memory::from_shared(unsafe { s.cell.get() }, &m.shared) {
            Ok(x) => wasm_memory_t::boxed(Object::new(Some(s.cell.clone()), Kind::Memory(x))),
            Err(e) => {
                eprintln!("wasi-rt: wasi_rt_sharedmemory_to_memory: {e}");
                std::ptr::null_mut()
            }
        }
    })
}
