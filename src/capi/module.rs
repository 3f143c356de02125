//! `wasm_module_t`: compiling, validating and describing modules.

use super::engine::{wasm_engine_t, wasm_store_t};
use super::error::{error, wasi_rt_error_t};
use super::object::{Kind, Object, RefView, obj};
use super::refs::wasm_module_t;
use super::types::{wasm_exporttype_t, wasm_importtype_t};
use super::vec::{wasm_byte_vec_t, wasm_exporttype_vec_t, wasm_importtype_vec_t};
use super::{guard, guard_with};
use crate::Module;

pub(crate) unsafe fn module_of<'a>(m: *const wasm_module_t) -> Option<&'a Module> {
    // SAFETY: forwarded.
    match unsafe { obj(m) }.map(|o| &o.kind) {
        Some(Kind::Module(m)) => Some(m),
        _ => None,
    }
}

/// Compiles `binary` (borrowed; the binary format, or text) for the
/// store's engine; own (delete with `wasm_module_delete`). NULL when the
/// module is malformed or invalid (the reason goes to stderr) or an
/// argument is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects.
        let (Some(s), Some(b)) = (unsafe { store.as_ref() }, unsafe { binary.as_ref() }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: single-threaded store access.
        let engine = unsafe { s.cell.get() }.engine().clone();
        match Module::new(&engine, b.as_slice()) {
            Ok(m) => wasm_module_t::boxed(Object::new(None, Kind::Module(m))),
            Err(e) => {
                eprintln!("wasi-rt: wasm_module_new: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// Compiles `binary` (borrowed; the binary format, or text) with `engine`
/// into `*module_out` (own; delete with `wasm_module_delete`). Unlike
/// `wasm_module_new` it needs no store and says why a module is refused:
/// returns NULL, or an own error (malformed or invalid module, a feature
/// switched off, a limit, NULL arguments) with `*module_out` set to NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_new(
    engine: *const wasm_engine_t,
    binary: *const wasm_byte_vec_t,
    module_out: *mut *mut wasm_module_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            if !module_out.is_null() {
                // SAFETY: caller storage for one pointer.
                unsafe { *module_out = std::ptr::null_mut() };
            }
            // SAFETY: NULL or live arguments.
            let (Some(e), Some(b)) = (unsafe { engine.as_ref() }, unsafe { binary.as_ref() })
            else {
                return error("wasi_rt_module_new: NULL argument");
            };
            if module_out.is_null() {
                return error("wasi_rt_module_new: NULL argument");
            }
            match Module::new(&e.engine, b.as_slice()) {
                Ok(m) => {
                    // SAFETY: checked non-NULL above.
                    unsafe {
                        *module_out = wasm_module_t::boxed(Object::new(None, Kind::Module(m)))
                    };
                    std::ptr::null_mut()
                }
                Err(err) => error(err.to_string()),
            }
        },
    )
}

/// Whether `binary` is a valid module, in the binary or the text format
/// (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live objects.
        match (unsafe { store.as_ref() }, unsafe { binary.as_ref() }) {
            (Some(_), Some(b)) => {
                // Binary or text, as wasm_module_new accepts them.
                crate::module::text::to_binary(b.as_slice())
                    .is_ok_and(|bin| Module::validate(&bin).is_ok())
            }
            _ => false,
        }
    })
}

/// The module's imports, in order, into `out` (own: delete with
/// `wasm_importtype_vec_delete`). Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_imports(
    m: *const wasm_module_t,
    out: *mut wasm_importtype_vec_t,
) {
    guard((), || {
        // SAFETY: caller storage; NULL or a live module.
        let Some(out) = (unsafe { out.as_mut() }) else {
            return;
        };
        let items = unsafe { module_of(m) }.map_or(Vec::new(), |m| {
            m.imports().map(|i| wasm_importtype_t::new(&i)).collect()
        });
        *out = wasm_importtype_vec_t::from_boxes(items);
    })
}

