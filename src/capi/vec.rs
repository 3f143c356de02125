//! The vectors of `wasm.h` (`WASM_DECLARE_VEC`): a length and a pointer to
//! an array, `{ size_t size; T* data; }`.
//!
//! Memory layout and ownership:
//! - The array is allocated by this library as a `Box<[T]>`; an empty
//!   vector is `{ 0, NULL }`. A vector must only be deleted with its
//!   `wasm_X_vec_delete`, and only if this library allocated its array.
//! - An own vector owns its elements too: for vectors of pointers
//!   (`wasm_valtype_vec_t`, `wasm_extern_vec_t`, ...) every non-NULL element
//!   is deleted with the element's `wasm_X_delete` when the vector is
//!   deleted; `wasm_val_vec_t` elements are released with `wasm_val_delete`.
//! - `wasm_X_vec_copy` is deep: every element is copied with `wasm_X_copy`
//!   (`wasm_val_copy` for values).
//!
//! The Rust structs have no `Drop`: like in C, a vector is released by its
//! `wasm_X_vec_delete`. Writing a vector into a C out-parameter must not
//! drop what was there (it may be uninitialized), so use `ptr::write`.

use super::r#extern::{wasm_extern_copy, wasm_extern_delete, wasm_extern_t};
use super::guard;
use super::trap::{wasm_frame_copy, wasm_frame_delete, wasm_frame_t};
use super::types::{
    wasm_exporttype_copy, wasm_exporttype_delete, wasm_exporttype_t, wasm_externtype_copy,
    wasm_externtype_delete, wasm_externtype_t, wasm_functype_copy, wasm_functype_delete,
    wasm_functype_t, wasm_globaltype_copy, wasm_globaltype_delete, wasm_globaltype_t,
    wasm_importtype_copy, wasm_importtype_delete, wasm_importtype_t, wasm_memorytype_copy,
    wasm_memorytype_delete, wasm_memorytype_t, wasm_tabletype_copy, wasm_tabletype_delete,
    wasm_tabletype_t, wasm_valtype_copy, wasm_valtype_delete, wasm_valtype_t,
};
use super::val::{wasm_val_copy, wasm_val_delete, wasm_val_t};
use std::ptr;

// ---------------------------------------------------------------------------
// Element behaviour

/// How the elements of a vector are created, copied and released.
pub(crate) trait VecElem: Sized {
    /// `n` default elements (zero bytes, NULL pointers, zeroed values), for
    /// `wasm_X_vec_new_uninitialized`; `None` when they cannot be
    /// allocated (a size from C may be anything).
    fn blank_slice(n: usize) -> Option<Box<[Self]>> {
        let layout = std::alloc::Layout::array::<Self>(n).ok()?;
        if layout.size() == 0 {
            return Some(Vec::new().into_boxed_slice());
        }
        // SAFETY: a non-zero-sized layout. Every implementor (bytes,
        // `wasm_val_t`, object pointers) is valid as all-zero bytes (0, an
        // i32 0 owning nothing, NULL), so the zeroed array is `n`
        // initialized elements, allocated as `Box<[Self]>` expects.
        unsafe {
            let p = std::alloc::alloc_zeroed(layout).cast::<Self>();
            if p.is_null() {
                return None;
            }
            Some(Box::from_raw(ptr::slice_from_raw_parts_mut(p, n)))
        }
    }
    /// A deep copy of `e`.
    ///
    /// # Safety
    /// `e` must be a valid element (for pointers: NULL or a live object).
    unsafe fn copy_elem(e: &Self) -> Self;
    /// Releases what `e` owns; `e` must not be used afterwards.
    ///
    /// # Safety
    /// As for `copy_elem`; `e` is owned by the caller.
    unsafe fn delete_elem(e: &mut Self);
}

impl VecElem for wasm_byte_t {
    unsafe fn copy_elem(e: &wasm_byte_t) -> wasm_byte_t {
        *e
    }
    unsafe fn delete_elem(_: &mut wasm_byte_t) {}
}

impl VecElem for wasm_val_t {
    unsafe fn copy_elem(e: &wasm_val_t) -> wasm_val_t {
        // SAFETY: zeroed is a valid `wasm_val_t` (see `blank_slice`); it is
        // then overwritten by `wasm_val_copy`, which does not read it.
        let mut out: wasm_val_t = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers come from references, so they are valid.
        unsafe { wasm_val_copy(&mut out, e) };
        out
    }
    unsafe fn delete_elem(e: &mut wasm_val_t) {
        // SAFETY: `e` is a valid value owned by the caller.
        unsafe { wasm_val_delete(e) }
    }
}

/// An object type that vectors hold by owned pointer.
pub(crate) trait PtrElem {
    /// `wasm_X_copy`.
    ///
    /// # Safety
    /// `p` is a live object.
    unsafe fn copy_ptr(p: *const Self) -> *mut Self;
    /// `wasm_X_delete`.
    ///
    /// # Safety
    /// `p` is a live object owned by the caller.
    unsafe fn delete_ptr(p: *mut Self);
}

