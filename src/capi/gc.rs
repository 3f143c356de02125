//! Garbage-collected values at the C ABI: `anyref` values (kind
//! `WASI_RT_ANYREF`) are `wasm_ref_t`s that keep their value alive until
//! `wasm_ref_delete` (each copy with its own root); struct and array types
//! registered with an engine; fields and elements read and written by the
//! host; collection and its counters per store.

use super::engine::{wasm_engine_t, wasm_store_t};
use super::error::{error, wasi_rt_error_t};
use super::guard_with;
use super::object::{Kind, Object, RefView, obj};
use super::refs::wasm_ref_t;
use super::types::{WASM_F32, WASM_F64, WASM_I32, WASM_I64, valtype_of_kind, wasm_valkind_t};
use super::val::wasm_val_t;
use crate::{AnyRef, ArrayType, FieldType, StorageType, StructType, TypeIndex};

/// A struct field or array element type for `wasi_rt_engine_register_*`:
/// `packed` 8 or 16 makes it an `i8` or `i16` (read back as `WASM_I32`;
/// `kind` is then ignored), 0 a value of `kind` (`WASM_I32`...,
/// `WASM_FUNCREF`, `WASM_EXTERNREF`, `WASI_RT_ANYREF`: nullable
/// references).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasi_rt_fieldtype_t {
    pub kind: wasm_valkind_t,
    pub packed: u8,
    pub mutable_: bool,
}

/// A store's GC counters (see `wasi_rt_store_gc_stats`).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct wasi_rt_gc_stats_t {
    /// Collections run so far.
    pub collections: u64,
    /// Objects allocated so far.
    pub allocated_objects: u64,
    /// Objects alive after the last collection.
    pub live_objects: u64,
    /// Bytes in those objects.
    pub live_bytes: u64,
    /// Bytes of the heap's range in use (objects and free space between).
    pub heap_bytes: u64,
}

fn field_type(f: &wasi_rt_fieldtype_t) -> Option<FieldType> {
    let storage = match f.packed {
        8 => StorageType::I8,
        16 => StorageType::I16,
        0 => StorageType::Val(valtype_of_kind(f.kind)?),
        _ => return None,
    };
    Some(FieldType {
        storage,
        mutable: f.mutable_,
    })
}

/// Registers a struct type with `n` fields (`fields` borrowed; NULL when n
/// is 0) and writes its type index to `*type_out`: the same index as the
/// same type declared by any module of the engine (a final type in a
/// recursion group of its own).
///
/// Errors: an own error (and `*type_out` untouched) for a NULL engine or
/// `type_out`, a field with an unknown kind or packing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_register_struct(
    engine: *const wasm_engine_t,
    fields: *const wasi_rt_fieldtype_t,
    n: usize,
    type_out: *mut u32,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_engine_register_struct: internal error"), || {
        // SAFETY: NULL or a live engine (C contract).
        let Some(e) = (unsafe { engine.as_ref() }) else {
            return error("wasi_rt_engine_register_struct: NULL engine");
        };
        if type_out.is_null() || (fields.is_null() && n > 0) {
            return error("wasi_rt_engine_register_struct: NULL fields or type_out");
        }
        let fields = if n == 0 {
            &[][..]
        } else {
            // SAFETY: `n` readable fields (C contract).
            unsafe { std::slice::from_raw_parts(fields, n) }
        };
        let Some(fields) = fields.iter().map(field_type).collect::<Option<Vec<_>>>() else {
            return error("wasi_rt_engine_register_struct: a field has an unknown kind or packing");
        };
        match e.engine.register_struct(&StructType::new(fields)) {
            Ok(t) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *type_out = t.as_u32() };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_engine_register_struct: {err}")),
        }
    })
}

/// Registers an array type of `element` (borrowed) and writes its type
/// index to `*type_out` (see `wasi_rt_engine_register_struct`).
///
/// Errors: an own error for NULL arguments or an unknown kind or packing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_engine_register_array(
    engine: *const wasm_engine_t,
    element: *const wasi_rt_fieldtype_t,
    type_out: *mut u32,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_engine_register_array: internal error"), || {
        // SAFETY: NULL or live arguments (C contract).
        let (Some(e), Some(f)) = (unsafe { engine.as_ref() }, unsafe { element.as_ref() }) else {
            return error("wasi_rt_engine_register_array: NULL engine or element");
        };
        if type_out.is_null() {
            return error("wasi_rt_engine_register_array: NULL type_out");
        }
        let Some(element) = field_type(f) else {
            return error("wasi_rt_engine_register_array: unknown kind or packing");
        };
        match e.engine.register_array(&ArrayType { element }) {
            Ok(t) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *type_out = t.as_u32() };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_engine_register_array: {err}")),
        }
    })
}

