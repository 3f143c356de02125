//! `AnyRef`: the host's handle to a value of the `any` hierarchy (a struct,
//! an array, an `i31`, or a host value converted with `any.convert_extern`).
//!
//! A handle to an object keeps it alive: it is an entry of its store's
//! root table until [`AnyRef::unroot`] (or the end of the
//! [`Store::gc_scope`] it was made in). An `i31` needs no root.

use super::layout::{self, ARRAY_DATA};
use crate::error::{Error, Result};
use crate::runtime::store::{Store, StoreInner};
use crate::runtime::val::Val;
use crate::types::{ArrayType, CompositeType, HeapType, StorageType, StructType, TypeIndex};

/// Marks a handle that carries an `i31` itself (no root slot).
const UNBOXED: u32 = u32::MAX;

/// A handle to a value of the `any` hierarchy in one store. Cheap to copy;
/// every copy names the same root, so unrooting one invalidates all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AnyRef {
    pub(crate) store_id: u64,
    slot: u32,
    /// The root's generation, or for an `i31` its raw encoding.
    generation: u32,
}

impl AnyRef {
    /// An `i31` holding the low 31 bits of `value` (no allocation, no
    /// root).
    pub fn from_i31(store: &Store, value: i32) -> AnyRef {
        AnyRef {
            store_id: store.inner.id,
            slot: UNBOXED,
            generation: ((value as u32) << 1) | 1,
        }
    }

    /// The handle for raw reference `raw` (`None` for null), rooted while
    /// the handle is in use.
    pub(crate) fn from_raw(store: &StoreInner, raw: u32) -> Option<AnyRef> {
        if raw == 0 {
            return None;
        }
        if layout::is_i31(raw) {
            return Some(AnyRef {
                store_id: store.id,
                slot: UNBOXED,
                generation: raw,
            });
        }
        let (slot, generation) = store.gc_roots.borrow_mut().add(raw);
        Some(AnyRef {
            store_id: store.id,
            slot,
            generation,
        })
    }

    /// A new handle (with a root of its own) to the same value; `None`
    /// when this one was unrooted.
    pub(crate) fn reroot(&self, store: &StoreInner) -> Option<AnyRef> {
        AnyRef::from_raw(store, self.raw(store)?)
    }

    /// A new handle with a root of its own, which stays when this one is
    /// unrooted: what a host function keeps of a reference parameter
    /// (parameters are rooted only until it returns). `None` when this
    /// handle was unrooted.
    pub fn to_owned_root(&self, store: &Store) -> Option<AnyRef> {
        self.reroot(&store.inner)
    }

    /// A handle whose root lasts only until the host call in progress
    /// ends (see `RootTable::add_temporary`); `None` for null.
    pub(crate) fn from_raw_temporary(store: &StoreInner, raw: u32) -> Option<AnyRef> {
        if raw == 0 || layout::is_i31(raw) {
            return AnyRef::from_raw(store, raw);
        }
        let (slot, generation) = store.gc_roots.borrow_mut().add_temporary(raw);
        Some(AnyRef {
            store_id: store.id,
            slot,
            generation,
        })
    }

    /// The raw reference, or `None` when the handle was unrooted.
    pub(crate) fn raw(&self, store: &StoreInner) -> Option<u32> {
        if self.store_id != store.id {
            return None;
        }
        if self.slot == UNBOXED {
            return Some(self.generation);
        }
        store.gc_roots.borrow().get(self.slot, self.generation)
    }

    fn live_raw(&self, store: &StoreInner) -> Result<u32> {
        self.raw(store)
            .ok_or_else(|| Error::ty("the reference was unrooted or belongs to another store"))
    }

    /// Lets the collector free the value once nothing else holds it; every
    /// copy of this handle becomes invalid. False when it already was
    /// (or for an `i31`, which needs no root).
    pub fn unroot(self, store: &mut Store) -> bool {
        self.store_id == store.inner.id
            && self.slot != UNBOXED
            && store.inner.gc_roots.borrow_mut().remove(self.slot, self.generation)
    }

    /// Whether the handle still refers to a value (it was not unrooted).
    pub fn is_rooted(&self, store: &Store) -> bool {
        self.raw(&store.inner).is_some()
    }

