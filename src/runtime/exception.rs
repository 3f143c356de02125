//! Tags and exceptions (Wasm exception handling): the objects, their
//! handles, and how long exceptions live.
//!
//! A tag's identity is the address of its `TagData` (a vmctx holds that
//! address for every tag the module defines or imports); an exception's
//! `exnref` is the address of its `ExnData`. Both are boxed in the store,
//! so the addresses never move.
//!
//! Exceptions that only Wasm code saw (thrown, caught, dropped: the usual
//! `setjmp`/`longjmp` pattern) are freed when the outermost call into the
//! store returns, unless a global or table of the store still holds them.
//! An exception the host was handed (a result, a parameter it made, the
//! one an uncaught-exception trap carries) stays until the store is
//! dropped.

use super::store::{Store, StoreInner};
use super::val::Val;
use crate::error::{Error, Result};
use crate::types::{FuncType, TagType};

/// A tag owned by a store.
pub struct TagData {
    /// The values an exception with this tag carries (as a function type
    /// with no results).
    pub ty: FuncType,
    /// The canonical index of that type (tags match when it is equal).
    pub type_id: u32,
    /// The instance that defined it (`None`: made by the host).
    pub owner: Option<u32>,
}

/// A handle to a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Tag {
    /// A new tag in `store`, for host code to throw (and catch) exceptions
    /// with, or to import into modules.
    pub fn new(store: &mut Store, ty: &TagType) -> Tag {
        let data = Box::new(TagData {
            ty: ty.func_type().clone(),
            type_id: store.inner.engine.type_id(ty.func_type()),
            owner: None,
        });
        let index = store.inner.tags.insert_with(|_| data);
        Tag {
            store_id: store.inner.id,
            index,
        }
    }

    /// The tag's type.
    pub fn ty(&self, store: &Store) -> TagType {
        store.check(self.store_id);
        TagType::new(store.inner.tags[self.index as usize].ty.params().iter().copied())
    }

    /// The identity compiled code compares: the `TagData` address.
    pub(crate) fn addr(&self, store: &StoreInner) -> usize {
        &*store.tags[self.index as usize] as *const TagData as usize
    }
}

/// An exception: its tag and the values it carries. `#[repr(C)]`: compiled
/// code reads `tag` and `values` at `EXN_TAG` and `EXN_VALUES`.
#[repr(C)]
pub struct ExnData {
    /// The tag's identity (`TagData` address).
    pub tag: usize,
    /// The carried values, one 16-byte slot each.
    pub values: *const u128,
    /// Number of values.
    pub len: u32,
    /// Index of the exception in its store.
    pub index: u32,
    /// Index of the tag in its store.
    pub tag_index: u32,
    /// Kept past the outermost call: the host saw it.
    pub pinned: bool,
    /// Wasm saw it as an `exnref` (`catch_ref`, `catch_all_ref`, or a
    /// legacy `catch`, whose body may `rethrow` it): it may live in a
    /// local, a global or a table, so only `collect_exceptions` frees it.
    /// Compiled code sets it (at `EXN_EXPOSED`).
    pub exposed: bool,
    /// Owns what `values` points to.
    payload: Vec<u128>,
}

impl ExnData {
    /// The carried values, raw.
    pub fn raw_values(&self) -> &[u128] {
        &self.payload
    }
}

/// Offsets of `ExnData` fields.
pub const EXN_TAG: i32 = 0;
pub const EXN_VALUES: i32 = 8;
pub const EXN_EXPOSED: i32 = std::mem::offset_of!(ExnData, exposed) as i32;

/// A handle to an exception (an `exnref` the host holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExnRef {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl ExnRef {
    /// A new exception with `tag` carrying `values` (which must match the
    /// tag's type), for host code to throw (see `Trap::throw`) or pass to
    /// Wasm. It lives as long as the store.
    pub fn new(store: &mut Store, tag: Tag, values: &[Val]) -> Result<ExnRef> {
        store.check(tag.store_id);
        let ty = store.inner.tags[tag.index as usize].ty.clone();
        if ty.params().len() != values.len()
            || values
                .iter()
                .zip(ty.params())
                .any(|(v, t)| !v.belongs_to(&store.inner) || !v.matches(*t, &store.inner))
        {
            return Err(Error::ty(format!(
                "an exception with tag {ty} cannot carry {values:?}"
            )));
        }
        let raw: Vec<u128> = values.iter().map(|v| v.to_raw(&store.inner)).collect();
        for v in values {
            store.inner.pin_val(v, None);
        }
        let index = store.inner.new_exception(tag, &raw);
        store.inner.exns[index as usize].pinned = true;
        Ok(ExnRef {
            store_id: store.inner.id,
            index,
        })
    }

    /// The exception's tag.
    pub fn tag(&self, store: &Store) -> Tag {
        store.check(self.store_id);
        Tag {
            store_id: self.store_id,
            index: store.inner.exns[self.index as usize].tag_index,
        }
    }

    /// The values the exception carries.
    pub fn values(&self, store: &Store) -> Vec<Val> {
        store.check(self.store_id);
        let exn = &store.inner.exns[self.index as usize];
        let ty = &store.inner.tags[exn.tag_index as usize].ty;
        exn.payload
            .iter()
            .zip(ty.params())
            .map(|(raw, t)| Val::from_raw(*raw, *t, &store.inner))
            .collect()
    }

    /// The raw `exnref` compiled code uses: the `ExnData` address.
    pub(crate) fn to_raw(self, store: &StoreInner) -> u64 {
        &*store.exns[self.index as usize] as *const ExnData as u64
    }

    /// The handle for a raw `exnref` (`None` for null); the host now holds
    /// it, so it is pinned.
    pub(crate) fn from_raw(store: &StoreInner, raw: u64) -> Option<ExnRef> {
        if raw == 0 {
            return None;
        }
        // SAFETY: non-null exnrefs are addresses of live ExnData boxes of
        // this store (compiled code only ever holds those).
        let exn = unsafe { &mut *(raw as *mut ExnData) };
        exn.pinned = true;
        Some(ExnRef {
            store_id: store.id,
            index: exn.index,
        })
    }
}