/// Reads `n` C values (borrowed) as values of `store`.
///
/// # Safety
/// `vals` is NULL (only with `n` 0) or has `n` readable values.
unsafe fn read_vals(
    store: &std::rc::Rc<super::object::StoreCell>,
    vals: *const wasm_val_t,
    n: usize,
) -> Option<Vec<crate::Val>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if vals.is_null() {
        return None;
    }
    // SAFETY: per the contract.
    let vals = unsafe { std::slice::from_raw_parts(vals, n) };
    vals.iter().map(|v| v.to_val(store)).collect()
}

/// Makes a new struct of `type` (a struct type index of the store's
/// engine) from `n` field values (borrowed, in order; packed fields take
/// `WASM_I32`) and writes an own reference (kind `WASI_RT_ANYREF`) to
/// `*ret`, which keeps it alive until `wasm_ref_delete`.
///
/// Errors: an own error (and `*ret` untouched) for NULL arguments, a type
/// that is not a struct type, values that do not fit the fields, or a
/// full GC heap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_struct_new(
    store: *mut wasm_store_t,
    r#type: u32,
    fields: *const wasm_val_t,
    n: usize,
    ret: *mut *mut wasm_ref_t,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_struct_new: internal error"), || {
        // SAFETY: NULL or a live store (C contract).
        let Some(s) = (unsafe { store.as_ref() }) else {
            return error("wasi_rt_struct_new: NULL store");
        };
        if ret.is_null() {
            return error("wasi_rt_struct_new: NULL ret");
        }
        // SAFETY: per this function's contract.
        let Some(vals) = (unsafe { read_vals(&s.cell, fields, n) }) else {
            return error("wasi_rt_struct_new: NULL fields, or a value of another store");
        };
        // SAFETY: single-threaded store access, no reference kept.
        let st = unsafe { s.cell.get() };
        match AnyRef::new_struct(st, TypeIndex::from_u32(r#type), &vals) {
            Ok(r) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *ret = wasm_ref_t::boxed(Object::new(Some(s.cell.clone()), Kind::Any(r))) };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_struct_new: {err}")),
        }
    })
}

/// Makes a new array of `type` with `len` copies of `init` (borrowed) and
/// writes an own reference to `*ret` (see `wasi_rt_struct_new`).
///
/// Errors: as for `wasi_rt_struct_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_array_new(
    store: *mut wasm_store_t,
    r#type: u32,
    init: *const wasm_val_t,
    len: u32,
    ret: *mut *mut wasm_ref_t,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_array_new: internal error"), || {
        // SAFETY: NULL or a live store (C contract).
        let Some(s) = (unsafe { store.as_ref() }) else {
            return error("wasi_rt_array_new: NULL store");
        };
        if ret.is_null() {
            return error("wasi_rt_array_new: NULL ret");
        }
        // SAFETY: `init` is NULL or one readable value.
        let Some(init) = (unsafe { read_vals(&s.cell, init, 1) }) else {
            return error("wasi_rt_array_new: NULL init, or a value of another store");
        };
        // SAFETY: single-threaded store access, no reference kept.
        let st = unsafe { s.cell.get() };
        match AnyRef::new_array(st, TypeIndex::from_u32(r#type), &init[0], len) {
            Ok(r) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *ret = wasm_ref_t::boxed(Object::new(Some(s.cell.clone()), Kind::Any(r))) };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_array_new: {err}")),
        }
    })
}

/// An own `i31` reference (kind `WASI_RT_ANYREF`) holding the low 31 bits
/// of `value`; NULL for a NULL store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_i31_new(store: *mut wasm_store_t, value: i32) -> *mut wasm_ref_t {
    guard_with(std::ptr::null_mut, || {
        // SAFETY: NULL or a live store (C contract).
        let Some(s) = (unsafe { store.as_ref() }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: single-threaded store access, no reference kept.
        let r = AnyRef::from_i31(unsafe { s.cell.get() }, value);
        wasm_ref_t::boxed(Object::new(Some(s.cell.clone()), Kind::Any(r)))
    })
}

/// The `AnyRef` behind `r`, with its store.
///
/// # Safety
/// `r` is NULL or a live reference.
unsafe fn any_of<'a>(r: *const wasm_ref_t) -> Option<(AnyRef, &'a Object, &'a mut crate::Store)> {
    // SAFETY: per the contract.
    let o = unsafe { obj(r) }?;
    match o.kind {
        // SAFETY: the object's store, used from this thread; no other
        // reference to it is kept across this call.
        Kind::Any(a) => Some((a, o, unsafe { o.store_mut() }?)),
        _ => None,
    }
}

