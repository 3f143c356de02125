//! A call from the host into Wasm allocates nothing, typed or untyped.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use wasi_rt::{Engine, Instance, Module, Store, Val};

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn host_to_wasm_calls_do_not_allocate() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1))))"#).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&store, "add").unwrap();
    let typed = f.typed::<(i64, i64), i64>(&store).unwrap();
    let mut out = [Val::I64(0)];
    // Warm up (per-thread set-up happens on the first call).
    typed.call(&mut store, (1, 2)).unwrap();
    f.call(&mut store, &[Val::I64(1), Val::I64(2)], &mut out)
        .unwrap();

    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut sum = 0;
    for i in 0..1000 {
        sum += typed.call(&mut store, (i, 1)).unwrap();
        f.call(&mut store, &[Val::I64(i), Val::I64(2)], &mut out)
            .unwrap();
        sum += out[0].i64().unwrap();
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(sum, 2 * (999 * 1000 / 2) + 3000);
    assert_eq!(
        after - before,
        0,
        "calls allocated {} times",
        after - before
    );
}
