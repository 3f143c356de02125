//! Linear memories: a `PROT_NONE` reservation covering every address a
//! 32-bit index plus a 32-bit offset can form, made accessible as it grows
//! (rounded up to the host's pages; compiled code checks the exact length
//! of memories whose pages are smaller).

use super::memory_pool;
use super::sys::Reservation;
use super::vmctx::VMMemory;
use crate::error::{Error, ErrorKind, Result};
use crate::types::MemoryType;

/// Bytes in a Wasm page.
pub const PAGE: u64 = 65536;
/// Size of every reservation: 4 GiB of index + 4 GiB of offset + a page.
const RESERVATION: usize = (8 << 30) + PAGE as usize;

/// The most bytes a memory may have: the reservation covers a 32-bit
/// memory's 4 GiB of index plus 4 GiB of offset; memories with bounds
/// checks (memory64, small pages) are capped at the same 4 GiB.
pub const MAX_BYTES: u64 = 1 << 32;

/// The host's page size: what `mprotect` works in.
fn os_page() -> u64 {
    static PAGE_SIZE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    // SAFETY: sysconf has no preconditions.
    *PAGE_SIZE.get_or_init(|| (unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).max(4096) as u64)
}

/// A memory owned by a store. `vm` is first so that a pointer to the
/// `MemoryData` is also a pointer to its `VMMemory`.
#[repr(C)]
pub struct MemoryData {
    pub vm: VMMemory,
    /// `None` once released (its instance was freed).
    reservation: Option<Reservation>,
    pub ty: MemoryType,
    /// The instance that defined it (`None`: made by the host).
    pub owner: Option<u32>,
    /// Effective maximum in pages: the declared maximum capped by the
    /// engine limit and `MAX_BYTES`.
    max_pages: u64,
}

impl MemoryData {
    /// Creates a memory of `ty.min` pages, allowing growth to
    /// `min(ty.max, engine_max_bytes)`.
    pub fn new(ty: MemoryType, engine_max_bytes: u64) -> Result<MemoryData> {
        let cap_bytes = engine_max_bytes.min(MAX_BYTES);
        let max_pages = ty
            .max
            .unwrap_or(u64::MAX)
            .min(ty.max_pages_for_index())
            .min(cap_bytes >> ty.page_size_log2);
        if ty.min > max_pages {
            return Err(Error::limit(format!(
                "memory of {} pages exceeds the limit of {max_pages} pages",
                ty.min
            )));
        }
        let mut reservation =
            memory_pool::take(RESERVATION).map_err(|e| Error::new(ErrorKind::Io(e)))?;
        let len = ty.min << ty.page_size_log2;
        if let Err(e) = reservation.set_accessible(len.next_multiple_of(os_page()) as usize) {
            memory_pool::give_back(reservation);
            return Err(Error::new(ErrorKind::Io(e)));
        }
        Ok(MemoryData {
            vm: VMMemory {
                base: reservation.base,
                length: len,
            },
            reservation: Some(reservation),
            ty,
            owner: None,
            max_pages,
        })
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.vm.length >> self.ty.page_size_log2
    }

    /// Grows by `delta` pages; returns the old size, or `None` when the
    /// maximum would be exceeded (the memory is then unchanged).
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        let len = new << self.ty.page_size_log2;
        self.reservation
            .as_mut()?
            .set_accessible(len.next_multiple_of(os_page()) as usize)
            .ok()?;
        self.vm.length = len;
        Some(old)
    }

    /// Gives the address space back (when its instance is freed); the
    /// memory is empty from then on.
    pub fn release(&mut self) {
        if let Some(r) = self.reservation.take() {
            memory_pool::give_back(r);
        }
        self.vm = VMMemory {
            base: std::ptr::NonNull::dangling().as_ptr(),
            length: 0,
        };
        self.max_pages = 0;
    }

    /// The accessible bytes.
    pub fn data(&self) -> &[u8] {
        // SAFETY: [base, base+length) is mapped read+write and owned by
        // this memory; the shared borrow of `self` prevents growth.
        unsafe { std::slice::from_raw_parts(self.vm.base, self.vm.length as usize) }
    }

    /// The accessible bytes, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, with exclusive access through `&mut self`.
        unsafe { std::slice::from_raw_parts_mut(self.vm.base, self.vm.length as usize) }
    }

    /// The type with the current size as minimum.
    pub fn current_type(&self) -> MemoryType {
        MemoryType {
            min: self.pages(),
            ..self.ty
        }
    }
}

impl Drop for MemoryData {
    fn drop(&mut self) {
        self.release();
    }
}
