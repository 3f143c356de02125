//! The type objects of `wasm.h`: value, function, global, table, memory,
//! extern, import and export types. C sees them as incomplete types.
//!
//! Every extern type (`wasm_externtype_t`) is one Rust object whose variant
//! says which type it is; `wasm_functype_t`, `wasm_globaltype_t`,
//! `wasm_tabletype_t` and `wasm_memorytype_t` are `#[repr(transparent)]`
//! wrappers around it with the matching variant. So the `*_as_externtype`
//! and `wasm_externtype_as_*` conversions return the same pointer, and
//! deleting it through either type is the same.
//!
//! Pointers returned by accessors (`wasm_functype_params`,
//! `wasm_globaltype_content`, `wasm_tabletype_limits`, ...) point into the
//! object: they are not owned and stay valid as long as the object.

use super::error::{error, wasi_rt_error_t};
use super::{guard, guard_with, put_u64};
use super::vec::{CVec, OwnedVec, wasm_name_t, wasm_valtype_vec_t};
use crate::types::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, MemoryType, Mutability, TableType,
    TagType, ValType,
};
use std::ptr;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------
// Kinds, mutability and limits

/// The kind of a value type (`uint8_t` in C).
pub type wasm_valkind_t = u8;
/// `i32`.
pub const WASM_I32: wasm_valkind_t = 0;
/// `i64`.
pub const WASM_I64: wasm_valkind_t = 1;
/// `f32`.
pub const WASM_F32: wasm_valkind_t = 2;
/// `f64`.
pub const WASM_F64: wasm_valkind_t = 3;
/// `v128` (an extension of this runtime; not in the standard `wasm.h`). A
/// `wasm_val_t` of this kind (read from a v128 global) holds only the low 64
/// bits, in `of.i64`.
pub const WASI_RT_V128: wasm_valkind_t = 4;
/// `exnref` (exception handling; an extension of this runtime). Exceptions
/// cannot cross `wasm_val_t`: calls with `exnref` parameters or results are
/// refused with a type-error trap, and a value of this kind read from a
/// global or table is always NULL.
pub const WASI_RT_EXNREF: wasm_valkind_t = 130;
/// `wasm_valkind_t` of `anyref` and the other types of the `any`
/// hierarchy (GC): structs, arrays, `i31`s. Values of this kind carry a
/// `wasm_ref_t` that keeps the value alive until `wasm_ref_delete`.
pub const WASI_RT_ANYREF: wasm_valkind_t = 131;
/// `externref`.
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
/// `funcref`.
pub const WASM_FUNCREF: wasm_valkind_t = 129;

/// Whether a global is mutable (`uint8_t` in C).
pub type wasm_mutability_t = u8;
/// An immutable global.
pub const WASM_CONST: wasm_mutability_t = 0;
/// A mutable global.
pub const WASM_VAR: wasm_mutability_t = 1;

/// The kind of an extern type or external (`uint8_t` in C).
pub type wasm_externkind_t = u8;
/// A function.
pub const WASM_EXTERN_FUNC: wasm_externkind_t = 0;
/// A global.
pub const WASM_EXTERN_GLOBAL: wasm_externkind_t = 1;
/// A table.
pub const WASM_EXTERN_TABLE: wasm_externkind_t = 2;
/// A memory.
pub const WASM_EXTERN_MEMORY: wasm_externkind_t = 3;
/// A tag (exception handling; a wasi-rt extension: `wasm.h` has no tags).
/// A tag export can be passed on as an import, as any extern.
pub const WASI_RT_EXTERN_TAG: wasm_externkind_t = 4;

/// The limits of a table (in elements) or memory (in 64 KiB pages).
/// `max == wasm_limits_max_default` means "no maximum".
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

/// The `max` of a `wasm_limits_t` without a maximum.
#[allow(non_upper_case_globals)]
pub const wasm_limits_max_default: u32 = 0xffffffff;

impl wasm_limits_t {
    /// Limits from a minimum and an optional maximum. `wasm.h` limits
    /// are 32-bit: larger values (of 64-bit memories and tables) read as
    /// `u32::MAX` (`wasi_rt_memorytype_minimum` and its kin give them whole).
    pub fn new(min: u64, max: Option<u64>) -> Self {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        wasm_limits_t {
            min: clamp(min),
            max: max.map_or(wasm_limits_max_default, clamp),
        }
    }
    /// The maximum, `None` for `wasm_limits_max_default`.
    pub fn maximum(&self) -> Option<u32> {
        (self.max != wasm_limits_max_default).then_some(self.max)
    }
}

/// The C kind of a value type. `wasm.h` knows only `funcref` and
/// `externref`: typed references report the kind of their hierarchy
/// (a `(ref $t)` is a `WASM_FUNCREF`).
pub fn valkind_of(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WASI_RT_V128,
        ValType::Ref(r) if r.heap.is_func() => WASM_FUNCREF,
        ValType::Ref(r) if r.heap.top() == crate::types::HeapType::Exn => WASI_RT_EXNREF,
        ValType::Ref(r) if r.heap.top() == crate::types::HeapType::Any => WASI_RT_ANYREF,
        ValType::Ref(_) => WASM_EXTERNREF,
    }
}

/// The value type of a C kind; `None` for an unknown kind.
pub fn valtype_of_kind(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASI_RT_V128 => ValType::V128,
        WASM_EXTERNREF => ValType::ExternRef,
        WASM_FUNCREF => ValType::FuncRef,
        WASI_RT_ANYREF => ValType::AnyRef,
        _ => return None,
    })
}

/// The C mutability of a global.
pub fn mutability_of(m: Mutability) -> wasm_mutability_t {
    match m {
        Mutability::Const => WASM_CONST,
        Mutability::Var => WASM_VAR,
    }
}

/// The mutability of a C value; `None` for an unknown one.
pub fn mutability_of_c(m: wasm_mutability_t) -> Option<Mutability> {
    match m {
        WASM_CONST => Some(Mutability::Const),
        WASM_VAR => Some(Mutability::Var),
        _ => None,
    }
}

/// The C kind of an extern type.
pub fn externkind_of(ty: &ExternType) -> wasm_externkind_t {
    match ty {
        ExternType::Func(_) => WASM_EXTERN_FUNC,
        ExternType::Global(_) => WASM_EXTERN_GLOBAL,
        ExternType::Table(_) => WASM_EXTERN_TABLE,
        ExternType::Memory(_) => WASM_EXTERN_MEMORY,
        ExternType::Tag(_) => WASI_RT_EXTERN_TAG,
    }
}

// ---------------------------------------------------------------------------
// Value types

/// A value type (opaque to C).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct wasm_valtype_t {
    ty: ValType,
}

impl wasm_valtype_t {
    /// A new value type object.
    pub fn new(ty: ValType) -> Box<Self> {
        Box::new(wasm_valtype_t { ty })
    }
    /// The value type.
    pub fn ty(&self) -> ValType {
        self.ty
    }
}

/// Deletes value type `t`.
///
/// Ownership: takes `t` over; it must be an own value type (not one
/// returned by an accessor such as `wasm_globaltype_content`).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_delete(t: *mut wasm_valtype_t) {
    guard((), || {
        if !t.is_null() {
            // SAFETY: an own value type was allocated as a `Box` by this
            // library (C contract); it is freed once.
            drop(unsafe { Box::from_raw(t) });
        }
    })
}

/// A copy of value type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_valtype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_copy(t: *const wasm_valtype_t) -> *mut wasm_valtype_t {
    // SAFETY: `t` is NULL or a live value type (C contract).
    guard(ptr::null_mut(), || match unsafe { t.as_ref() } {
        Some(t) => Box::into_raw(wasm_valtype_t::new(t.ty)),
        None => ptr::null_mut(),
    })
}