impl<T: PtrElem> VecElem for *mut T {
    unsafe fn copy_elem(e: &*mut T) -> *mut T {
        if e.is_null() {
            ptr::null_mut()
        } else {
            // SAFETY: a non-NULL element is a live object (caller's contract).
            unsafe { T::copy_ptr(*e) }
        }
    }
    unsafe fn delete_elem(e: &mut *mut T) {
        if !e.is_null() {
            // SAFETY: a non-NULL element is a live object the vector owns.
            unsafe { T::delete_ptr(*e) };
            *e = ptr::null_mut();
        }
    }
}

macro_rules! ptr_elem {
    ($($t:ty => $copy:path, $delete:path;)*) => {$(
        impl PtrElem for $t {
            unsafe fn copy_ptr(p: *const Self) -> *mut Self {
                // SAFETY: forwarded from the caller's contract.
                unsafe { $copy(p) }
            }
            unsafe fn delete_ptr(p: *mut Self) {
                // SAFETY: forwarded from the caller's contract.
                unsafe { $delete(p) }
            }
        }
    )*};
}

ptr_elem! {
    wasm_valtype_t => wasm_valtype_copy, wasm_valtype_delete;
    wasm_functype_t => wasm_functype_copy, wasm_functype_delete;
    wasm_globaltype_t => wasm_globaltype_copy, wasm_globaltype_delete;
    wasm_tabletype_t => wasm_tabletype_copy, wasm_tabletype_delete;
    wasm_memorytype_t => wasm_memorytype_copy, wasm_memorytype_delete;
    wasm_externtype_t => wasm_externtype_copy, wasm_externtype_delete;
    wasm_importtype_t => wasm_importtype_copy, wasm_importtype_delete;
    wasm_exporttype_t => wasm_exporttype_copy, wasm_exporttype_delete;
    wasm_frame_t => wasm_frame_copy, wasm_frame_delete;
    wasm_extern_t => wasm_extern_copy, wasm_extern_delete;
}

// ---------------------------------------------------------------------------
// The vector structs

/// A byte of a byte vector: C's `char`, as in the standard header (the
/// Rust-side helpers of `wasm_byte_vec_t` use `u8`).
pub type wasm_byte_t = std::ffi::c_char;

/// A vector of bytes: binaries, names and messages. Names are not
/// NUL-terminated unless stated otherwise.
#[repr(C)]
pub struct wasm_byte_vec_t {
    pub size: usize,
    pub data: *mut wasm_byte_t,
}

/// A name (of an import, export or module): a byte vector, usually UTF-8,
/// not NUL-terminated.
pub type wasm_name_t = wasm_byte_vec_t;

/// A vector of owned value types.
#[repr(C)]
pub struct wasm_valtype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_valtype_t,
}

/// A vector of owned function types.
#[repr(C)]
pub struct wasm_functype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_functype_t,
}

/// A vector of owned global types.
#[repr(C)]
pub struct wasm_globaltype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_globaltype_t,
}

/// A vector of owned table types.
#[repr(C)]
pub struct wasm_tabletype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_tabletype_t,
}

/// A vector of owned memory types.
#[repr(C)]
pub struct wasm_memorytype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_memorytype_t,
}

/// A vector of owned extern types.
#[repr(C)]
pub struct wasm_externtype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_externtype_t,
}

/// A vector of owned import types (as returned by `wasm_module_imports`).
#[repr(C)]
pub struct wasm_importtype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_importtype_t,
}

/// A vector of owned export types (as returned by `wasm_module_exports`).
#[repr(C)]
pub struct wasm_exporttype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_exporttype_t,
}

/// A vector of values, held by value (arguments and results of calls).
#[repr(C)]
pub struct wasm_val_vec_t {
    pub size: usize,
    pub data: *mut wasm_val_t,
}

/// A vector of owned stack frames (a trap's trace).
#[repr(C)]
pub struct wasm_frame_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_frame_t,
}

/// A vector of owned externals (an instance's exports).
#[repr(C)]
pub struct wasm_extern_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_extern_t,
}

// The type vectors own their elements uniquely (like `Vec<Box<T>>`) and the
// elements are immutable plain data, so they may move and be shared across
// threads; this lets type objects that cache a vector be `Send + Sync`.
// SAFETY: see above; bytes are plain data as well.
unsafe impl Send for wasm_byte_vec_t {}
// SAFETY: see above.
unsafe impl Sync for wasm_byte_vec_t {}
// SAFETY: see above.
unsafe impl Send for wasm_valtype_vec_t {}
// SAFETY: see above.
unsafe impl Sync for wasm_valtype_vec_t {}

/// The generic view of a vector struct, used by the shared implementation.
pub(crate) trait CVec: Sized {
    type Elem: VecElem;
    fn raw_parts(&self) -> (usize, *mut Self::Elem);
    fn from_raw_parts(size: usize, data: *mut Self::Elem) -> Self;

    /// The empty vector `{ 0, NULL }`.
    fn empty_vec() -> Self {
        Self::from_raw_parts(0, ptr::null_mut())
    }

