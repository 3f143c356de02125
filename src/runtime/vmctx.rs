//! The `#[repr(C)]` structures compiled code reads, and the per-module
//! offsets of the instance context (vmctx).
//!
//! Layout of a vmctx (all fields pointer-sized):
//!
//! | offset            | field                                    |
//! |-------------------|------------------------------------------|
//! | 0                 | `*mut VMLimits` (shared by the store)    |
//! | 8                 | `*const usize`: the libcall table        |
//! | 16                | `*mut InstanceData` (Rust side)          |
//! | 24                | `*mut StoreInner` (Rust side)            |
//! | `memories_start`  | `[*mut VMMemory; memories]`              |
//! | `tables_start`    | `[*mut VMTable; tables]`                 |
//! | `globals_start`   | `[*mut VMGlobal; globals]`               |
//! | `funcs_start`     | `[*const VMFuncRef; funcs]`              |
//! | `types_start`     | `[u64; types]`: engine-wide signature id  |
//! | `tags_start`      | `[*const TagData; tags]`: tag identities  |
//!
//! Signature ids live in the vmctx rather than in the code, so compiled
//! code does not depend on the order an engine met its signatures in (a
//! precompiled module loads into any engine).

/// Per-store execution limits, read by every function prologue.
#[repr(C)]
pub struct VMLimits {
    /// Lowest stack address Wasm may use; 0 while no Wasm runs.
    pub stack_limit: usize,
    /// With epoch interruption: code traps once the engine's epoch is at
    /// least this (`u64::MAX`: never).
    pub epoch_deadline: u64,
    /// The engine's epoch counter (the engine outlives its stores).
    pub epoch: *const std::sync::atomic::AtomicU64,
    /// The engine's throw stub (see `compile::trampolines::throw_stub`):
    /// `throw` and `throw_ref` call it.
    pub throw_stub: usize,
    /// Start of the store's GC heap reservation (null until the store
    /// first needs one; set before any GC object exists, never moved).
    pub gc_base: *mut u8,
    /// The engine's display table (see `type_registry::DisplayTable`):
    /// inline subtype checks read it.
    pub type_displays: *const usize,
}

/// Offsets of `VMLimits` fields.
pub const LIMITS_EPOCH_DEADLINE: i32 = 8;
pub const LIMITS_EPOCH: i32 = 16;
pub const LIMITS_THROW_STUB: i32 = 24;
pub const LIMITS_GC_BASE: i32 = 32;
pub const LIMITS_TYPE_DISPLAYS: i32 = 40;

/// A linear memory as compiled code sees it.
#[repr(C)]
pub struct VMMemory {
    /// Start of the reservation; never moves.
    pub base: *mut u8,
    /// Accessible length in bytes.
    pub length: u64,
}

/// A table as compiled code sees it.
#[repr(C)]
pub struct VMTable {
    /// Elements: funcref = `*const VMFuncRef`, externref = handle + 1; 0 = null.
    pub base: *mut u64,
    /// Number of elements.
    pub length: u64,
}

/// Storage of one global, large enough for any value type.
#[repr(C, align(16))]
#[derive(Clone, Copy, Default)]
pub struct VMGlobal {
    pub bytes: [u8; 16],
}

/// What a `funcref` points at: everything needed to call the function.
#[repr(C)]
pub struct VMFuncRef {
    /// Machine code taking `(callee vmctx, caller vmctx, params...)`.
    pub code: *const u8,
    /// The callee's vmctx (for host functions: their host context).
    pub vmctx: *mut u8,
    /// Engine-wide canonical id of the signature.
    pub type_id: u32,
    /// Index of the function in its store.
    pub store_index: u32,
}

/// Offsets of `VMFuncRef` fields.
pub const FUNCREF_CODE: i32 = 0;
pub const FUNCREF_VMCTX: i32 = 8;
pub const FUNCREF_TYPE_ID: i32 = 16;
/// Offsets of header fields.
pub const VMCTX_LIMITS: i32 = 0;
pub const VMCTX_LIBCALLS: i32 = 8;
pub const VMCTX_INSTANCE: i32 = 16;
pub const VMCTX_STORE: i32 = 24;
const HEADER_SIZE: u32 = 32;
/// Offsets inside `VMMemory` and `VMTable`.
pub const MEMORY_BASE: i32 = 0;
pub const MEMORY_LENGTH: i32 = 8;
pub const TABLE_BASE: i32 = 0;
pub const TABLE_LENGTH: i32 = 8;

