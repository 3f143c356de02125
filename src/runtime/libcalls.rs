//! Runtime functions called from compiled code (see `libcalls_list.rs` for
//! the table order and signatures). Each reaches the instance through the
//! vmctx; an out-of-bounds access raises a trap to the entry point after
//! every local has been dropped.

use crate::types::is_func_ref;
use super::instance::InstanceData;
use super::memory::MemoryData;
use super::table::TableData;
use super::trap::{self, Trap, TrapCode};
use super::vmctx::*;

/// Addresses of the libcalls, indexed by `Libcall as usize`.
pub static TABLE: LibcallTable = LibcallTable([
    memory_grow as *const (),
    memory_fill as *const (),
    memory_copy as *const (),
    memory_init as *const (),
    data_drop as *const (),
    table_get as *const (),
    table_set as *const (),
    table_grow as *const (),
    table_fill as *const (),
    table_copy as *const (),
    table_init as *const (),
    elem_drop as *const (),
    global_set_funcref as *const (),
    exn_release as *const (),
    memory_atomic_notify as *const (),
    memory_atomic_wait32 as *const (),
    memory_atomic_wait64 as *const (),
    wasi_rt_gc_alloc as *const (),
    is_subtype as *const (),
    array_copy as *const (),
    array_init_data as *const (),
    array_init_elem as *const (),
    segment_check as *const (),
]);

/// The table's storage: plain function addresses.
pub struct LibcallTable(pub [*const (); 23]);

// SAFETY: the table is immutable and holds only code addresses.
unsafe impl Sync for LibcallTable {}

/// # Safety
/// `vmctx` must be a live instance vmctx (compiled code passes its own).
unsafe fn instance<'a>(vmctx: *mut u8) -> &'a mut InstanceData {
    // SAFETY: header slot VMCTX_INSTANCE holds the owning InstanceData.
    unsafe { &mut **(vmctx.add(VMCTX_INSTANCE as usize) as *mut *mut InstanceData) }
}

/// # Safety
/// As for `instance`; `index` was validated against the module.
unsafe fn memory<'a>(vmctx: *mut u8, index: u32) -> &'a mut MemoryData {
    // SAFETY: the instance's memory list holds store indices of live,
    // boxed MemoryData (the vmctx slot points at what compiled code reads,
    // which for a shared memory is not the store's MemoryData).
    unsafe {
        let m = instance(vmctx).memories[index as usize];
        &mut *store(vmctx).memories[m as usize]
    }
}

/// # Safety
/// As for `memory`.
unsafe fn table<'a>(vmctx: *mut u8, index: u32) -> &'a mut TableData {
    // SAFETY: table slots point at store-owned, boxed TableData.
    unsafe {
        let inst = instance(vmctx);
        let off = inst.offsets.table(index) as usize;
        &mut **(vmctx.add(off) as *mut *mut TableData)
    }
}

/// The store of the instance whose vmctx this is.
///
/// # Safety
/// As for `instance`.
unsafe fn store<'a>(vmctx: *mut u8) -> &'a mut super::store::StoreInner {
    // SAFETY: header slot VMCTX_STORE holds the owning StoreInner.
    unsafe { &mut **(vmctx.add(VMCTX_STORE as usize) as *mut *mut super::store::StoreInner) }
}

/// Pins the instance of funcref `val` when it goes into table `t`, which
/// another instance (or the host) owns.
///
/// # Safety
/// As for `instance`.
unsafe fn pin_into(vmctx: *mut u8, t: &TableData, val: u64) {
    let (ty, owner) = (t.ty.element, t.owner);
    // SAFETY: forwarded.
    unsafe { store(vmctx) }.pin_funcref(val, ty, owner);
}

/// Finishes a libcall: raises the trap, if any, with nothing left to drop.
fn finish<T>(r: Result<T, TrapCode>) -> T {
    match r {
        Ok(v) => v,
        // SAFETY: this frame holds only `r`'s payload-free code; the frames
        // between here and the entry are Wasm frames.
        Err(code) => unsafe { trap::raise(Trap::from_code(code, Vec::new())) },
    }
}

fn range(start: u64, len: u64, size: usize) -> Option<std::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    (end <= size as u64).then_some(start as usize..end as usize)
}

