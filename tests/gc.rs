//! Garbage collection: the collector frees what nothing reaches and keeps
//! what Wasm frames, globals, tables and host handles hold.

use wasi_rt::{AnyRef, Config, Engine, Func, FuncType, Instance, Module, Store, TrapCode, Val, ValType};

const BINARY_TREES: &str = include_str!("../benches/gc/binary_trees.wat");

fn nodes(depth: u32) -> i32 {
    (1 << (depth + 1)) - 1
}

fn trees(heap_limit: u64) -> (Store, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, BINARY_TREES).unwrap();
    let mut store = Store::new(&engine);
    store.set_gc_heap_limit(heap_limit).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

#[test]
fn trees_built_and_dropped_in_a_small_heap_are_collected_and_stay_intact() {
    // Each depth-14 tree takes 512 KiB; 60 of them pass through a 4 MiB heap.
    let (mut store, instance) = trees(4 << 20);
    let run = instance
        .get_func(&store, "run")
        .unwrap()
        .typed::<(i32, i32), i32>(&store)
        .unwrap();
    let total = run.call(&mut store, (14, 60)).unwrap();
    assert_eq!(total, 60 * nodes(14) + nodes(13));
    let stats = store.gc_stats();
    assert!(stats.collections >= 5, "{stats:?}");
    assert!(stats.heap_bytes <= 4 << 20, "{stats:?}");
}
