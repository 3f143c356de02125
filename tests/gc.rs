//! Garbage collection: the collector frees what nothing reaches and keeps
//! what Wasm frames, globals, tables, exceptions and host handles hold.

use wasi_rt::{
    AnyRef, ArrayType, Engine, FieldType, Func, FuncType, HeapType, Instance, Module, RefType,
    StorageType, Store, StructType, TrapCode, Val, ValType,
};

const BINARY_TREES: &str = include_str!("../benches/gc/binary_trees.wat");

fn nodes(depth: u32) -> i32 {
    (1 << (depth + 1)) - 1
}

fn instance(engine: &Engine, wat: &str, heap_limit: u64, imports: impl FnOnce(&mut Store) -> Vec<wasi_rt::Extern>) -> (Store, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine);
    store.set_gc_heap_limit(heap_limit).unwrap();
    let imports = imports(&mut store);
    let instance = Instance::new(&mut store, &module, &imports).unwrap();
    (store, instance)
}

fn call(store: &mut Store, inst: &Instance, name: &str, args: &[Val], n: usize) -> Result<Vec<Val>, wasi_rt::Error> {
    let f = inst.get_func(store, name).unwrap();
    let ty = f.ty(store);
    let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    assert_eq!(out.len(), n);
    f.call(store, args, &mut out)?;
    Ok(out)
}

fn trap_code(e: &wasi_rt::Error) -> Option<TrapCode> {
    e.as_trap().and_then(|t| t.code())
}

#[test]
fn trees_built_and_dropped_in_a_small_heap_are_collected_and_stay_intact() {
    // Each depth-14 tree takes 512 KiB; 60 of them pass through a 4 MiB heap.
    let (mut store, inst) = instance(&Engine::default(), BINARY_TREES, 4 << 20, |_| vec![]);
    let run = inst.get_func(&store, "run").unwrap().typed::<(i32, i32), i32>(&store).unwrap();
    assert_eq!(run.call(&mut store, (14, 60)).unwrap(), 60 * nodes(14) + nodes(13));
    let stats = store.gc_stats();
    assert!(stats.collections >= 5, "{stats:?}");
    assert!(stats.heap_bytes <= 4 << 20, "{stats:?}");
}

#[test]
fn precompiled_code_keeps_its_stack_maps() {
    let engine = Engine::default();
    let bytes = Module::precompile(&engine, BINARY_TREES).unwrap();
    // SAFETY: bytes this test just made.
    let module = unsafe { Module::from_precompiled(&engine, &bytes) }.unwrap();
    let mut store = Store::new(&engine);
    store.set_gc_heap_limit(2 << 20).unwrap();
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let run = inst.get_func(&store, "run").unwrap().typed::<(i32, i32), i32>(&store).unwrap();
    assert_eq!(run.call(&mut store, (12, 100)).unwrap(), 100 * nodes(12) + nodes(11));
    assert!(store.gc_stats().collections >= 3);
}

#[test]
fn live_data_beyond_the_heap_limit_traps_and_the_store_goes_on() {
    let (mut store, inst) = instance(&Engine::default(), BINARY_TREES, 1 << 20, |_| vec![]);
    let run = inst.get_func(&store, "run").unwrap().typed::<(i32, i32), i32>(&store).unwrap();
    // A depth-17 tree alone takes 4 MiB.
    let err = run.call(&mut store, (17, 1)).unwrap_err();
    assert_eq!(trap_code(&err), Some(TrapCode::OutOfGcMemory), "{err}");
    // Nothing holds the half-built tree any more: small trees fit again.
    assert_eq!(run.call(&mut store, (10, 3)).unwrap(), 3 * nodes(10) + nodes(9));
}

#[test]
fn an_array_larger_than_any_heap_traps_with_allocation_too_large() {
    let wat = r#"(module (type $a (array i64))
        (func (export "big") (param i32) (result i32)
          (array.len (array.new_default $a (local.get 0)))))"#;
    let (mut store, inst) = instance(&Engine::default(), wat, 1 << 20, |_| vec![]);
    let err = call(&mut store, &inst, "big", &[Val::I32(-1)], 1).unwrap_err();
    assert_eq!(trap_code(&err), Some(TrapCode::AllocationTooLarge), "{err}");
    let ok = call(&mut store, &inst, "big", &[Val::I32(100)], 1).unwrap();
    assert_eq!(ok[0], Val::I32(100));
}

