//! `wasm_config_t`, `wasm_engine_t`, `wasm_store_t`.

use super::guard;
use super::object::StoreCell;
use crate::{Config, Engine, Store};
use std::rc::Rc;

/// Engine configuration (opaque). Created by `wasm_config_new`, consumed
/// by `wasm_engine_new_with_config`.
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// A compilation environment (opaque). Thread-safe; shared by stores.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

/// A store (opaque): owns everything created in it. Use from one thread at
/// a time. Objects created in a store keep its storage alive, so deleting
/// the store before them is safe (the storage goes when the last goes).
pub struct wasm_store_t {
    pub(crate) cell: Rc<StoreCell>,
}

/// A new default configuration; own (pass it to
/// `wasm_engine_new_with_config` or delete it).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(wasm_config_t {
            config: Config::default(),
        }))
    })
}

/// Deletes a configuration (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_config_delete(c: *mut wasm_config_t) {
    if !c.is_null() {
        // SAFETY: owned, from wasm_config_new.
        drop(unsafe { Box::from_raw(c) });
    }
}

/// With `enable`, engines made from `config` compile an epoch check into
/// every function entry and loop, so `wasi_rt_store_set_epoch_deadline`
/// and `wasi_rt_engine_increment_epoch` can stop Wasm code that runs too
/// long (it traps with `WASI_RT_TRAP_INTERRUPT`). Off by default. NULL is
/// ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_epoch_interruption(
    config: *mut wasm_config_t,
    enable: bool,
) {
    // SAFETY: NULL or a live config.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.epoch_interruption = enable;
    }
}

/// Sets the stack space Wasm code may use below the host's entry point, in
/// bytes (default 512 KiB); deeper recursion traps with
/// `WASI_RT_TRAP_STACK_OVERFLOW`. Wasm runs on the calling thread's stack
/// and never uses its last 64 KiB, which stay for the host functions it
/// calls: on a thread with less room the budget is what the thread has
/// left, so a small thread gets a trap, never a crash. Give threads that
/// call Wasm at least 128 KiB of free stack. 0 is allowed (every call
/// traps). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_max_wasm_stack(
    config: *mut wasm_config_t,
    bytes: usize,
) {
    // SAFETY: NULL or a live config.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_wasm_stack = bytes;
    }
}

/// The config and the UTF-8 name a setter was given; `None` when either
/// is NULL or the name is not UTF-8.
///
/// # Safety
/// `config` is NULL or a live config; `name` is NULL or NUL-terminated.
unsafe fn config_and_name<'a>(
    config: *mut wasm_config_t,
    name: *const std::ffi::c_char,
) -> Option<(&'a mut wasm_config_t, &'a str)> {
    // SAFETY: per the contract.
    let c = unsafe { config.as_mut() }?;
    if name.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string (per the contract).
    let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_str().ok()?;
    Some((c, name))
}

/// Tells `name`d profiler where compiled functions are, for engines made
/// from `config`: "perfmap" appends each module's functions to
/// `/tmp/perf-PID.map` (so `perf report` names them), "jitdump" writes
/// them with their machine code to `/tmp/jit-PID.dump` (for `perf inject
/// --jit`, after which `perf annotate` shows them), "none" (the default)
/// does nothing. Returns false for NULL arguments or an unknown name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_profiler(config: *mut wasm_config_t, name: *const std::ffi::c_char) -> bool {
    guard(false, || {
        // SAFETY: forwarded C contract.
        let Some((c, name)) = (unsafe { config_and_name(config, name) }) else {
            return false;
        };
        match crate::Profiler::from_name(name) {
            Some(p) => {
                c.config.profiler = p;
                true
            }
            None => false,
        }
    })
}