unsafe extern "C" fn memory_grow(vmctx: *mut u8, mem: u32, delta: u64) -> u64 {
    // SAFETY: called by compiled code with its vmctx and a valid index.
    let log2 = unsafe { memory(vmctx, mem) }.ty.page_size_log2;
    let bytes = delta
        .checked_shl(log2.into())
        .filter(|b| b >> log2 == delta)
        .unwrap_or(u64::MAX);
    // SAFETY: as above; the store reference ends before the memory
    // reference below is made.
    if !unsafe { store(vmctx) }.memory_fits(bytes) {
        return u64::MAX;
    }
    // SAFETY: as above.
    let m = unsafe { memory(vmctx, mem) };
    m.grow(delta).unwrap_or(u64::MAX)
}

unsafe extern "C" fn memory_fill(vmctx: *mut u8, mem: u32, dst: u64, val: u32, len: u64) {
    // SAFETY: as above.
    let m = unsafe { memory(vmctx, mem) };
    let r = range(dst, len, m.data().len())
        .map(|r| m.data_mut()[r].fill(val as u8))
        .ok_or(TrapCode::MemoryOutOfBounds);
    finish(r)
}

unsafe extern "C" fn memory_copy(
    vmctx: *mut u8,
    dst_mem: u32,
    src_mem: u32,
    dst: u64,
    src: u64,
    len: u64,
) {
    // SAFETY: as above. Source and destination may be the same memory, so
    // the copy goes through raw pointers with memmove semantics.
    let r = unsafe {
        let s = memory(vmctx, src_mem);
        let (sbase, slen) = (s.base(), s.data().len());
        let d = memory(vmctx, dst_mem);
        let (dbase, dlen) = (d.base(), d.data().len());
        match (range(src, len, slen), range(dst, len, dlen)) {
            (Some(sr), Some(dr)) => {
                std::ptr::copy(sbase.add(sr.start), dbase.add(dr.start), len as usize);
                Ok(())
            }
            _ => Err(TrapCode::MemoryOutOfBounds),
        }
    };
    finish(r)
}

unsafe extern "C" fn memory_init(
    vmctx: *mut u8,
    mem: u32,
    data: u32,
    dst: u64,
    src: u32,
    len: u32,
) {
    // SAFETY: as above.
    let (inst, m) = unsafe { (instance(vmctx), memory(vmctx, mem)) };
    let bytes: &[u8] = if inst.data_dropped[data as usize] {
        &[]
    } else {
        &inst.module.info().datas[data as usize].bytes
    };
    let r = match (
        range(src.into(), len.into(), bytes.len()),
        range(dst, len.into(), m.data().len()),
    ) {
        (Some(sr), Some(dr)) => {
            m.data_mut()[dr].copy_from_slice(&bytes[sr]);
            Ok(())
        }
        _ => Err(TrapCode::MemoryOutOfBounds),
    };
    finish(r)
}

unsafe extern "C" fn data_drop(vmctx: *mut u8, data: u32) {
    // SAFETY: as above.
    unsafe { instance(vmctx) }.data_dropped[data as usize] = true;
}

unsafe extern "C" fn table_get(vmctx: *mut u8, t: u32, index: u64) -> u64 {
    // SAFETY: as above.
    let t = unsafe { table(vmctx, t) };
    finish(
        t.elements()
            .get(usize::try_from(index).unwrap_or(usize::MAX))
            .copied()
            .ok_or(TrapCode::TableOutOfBounds),
    )
}

unsafe extern "C" fn table_set(vmctx: *mut u8, t: u32, index: u64, val: u64) {
    // SAFETY: as above.
    let t = unsafe { table(vmctx, t) };
    // SAFETY: as above.
    unsafe { pin_into(vmctx, t, val) };
    let r = t
        .elements_mut()
        .get_mut(usize::try_from(index).unwrap_or(usize::MAX))
        .map(|s| *s = val)
        .ok_or(TrapCode::TableOutOfBounds);
    finish(r)
}

unsafe extern "C" fn table_grow(vmctx: *mut u8, t: u32, delta: u64, init: u64) -> u64 {
    let extra = delta.saturating_mul(super::table::TABLE_ELEMENT_BYTES);
    // SAFETY: as in `memory_grow`: the store reference ends here.
    if !unsafe { store(vmctx) }.memory_fits(extra) {
        return u64::MAX;
    }
    // SAFETY: as above.
    let t = unsafe { table(vmctx, t) };
    // SAFETY: as above.
    unsafe { pin_into(vmctx, t, init) };
    t.grow(delta, init).unwrap_or(u64::MAX)
}

unsafe extern "C" fn table_fill(vmctx: *mut u8, t: u32, dst: u64, val: u64, len: u64) {
    // SAFETY: as above.
    let t = unsafe { table(vmctx, t) };
    // SAFETY: as above.
    unsafe { pin_into(vmctx, t, val) };
    let r = range(dst, len, t.elements().len())
        .map(|r| t.elements_mut()[r].fill(val))
        .ok_or(TrapCode::TableOutOfBounds);
    finish(r)
}

