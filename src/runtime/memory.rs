//! Linear memories: a `PROT_NONE` reservation covering every address a
//! 32-bit index plus a 32-bit offset can form, made accessible as it grows
//! (rounded up to the host's pages; compiled code checks the exact length
//! of memories whose pages are smaller).

use super::memory_pool;
use super::sys::Reservation;
use super::vmctx::VMMemory;
use crate::error::{Error, ErrorKind, Result};
use crate::types::MemoryType;
use std::sync::atomic::{AtomicU64, Ordering};
use std::cell::UnsafeCell;
use std::sync::{Arc, Mutex};

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

/// The address space of one memory: a reservation made accessible as the
/// memory grows. `vm` is first, so a pointer to the `Linear` is also one
/// to the `VMMemory` compiled code reads.
///
/// A shared memory's `Linear` is read by many threads at once and grown by
/// any of them, so growth takes `&self`: the reservation sits behind a
/// mutex (which also serialises growers) and `vm.length`, in an
/// `UnsafeCell`, is only ever written atomically; `vm.base` never changes
/// after creation (only `release`, with `&mut self`, resets it).
#[repr(C)]
struct Linear {
    vm: UnsafeCell<VMMemory>,
    /// `None` once released.
    reservation: Mutex<Option<Reservation>>,
    page_size_log2: u8,
    /// Effective maximum in pages: the declared maximum capped by the
    /// engine limit and `MAX_BYTES`.
    max_pages: u64,
}

impl Linear {
    fn new(ty: MemoryType, engine_max_bytes: u64) -> Result<Linear> {
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
        Ok(Linear {
            vm: UnsafeCell::new(VMMemory {
                base: reservation.base,
                length: len,
            }),
            reservation: Mutex::new(Some(reservation)),
            page_size_log2: ty.page_size_log2,
            max_pages,
        })
    }

    fn vm_ptr(&self) -> *const VMMemory {
        self.vm.get()
    }

    /// The first byte; it never moves.
    fn base(&self) -> *mut u8 {
        // SAFETY: `base` is written only by `new` and `release` (which
        // has `&mut self`), so this read races with no write.
        unsafe { (*self.vm.get()).base }
    }

