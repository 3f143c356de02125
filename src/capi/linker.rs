//! `wasi_rt_linker_t`: resolving imports by name (host functions, globals,
//! tables, memories, whole instances and WASI), instantiating, and running
//! WASI commands with their exit code kept apart from traps.

use super::engine::wasm_store_t;
use super::error::{error, wasi_rt_error_t};
use super::guard;
use super::guard_with;
use super::module::module_of;
use super::object::{Kind, Object, RefView, StoreCell, obj};
use super::refs::{wasm_extern_t, wasm_instance_t, wasm_module_t, wasm_trap_t};
use super::wasi::wasi_config_t;
use crate::wasi::WasiCtx;
use crate::{Extern, Instance, Module, Trap};
use std::collections::HashMap;
use std::ffi::{CStr, c_char};
use std::rc::Rc;

/// Resolves imports by `module::name` (opaque; own when returned).
pub struct wasi_rt_linker_t {
    store: Rc<StoreCell>,
    /// Definitions, held as handles so the instances they come from stay
    /// alive as long as the linker.
    defs: HashMap<(String, String), Object>,
    wasi: Option<WasiCtx>,
}

unsafe fn text<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null pointer is a NUL-terminated C string.
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// A new, empty linker for `store`; own (delete with
/// `wasi_rt_linker_delete`). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_new(store: *mut wasm_store_t) -> *mut wasi_rt_linker_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live store.
        let Some(s) = (unsafe { store.as_ref() }) else {
            return std::ptr::null_mut();
        };
        Box::into_raw(Box::new(wasi_rt_linker_t {
            store: s.cell.clone(),
            defs: HashMap::new(),
            wasi: None,
        }))
    })
}

/// Deletes a linker (own). Instances made with it stay valid. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_delete(l: *mut wasi_rt_linker_t) {
    if !l.is_null() {
        // SAFETY: owned, from wasi_rt_linker_new.
        drop(unsafe { Box::from_raw(l) });
    }
}

/// Defines `module::name` as `item` (borrowed; it may be deleted after
/// this call). Returns NULL, or an own error (NULL arguments, a name that
/// is not UTF-8, an item of another store).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_define(
    l: *mut wasi_rt_linker_t,
    module: *const c_char,
    name: *const c_char,
    item: *const wasm_extern_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or live arguments.
            let (Some(l), Some(m), Some(n)) =
                (unsafe { l.as_mut() }, unsafe { text(module) }, unsafe {
                    text(name)
                })
            else {
                return error("wasi_rt_linker_define: NULL or non-UTF-8 argument");
            };
            // SAFETY: NULL or a live extern, as the caller promises.
            let Some(o) = (unsafe { obj(item) }) else {
                return error("wasi_rt_linker_define: NULL item");
            };
            if o.store.as_ref().is_some_and(|s| !Rc::ptr_eq(s, &l.store)) {
                return error(format!("{m}::{n} belongs to another store"));
            }
            match o.as_extern() {
                Some(e) => {
                    let held = Object::from_extern(l.store.clone(), e);
                    l.defs.insert((m.to_string(), n.to_string()), held);
                    std::ptr::null_mut()
                }
                None => error(format!("{m}::{n} is not an external")),
            }
        },
    )
}

/// Defines every export of `instance` (borrowed) under the module name
/// `module`. Returns NULL or an own error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_define_instance(
    l: *mut wasi_rt_linker_t,
    module: *const c_char,
    instance: *const wasm_instance_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or live arguments.
            let (Some(l), Some(m)) = (unsafe { l.as_mut() }, unsafe { text(module) }) else {
                return error("wasi_rt_linker_define_instance: NULL or non-UTF-8 argument");
            };
            let Some(Kind::Instance(inst)) = (unsafe { obj(instance) }).map(|o| o.kind.clone())
            else {
                return error("wasi_rt_linker_define_instance: NULL or not an instance");
            };
            // SAFETY: single-threaded store access.
            let st = unsafe { l.store.get() };
            for (name, e) in inst.exports(st) {
                let held = Object::from_extern(l.store.clone(), e);
                l.defs.insert((m.to_string(), name), held);
            }
            std::ptr::null_mut()
        },
    )
}

/// Serves WASI imports (`wasi_snapshot_preview1` and `wasi_unstable`) with
/// `config`, which this call takes over (own; deleted even on failure).
/// Returns NULL or an own error (e.g. a preopened directory that cannot be
/// opened).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_define_wasi(
    l: *mut wasi_rt_linker_t,
    config: *mut wasi_config_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            if config.is_null() {
                return error("wasi_rt_linker_define_wasi: NULL config");
            }
            // SAFETY: an own config from wasi_config_new.
            let config = unsafe { Box::from_raw(config) };
            // SAFETY: NULL or a live linker.
            let Some(l) = (unsafe { l.as_mut() }) else {
                return error("wasi_rt_linker_define_wasi: NULL linker");
            };
            match config.builder.build() {
                Ok(ctx) => {
                    l.wasi = Some(ctx);
                    std::ptr::null_mut()
                }
                Err(e) => error(e.to_string()),
            }
        },
    )
}

