//! Tables of references. Elements are raw words: a funcref is the address
//! of its `VMFuncRef`, an externref is its store handle + 1; 0 is null.

use super::vmctx::VMTable;
use crate::error::{Error, Result};
use crate::types::TableType;

/// What one table element costs in a store's memory budget.
pub const TABLE_ELEMENT_BYTES: u64 = 8;

/// A table owned by a store; `vm` first, as for memories.
#[repr(C)]
pub struct TableData {
    pub vm: VMTable,
    elements: Vec<u64>,
    pub ty: TableType,
    /// The instance that defined it (`None`: made by the host).
    pub owner: Option<u32>,
    max: u64,
}

impl TableData {
    /// Creates a table of `ty.min` elements set to `init`.
    pub fn new(ty: TableType, init: u64, engine_max: u32) -> Result<Box<TableData>> {
        let index_max = if ty.table64 { u64::MAX } else { u64::from(u32::MAX) };
        let max = ty.max.unwrap_or(index_max).min(u64::from(engine_max));
        if ty.min > max {
            return Err(Error::limit(format!(
                "table of {} elements exceeds the limit of {max} elements",
                ty.min
            )));
        }
        let mut elements = Vec::new();
        elements.try_reserve_exact(ty.min as usize).map_err(|_| {
            Error::limit(format!(
                "cannot allocate a table of {} elements",
                ty.min
            ))
        })?;
        elements.resize(ty.min as usize, init);
        let mut t = Box::new(TableData {
            vm: VMTable {
                base: std::ptr::null_mut(),
                length: 0,
            },
            elements,
            ty,
            owner: None,
            max,
        });
        t.sync();
        Ok(t)
    }

    fn sync(&mut self) {
        self.vm.base = self.elements.as_mut_ptr();
        self.vm.length = self.elements.len() as u64;
    }

    /// Drops every element (when its instance is freed).
    pub fn release(&mut self) {
        self.elements = Vec::new();
        self.max = 0;
        self.sync();
    }

    /// Number of elements.
    pub fn size(&self) -> u64 {
        self.elements.len() as u64
    }

    /// All elements.
    pub fn elements(&self) -> &[u64] {
        &self.elements
    }

    /// All elements, mutably.
    pub fn elements_mut(&mut self) -> &mut [u64] {
        &mut self.elements
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or
    /// `None` when the maximum would be exceeded.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.max {
            return None;
        }
        self.elements.try_reserve(usize::try_from(delta).ok()?).ok()?;
        self.elements.resize(new as usize, init);
        self.sync();
        Some(old)
    }

    /// The type with the current size as minimum.
    pub fn current_type(&self) -> TableType {
        TableType {
            min: self.size(),
            ..self.ty
        }
    }
}
