//! The runtime functions compiled code calls through the libcall table
//! (vmctx offset `VMCTX_LIBCALLS`), with their signatures. Index = position.

/// A parameter or result type of a libcall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LType {
    I32,
    I64,
}

/// Runtime functions callable from compiled code. Every one takes the
/// caller's vmctx first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Libcall {
    MemoryGrow,
    MemoryFill,
    MemoryCopy,
    MemoryInit,
    DataDrop,
    TableGet,
    TableSet,
    TableGrow,
    TableFill,
    TableCopy,
    TableInit,
    ElemDrop,
    GlobalSetFuncRef,
    ExnRelease,
    MemoryAtomicNotify,
    MemoryAtomicWait32,
    MemoryAtomicWait64,
    GcAlloc,
    IsSubtype,
    ArrayCopy,
    ArrayInitData,
    ArrayInitElem,
    SegmentCheck,
}

/// Every libcall, in table order.
pub const ALL: [Libcall; 23] = [
    Libcall::MemoryGrow,
    Libcall::MemoryFill,
    Libcall::MemoryCopy,
    Libcall::MemoryInit,
    Libcall::DataDrop,
    Libcall::TableGet,
    Libcall::TableSet,
    Libcall::TableGrow,
    Libcall::TableFill,
    Libcall::TableCopy,
    Libcall::TableInit,
    Libcall::ElemDrop,
    Libcall::GlobalSetFuncRef,
    Libcall::ExnRelease,
    Libcall::MemoryAtomicNotify,
    Libcall::MemoryAtomicWait32,
    Libcall::MemoryAtomicWait64,
    Libcall::GcAlloc,
    Libcall::IsSubtype,
    Libcall::ArrayCopy,
    Libcall::ArrayInitData,
    Libcall::ArrayInitElem,
    Libcall::SegmentCheck,
];

impl Libcall {
    /// Parameter types after the vmctx, and the result types.
    pub fn signature(self) -> (&'static [LType], &'static [LType]) {
        use LType::*;
        match self {
            // Addresses, indices, lengths and deltas are 64-bit (32-bit
            // ones zero-extended), for memory64 and table64.
            // (memory, delta) -> old pages or -1
            Libcall::MemoryGrow => (&[I32, I64], &[I64]),
            // (memory, dst, value, len)
            Libcall::MemoryFill => (&[I32, I64, I32, I64], &[]),
            // (dst memory, src memory, dst, src, len)
            Libcall::MemoryCopy => (&[I32, I32, I64, I64, I64], &[]),
            // (memory, data, dst, src, len)
            Libcall::MemoryInit => (&[I32, I32, I64, I32, I32], &[]),
            Libcall::DataDrop => (&[I32], &[]),
            // (table, index) -> ref
            Libcall::TableGet => (&[I32, I64], &[I64]),
            // (table, index, ref)
            Libcall::TableSet => (&[I32, I64, I64], &[]),
            // (table, delta, init) -> old size or -1
            Libcall::TableGrow => (&[I32, I64, I64], &[I64]),
            // (table, dst, ref, len)
            Libcall::TableFill => (&[I32, I64, I64, I64], &[]),
            // (dst table, src table, dst, src, len)
            Libcall::TableCopy => (&[I32, I32, I64, I64, I64], &[]),
            // (table, elem, dst, src, len)
            Libcall::TableInit => (&[I32, I32, I64, I32, I32], &[]),
            Libcall::ElemDrop => (&[I32], &[]),
            // (global, funcref)
            Libcall::GlobalSetFuncRef => (&[I32, I64], &[]),
            // (exnref) after a `catch` without a reference took its values
            Libcall::ExnRelease => (&[I64], &[]),
            // (memory, index, offset, count) -> woken
            Libcall::MemoryAtomicNotify => (&[I32, I64, I64, I32], &[I32]),
            // (memory, index, offset, expected, timeout ns) -> 0 ok, 1 not equal, 2 timed out
            Libcall::MemoryAtomicWait32 => (&[I32, I64, I64, I32, I64], &[I32]),
            Libcall::MemoryAtomicWait64 => (&[I32, I64, I64, I64, I64], &[I32]),
            // (canonical type, struct size or element size, array length,
            // is array) -> object; a safepoint: the collector may run
            Libcall::GcAlloc => (&[I32, I32, I32, I32], &[I64]),
            // (canonical type, canonical type) -> whether a is a subtype of b
            Libcall::IsSubtype => (&[I32, I32], &[I32]),
            // (dst array, dst index, src array, src index, len, element size)
            Libcall::ArrayCopy => (&[I64, I32, I64, I32, I32, I32], &[]),
            // (array, data, dst index, src byte offset, len, element size)
            Libcall::ArrayInitData => (&[I64, I32, I32, I32, I32, I32], &[]),
            // (array, elem, dst index, src index, len, element size)
            Libcall::ArrayInitElem => (&[I64, I32, I32, I32, I32, I32], &[]),
            // (0 data / 1 elem, segment, src, len, element size): traps
            // unless the segment holds `len` elements from `src`
            Libcall::SegmentCheck => (&[I32, I32, I32, I32, I32], &[]),
        }
    }
}