    /// `e` as an internal value (what `any.convert_extern` does): host
    /// data keeps its identity, and a converted internal value comes back
    /// as itself. `None` when `e` was unrooted.
    pub fn from_extern(store: &Store, e: crate::ExternRef) -> Option<AnyRef> {
        let raw = e.to_raw(&store.inner);
        AnyRef::from_raw(&store.inner, raw as u32)
    }

    /// The host data, when this is a host value converted with
    /// `any.convert_extern`.
    pub fn host_data<'a>(&self, store: &'a Store) -> Option<&'a (dyn std::any::Any + Send + Sync)> {
        let raw = self.raw(&store.inner)?;
        layout::is_host(raw).then(|| {
            let i = (raw >> 2) as usize - 1;
            &*store.inner.externs[i]
        })
    }

    /// The `i31`'s value sign-extended from 31 bits, if this is an `i31`.
    pub fn i31_s(&self, store: &Store) -> Option<i32> {
        let raw = self.raw(&store.inner)?;
        layout::is_i31(raw).then_some((raw as i32) >> 1)
    }

    /// The `i31`'s value zero-extended from 31 bits, if this is an `i31`.
    pub fn i31_u(&self, store: &Store) -> Option<u32> {
        let raw = self.raw(&store.inner)?;
        layout::is_i31(raw).then_some(raw >> 1)
    }

    /// The object's header: (canonical type, is array); `None` for an
    /// `i31`, a host value or an unrooted handle.
    fn header(&self, store: &StoreInner) -> Option<(u32, bool)> {
        let raw = self.raw(store)?;
        store.gc.as_ref()?.header(raw)
    }

    /// Whether this is a struct.
    pub fn is_struct(&self, store: &Store) -> bool {
        self.header(&store.inner).is_some_and(|(_, a)| !a)
    }

    /// Whether this is an array.
    pub fn is_array(&self, store: &Store) -> bool {
        self.header(&store.inner).is_some_and(|(_, a)| a)
    }

    /// The most precise heap type of the value: a concrete struct or array
    /// type, `i31`, or `any` for a converted host value.
    pub fn ty(&self, store: &Store) -> Result<HeapType> {
        let raw = self.live_raw(&store.inner)?;
        if layout::is_i31(raw) {
            return Ok(HeapType::I31);
        }
        Ok(match self.header(&store.inner) {
            Some((t, false)) => HeapType::ConcreteStruct(TypeIndex(t)),
            Some((t, true)) => HeapType::ConcreteArray(TypeIndex(t)),
            None => HeapType::Any,
        })
    }

    /// Whether the value belongs to heap type `ty` (declared subtyping
    /// included).
    pub fn matches(&self, store: &Store, ty: HeapType) -> bool {
        self.matches_inner(&store.inner, ty)
    }

    pub(crate) fn matches_inner(&self, store: &StoreInner, ty: HeapType) -> bool {
        let Some(raw) = self.raw(store) else {
            return false;
        };
        let header = store.gc.as_ref().and_then(|h| h.header(raw));
        match ty {
            HeapType::Any => true,
            HeapType::Eq => layout::is_i31(raw) || header.is_some(),
            HeapType::I31 => layout::is_i31(raw),
            HeapType::Struct => header.is_some_and(|(_, a)| !a),
            HeapType::Array => header.is_some_and(|(_, a)| a),
            HeapType::ConcreteStruct(t) | HeapType::ConcreteArray(t) => {
                header.is_some_and(|(have, a)| {
                    a == matches!(ty, HeapType::ConcreteArray(_))
                        && store.engine.types().is_subtype(have, t.0)
                })
            }
            _ => false,
        }
    }

    /// A new struct of type `ty` (a struct type registered with the
    /// store's engine, for example by [`crate::Engine::register_struct`]) with
    /// `fields` in order.
    pub fn new_struct(store: &mut Store, ty: TypeIndex, fields: &[Val]) -> Result<AnyRef> {
        let st = struct_type(&store.inner, ty)?;
        if st.fields().len() != fields.len() {
            return Err(Error::ty(format!(
                "a struct of {} fields cannot be made from {} values",
                st.fields().len(),
                fields.len()
            )));
        }
        for (i, (f, v)) in st.fields().iter().zip(fields).enumerate() {
            check_storage(&store.inner, f.storage, v, i)?;
        }
        let layout = layout::struct_layout(&st);
        let raw = allocate(store, ty.0, layout.size, None)?;
        let handle = AnyRef::from_raw(&store.inner, raw).expect("objects are not null");
        for ((f, off), v) in st.fields().iter().zip(&layout.offsets).zip(fields) {
            write(&store.inner, raw, *off, f.storage, v);
        }
        Ok(handle)
    }

    /// A new array of type `ty` with `len` copies of `init`.
    pub fn new_array(store: &mut Store, ty: TypeIndex, init: &Val, len: u32) -> Result<AnyRef> {
        let at = array_type(&store.inner, ty)?;
        check_storage(&store.inner, at.element.storage, init, 0)?;
        let es = layout::storage_size(at.element.storage);
        let size = layout::array_size(es, len)
            .ok_or_else(|| Error::limit(format!("an array of {len} elements is too large")))?;
        let raw = allocate(store, ty.0, size, Some(len))?;
        let handle = AnyRef::from_raw(&store.inner, raw).expect("objects are not null");
        for i in 0..len {
            write(&store.inner, raw, ARRAY_DATA + i * es, at.element.storage, init);
        }
        Ok(handle)
    }

    /// Field `index` of this struct (an `i8` or `i16` field reads as an
    /// `i32`, zero-extended).
    pub fn field(&self, store: &Store, index: u32) -> Result<Val> {
        let (raw, st) = self.as_struct(&store.inner)?;
        let f = *st
            .fields()
            .get(index as usize)
            .ok_or_else(|| Error::ty(format!("the struct has no field {index}")))?;
        let off = layout::struct_layout(&st).offsets[index as usize];
        Ok(read(&store.inner, raw, off, f.storage))
    }

    /// Sets field `index` of this struct (it must be mutable).
    pub fn set_field(&self, store: &mut Store, index: u32, val: Val) -> Result<()> {
        let (raw, st) = self.as_struct(&store.inner)?;
        let f = *st
            .fields()
            .get(index as usize)
            .ok_or_else(|| Error::ty(format!("the struct has no field {index}")))?;
        if !f.mutable {
            return Err(Error::ty(format!("field {index} is immutable")));
        }
        check_storage(&store.inner, f.storage, &val, index as usize)?;
        let off = layout::struct_layout(&st).offsets[index as usize];
        write(&store.inner, raw, off, f.storage, &val);
        Ok(())
    }

    /// The number of elements of this array.
    pub fn array_len(&self, store: &Store) -> Result<u32> {
        let (raw, _) = self.as_array(&store.inner)?;
        store
            .inner
            .gc
            .as_ref()
            .and_then(|h| h.array_len(raw))
            .ok_or_else(|| Error::ty("not an array"))
    }

    /// Element `index` of this array.
    pub fn array_get(&self, store: &Store, index: u32) -> Result<Val> {
        let (raw, at) = self.as_array(&store.inner)?;
        let len = self.array_len(store)?;
        if index >= len {
            return Err(Error::ty(format!("index {index} is beyond the array's {len} elements")));
        }
        let es = layout::storage_size(at.element.storage);
        Ok(read(&store.inner, raw, ARRAY_DATA + index * es, at.element.storage))
    }

    /// Sets element `index` of this array (its elements must be mutable).
    pub fn array_set(&self, store: &mut Store, index: u32, val: Val) -> Result<()> {
        let (raw, at) = self.as_array(&store.inner)?;
        if !at.element.mutable {
            return Err(Error::ty("the array's elements are immutable"));
        }
        let len = self.array_len(store)?;
        if index >= len {
            return Err(Error::ty(format!("index {index} is beyond the array's {len} elements")));
        }
        check_storage(&store.inner, at.element.storage, &val, index as usize)?;
        let es = layout::storage_size(at.element.storage);
        write(&store.inner, raw, ARRAY_DATA + index * es, at.element.storage, &val);
        Ok(())
    }

    fn as_struct(&self, store: &StoreInner) -> Result<(u32, StructType)> {
        let raw = self.live_raw(store)?;
        match self.header(store) {
            Some((t, false)) => Ok((raw, struct_type(store, TypeIndex(t))?)),
            _ => Err(Error::ty("not a struct")),
        }
    }

    fn as_array(&self, store: &StoreInner) -> Result<(u32, ArrayType)> {
        let raw = self.live_raw(store)?;
        match self.header(store) {
            Some((t, true)) => Ok((raw, array_type(store, TypeIndex(t))?)),
            _ => Err(Error::ty("not an array")),
        }
    }
}