/// Where each array of a module's vmctx starts.
#[derive(Clone, Copy, Debug)]
pub struct VMOffsets {
    pub memories_start: u32,
    pub tables_start: u32,
    pub globals_start: u32,
    pub funcs_start: u32,
    pub types_start: u32,
    pub tags_start: u32,
    /// Total size of the vmctx in bytes.
    pub size: u32,
}

impl VMOffsets {
    /// The layout for a module with these counts (imports included).
    pub fn new(
        memories: u32,
        tables: u32,
        globals: u32,
        funcs: u32,
        types: u32,
        tags: u32,
    ) -> VMOffsets {
        let memories_start = HEADER_SIZE;
        let tables_start = memories_start + 8 * memories;
        let globals_start = tables_start + 8 * tables;
        let funcs_start = globals_start + 8 * globals;
        let types_start = funcs_start + 8 * funcs;
        let tags_start = types_start + 8 * types;
        let size = tags_start + 8 * tags;
        VMOffsets {
            memories_start,
            tables_start,
            globals_start,
            funcs_start,
            types_start,
            tags_start,
            size,
        }
    }

    /// The layout for `info`'s module.
    pub fn for_module(info: &crate::module::ModuleInfo) -> VMOffsets {
        VMOffsets::new(
            info.memories.len() as u32,
            info.tables.len() as u32,
            info.globals.len() as u32,
            info.funcs.len() as u32,
            info.types.len() as u32,
            info.tags.len() as u32,
        )
    }
    /// The slot holding the identity of the module's tag `i`.
    pub fn tag(&self, i: u32) -> i32 {
        (self.tags_start + 8 * i) as i32
    }
    /// The slot holding the signature id of the module's type `i`.
    pub fn type_id(&self, i: u32) -> i32 {
        (self.types_start + 8 * i) as i32
    }
    pub fn memory(&self, i: u32) -> i32 {
        (self.memories_start + 8 * i) as i32
    }
    pub fn table(&self, i: u32) -> i32 {
        (self.tables_start + 8 * i) as i32
    }
    pub fn global(&self, i: u32) -> i32 {
        (self.globals_start + 8 * i) as i32
    }
    pub fn func(&self, i: u32) -> i32 {
        (self.funcs_start + 8 * i) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::offset_of;

    #[test]
    fn funcref_offsets_match_the_rust_layout() {
        assert_eq!(offset_of!(VMFuncRef, code) as i32, FUNCREF_CODE);
        assert_eq!(offset_of!(VMFuncRef, vmctx) as i32, FUNCREF_VMCTX);
        assert_eq!(offset_of!(VMFuncRef, type_id) as i32, FUNCREF_TYPE_ID);
    }

    #[test]
    fn memory_and_table_offsets_match_the_rust_layout() {
        assert_eq!(offset_of!(VMMemory, base) as i32, MEMORY_BASE);
        assert_eq!(offset_of!(VMMemory, length) as i32, MEMORY_LENGTH);
        assert_eq!(offset_of!(VMTable, base) as i32, TABLE_BASE);
        assert_eq!(offset_of!(VMTable, length) as i32, TABLE_LENGTH);
        assert_eq!(offset_of!(VMLimits, stack_limit), 0);
        assert_eq!(
            offset_of!(VMLimits, epoch_deadline) as i32,
            LIMITS_EPOCH_DEADLINE
        );
        assert_eq!(offset_of!(VMLimits, epoch) as i32, LIMITS_EPOCH);
        assert_eq!(offset_of!(VMLimits, throw_stub) as i32, LIMITS_THROW_STUB);
        assert_eq!(offset_of!(VMLimits, gc_base) as i32, LIMITS_GC_BASE);
        assert_eq!(offset_of!(VMLimits, type_displays) as i32, LIMITS_TYPE_DISPLAYS);
    }

    #[test]
    fn vmctx_arrays_follow_each_other() {
        let o = VMOffsets::new(1, 2, 3, 4, 2, 1);
        assert_eq!(o.memories_start, 32);
        assert_eq!(o.tables_start, 40);
        assert_eq!(o.globals_start, 56);
        assert_eq!(o.funcs_start, 80);
        assert_eq!(o.types_start, 112);
        assert_eq!(o.tags_start, 128);
        assert_eq!(o.size, 136);
    }
}
