//! `wasm_instance_t`: instantiation and exports.

use super::engine::wasm_store_t;
use super::guard;
use super::module::module_of;
use super::object::{Kind, Object, RefView, obj};
use super::refs::{wasm_extern_t, wasm_instance_t, wasm_module_t, wasm_trap_t};
use super::vec::wasm_extern_vec_t;
use crate::{Instance, Trap};

/// Instantiates `module` in `store` with `imports` (borrowed; one extern
/// per module import, in order; may be deleted right after this call).
/// Returns an own instance, or NULL on failure: then, when `trap` is not
/// NULL, `*trap` receives an own trap saying why (a trap of the start
/// function or of segment initialisation, or a link error as a message).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects.
        let (Some(s), Some(m)) = (unsafe { store.as_ref() }, unsafe { module_of(module) }) else {
            return std::ptr::null_mut();
        };
        let cell = s.cell.clone();
        let fail = |t: Trap| {
            if !trap.is_null() {
                // SAFETY: caller storage for one pointer.
                unsafe { *trap = super::trap::new_trap_object(&cell, t) };
            }
            std::ptr::null_mut()
        };
        // SAFETY: NULL or a caller vector of live externs.
        let list = unsafe { imports.as_ref() }.map_or(&[][..], |v| v.as_slice());
        let mut externs = Vec::with_capacity(list.len());
        for (i, e) in list.iter().enumerate() {
            // SAFETY: elements are NULL or live externs.
            match unsafe { obj(*e as *const wasm_extern_t) }.and_then(|o| o.as_extern()) {
                Some(x) => externs.push(x),
                None => return fail(Trap::new(format!("import {i} is NULL or not an external"))),
            }
        }
        // SAFETY: single-threaded store access.
        let st = unsafe { cell.get() };
        match Instance::new(st, m, &externs) {
            Ok(inst) => {
                wasm_instance_t::boxed(Object::new(Some(cell.clone()), Kind::Instance(inst)))
            }
            Err(e) => fail(e.into_trap().unwrap_or_else(|e| Trap::new(e.to_string()))),
        }
    })
}

/// The instance's exports, in the module's export order, into `out` (own:
/// delete with `wasm_extern_vec_delete`). They stay usable after the
/// instance (and its module) are deleted. Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_exports(
    i: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    guard((), || {
        // SAFETY: caller storage; NULL or a live instance.
        let Some(out) = (unsafe { out.as_mut() }) else {
            return;
        };
        let mut items = Vec::new();
        if let Some(o) = unsafe { obj(i) }
            && let (Kind::Instance(inst), Some(cell)) = (&o.kind, &o.store)
        {
            {
                // SAFETY: single-threaded store access.
                let st = unsafe { cell.get() };
                for (_, e) in inst.exports(st) {
                    items.push(Box::new(Object::from_extern(cell.clone(), e)));
                }
            }
        }
        let ptrs: Vec<*mut wasm_extern_t> = items
            .into_iter()
            .map(|b| Box::into_raw(b) as *mut wasm_extern_t)
            .collect();
        *out = wasm_extern_vec_t::from_raw_vec(ptrs);
    })
}
