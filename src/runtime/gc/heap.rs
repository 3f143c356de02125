//! A store's GC heap: one reservation of 4 GiB plus a guard region (so a
//! 32-bit object offset plus any field offset stays inside it), of which
//! a prefix up to the heap's size limit becomes readable and writable as
//! the heap grows.
//!
//! Allocation takes an exact-size free chunk for small objects, else bumps
//! through the current free region, else takes the next large free region,
//! else extends the used part of the heap up to its soft limit. When all
//! of that fails the owner collects (mark from the roots, then sweep the
//! whole used part, merging neighbouring dead objects into free chunks)
//! and tries again, then raises the soft limit, up to the hard one.
//!
//! Objects never move, so roots need no updating. Every chunk of the used
//! part (`FIRST..top`) starts with a header giving its size, so the sweep
//! can walk it; free chunks carry `FLAG_FREE` and, from 16 bytes, a link.

use super::layout::*;
use crate::error::{Error, Result};
use crate::types::{CompositeType, StorageType};

/// Bytes reserved per heap: every 32-bit offset, plus a guard for the
/// largest field offset added to it.
const RESERVATION: usize = (1 << 32) + (1 << 20);
/// Offset of the first object (offsets below it are never objects: 0 is
/// null).
const FIRST: u32 = 16;
/// Free chunks up to this size go on exact-size lists.
const SMALL_MAX: u32 = 256;
/// Commit granularity.
const GRANULE: u32 = 1 << 20;
/// The soft limit a heap starts with.
const INITIAL_SOFT_LIMIT: u32 = 4 << 20;
/// The type index written in free chunks' headers.
const FREE_TYPE: u32 = u32::MAX;

/// What the collector follows in an object of one type.
#[derive(Clone, Debug)]
pub enum Trace {
    /// No references to follow.
    Leaf,
    /// A struct: the offsets of its fields that may hold objects.
    Fields(Box<[u32]>),
    /// An array whose elements may hold objects.
    Elements,
}

/// Counters, for tests and accounting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Collections run so far.
    pub collections: u64,
    /// Objects allocated so far.
    pub allocated_objects: u64,
    /// Objects alive after the last collection (or allocated since, when
    /// none ran).
    pub live_objects: u64,
    /// Bytes in objects alive after the last collection.
    pub live_bytes: u64,
    /// Bytes of the heap's address range in use (objects and free chunks).
    pub heap_bytes: u64,
}

/// A GC heap.
pub struct GcHeap {
    base: *mut u8,
    /// Hard limit on the used part, in bytes.
    limit: u32,
    /// Readable and writable prefix.
    committed: u32,
    /// End of the used part.
    top: u32,
    /// Where collection is due: the used part may not pass it before one.
    soft_limit: u32,
    /// The free region being bumped through: `cursor..region_end`.
    cursor: u32,
    region_end: u32,
    /// The region is the tail of the used part (bumping moves `top`).
    in_wilderness: bool,
    /// Heads of the exact-size free lists, by size / 8.
    small: Vec<u32>,
    /// Free regions above `SMALL_MAX`: (offset, size).
    large: Vec<(u32, u32)>,
    /// What to trace, by canonical type index.
    traces: Vec<Option<Trace>>,
    /// An object type with an `exnref` field exists: exceptions stay
    /// alive as long as the store (see `collect_exceptions`).
    pub holds_exceptions: bool,
    stats: GcStats,
    objects_since_gc: u64,
}

// SAFETY: the heap owns its mapping; the store that owns the heap is used
// by one thread at a time.
unsafe impl Send for GcHeap {}