/// Creates a value type of kind `kind` (`WASM_I32`, `WASM_I64`, `WASM_F32`,
/// `WASM_F64`, `WASM_EXTERNREF`, `WASM_FUNCREF`, or `WASI_RT_V128`).
///
/// Ownership: the result is the caller's, to delete with
/// `wasm_valtype_delete`.
/// Returns NULL for an unknown kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || match valtype_of_kind(kind) {
        Some(ty) => Box::into_raw(wasm_valtype_t::new(ty)),
        None => ptr::null_mut(),
    })
}

/// The kind of value type `t`. A typed function reference (`(ref $t)`,
/// `(ref null $t)`, `(ref func)`) is `WASM_FUNCREF`, as `wasm.h` has no
/// kinds for them; values passed for it are still checked (a null for a
/// non-nullable reference, or a function of another type, is a type-error
/// trap).
///
/// Ownership: `t` is borrowed.
/// NULL: returns 0 for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> wasm_valkind_t {
    // SAFETY: `t` is NULL or a live value type (C contract).
    guard(0, || unsafe { t.as_ref() }.map_or(0, |t| valkind_of(t.ty)))
}

// ---------------------------------------------------------------------------
// Extern types and the four typed views

/// An extern type: a function, global, table or memory type (opaque to C).
pub struct wasm_externtype_t {
    which: Which,
}

#[derive(Clone)]
enum Which {
    Func(FuncData),
    Global(GlobalData),
    Table(TableData),
    Memory(MemoryData),
    Tag(TagData),
}

/// A tag type with the C view of its parameters, built on first use.
struct TagData {
    ty: TagType,
    params: OnceLock<OwnedVec<wasm_valtype_vec_t>>,
}

impl Clone for TagData {
    fn clone(&self) -> Self {
        TagData {
            ty: self.ty.clone(),
            params: OnceLock::new(),
        }
    }
}

/// A function type with its C views, built on first use (or taken over from
/// `wasm_functype_new`) and kept for the life of the object.
struct FuncData {
    ty: FuncType,
    params: OnceLock<OwnedVec<wasm_valtype_vec_t>>,
    results: OnceLock<OwnedVec<wasm_valtype_vec_t>>,
}

impl Clone for FuncData {
    fn clone(&self) -> Self {
        FuncData {
            ty: self.ty.clone(),
            params: OnceLock::new(),
            results: OnceLock::new(),
        }
    }
}

fn valtype_vec(tys: &[ValType]) -> OwnedVec<wasm_valtype_vec_t> {
    OwnedVec(wasm_valtype_vec_t::from_boxes(
        tys.iter().map(|&t| wasm_valtype_t::new(t)).collect(),
    ))
}

#[derive(Clone)]
struct GlobalData {
    ty: GlobalType,
    content: wasm_valtype_t,
}

#[derive(Clone)]
struct TableData {
    ty: TableType,
    element: wasm_valtype_t,
    limits: wasm_limits_t,
}

#[derive(Clone)]
struct MemoryData {
    ty: MemoryType,
    limits: wasm_limits_t,
}

impl Which {
    fn of(ty: ExternType) -> Which {
        match ty {
            ExternType::Func(ty) => Which::Func(FuncData {
                ty,
                params: OnceLock::new(),
                results: OnceLock::new(),
            }),
            ExternType::Global(ty) => Which::Global(GlobalData {
                content: wasm_valtype_t { ty: ty.content },
                ty,
            }),
            ExternType::Table(ty) => Which::Table(TableData {
                element: wasm_valtype_t { ty: ty.element },
                limits: wasm_limits_t::new(ty.min, ty.max),
                ty,
            }),
            ExternType::Memory(ty) => Which::Memory(MemoryData {
                limits: wasm_limits_t::new(ty.min, ty.max),
                ty,
            }),
            ExternType::Tag(ty) => Which::Tag(TagData {
                ty,
                params: OnceLock::new(),
            }),
        }
    }
}

impl wasm_externtype_t {
    /// A new extern type object.
    pub fn new(ty: ExternType) -> Box<Self> {
        Box::new(wasm_externtype_t {
            which: Which::of(ty),
        })
    }
    /// The extern type.
    pub fn ty(&self) -> ExternType {
        match &self.which {
            Which::Func(d) => ExternType::Func(d.ty.clone()),
            Which::Global(d) => ExternType::Global(d.ty),
            Which::Table(d) => ExternType::Table(d.ty),
            Which::Memory(d) => ExternType::Memory(d.ty),
            Which::Tag(t) => ExternType::Tag(t.ty.clone()),
        }
    }
    /// The C kind (`WASM_EXTERN_FUNC`, ...).
    pub fn kind(&self) -> wasm_externkind_t {
        match &self.which {
            Which::Func(_) => WASM_EXTERN_FUNC,
            Which::Global(_) => WASM_EXTERN_GLOBAL,
            Which::Table(_) => WASM_EXTERN_TABLE,
            Which::Memory(_) => WASM_EXTERN_MEMORY,
            Which::Tag(_) => WASI_RT_EXTERN_TAG,
        }
    }
}

impl Clone for wasm_externtype_t {
    fn clone(&self) -> Self {
        wasm_externtype_t {
            which: self.which.clone(),
        }
    }
}

impl std::fmt::Debug for wasm_externtype_t {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("wasm_externtype_t")
            .field(&self.ty())
            .finish()
    }
}

/// A function type (opaque to C): a view of a `wasm_externtype_t`.
#[repr(transparent)]
#[derive(Clone, Debug)]
pub struct wasm_functype_t {
    /// Always the `Which::Func` variant.
    ext: wasm_externtype_t,
}

/// A global type (opaque to C): a view of a `wasm_externtype_t`.
#[repr(transparent)]
#[derive(Clone, Debug)]
pub struct wasm_globaltype_t {
    /// Always the `Which::Global` variant.
    ext: wasm_externtype_t,
}

/// A table type (opaque to C): a view of a `wasm_externtype_t`.
#[repr(transparent)]
#[derive(Clone, Debug)]
pub struct wasm_tabletype_t {
    /// Always the `Which::Table` variant.
    ext: wasm_externtype_t,
}

/// A memory type (opaque to C): a view of a `wasm_externtype_t`.
#[repr(transparent)]
#[derive(Clone, Debug)]
pub struct wasm_memorytype_t {
    /// Always the `Which::Memory` variant.
    ext: wasm_externtype_t,
}

/// A typed view of `wasm_externtype_t` (`wasm_functype_t`, ...).
trait TypedView: Sized {
    /// The view of `e` as this type, if it is of this kind.
    fn from_extern(e: &wasm_externtype_t) -> Option<&Self>;
}

/// The Rust side of a typed view: its data and `TypedView`.
macro_rules! typed_view {
    ($($name:ident => $variant:ident, $data:ident;)*) => {$(
        impl $name {
            fn data(&self) -> &$data {
                match &self.ext.which {
                    Which::$variant(d) => d,
                    _ => unreachable!(concat!(stringify!($name), " of another kind")),
                }
            }
        }

        impl TypedView for $name {
            fn from_extern(e: &wasm_externtype_t) -> Option<&$name> {
                match e.which {
                    Which::$variant(_) => {
                        // SAFETY: `$name` is `repr(transparent)` over
                        // `wasm_externtype_t` and `e` has the right variant.
                        Some(unsafe { &*(e as *const wasm_externtype_t).cast::<$name>() })
                    }
                    _ => None,
                }
            }
        }
    )*};
}