unsafe extern "C" fn table_copy(
    vmctx: *mut u8,
    dst_t: u32,
    src_t: u32,
    dst: u64,
    src: u64,
    len: u64,
) {
    // SAFETY: as above; tables may be the same, so copy via raw pointers.
    let r = unsafe {
        let s = table(vmctx, src_t);
        let (sbase, slen) = (s.vm.base, s.elements().len());
        let s_owner = s.owner;
        let d = table(vmctx, dst_t);
        let (dbase, dlen) = (d.vm.base, d.elements().len());
        let (d_owner, ty) = (d.owner, d.ty.element);
        match (range(src, len, slen), range(dst, len, dlen)) {
            (Some(sr), Some(dr)) => {
                if s_owner != d_owner {
                    for i in sr.clone() {
                        store(vmctx).pin_funcref(*sbase.add(i), ty, d_owner);
                    }
                }
                std::ptr::copy(sbase.add(sr.start), dbase.add(dr.start), len as usize);
                Ok(())
            }
            _ => Err(TrapCode::TableOutOfBounds),
        }
    };
    finish(r)
}

unsafe extern "C" fn table_init(vmctx: *mut u8, t: u32, elem: u32, dst: u64, src: u32, len: u32) {
    // SAFETY: as above.
    let (inst, t) = unsafe { (instance(vmctx), table(vmctx, t)) };
    // The segment holds this instance's (or imported, already pinned)
    // functions: a table owned elsewhere keeps this instance alive.
    if t.owner != Some(inst.index) && is_func_ref(t.ty.element) {
        // SAFETY: as above.
        unsafe { store(vmctx) }.pin(Some(inst.index));
    }
    let items = &inst.elems[elem as usize];
    let r = match (
        range(src.into(), len.into(), items.len()),
        range(dst, len.into(), t.elements().len()),
    ) {
        (Some(sr), Some(dr)) => {
            t.elements_mut()[dr].copy_from_slice(&items[sr]);
            Ok(())
        }
        _ => Err(TrapCode::TableOutOfBounds),
    };
    finish(r)
}

unsafe extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
    // SAFETY: as above.
    let inst = unsafe { instance(vmctx) };
    inst.elems[elem as usize] = Vec::new();
}

unsafe extern "C" fn global_set_funcref(vmctx: *mut u8, global: u32, val: u64) {
    // SAFETY: called by compiled code with its vmctx and a valid index;
    // global slots point at store-owned, boxed GlobalData.
    unsafe {
        let inst = instance(vmctx);
        let off = inst.offsets.global(global) as usize;
        let g = &mut **(vmctx.add(off) as *mut *mut super::global::GlobalData);
        store(vmctx).pin_funcref(val, crate::ValType::FuncRef, g.owner);
        g.set_raw(val as u128);
    }
}

unsafe extern "C" fn exn_release(vmctx: *mut u8, raw: u64) {
    // SAFETY: called by compiled code with its vmctx, right after a
    // `catch` clause without a reference read the values of `raw`, a live
    // exception of this store that no Wasm value refers to unless it was
    // exposed (which `release_exception` checks).
    unsafe { store(vmctx).release_exception(raw) }
}