    /// Takes ownership of `b` (and its elements).
    fn from_boxed(b: Box<[Self::Elem]>) -> Self {
        if b.is_empty() {
            Self::empty_vec()
        } else {
            let size = b.len();
            Self::from_raw_parts(size, Box::into_raw(b).cast::<Self::Elem>())
        }
    }

    /// The elements; empty when `data` is NULL.
    fn elems(&self) -> &[Self::Elem] {
        let (size, data) = self.raw_parts();
        if data.is_null() || size == 0 {
            &[]
        } else {
            // SAFETY: a vector's `data` points to `size` initialized elements
            // (its invariant: built by this library, or by C following the
            // wasm.h contract), borrowed as long as the vector.
            unsafe { std::slice::from_raw_parts(data, size) }
        }
    }

    /// The elements, mutably; empty when `data` is NULL.
    fn elems_mut(&mut self) -> &mut [Self::Elem] {
        let (size, data) = self.raw_parts();
        if data.is_null() || size == 0 {
            &mut []
        } else {
            // SAFETY: as in `elems`; `&mut self` makes the borrow unique.
            unsafe { std::slice::from_raw_parts_mut(data, size) }
        }
    }

    /// Deletes the elements and frees the array, leaving `{ 0, NULL }`.
    ///
    /// # Safety
    /// The array must have been allocated by this library (or be NULL) and
    /// the elements must be owned by this vector.
    unsafe fn delete_in_place(&mut self) {
        let (size, data) = self.raw_parts();
        *self = Self::empty_vec();
        if data.is_null() {
            return;
        }
        // SAFETY: `data`/`size` came from `Box::into_raw` of a `Box<[T]>`
        // (caller's contract); it is rebuilt once, the vector now being empty.
        let mut b = unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, size)) };
        for e in b.iter_mut() {
            // SAFETY: the vector owns its elements (caller's contract).
            unsafe { Self::Elem::delete_elem(e) };
        }
    }
}

// ---------------------------------------------------------------------------
// Shared implementation of the five functions of every vector

/// `wasm_X_vec_new_empty`.
unsafe fn vec_new_empty<V: CVec>(out: *mut V) {
    if !out.is_null() {
        // SAFETY: `out` is writable (C contract); it may be uninitialized,
        // so it is written without dropping (vectors have no drop anyway).
        unsafe { out.write(V::empty_vec()) };
    }
}

/// `wasm_X_vec_new_uninitialized`: an empty vector when `size` elements
/// cannot be allocated.
unsafe fn vec_new_uninitialized<V: CVec>(out: *mut V, size: usize) {
    if !out.is_null() {
        let v = V::Elem::blank_slice(size).map_or_else(V::empty_vec, V::from_boxed);
        // SAFETY: as in `vec_new_empty`.
        unsafe { out.write(v) };
    }
}

/// `wasm_X_vec_new`: moves `size` elements from `data` into a new array.
unsafe fn vec_new<V: CVec>(out: *mut V, size: usize, data: *const V::Elem) {
    if out.is_null() {
        return;
    }
    let v = if size == 0 || data.is_null() {
        V::empty_vec()
    } else {
        let mut b = Box::<[V::Elem]>::new_uninit_slice(size);
        // SAFETY: `data` points to `size` readable elements (C contract);
        // the new array has room for `size` and does not overlap it. The
        // elements are moved bitwise: their ownership passes to the vector.
        unsafe { ptr::copy_nonoverlapping(data, b.as_mut_ptr().cast::<V::Elem>(), size) };
        // SAFETY: all `size` elements were just initialized.
        V::from_boxed(unsafe { b.assume_init() })
    };
    // SAFETY: as in `vec_new_empty`.
    unsafe { out.write(v) };
}

/// `wasm_X_vec_copy`: a deep copy; a NULL `src` gives an empty vector.
unsafe fn vec_copy<V: CVec>(out: *mut V, src: *const V) {
    if out.is_null() {
        return;
    }
    let v = if src.is_null() {
        V::empty_vec()
    } else {
        // SAFETY: `src` is a valid vector (C contract).
        let src = unsafe { &*src };
        V::from_boxed(
            src.elems()
                .iter()
                // SAFETY: the source's elements are valid (its invariant).
                .map(|e| unsafe { V::Elem::copy_elem(e) })
                .collect(),
        )
    };
    // SAFETY: as in `vec_new_empty`.
    unsafe { out.write(v) };
}

/// `wasm_X_vec_delete`.
unsafe fn vec_delete<V: CVec>(v: *mut V) {
    if !v.is_null() {
        // SAFETY: `v` is a valid own vector (C contract).
        unsafe { (*v).delete_in_place() };
    }
}

/// A vector that deletes itself when dropped, for Rust-side storage of an
/// own vector (for example inside another object).
pub(crate) struct OwnedVec<V: CVec>(pub(crate) V);

impl<V: CVec> Drop for OwnedVec<V> {
    fn drop(&mut self) {
        // SAFETY: an `OwnedVec` holds an own vector allocated by this
        // library (or built by C under the own-vector contract).
        unsafe { self.0.delete_in_place() }
    }
}