typed_view! {
    wasm_functype_t => Func, FuncData;
    wasm_globaltype_t => Global, GlobalData;
    wasm_tabletype_t => Table, TableData;
    wasm_memorytype_t => Memory, MemoryData;
}

impl wasm_functype_t {
    /// A new function type object.
    pub fn new(ty: FuncType) -> Box<Self> {
        Box::new(wasm_functype_t {
            ext: wasm_externtype_t {
                which: Which::of(ExternType::Func(ty)),
            },
        })
    }
    /// The function type.
    pub fn ty(&self) -> &FuncType {
        &self.data().ty
    }
    fn params(&self) -> &wasm_valtype_vec_t {
        let d = self.data();
        &d.params.get_or_init(|| valtype_vec(d.ty.params())).0
    }
    fn results(&self) -> &wasm_valtype_vec_t {
        let d = self.data();
        &d.results.get_or_init(|| valtype_vec(d.ty.results())).0
    }
}

impl wasm_globaltype_t {
    /// A new global type object.
    pub fn new(ty: GlobalType) -> Box<Self> {
        Box::new(wasm_globaltype_t {
            ext: wasm_externtype_t {
                which: Which::of(ExternType::Global(ty)),
            },
        })
    }
    /// The global type.
    pub fn ty(&self) -> &GlobalType {
        &self.data().ty
    }
}

impl wasm_tabletype_t {
    /// A new table type object.
    pub fn new(ty: TableType) -> Box<Self> {
        Box::new(wasm_tabletype_t {
            ext: wasm_externtype_t {
                which: Which::of(ExternType::Table(ty)),
            },
        })
    }
    /// The table type.
    pub fn ty(&self) -> &TableType {
        &self.data().ty
    }
}

impl wasm_memorytype_t {
    /// A new memory type object.
    pub fn new(ty: MemoryType) -> Box<Self> {
        Box::new(wasm_memorytype_t {
            ext: wasm_externtype_t {
                which: Which::of(ExternType::Memory(ty)),
            },
        })
    }
    /// The memory type.
    pub fn ty(&self) -> &MemoryType {
        &self.data().ty
    }
}

/// `wasm_X_delete` of a type object: frees `t` (NULL is ignored).
///
/// # Safety
/// `t` is NULL or an own object allocated as a `Box` of `T`, or of a type
/// with the same layout (the typed views are `repr(transparent)` over the
/// extern type), by this library.
unsafe fn delete_object<T>(t: *mut T) {
    guard((), || {
        if !t.is_null() {
            // SAFETY: an own object was allocated as a `Box` of this
            // type, or of a type with the same layout (the typed
            // views are `repr(transparent)` over the extern type),
            // by this library (caller's contract); it is freed once.
            drop(unsafe { Box::from_raw(t) });
        }
    })
}

/// `wasm_X_copy` of a type object: a new own copy of `*t` (NULL for NULL).
///
/// # Safety
/// `t` is NULL or a live object.
unsafe fn copy_object<T: Clone>(t: *const T) -> *mut T {
    // SAFETY: `t` is NULL or a live object (caller's contract).
    guard(ptr::null_mut(), || match unsafe { t.as_ref() } {
        Some(t) => Box::into_raw(Box::new(t.clone())),
        None => ptr::null_mut(),
    })
}

/// Deletes function type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_delete(t: *mut wasm_functype_t) {
    // SAFETY: `t` is NULL or an own function type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of function type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_functype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_copy(t: *const wasm_functype_t) -> *mut wasm_functype_t {
    // SAFETY: `t` is NULL or a live function type (C contract).
    unsafe { copy_object(t) }
}

/// Takes over an own value type vector: the value types, or `None` (with
/// everything deleted) if an element is NULL. `*v` is left empty.
///
/// # Safety
/// `v` is a valid own vector.
unsafe fn take_valtypes(
    v: *mut wasm_valtype_vec_t,
) -> Option<(Vec<ValType>, OwnedVec<wasm_valtype_vec_t>)> {
    // SAFETY: `v` is a valid own vector (caller's contract); it is moved out
    // and replaced by an empty one, so it is owned once.
    let owned = OwnedVec(unsafe { ptr::replace(v, wasm_valtype_vec_t::empty()) });
    let (size, data) = owned.0.raw_parts();
    if size != 0 && data.is_null() {
        // Malformed: a size with no array.
        return None;
    }
    let mut tys = Vec::with_capacity(owned.0.len());
    for &p in owned.0.as_slice() {
        // SAFETY: non-NULL elements of an own vector are live value types.
        tys.push(unsafe { p.as_ref() }?.ty);
    }
    Some((tys, owned))
}

/// Creates a function type from parameter and result types.
///
/// Ownership: takes over both vectors and their value types (they are
/// emptied: `{ 0, NULL }`, so deleting them afterwards is harmless); the
/// result is the caller's, to delete with `wasm_functype_delete`.
/// NULL: returns NULL if either vector pointer or any element is NULL, or a
/// vector has a non-zero size and a NULL array (the non-NULL arguments are
/// still taken over and deleted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: each is NULL or a valid own vector (C contract).
        let p = (!params.is_null()).then(|| unsafe { take_valtypes(params) });
        // SAFETY: as above.
        let r = (!results.is_null()).then(|| unsafe { take_valtypes(results) });
        match (p, r) {
            (Some(Some((pt, pv))), Some(Some((rt, rv)))) => {
                let data = FuncData {
                    ty: FuncType::new(pt, rt),
                    params: OnceLock::from(pv),
                    results: OnceLock::from(rv),
                };
                Box::into_raw(Box::new(wasm_functype_t {
                    ext: wasm_externtype_t {
                        which: Which::Func(data),
                    },
                }))
            }
            _ => ptr::null_mut(),
        }
    })
}

/// The parameter types of function type `t`.
///
/// Ownership: the vector and its value types belong to `t` (do not delete
/// them); they stay valid, at the same address, as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_params(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live function type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| t.params() as *const _)
    })
}

/// The result types of function type `t`.
///
/// Ownership: the vector and its value types belong to `t` (do not delete
/// them); they stay valid, at the same address, as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_results(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live function type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| t.results() as *const _)
    })
}

/// Deletes global type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_delete(t: *mut wasm_globaltype_t) {
    // SAFETY: `t` is NULL or an own global type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of global type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_globaltype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_copy(
    t: *const wasm_globaltype_t,
) -> *mut wasm_globaltype_t {
    // SAFETY: `t` is NULL or a live global type (C contract).
    unsafe { copy_object(t) }
}

/// Creates a global type of content type `content` and mutability
/// `mutability` (`WASM_CONST` or `WASM_VAR`).
///
/// Ownership: takes `content` over (also on failure); the result is the
/// caller's, to delete with `wasm_globaltype_delete`.
/// NULL: returns NULL for a NULL `content` or an unknown mutability.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || {
        if content.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a non-NULL `content` is an own value type (C contract),
        // taken over here.
        let content = unsafe { Box::from_raw(content) };
        match mutability_of_c(mutability) {
            Some(m) => Box::into_raw(wasm_globaltype_t::new(GlobalType::new(content.ty, m))),
            None => ptr::null_mut(),
        }
    })
}

/// The content type of global type `t`.
///
/// Ownership: the value type belongs to `t` (do not delete it) and stays
/// valid as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_content(
    t: *const wasm_globaltype_t,
) -> *const wasm_valtype_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live global type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.data().content as *const _)
    })
}

/// The mutability of global type `t` (`WASM_CONST` or `WASM_VAR`).
///
/// Ownership: `t` is borrowed.
/// NULL: returns 0 for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_mutability(
    t: *const wasm_globaltype_t,
) -> wasm_mutability_t {
    guard(0, || {
        // SAFETY: `t` is NULL or a live global type (C contract).
        unsafe { t.as_ref() }.map_or(0, |t| mutability_of(t.ty().mutability))
    })
}

