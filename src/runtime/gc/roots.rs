//! Finding the collector's roots, and the host's root table.

use super::layout::is_traced;
use crate::runtime::store::StoreInner;

/// Every raw reference a root of `store` holds (non-objects included; the
/// heap ignores them).
///
/// # Safety
/// Every frame pointer on the store's exit list must belong to a frame
/// that is still live on this thread, stopped at a call into the host.
pub(super) unsafe fn gather(store: &StoreInner) -> Vec<u32> {
    let mut roots = Vec::new();
    for exit in &store.gc_exits {
        // SAFETY: forwarded.
        unsafe { stack_roots(*exit, &mut roots) };
    }
    for g in store.globals.iter() {
        if is_traced(g.ty.content) {
            roots.push(g.get_raw() as u32);
        }
    }
    for t in store.tables.iter() {
        if is_traced(t.ty.element) {
            roots.extend(t.elements().iter().map(|r| *r as u32));
        }
    }
    for inst in store.instances.iter() {
        if inst.freed {
            continue;
        }
        for (seg, items) in inst.module.info().elems.iter().zip(&inst.elems) {
            if is_traced(seg.ty) {
                roots.extend(items.iter().map(|r| *r as u32));
            }
        }
    }
    for exn in store.exns.iter() {
        if exn.tag == 0 {
            continue;
        }
        let ty = &store.tags[exn.tag_index as usize].ty;
        for (v, t) in exn.raw_values().iter().zip(ty.params()) {
            if is_traced(*t) {
                roots.push(*v as u32);
            }
        }
    }
    roots.extend(store.gc_roots.borrow().live());
    roots
}

/// Pushes the references in the stack slots of every Wasm frame above the
/// exit whose frame pointer is `fp`.
///
/// # Safety
/// `fp` is the frame pointer of a live frame that Wasm code called, whose
/// callers up to the host entry keep frame pointers.
unsafe fn stack_roots(mut fp: usize, roots: &mut Vec<u32>) {
    loop {
        if fp == 0 || !fp.is_multiple_of(8) {
            return;
        }
        // SAFETY: per the contract, `fp` holds the caller's frame pointer
        // and the return address above it.
        let (caller_fp, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        let found = crate::runtime::code::with_stack_map(ret, |span, offsets| {
            // While the caller is stopped at this call, its stack pointer
            // is its frame pointer minus the frame's span.
            let sp = caller_fp - span as usize;
            for off in offsets {
                // SAFETY: the stack map names live 8-byte slots of the
                // caller's frame.
                let raw = unsafe { *((sp + *off as usize) as *const u64) };
                roots.push(raw as u32);
            }
        });
        if found.is_none() {
            return;
        }
        if caller_fp <= fp {
            return;
        }
        fp = caller_fp;
    }
}

/// The host's roots: one slot per reference a host handle keeps alive,
/// with a generation so a stale handle is detected.
#[derive(Default)]
pub struct RootTable {
    slots: Vec<RootSlot>,
    free: Vec<u32>,
    /// Where each open scope began (`Store::gc_scope`): slots made after
    /// it are released when it closes.
    scopes: Vec<usize>,
    /// Roots made, in order, while a scope is open: (slot, generation).
    scoped: Vec<(u32, u32)>,
    /// Roots that last only as long as a host call: its reference
    /// parameters, and the results a C host function hands back.
    temporaries: Vec<(u32, u32)>,
}

#[derive(Clone, Copy, Default)]
struct RootSlot {
    raw: u32,
    generation: u32,
    live: bool,
}

impl RootTable {
    /// Roots raw reference `raw`; returns (slot, generation).
    pub fn add(&mut self, raw: u32) -> (u32, u32) {
        let i = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(RootSlot::default());
                self.slots.len() as u32 - 1
            }
        };
        let s = &mut self.slots[i as usize];
        s.raw = raw;
        s.live = true;
        if !self.scopes.is_empty() {
            self.scoped.push((i, s.generation));
        }
        (i, s.generation)
    }

    /// Roots `raw` until `release_temporaries` passes its mark.
    pub fn add_temporary(&mut self, raw: u32) -> (u32, u32) {
        let root = self.add(raw);
        self.temporaries.push(root);
        root
    }

    /// Where the temporaries made from now on start.
    pub fn temporaries_mark(&self) -> usize {
        self.temporaries.len()
    }

    /// Releases the temporaries made since `mark` (those still rooted).
    pub fn release_temporaries(&mut self, mark: usize) {
        if mark >= self.temporaries.len() {
            return;
        }
        let made: Vec<(u32, u32)> = self.temporaries.drain(mark..).collect();
        for (i, generation) in made {
            self.remove(i, generation);
        }
    }

    /// The reference slot `i` holds, if (i, generation) is still rooted.
    pub fn get(&self, i: u32, generation: u32) -> Option<u32> {
        let s = self.slots.get(i as usize)?;
        (s.live && s.generation == generation).then_some(s.raw)
    }

    /// Releases slot `i` if (i, generation) is still rooted; false if not.
    pub fn remove(&mut self, i: u32, generation: u32) -> bool {
        match self.slots.get_mut(i as usize) {
            Some(s) if s.live && s.generation == generation => {
                s.live = false;
                s.generation = s.generation.wrapping_add(1);
                self.free.push(i);
                true
            }
            _ => false,
        }
    }

    /// The references rooted now.
    pub fn live(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().filter(|s| s.live).map(|s| s.raw)
    }

    /// How many references are rooted.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether nothing is rooted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Opens a scope: roots made until it closes are released then.
    pub fn open_scope(&mut self) {
        self.scopes.push(self.scoped.len());
    }

    /// Closes the innermost scope, releasing the roots made inside it.
    pub fn close_scope(&mut self) {
        let Some(start) = self.scopes.pop() else {
            return;
        };
        let made: Vec<(u32, u32)> = self.scoped.drain(start..).collect();
        for (i, generation) in made {
            self.remove(i, generation);
        }
    }
}