fn struct_type(store: &StoreInner, ty: TypeIndex) -> Result<StructType> {
    match store.engine.types().get(ty.0).map(|t| &t.composite) {
        Some(CompositeType::Struct(s)) => Ok(s.clone()),
        _ => Err(Error::ty(format!("{ty} is not a struct type of this engine"))),
    }
}

fn array_type(store: &StoreInner, ty: TypeIndex) -> Result<ArrayType> {
    match store.engine.types().get(ty.0).map(|t| &t.composite) {
        Some(CompositeType::Array(a)) => Ok(*a),
        _ => Err(Error::ty(format!("{ty} is not an array type of this engine"))),
    }
}

/// Checks that `v` fits storage type `s` (packed types take `i32`s).
fn check_storage(store: &StoreInner, s: StorageType, v: &Val, i: usize) -> Result<()> {
    let ok = match s {
        StorageType::I8 | StorageType::I16 => matches!(v, Val::I32(_)),
        StorageType::Val(t) => v.belongs_to(store) && v.matches(t, store),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::ty(format!("value {i} ({:?}) does not fit a field of type {s}", v.ty())))
    }
}

/// Allocates from the host: no Wasm frame is stopped anywhere but at an
/// exit on the list, so collecting is safe.
fn allocate(store: &mut Store, ty: u32, size: u32, len: Option<u32>) -> Result<u32> {
    // SAFETY: the host holds the store mutably: any Wasm frames of it
    // are stopped in host calls whose exits are on the list.
    match unsafe { store.inner.gc_alloc(ty, size, len, true) }? {
        Some(r) => Ok(r),
        None => Err(Error::limit("the store's GC heap is full")),
    }
}