// ---------------------------------------------------------------------------
// The Rust side of every vector

/// Implements `CVec` and the common methods for a vector struct. (Only Rust
/// items: the exported functions are written out below, where cbindgen
/// sees them.)
macro_rules! vec_methods {
    ($vec:ident, $elem:ty) => {
        impl CVec for $vec {
            type Elem = $elem;
            fn raw_parts(&self) -> (usize, *mut $elem) {
                (self.size, self.data)
            }
            fn from_raw_parts(size: usize, data: *mut $elem) -> Self {
                $vec { size, data }
            }
        }

        impl $vec {
            /// The empty vector `{ 0, NULL }`.
            pub fn empty() -> Self {
                <Self as CVec>::empty_vec()
            }
            /// The number of elements.
            pub fn len(&self) -> usize {
                self.elems().len()
            }
            /// Whether there are no elements.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }
        }
    };
}

/// `vec_methods!` for a vector of owned pointers to `$t`, plus its
/// element accessors.
macro_rules! ptr_vec_methods {
    ($($vec:ident => $t:ty;)*) => {$(
        vec_methods!($vec, *mut $t);

        impl $vec {
            /// A vector owning these objects (ownership moves into the
            /// vector; `_vec_delete` deletes them).
            pub fn from_boxes(v: Vec<Box<$t>>) -> Self {
                <Self as CVec>::from_boxed(v.into_iter().map(Box::into_raw).collect())
            }
            /// A vector owning the objects these pointers point to (each
            /// must be NULL or an own object that the matching `wasm_X_delete`
            /// can delete; ownership moves into the vector).
            pub fn from_raw_vec(v: Vec<*mut $t>) -> Self {
                <Self as CVec>::from_boxed(v.into_boxed_slice())
            }
            /// The element pointers; empty when `data` is NULL.
            pub fn as_slice(&self) -> &[*mut $t] {
                self.elems()
            }
            /// The element pointers, mutably (to replace an element, delete
            /// the old one first).
            pub fn as_mut_slice(&mut self) -> &mut [*mut $t] {
                self.elems_mut()
            }
        }
    )*};
}

vec_methods!(wasm_byte_vec_t, wasm_byte_t);

impl wasm_byte_vec_t {
    /// A byte vector owning these bytes (ownership moves into the vector;
    /// `wasm_byte_vec_delete` frees them).
    pub fn from_vec(v: Vec<u8>) -> Self {
        let b = Box::into_raw(v.into_boxed_slice()) as *mut [wasm_byte_t];
        // SAFETY: `wasm_byte_t` (`c_char`) and `u8` have the same size,
        // alignment and validity, so the allocation is a valid `[c_char]`.
        <Self as CVec>::from_boxed(unsafe { Box::from_raw(b) })
    }
    /// The bytes; empty when `data` is NULL.
    pub fn as_slice(&self) -> &[u8] {
        let s = self.elems();
        // SAFETY: `c_char` and `u8` have the same layout and validity; the
        // borrow is the vector's.
        unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<u8>(), s.len()) }
    }
    /// The bytes, mutably; empty when `data` is NULL.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        let s = self.elems_mut();
        // SAFETY: as in `as_slice`; the borrow is unique.
        unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u8>(), s.len()) }
    }
}

vec_methods!(wasm_val_vec_t, wasm_val_t);

impl wasm_val_vec_t {
    /// A value vector owning these values (ownership moves into the vector;
    /// `wasm_val_vec_delete` releases them).
    pub fn from_vec(v: Vec<wasm_val_t>) -> Self {
        <Self as CVec>::from_boxed(v.into_boxed_slice())
    }
    /// The values; empty when `data` is NULL.
    pub fn as_slice(&self) -> &[wasm_val_t] {
        self.elems()
    }
    /// The values, mutably (for filling in results).
    pub fn as_mut_slice(&mut self) -> &mut [wasm_val_t] {
        self.elems_mut()
    }
}

ptr_vec_methods! {
    wasm_valtype_vec_t => wasm_valtype_t;
    wasm_functype_vec_t => wasm_functype_t;
    wasm_globaltype_vec_t => wasm_globaltype_t;
    wasm_tabletype_vec_t => wasm_tabletype_t;
    wasm_memorytype_vec_t => wasm_memorytype_t;
    wasm_externtype_vec_t => wasm_externtype_t;
    wasm_importtype_vec_t => wasm_importtype_t;
    wasm_exporttype_vec_t => wasm_exporttype_t;
    wasm_frame_vec_t => wasm_frame_t;
    wasm_extern_vec_t => wasm_extern_t;
}

// ---------------------------------------------------------------------------
// The exported functions, five per vector
//
// Written out rather than macro-generated so that cbindgen, which reads the
// source and does not expand macros, declares them in wasm.h. Each is a thin
// `guard` around the shared implementation above.

// `wasm_byte_vec_t`