/// A module with a struct type, a global and a table that hold objects, and
/// `churn(n)`, which allocates n garbage arrays (forcing collections).
const HOLDERS: &str = r#"(module
  (type $box (struct (field $v (mut i32))))
  (type $junk (array i64))
  (global $g (mut anyref) (ref.null any))
  (table $t 4 anyref)
  (func (export "make") (param i32) (result (ref $box)) (struct.new $box (local.get 0)))
  (func (export "get") (param (ref null $box)) (result i32) (struct.get $box $v (local.get 0)))
  (func (export "keep") (param i32)
    (global.set $g (struct.new $box (local.get 0)))
    (table.set $t (i32.const 2) (struct.new $box (i32.add (local.get 0) (i32.const 1)))))
  (func (export "kept") (result i32)
    (i32.add
      (struct.get $box $v (ref.cast (ref $box) (global.get $g)))
      (struct.get $box $v (ref.cast (ref $box) (table.get $t (i32.const 2))))))
  (func (export "churn") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (drop (array.new_default $junk (i32.const 1000)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))))"#;

#[test]
fn objects_held_by_globals_and_tables_survive_collections() {
    let (mut store, inst) = instance(&Engine::default(), HOLDERS, 1 << 20, |_| vec![]);
    call(&mut store, &inst, "keep", &[Val::I32(40)], 0).unwrap();
    // 8 KB per array, 2000 arrays: 16 MB through a 1 MiB heap.
    call(&mut store, &inst, "churn", &[Val::I32(2000)], 0).unwrap();
    assert!(store.gc_stats().collections >= 10);
    assert_eq!(call(&mut store, &inst, "kept", &[], 1).unwrap()[0], Val::I32(81));
}

#[test]
fn ten_thousand_host_calls_with_gc_references_free_everything_after() {
    let (mut store, inst) = instance(&Engine::default(), HOLDERS, 1 << 20, |_| vec![]);
    let make = inst.get_func(&store, "make").unwrap();
    let get = inst.get_func(&store, "get").unwrap();
    let mut held = Vec::new();
    for i in 0..10_000 {
        let mut out = [Val::AnyRef(None)];
        make.call(&mut store, &[Val::I32(i)], &mut out).unwrap();
        let Val::AnyRef(Some(r)) = out[0] else { panic!("make returned {:?}", out[0]) };
        let mut v = [Val::I32(0)];
        get.call(&mut store, &[Val::AnyRef(Some(r))], &mut v).unwrap();
        assert_eq!(v[0], Val::I32(i));
        if i % 100 == 0 {
            held.push((i, r));
        } else {
            assert!(r.unroot(&mut store));
        }
        if i % 1000 == 999 {
            call(&mut store, &inst, "churn", &[Val::I32(300)], 0).unwrap();
        }
    }
    assert!(store.gc_stats().collections >= 10, "{:?}", store.gc_stats());
    assert_eq!(store.gc_roots(), held.len());
    // Nothing held was freed: each still reads back, from the host and
    // from Wasm.
    store.gc();
    assert_eq!(store.gc_stats().live_objects, held.len() as u64);
    for (i, r) in &held {
        assert_eq!(r.field(&store, 0).unwrap(), Val::I32(*i));
        let mut v = [Val::I32(0)];
        get.call(&mut store, &[Val::AnyRef(Some(*r))], &mut v).unwrap();
        assert_eq!(v[0], Val::I32(*i));
    }
    // Everything is freed once the host lets go.
    for (_, r) in held {
        assert!(r.unroot(&mut store));
    }
    store.gc();
    assert_eq!(store.gc_stats().live_objects, 0);
    assert_eq!(store.gc_roots(), 0);
}

#[test]
fn references_on_the_wasm_stack_survive_a_collection_inside_a_host_call() {
    let engine = Engine::default();
    let wat = r#"(module
      (type $box (struct (field i32)))
      (import "host" "collect" (func $collect))
      (func (export "run") (result i32)
        (local $a (ref null $box))
        (local.set $a (struct.new $box (i32.const 5)))
        ;; One box in a local, one on the operand stack, across the call.
        (struct.new $box (i32.const 7))
        (call $collect)
        (struct.get $box 0)
        (i32.add (struct.get $box 0 (local.get $a)))))"#;
    let (mut store, inst) = instance(&engine, wat, 1 << 20, |store| {
        let f = Func::new(store, FuncType::new([], []), |mut caller, _, _| {
            caller.store().gc();
            Ok(())
        });
        vec![wasi_rt::Extern::Func(f.unwrap())]
    });
    assert_eq!(call(&mut store, &inst, "run", &[], 1).unwrap()[0], Val::I32(12));
    assert_eq!(store.gc_stats().collections, 1);
    // After the call nothing holds either box.
    store.gc();
    assert_eq!(store.gc_stats().live_objects, 0);
}

