//! Globals: a 16-byte cell plus its type.

use super::vmctx::VMGlobal;
use crate::types::GlobalType;

/// A global owned by a store; `vm` first, as for memories.
#[repr(C)]
pub struct GlobalData {
    pub vm: VMGlobal,
    pub ty: GlobalType,
    /// The instance that defined it (`None`: made by the host).
    pub owner: Option<u32>,
}

impl GlobalData {
    /// Reads the raw bits (little-endian in the low bytes).
    pub fn get_raw(&self) -> u128 {
        u128::from_le_bytes(self.vm.bytes)
    }
    /// Writes the raw bits.
    pub fn set_raw(&mut self, raw: u128) {
        self.vm.bytes = raw.to_le_bytes();
    }
}
