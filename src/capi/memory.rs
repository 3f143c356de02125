//! `wasm_memory_t`: host-created memories, their bytes, size and growth.

use super::engine::wasm_store_t;
use super::guard;
use super::object::{Kind, Object, RefView, obj};
use super::refs::wasm_memory_t;
use super::types::wasm_memorytype_t;
use super::vec::wasm_byte_t;
use crate::Memory;

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
        match x.grow(unsafe { o.store_mut() }.expect("store"), delta) {
            Ok(old) => {
                // SAFETY: `prev` is NULL or writable (C contract).
                if let Some(p) = unsafe { prev.as_mut() } {
                    *p = old;
                }
                true
            }
            Err(_) => false,
        }
    })
}