fn field_ptr(store: &StoreInner, raw: u32, off: u32, len: u32) -> *mut u8 {
    store
        .gc
        .as_ref()
        .and_then(|h| h.field_ptr(raw, off, len))
        .expect("a field inside a live object")
}

fn read(store: &StoreInner, raw: u32, off: u32, s: StorageType) -> Val {
    let size = layout::storage_size(s);
    let p = field_ptr(store, raw, off, size);
    // SAFETY: `p` points at `size` bytes of a live object.
    unsafe {
        match s {
            StorageType::I8 => Val::I32(i32::from(p.read())),
            StorageType::I16 => Val::I32(i32::from((p as *const u16).read_unaligned())),
            StorageType::Val(t) => {
                let bits: u128 = match size {
                    4 => u128::from((p as *const u32).read_unaligned()),
                    8 => u128::from((p as *const u64).read_unaligned()),
                    _ => (p as *const u128).read_unaligned(),
                };
                Val::from_raw(bits, t, store)
            }
        }
    }
}

fn write(store: &StoreInner, raw: u32, off: u32, s: StorageType, v: &Val) {
    let size = layout::storage_size(s);
    let p = field_ptr(store, raw, off, size);
    let bits = match (s, v) {
        (StorageType::I8 | StorageType::I16, Val::I32(x)) => *x as u32 as u128,
        _ => v.to_raw(store),
    };
    // SAFETY: `p` points at `size` bytes of a live object.
    unsafe {
        match size {
            1 => p.write(bits as u8),
            2 => (p as *mut u16).write_unaligned(bits as u16),
            4 => (p as *mut u32).write_unaligned(bits as u32),
            8 => (p as *mut u64).write_unaligned(bits as u64),
            _ => (p as *mut u128).write_unaligned(bits),
        }
    }
}