/// Switches the on-disk code cache on for engines made from `config`:
/// `wasm_module_new` and `wasi_rt_module_new` then load the machine code
/// saved for the same module binary and engine settings instead of
/// compiling, and save what they compile (a lazily compiled module when
/// `wasi_rt_module_update_cache` is called, or once the background
/// compiler is done). `directory` (borrowed, NUL-terminated UTF-8; NULL:
/// `$XDG_CACHE_HOME/wasi-rt` or `$HOME/.cache/wasi-rt`) is created when
/// missing; `max_size` bounds all entries together in bytes (the least
/// recently used go first; 0 means the default, 1 GiB). Corrupt,
/// truncated or foreign entries are ignored and replaced, never run, but
/// the directory must be writable by this user only: entries are machine
/// code. Off by default. Returns false (changing nothing) for a NULL
/// `config` or a non-UTF-8 `directory`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_cache(
    config: *mut wasm_config_t,
    directory: *const std::ffi::c_char,
    max_size: u64,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or a live config.
        let Some(c) = (unsafe { config.as_mut() }) else {
            return false;
        };
        let directory = if directory.is_null() {
            None
        } else {
            // SAFETY: non-NULL, NUL-terminated per the contract.
            match unsafe { std::ffi::CStr::from_ptr(directory) }.to_str() {
                Ok(d) => Some(std::path::PathBuf::from(d)),
                Err(_) => return false,
            }
        };
        let defaults = crate::CacheConfig::default();
        c.config.cache = Some(crate::CacheConfig {
            directory,
            max_size: if max_size == 0 { defaults.max_size } else { max_size },
        });
        true
    })
}

/// With `enable`, engines made from `config` compile each function on its
/// first call instead of all of them in `wasm_module_new`, which then
/// only validates the module: a big program starts at once. With
/// `background` (used only with `enable`), low-priority threads shared by
/// the process compile the functions nobody has called yet. The defaults
/// are off (or what the environment variable `WASI_RT_LAZY_COMPILATION`
/// says) and on. A function that cannot be compiled when first called
/// traps. x86-64 only; elsewhere modules are compiled at once. NULL is
/// ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_lazy_compilation(
    config: *mut wasm_config_t,
    enable: bool,
    background: bool,
) {
    // SAFETY: NULL or a live config.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.lazy_compilation = enable;
        c.config.background_compilation = background;
    }
}

/// Sets the size limit of each store's GC heap for engines made from
/// `config`, in bytes (default 1 GiB; at most 4 GiB minus 1 MiB). An
/// allocation that finds the heap full after a collection traps with
/// `WASI_RT_TRAP_OUT_OF_GC_MEMORY`. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_gc_heap_limit(config: *mut wasm_config_t, bytes: u64) {
    // SAFETY: NULL or a live config.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.gc_heap_limit = bytes;
    }
}

/// Sets the largest function body engines made from `config` compile, in
/// bytes (default 7,654,321, the limit web engines apply): a module with a
/// bigger one fails to compile (`wasm_module_new` returns NULL). NULL is
/// ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_max_function_size(
    config: *mut wasm_config_t,
    bytes: usize,
) {
    // SAFETY: NULL or a live config.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_function_size = bytes;
    }
}

/// Sets the longest a module may take to compile, in milliseconds
/// (`UINT64_MAX`: no limit, the default). It is checked between functions,
/// so compiling stops at most one function later and fails
/// (`wasm_module_new` returns NULL). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_max_compile_time_ms(
    config: *mut wasm_config_t,
    millis: u64,
) {
    // SAFETY: NULL or a live config.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_compile_time =
            (millis != u64::MAX).then(|| std::time::Duration::from_millis(millis));
    }
}

/// Switches the Wasm feature `name` on or off for engines made from
/// `config` (every feature wasi-rt supports is on by default): "simd",
/// "multi_memory", "extended_const", "tail_call", "relaxed_simd",
/// "function_references", "exceptions", "legacy_exceptions", "memory64",
/// "custom_page_sizes", "threads", "wide_arithmetic". A module
/// using a feature that is off fails to compile with an error naming it.
/// Returns false
/// (changing nothing) for an unknown name, a NULL `config` or a NULL or
/// non-UTF-8 `name` (borrowed, NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_config_wasm_feature(
    config: *mut wasm_config_t,
    name: *const std::ffi::c_char,
    enable: bool,
) -> bool {
    guard(false, || {
        // SAFETY: forwarded C contract.
        let Some((c, name)) = (unsafe { config_and_name(config, name) }) else {
            return false;
        };
        c.config.features.set(name, enable)
    })
}