/// Deletes table type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_delete(t: *mut wasm_tabletype_t) {
    // SAFETY: `t` is NULL or an own table type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of table type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_tabletype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_copy(t: *const wasm_tabletype_t) -> *mut wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live table type (C contract).
    unsafe { copy_object(t) }
}

/// Creates a table type of element type `element` (a reference type) and
/// limits `*limits` (in elements; `max` = `wasm_limits_max_default` for no
/// maximum).
///
/// Ownership: takes `element` over (also on failure); `limits` is
/// borrowed; the result is the caller's, to delete with
/// `wasm_tabletype_delete`.
/// NULL: returns NULL for a NULL `element` or `limits`, or an element type
/// that is not a reference type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || {
        if element.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a non-NULL `element` is an own value type (C contract),
        // taken over here.
        let element = unsafe { Box::from_raw(element) };
        // SAFETY: `limits` is NULL or readable (C contract).
        let Some(limits) = (unsafe { limits.as_ref() }) else {
            return ptr::null_mut();
        };
        if !element.ty.is_ref() {
            return ptr::null_mut();
        }
        let ty = TableType::new(element.ty, limits.min, limits.maximum());
        Box::into_raw(wasm_tabletype_t::new(ty))
    })
}

/// The element type of table type `t`.
///
/// Ownership: the value type belongs to `t` (do not delete it) and stays
/// valid as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_element(
    t: *const wasm_tabletype_t,
) -> *const wasm_valtype_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live table type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.data().element as *const _)
    })
}

/// The limits of table type `t`, in elements.
///
/// Ownership: the limits belong to `t` and stay valid as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live table type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.data().limits as *const _)
    })
}

/// Deletes memory type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_delete(t: *mut wasm_memorytype_t) {
    // SAFETY: `t` is NULL or an own memory type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of memory type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_memorytype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_copy(
    t: *const wasm_memorytype_t,
) -> *mut wasm_memorytype_t {
    // SAFETY: `t` is NULL or a live memory type (C contract).
    unsafe { copy_object(t) }
}

/// Creates a memory type of limits `*limits` (in 64 KiB pages; `max` =
/// `wasm_limits_max_default` for no maximum).
///
/// Ownership: `limits` is borrowed; the result is the caller's, to delete
/// with `wasm_memorytype_delete`.
/// NULL: returns NULL for a NULL `limits`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: *const wasm_limits_t,
) -> *mut wasm_memorytype_t {
    // SAFETY: `limits` is NULL or readable (C contract).
    guard(ptr::null_mut(), || match unsafe { limits.as_ref() } {
        Some(l) => Box::into_raw(wasm_memorytype_t::new(MemoryType::new(l.min, l.maximum()))),
        None => ptr::null_mut(),
    })
}

/// The limits of memory type `t`, in 64 KiB pages.
///
/// Ownership: the limits belong to `t` and stay valid as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_limits(
    t: *const wasm_memorytype_t,
) -> *const wasm_limits_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live memory type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.data().limits as *const _)
    })
}

// ---------------------------------------------------------------------------
// 64-bit, shared and small-page memory types; 64-bit table types

/// Writes a new memory type to `*ret`: limits `min` and (with
/// `max_present`) `max`, in pages; `is_64` for `i64` addresses (memory64);
/// `shared` for a memory shared between threads; pages of
/// `1 << page_size_log2` bytes (16 for 64 KiB, 0 for 1-byte pages).
///
/// Ownership: on success `*ret` is the caller's, to delete with
/// `wasm_memorytype_delete`.
/// Errors: returns an own error (and leaves `*ret` alone) for a NULL
/// `ret`, a page size other than 1 byte or 64 KiB, `min > max`, limits
/// beyond what the index type addresses, or a shared memory without a
/// maximum; NULL on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memorytype_new(
    min: u64,
    max_present: bool,
    max: u64,
    is_64: bool,
    shared: bool,
    page_size_log2: u8,
    ret: *mut *mut wasm_memorytype_t,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_memorytype_new: internal error"), || {
        if ret.is_null() {
            return error("wasi_rt_memorytype_new: NULL ret");
        }
        let ty = MemoryType {
            min,
            max: max_present.then_some(max),
            memory64: is_64,
            shared,
            page_size_log2,
        };
        if let Err(e) = ty.check() {
            return error(format!("wasi_rt_memorytype_new: {e}"));
        }
        // SAFETY: `ret` is non-NULL and writable (C contract).
        unsafe { *ret = Box::into_raw(wasm_memorytype_t::new(ty)) };
        ptr::null_mut()
    })
}

/// The memory type's minimum, in pages, whole (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memorytype_minimum(t: *const wasm_memorytype_t) -> u64 {
    // SAFETY: `t` is NULL or a live memory type (C contract).
    unsafe { t.as_ref() }.map_or(0, |t| t.ty().min)
}

/// Writes the memory type's maximum, in pages, to `*max` and returns true;
/// returns false (writing nothing) when it has none, or for a NULL `t` or
/// `max`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memorytype_maximum(
    t: *const wasm_memorytype_t,
    max: *mut u64,
) -> bool {
    // SAFETY: NULL or a live memory type and a writable u64 (C contract).
    unsafe { put_u64(t.as_ref().and_then(|t| t.ty().max), max) }
}

/// Whether the memory type is addressed with `i64` (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memorytype_is64(t: *const wasm_memorytype_t) -> bool {
    // SAFETY: `t` is NULL or a live memory type (C contract).
    unsafe { t.as_ref() }.is_some_and(|t| t.ty().memory64)
}

/// Whether the memory type is shared between threads (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memorytype_isshared(t: *const wasm_memorytype_t) -> bool {
    // SAFETY: `t` is NULL or a live memory type (C contract).
    unsafe { t.as_ref() }.is_some_and(|t| t.ty().shared)
}

/// Log2 of the memory type's page size: 16 (64 KiB) or 0 (1 byte);
/// 16 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_memorytype_page_size_log2(t: *const wasm_memorytype_t) -> u8 {
    // SAFETY: `t` is NULL or a live memory type (C contract).
    unsafe { t.as_ref() }.map_or(16, |t| t.ty().page_size_log2)
}

/// Writes a new table type to `*ret`: elements of `element`, limits `min`
/// and (with `max_present`) `max`; `is_64` for `i64` indices (table64).
///
/// Ownership: takes `element` over (also on failure); on success `*ret`
/// is the caller's, to delete with `wasm_tabletype_delete`.
/// Errors: returns an own error (and leaves `*ret` alone) for a NULL
/// `element` or `ret`, an element type that is not a reference type,
/// `min > max`, or limits of a 32-bit table beyond 32 bits; NULL on
/// success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_tabletype_new(
    element: *mut wasm_valtype_t,
    min: u64,
    max_present: bool,
    max: u64,
    is_64: bool,
    ret: *mut *mut wasm_tabletype_t,
) -> *mut wasi_rt_error_t {
    guard_with(|| error("wasi_rt_tabletype_new: internal error"), || {
        if element.is_null() {
            return error("wasi_rt_tabletype_new: NULL element type");
        }
        // SAFETY: a non-NULL `element` is an own value type (C contract),
        // taken over here.
        let element = unsafe { Box::from_raw(element) };
        if ret.is_null() {
            return error("wasi_rt_tabletype_new: NULL ret");
        }
        let ty = TableType {
            element: element.ty,
            min,
            max: max_present.then_some(max),
            table64: is_64,
        };
        if let Err(e) = ty.check() {
            return error(format!("wasi_rt_tabletype_new: {e}"));
        }
        // SAFETY: `ret` is non-NULL and writable (C contract).
        unsafe { *ret = Box::into_raw(wasm_tabletype_t::new(ty)) };
        ptr::null_mut()
    })
}

