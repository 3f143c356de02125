//! The types that share the reference-object layout (see `object.rs`) and
//! the functions every one of them has: delete, copy, same, host info and
//! the conversions to and from `wasm_ref_t` (and, for externals, to and
//! from `wasm_extern_t`). Each conversion returns the same pointer.

use super::object::{
    Kind, Object, RefView, copy, delete, downcast, get_host_info, same, set_host_info,
};
use std::ffi::c_void;

/// A reference to any object (function, global, table, memory, instance, module, trap, foreign). Opaque; always handled through pointers.
pub struct wasm_ref_t {
    _private: [u8; 0],
}

impl RefView for wasm_ref_t {
    fn matches(o: &Object) -> bool {
        let _ = o;
        true
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_delete(p: *mut wasm_ref_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_copy(p: *const wasm_ref_t) -> *mut wasm_ref_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_same(a: *const wasm_ref_t, b: *const wasm_ref_t) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_get_host_info(p: *const wasm_ref_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_set_host_info(p: *mut wasm_ref_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_set_host_info_with_finalizer(
    p: *mut wasm_ref_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// An external: a function, global, table or memory. Opaque; always handled through pointers.
pub struct wasm_extern_t {
    _private: [u8; 0],
}

impl RefView for wasm_extern_t {
    fn matches(o: &Object) -> bool {
        matches!(
            o.kind,
            Kind::Func(_) | Kind::Global(_) | Kind::Table(_) | Kind::Memory(_) | Kind::Tag(_)
        )
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_delete(p: *mut wasm_extern_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_copy(p: *const wasm_extern_t) -> *mut wasm_extern_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_same(
    a: *const wasm_extern_t,
    b: *const wasm_extern_t,
) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_get_host_info(p: *const wasm_extern_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_set_host_info(p: *mut wasm_extern_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_set_host_info_with_finalizer(
    p: *mut wasm_extern_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_ref(p: *mut wasm_extern_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_ref_const(p: *const wasm_extern_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_extern_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_extern(r: *mut wasm_ref_t) -> *mut wasm_extern_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_extern_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_extern_const(r: *const wasm_ref_t) -> *const wasm_extern_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_extern_t>(r as *const Object) }
}

/// A function (Wasm or host). Opaque; always handled through pointers.
pub struct wasm_func_t {
    _private: [u8; 0],
}

impl RefView for wasm_func_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Func(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_delete(p: *mut wasm_func_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_copy(p: *const wasm_func_t) -> *mut wasm_func_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_same(a: *const wasm_func_t, b: *const wasm_func_t) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_get_host_info(p: *const wasm_func_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_set_host_info(p: *mut wasm_func_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_set_host_info_with_finalizer(
    p: *mut wasm_func_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_as_ref(p: *mut wasm_func_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_as_ref_const(p: *const wasm_func_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_func_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_func(r: *mut wasm_ref_t) -> *mut wasm_func_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_func_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_func_const(r: *const wasm_ref_t) -> *const wasm_func_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_func_t>(r as *const Object) }
}

/// This func viewed as a `wasm_extern_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_as_extern(p: *mut wasm_func_t) -> *mut wasm_extern_t {
    p as *mut wasm_extern_t
}

/// This func viewed as a `const wasm_extern_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_as_extern_const(p: *const wasm_func_t) -> *const wasm_extern_t {
    p as *const wasm_extern_t
}

/// The external viewed as a `wasm_func_t` (the same pointer), or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_func(e: *mut wasm_extern_t) -> *mut wasm_func_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(e as *const Object) }
}

/// The const external viewed as a `wasm_func_t`, or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_func_const(e: *const wasm_extern_t) -> *const wasm_func_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_func_t>(e as *const Object) }
}

/// A global. Opaque; always handled through pointers.
pub struct wasm_global_t {
    _private: [u8; 0],
}

impl RefView for wasm_global_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Global(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_delete(p: *mut wasm_global_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_copy(p: *const wasm_global_t) -> *mut wasm_global_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_same(
    a: *const wasm_global_t,
    b: *const wasm_global_t,
) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_get_host_info(p: *const wasm_global_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_set_host_info(p: *mut wasm_global_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_set_host_info_with_finalizer(
    p: *mut wasm_global_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_as_ref(p: *mut wasm_global_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_as_ref_const(p: *const wasm_global_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_global_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_global(r: *mut wasm_ref_t) -> *mut wasm_global_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_global_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_global_const(r: *const wasm_ref_t) -> *const wasm_global_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_global_t>(r as *const Object) }
}

/// This global viewed as a `wasm_extern_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_as_extern(p: *mut wasm_global_t) -> *mut wasm_extern_t {
    p as *mut wasm_extern_t
}

/// This global viewed as a `const wasm_extern_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_as_extern_const(
    p: *const wasm_global_t,
) -> *const wasm_extern_t {
    p as *const wasm_extern_t
}

/// The external viewed as a `wasm_global_t` (the same pointer), or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_global(e: *mut wasm_extern_t) -> *mut wasm_global_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(e as *const Object) }
}

/// The const external viewed as a `wasm_global_t`, or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_global_const(
    e: *const wasm_extern_t,
) -> *const wasm_global_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_global_t>(e as *const Object) }
}

/// A table. Opaque; always handled through pointers.
pub struct wasm_table_t {
    _private: [u8; 0],
}

impl RefView for wasm_table_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Table(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_delete(p: *mut wasm_table_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_copy(p: *const wasm_table_t) -> *mut wasm_table_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_same(a: *const wasm_table_t, b: *const wasm_table_t) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_get_host_info(p: *const wasm_table_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_set_host_info(p: *mut wasm_table_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_set_host_info_with_finalizer(
    p: *mut wasm_table_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_as_ref(p: *mut wasm_table_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_as_ref_const(p: *const wasm_table_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_table_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_table(r: *mut wasm_ref_t) -> *mut wasm_table_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_table_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_table_const(r: *const wasm_ref_t) -> *const wasm_table_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_table_t>(r as *const Object) }
}

/// This table viewed as a `wasm_extern_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_as_extern(p: *mut wasm_table_t) -> *mut wasm_extern_t {
    p as *mut wasm_extern_t
}

/// This table viewed as a `const wasm_extern_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_as_extern_const(
    p: *const wasm_table_t,
) -> *const wasm_extern_t {
    p as *const wasm_extern_t
}

/// The external viewed as a `wasm_table_t` (the same pointer), or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_table(e: *mut wasm_extern_t) -> *mut wasm_table_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(e as *const Object) }
}

/// The const external viewed as a `wasm_table_t`, or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_table_const(
    e: *const wasm_extern_t,
) -> *const wasm_table_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_table_t>(e as *const Object) }
}

/// A linear memory. Opaque; always handled through pointers.
pub struct wasm_memory_t {
    _private: [u8; 0],
}

impl RefView for wasm_memory_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Memory(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_delete(p: *mut wasm_memory_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_copy(p: *const wasm_memory_t) -> *mut wasm_memory_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_same(
    a: *const wasm_memory_t,
    b: *const wasm_memory_t,
) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_get_host_info(p: *const wasm_memory_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_set_host_info(p: *mut wasm_memory_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_set_host_info_with_finalizer(
    p: *mut wasm_memory_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_as_ref(p: *mut wasm_memory_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_as_ref_const(p: *const wasm_memory_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_memory_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_memory(r: *mut wasm_ref_t) -> *mut wasm_memory_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_memory_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_memory_const(r: *const wasm_ref_t) -> *const wasm_memory_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_memory_t>(r as *const Object) }
}

/// This memory viewed as a `wasm_extern_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_as_extern(p: *mut wasm_memory_t) -> *mut wasm_extern_t {
    p as *mut wasm_extern_t
}

/// This memory viewed as a `const wasm_extern_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_as_extern_const(
    p: *const wasm_memory_t,
) -> *const wasm_extern_t {
    p as *const wasm_extern_t
}

/// The external viewed as a `wasm_memory_t` (the same pointer), or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_memory(e: *mut wasm_extern_t) -> *mut wasm_memory_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(e as *const Object) }
}

/// The const external viewed as a `wasm_memory_t`, or NULL when it is another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_as_memory_const(
    e: *const wasm_extern_t,
) -> *const wasm_memory_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_memory_t>(e as *const Object) }
}

/// A module instance. Opaque; always handled through pointers.
pub struct wasm_instance_t {
    _private: [u8; 0],
}

impl RefView for wasm_instance_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Instance(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_delete(p: *mut wasm_instance_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_copy(p: *const wasm_instance_t) -> *mut wasm_instance_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_same(
    a: *const wasm_instance_t,
    b: *const wasm_instance_t,
) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_get_host_info(p: *const wasm_instance_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_set_host_info(p: *mut wasm_instance_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_set_host_info_with_finalizer(
    p: *mut wasm_instance_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_as_ref(p: *mut wasm_instance_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_as_ref_const(
    p: *const wasm_instance_t,
) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_instance_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_instance(r: *mut wasm_ref_t) -> *mut wasm_instance_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_instance_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_instance_const(
    r: *const wasm_ref_t,
) -> *const wasm_instance_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_instance_t>(r as *const Object) }
}

/// A compiled module. Opaque; always handled through pointers.
pub struct wasm_module_t {
    _private: [u8; 0],
}

impl RefView for wasm_module_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Module(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_delete(p: *mut wasm_module_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_copy(p: *const wasm_module_t) -> *mut wasm_module_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_same(
    a: *const wasm_module_t,
    b: *const wasm_module_t,
) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_get_host_info(p: *const wasm_module_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_set_host_info(p: *mut wasm_module_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_set_host_info_with_finalizer(
    p: *mut wasm_module_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_as_ref(p: *mut wasm_module_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_as_ref_const(p: *const wasm_module_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_module_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_module(r: *mut wasm_ref_t) -> *mut wasm_module_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_module_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_module_const(r: *const wasm_ref_t) -> *const wasm_module_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_module_t>(r as *const Object) }
}

/// A trap: the error a Wasm or host function raised. Opaque; always handled through pointers.
pub struct wasm_trap_t {
    _private: [u8; 0],
}

impl RefView for wasm_trap_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Trap(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_delete(p: *mut wasm_trap_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_copy(p: *const wasm_trap_t) -> *mut wasm_trap_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_same(a: *const wasm_trap_t, b: *const wasm_trap_t) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_get_host_info(p: *const wasm_trap_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_set_host_info(p: *mut wasm_trap_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_set_host_info_with_finalizer(
    p: *mut wasm_trap_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_as_ref(p: *mut wasm_trap_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_as_ref_const(p: *const wasm_trap_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_trap_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_trap(r: *mut wasm_ref_t) -> *mut wasm_trap_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_trap_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_trap_const(r: *const wasm_ref_t) -> *const wasm_trap_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_trap_t>(r as *const Object) }
}

/// A host object that Wasm can hold as an `externref`. Opaque; always handled through pointers.
pub struct wasm_foreign_t {
    _private: [u8; 0],
}

impl RefView for wasm_foreign_t {
    fn matches(o: &Object) -> bool {
        matches!(o.kind, Kind::Foreign(_))
    }
}

/// Deletes this reference (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_delete(p: *mut wasm_foreign_t) {
    // SAFETY: the caller passes NULL or an owned object.
    unsafe { delete(p) }
}

/// A new reference to the same object; own (delete it). NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_copy(p: *const wasm_foreign_t) -> *mut wasm_foreign_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { copy(p) }
}

/// Whether both refer to the same object; false when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_same(
    a: *const wasm_foreign_t,
    b: *const wasm_foreign_t,
) -> bool {
    // SAFETY: the caller passes NULL or live objects.
    unsafe { same(a, b) }
}

/// The host info attached to the object (shared by every reference to it);
/// NULL when none or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_get_host_info(p: *const wasm_foreign_t) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { get_host_info(p) }
}

/// Attaches host info to the object (not owned by wasi-rt; every reference
/// to the object sees it); replaces (and finalizes) any previous one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_set_host_info(p: *mut wasm_foreign_t, info: *mut c_void) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, None) }
}

/// Attaches host info with a finalizer, called with `info` when the info
/// is replaced or the object goes away: an instance (with what it
/// defines) goes as soon as nothing can reach it any more, anything else
/// at the latest when its store is deleted; modules and traps, which live
/// outside stores, when this reference is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_set_host_info_with_finalizer(
    p: *mut wasm_foreign_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { set_host_info(p, info, finalizer) }
}

/// This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_as_ref(p: *mut wasm_foreign_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}

/// This object viewed as a `const wasm_ref_t` (the same pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_as_ref_const(p: *const wasm_foreign_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}

/// The reference viewed as a `wasm_foreign_t` (the same pointer), or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_foreign(r: *mut wasm_ref_t) -> *mut wasm_foreign_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast(r as *const Object) }
}

/// The const reference viewed as a `wasm_foreign_t`, or NULL when it is something else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_foreign_const(r: *const wasm_ref_t) -> *const wasm_foreign_t {
    // SAFETY: the caller passes NULL or a live object.
    unsafe { downcast::<wasm_foreign_t>(r as *const Object) }
}