#[test]
fn every_activation_keeps_its_references_through_nested_calls() {
    // Wasm -> host -> Wasm (which churns the heap): the outer Wasm frame's
    // box must survive the inner activation's collections.
    let engine = Engine::default();
    let wat = r#"(module
      (type $box (struct (field i32)))
      (type $junk (array i64))
      (import "host" "reenter" (func $reenter))
      (func (export "churn")
        (local $n i32) (local.set $n (i32.const 500))
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (drop (array.new_default $junk (i32.const 1000)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      (func (export "run") (result i32)
        (struct.new $box (i32.const 99))
        (call $reenter)
        (struct.get $box 0)))"#;
    let (mut store, inst) = instance(&engine, wat, 1 << 20, |store| {
        let f = Func::new(store, FuncType::new([], []), |mut caller, _, _| {
            let churn = caller.get_export("churn").and_then(|e| e.into_func()).unwrap();
            churn.call(caller.store(), &[], &mut []).map_err(|e| wasi_rt::Trap::new(e.to_string()))
        });
        vec![wasi_rt::Extern::Func(f.unwrap())]
    });
    assert_eq!(call(&mut store, &inst, "run", &[], 1).unwrap()[0], Val::I32(99));
    assert!(store.gc_stats().collections >= 2);
}

#[test]
fn host_made_structs_and_arrays_have_the_modules_types() {
    let engine = Engine::default();
    let point = StructType::new([
        FieldType { storage: StorageType::Val(ValType::I32), mutable: true },
        FieldType { storage: StorageType::I8, mutable: false },
    ]);
    let pt = engine.register_struct(&point).unwrap();
    let bytes = engine
        .register_array(&ArrayType { element: FieldType { storage: StorageType::I16, mutable: true } })
        .unwrap();
    let wat = r#"(module
      (type $point (struct (field (mut i32)) (field i8)))
      (type $bytes (array (mut i16)))
      (func (export "sum") (param (ref $point)) (result i32)
        (i32.add (struct.get $point 0 (local.get 0)) (struct.get_s $point 1 (local.get 0))))
      (func (export "last") (param (ref $bytes)) (result i32)
        (array.get_u $bytes (local.get 0)
          (i32.sub (array.len (local.get 0)) (i32.const 1)))))"#;
    let (mut store, inst) = instance(&engine, wat, 1 << 20, |_| vec![]);
    let p = AnyRef::new_struct(&mut store, pt, &[Val::I32(40), Val::I32(-3)]).unwrap();
    assert!(p.matches(&store, HeapType::ConcreteStruct(pt)));
    assert_eq!(p.ty(&store).unwrap(), HeapType::ConcreteStruct(pt));
    assert_eq!(call(&mut store, &inst, "sum", &[Val::AnyRef(Some(p))], 1).unwrap()[0], Val::I32(37));
    p.set_field(&mut store, 0, Val::I32(10)).unwrap();
    assert_eq!(p.field(&store, 1).unwrap(), Val::I32(-3i8 as u8 as i32));
    assert!(p.set_field(&mut store, 1, Val::I32(1)).is_err(), "field 1 is immutable");
    assert!(p.set_field(&mut store, 0, Val::I64(1)).is_err(), "an i64 is not an i32");
    assert_eq!(call(&mut store, &inst, "sum", &[Val::AnyRef(Some(p))], 1).unwrap()[0], Val::I32(7));
    let a = AnyRef::new_array(&mut store, bytes, &Val::I32(0xffff), 5).unwrap();
    a.array_set(&mut store, 4, Val::I32(0x1234)).unwrap();
    assert_eq!(a.array_len(&store).unwrap(), 5);
    assert_eq!(a.array_get(&store, 0).unwrap(), Val::I32(0xffff));
    assert!(a.array_get(&store, 5).is_err());
    assert_eq!(call(&mut store, &inst, "last", &[Val::AnyRef(Some(a))], 1).unwrap()[0], Val::I32(0x1234));
    // A point is not a byte array: the call is refused before it runs.
    assert!(call(&mut store, &inst, "last", &[Val::AnyRef(Some(p))], 1).is_err());
}

#[test]
fn i31_values_and_converted_host_values_cross_the_boundary() {
    let wat = r#"(module
      (func (export "id") (param anyref) (result anyref) (local.get 0))
      (func (export "twice") (param i31ref) (result i32)
        (i32.mul (i31.get_s (local.get 0)) (i32.const 2)))
      (func (export "out") (param anyref) (result externref) (extern.convert_any (local.get 0))))"#;
    let (mut store, inst) = instance(&Engine::default(), wat, 1 << 20, |_| vec![]);
    let seven = AnyRef::from_i31(&store, -7);
    assert_eq!(seven.i31_s(&store), Some(-7));
    assert_eq!(seven.i31_u(&store), Some((1 << 31) - 7));
    assert_eq!(call(&mut store, &inst, "twice", &[Val::AnyRef(Some(seven))], 1).unwrap()[0], Val::I32(-14));
    let back = call(&mut store, &inst, "id", &[Val::AnyRef(Some(seven))], 1).unwrap();
    let Val::AnyRef(Some(b)) = back[0] else { panic!() };
    assert_eq!(b.i31_s(&store), Some(-7));
    let host = wasi_rt::ExternRef::new(&mut store, "plugin data");
    let inside = AnyRef::from_extern(&store, host).unwrap();
    let out = call(&mut store, &inst, "out", &[Val::AnyRef(Some(inside))], 1).unwrap();
    let Val::ExternRef(Some(e)) = out[0] else { panic!() };
    assert_eq!(e.data(&store).and_then(|d| d.downcast_ref::<&str>()), Some(&"plugin data"));
}