/// The table type's minimum, in elements, whole (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_tabletype_minimum(t: *const wasm_tabletype_t) -> u64 {
    // SAFETY: `t` is NULL or a live table type (C contract).
    unsafe { t.as_ref() }.map_or(0, |t| t.ty().min)
}

/// Writes the table type's maximum to `*max` and returns true; returns
/// false (writing nothing) when it has none, or for a NULL `t` or `max`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_tabletype_maximum(
    t: *const wasm_tabletype_t,
    max: *mut u64,
) -> bool {
    // SAFETY: NULL or a live table type and a writable u64 (C contract).
    unsafe { put_u64(t.as_ref().and_then(|t| t.ty().max), max) }
}

/// Whether the table type is indexed with `i64` (false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_tabletype_is64(t: *const wasm_tabletype_t) -> bool {
    // SAFETY: `t` is NULL or a live table type (C contract).
    unsafe { t.as_ref() }.is_some_and(|t| t.ty().table64)
}

/// Deletes extern type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_delete(t: *mut wasm_externtype_t) {
    // SAFETY: `t` is NULL or an own extern type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of extern type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_externtype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_copy(
    t: *const wasm_externtype_t,
) -> *mut wasm_externtype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { copy_object(t) }
}

/// The kind of extern type `t` (`WASM_EXTERN_FUNC`, `WASM_EXTERN_GLOBAL`,
/// `WASM_EXTERN_TABLE` or `WASM_EXTERN_MEMORY`).
///
/// Ownership: `t` is borrowed.
/// NULL: returns 0 for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> wasm_externkind_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    guard(0, || unsafe { t.as_ref() }.map_or(0, |t| t.kind()))
}

/// The types of the values an exception of tag type `t` carries (a wasi-rt
/// extension: `wasm.h` has no tags).
///
/// Ownership: the vector and its value types belong to `t` (do not delete
/// them); they stay valid, at the same address, as long as `t`.
/// NULL: returns NULL for a NULL `t` or one that is not a tag type
/// (`wasm_externtype_kind(t) != WASI_RT_EXTERN_TAG`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_externtype_tag_params(
    t: *const wasm_externtype_t,
) -> *const wasm_valtype_vec_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live extern type (C contract).
        match unsafe { t.as_ref() }.map(|t| &t.which) {
            Some(Which::Tag(d)) => {
                &d.params.get_or_init(|| valtype_vec(d.ty.params())).0 as *const _
            }
            _ => ptr::null(),
        }
    })
}

/// `wasm_X_as_externtype`: a typed view is its extern type.
fn view_as_externtype<T: TypedView>(t: *mut T) -> *mut wasm_externtype_t {
    guard(ptr::null_mut(), || t.cast())
}

/// `wasm_X_as_externtype_const`.
fn view_as_externtype_const<T: TypedView>(t: *const T) -> *const wasm_externtype_t {
    guard(ptr::null(), || t.cast())
}

/// `wasm_externtype_as_X`: `t` itself if it is of the view's kind, else NULL.
///
/// # Safety
/// `t` is NULL or a live extern type.
unsafe fn externtype_as_view<T: TypedView>(t: *mut wasm_externtype_t) -> *mut T {
    guard(ptr::null_mut(), || {
        // SAFETY: `t` is NULL or a live extern type (caller's contract).
        match unsafe { t.as_ref() }.and_then(T::from_extern) {
            Some(_) => t.cast(),
            None => ptr::null_mut(),
        }
    })
}

/// `wasm_externtype_as_X_const`.
///
/// # Safety
/// `t` is NULL or a live extern type.
unsafe fn externtype_as_view_const<T: TypedView>(t: *const wasm_externtype_t) -> *const T {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live extern type (caller's contract).
        match unsafe { t.as_ref() }.and_then(T::from_extern) {
            Some(v) => v as *const T,
            None => ptr::null(),
        }
    })
}

/// Views function type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_as_externtype(
    t: *mut wasm_functype_t,
) -> *mut wasm_externtype_t {
    view_as_externtype(t)
}

/// Views function type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_as_externtype_const(
    t: *const wasm_functype_t,
) -> *const wasm_externtype_t {
    view_as_externtype_const(t)
}

/// Views extern type `t` as function type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_functype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_functype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view(t) }
}

/// Views extern type `t` as function type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_functype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_functype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view_const(t) }
}
/// Views global type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_as_externtype(
    t: *mut wasm_globaltype_t,
) -> *mut wasm_externtype_t {
    view_as_externtype(t)
}

/// Views global type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_as_externtype_const(
    t: *const wasm_globaltype_t,
) -> *const wasm_externtype_t {
    view_as_externtype_const(t)
}

/// Views extern type `t` as global type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_globaltype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_globaltype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view(t) }
}

/// Views extern type `t` as global type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_globaltype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_globaltype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view_const(t) }
}
/// Views table type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_as_externtype(
    t: *mut wasm_tabletype_t,
) -> *mut wasm_externtype_t {
    view_as_externtype(t)
}

/// Views table type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_as_externtype_const(
    t: *const wasm_tabletype_t,
) -> *const wasm_externtype_t {
    view_as_externtype_const(t)
}

/// Views extern type `t` as table type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_tabletype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view(t) }
}

/// Views extern type `t` as table type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_tabletype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view_const(t) }
}
/// Views memory type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_as_externtype(
    t: *mut wasm_memorytype_t,
) -> *mut wasm_externtype_t {
    view_as_externtype(t)
}

/// Views memory type `t` as an extern type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_as_externtype_const(
    t: *const wasm_memorytype_t,
) -> *const wasm_externtype_t {
    view_as_externtype_const(t)
}

/// Views extern type `t` as memory type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself (deleting
/// either deletes the object).
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_memorytype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_memorytype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view(t) }
}

/// Views extern type `t` as memory type: the same object, not a copy.
///
/// Ownership: no ownership changes; the result is `t` itself.
/// NULL: returns NULL for a NULL `t` or one of another kind.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_as_memorytype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_memorytype_t {
    // SAFETY: `t` is NULL or a live extern type (C contract).
    unsafe { externtype_as_view_const(t) }
}

// ---------------------------------------------------------------------------
// Import and export types

/// A byte vector that deletes itself when dropped and copies deeply.
struct Name(OwnedVec<wasm_name_t>);

impl Name {
    fn from_str(s: &str) -> Name {
        Name(OwnedVec(wasm_name_t::from_vec(s.as_bytes().to_vec())))
    }
}

impl Clone for Name {
    fn clone(&self) -> Name {
        Name(OwnedVec(wasm_name_t::from_vec(
            self.0.0.as_slice().to_vec(),
        )))
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.0.0.as_slice()))
    }
}

/// Takes over an own name: `*n` is moved out and left empty.
///
/// # Safety
/// `n` is a valid own byte vector.
unsafe fn take_name(n: *mut wasm_name_t) -> Name {
    // SAFETY: per the caller's contract; it is replaced by an empty vector,
    // so it is owned once.
    Name(OwnedVec(unsafe { ptr::replace(n, wasm_name_t::empty()) }))
}

/// An import of a module: module name, field name and type (opaque to C).
#[derive(Clone, Debug)]
pub struct wasm_importtype_t {
    module: Name,
    name: Name,
    ty: Box<wasm_externtype_t>,
}