/// A new engine with the default configuration; own (delete with
/// `wasm_engine_delete`). NULL when the host CPU is not supported.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    guard(std::ptr::null_mut(), || {
        match Engine::new(&Config::default()) {
            Ok(engine) => Box::into_raw(Box::new(wasm_engine_t { engine })),
            Err(e) => {
                eprintln!("wasi-rt: cannot create an engine: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// A new engine with `config` (own; consumed, even on failure; NULL means
/// the default). Returns an own engine, or NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_engine_new_with_config(
    config: *mut wasm_config_t,
) -> *mut wasm_engine_t {
    guard(std::ptr::null_mut(), || {
        let config = if config.is_null() {
            Config::default()
        } else {
            // SAFETY: own config from wasm_config_new.
            unsafe { Box::from_raw(config) }.config
        };
        match Engine::new(&config) {
            Ok(engine) => Box::into_raw(Box::new(wasm_engine_t { engine })),
            Err(e) => {
                eprintln!("wasi-rt: cannot create an engine: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// Deletes an engine (own). Modules and stores made from it stay valid.
/// NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_engine_delete(e: *mut wasm_engine_t) {
    if !e.is_null() {
        // SAFETY: owned, from wasm_engine_new*.
        drop(unsafe { Box::from_raw(e) });
    }
}

/// A new, empty store for `engine`; own (delete with `wasm_store_delete`).
/// NULL when `engine` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live engine.
        let Some(e) = (unsafe { engine.as_ref() }) else {
            return std::ptr::null_mut();
        };
        Box::into_raw(Box::new(wasm_store_t {
            cell: StoreCell::new(Store::new(&e.engine)),
        }))
    })
}

/// Deletes a store (own). Objects still referring to it keep its storage
/// alive until they are deleted. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_store_delete(s: *mut wasm_store_t) {
    if !s.is_null() {
        // SAFETY: owned, from wasm_store_new.
        drop(unsafe { Box::from_raw(s) });
    }
}

/// Advances the engine's epoch by one. Safe to call from any thread (for
/// example a watchdog timer) while stores of the engine run Wasm code.
/// NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_increment_epoch(engine: *const wasm_engine_t) {
    // SAFETY: NULL or a live engine; the epoch is atomic.
    if let Some(e) = unsafe { engine.as_ref() } {
        e.engine.increment_epoch();
    }
}

/// Wasm code in `store` traps with `WASI_RT_TRAP_INTERRUPT` once the
/// engine's epoch is `ticks` beyond its current value (engines configured
/// with `wasi_rt_engine_config_epoch_interruption` only). The default
/// deadline is never; a passed deadline stops every later call until it is
/// set again. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_store_set_epoch_deadline(store: *mut wasm_store_t, ticks: u64) {
    // SAFETY: NULL or a live store, used from one thread at a time.
    if let Some(s) = unsafe { store.as_ref() } {
        guard((), || {
            // SAFETY: single-threaded store access, no reference kept.
            unsafe { s.cell.get() }.set_epoch_deadline(ticks)
        });
    }
}

/// Caps what all linear memories and tables of `store` hold together at
/// `max_bytes` (`UINT64_MAX`: no cap); a table element counts 8 bytes. A
/// `memory.grow` or `table.grow` that would pass it returns -1;
/// instantiating a module or creating a memory or table that would pass it
/// fails. Memory already held is kept. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_store_limit_memory(store: *mut wasm_store_t, max_bytes: u64) {
    // SAFETY: NULL or a live store, used from one thread at a time.
    if let Some(s) = unsafe { store.as_ref() } {
        let limit = (max_bytes != u64::MAX).then_some(max_bytes);
        guard((), || {
            // SAFETY: single-threaded store access, no reference kept.
            unsafe { s.cell.get() }.limit_memory(limit)
        });
    }
}