#[test]
fn unrooted_or_foreign_handles_are_refused() {
    let engine = Engine::default();
    let (mut store, inst) = instance(&engine, HOLDERS, 1 << 20, |_| vec![]);
    let r = call(&mut store, &inst, "make", &[Val::I32(1)], 1).unwrap();
    let Val::AnyRef(Some(r)) = r[0] else { panic!() };
    let copy = r;
    assert!(r.unroot(&mut store));
    assert!(!copy.unroot(&mut store), "every copy names the same root");
    assert!(!copy.is_rooted(&store));
    assert!(copy.field(&store, 0).is_err());
    assert!(call(&mut store, &inst, "get", &[Val::AnyRef(Some(copy))], 1).is_err());
    let mut other = Store::new(&engine);
    let (mut s2, i2) = instance(&engine, HOLDERS, 1 << 20, |_| vec![]);
    let r2 = call(&mut s2, &i2, "make", &[Val::I32(2)], 1).unwrap();
    let Val::AnyRef(Some(r2)) = r2[0] else { panic!() };
    assert!(call(&mut store, &inst, "get", &[Val::AnyRef(Some(r2))], 1).is_err());
    assert!(!r2.unroot(&mut other));
}

#[test]
fn a_gc_scope_unroots_what_was_made_inside_it() {
    let (mut store, inst) = instance(&Engine::default(), HOLDERS, 1 << 20, |_| vec![]);
    let kept = call(&mut store, &inst, "make", &[Val::I32(1)], 1).unwrap();
    store.gc_scope(|store| {
        for i in 0..100 {
            call(store, &inst, "make", &[Val::I32(i)], 1).unwrap();
        }
        assert_eq!(store.gc_roots(), 101);
    });
    assert_eq!(store.gc_roots(), 1);
    store.gc();
    assert_eq!(store.gc_stats().live_objects, 1);
    let Val::AnyRef(Some(k)) = kept[0] else { panic!() };
    assert_eq!(k.field(&store, 0).unwrap(), Val::I32(1));
}

#[test]
fn exceptions_keep_the_objects_they_carry() {
    let wat = r#"(module
      (type $box (struct (field i32)))
      (type $junk (array i64))
      (tag $e (param (ref $box)))
      (func $churn
        (local $n i32) (local.set $n (i32.const 300))
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (drop (array.new_default $junk (i32.const 1000)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      (func $thrower (throw $e (struct.new $box (i32.const 3))))
      (func (export "run") (result i32)
        (local $x exnref)
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (call $thrower))
          (unreachable))
        (local.set $x)
        (call $churn)
        (block $h2 (result (ref $box))
          (try_table (catch $e $h2) (throw_ref (local.get $x)))
          (unreachable))
        (struct.get $box 0)))"#;
    let (mut store, inst) = instance(&Engine::default(), wat, 1 << 20, |_| vec![]);
    assert_eq!(call(&mut store, &inst, "run", &[], 1).unwrap()[0], Val::I32(3));
    assert!(store.gc_stats().collections >= 1);
}