/// Sets `*out` to the empty byte vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_byte_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_byte_vec_new_empty(out: *mut wasm_byte_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new byte vector of `size` elements, all zero.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_byte_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_byte_vec_new_uninitialized(out: *mut wasm_byte_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new byte vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_byte_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_byte_vec_new(
    out: *mut wasm_byte_vec_t,
    size: usize,
    data: *const wasm_byte_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the byte vector `*src`: the bytes are copied.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_byte_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_byte_vec_copy(
    out: *mut wasm_byte_vec_t,
    src: *const wasm_byte_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the byte vector `*vec`: bytes own nothing, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_byte_vec_delete(vec: *mut wasm_byte_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_val_vec_t`

/// Sets `*out` to the empty value vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_val_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_vec_new_empty(out: *mut wasm_val_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new value vector of `size` elements, all zeroed (i32 0, owning nothing).
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_val_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_vec_new_uninitialized(out: *mut wasm_val_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new value vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_val_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_vec_new(
    out: *mut wasm_val_vec_t,
    size: usize,
    data: *const wasm_val_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the value vector `*src`: every value is copied with `wasm_val_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_val_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_vec_copy(out: *mut wasm_val_vec_t, src: *const wasm_val_vec_t) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the value vector `*vec`: every value is released with `wasm_val_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_vec_delete(vec: *mut wasm_val_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_valtype_vec_t`

/// Sets `*out` to the empty value type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_valtype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_vec_new_empty(out: *mut wasm_valtype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new value type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_valtype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_vec_new_uninitialized(
    out: *mut wasm_valtype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new value type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_valtype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_vec_new(
    out: *mut wasm_valtype_vec_t,
    size: usize,
    data: *const *mut wasm_valtype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the value type vector `*src`: every non-NULL element is copied with `wasm_valtype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_valtype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_vec_copy(
    out: *mut wasm_valtype_vec_t,
    src: *const wasm_valtype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the value type vector `*vec`: every non-NULL element is deleted with `wasm_valtype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_vec_delete(vec: *mut wasm_valtype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_functype_vec_t`

/// Sets `*out` to the empty function type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_functype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_vec_new_empty(out: *mut wasm_functype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new function type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_functype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_vec_new_uninitialized(
    out: *mut wasm_functype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new function type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_functype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_vec_new(
    out: *mut wasm_functype_vec_t,
    size: usize,
    data: *const *mut wasm_functype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the function type vector `*src`: every non-NULL element is copied with `wasm_functype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_functype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_vec_copy(
    out: *mut wasm_functype_vec_t,
    src: *const wasm_functype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the function type vector `*vec`: every non-NULL element is deleted with `wasm_functype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_vec_delete(vec: *mut wasm_functype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_globaltype_vec_t`

/// Sets `*out` to the empty global type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_globaltype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_vec_new_empty(out: *mut wasm_globaltype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new global type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_globaltype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_vec_new_uninitialized(
    out: *mut wasm_globaltype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new global type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_globaltype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_vec_new(
    out: *mut wasm_globaltype_vec_t,
    size: usize,
    data: *const *mut wasm_globaltype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the global type vector `*src`: every non-NULL element is copied with `wasm_globaltype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_globaltype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_vec_copy(
    out: *mut wasm_globaltype_vec_t,
    src: *const wasm_globaltype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the global type vector `*vec`: every non-NULL element is deleted with `wasm_globaltype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_vec_delete(vec: *mut wasm_globaltype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_tabletype_vec_t`

/// Sets `*out` to the empty table type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_tabletype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_vec_new_empty(out: *mut wasm_tabletype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new table type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_tabletype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_vec_new_uninitialized(
    out: *mut wasm_tabletype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new table type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_tabletype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_vec_new(
    out: *mut wasm_tabletype_vec_t,
    size: usize,
    data: *const *mut wasm_tabletype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the table type vector `*src`: every non-NULL element is copied with `wasm_tabletype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_tabletype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_vec_copy(
    out: *mut wasm_tabletype_vec_t,
    src: *const wasm_tabletype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the table type vector `*vec`: every non-NULL element is deleted with `wasm_tabletype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_vec_delete(vec: *mut wasm_tabletype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_memorytype_vec_t`

/// Sets `*out` to the empty memory type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_memorytype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_vec_new_empty(out: *mut wasm_memorytype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new memory type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_memorytype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_vec_new_uninitialized(
    out: *mut wasm_memorytype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new memory type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_memorytype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_vec_new(
    out: *mut wasm_memorytype_vec_t,
    size: usize,
    data: *const *mut wasm_memorytype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the memory type vector `*src`: every non-NULL element is copied with `wasm_memorytype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_memorytype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_vec_copy(
    out: *mut wasm_memorytype_vec_t,
    src: *const wasm_memorytype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the memory type vector `*vec`: every non-NULL element is deleted with `wasm_memorytype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_vec_delete(vec: *mut wasm_memorytype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_externtype_vec_t`

/// Sets `*out` to the empty extern type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_externtype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_vec_new_empty(out: *mut wasm_externtype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new extern type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_externtype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_vec_new_uninitialized(
    out: *mut wasm_externtype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new extern type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_externtype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_vec_new(
    out: *mut wasm_externtype_vec_t,
    size: usize,
    data: *const *mut wasm_externtype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the extern type vector `*src`: every non-NULL element is copied with `wasm_externtype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_externtype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_vec_copy(
    out: *mut wasm_externtype_vec_t,
    src: *const wasm_externtype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the extern type vector `*vec`: every non-NULL element is deleted with `wasm_externtype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_vec_delete(vec: *mut wasm_externtype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_importtype_vec_t`

/// Sets `*out` to the empty import type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_importtype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_vec_new_empty(out: *mut wasm_importtype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new import type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_importtype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_vec_new_uninitialized(
    out: *mut wasm_importtype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new import type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_importtype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_vec_new(
    out: *mut wasm_importtype_vec_t,
    size: usize,
    data: *const *mut wasm_importtype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the import type vector `*src`: every non-NULL element is copied with `wasm_importtype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_importtype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_vec_copy(
    out: *mut wasm_importtype_vec_t,
    src: *const wasm_importtype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the import type vector `*vec`: every non-NULL element is deleted with `wasm_importtype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_vec_delete(vec: *mut wasm_importtype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_exporttype_vec_t`

/// Sets `*out` to the empty export type vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_exporttype_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_vec_new_empty(out: *mut wasm_exporttype_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new export type vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_exporttype_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_vec_new_uninitialized(
    out: *mut wasm_exporttype_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new export type vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_exporttype_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_vec_new(
    out: *mut wasm_exporttype_vec_t,
    size: usize,
    data: *const *mut wasm_exporttype_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the export type vector `*src`: every non-NULL element is copied with `wasm_exporttype_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_exporttype_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_vec_copy(
    out: *mut wasm_exporttype_vec_t,
    src: *const wasm_exporttype_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the export type vector `*vec`: every non-NULL element is deleted with `wasm_exporttype_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_vec_delete(vec: *mut wasm_exporttype_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_frame_vec_t`

/// Sets `*out` to the empty frame vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_frame_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_vec_new_empty(out: *mut wasm_frame_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new frame vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_frame_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_vec_new_uninitialized(out: *mut wasm_frame_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new frame vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_frame_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_vec_new(
    out: *mut wasm_frame_vec_t,
    size: usize,
    data: *const *mut wasm_frame_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the frame vector `*src`: every non-NULL element is copied with `wasm_frame_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_frame_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_vec_copy(
    out: *mut wasm_frame_vec_t,
    src: *const wasm_frame_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the frame vector `*vec`: every non-NULL element is deleted with `wasm_frame_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_vec_delete(vec: *mut wasm_frame_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

// `wasm_extern_vec_t`

/// Sets `*out` to the empty extern vector `{ 0, NULL }`.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_extern_vec_delete`
/// (deleting an empty vector is a no-op). Whatever `*out` held before
/// is overwritten, not deleted.
/// NULL: a NULL `out` does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_vec_new_empty(out: *mut wasm_extern_vec_t) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_empty(out) })
}

/// Sets `*out` to a new extern vector of `size` elements, all NULL.
///
/// Ownership: `*out` becomes the caller's, to delete with `wasm_extern_vec_delete`;
/// the caller may fill in the elements, which the vector then owns.
/// Whatever `*out` held before is overwritten, not deleted.
/// NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
/// Errors: when `size` elements cannot be allocated, `*out` is the empty
/// vector `{ 0, NULL }` (check its size).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_vec_new_uninitialized(
    out: *mut wasm_extern_vec_t,
    size: usize,
) {
    // SAFETY: `out` is NULL or writable (C contract).
    guard((), || unsafe { vec_new_uninitialized(out, size) })
}

/// Sets `*out` to a new extern vector holding the `size` elements of the array `data`.
///
/// Ownership: the array itself is copied and stays the caller's, but
/// the elements are taken over (moved into the vector, which will
/// delete them). `*out` becomes the caller's, to delete with
/// `wasm_extern_vec_delete`.
/// NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
/// the empty vector `{ 0, NULL }`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_vec_new(
    out: *mut wasm_extern_vec_t,
    size: usize,
    data: *const *mut wasm_extern_t,
) {
    // SAFETY: `out` is NULL or writable, `data` is NULL or points to `size`
    // elements (C contract).
    guard((), || unsafe { vec_new(out, size, data) })
}

/// Sets `*out` to a deep copy of the extern vector `*src`: every non-NULL element is copied with `wasm_extern_copy`.
///
/// Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
/// delete with `wasm_extern_vec_delete`. Whatever `*out` held before is
/// overwritten, not deleted.
/// NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
/// NULL elements stay NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_vec_copy(
    out: *mut wasm_extern_vec_t,
    src: *const wasm_extern_vec_t,
) {
    // SAFETY: `out` is NULL or writable, `src` is NULL or a valid vector
    // (C contract).
    guard((), || unsafe { vec_copy(out, src) })
}

/// Deletes the extern vector `*vec`: every non-NULL element is deleted with `wasm_extern_delete`, then frees its array and sets it to `{ 0, NULL }`.
///
/// Ownership: `*vec` must be an own vector whose array this library
/// allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
/// returned by the API); the struct itself is the caller's (it is not
/// freed).
/// NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
/// Deleting twice is harmless, as the first call empties the vector.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_vec_delete(vec: *mut wasm_extern_vec_t) {
    // SAFETY: `vec` is NULL or a valid own vector (C contract).
    guard((), || unsafe { vec_delete(vec) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ValType;
    use crate::capi::types::{WASM_F64, WASM_I32, WASM_I64, wasm_valtype_kind, wasm_valtype_new};
    use std::mem::MaybeUninit;

    /// An uninitialized out-parameter, as C would pass it.
    fn out<V>() -> MaybeUninit<V> {
        MaybeUninit::uninit()
    }

    #[test]
    fn byte_vec_new_copy_delete() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let bytes = *b"hello";
            let mut v = out::<wasm_byte_vec_t>();
            wasm_byte_vec_new(v.as_mut_ptr(), bytes.len(), bytes.as_ptr().cast());
            let mut v = v.assume_init();
            assert_eq!(v.as_slice(), b"hello");
            assert_ne!(
                v.data.cast_const(),
                bytes.as_ptr().cast(),
                "the array is copied"
            );

            let mut c = out::<wasm_byte_vec_t>();
            wasm_byte_vec_copy(c.as_mut_ptr(), &v);
            let mut c = c.assume_init();
            assert_eq!(c.as_slice(), b"hello");
            assert_ne!(c.data, v.data);

            wasm_byte_vec_delete(&mut v);
            assert_eq!((v.size, v.data), (0, ptr::null_mut()));
            wasm_byte_vec_delete(&mut v); // twice: harmless
            assert_eq!(c.as_slice(), b"hello");
            wasm_byte_vec_delete(&mut c);
        }
    }

    #[test]
    fn byte_vec_empty_and_uninitialized() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let mut e = out::<wasm_byte_vec_t>();
            wasm_byte_vec_new_empty(e.as_mut_ptr());
            let mut e = e.assume_init();
            assert_eq!((e.size, e.data), (0, ptr::null_mut()));
            assert_eq!(e.as_slice(), b"");
            wasm_byte_vec_delete(&mut e);

            let mut u = out::<wasm_byte_vec_t>();
            wasm_byte_vec_new_uninitialized(u.as_mut_ptr(), 1000);
            let mut u = u.assume_init();
            assert_eq!(u.len(), 1000);
            assert!(u.as_slice().iter().all(|&b| b == 0));
            u.as_mut_slice()[999] = 7;
            assert_eq!(*u.data.add(999), 7 as wasm_byte_t);
            wasm_byte_vec_delete(&mut u);

            let mut z = out::<wasm_byte_vec_t>();
            wasm_byte_vec_new_uninitialized(z.as_mut_ptr(), 0);
            assert!(z.assume_init_ref().data.is_null());

            // new with NULL data or size 0: empty.
            let mut n = out::<wasm_byte_vec_t>();
            wasm_byte_vec_new(n.as_mut_ptr(), 5, ptr::null());
            assert_eq!(n.assume_init_ref().size, 0);
            wasm_byte_vec_new(n.as_mut_ptr(), 0, b"x".as_ptr().cast());
            assert!(n.assume_init_ref().data.is_null());
        }
    }

    #[test]
    fn null_arguments_do_nothing() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            wasm_byte_vec_new_empty(ptr::null_mut());
            wasm_byte_vec_new_uninitialized(ptr::null_mut(), 10);
            wasm_byte_vec_new(ptr::null_mut(), 1, b"x".as_ptr().cast());
            wasm_byte_vec_copy(ptr::null_mut(), ptr::null());
            wasm_byte_vec_delete(ptr::null_mut());
            wasm_valtype_vec_delete(ptr::null_mut());
            wasm_val_vec_delete(ptr::null_mut());
            wasm_extern_vec_delete(ptr::null_mut());
            wasm_frame_vec_delete(ptr::null_mut());
            wasm_importtype_vec_copy(ptr::null_mut(), ptr::null());

            // A NULL source copies as empty.
            let mut c = out::<wasm_valtype_vec_t>();
            wasm_valtype_vec_copy(c.as_mut_ptr(), ptr::null());
            assert_eq!(c.assume_init_ref().size, 0);

            // A vector with NULL data but a size: delete only resets it.
            let mut v = wasm_valtype_vec_t {
                size: 3,
                data: ptr::null_mut(),
            };
            assert!(v.as_slice().is_empty());
            wasm_valtype_vec_delete(&mut v);
            assert_eq!(v.size, 0);
        }
    }

    #[test]
    fn pointer_vec_takes_elements_and_copies_deeply() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let elems = [wasm_valtype_new(WASM_I32), wasm_valtype_new(WASM_F64)];
            let mut v = out::<wasm_valtype_vec_t>();
            wasm_valtype_vec_new(v.as_mut_ptr(), 2, elems.as_ptr());
            let mut v = v.assume_init();
            assert_eq!(v.as_slice(), &elems, "elements are taken over, not copied");

            let mut c = out::<wasm_valtype_vec_t>();
            wasm_valtype_vec_copy(c.as_mut_ptr(), &v);
            let mut c = c.assume_init();
            assert_eq!(c.len(), 2);
            for (a, b) in v.as_slice().iter().zip(c.as_slice()) {
                assert_ne!(a, b, "a deep copy has new elements");
                assert_eq!(wasm_valtype_kind(*a), wasm_valtype_kind(*b));
            }
            wasm_valtype_vec_delete(&mut v); // deletes `elems`
            assert_eq!(wasm_valtype_kind(c.as_slice()[1]), WASM_F64);
            wasm_valtype_vec_delete(&mut c);
        }
    }

    #[test]
    fn pointer_vec_uninitialized_is_null_filled() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let mut v = out::<wasm_valtype_vec_t>();
            wasm_valtype_vec_new_uninitialized(v.as_mut_ptr(), 3);
            let mut v = v.assume_init();
            assert!(v.as_slice().iter().all(|p| p.is_null()));
            // Fill one in, as C would; NULL elements are skipped by copy
            // and delete.
            v.as_mut_slice()[1] = wasm_valtype_new(WASM_I64);
            let mut c = out::<wasm_valtype_vec_t>();
            wasm_valtype_vec_copy(c.as_mut_ptr(), &v);
            let mut c = c.assume_init();
            assert!(c.as_slice()[0].is_null() && c.as_slice()[2].is_null());
            assert_eq!(wasm_valtype_kind(c.as_slice()[1]), WASM_I64);
            wasm_valtype_vec_delete(&mut v);
            wasm_valtype_vec_delete(&mut c);

            // Vectors of objects owned by the other files.
            let mut f = out::<wasm_frame_vec_t>();
            wasm_frame_vec_new_uninitialized(f.as_mut_ptr(), 2);
            wasm_frame_vec_delete(f.as_mut_ptr());
            let mut e = out::<wasm_extern_vec_t>();
            wasm_extern_vec_new_uninitialized(e.as_mut_ptr(), 2);
            let mut e2 = out::<wasm_extern_vec_t>();
            wasm_extern_vec_copy(e2.as_mut_ptr(), e.as_ptr());
            wasm_extern_vec_delete(e.as_mut_ptr());
            wasm_extern_vec_delete(e2.as_mut_ptr());
        }
    }

    #[test]
    fn from_boxes_round_trip() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let mut v = wasm_valtype_vec_t::from_boxes(vec![
                wasm_valtype_t::new(ValType::I32),
                wasm_valtype_t::new(ValType::FuncRef),
            ]);
            assert_eq!(v.len(), 2);
            assert_eq!((*v.as_slice()[1]).ty(), ValType::FuncRef);
            wasm_valtype_vec_delete(&mut v);

            let e = wasm_importtype_vec_t::from_boxes(Vec::new());
            assert!(e.data.is_null() && e.is_empty());
            let b = wasm_byte_vec_t::from_vec(Vec::new());
            assert!(b.data.is_null());
            let mut b = wasm_byte_vec_t::from_vec(b"abc".to_vec());
            assert_eq!(b.as_slice(), b"abc");
            wasm_byte_vec_delete(&mut b);
        }
    }

    fn i32_val(x: i32) -> wasm_val_t {
        wasm_val_t {
            kind: WASM_I32,
            of: crate::capi::val::wasm_val_union { i32: x },
        }
    }

    #[test]
    fn val_vec() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let vals = [i32_val(1), i32_val(2), i32_val(3)];
            let mut v = out::<wasm_val_vec_t>();
            wasm_val_vec_new(v.as_mut_ptr(), 3, vals.as_ptr());
            let mut v = v.assume_init();
            assert_eq!(
                v.as_slice().iter().map(|x| x.of.i32).collect::<Vec<_>>(),
                [1, 2, 3]
            );
            v.as_mut_slice()[0] = i32_val(10);

            let mut c = out::<wasm_val_vec_t>();
            wasm_val_vec_copy(c.as_mut_ptr(), &v);
            let mut c = c.assume_init();
            assert_eq!(c.as_slice()[0].of.i32, 10);
            assert_eq!(c.as_slice()[2].kind, WASM_I32);
            wasm_val_vec_delete(&mut v);
            wasm_val_vec_delete(&mut c);

            let mut u = out::<wasm_val_vec_t>();
            wasm_val_vec_new_uninitialized(u.as_mut_ptr(), 2);
            let mut u = u.assume_init();
            assert!(
                u.as_slice()
                    .iter()
                    .all(|x| x.kind == WASM_I32 && x.of.i64 == 0)
            );
            wasm_val_vec_delete(&mut u);

            let mut r = wasm_val_vec_t::from_vec(vec![i32_val(5)]);
            assert_eq!(r.as_slice()[0].of.i32, 5);
            wasm_val_vec_delete(&mut r);
        }
    }
}