fn resolve(l: &wasi_rt_linker_t, module: &Module) -> Result<Vec<Extern>, String> {
    // A wasi-threads program: WASI serves all of its imports (its shared
    // memory, thread-spawn, the WASI functions), as it will for every
    // thread the program spawns.
    if let Some(w) = l.wasi.as_ref().filter(|_| WasiCtx::uses_threads(module)) {
        // SAFETY: single-threaded store access.
        return w
            .imports(unsafe { l.store.get() }, module)
            .map_err(|e| e.to_string());
    }
    let mut out = Vec::new();
    for imp in module.imports() {
        if let Some(e) = l
            .defs
            .get(&(imp.module().to_string(), imp.name().to_string()))
        {
            out.push(e.as_extern().expect("definitions are externals"));
            continue;
        }
        // SAFETY: single-threaded store access.
        let st = unsafe { l.store.get() };
        match l
            .wasi
            .as_ref()
            .and_then(|w| w.import(st, imp.module(), imp.name()))
        {
            Some(Ok(e)) => out.push(e),
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err(format!("unknown import {}::{}", imp.module(), imp.name())),
        }
    }
    Ok(out)
}

fn put_trap(store: &Rc<StoreCell>, out: *mut *mut wasm_trap_t, trap: Trap) {
    if !out.is_null() {
        // SAFETY: caller storage for one pointer.
        unsafe { *out = super::trap::new_trap_object(store, trap) };
    }
}

/// Instantiates `module` (borrowed) with imports resolved by name. On
/// success returns NULL and stores an own instance in `*instance_out`. A
/// missing or mismatched import is an own error returned; a trap during
/// instantiation (start function, segments) is stored in `*trap_out` (own)
/// and NULL is returned with `*instance_out` set to NULL. A WASI reactor
/// (a module exporting `_initialize` and no `_start`, as C built with
/// `-mexec-model=reactor` is) has `_initialize` called before this returns;
/// its traps are reported the same way.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_instantiate(
    l: *const wasi_rt_linker_t,
    module: *const wasm_module_t,
    instance_out: *mut *mut wasm_instance_t,
    trap_out: *mut *mut wasm_trap_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or live arguments.
            let (Some(l), Some(m)) = (unsafe { l.as_ref() }, unsafe { module_of(module) }) else {
                return error("wasi_rt_linker_instantiate: NULL argument");
            };
            if !instance_out.is_null() {
                // SAFETY: caller storage.
                unsafe { *instance_out = std::ptr::null_mut() };
            }
            let imports = match resolve(l, m) {
                Ok(i) => i,
                Err(e) => return error(e),
            };
            // Our own reference to the store: a start function may call a
            // host function that deletes the linker (and the store handle).
            let cell = l.store.clone();
            // SAFETY: single-threaded store access.
            let st = unsafe { cell.get() };
            // A handle at once: if initialising a reactor traps, dropping it
            // lets the store free the instance.
            let made = Instance::new(st, m, &imports).and_then(|inst| {
                let handle = Object::new(Some(cell.clone()), Kind::Instance(inst));
                // SAFETY: as above; the call below may re-enter the API, and
                // no store reference is kept across it.
                crate::wasi::initialize_reactor(unsafe { cell.get() }, m, &inst)?;
                Ok(handle)
            });
            match made {
                Ok(handle) => {
                    if !instance_out.is_null() {
                        // SAFETY: caller storage.
                        unsafe { *instance_out = wasm_instance_t::boxed(handle) };
                    }
                    std::ptr::null_mut()
                }
                Err(e) => match e.into_trap() {
                    Ok(t) => {
                        put_trap(&cell, trap_out, t);
                        std::ptr::null_mut()
                    }
                    Err(e) => error(e.to_string()),
                },
            }
        },
    )
}

/// Runs a WASI command: instantiates `module` and calls its `_start`. On
/// a normal end (returning, or `proc_exit(n)`) returns NULL with the exit
/// code in `*exit_code` (0 when `_start` returns). A trap is stored in
/// `*trap_out` (own) with NULL returned and `*exit_code` untouched; link
/// errors and a missing `_start` are own errors returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_linker_run(
    l: *const wasi_rt_linker_t,
    module: *const wasm_module_t,
    exit_code: *mut i32,
    trap_out: *mut *mut wasm_trap_t,
) -> *mut wasi_rt_error_t {
    guard_with(
        || error("internal error"),
        || {
            // SAFETY: NULL or live arguments.
            let (Some(l), Some(m)) = (unsafe { l.as_ref() }, unsafe { module_of(module) }) else {
                return error("wasi_rt_linker_run: NULL argument");
            };
            if !m.exports().any(|e| e.name() == "_start") {
                return error("the module has no _start function to run");
            }
            let imports = match resolve(l, m) {
                Ok(i) => i,
                Err(e) => return error(e),
            };
            // Our own reference to the store: `_start` may call a host
            // function that deletes the linker (and the store handle).
            let cell = l.store.clone();
            // SAFETY: single-threaded store access; the reference is not
            // kept across the call below, which may re-enter the API.
            let inst = Instance::new(unsafe { cell.get() }, m, &imports);
            // A handle for the duration of the run (and of making its trap):
            // once it is dropped, nothing refers to the instance and the
            // store frees it.
            let _handle = inst
                .as_ref()
                .ok()
                .map(|i| Object::new(Some(cell.clone()), Kind::Instance(*i)));
            let result = inst.and_then(|inst| {
                // SAFETY: as above.
                let store = unsafe { cell.get() };
                match l.wasi.as_ref() {
                    Some(w) => w.call_start(store, &inst),
                    None => crate::wasi::call_start(store, &inst),
                }
            });
            let exit = match l.wasi.as_ref() {
                Some(w) => w.command_exit(result),
                None => crate::wasi::command_exit(result),
            };
            let code = match exit {
                Ok(c) => c,
                Err(e) => match e.into_trap() {
                    Ok(t) => {
                        put_trap(&cell, trap_out, t);
                        return std::ptr::null_mut();
                    }
                    Err(e) => return error(e.to_string()),
                },
            };
            if !exit_code.is_null() {
                // SAFETY: caller storage.
                unsafe { *exit_code = code };
            }
            std::ptr::null_mut()
        },
    )
}