impl wasm_importtype_t {
    /// A new import type object.
    pub fn new(ty: &ImportType) -> Box<Self> {
        Box::new(wasm_importtype_t {
            module: Name::from_str(ty.module()),
            name: Name::from_str(ty.name()),
            ty: wasm_externtype_t::new(ty.ty().clone()),
        })
    }
    /// The module name, as bytes (not NUL-terminated).
    pub fn module(&self) -> &[u8] {
        self.module.0.0.as_slice()
    }
    /// The field name, as bytes (not NUL-terminated).
    pub fn name(&self) -> &[u8] {
        self.name.0.0.as_slice()
    }
    /// The type of the import.
    pub fn externtype(&self) -> &wasm_externtype_t {
        &self.ty
    }
}

/// Deletes import type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_delete(t: *mut wasm_importtype_t) {
    // SAFETY: `t` is NULL or an own import type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of import type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_importtype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_copy(
    t: *const wasm_importtype_t,
) -> *mut wasm_importtype_t {
    // SAFETY: `t` is NULL or a live import type (C contract).
    unsafe { copy_object(t) }
}

/// Creates an import type.
///
/// Ownership: takes over `module`'s and `name`'s contents (the vectors are
/// left empty, `{ 0, NULL }`) and `type`; the result is the caller's, to
/// delete with `wasm_importtype_delete`.
/// NULL: returns NULL if any argument is NULL (the non-NULL ones are still
/// taken over and deleted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    r#type: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: each is NULL or a valid own name (C contract).
        let m = (!module.is_null()).then(|| unsafe { take_name(module) });
        // SAFETY: as above.
        let n = (!name.is_null()).then(|| unsafe { take_name(name) });
        // SAFETY: a non-NULL `type` is an own extern type allocated as a
        // `Box` by this library (C contract), taken over here.
        let t = (!r#type.is_null()).then(|| unsafe { Box::from_raw(r#type) });
        match (m, n, t) {
            (Some(module), Some(name), Some(ty)) => {
                Box::into_raw(Box::new(wasm_importtype_t { module, name, ty }))
            }
            _ => ptr::null_mut(),
        }
    })
}

/// The module name of import type `t`.
///
/// Ownership: the name belongs to `t` (do not delete it) and stays valid as
/// long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live import type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.module.0.0 as *const _)
    })
}

/// The field name of import type `t`.
///
/// Ownership: the name belongs to `t` (do not delete it) and stays valid as
/// long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live import type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.name.0.0 as *const _)
    })
}

/// The type of import type `t`.
///
/// Ownership: the extern type belongs to `t` (do not delete it) and stays
/// valid as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_type(
    t: *const wasm_importtype_t,
) -> *const wasm_externtype_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live import type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &*t.ty as *const _)
    })
}

/// An export of a module: name and type (opaque to C).
#[derive(Clone, Debug)]
pub struct wasm_exporttype_t {
    name: Name,
    ty: Box<wasm_externtype_t>,
}

impl wasm_exporttype_t {
    /// A new export type object.
    pub fn new(ty: &ExportType) -> Box<Self> {
        Box::new(wasm_exporttype_t {
            name: Name::from_str(ty.name()),
            ty: wasm_externtype_t::new(ty.ty().clone()),
        })
    }
    /// The export name, as bytes (not NUL-terminated).
    pub fn name(&self) -> &[u8] {
        self.name.0.0.as_slice()
    }
    /// The type of the export.
    pub fn externtype(&self) -> &wasm_externtype_t {
        &self.ty
    }
}

/// Deletes export type `t`.
///
/// Ownership: takes `t` over; it must be an own object (not one
/// returned by an accessor, which belongs to its parent object).
/// NULL: does nothing for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_delete(t: *mut wasm_exporttype_t) {
    // SAFETY: `t` is NULL or an own export type (C contract).
    unsafe { delete_object(t) }
}

/// A copy of export type `t`.
///
/// Ownership: `t` is borrowed; the copy is the caller's, to delete with
/// `wasm_exporttype_delete`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_copy(
    t: *const wasm_exporttype_t,
) -> *mut wasm_exporttype_t {
    // SAFETY: `t` is NULL or a live export type (C contract).
    unsafe { copy_object(t) }
}

/// Creates an export type.
///
/// Ownership: takes over `name`'s contents (the vector is left empty,
/// `{ 0, NULL }`) and `type`; the result is the caller's, to delete with
/// `wasm_exporttype_delete`.
/// NULL: returns NULL if any argument is NULL (the non-NULL one is still
/// taken over and deleted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    r#type: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: NULL or a valid own name (C contract).
        let n = (!name.is_null()).then(|| unsafe { take_name(name) });
        // SAFETY: a non-NULL `type` is an own extern type allocated as a
        // `Box` by this library (C contract), taken over here.
        let t = (!r#type.is_null()).then(|| unsafe { Box::from_raw(r#type) });
        match (n, t) {
            (Some(name), Some(ty)) => Box::into_raw(Box::new(wasm_exporttype_t { name, ty })),
            _ => ptr::null_mut(),
        }
    })
}

/// The name of export type `t`.
///
/// Ownership: the name belongs to `t` (do not delete it) and stays valid as
/// long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live export type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.name.0.0 as *const _)
    })
}

