//! Garbage collection: each store has one GC heap (made when first
//! needed) holding the structs and arrays its Wasm code and host create.
//!
//! The collector is a non-moving mark-sweep collector with precise roots:
//!
//! - **The Wasm stack.** Compiled code keeps every reference that is live
//!   across a call in a stack slot the call's stack map names (Cranelift
//!   user stack maps). Each time Wasm code leaves for the host (a host
//!   function, or the allocator) the frame pointer of that exit is pushed
//!   on the store's exit list; the collector walks the Wasm frames above
//!   each exit and reads the slots the stack map of each return address
//!   names.
//! - **Globals, tables and element segments** of the store whose type may
//!   hold objects, and the values of live exceptions.
//! - **Host roots**: every `AnyRef` (and `ExternRef` wrapping one) the host
//!   holds is an entry of the store's root table until it is unrooted.
//!
//! Collection runs only inside an allocation that found no room, so every
//! Wasm frame is stopped at a call with a stack map.

pub mod anyref;
pub mod heap;
pub mod layout;
pub mod roots;

pub use heap::{GcHeap, GcStats};

use super::store::StoreInner;
use crate::error::Result;

/// The default cap on one store's GC heap.
pub const DEFAULT_HEAP_LIMIT: u64 = 1 << 30;

impl StoreInner {
    /// The store's GC heap, made (and published to compiled code) on first
    /// use.
    pub(crate) fn gc_heap(&mut self) -> Result<&mut GcHeap> {
        if self.gc.is_none() {
            let heap = GcHeap::new(self.gc_limit)?;
            self.limits.gc_base = heap.base();
            self.gc = Some(Box::new(heap));
        }
        Ok(self.gc.as_mut().expect("made above"))
    }

    /// Allocates a zeroed object of canonical type `type_id` and `size`
    /// bytes (an array of `len` elements when `array_len` is set),
    /// collecting (when `may_collect`: not while values in progress are on
    /// no root, as during instantiation) and growing the heap as needed. `None`: the heap is
    /// full even after a collection.
    ///
    /// # Safety
    /// Every Wasm frame of this store's running calls must be stopped at
    /// a call whose exit is on the exit list (see the module docs).
    pub(crate) unsafe fn gc_alloc(
        &mut self,
        type_id: u32,
        size: u32,
        array_len: Option<u32>,
        may_collect: bool,
    ) -> Result<Option<u32>> {
        if self.gc.as_ref().is_none_or(|h| h.traces_missing(type_id)) {
            let ty = self.engine.types().get(type_id).map(|t| t.composite.clone());
            let heap = self.gc_heap()?;
            if let Some(ty) = ty {
                heap.ensure_trace(type_id, &ty);
            }
        }
        let heap = self.gc.as_mut().expect("made above");
        if let Some(r) = heap.alloc(type_id, size, array_len) {
            return Ok(Some(r));
        }
        if may_collect {
            // SAFETY: forwarded.
            unsafe { self.collect_garbage() };
        }
        let heap = self.gc.as_mut().expect("made above");
        if let Some(r) = heap.alloc(type_id, size, array_len) {
            return Ok(Some(r));
        }
        for _ in 0..64 {
            if !heap.grow_for(size) {
                break;
            }
            if let Some(r) = heap.alloc(type_id, size, array_len) {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    /// Runs a full collection (nothing to do without a heap).
    ///
    /// # Safety
    /// As for `gc_alloc`.
    pub(crate) unsafe fn collect_garbage(&mut self) {
        if self.gc.is_none() {
            return;
        }
        // SAFETY: forwarded.
        let roots = unsafe { roots::gather(self) };
        let heap = self.gc.as_mut().expect("checked above");
        heap.mark(roots);
        heap.sweep();
    }

    /// The GC heap's counters (all zero before the store has a heap).
    pub fn gc_stats(&self) -> GcStats {
        self.gc.as_ref().map(|h| h.stats()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use crate::{AnyRef, Engine, Instance, Module, Store, TrapCode, Val};

    /// Calls `get` (a struct field read) with a raw reference no Wasm code
    /// could make, as an engine bug might.
    fn get_with_forged(raw: u64) -> Result<i32, Option<TrapCode>> {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (type $s (struct (field i32)))
                 (func (export "new") (result (ref $s)) (struct.new $s (i32.const 41)))
                 (func (export "get") (param (ref null $s)) (result i32)
                   (struct.get $s 0 (local.get 0))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let mut out = [Val::AnyRef(None)];
        inst.get_func(&store, "new").unwrap().call(&mut store, &[], &mut out).unwrap();
        let Val::AnyRef(Some(_kept)) = out[0] else { panic!() };
        let get = inst.get_func(&store, "get").unwrap();
        let mut slots = [u128::from(raw)];
        // SAFETY: one slot holds the (forged) argument and takes the result.
        match unsafe { get.call_raw(&mut store, slots.as_mut_ptr()) } {
            Ok(()) => Ok(slots[0] as u32 as i32),
            Err(t) => Err(t.code()),
        }
    }

    #[test]
    fn a_forged_reference_reaches_only_the_gc_heap() {
        // The first object sits at offset 16: high bits are masked off.
        assert_eq!(get_with_forged(16), Ok(41));
        assert_eq!(get_with_forged(0x7fff_ffff_0000_0010), Ok(41));
        // An offset beyond the heap's used part faults inside the
        // reservation: a trap, not a crash or a host read.
        assert_eq!(get_with_forged(0xffff_fff0), Err(Some(TrapCode::MemoryOutOfBounds)));
        assert_eq!(get_with_forged(u64::MAX & !3), Err(Some(TrapCode::MemoryOutOfBounds)));
    }

    #[test]
    fn an_anyref_handle_of_an_object_reads_back_through_the_heap() {
        let engine = Engine::default();
        let ty = engine
            .register_array(&crate::ArrayType {
                element: crate::FieldType {
                    storage: crate::StorageType::I8,
                    mutable: true,
                },
            })
            .unwrap();
        let mut store = Store::new(&engine);
        let a = AnyRef::new_array(&mut store, ty, &Val::I32(7), 3).unwrap();
        assert_eq!(a.array_get(&store, 2).unwrap(), Val::I32(7));
    }
}