impl GcHeap {
    /// Reserves a heap that may grow to `limit` bytes.
    pub fn new(limit: u64) -> Result<GcHeap> {
        let limit = limit.clamp(u64::from(GRANULE), (1 << 32) - u64::from(GRANULE)) as u32;
        // SAFETY: a fresh anonymous PROT_NONE mapping; nothing else uses it.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                RESERVATION,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(Error::limit("cannot reserve address space for a GC heap"));
        }
        Ok(GcHeap {
            base: base as *mut u8,
            limit,
            committed: 0,
            top: FIRST,
            soft_limit: INITIAL_SOFT_LIMIT.min(limit),
            cursor: 0,
            region_end: 0,
            in_wilderness: false,
            small: vec![0; (SMALL_MAX / 8 + 1) as usize],
            large: Vec::new(),
            traces: Vec::new(),
            holds_exceptions: false,
            stats: GcStats::default(),
            objects_since_gc: 0,
        })
    }

    /// The reservation's start (compiled code adds object offsets to it).
    pub fn base(&self) -> *mut u8 {
        self.base
    }

    /// The hard size limit in bytes.
    pub fn limit(&self) -> u64 {
        self.limit.into()
    }

    /// The counters.
    pub fn stats(&self) -> GcStats {
        GcStats {
            heap_bytes: u64::from(self.top),
            ..self.stats
        }
    }

    /// Makes sure the collector knows how to trace objects of canonical
    /// type `id` (described by `ty`).
    pub fn ensure_trace(&mut self, id: u32, ty: &CompositeType) {
        let i = id as usize;
        if self.traces.get(i).is_some_and(|t| t.is_some()) {
            return;
        }
        if self.traces.len() <= i {
            self.traces.resize(i + 1, None);
        }
        let traced = |s: StorageType| matches!(s, StorageType::Val(t) if is_traced(t));
        let exn = |s: StorageType| {
            matches!(s, StorageType::Val(crate::ValType::Ref(r))
                if r.heap.top() == crate::HeapType::Exn)
        };
        let trace = match ty {
            CompositeType::Struct(s) => {
                let layout = struct_layout(s);
                if s.fields().iter().any(|f| exn(f.storage)) {
                    self.holds_exceptions = true;
                }
                let offs: Box<[u32]> = s
                    .fields()
                    .iter()
                    .zip(&layout.offsets)
                    .filter(|(f, _)| traced(f.storage))
                    .map(|(_, o)| *o)
                    .collect();
                if offs.is_empty() {
                    Trace::Leaf
                } else {
                    Trace::Fields(offs)
                }
            }
            CompositeType::Array(a) => {
                if exn(a.element.storage) {
                    self.holds_exceptions = true;
                }
                if traced(a.element.storage) {
                    Trace::Elements
                } else {
                    Trace::Leaf
                }
            }
            CompositeType::Func(_) => Trace::Leaf,
        };
        self.traces[i] = Some(trace);
    }

    /// Whether objects of canonical type `id` still need `ensure_trace`.
    pub fn traces_missing(&self, id: u32) -> bool {
        self.traces.get(id as usize).is_none_or(|t| t.is_none())
    }

    /// Allocates a zeroed object of `size` bytes (a multiple of 8, at least
    /// `MIN_OBJECT`) with its header; `None` when no room is left below the
    /// soft limit (collect, or `grow_for`, then try again).
    pub fn alloc(&mut self, type_id: u32, size: u32, array_len: Option<u32>) -> Option<u32> {
        let off = self.take(size)?;
        // SAFETY: `off..off + size` is inside the committed part (take
        // only hands out committed space) and belongs to no object.
        unsafe {
            let p = self.base.add(off as usize);
            std::ptr::write_bytes(p, 0, size as usize);
            (p as *mut u32).write(type_id);
            let flags = if array_len.is_some() { FLAG_ARRAY } else { 0 };
            (p.add(4) as *mut u32).write(size | flags);
            if let Some(len) = array_len {
                (p.add(ARRAY_LEN as usize) as *mut u32).write(len);
            }
        }
        self.stats.allocated_objects += 1;
        self.objects_since_gc += 1;
        Some(off)
    }

    /// Finds `size` free bytes without collecting; `None` when a
    /// collection (or a higher soft limit) is needed.
    fn take(&mut self, size: u32) -> Option<u32> {
        if size <= SMALL_MAX {
            let head = self.small[(size / 8) as usize];
            if head != 0 {
                // SAFETY: free-list entries are committed free chunks of
                // at least 16 bytes; their link is at offset 8.
                let next = unsafe { self.read_u32(head + 8) };
                self.small[(size / 8) as usize] = next;
                return Some(head);
            }
        }
        loop {
            if let Some(end) = self.cursor.checked_add(size)
                && end <= self.region_end
            {
                let off = self.cursor;
                self.cursor = end;
                if self.in_wilderness {
                    self.top = end;
                }
                return Some(off);
            }
            self.retire_region();
            if let Some(i) = self.large.iter().position(|(_, s)| *s >= size) {
                let (off, s) = self.large.swap_remove(i);
                self.cursor = off;
                self.region_end = off + s;
                self.in_wilderness = false;
                continue;
            }
            // The wilderness: from `top` to the soft limit.
            let end = u64::from(self.top) + u64::from(size);
            if end > u64::from(self.soft_limit) {
                return None;
            }
            self.commit(self.soft_limit).ok()?;
            self.cursor = self.top;
            self.region_end = self.soft_limit;
            self.in_wilderness = true;
        }
    }

    /// Ends the current region: its unused part becomes a free chunk (or,
    /// in the wilderness, stays beyond `top`).
    fn retire_region(&mut self) {
        if !self.in_wilderness && self.cursor < self.region_end {
            self.add_free(self.cursor, self.region_end - self.cursor);
        }
        self.cursor = 0;
        self.region_end = 0;
        self.in_wilderness = false;
    }

    /// Records `off..off + size` as a free chunk.
    fn add_free(&mut self, off: u32, size: u32) {
        // SAFETY: the chunk lies in the committed used part and holds no
        // live object.
        unsafe {
            self.write_u32(off, FREE_TYPE);
            self.write_u32(off + 4, size | FLAG_FREE);
        }
        if size < MIN_OBJECT {
            return;
        }
        if size <= SMALL_MAX {
            let class = (size / 8) as usize;
            // SAFETY: as above; the link is at offset 8.
            unsafe { self.write_u32(off + 8, self.small[class]) };
            self.small[class] = off;
        } else {
            self.large.push((off, size));
        }
    }

    /// Raises the soft limit so `size` more bytes fit (after a collection
    /// freed too little); false at the hard limit.
    pub fn grow_for(&mut self, size: u32) -> bool {
        let live = self.stats.live_bytes.min(u64::from(u32::MAX)) as u32;
        // Room for twice the live data, and at least the request.
        let want = u64::from(self.top)
            .max(u64::from(live) * 2)
            .saturating_add(u64::from(size))
            .saturating_add(u64::from(GRANULE));
        let new = want.min(u64::from(self.limit)) as u32;
        if new <= self.soft_limit && u64::from(self.top) + u64::from(size) > u64::from(self.soft_limit) {
            return false;
        }
        self.soft_limit = self.soft_limit.max(new);
        true
    }

    fn commit(&mut self, upto: u32) -> Result<()> {
        if upto <= self.committed {
            return Ok(());
        }
        let new = upto.div_ceil(GRANULE).saturating_mul(GRANULE).min(self.limit.div_ceil(GRANULE) * GRANULE);
        // SAFETY: inside the reservation this heap owns.
        let r = unsafe {
            libc::mprotect(
                self.base.add(self.committed as usize) as *mut libc::c_void,
                (new - self.committed) as usize,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if r != 0 {
            return Err(Error::limit("cannot commit GC heap memory"));
        }
        self.committed = new;
        Ok(())
    }

    /// # Safety
    /// `off + 4` must be within the committed part.
    unsafe fn read_u32(&self, off: u32) -> u32 {
        // SAFETY: per the contract; objects are 8-byte aligned.
        unsafe { (self.base.add(off as usize) as *const u32).read() }
    }

    /// # Safety
    /// As for `read_u32`.
    unsafe fn write_u32(&self, off: u32, v: u32) {
        // SAFETY: per the contract.
        unsafe { (self.base.add(off as usize) as *mut u32).write(v) }
    }

    /// Whether `r` (a raw reference) names an object this heap could hold.
    fn plausible(&self, r: u32) -> bool {
        is_object(r) && r >= FIRST && r < self.top
    }

    /// Marks everything reachable from `roots` (raw references; anything
    /// that is not an object of this heap is ignored).
    pub fn mark(&mut self, roots: impl IntoIterator<Item = u32>) {
        let mut stack: Vec<u32> = roots.into_iter().filter(|r| self.plausible(*r)).collect();
        while let Some(o) = stack.pop() {
            // SAFETY: plausible offsets are inside the used, committed part.
            let (ty, info) = unsafe { (self.read_u32(o), self.read_u32(o + 4)) };
            if info & (FLAG_MARK | FLAG_FREE) != 0 {
                continue;
            }
            // SAFETY: as above.
            unsafe { self.write_u32(o + 4, info | FLAG_MARK) };
            let mut push = |heap: &GcHeap, at: u32| {
                // SAFETY: a field of a live object inside the used part.
                let r = unsafe { heap.read_u32(at) };
                if heap.plausible(r) {
                    stack.push(r);
                }
            };
            match self.traces.get(ty as usize).and_then(|t| t.as_ref()) {
                Some(Trace::Fields(offs)) => {
                    for off in offs.iter() {
                        push(self, o + off);
                    }
                }
                Some(Trace::Elements) => {
                    // SAFETY: an array's length is in its header.
                    let len = unsafe { self.read_u32(o + ARRAY_LEN as u32) };
                    let size = info & !FLAGS;
                    let max = (size - ARRAY_DATA) / 4;
                    for i in 0..len.min(max) {
                        push(self, o + ARRAY_DATA + 4 * i);
                    }
                }
                _ => {}
            }
        }
    }

    /// Frees every unmarked object (after `mark`), clearing the marks,
    /// and rebuilds the free lists.
    pub fn sweep(&mut self) {
        self.retire_region();
        self.small.iter_mut().for_each(|h| *h = 0);
        self.large.clear();
        let mut at = FIRST;
        let mut free_start: Option<u32> = None;
        let (mut live_objects, mut live_bytes) = (0u64, 0u64);
        while at < self.top {
            // SAFETY: every chunk of the used part starts with a header.
            let info = unsafe { self.read_u32(at + 4) };
            let size = (info & !FLAGS).max(8);
            if info & FLAG_MARK != 0 && info & FLAG_FREE == 0 {
                // SAFETY: as above.
                unsafe { self.write_u32(at + 4, info & !FLAG_MARK) };
                live_objects += 1;
                live_bytes += u64::from(size);
                if let Some(fs) = free_start.take() {
                    self.add_free(fs, at - fs);
                }
            } else if free_start.is_none() {
                free_start = Some(at);
            }
            at = at.saturating_add(size);
        }
        if let Some(fs) = free_start {
            self.top = fs;
        }
        self.release_above_top();
        self.stats.collections += 1;
        self.stats.live_objects = live_objects;
        self.stats.live_bytes = live_bytes;
        self.objects_since_gc = 0;
    }

    /// Gives the pages above the used part back to the system (they read
    /// as zero when used again).
    fn release_above_top(&mut self) {
        let page = 4096u32;
        let start = self.top.div_ceil(page) * page;
        if start < self.committed {
            // SAFETY: committed pages of this heap holding no object.
            unsafe {
                libc::madvise(
                    self.base.add(start as usize) as *mut libc::c_void,
                    (self.committed - start) as usize,
                    libc::MADV_DONTNEED,
                );
            }
        }
    }

    /// The canonical type index and whether it is an array, for object `r`.
    pub fn header(&self, r: u32) -> Option<(u32, bool)> {
        if !self.plausible(r) {
            return None;
        }
        // SAFETY: plausible offsets are inside the used part.
        let (ty, info) = unsafe { (self.read_u32(r), self.read_u32(r + 4)) };
        (info & FLAG_FREE == 0).then_some((ty, info & FLAG_ARRAY != 0))
    }

    /// The address of byte `off` of object `r`, if `off + len` lies inside
    /// the object.
    pub fn field_ptr(&self, r: u32, off: u32, len: u32) -> Option<*mut u8> {
        if !self.plausible(r) {
            return None;
        }
        // SAFETY: as above.
        let size = unsafe { self.read_u32(r + 4) } & !FLAGS;
        (u64::from(off) + u64::from(len) <= u64::from(size))
            // SAFETY: inside the object, inside the committed part.
            .then(|| unsafe { self.base.add((r + off) as usize) })
    }

    /// The length of array `r`.
    pub fn array_len(&self, r: u32) -> Option<u32> {
        let p = self.field_ptr(r, ARRAY_LEN as u32, 4)?;
        // SAFETY: inside the object.
        Some(unsafe { (p as *const u32).read() })
    }
}

impl Drop for GcHeap {
    fn drop(&mut self) {
        // SAFETY: the mapping was made in `new` and nothing uses it once
        // the store is gone.
        unsafe { libc::munmap(self.base as *mut libc::c_void, RESERVATION) };
    }
}
