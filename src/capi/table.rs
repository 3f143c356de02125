//! `wasm_table_t`: host-created tables, elements, size and growth.

use super::engine::wasm_store_t;
use super::guard;
use super::object::{Kind, Object, RefView, StoreCell, obj};
use super::refs::{wasm_ref_t, wasm_table_t};
use super::types::wasm_tabletype_t;
use crate::{Table, Val, ValType};
use std::rc::Rc;

unsafe fn table_of<'a>(t: *const wasm_table_t) -> Option<(&'a Object, Table)> {
    // SAFETY: forwarded.
    let o = unsafe { obj(t) }?;
    match o.kind {
        Kind::Table(x) => Some((o, x)),
        _ => None,
    }
}

/// The value a borrowed reference stands for in a table of `elem` type;
/// `None` when it cannot go there.
unsafe fn ref_val(r: *const wasm_ref_t, elem: ValType, store: &Rc<StoreCell>) -> Option<Val> {
    // SAFETY: forwarded.
    let Some(o) = (unsafe { obj(r) }) else {
        return Some(if crate::types::is_func_ref(elem) {
            Val::FuncRef(None)
        } else {
            Val::ExternRef(None)
        });
    };
    if o.store.as_ref().is_some_and(|s| !Rc::ptr_eq(s, store)) {
        return None;
    }
    match (&o.kind, elem) {
        (Kind::Func(f), t) if crate::types::is_func_ref(t) => Some(Val::FuncRef(Some(*f))),
        (Kind::Foreign(e), t) if t.is_ref() && !crate::types::is_func_ref(t) => {
            Some(Val::ExternRef(Some(*e)))
        }
        _ => None,
    }
}

fn val_ref(v: Val, store: &Rc<StoreCell>) -> *mut wasm_ref_t {
    match v {
        Val::FuncRef(Some(f)) => wasm_ref_t::boxed(Object::new(Some(store.clone()), Kind::Func(f))),
        Val::ExternRef(Some(e)) => {
            wasm_ref_t::boxed(Object::new(Some(store.clone()), Kind::Foreign(e)))
        }
        _ => std::ptr::null_mut(),
    }
}

/// A new table of `type` (borrowed) with every element `init` (borrowed;
/// NULL = null reference); own. NULL on bad arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    r#type: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects; single-threaded store access.
        let (Some(s), Some(ty)) = (unsafe { store.as_ref() }, unsafe { r#type.as_ref() }) else {
            return std::ptr::null_mut();
        };
        let ty = *ty.ty();
        let Some(init) = (unsafe { ref_val(init, ty.element, &s.cell) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: single-threaded store access, no reference kept.
        match Table::new(unsafe { s.cell.get() }, ty, init) {
            Ok(t) => wasm_table_t::boxed(Object::new(Some(s.cell.clone()), Kind::Table(t))),
            Err(e) => {
                eprintln!("wasi-rt: wasm_table_new: {e}");
                std::ptr::null_mut()
            }
        }
    })
}

/// The table's type (current size as minimum); own. NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live table; single-threaded store access.
        let Some((o, x)) = (unsafe { table_of(t) }) else {
            return std::ptr::null_mut();
        };
        Box::into_raw(wasm_tabletype_t::new(
            x.ty(unsafe { o.store_mut() }.expect("store")),
        ))
    })
}

/// Element `index`: an own reference, or NULL when it is null, out of
/// bounds, or `t` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_get(t: *const wasm_table_t, index: u32) -> *mut wasm_ref_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live table; single-threaded store access.
        let Some((o, x)) = (unsafe { table_of(t) }) else {
            return std::ptr::null_mut();
        };
        let cell = o.store.as_ref().expect("store");
        match x.get(unsafe { cell.get() }, index.into()) {
            Some(v) => val_ref(v, cell),
            None => std::ptr::null_mut(),
        }
    })
}

/// The table, its store, and the value a borrowed reference stands for in
/// it; `None` for a NULL table or a reference that cannot go there.
///
/// # Safety
/// `t` is NULL or a live table; `r` NULL or a live reference.
unsafe fn table_and_val<'a>(
    t: *const wasm_table_t,
    r: *const wasm_ref_t,
) -> Option<(Table, &'a mut crate::Store, Val)> {
    // SAFETY: forwarded; single-threaded store access.
    let (o, x) = unsafe { table_of(t) }?;
    let cell = o.store.as_ref().expect("tables have a store");
    let st = unsafe { cell.get() };
    let elem = x.ty(st).element;
    // SAFETY: forwarded.
    let v = unsafe { ref_val(r, elem, cell) }?;
    Some((x, st, v))
}

/// Sets element `index` to `r` (borrowed; NULL = null). False when out of
/// bounds, of the wrong kind, or for NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_set(
    t: *mut wasm_table_t,
    index: u32,
    r: *mut wasm_ref_t,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live objects.
        unsafe { table_and_val(t, r) }
            .is_some_and(|(x, st, v)| x.set(st, index.into(), v).is_ok())
    })
}

/// Number of elements (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_size(t: *const wasm_table_t) -> u32 {
    // SAFETY: NULL or a live table; single-threaded store access.
    unsafe { table_of(t) }.map_or(0, |(o, x)| {
        u32::try_from(x.size(unsafe { o.store_mut() }.expect("store"))).unwrap_or(u32::MAX)
    })
}

/// Grows by `delta` elements set to `init` (borrowed; NULL = null); false
/// (table unchanged) beyond its maximum or for NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_grow(
    t: *mut wasm_table_t,
    delta: u32,
    init: *mut wasm_ref_t,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live objects.
        unsafe { table_and_val(t, init) }.is_some_and(|(x, st, v)| x.grow(st, delta.into(), v).is_ok())
    })
}

/// Number of elements, whole (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_table_size64(t: *const wasm_table_t) -> u64 {
    // SAFETY: NULL or a live table; single-threaded store access.
    unsafe { table_of(t) }.map_or(0, |(o, x)| x.size(unsafe { o.store_mut() }.expect("store")))
}

/// Grows by `delta` elements set to `init` (borrowed; NULL = null),
/// writing the old size to `*prev` (when not NULL); false (table
/// unchanged, nothing written) beyond its maximum or the store's limits,
/// or for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_table_grow64(
    t: *mut wasm_table_t,
    delta: u64,
    init: *mut wasm_ref_t,
    prev: *mut u64,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live objects.
        let Some((x, st, v)) = (unsafe { table_and_val(t, init) }) else {
            return false;
        };
        // SAFETY: `prev` is NULL or writable (C contract).
        unsafe { super::grown(x.grow(st, delta, v).ok(), prev) }
    })
}