/// When `r` is an `i31`, writes its value to `*out` (sign-extended from 31
/// bits with `signed`, else zero-extended) and returns true; false for
/// NULL or anything else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_ref_i31_get(r: *const wasm_ref_t, signed: bool, out: *mut i32) -> bool {
    guard_with(|| false, || {
        // SAFETY: NULL or a live reference (C contract).
        let Some((a, _, st)) = (unsafe { any_of(r) }) else {
            return false;
        };
        let v = if signed {
            a.i31_s(st)
        } else {
            a.i31_u(st).map(|v| v as i32)
        };
        match v {
            Some(v) if !out.is_null() => {
                // SAFETY: non-NULL and writable (C contract).
                unsafe { *out = v };
                true
            }
            Some(_) => true,
            None => false,
        }
    })
}

/// Whether `r` is a struct (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_ref_is_struct(r: *const wasm_ref_t) -> bool {
    guard_with(|| false, || {
        // SAFETY: NULL or a live reference (C contract).
        unsafe { any_of(r) }.is_some_and(|(a, _, st)| a.is_struct(st))
    })
}

/// Whether `r` is an array (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_ref_is_array(r: *const wasm_ref_t) -> bool {
    guard_with(|| false, || {
        // SAFETY: NULL or a live reference (C contract).
        unsafe { any_of(r) }.is_some_and(|(a, _, st)| a.is_array(st))
    })
}

/// Writes the type index of struct or array `r` to `*type_out` and
/// returns true; false for NULL or anything else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_ref_gc_type(r: *const wasm_ref_t, type_out: *mut u32) -> bool {
    guard_with(|| false, || {
        // SAFETY: NULL or a live reference (C contract).
        let Some((a, _, st)) = (unsafe { any_of(r) }) else {
            return false;
        };
        match a.ty(st).ok().and_then(|h| h.concrete_index()) {
            Some(t) if !type_out.is_null() => {
                // SAFETY: non-NULL and writable (C contract).
                unsafe { *type_out = t.as_u32() };
                true
            }
            _ => false,
        }
    })
}

/// Reads field `index` of struct `r` into `*out` (an own value: delete a
/// reference it holds with `wasm_val_delete`; an `i8` or `i16` field
/// reads as a zero-extended `WASM_I32`).
///
/// Errors: an own error (and `*out` untouched) for NULL arguments, a
/// reference that is not a struct, or an index beyond its fields.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_struct_get(r: *const wasm_ref_t, index: u32, out: *mut wasm_val_t) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_struct_get: internal error"), || {
        // SAFETY: NULL or a live reference (C contract).
        let Some((a, o, st)) = (unsafe { any_of(r) }) else {
            return error("wasi_rt_struct_get: NULL or not a GC reference");
        };
        if out.is_null() {
            return error("wasi_rt_struct_get: NULL out");
        }
        let Some(cell) = o.store.as_ref() else {
            return error("wasi_rt_struct_get: no store");
        };
        match a.field(st, index) {
            Ok(v) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *out = wasm_val_t::from_val(v, cell) };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_struct_get: {err}")),
        }
    })
}

/// Writes `val` (borrowed) to mutable field `index` of struct `r`.
///
/// Errors: an own error for NULL arguments, a reference that is not a
/// struct, an index beyond its fields, an immutable field, or a value of
/// the wrong type or store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_struct_set(r: *mut wasm_ref_t, index: u32, val: *const wasm_val_t) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_struct_set: internal error"), || {
        // SAFETY: NULL or live arguments (C contract).
        let (Some((a, o, st)), Some(v)) = (unsafe { any_of(r) }, unsafe { val.as_ref() }) else {
            return error("wasi_rt_struct_set: NULL argument or not a GC reference");
        };
        let Some(cell) = o.store.as_ref() else {
            return error("wasi_rt_struct_set: no store");
        };
        let Some(v) = v.to_val(cell) else {
            return error("wasi_rt_struct_set: a value of another store");
        };
        match a.set_field(st, index, v) {
            Ok(()) => std::ptr::null_mut(),
            Err(err) => error(format!("wasi_rt_struct_set: {err}")),
        }
    })
}

/// Writes the length of array `r` to `*out`.
///
/// Errors: an own error for NULL arguments or a reference that is not an
/// array.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_array_len(r: *const wasm_ref_t, out: *mut u32) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_array_len: internal error"), || {
        // SAFETY: NULL or a live reference (C contract).
        let Some((a, _, st)) = (unsafe { any_of(r) }) else {
            return error("wasi_rt_array_len: NULL or not a GC reference");
        };
        if out.is_null() {
            return error("wasi_rt_array_len: NULL out");
        }
        match a.array_len(st) {
            Ok(n) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *out = n };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_array_len: {err}")),
        }
    })
}

