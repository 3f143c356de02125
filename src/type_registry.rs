//! The engine-wide registry of defined types (Wasm 3.0 type canonicalization).
//!
//! Types are registered a recursion group at a time. Two groups are the
//! same type when they are structurally equal once references to types
//! inside the group are written as positions in the group and references
//! to types outside it as their canonical indices (iso-recursive
//! equivalence). Every type of a group gets an engine-wide index; equal
//! groups get the same indices, in any module of the engine.
//!
//! Each type also keeps its supertype chain as a *display*: the indices of
//! its supertypes from the root of the chain down to itself. `a` is a
//! subtype of `b` exactly when `a`'s display holds `b` at `b`'s depth, so
//! a subtype check is one comparison, never a walk.

use crate::types::{
    ArrayType, CompositeType, FieldType, FuncType, HeapType, RefType, StorageType, StructType,
    TypeIndex, ValType,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Marks a type index, in a group's key, as a position inside the group.
const IN_GROUP: u32 = 1 << 31;

/// The most distinct types one engine registers (compiled code's display
/// table is sized by it: 8 bytes of address space per type, 32 MiB in
/// all, of which only the pages in use take memory). Types live as long
/// as their engine: a host that loads modules with ever new types for
/// ever needs a new engine now and then.
pub const MAX_TYPES: u32 = 1 << 22;

/// One type of a recursion group as the module declares it. Its type
/// indices are canonical engine indices, or `in_group(i)` for the `i`th
/// type of the same group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubType {
    pub composite: CompositeType,
    pub supertype: Option<u32>,
    pub is_final: bool,
}

/// The index standing, in a group's key, for its `i`th type.
pub fn in_group(i: u32) -> u32 {
    IN_GROUP | i
}

/// A registered type.
#[derive(Debug)]
pub struct Registered {
    /// What the type describes, with canonical indices.
    pub composite: CompositeType,
    /// Its declared supertype.
    pub supertype: Option<u32>,
    /// Declared `final` (no subtype may name it).
    pub is_final: bool,
    /// The supertype chain from its root down to this type.
    pub display: Arc<[u32]>,
}

impl Registered {
    /// How many supertypes are above the type.
    pub fn depth(&self) -> usize {
        self.display.len() - 1
    }
}

/// Every type an engine has seen, by canonical index.
#[derive(Default)]
pub struct TypeRegistry {
    groups: HashMap<Vec<SubType>, u32>,
    types: Vec<Registered>,
    displays: DisplayTable,
}

/// What compiled code reads for a subtype check: for each canonical
/// index, the address of a record `[n, display[0], ..., display[n - 1]]`
/// (`u32`s; `n` = depth + 1). The table has room for `MAX_TYPES` entries
/// from the start (zeroed memory: pages appear as types are registered),
/// so its address never changes; records are owned by the registry and
/// never move or change.
pub struct DisplayTable {
    entries: Box<[std::sync::atomic::AtomicUsize]>,
    records: Vec<Box<[u32]>>,
}

impl Default for DisplayTable {
    fn default() -> DisplayTable {
        DisplayTable {
            // SAFETY: all-zero bytes are a valid `AtomicUsize` (0); zeroed
            // memory is mapped lazily, so untouched entries cost nothing.
            entries: unsafe { Box::new_zeroed_slice(MAX_TYPES as usize).assume_init() },
            records: Vec::new(),
        }
    }
}

impl DisplayTable {
    fn set(&mut self, id: u32, display: &[u32]) {
        let mut record = Vec::with_capacity(display.len() + 1);
        record.push(display.len() as u32);
        record.extend_from_slice(display);
        let record = record.into_boxed_slice();
        // The record's heap data stays where it is while `records` owns it.
        if let Some(e) = self.entries.get(id as usize) {
            e.store(record.as_ptr() as usize, std::sync::atomic::Ordering::Release);
        }
        self.records.push(record);
    }
}

/// Why a group could not be registered.
#[derive(Debug)]
pub struct TooManyTypes;

impl TypeRegistry {
    /// Registers a recursion group (its types with indices as described at
    /// [`SubType`]) and returns the canonical index of its first type; the
    /// others follow in order. A group equal to one registered before gets
    /// the same indices. A supertype must come before the type naming it.
    pub fn register(&mut self, group: Vec<SubType>) -> Result<u32, TooManyTypes> {
        if let Some(first) = self.groups.get(&group) {
            return Ok(*first);
        }
        let first = self.types.len() as u32;
        if first as u64 + group.len() as u64 > MAX_TYPES as u64 {
            return Err(TooManyTypes);
        }
        let resolve = |i: u32| if i & IN_GROUP != 0 { first + (i & !IN_GROUP) } else { i };
        for (n, sub) in group.iter().enumerate() {
            let id = first + n as u32;
            let supertype = sub.supertype.map(resolve);
            let display: Arc<[u32]> = match supertype {
                Some(s) => {
                    let mut d = self.types[s as usize].display.to_vec();
                    d.push(id);
                    d.into()
                }
                None => Arc::from([id]),
            };
            self.displays.set(id, &display);
            self.types.push(Registered {
                composite: map_composite(&sub.composite, &resolve),
                supertype,
                is_final: sub.is_final,
                display,
            });
        }
        self.groups.insert(group, first);
        Ok(first)
    }