#[test]
fn a_typed_reference_to_a_struct_type_matches_only_its_subtypes() {
    let engine = Engine::default();
    let wat = r#"(module
      (type $a (sub (struct (field i32))))
      (type $b (sub $a (struct (field i32) (field i64))))
      (type $c (struct (field i32)))
      (func (export "b") (result (ref $b)) (struct.new $b (i32.const 1) (i64.const 2)))
      (func (export "c") (result (ref $c)) (struct.new $c (i32.const 1)))
      (func (export "take_a") (param (ref $a)) (result i32) (struct.get $a 0 (local.get 0))))"#;
    let (mut store, inst) = instance(&engine, wat, 1 << 20, |_| vec![]);
    let b = call(&mut store, &inst, "b", &[], 1).unwrap()[0];
    let c = call(&mut store, &inst, "c", &[], 1).unwrap()[0];
    assert_eq!(call(&mut store, &inst, "take_a", &[b], 1).unwrap()[0], Val::I32(1));
    let err = call(&mut store, &inst, "take_a", &[c], 1).unwrap_err();
    assert!(err.to_string().contains("type"), "{err}");
    let Val::AnyRef(Some(b)) = b else { panic!() };
    let a_ty = inst.get_func(&store, "take_a").unwrap().ty(&store).params()[0];
    let ValType::Ref(RefType { heap, .. }) = a_ty else { panic!() };
    assert!(b.matches(&store, heap));
}

#[test]
fn a_struct_returned_by_a_call_stays_alive_on_the_operand_stack_when_type_0_is_a_function_type() {
    // The validator names concrete types on its operand stack by its own
    // ids: the struct below must still be found as a root, whatever type
    // 0 is.
    let wat = r#"(module
      (type $ft (func))
      (type $s (struct (field i32) (field funcref)))
      ;; The same size as $s: a freed $s would be reused by one of these.
      (type $junk (struct (field i64) (field i64)))
      (elem declare func $nop)
      (func $nop)
      (func $mk (result (ref $s)) (struct.new $s (i32.const 77) (ref.func $nop)))
      (func $churn
        (local $n i32) (local.set $n (i32.const 200000))
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (drop (struct.new $junk (i64.const -1) (i64.const -1)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      (func (export "run") (result i32)
        (call $mk)
        (call $churn)
        (struct.get $s 0)))"#;
    let (mut store, inst) = instance(&Engine::default(), wat, 1 << 20, |_| vec![]);
    assert_eq!(call(&mut store, &inst, "run", &[], 1).unwrap()[0], Val::I32(77));
    assert!(store.gc_stats().collections >= 1);
}

#[test]
fn host_function_parameters_last_for_the_call_and_owned_roots_last_longer() {
    let engine = Engine::default();
    let wat = r#"(module
      (type $box (struct (field i32)))
      (type $junk (array i64))
      (import "host" "keep" (func $keep (param anyref) (result anyref)))
      (func (export "run") (param i32) (result i32)
        (local $n i32) (local.set $n (i32.const 100))
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (drop (array.new_default $junk (i32.const 1000)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (struct.get $box 0
          (ref.cast (ref $box) (call $keep (struct.new $box (local.get 0)))))))"#;
    let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let k = kept.clone();
    let (mut store, inst) = instance(&engine, wat, 1 << 20, move |store| {
        let ty = FuncType::new([ValType::AnyRef], [ValType::AnyRef]);
        let f = Func::new(store, ty, move |mut caller, params, results| {
            let Val::AnyRef(Some(p)) = params[0] else { panic!("{:?}", params[0]) };
            k.lock().unwrap().push(p.to_owned_root(caller.store()).unwrap());
            results[0] = params[0];
            Ok(())
        });
        vec![wasi_rt::Extern::Func(f.unwrap())]
    });
    for i in 0..20 {
        assert_eq!(call(&mut store, &inst, "run", &[Val::I32(i)], 1).unwrap()[0], Val::I32(i));
    }
    assert!(store.gc_stats().collections >= 2);
    // Only the roots the host function made itself remain.
    let kept = kept.lock().unwrap();
    assert_eq!(store.gc_roots(), kept.len());
    for (i, r) in kept.iter().enumerate() {
        assert_eq!(r.field(&store, 0).unwrap(), Val::I32(i as i32));
    }
}