/// Reads element `index` of array `r` into `*out` (an own value).
///
/// Errors: an own error for NULL arguments, a reference that is not an
/// array, or an index beyond its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_array_get(r: *const wasm_ref_t, index: u32, out: *mut wasm_val_t) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_array_get: internal error"), || {
        // SAFETY: NULL or a live reference (C contract).
        let Some((a, o, st)) = (unsafe { any_of(r) }) else {
            return error("wasi_rt_array_get: NULL or not a GC reference");
        };
        if out.is_null() {
            return error("wasi_rt_array_get: NULL out");
        }
        let Some(cell) = o.store.as_ref() else {
            return error("wasi_rt_array_get: no store");
        };
        match a.array_get(st, index) {
            Ok(v) => {
                // SAFETY: checked non-NULL; writable (C contract).
                unsafe { *out = wasm_val_t::from_val(v, cell) };
                std::ptr::null_mut()
            }
            Err(err) => error(format!("wasi_rt_array_get: {err}")),
        }
    })
}

/// Writes `val` (borrowed) to element `index` of array `r` (its elements
/// must be mutable).
///
/// Errors: as for `wasi_rt_struct_set`, and an index beyond the length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_array_set(r: *mut wasm_ref_t, index: u32, val: *const wasm_val_t) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_array_set: internal error"), || {
        // SAFETY: NULL or live arguments (C contract).
        let (Some((a, o, st)), Some(v)) = (unsafe { any_of(r) }, unsafe { val.as_ref() }) else {
            return error("wasi_rt_array_set: NULL argument or not a GC reference");
        };
        let Some(cell) = o.store.as_ref() else {
            return error("wasi_rt_array_set: no store");
        };
        let Some(v) = v.to_val(cell) else {
            return error("wasi_rt_array_set: a value of another store");
        };
        match a.array_set(st, index, v) {
            Ok(()) => std::ptr::null_mut(),
            Err(err) => error(format!("wasi_rt_array_set: {err}")),
        }
    })
}

/// Collects garbage in `store` now: frees every struct and array no
/// global, table, running Wasm frame or live `wasm_ref_t` holds. NULL is
/// ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_store_gc(store: *mut wasm_store_t) {
    guard_with(|| (), || {
        // SAFETY: NULL or a live store (C contract).
        if let Some(s) = unsafe { store.as_ref() } {
            // SAFETY: single-threaded store access, no reference kept.
            unsafe { s.cell.get() }.gc();
        }
    })
}

/// Writes `store`'s GC counters to `*out` and returns true; false for
/// NULL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_store_gc_stats(store: *const wasm_store_t, out: *mut wasi_rt_gc_stats_t) -> bool {
    guard_with(|| false, || {
        // SAFETY: NULL or live arguments (C contract).
        let (Some(s), false) = (unsafe { store.as_ref() }, out.is_null()) else {
            return false;
        };
        // SAFETY: single-threaded store access, no reference kept.
        let st = unsafe { s.cell.get() }.gc_stats();
        // SAFETY: checked non-NULL; writable (C contract).
        unsafe {
            *out = wasi_rt_gc_stats_t {
                collections: st.collections,
                allocated_objects: st.allocated_objects,
                live_objects: st.live_objects,
                live_bytes: st.live_bytes,
                heap_bytes: st.heap_bytes,
            }
        };
        true
    })
}

/// Sets the size limit of `store`'s GC heap, in bytes (see
/// `wasi_rt_engine_config_gc_heap_limit`).
///
/// Errors: an own error for a NULL store, or once the heap exists (it is
/// made with the first struct or array).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_store_set_gc_heap_limit(store: *mut wasm_store_t, bytes: u64) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_store_set_gc_heap_limit: internal error"), || {
        // SAFETY: NULL or a live store (C contract).
        let Some(s) = (unsafe { store.as_ref() }) else {
            return error("wasi_rt_store_set_gc_heap_limit: NULL store");
        };
        // SAFETY: single-threaded store access, no reference kept.
        match unsafe { s.cell.get() }.set_gc_heap_limit(bytes) {
            Ok(()) => std::ptr::null_mut(),
            Err(err) => error(format!("wasi_rt_store_set_gc_heap_limit: {err}")),
        }
    })
}

// Keep the numeric kinds in scope for the docs above.
const _: [wasm_valkind_t; 4] = [WASM_I32, WASM_I64, WASM_F32, WASM_F64];