    /// The display table compiled code reads (see [`DisplayTable`]).
    pub fn display_table(&self) -> *const usize {
        self.displays.entries.as_ptr() as *const usize
    }

    /// The type with canonical index `id`.
    pub fn get(&self, id: u32) -> Option<&Registered> {
        self.types.get(id as usize)
    }

    /// Whether type `a` is `b` or one of its declared subtypes.
    pub fn is_subtype(&self, a: u32, b: u32) -> bool {
        if a == b {
            return true;
        }
        let (Some(ta), Some(tb)) = (self.get(a), self.get(b)) else {
            return false;
        };
        ta.display.get(tb.depth()) == Some(&b)
    }

    /// Whether heap type `a` matches `b`, including declared subtyping
    /// between concrete types.
    pub fn heap_matches(&self, a: HeapType, b: HeapType) -> bool {
        match (a.concrete_index(), b.concrete_index()) {
            (Some(x), Some(y)) => a.top() == b.top() && self.is_subtype(x.0, y.0),
            _ => a.matches(b),
        }
    }

    /// Whether value type `a` matches `b` (see [`Self::heap_matches`]).
    pub fn val_matches(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => self.ref_matches(x, y),
            (x, y) => x == y,
        }
    }

    /// Whether reference type `a` matches `b`.
    pub fn ref_matches(&self, a: RefType, b: RefType) -> bool {
        (!a.nullable || b.nullable) && self.heap_matches(a.heap, b.heap)
    }
}

/// `c` with every type index passed through `f`.
pub fn map_composite(c: &CompositeType, f: &impl Fn(u32) -> u32) -> CompositeType {
    match c {
        CompositeType::Func(t) => CompositeType::Func(FuncType::new(
            t.params().iter().map(|v| map_val(*v, f)),
            t.results().iter().map(|v| map_val(*v, f)),
        )),
        CompositeType::Struct(s) => {
            CompositeType::Struct(StructType::new(s.fields().iter().map(|x| map_field(*x, f))))
        }
        CompositeType::Array(a) => CompositeType::Array(ArrayType {
            element: map_field(a.element, f),
        }),
    }
}

fn map_field(x: FieldType, f: &impl Fn(u32) -> u32) -> FieldType {
    FieldType {
        storage: match x.storage {
            StorageType::Val(v) => StorageType::Val(map_val(v, f)),
            s => s,
        },
        mutable: x.mutable,
    }
}

fn map_val(v: ValType, f: &impl Fn(u32) -> u32) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(RefType::new(r.nullable, map_heap(r.heap, f))),
        v => v,
    }
}

fn map_heap(h: HeapType, f: &impl Fn(u32) -> u32) -> HeapType {
    match h {
        HeapType::ConcreteFunc(i) => HeapType::ConcreteFunc(TypeIndex(f(i.0))),
        HeapType::ConcreteStruct(i) => HeapType::ConcreteStruct(TypeIndex(f(i.0))),
        HeapType::ConcreteArray(i) => HeapType::ConcreteArray(TypeIndex(f(i.0))),
        h => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func() -> CompositeType {
        CompositeType::Func(FuncType::new([], []))
    }

    fn self_ref_struct() -> CompositeType {
        CompositeType::Struct(StructType::new([FieldType {
            storage: StorageType::Val(ValType::Ref(RefType::new(
                true,
                HeapType::ConcreteStruct(TypeIndex(in_group(0))),
            ))),
            mutable: false,
        }]))
    }

    #[test]
    fn equal_groups_get_equal_indices() {
        let mut r = TypeRegistry::default();
        let g = vec![SubType { composite: self_ref_struct(), supertype: None, is_final: true }];
        let a = r.register(g.clone()).unwrap();
        let b = r.register(g).unwrap();
        assert_eq!(a, b);
        // The registered type refers to itself by its canonical index.
        let s = r.get(a).unwrap().composite.as_struct().unwrap().fields()[0];
        assert_eq!(
            s.storage,
            StorageType::Val(ValType::Ref(RefType::new(true, HeapType::ConcreteStruct(TypeIndex(a)))))
        );
    }

    #[test]
    fn subtype_check_uses_the_display() {
        let mut r = TypeRegistry::default();
        let base = r
            .register(vec![SubType { composite: func(), supertype: None, is_final: false }])
            .unwrap();
        let mid = r
            .register(vec![SubType { composite: func(), supertype: Some(base), is_final: false }])
            .unwrap();
        let leaf = r
            .register(vec![SubType { composite: func(), supertype: Some(mid), is_final: true }])
            .unwrap();
        assert!(r.is_subtype(leaf, base));
        assert!(r.is_subtype(leaf, mid));
        assert!(!r.is_subtype(base, leaf));
        assert!(!r.is_subtype(mid, leaf));
        assert_eq!(&*r.get(leaf).unwrap().display, &[base, mid, leaf]);
    }

    #[test]
    fn finality_distinguishes_types() {
        let mut r = TypeRegistry::default();
        let a = r
            .register(vec![SubType { composite: func(), supertype: None, is_final: true }])
            .unwrap();
        let b = r
            .register(vec![SubType { composite: func(), supertype: None, is_final: false }])
            .unwrap();
        assert_ne!(a, b);
    }
}