impl StoreInner {
    /// Stores a new exception with `tag` and raw `values`; returns its index.
    pub(crate) fn new_exception(&mut self, tag: Tag, values: &[u128]) -> u32 {
        let tag_addr = tag.addr(self);
        // A freed exception's box and buffer are reused: a throw/catch
        // loop allocates nothing.
        let index = self.exns.insert_reusing(
            |exn, _| {
                exn.payload.clear();
                exn.payload.extend_from_slice(values);
                exn.tag = tag_addr;
                exn.values = exn.payload.as_ptr();
                exn.len = values.len() as u32;
                exn.tag_index = tag.index;
                exn.pinned = false;
                exn.exposed = false;
            },
            |index| {
                let payload = values.to_vec();
                Box::new(ExnData {
                    tag: tag_addr,
                    values: payload.as_ptr(),
                    len: values.len() as u32,
                    index,
                    tag_index: tag.index,
                    pinned: false,
                    exposed: false,
                    payload,
                })
            },
        );
        self.exns_since_collect += 1;
        index
    }

    /// Frees the exceptions no one can reach any more: called when the
    /// outermost call into the store has returned, so no Wasm frame holds
    /// one. Pinned ones (the host saw them) and those in globals or tables
    /// stay.
    pub(crate) fn collect_exceptions(&mut self) {
        // A GC object may hold an exception: with such types in the heap,
        // exceptions live as long as the store.
        if self.exns_since_collect == 0 || self.gc.as_ref().is_some_and(|h| h.holds_exceptions) {
            return;
        }
        self.exns_since_collect = 0;
        let mut reachable = std::collections::HashSet::new();
        for g in self.globals.iter() {
            if crate::types::is_exn_ref(g.ty.content) {
                reachable.insert(g.get_raw() as u64);
            }
        }
        for t in self.tables.iter() {
            if crate::types::is_exn_ref(t.ty.element) {
                reachable.extend(t.elements().iter().copied());
            }
        }
        let mut free = Vec::new();
        for exn in self.exns.iter() {
            let addr = &**exn as *const ExnData as u64;
            // tag 0: a free slot.
            if !exn.pinned && exn.tag != 0 && !reachable.contains(&addr) {
                free.push(exn.index);
            }
        }
        for index in free {
            self.free_exception(index);
        }
    }

    fn free_exception(&mut self, index: u32) {
        let exn = &mut self.exns[index as usize];
        exn.tag = 0;
        // The slot keeps its box and payload buffer for the next one.
        exn.payload.clear();
        exn.values = exn.payload.as_ptr();
        exn.len = 0;
        self.exns.recycle(index);
    }

    /// Frees the exception at `raw` (an `ExnData` address of this store)
    /// at once, unless the host or Wasm code may still refer to it (pinned
    /// or exposed): a `catch` without a reference has taken its values,
    /// and nothing else can reach it. So a loop that throws and catches
    /// runs in constant memory.
    ///
    /// # Safety
    /// `raw` is a live exception of this store.
    pub(crate) unsafe fn release_exception(&mut self, raw: u64) {
        // SAFETY: the caller's contract.
        let exn = unsafe { &*(raw as *const ExnData) };
        if exn.pinned || exn.exposed || exn.tag == 0 {
            return;
        }
        let index = exn.index;
        self.free_exception(index);
    }
}

unsafe extern "C" {
    /// Continues at a handler (see `unwind.c`).
    fn wasi_rt_resume(pc: usize, sp: usize, fp: usize, payload: u64) -> !;
}

/// Where a caught exception continues.
#[derive(Clone, Copy)]
struct Landing {
    pc: usize,
    sp: usize,
    fp: usize,
}

