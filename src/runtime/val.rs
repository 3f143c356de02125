//! Values passed between the host and Wasm, and their raw slot encoding.

use super::func::Func;
use super::store::{ExternRef, StoreInner};
use super::vmctx::VMFuncRef;
use crate::types::ValType;

/// A WebAssembly value. Floats are carried as their bits so NaN payloads
/// survive unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// Bits of an `f32`.
    F32(u32),
    /// Bits of an `f64`.
    F64(u64),
    /// The 16 bytes of a `v128`, little-endian (lane 0 in the low bits).
    V128(u128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
    /// An exception (exception handling's `exnref`).
    ExnRef(Option<crate::ExnRef>),
    /// A value of the `any` hierarchy (GC): a struct, an array, an `i31`.
    AnyRef(Option<crate::AnyRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
            Val::ExnRef(_) => ValType::ExnRef,
            Val::AnyRef(_) => ValType::AnyRef,
        }
    }
    /// Whether this value may stand where a value of type `ty` is
    /// expected: numbers of that type; null for a nullable reference type of
    /// its kind; a function whose type matches a typed function reference.
    pub(crate) fn matches(&self, ty: ValType, store: &StoreInner) -> bool {
        use crate::types::HeapType;
        match (self, ty) {
            (Val::FuncRef(f), ValType::Ref(r)) if r.heap.is_func() => match f {
                None => r.nullable,
                Some(f) => match r.heap {
                    HeapType::Func => true,
                    HeapType::ConcreteFunc(t) => {
                        f.store_id == store.id
                            && store
                                .engine
                                .types()
                                .is_subtype(store.funcs[f.index as usize].funcref.type_id, t.0)
                    }
                    _ => false,
                },
            },
            (Val::ExternRef(e), ValType::Ref(r)) if r.heap.top() == HeapType::Extern => match e {
                None => r.nullable,
                Some(_) => r.heap == HeapType::Extern,
            },
            (Val::AnyRef(a), ValType::Ref(r)) if r.heap.top() == HeapType::Any => match a {
                None => r.nullable,
                Some(a) => a.matches_inner(store, r.heap),
            },
            (Val::ExnRef(e), ValType::Ref(r)) if r.heap.top() == HeapType::Exn => match e {
                None => r.nullable,
                Some(_) => r.heap == HeapType::Exn,
            },
            (v, t) => v.ty() == t,
        }
    }

    /// The zero (or null) value of a type (null also for non-nullable
    /// references, which have no default).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::V128 => Val::V128(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::Ref(r) if r.heap.is_func() => Val::FuncRef(None),
            ValType::Ref(r) if r.heap.top() == crate::types::HeapType::Exn => Val::ExnRef(None),
            ValType::Ref(r) if r.heap.top() == crate::types::HeapType::Any => Val::AnyRef(None),
            ValType::Ref(_) => Val::ExternRef(None),
        }
    }
    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self {
            Some(f32::from_bits(*v))
        } else {
            None
        }
    }
    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self {
            Some(f64::from_bits(*v))
        } else {
            None
        }
    }

    /// The `v128`, if this is one.
    pub fn v128(&self) -> Option<u128> {
        if let Val::V128(v) = self {
            Some(*v)
        } else {
            None
        }
    }

    /// Encodes the value into a 16-byte slot.
    pub(crate) fn to_raw(self, store: &StoreInner) -> u128 {
        match self {
            Val::I32(v) => v as u32 as u128,
            Val::I64(v) => v as u64 as u128,
            Val::F32(v) => v as u128,
            Val::F64(v) => v as u128,
            Val::V128(v) => v,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None) => 0,
            Val::AnyRef(Some(a)) => a.raw(store).map_or(0, u128::from),
            Val::ExnRef(Some(e)) => e.to_raw(store) as u128,
            Val::FuncRef(Some(f)) => {
                &*store.funcs[f.index as usize].funcref as *const VMFuncRef as usize as u128
            }
            Val::ExternRef(Some(e)) => e.to_raw(store) as u128,
        }
    }

    /// As `from_raw`, but a GC reference's root lasts only until the host
    /// call in progress ends (the parameters a host function gets).
    pub(crate) fn from_raw_temporary(raw: u128, ty: ValType, store: &StoreInner) -> Val {
        use crate::types::HeapType;
        match ty {
            ValType::Ref(r) if r.heap.top() == HeapType::Any => {
                Val::AnyRef(crate::AnyRef::from_raw_temporary(store, raw as u32))
            }
            ValType::Ref(r) if r.heap.top() == HeapType::Extern => {
                if raw == 0 || super::gc::layout::is_host(raw as u32) {
                    Val::from_raw(raw, ty, store)
                } else {
                    Val::ExternRef(
                        crate::AnyRef::from_raw_temporary(store, raw as u32).map(ExternRef::from_any),
                    )
                }
            }
            _ => Val::from_raw(raw, ty, store),
        }
    }

    /// This value with any GC reference in it given a root of its own
    /// that lasts until the host call in progress ends.
    pub(crate) fn rooted_temporarily(self, store: &StoreInner) -> Val {
        match self {
            Val::AnyRef(Some(a)) => match a.raw(store) {
                Some(raw) => Val::AnyRef(crate::AnyRef::from_raw_temporary(store, raw)),
                None => self,
            },
            Val::ExternRef(Some(e)) if e.as_any().is_some() => {
                Val::from_raw_temporary(u128::from(e.to_raw(store)), ValType::ExternRef, store)
            }
            v => v,
        }
    }

    /// Decodes a slot holding a value of type `ty`.
    pub(crate) fn from_raw(raw: u128, ty: ValType, store: &StoreInner) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::V128 => Val::V128(raw),
            ValType::I64 => Val::I64(raw as u64 as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw as u64),
            ValType::Ref(r) if r.heap.is_func() => {
                Val::FuncRef(Func::from_raw(store, raw as u64))
            }
            ValType::Ref(r) if r.heap.top() == crate::types::HeapType::Exn => {
                Val::ExnRef(crate::ExnRef::from_raw(store, raw as u64))
            }
            ValType::Ref(r) if r.heap.top() == crate::types::HeapType::Any => {
                Val::AnyRef(crate::AnyRef::from_raw(store, raw as u32))
            }
            ValType::Ref(_) => Val::ExternRef(ExternRef::from_raw(store, raw as u64)),
        }
    }

    /// Whether this value may be used with `store` (references belong to one store).
    pub(crate) fn belongs_to(&self, store: &StoreInner) -> bool {
        match self {
            Val::FuncRef(Some(f)) => f.store_id == store.id,
            Val::ExternRef(Some(e)) => {
                e.store_id == store.id && e.as_any().is_none_or(|a| a.raw(store).is_some())
            }
            Val::ExnRef(Some(e)) => e.store_id == store.id,
            Val::AnyRef(Some(a)) => a.raw(store).is_some(),
            _ => true,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
