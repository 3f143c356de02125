//! `wasm_val_t`: a tagged value, and its conversion to and from `Val`.

use super::object::{Kind, Object, RefView, StoreCell, obj};
use super::refs::wasm_ref_t;
use super::types::{
    WASI_RT_V128, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64,
    wasm_valkind_t,
};
use crate::Val;
use std::rc::Rc;

/// The payload of a `wasm_val_t`, selected by its kind.
///
/// cbindgen:field-names=[i32, i64, f32, f64, ref]
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    /// For reference kinds: NULL (null reference) or an own `wasm_ref_t`.
    pub ref_: *mut wasm_ref_t,
}

/// A value: `kind` is one of the `WASM_I32`... constants.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    pub kind: wasm_valkind_t,
    pub of: wasm_val_union,
}

impl wasm_val_t {
    /// The value a C caller gave, or `None` for an unknown kind or a
    /// reference from another store.
    pub(crate) fn to_val(self, store: &Rc<StoreCell>) -> Option<Val> {
        // SAFETY: the union field read matches `kind`.
        unsafe {
            Some(match self.kind {
                WASM_I32 => Val::I32(self.of.i32),
                WASM_I64 => Val::I64(self.of.i64),
                WASM_F32 => Val::F32(self.of.f32.to_bits()),
                WASM_F64 => Val::F64(self.of.f64.to_bits()),
                WASM_FUNCREF | WASM_EXTERNREF | super::types::WASI_RT_ANYREF => {
                    let Some(o) = obj(self.of.ref_) else {
                        return Some(match self.kind {
                            WASM_FUNCREF => Val::FuncRef(None),
                            WASM_EXTERNREF => Val::ExternRef(None),
                            _ => Val::AnyRef(None),
                        });
                    };
                    if o.store.as_ref().is_some_and(|s| !Rc::ptr_eq(s, store)) {
                        return None;
                    }
                    match &o.kind {
                        Kind::Func(f) => Val::FuncRef(Some(*f)),
                        Kind::Foreign(e) => Val::ExternRef(Some(*e)),
                        Kind::Any(a) => Val::AnyRef(Some(*a)),
                        _ => return None,
                    }
                }
                _ => return None,
            })
        }
    }

    /// A C value for `v`; references become new own `wasm_ref_t`s.
    pub(crate) fn from_val(v: Val, store: &Rc<StoreCell>) -> wasm_val_t {
        let (kind, of) = match v {
            Val::I32(x) => (WASM_I32, wasm_val_union { i32: x }),
            Val::I64(x) => (WASM_I64, wasm_val_union { i64: x }),
            Val::F32(x) => (
                WASM_F32,
                wasm_val_union {
                    f32: f32::from_bits(x),
                },
            ),
            Val::F64(x) => (
                WASM_F64,
                wasm_val_union {
                    f64: f64::from_bits(x),
                },
            ),
            // The payload has 8 bytes: a v128 (only ever read from a
            // global) keeps its low 64 bits; calls refuse v128 outright.
            Val::V128(x) => (WASI_RT_V128, wasm_val_union { i64: x as i64 }),
            Val::FuncRef(f) => (
                WASM_FUNCREF,
                wasm_val_union {
                    ref_: f.map_or(std::ptr::null_mut(), |f| {
                        wasm_ref_t::boxed(Object::new(Some(store.clone()), Kind::Func(f)))
                    }),
                },
            ),
            // Exceptions never cross wasm_val_t (see WASI_RT_EXNREF).
            Val::ExnRef(_) => (
                super::types::WASI_RT_EXNREF,
                wasm_val_union {
                    ref_: std::ptr::null_mut(),
                },
            ),
            Val::AnyRef(a) => (
                super::types::WASI_RT_ANYREF,
                wasm_val_union {
                    ref_: a.map_or(std::ptr::null_mut(), |a| {
                        wasm_ref_t::boxed(Object::new(Some(store.clone()), Kind::Any(a)))
                    }),
                },
            ),
            Val::ExternRef(e) => (
                WASM_EXTERNREF,
                wasm_val_union {
                    ref_: e.map_or(std::ptr::null_mut(), |e| {
                        wasm_ref_t::boxed(Object::new(Some(store.clone()), Kind::Foreign(e)))
                    }),
                },
            ),
        };
        wasm_val_t { kind, of }
    }

    fn is_ref(&self) -> bool {
        self.kind == WASM_FUNCREF
            || self.kind == WASM_EXTERNREF
            || self.kind == super::types::WASI_RT_ANYREF
    }
}

/// Deletes what a value owns (its reference, if any); the `wasm_val_t`
/// itself is the caller's storage. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    // SAFETY: NULL or a live value owned by the caller.
    if let Some(v) = unsafe { v.as_mut() }
        && v.is_ref()
    {
        {
            // SAFETY: a reference value owns its ref (or holds NULL).
            unsafe { super::refs::wasm_ref_delete(v.of.ref_) };
            v.of.ref_ = std::ptr::null_mut();
        }
    }
}

/// Copies `src` into `out` (own: delete `out` with `wasm_val_delete`);
/// references are copied. Does nothing when either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, src: *const wasm_val_t) {
    // SAFETY: NULL or live values.
    let (Some(out), Some(src)) = (unsafe { out.as_mut() }, unsafe { src.as_ref() }) else {
        return;
    };
    *out = *src;
    if src.is_ref() {
        // SAFETY: a reference value holds NULL or a live ref.
        out.of.ref_ = unsafe { super::refs::wasm_ref_copy(src.of.ref_) };
    }
}