/// Searches the Wasm frames above the frame whose frame pointer is `fp`
/// (the throw stub's or an exit trampoline's), innermost first, for a
/// handler of exceptions with tag identity `tag`.
///
/// # Safety
/// `fp` must be the live frame pointer of such a frame on this thread,
/// called from Wasm code compiled with frame pointers.
unsafe fn find_handler(fp: usize, tag: usize) -> Option<Landing> {
    use super::code::{HandlerRec, with_call_site};
    use super::vmctx::VMCTX_INSTANCE;
    // SAFETY: per the contract, `fp` holds the caller's frame pointer and
    // the return address above it; so does every Wasm frame's.
    let (mut frame_fp, mut ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
    loop {
        let found = with_call_site(ret, |site| {
            let (base, frame_offset, handlers) = site?;
            let sp = frame_fp - frame_offset as usize;
            let mut ctx = 0usize;
            for h in handlers {
                let target = match *h {
                    HandlerRec::Context(off) => {
                        // SAFETY: the call site's context slot, in the
                        // live frame (checked against the frame size when
                        // the code was loaded).
                        ctx = unsafe { *((sp + off as usize) as *const usize) };
                        continue;
                    }
                    HandlerRec::Default(target) => target,
                    HandlerRec::Tag { tag: index, target } => {
                        if ctx == 0 {
                            continue;
                        }
                        // SAFETY: `ctx` is the frame's vmctx, whose header
                        // holds its instance; the tag slot is in range
                        // (the module's tag index was validated).
                        let identity = unsafe {
                            let inst = &*(*((ctx + VMCTX_INSTANCE as usize) as *const usize)
                                as *const super::instance::InstanceData);
                            *((ctx + inst.offsets.tag(index) as usize) as *const usize)
                        };
                        if identity != tag {
                            continue;
                        }
                        target
                    }
                };
                return Some(Landing {
                    pc: base + target as usize,
                    sp,
                    fp: frame_fp,
                });
            }
            None
        });
        match found {
            // Out of Wasm code: no handler.
            None => return None,
            Some(Some(landing)) => return Some(landing),
            Some(None) => {}
        }
        // SAFETY: as above, one frame further out.
        let next = unsafe { *(frame_fp as *const usize) };
        // SAFETY: as above.
        ret = unsafe { *((frame_fp + 8) as *const usize) };
        if next <= frame_fp {
            return None;
        }
        frame_fp = next;
    }
}

/// Throws the exception at `raw` (an `ExnData` address of `store`) from
/// the frame whose frame pointer is `fp`: resumes at the first handler
/// that catches it, or unwinds to the innermost entry from the host with
/// an "uncaught exception" trap that carries it.
///
/// # Safety
/// As `find_handler`; every frame between here and the handler (or the
/// entry) owns nothing that needs dropping.
pub(crate) unsafe fn throw_raw(store: &mut StoreInner, raw: u64, fp: usize) -> ! {
    // SAFETY: `raw` is a live exception of this store.
    let tag = unsafe { (*(raw as *const ExnData)).tag };
    // SAFETY: forwarded.
    match unsafe { find_handler(fp, tag) } {
        // SAFETY: the landing is a handler of a live Wasm frame of this
        // thread; nothing between here and it needs dropping.
        Some(l) => unsafe { wasi_rt_resume(l.pc, l.sp, l.fp, raw) },
        None => {
            let exn = ExnRef::from_raw(store, raw).expect("a thrown exception is not null");
            let mut trap = super::trap::Trap::throw(exn);
            // SAFETY: forwarded.
            trap.set_frames(unsafe { super::trap::backtrace_from(fp) });
            // SAFETY: forwarded.
            unsafe { super::trap::raise(trap) }
        }
    }
}

/// What the throw stub calls: makes the exception (for `throw`, tag index
/// `tag` of the calling instance with `values`; for `throw_ref`, `tag` is
/// `u32::MAX` and `exn` the exception) and throws it.
///
/// # Safety
/// Called only by the throw stub, with the calling Wasm function's vmctx,
/// a value array of the tag's arity, and the stub's frame pointer.
pub unsafe extern "C" fn throw_entry(
    vmctx: *mut u8,
    tag: u32,
    values: *const u128,
    exn: u64,
    fp: usize,
) -> ! {
    use super::vmctx::{VMCTX_INSTANCE, VMCTX_STORE};
    // SAFETY: a live vmctx holds its store and instance in its header.
    let (store, inst) = unsafe {
        (
            &mut *(*(vmctx.add(VMCTX_STORE as usize) as *const *mut StoreInner)),
            &*(*(vmctx.add(VMCTX_INSTANCE as usize) as *const *const super::instance::InstanceData)),
        )
    };
    let raw = if tag == u32::MAX {
        exn
    } else {
        let tag_index = inst.tags[tag as usize];
        let n = store.tags[tag_index as usize].ty.params().len();
        // SAFETY: the compiled `throw` stored the tag's `n` values there.
        // (NULL when there are none.)
        let vals = if n == 0 {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(values, n) }
        };
        let handle = Tag {
            store_id: store.id,
            index: tag_index,
        };
        let index = store.new_exception(handle, vals);
        &*store.exns[index as usize] as *const ExnData as u64
    };
    // SAFETY: forwarded; only plain values live on this frame.
    unsafe { throw_raw(store, raw, fp) }
}