/// The module's exports, in order, into `out` (own: delete with
/// `wasm_exporttype_vec_delete`). Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_exports(
    m: *const wasm_module_t,
    out: *mut wasm_exporttype_vec_t,
) {
    guard((), || {
        // SAFETY: caller storage; NULL or a live module.
        let Some(out) = (unsafe { out.as_mut() }) else {
            return;
        };
        let items = unsafe { module_of(m) }.map_or(Vec::new(), |m| {
            m.exports().map(|e| wasm_exporttype_t::new(&e)).collect()
        });
        *out = wasm_exporttype_vec_t::from_boxes(items);
    })
}

/// Writes a serialized form of the module into `out` (own: delete with
/// `wasm_byte_vec_delete`); `wasm_module_deserialize` reads it back.
/// Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_serialize(m: *const wasm_module_t, out: *mut wasm_byte_vec_t) {
    guard((), || {
        // SAFETY: caller storage; NULL or a live module.
        let Some(out) = (unsafe { out.as_mut() }) else {
            return;
        };
        let bytes = unsafe { module_of(m) }.map_or(Vec::new(), |m| m.serialize());
        *out = wasm_byte_vec_t::from_vec(bytes);
    })
}

/// A module from bytes made by `wasm_module_serialize` (borrowed); own, or
/// NULL when they are not such bytes (reason on stderr) or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects; single-threaded store access.
        let (Some(s), Some(b)) = (unsafe { store.as_ref() }, unsafe { bytes.as_ref() }) else {
            return std::ptr::null_mut();
        };
        let engine = unsafe { s.cell.get() }.engine().clone();
        match Module::deserialize(&engine, b.as_slice()) {
            Ok(m) => wasm_module_t::boxed(Object::new(None, Kind::Module(m))),
            Err(e) => {
                eprintln!("wasi-rt: wasm_module_deserialize: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// A module in a form that can move to another thread (opaque).
pub struct wasm_shared_module_t {
    module: Module,
}

/// Shares a module across threads: own result (delete with
/// `wasm_shared_module_delete` after obtaining it where needed). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_share(m: *const wasm_module_t) -> *mut wasm_shared_module_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live module.
        match unsafe { module_of(m) } {
            Some(m) => Box::into_raw(Box::new(wasm_shared_module_t { module: m.clone() })),
            None => std::ptr::null_mut(),
        }
    })
}

/// The shared module as a module usable with `store` (same engine); own.
/// NULL when the engines differ or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects; single-threaded store access.
        let (Some(s), Some(sh)) = (unsafe { store.as_ref() }, unsafe { shared.as_ref() }) else {
            return std::ptr::null_mut();
        };
        if !unsafe { s.cell.get() }.engine().same(sh.module.engine()) {
            return std::ptr::null_mut();
        }
        wasm_module_t::boxed(Object::new(None, Kind::Module(sh.module.clone())))
    })
}

/// Deletes a shared module (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_shared_module_delete(s: *mut wasm_shared_module_t) {
    if !s.is_null() {
        // SAFETY: owned, from wasm_module_share.
        drop(unsafe { Box::from_raw(s) });
    }
}

/// How many of `module`'s defined functions have machine code
/// (`*compiled`) and how many it defines (`*total`): equal unless its
/// engine compiles lazily (`wasi_rt_engine_config_lazy_compilation`).
/// Either out pointer may be NULL; a NULL `module` gives 0 and 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_compiled_functions(
    module: *const wasm_module_t,
    compiled: *mut usize,
    total: *mut usize,
) {
    guard((), || {
        // SAFETY: NULL or a live module.
        let (c, t) = unsafe { module_of(module) }.map_or((0, 0), |m| m.compiled_functions());
        // SAFETY: NULL or writable, per the contract.
        unsafe {
            if let Some(p) = compiled.as_mut() {
                *p = c;
            }
            if let Some(p) = total.as_mut() {
                *p = t;
            }
        }
    })
}

/// Compiles every function of `module` that has no machine code yet, on
/// the calling thread (with lazy compilation; otherwise there is none).
/// Returns NULL, or an own error (a function that cannot be compiled, a
/// NULL `module`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_compile_all(module: *const wasm_module_t) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or a live module.
            let Some(m) = (unsafe { module_of(module) }) else {
                return error("wasi_rt_module_compile_all: module is NULL");
            };
            match m.compile_all() {
                Ok(()) => std::ptr::null_mut(),
                Err(e) => error(e.to_string()),
            }
        },
    )
}