    /// The length, read atomically (another thread may be growing a
    /// shared memory).
    fn length(&self) -> u64 {
        // SAFETY: an aligned u64 inside the `UnsafeCell`, living as long
        // as `self`; every concurrent write to it is atomic (`grow`).
        unsafe { AtomicU64::from_ptr(std::ptr::addr_of_mut!((*self.vm.get()).length)) }
            .load(Ordering::Acquire)
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None`
    /// past the maximum. Safe to call from several threads at once.
    fn grow(&self, delta: u64) -> Option<u64> {
        let mut reservation = self.reservation.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.length() >> self.page_size_log2;
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        let len = new << self.page_size_log2;
        reservation
            .as_mut()?
            .set_accessible(len.next_multiple_of(os_page()) as usize)
            .ok()?;
        // SAFETY: as in `length`; the lock makes this the only writer, and
        // the new pages are accessible before any reader can see them.
        unsafe { AtomicU64::from_ptr(std::ptr::addr_of_mut!((*self.vm.get()).length)) }
            .store(len, Ordering::Release);
        Some(old)
    }

    fn release(&mut self) {
        let reservation = self.reservation.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = reservation.take() {
            memory_pool::give_back(r);
        }
        *self.vm.get_mut() = VMMemory {
            base: std::ptr::NonNull::dangling().as_ptr(),
            length: 0,
        };
        self.max_pages = 0;
    }
}

impl Drop for Linear {
    fn drop(&mut self) {
        self.release();
    }
}

/// A memory shared between threads (`(memory ... shared)`): every store
/// that imports it sees the same bytes, and growth by any of them. Cloning
/// makes another handle to the same memory; the address space is given
/// back when the last handle goes. Its bytes never move.
#[derive(Clone)]
pub struct SharedMemory(Arc<SharedInner>);

struct SharedInner {
    linear: Linear,
    ty: MemoryType,
}

// SAFETY: `Linear` is `!Sync` only for its `UnsafeCell<VMMemory>`, whose
// `length` is written atomically under the reservation lock and whose
// `base` never changes while shared (see `Linear`); the reservation is
// behind a mutex. The bytes themselves are guest memory that Wasm
// threads access with atomics or racily by design, never through Rust
// references this type hands out.
unsafe impl Sync for SharedInner {}
// SAFETY: as above; a `Reservation` is `Send`.
unsafe impl Send for SharedInner {}

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMemory")
            .field("ty", &self.0.ty)
            .field("pages", &self.pages())
            .finish()
    }
}

impl SharedMemory {
    /// A new shared memory of `ty` (which must be a shared type: see
    /// `MemoryType::shared`), allowed to grow to its maximum within
    /// `engine`'s memory cap. Import it into any store of `engine`, on any
    /// thread, with `Memory::from_shared`.
    pub fn new(engine: &crate::Engine, ty: MemoryType) -> Result<SharedMemory> {
        SharedMemory::with_cap(ty, engine.config().max_memory_bytes())
    }

    /// As `new`, with the memory cap given.
    pub(crate) fn with_cap(ty: MemoryType, engine_max_bytes: u64) -> Result<SharedMemory> {
        if !ty.shared {
            return Err(Error::ty("a shared memory needs a shared memory type"));
        }
        ty.check().map_err(Error::ty)?;
        Ok(SharedMemory(Arc::new(SharedInner {
            linear: Linear::new(ty, engine_max_bytes)?,
            ty,
        })))
    }

    fn linear(&self) -> &Linear {
        &self.0.linear
    }

    /// Its type, with the current size as minimum.
    pub fn ty(&self) -> MemoryType {
        MemoryType {
            min: self.pages(),
            ..self.0.ty
        }
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        let l = self.linear();
        l.length() >> l.page_size_log2
    }

    /// Grows by `delta` pages; returns the old size, or `None` past the
    /// maximum.
    pub fn grow(&self, delta: u64) -> Option<u64> {
        self.linear().grow(delta)
    }

    /// The first byte (it never moves) and the current length in bytes.
    /// Other threads may read and write the bytes at any time: access them
    /// with atomics, or treat what is read as untrusted.
    pub fn data_ptr(&self) -> (*mut u8, u64) {
        let l = self.linear();
        (l.base(), l.length())
    }

    /// Whether both handles are the same memory.
    pub fn same(&self, other: &SharedMemory) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn vm_ptr(&self) -> *const VMMemory {
        self.linear().vm_ptr()
    }
}

/// A memory in a store: its own, or a handle to a shared one.
enum Backing {
    Own(Box<Linear>),
    Shared(SharedMemory),
}

/// A memory as a store holds it.
pub struct MemoryData {
    backing: Backing,
    pub ty: MemoryType,
    /// The instance that defined it (`None`: made by the host).
    pub owner: Option<u32>,
}

impl MemoryData {
    /// Creates a memory of `ty.min` pages, allowing growth to
    /// `min(ty.max, engine_max_bytes)`; a shared type makes a new shared
    /// memory.
    pub fn new(ty: MemoryType, engine_max_bytes: u64) -> Result<MemoryData> {
        let backing = if ty.shared {
            Backing::Shared(SharedMemory::with_cap(ty, engine_max_bytes)?)
        } else {
            Backing::Own(Box::new(Linear::new(ty, engine_max_bytes)?))
        };
        Ok(MemoryData {
            backing,
            ty,
            owner: None,
        })
    }

    /// This store's handle to `shared`.
    pub fn from_shared(shared: SharedMemory) -> MemoryData {
        MemoryData {
            ty: shared.0.ty,
            backing: Backing::Shared(shared),
            owner: None,
        }
    }

    /// The shared memory behind this one, if it is shared.
    pub fn shared(&self) -> Option<&SharedMemory> {
        match &self.backing {
            Backing::Shared(s) => Some(s),
            Backing::Own(_) => None,
        }
    }

    fn linear(&self) -> &Linear {
        match &self.backing {
            Backing::Own(l) => l,
            Backing::Shared(s) => s.linear(),
        }
    }

    /// What compiled code reads: base and length. Stable for the memory's
    /// life (shared memories: for the life of every handle).
    pub fn vm_ptr(&self) -> *const VMMemory {
        match &self.backing {
            Backing::Own(l) => l.vm_ptr(),
            Backing::Shared(s) => s.vm_ptr(),
        }
    }

    /// The first byte (it never moves).
    pub fn base(&self) -> *mut u8 {
        self.linear().base()
    }

    /// The length in bytes.
    pub fn byte_len(&self) -> u64 {
        self.linear().length()
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.byte_len() >> self.ty.page_size_log2
    }

    /// Grows by `delta` pages; returns the old size, or `None` when the
    /// maximum would be exceeded (the memory is then unchanged).
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        match &mut self.backing {
            Backing::Own(l) => l.grow(delta),
            Backing::Shared(s) => s.grow(delta),
        }
    }

    /// Gives the address space back (when its instance is freed); the
    /// memory is empty from then on. A shared memory lives on while other
    /// handles hold it.
    pub fn release(&mut self) {
        match &mut self.backing {
            Backing::Own(l) => l.release(),
            Backing::Shared(_) => {
                self.backing = Backing::Own(Box::new(Linear {
                    vm: UnsafeCell::new(VMMemory {
                        base: std::ptr::NonNull::dangling().as_ptr(),
                        length: 0,
                    }),
                    reservation: Mutex::new(None),
                    page_size_log2: self.ty.page_size_log2,
                    max_pages: 0,
                }))
            }
        }
    }

    /// The accessible bytes. For a shared memory, other threads may change
    /// them meanwhile (as Wasm threads may): read guest data as untrusted.
    pub fn data(&self) -> &[u8] {
        // SAFETY: [base, base+length) is mapped read+write and lives as
        // long as this memory; the shared borrow of `self` prevents this
        // store from growing it (a shared memory only grows, never moves).
        unsafe { std::slice::from_raw_parts(self.base(), self.byte_len() as usize) }
    }

    /// The accessible bytes, mutably (for a shared memory, see `data`).
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, with exclusive access through `&mut self`.
        unsafe { std::slice::from_raw_parts_mut(self.base(), self.byte_len() as usize) }
    }

    /// The type with the current size as minimum.
    pub fn current_type(&self) -> MemoryType {
        MemoryType {
            min: self.pages(),
            ..self.ty
        }
    }
}
