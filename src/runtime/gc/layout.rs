//! How GC objects and references look in memory: shared by the compiler,
//! which emits the field accesses, and the collector.
//!
//! A reference of the `any` and `extern` hierarchies is one word:
//!
//! | bits          | meaning                                                  |
//! |---------------|----------------------------------------------------------|
//! | `0`           | null                                                     |
//! | `x…x1`        | an `i31`: the value shifted left by one                  |
//! | `x…x10`       | a host value (`externref`): store handle + 1, shifted by 2 |
//! | `x…x00`, ≠ 0  | a GC object: its byte offset in the store's GC heap      |
//!
//! Both hierarchies share the encoding, so `any.convert_extern` and
//! `extern.convert_any` are free. References fit in 32 bits and are stored
//! in objects as `u32`.
//!
//! An object starts with an 8-byte header (`u32` canonical type index,
//! `u32` size in bytes with flags in its low 3 bits); struct fields follow
//! in declaration order, each aligned to its size (at most 8); an array
//! has its `u32` length at offset 8 and its elements from offset 16.
//! Objects are 8-byte aligned and at least `MIN_OBJECT` bytes.

use crate::types::{HeapType, StorageType, StructType, ValType};

/// Offset of the canonical type index in the header.
pub const HEADER_TYPE: i32 = 0;
/// Offset of the size-and-flags word in the header.
pub const HEADER_INFO: i32 = 4;
/// Flag: marked live by the collector.
pub const FLAG_MARK: u32 = 1;
/// Flag: the object is an array.
pub const FLAG_ARRAY: u32 = 2;
/// Flag: a free chunk, not an object.
pub const FLAG_FREE: u32 = 4;
/// The flag bits of the size-and-flags word.
pub const FLAGS: u32 = 7;
/// Offset of an array's length.
pub const ARRAY_LEN: i32 = 8;
/// Offset of an array's first element.
pub const ARRAY_DATA: u32 = 16;
/// Offset of a struct's first field.
pub const STRUCT_FIELDS: u32 = 8;
/// Smallest object (a free chunk needs room for its link).
pub const MIN_OBJECT: u32 = 16;

/// Whether a value of type `t` may be a reference to a GC object, so the
/// collector must find it: references of the `any` and `extern`
/// hierarchies, except those that can only be `i31`s or null.
pub fn is_traced(t: ValType) -> bool {
    match t {
        ValType::Ref(r) => {
            matches!(r.heap.top(), HeapType::Any | HeapType::Extern)
                && !matches!(r.heap, HeapType::I31 | HeapType::None | HeapType::NoExtern)
        }
        _ => false,
    }
}

/// Whether a value of type `t` is stored as a 32-bit reference (the `any`
/// and `extern` hierarchies); function and exception references are
/// addresses, stored in 64 bits.
pub fn is_small_ref(t: ValType) -> bool {
    matches!(t, ValType::Ref(r) if matches!(r.heap.top(), HeapType::Any | HeapType::Extern))
}

/// Bytes a field or element of type `s` takes.
pub fn storage_size(s: StorageType) -> u32 {
    match s {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I32 | ValType::F32) => 4,
        StorageType::Val(ValType::I64 | ValType::F64) => 8,
        StorageType::Val(ValType::V128) => 16,
        StorageType::Val(t) if is_small_ref(t) => 4,
        StorageType::Val(_) => 8,
    }
}

/// Where a struct's fields are and how big it is.
#[derive(Clone, Debug)]
pub struct StructLayout {
    /// Byte offset of each field from the object's start.
    pub offsets: Vec<u32>,
    /// The object's size (a multiple of 8, at least `MIN_OBJECT`).
    pub size: u32,
}

/// The layout of a struct of type `t`.
pub fn struct_layout(t: &StructType) -> StructLayout {
    let mut at = STRUCT_FIELDS;
    let mut offsets = Vec::with_capacity(t.fields().len());
    for f in t.fields() {
        let size = storage_size(f.storage);
        let align = size.min(8);
        at = at.div_ceil(align) * align;
        offsets.push(at);
        at += size;
    }
    StructLayout {
        offsets,
        size: object_size(at as u64).unwrap_or(u32::MAX),
    }
}

/// The allocation size of an object of `bytes` bytes (rounded up to 8, at
/// least `MIN_OBJECT`); `None` beyond what a heap can hold.
pub fn object_size(bytes: u64) -> Option<u32> {
    let rounded = bytes.max(MIN_OBJECT as u64).checked_add(7)? & !7;
    u32::try_from(rounded).ok().filter(|s| *s <= MAX_OBJECT)
}

/// The largest object, in bytes (below 2 GiB so sizes and offsets never
/// overflow 32-bit arithmetic).
pub const MAX_OBJECT: u32 = 1 << 30;

/// The size of an array of `len` elements of `elem_size` bytes.
pub fn array_size(elem_size: u32, len: u32) -> Option<u32> {
    object_size(ARRAY_DATA as u64 + elem_size as u64 * len as u64)
}

/// Whether raw reference `r` (of the `any`/`extern` hierarchies) is a GC
/// object.
pub fn is_object(r: u32) -> bool {
    r != 0 && r & 3 == 0
}

/// Whether raw reference `r` is an `i31`.
pub fn is_i31(r: u32) -> bool {
    r & 1 == 1
}

/// Whether raw reference `r` is a host value (an `externref` made by the
/// host).
pub fn is_host(r: u32) -> bool {
    r & 3 == 2
}