/// Saves the machine code `module` has compiled so far to its engine's
/// code cache (`wasi_rt_engine_config_cache`), if it has grown since it
/// was loaded or last saved, so the next process starts with it; `*wrote`
/// (may be NULL) says whether it wrote. Does nothing without a cache.
/// Returns NULL, or an own error (the entry could not be written, a NULL
/// `module`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_update_cache(
    module: *const wasm_module_t,
    wrote: *mut bool,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or a live module.
            let Some(m) = (unsafe { module_of(module) }) else {
                return error("wasi_rt_module_update_cache: module is NULL");
            };
            match m.update_cache() {
                Ok(w) => {
                    // SAFETY: NULL or writable, per the contract.
                    if let Some(p) = unsafe { wrote.as_mut() } {
                        *p = w;
                    }
                    std::ptr::null_mut()
                }
                Err(e) => error(e.to_string()),
            }
        },
    )
}

/// Whether `module`'s machine code came from its engine's code cache
/// rather than the compiler; false for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_loaded_from_cache(module: *const wasm_module_t) -> bool {
    // SAFETY: NULL or a live module.
    guard(false, || unsafe { module_of(module) }.is_some_and(|m| m.loaded_from_cache()))
}

/// Validates and compiles `binary` (borrowed; binary or text format) with
/// `engine` and writes its machine code to `out` (own: delete with
/// `wasm_byte_vec_delete`), for `wasi_rt_module_from_precompiled` to load
/// later without compiling. Returns NULL, or an own error (a malformed or
/// invalid module, NULL arguments); `out` is then left untouched.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_precompile(
    engine: *const wasm_engine_t,
    binary: *const wasm_byte_vec_t,
    out: *mut wasm_byte_vec_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or live arguments.
            let (Some(e), Some(b), Some(out)) = (
                unsafe { engine.as_ref() },
                unsafe { binary.as_ref() },
                unsafe { out.as_mut() },
            ) else {
                return error("wasi_rt_module_precompile: NULL argument");
            };
            match Module::precompile(&e.engine, b.as_slice()) {
                Ok(code) => {
                    *out = wasm_byte_vec_t::from_vec(code);
                    std::ptr::null_mut()
                }
                Err(err) => error(err.to_string()),
            }
        },
    )
}

/// Loads a module written by `wasi_rt_module_precompile` into `*module_out`
/// (own; delete with `wasm_module_delete`) without compiling it. `bytes` is
/// borrowed. Returns NULL, or an own error for bytes that are not a
/// precompiled module, are cut short, or were made by another wasi-rt
/// version or an engine with other settings (then `*module_out` is NULL).
///
/// Trust: the machine code inside runs as it is. Only load bytes that came
/// from `wasi_rt_module_precompile` through storage nobody else can write;
/// bytes an attacker controls can run any code in the host.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_module_from_precompiled(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
    module_out: *mut *mut wasm_module_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            if !module_out.is_null() {
                // SAFETY: caller storage for one pointer.
                unsafe { *module_out = std::ptr::null_mut() };
            }
            // SAFETY: NULL or live arguments.
            let (Some(s), Some(b)) = (unsafe { store.as_ref() }, unsafe { bytes.as_ref() }) else {
                return error("wasi_rt_module_from_precompiled: NULL argument");
            };
            if module_out.is_null() {
                return error("wasi_rt_module_from_precompiled: NULL argument");
            }
            // SAFETY: single-threaded store access.
            let engine = unsafe { s.cell.get() }.engine().clone();
            // SAFETY: the caller vouches for the bytes, as documented.
            match unsafe { Module::from_precompiled(&engine, b.as_slice()) } {
                Ok(m) => {
                    // SAFETY: checked non-NULL above.
                    unsafe {
                        *module_out = wasm_module_t::boxed(Object::new(None, Kind::Module(m)))
                    };
                    std::ptr::null_mut()
                }
                Err(err) => error(err.to_string()),
            }
        },
    )
}