/// The type of export type `t`.
///
/// Ownership: the extern type belongs to `t` (do not delete it) and stays
/// valid as long as `t`.
/// NULL: returns NULL for a NULL `t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_type(
    t: *const wasm_exporttype_t,
) -> *const wasm_externtype_t {
    guard(ptr::null(), || {
        // SAFETY: `t` is NULL or a live export type (C contract).
        unsafe { t.as_ref() }.map_or(ptr::null(), |t| &*t.ty as *const _)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::vec::{
        wasm_byte_vec_new, wasm_exporttype_vec_copy, wasm_exporttype_vec_delete,
        wasm_exporttype_vec_t, wasm_valtype_vec_delete, wasm_valtype_vec_new,
        wasm_valtype_vec_new_empty,
    };
    use std::mem::MaybeUninit;

    unsafe fn valtypes(kinds: &[wasm_valkind_t]) -> wasm_valtype_vec_t {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        let elems: Vec<_> = kinds
            .iter()
            .map(|&k| unsafe { wasm_valtype_new(k) })
            .collect();
        let mut v = MaybeUninit::uninit();
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            wasm_valtype_vec_new(v.as_mut_ptr(), elems.len(), elems.as_ptr());
            v.assume_init()
        }
    }

    unsafe fn kinds(v: *const wasm_valtype_vec_t) -> Vec<wasm_valkind_t> {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            (*v).as_slice()
                .iter()
                .map(|&t| wasm_valtype_kind(t))
                .collect()
        }
    }

    unsafe fn name(s: &str) -> wasm_name_t {
        let mut v = MaybeUninit::uninit();
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            wasm_byte_vec_new(v.as_mut_ptr(), s.len(), s.as_ptr().cast());
            v.assume_init()
        }
    }

    #[test]
    fn valtype() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            for k in [
                WASM_I32,
                WASM_I64,
                WASM_F32,
                WASM_F64,
                WASM_EXTERNREF,
                WASM_FUNCREF,
                WASI_RT_V128,
            ] {
                let t = wasm_valtype_new(k);
                assert_eq!(wasm_valtype_kind(t), k);
                let c = wasm_valtype_copy(t);
                assert_ne!(c, t);
                assert_eq!(wasm_valtype_kind(c), k);
                wasm_valtype_delete(t);
                wasm_valtype_delete(c);
            }
            assert_eq!((WASM_EXTERNREF, WASM_FUNCREF), (128, 129));
            assert!(wasm_valtype_new(5).is_null());
            assert!(wasm_valtype_new(127).is_null());
            assert_eq!(wasm_valtype_kind(ptr::null()), 0);
            assert!(wasm_valtype_copy(ptr::null()).is_null());
            wasm_valtype_delete(ptr::null_mut());
            assert_eq!(wasm_valtype_t::new(ValType::F32).ty(), ValType::F32);
        }
    }

    #[test]
    fn functype_from_c() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let mut p = valtypes(&[WASM_I32, WASM_F64]);
            let mut r = valtypes(&[WASM_EXTERNREF]);
            let p0 = p.as_slice()[0];
            let f = wasm_functype_new(&mut p, &mut r);
            assert!(!f.is_null());
            assert!(p.is_empty() && r.is_empty(), "the arguments are emptied");
            wasm_valtype_vec_delete(&mut p); // harmless

            let params = wasm_functype_params(f);
            assert_eq!(kinds(params), [WASM_I32, WASM_F64]);
            assert_eq!((*params).as_slice()[0], p0, "the vector was taken over");
            assert_eq!(wasm_functype_params(f), params, "stable");
            assert_eq!(kinds(wasm_functype_results(f)), [WASM_EXTERNREF]);
            assert_eq!(
                (*f).ty(),
                &FuncType::new([ValType::I32, ValType::F64], [ValType::ExternRef])
            );

            let c = wasm_functype_copy(f);
            assert_ne!(c, f);
            wasm_functype_delete(f);
            assert_eq!(kinds(wasm_functype_params(c)), [WASM_I32, WASM_F64]);
            assert_eq!(kinds(wasm_functype_results(c)), [WASM_EXTERNREF]);
            wasm_functype_delete(c);
        }
    }

    #[test]
    fn functype_from_rust_and_failures() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let f = Box::into_raw(wasm_functype_t::new(FuncType::new([ValType::I64], [])));
            let params = wasm_functype_params(f);
            assert_eq!(kinds(params), [WASM_I64]);
            assert_eq!(wasm_functype_params(f), params, "built once, then stable");
            assert!((*wasm_functype_results(f)).is_empty());
            wasm_functype_delete(f);

            // A NULL element or vector: NULL, and the arguments are consumed.
            let mut p = MaybeUninit::uninit();
            crate::capi::vec::wasm_valtype_vec_new_uninitialized(p.as_mut_ptr(), 2);
            let mut p = p.assume_init();
            p.as_mut_slice()[0] = wasm_valtype_new(WASM_I32);
            let mut r = valtypes(&[WASM_I32]);
            assert!(wasm_functype_new(&mut p, &mut r).is_null());
            assert!(p.is_empty() && r.is_empty());
            let mut r = valtypes(&[WASM_I32]);
            assert!(wasm_functype_new(ptr::null_mut(), &mut r).is_null());
            assert!(r.is_empty());
            assert!(wasm_functype_new(ptr::null_mut(), ptr::null_mut()).is_null());

            assert!(wasm_functype_params(ptr::null()).is_null());
            assert!(wasm_functype_results(ptr::null()).is_null());
            assert!(wasm_functype_copy(ptr::null()).is_null());
            wasm_functype_delete(ptr::null_mut());

            let mut e1 = MaybeUninit::uninit();
            let mut e2 = MaybeUninit::uninit();
            wasm_valtype_vec_new_empty(e1.as_mut_ptr());
            wasm_valtype_vec_new_empty(e2.as_mut_ptr());
            let f = wasm_functype_new(e1.as_mut_ptr(), e2.as_mut_ptr());
            assert!((*wasm_functype_params(f)).is_empty());
            wasm_functype_delete(f);
        }
    }

    #[test]
    fn externtype_conversions_are_the_same_object() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let f = Box::into_raw(wasm_functype_t::new(FuncType::new(
                [ValType::I32],
                [ValType::I32],
            )));
            let e = wasm_functype_as_externtype(f);
            assert_eq!(e as usize, f as usize);
            assert_eq!(wasm_functype_as_externtype_const(f) as usize, f as usize);
            assert_eq!(wasm_externtype_kind(e), WASM_EXTERN_FUNC);
            assert_eq!(wasm_externtype_as_functype(e), f);
            assert_eq!(wasm_externtype_as_functype_const(e), f as *const _);
            assert!(wasm_externtype_as_globaltype(e).is_null());
            assert!(wasm_externtype_as_tabletype_const(e).is_null());
            assert!(wasm_externtype_as_memorytype(e).is_null());
            // The view shares the functype's params.
            assert_eq!(
                wasm_functype_params(wasm_externtype_as_functype_const(e)),
                wasm_functype_params(f)
            );
            // A copy through the extern type is still a function type.
            let c = wasm_externtype_copy(e);
            assert_eq!(
                kinds(wasm_functype_params(wasm_externtype_as_functype(c))),
                [WASM_I32]
            );
            wasm_externtype_delete(c);
            // Deleting through the extern view deletes the function type.
            wasm_externtype_delete(e);

            let g = wasm_globaltype_new(wasm_valtype_new(WASM_I64), WASM_VAR);
            let ge = wasm_globaltype_as_externtype(g);
            assert_eq!(ge as usize, g as usize);
            assert_eq!(wasm_externtype_kind(ge), WASM_EXTERN_GLOBAL);
            assert_eq!(wasm_externtype_as_globaltype(ge), g);
            assert!(wasm_externtype_as_functype(ge).is_null());
            wasm_globaltype_delete(g);

            let l = wasm_limits_t { min: 1, max: 2 };
            let m = wasm_memorytype_new(&l);
            let me = wasm_memorytype_as_externtype_const(m);
            assert_eq!(wasm_externtype_kind(me), WASM_EXTERN_MEMORY);
            assert_eq!(wasm_externtype_as_memorytype_const(me), m as *const _);
            wasm_memorytype_delete(m);

            let t = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &l);
            let te = wasm_tabletype_as_externtype(t);
            assert_eq!(wasm_externtype_kind(te), WASM_EXTERN_TABLE);
            assert_eq!(wasm_externtype_as_tabletype(te), t);
            wasm_tabletype_delete(t);

            assert!(wasm_functype_as_externtype(ptr::null_mut()).is_null());
            assert!(wasm_memorytype_as_externtype_const(ptr::null()).is_null());
            assert!(wasm_externtype_as_functype(ptr::null_mut()).is_null());
            assert!(wasm_externtype_as_globaltype_const(ptr::null()).is_null());
            assert_eq!(wasm_externtype_kind(ptr::null()), 0);
            assert!(wasm_externtype_copy(ptr::null()).is_null());
            wasm_externtype_delete(ptr::null_mut());
        }
    }

    #[test]
    fn globaltype() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let g = wasm_globaltype_new(wasm_valtype_new(WASM_F32), WASM_CONST);
            assert_eq!(wasm_valtype_kind(wasm_globaltype_content(g)), WASM_F32);
            assert_eq!(wasm_globaltype_mutability(g), WASM_CONST);
            assert_eq!(*(*g).ty(), GlobalType::new(ValType::F32, Mutability::Const));
            let c = wasm_globaltype_copy(g);
            wasm_globaltype_delete(g);
            assert_eq!(wasm_globaltype_mutability(c), WASM_CONST);
            wasm_globaltype_delete(c);

            let g = Box::into_raw(wasm_globaltype_t::new(GlobalType::new(
                ValType::ExternRef,
                Mutability::Var,
            )));
            assert_eq!(
                wasm_valtype_kind(wasm_globaltype_content(g)),
                WASM_EXTERNREF
            );
            assert_eq!(wasm_globaltype_mutability(g), WASM_VAR);
            wasm_globaltype_delete(g);

            assert!(wasm_globaltype_new(wasm_valtype_new(WASM_I32), 2).is_null());
            assert!(wasm_globaltype_new(ptr::null_mut(), WASM_VAR).is_null());
            assert!(wasm_globaltype_content(ptr::null()).is_null());
            assert_eq!(wasm_globaltype_mutability(ptr::null()), 0);
        }
    }

    #[test]
    fn limits_round_trip() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let l = wasm_limits_t {
                min: 3,
                max: wasm_limits_max_default,
            };
            let m = wasm_memorytype_new(&l);
            assert_eq!(*wasm_memorytype_limits(m), l);
            assert_eq!(*(*m).ty(), MemoryType::new(3, None));
            wasm_memorytype_delete(m);

            let m = Box::into_raw(wasm_memorytype_t::new(MemoryType::new(1, Some(10))));
            assert_eq!(
                *wasm_memorytype_limits(m),
                wasm_limits_t { min: 1, max: 10 }
            );
            let c = wasm_memorytype_copy(m);
            wasm_memorytype_delete(m);
            assert_eq!((*wasm_memorytype_limits(c)).maximum(), Some(10));
            wasm_memorytype_delete(c);

            let l = wasm_limits_t { min: 0, max: 100 };
            let t = wasm_tabletype_new(wasm_valtype_new(WASM_EXTERNREF), &l);
            assert_eq!(*wasm_tabletype_limits(t), l);
            assert_eq!(wasm_valtype_kind(wasm_tabletype_element(t)), WASM_EXTERNREF);
            assert_eq!(*(*t).ty(), TableType::new(ValType::ExternRef, 0, Some(100)));
            wasm_tabletype_delete(t);

            let t = Box::into_raw(wasm_tabletype_t::new(TableType::new(
                ValType::FuncRef,
                5,
                None,
            )));
            assert_eq!(
                *wasm_tabletype_limits(t),
                wasm_limits_t {
                    min: 5,
                    max: 0xffff_ffff
                }
            );
            assert_eq!(wasm_valtype_kind(wasm_tabletype_element(t)), WASM_FUNCREF);
            wasm_tabletype_delete(t);

            assert_eq!(wasm_limits_t::new(2, None).maximum(), None);
            // A non-reference element, NULL element or NULL limits.
            assert!(wasm_tabletype_new(wasm_valtype_new(WASM_I32), &l).is_null());
            assert!(wasm_tabletype_new(ptr::null_mut(), &l).is_null());
            assert!(wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), ptr::null()).is_null());
            assert!(wasm_memorytype_new(ptr::null()).is_null());
            assert!(wasm_tabletype_limits(ptr::null()).is_null());
            assert!(wasm_tabletype_element(ptr::null()).is_null());
            assert!(wasm_memorytype_limits(ptr::null()).is_null());
        }
    }

    #[test]
    fn externtype_from_rust() {
        for ty in [
            ExternType::Func(FuncType::new([ValType::I32], [ValType::F64])),
            ExternType::Global(GlobalType::new(ValType::I64, Mutability::Var)),
            ExternType::Table(TableType::new(ValType::FuncRef, 1, Some(2))),
            ExternType::Memory(MemoryType::new(1, None)),
        ] {
            let e = wasm_externtype_t::new(ty.clone());
            assert_eq!(e.ty(), ty);
            assert_eq!(e.kind(), externkind_of(&ty));
        }
    }

    #[test]
    fn importtype_and_exporttype() {
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let mut m = name("env");
            let mut n = name("f");
            let ft = wasm_functype_new(&mut valtypes(&[WASM_I32]), &mut valtypes(&[]));
            let i = wasm_importtype_new(&mut m, &mut n, wasm_functype_as_externtype(ft));
            assert!(!i.is_null());
            assert!(m.is_empty() && n.is_empty());
            assert_eq!((*wasm_importtype_module(i)).as_slice(), b"env");
            assert_eq!((*wasm_importtype_name(i)).as_slice(), b"f");
            let ty = wasm_importtype_type(i);
            assert_eq!(ty as usize, ft as usize, "the extern type was taken over");
            assert_eq!(
                kinds(wasm_functype_params(wasm_externtype_as_functype_const(ty))),
                [WASM_I32]
            );
            let c = wasm_importtype_copy(i);
            wasm_importtype_delete(i);
            assert_eq!((*wasm_importtype_module(c)).as_slice(), b"env");
            assert_eq!(
                wasm_externtype_kind(wasm_importtype_type(c)),
                WASM_EXTERN_FUNC
            );
            wasm_importtype_delete(c);

            let mut n = name("mem");
            let l = wasm_limits_t {
                min: 1,
                max: wasm_limits_max_default,
            };
            let mt = wasm_memorytype_new(&l);
            let x = wasm_exporttype_new(&mut n, wasm_memorytype_as_externtype(mt));
            assert_eq!((*wasm_exporttype_name(x)).as_slice(), b"mem");
            assert_eq!(
                wasm_externtype_kind(wasm_exporttype_type(x)),
                WASM_EXTERN_MEMORY
            );

            // Vectors of them copy deeply.
            let v = wasm_exporttype_vec_t::from_boxes(vec![Box::from_raw(x)]);
            let mut c = MaybeUninit::uninit();
            wasm_exporttype_vec_copy(c.as_mut_ptr(), &v);
            let mut c = c.assume_init();
            let mut v = v;
            wasm_exporttype_vec_delete(&mut v);
            assert_eq!((*wasm_exporttype_name(c.as_slice()[0])).as_slice(), b"mem");
            wasm_exporttype_vec_delete(&mut c);

            // NULL arguments: NULL, others consumed.
            let mut n = name("x");
            assert!(wasm_importtype_new(ptr::null_mut(), &mut n, ptr::null_mut()).is_null());
            assert!(n.is_empty());
            let mt = wasm_memorytype_new(&l);
            assert!(
                wasm_exporttype_new(ptr::null_mut(), wasm_memorytype_as_externtype(mt)).is_null()
            );
            assert!(wasm_importtype_module(ptr::null()).is_null());
            assert!(wasm_importtype_name(ptr::null()).is_null());
            assert!(wasm_importtype_type(ptr::null()).is_null());
            assert!(wasm_exporttype_name(ptr::null()).is_null());
            assert!(wasm_exporttype_type(ptr::null()).is_null());
            assert!(wasm_importtype_copy(ptr::null()).is_null());
            wasm_importtype_delete(ptr::null_mut());
            wasm_exporttype_delete(ptr::null_mut());
        }
    }

    #[test]
    fn import_export_from_rust() {
        let imp = ImportType {
            module: "wasi".into(),
            name: "fd_write".into(),
            ty: ExternType::Global(GlobalType::new(ValType::I32, Mutability::Const)),
        };
        let i = wasm_importtype_t::new(&imp);
        assert_eq!(i.module(), b"wasi");
        assert_eq!(i.name(), b"fd_write");
        assert_eq!(i.externtype().ty(), imp.ty);
        let exp = ExportType {
            name: "memory".into(),
            ty: ExternType::Memory(MemoryType::new(2, Some(3))),
        };
        let e = wasm_exporttype_t::new(&exp);
        assert_eq!(e.name(), b"memory");
        assert_eq!(e.externtype().ty(), exp.ty);
        // SAFETY: the test calls the C API as C would, with valid (or NULL) pointers to live objects.
        unsafe {
            let lim = wasm_memorytype_limits(wasm_externtype_as_memorytype_const(
                wasm_exporttype_type(&*e),
            ));
            assert_eq!(*lim, wasm_limits_t { min: 2, max: 3 });
        }
    }

    #[test]
    fn types_are_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<wasm_functype_t>();
        check::<wasm_externtype_t>();
        check::<wasm_importtype_t>();
        check::<wasm_exporttype_t>();
    }
}