/// The host address of a `size`-byte atomic access at `index + offset` in
/// `m`: unaligned addresses trap first, then those out of bounds.
fn atomic_addr(m: &MemoryData, index: u64, offset: u64, size: u64) -> Result<usize, TrapCode> {
    let addr = index.wrapping_add(offset);
    if addr % size != 0 {
        return Err(TrapCode::UnalignedAtomic);
    }
    match index.checked_add(offset) {
        Some(a) if a.checked_add(size).is_some_and(|end| end <= m.byte_len()) => {
            Ok(m.base() as usize + a as usize)
        }
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

unsafe extern "C" fn memory_atomic_notify(
    vmctx: *mut u8,
    mem: u32,
    index: u64,
    offset: u64,
    count: u32,
) -> u32 {
    // SAFETY: called by compiled code with its vmctx and a valid index.
    let m = unsafe { memory(vmctx, mem) };
    let r = atomic_addr(m, index, offset, 4).map(|addr| {
        // Nothing waits on a memory that is not shared.
        if m.shared().is_some() {
            super::parking::notify(addr, count)
        } else {
            0
        }
    });
    finish(r)
}

fn wait_timeout(ns: i64) -> Option<std::time::Duration> {
    // Negative: no timeout.
    u64::try_from(ns).ok().map(std::time::Duration::from_nanos)
}

/// # Safety
/// Called by compiled code with its vmctx and a valid memory index.
unsafe fn memory_atomic_wait(
    vmctx: *mut u8,
    mem: u32,
    index: u64,
    offset: u64,
    expected: u64,
    wide: bool,
    timeout: i64,
) -> u32 {
    // With epoch interruption, the wait ends once the store's deadline
    // passes, as compiled code would (read here: the store reference ends
    // before the memory reference below is made).
    let (deadline, epoch) = {
        // SAFETY: the caller's contract.
        let limits = &unsafe { store(vmctx) }.limits;
        (limits.epoch_deadline, limits.epoch)
    };
    // SAFETY: the engine's epoch counter outlives its stores.
    let passed = move || unsafe { &*epoch }.load(std::sync::atomic::Ordering::Relaxed) >= deadline;
    let stop: Option<&dyn Fn() -> bool> = (deadline != u64::MAX).then_some(&passed);
    // SAFETY: the caller's contract.
    let m = unsafe { memory(vmctx, mem) };
    let r = atomic_addr(m, index, offset, if wide { 8 } else { 4 }).and_then(|addr| {
        if m.shared().is_none() {
            return Err(TrapCode::WaitOnUnsharedMemory);
        }
        // SAFETY: `addr` is aligned and inside the shared memory, which
        // this store keeps alive for the wait (its bytes never move).
        match unsafe { super::parking::wait(addr, expected, wide, wait_timeout(timeout), stop) } {
            // Another thread ended the program: stop this one.
            super::parking::WaitResult::Cancelled => Err(TrapCode::Interrupt),
            r => Ok(r as u32),
        }
    });
    finish(r)
}

unsafe extern "C" fn memory_atomic_wait32(
    vmctx: *mut u8,
    mem: u32,
    index: u64,
    offset: u64,
    expected: u32,
    timeout: i64,
) -> u32 {
    // SAFETY: forwarded.
    unsafe { memory_atomic_wait(vmctx, mem, index, offset, expected.into(), false, timeout) }
}

unsafe extern "C" fn memory_atomic_wait64(
    vmctx: *mut u8,
    mem: u32,
    index: u64,
    offset: u64,
    expected: u64,
    timeout: i64,
) -> u32 {
    // SAFETY: forwarded.
    unsafe { memory_atomic_wait(vmctx, mem, index, offset, expected, true, timeout) }
}

unsafe extern "C" {
    /// The allocator's entry (`sys/unwind.c`): sets up a frame whose frame
    /// pointer is the exit the collector walks the Wasm stack from, then
    /// calls `wasi_rt_gc_alloc_slow` with it.
    fn wasi_rt_gc_alloc(vmctx: *mut u8, ty: u32, size: u32, len: u32, array: u32) -> u64;
}

/// Allocates a zeroed struct (`size` bytes) or array (`len` elements of
/// `size` bytes) of canonical type `ty`; traps when it cannot.
///
/// # Safety
/// Called only through `wasi_rt_gc_alloc` by compiled code, with its vmctx
/// and the entry's frame pointer `fp`.
#[unsafe(no_mangle)]
unsafe extern "C" fn wasi_rt_gc_alloc_slow(
    vmctx: *mut u8,
    ty: u32,
    size: u32,
    len: u32,
    array: u32,
    fp: usize,
) -> u64 {
    use super::gc::layout;
    let bytes = if array != 0 {
        layout::array_size(size, len)
    } else {
        Some(size)
    };
    let r = match bytes {
        None => Err(TrapCode::AllocationTooLarge),
        Some(bytes) => {
            // SAFETY: compiled code passes its own vmctx.
            let store = unsafe { store(vmctx) };
            store.gc_exits.push(fp);
            // SAFETY: every Wasm frame of the store is stopped at a call
            // whose exit is on the list (this one included).
            let r = unsafe { store.gc_alloc(ty, bytes, (array != 0).then_some(len), true) };
            store.gc_exits.pop();
            match r {
                Ok(Some(obj)) => Ok(u64::from(obj)),
                Ok(None) if bytes as u64 > store.gc_limit => Err(TrapCode::AllocationTooLarge),
                _ => Err(TrapCode::OutOfGcMemory),
            }
        }
    };
    finish(r)
}

unsafe extern "C" fn is_subtype(vmctx: *mut u8, a: u32, b: u32) -> u32 {
    // SAFETY: compiled code passes its own vmctx.
    let store = unsafe { store(vmctx) };
    store.engine.types().is_subtype(a, b).into()
}

/// The elements `index..index + len` of array `r` (`elem` bytes each) as
/// a byte range of the heap, or an out-of-bounds trap.
fn array_bytes(
    heap: &super::gc::GcHeap,
    r: u64,
    index: u32,
    len: u32,
    elem: u32,
) -> Result<*mut u8, TrapCode> {
    let r = r as u32;
    let n = heap.array_len(r).ok_or(TrapCode::NullReference)?;
    if u64::from(index) + u64::from(len) > u64::from(n) {
        return Err(TrapCode::ArrayOutOfBounds);
    }
    let off = super::gc::layout::ARRAY_DATA as u64 + u64::from(index) * u64::from(elem);
    heap.field_ptr(r, off as u32, len * elem)
        .ok_or(TrapCode::ArrayOutOfBounds)
}

unsafe extern "C" fn array_copy(
    vmctx: *mut u8,
    dst: u64,
    di: u32,
    src: u64,
    si: u32,
    len: u32,
    elem: u32,
) {
    // SAFETY: compiled code passes its own vmctx.
    let store = unsafe { store(vmctx) };
    let r = match store.gc.as_deref() {
        None => Err(TrapCode::NullReference),
        Some(heap) => array_bytes(heap, dst, di, len, elem).and_then(|d| {
            let s = array_bytes(heap, src, si, len, elem)?;
            // SAFETY: both ranges lie inside live arrays of the heap;
            // `copy` allows them to overlap.
            unsafe { std::ptr::copy(s, d, (len * elem) as usize) };
            Ok(())
        }),
    };
    finish(r)
}

unsafe extern "C" fn array_init_data(
    vmctx: *mut u8,
    arr: u64,
    data: u32,
    di: u32,
    src: u32,
    len: u32,
    elem: u32,
) {
    // SAFETY: compiled code passes its own vmctx.
    let (inst, store) = unsafe { (instance(vmctx), store(vmctx)) };
    let bytes: &[u8] = if inst.data_dropped[data as usize] {
        &[]
    } else {
        &inst.module.info().datas[data as usize].bytes
    };
    let r = match store.gc.as_deref() {
        None => Err(TrapCode::NullReference),
        Some(heap) => array_bytes(heap, arr, di, len, elem).and_then(|d| {
            let n = u64::from(len) * u64::from(elem);
            let sr = range(src.into(), n, bytes.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
            // SAFETY: `d` has room for `n` bytes inside a live array.
            unsafe { std::ptr::copy_nonoverlapping(bytes[sr].as_ptr(), d, n as usize) };
            Ok(())
        }),
    };
    finish(r)
}

unsafe extern "C" fn array_init_elem(
    vmctx: *mut u8,
    arr: u64,
    seg: u32,
    di: u32,
    src: u32,
    len: u32,
    elem: u32,
) {
    // SAFETY: compiled code passes its own vmctx.
    let (inst, store) = unsafe { (instance(vmctx), store(vmctx)) };
    let items = &inst.elems[seg as usize];
    let r = match store.gc.as_deref() {
        None => Err(TrapCode::NullReference),
        Some(heap) => array_bytes(heap, arr, di, len, elem).and_then(|d| {
            let sr = range(src.into(), len.into(), items.len()).ok_or(TrapCode::TableOutOfBounds)?;
            for (i, raw) in items[sr].iter().enumerate() {
                // SAFETY: element `i` of the range checked above.
                unsafe {
                    let p = d.add(i * elem as usize);
                    if elem == 4 {
                        (p as *mut u32).write_unaligned(*raw as u32);
                    } else {
                        (p as *mut u64).write_unaligned(*raw);
                    }
                }
            }
            Ok(())
        }),
    };
    finish(r)
}

unsafe extern "C" fn segment_check(vmctx: *mut u8, kind: u32, seg: u32, src: u32, len: u32, elem: u32) {
    // SAFETY: compiled code passes its own vmctx.
    let inst = unsafe { instance(vmctx) };
    let r = if kind == 0 {
        let n = if inst.data_dropped[seg as usize] {
            0
        } else {
            inst.module.info().datas[seg as usize].bytes.len()
        };
        range(src.into(), u64::from(len) * u64::from(elem), n)
            .map(|_| ())
            .ok_or(TrapCode::MemoryOutOfBounds)
    } else {
        range(src.into(), len.into(), inst.elems[seg as usize].len())
            .map(|_| ())
            .ok_or(TrapCode::TableOutOfBounds)
    };
    finish(r)
}
