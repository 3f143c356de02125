//! Lazy compilation (`Config::lazy_compilation`): a module is validated
//! when it is created and each function is compiled on its first call;
//! everything else behaves as with code compiled at once.

use std::time::{Duration, Instant};
use wasi_rt::*;

/// A lazily compiling engine, with or without background threads.
fn lazy_engine(background_compilation: bool) -> Engine {
    Engine::new(&Config {
        lazy_compilation: true,
        background_compilation,
        ..Config::default()
    })
    .unwrap()
}

/// An engine that compiles on first call only (no background threads,
/// so what is compiled is exactly what was called).
fn on_demand() -> Engine {
    lazy_engine(false)
}

fn background() -> Engine {
    lazy_engine(true)
}

/// Export `name` of `instance` as a typed function.
fn typed<P: WasmParams, R: WasmResults>(store: &Store, instance: &Instance, name: &str) -> TypedFunc<P, R> {
    instance.get_func(store, name).unwrap().typed::<P, R>(store).unwrap()
}

fn instantiate(engine: &Engine, wat: &str) -> (Store, Instance, Module) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance, module)
}

const CHAIN: &str = r#"(module
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $middle (export "middle") (param i32) (result i32) (call $leaf (i32.mul (local.get 0) (i32.const 2))))
  (func $unused_a (export "unused_a") (result i32) (i32.const 7))
  (func $unused_b (result i32) (i32.const 8)))"#;

#[cfg(target_arch = "x86_64")]
#[test]
fn creating_a_module_compiles_nothing_and_a_call_compiles_what_it_reaches() {
    let engine = on_demand();
    let (mut store, instance, module) = instantiate(&engine, CHAIN);
    assert_eq!(module.compiled_functions(), (0, 4));
    let middle = typed::<i32, i32>(&store, &instance, "middle");
    assert_eq!(middle.call(&mut store, 20).unwrap(), 41);
    assert_eq!(module.compiled_functions(), (2, 4), "middle and leaf");
    assert_eq!(middle.call(&mut store, 1).unwrap(), 3);
    assert_eq!(module.compiled_functions(), (2, 4), "nothing compiled twice");
    module.compile_all().unwrap();
    assert_eq!(module.compiled_functions(), (4, 4));
    let unused = typed::<(), i32>(&store, &instance, "unused_a");
    assert_eq!(unused.call(&mut store, ()).unwrap(), 7);
}

#[test]
fn an_invalid_body_is_refused_when_the_module_is_created() {
    let err = Module::new(
        &on_demand(),
        r#"(module (func (export "ok") (result i32) (i32.const 1))
                   (func (result i32) (i64.const 1)))"#,
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("type mismatch"), "{err}");
}

#[test]
fn a_body_over_the_size_limit_is_refused_when_the_module_is_created() {
    let engine = Engine::new(&Config {
        lazy_compilation: true,
        max_function_size: 10,
        ..Config::default()
    })
    .unwrap();
    let body = "(i32.add ".repeat(20) + "(i32.const 1)" + &" (i32.const 1))".repeat(20);
    let err = Module::new(&engine, format!("(module (func (result i32) {body}))")).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit(_)), "{err}");
}

#[test]
fn arguments_and_results_of_every_kind_pass_through_the_first_call() {
    // Eight integer and nine float parameters (some on the stack), a
    // v128, and several results: the first call goes through the lazy
    // entry, which must hand every register and stack slot on untouched.
    let wat = r#"(module
      (func $callee (param i32 i64 i32 i64 i32 i64 i32 i64
                           f32 f64 f32 f64 f32 f64 f32 f64 f64 v128)
                    (result i64 f64 i32)
        (i64.add (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1))
          (i64.add (i64.add (i64.extend_i32_u (local.get 2)) (local.get 3))
            (i64.add (i64.add (i64.extend_i32_u (local.get 4)) (local.get 5))
              (i64.add (i64.extend_i32_u (local.get 6)) (local.get 7)))))
        (f64.add (f64.add (f64.promote_f32 (local.get 8)) (local.get 9))
          (f64.add (f64.add (f64.promote_f32 (local.get 10)) (local.get 11))
            (f64.add (f64.add (f64.promote_f32 (local.get 12)) (local.get 13))
              (f64.add (f64.add (f64.promote_f32 (local.get 14)) (local.get 15)) (local.get 16)))))
        (i32x4.extract_lane 3 (local.get 17)))
      (func (export "run") (result i64 f64 i32)
        (call $callee (i32.const 1) (i64.const 2) (i32.const 3) (i64.const 4)
                      (i32.const 5) (i64.const 6) (i32.const 7) (i64.const 8)
                      (f32.const 0.5) (f64.const 1) (f32.const 1.5) (f64.const 2)
                      (f32.const 2.5) (f64.const 3) (f32.const 3.5) (f64.const 4) (f64.const 100)
                      (v128.const i32x4 9 10 11 12))))"#;
    let engine = on_demand();
    let (mut store, instance, _module) = instantiate(&engine, wat);
    let run = typed::<(), (i64, f64, i32)>(&store, &instance, "run");
    assert_eq!(run.call(&mut store, ()).unwrap(), (36, 118.0, 12));
}

#[test]
fn first_calls_from_many_threads_at_once_all_succeed() {
    let engine = on_demand();
    let module = Module::new(
        &engine,
        r#"(module
          (func $fib (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func (export "fib") (param i32) (result i32) (call $fib (local.get 0))))"#,
    )
    .unwrap();
    let start = std::sync::Barrier::new(8);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let mut store = Store::new(&engine);
                let instance = Instance::new(&mut store, &module, &[]).unwrap();
                let fib = typed::<i32, i32>(&store, &instance, "fib");
                start.wait();
                assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
            });
        }
    });
    assert_eq!(module.compiled_functions(), (2, 2));
}

#[test]
fn a_trap_in_lazily_compiled_code_names_its_frames() {
    let engine = on_demand();
    let (mut store, instance, _module) = instantiate(
        &engine,
        r#"(module $m
          (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
          (func $outer (export "outer") (param i32) (result i32) (call $inner (local.get 0))))"#,
    );
    let outer = typed::<i32, i32>(&store, &instance, "outer");
    let err = outer.call(&mut store, 0).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
    let names: Vec<_> = trap.frames().iter().map(|f| f.func_name.clone()).collect();
    assert_eq!(
        names,
        vec![Some("inner".to_string()), Some("outer".to_string())],
        "{trap}"
    );
}

#[test]
fn tables_and_function_references_reach_functions_not_compiled_yet() {
    let engine = on_demand();
    let (mut store, instance, module) = instantiate(
        &engine,
        r#"(module
          (type $t (func (param i32) (result i32)))
          (table 2 funcref)
          (elem (i32.const 0) $double $square)
          (func $double (type $t) (i32.add (local.get 0) (local.get 0)))
          (func $square (type $t) (i32.mul (local.get 0) (local.get 0)))
          (func (export "via_table") (param i32 i32) (result i32)
            (call_indirect (type $t) (local.get 1) (local.get 0)))
          (func (export "via_ref") (param i32) (result i32)
            (call_ref $t (local.get 0) (ref.func $square)))
          (elem declare func $square))"#,
    );
    let via_table = typed::<(i32, i32), i32>(&store, &instance, "via_table");
    let via_ref = typed::<i32, i32>(&store, &instance, "via_ref");
    assert_eq!(via_table.call(&mut store, (0, 21)).unwrap(), 42);
    assert_eq!(via_ref.call(&mut store, 9).unwrap(), 81);
    assert_eq!(via_table.call(&mut store, (1, 5)).unwrap(), 25);
    assert_eq!(module.compiled_functions().0, 4);
}

#[test]
fn exceptions_cross_lazily_compiled_functions() {
    let engine = on_demand();
    let (mut store, instance, _module) = instantiate(
        &engine,
        r#"(module
          (tag $e (param i32))
          (func $thrower (param i32) (throw $e (i32.add (local.get 0) (i32.const 100))))
          (func (export "catch") (param i32) (result i32)
            (block $h (result i32)
              (try_table (catch $e $h) (call $thrower (local.get 0)))
              (i32.const -1))))"#,
    );
    let catch = typed::<i32, i32>(&store, &instance, "catch");
    assert_eq!(catch.call(&mut store, 5).unwrap(), 105);
}

#[test]
fn gc_references_live_across_a_first_call_survive_collection() {
    let engine = on_demand();
    let (mut store, instance, _module) = instantiate(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (type $arr (array (mut i32)))
          (func $churn (local i32)
            (loop $l
              (drop (array.new $arr (i32.const 0) (i32.const 10000)))
              (local.set 0 (i32.add (local.get 0) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get 0) (i32.const 2000)))))
          (func (export "keep") (param i32) (result i32) (local (ref null $box))
            (local.set 1 (struct.new $box (local.get 0)))
            (call $churn)
            (struct.get $box 0 (local.get 1))))"#,
    );
    let keep = typed::<i32, i32>(&store, &instance, "keep");
    assert_eq!(keep.call(&mut store, 1234).unwrap(), 1234);
    assert!(store.gc_stats().collections > 0, "the churn collected");
}

#[test]
fn background_threads_compile_every_function_without_a_call() {
    let engine = background();
    let funcs: String = (0..300)
        .map(|i| format!("(func (export \"f{i}\") (result i32) (i32.const {i}))\n"))
        .collect();
    let module = Module::new(&engine, format!("(module {funcs})")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while module.compiled_functions().0 < 300 {
        assert!(Instant::now() < deadline, "{:?}", module.compiled_functions());
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = typed::<(), i32>(&store, &instance, "f299");
    assert_eq!(f.call(&mut store, ()).unwrap(), 299);
}

#[test]
fn epoch_deadlines_stop_lazily_compiled_loops() {
    let engine = Engine::new(&Config {
        lazy_compilation: true,
        epoch_interruption: true,
        ..Config::default()
    })
    .unwrap();
    let (mut store, instance, _module) = instantiate(
        &engine,
        r#"(module (func $spin (loop $l (br $l))) (func (export "run") (call $spin)))"#,
    );
    store.set_epoch_deadline(1);
    let e = engine.clone();
    let ticker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        e.increment_epoch();
    });
    let run = typed::<(), ()>(&store, &instance, "run");
    let err = run.call(&mut store, ()).unwrap_err();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::Interrupt));
    ticker.join().unwrap();
}

#[test]
fn a_lazy_engine_still_precompiles_and_serializes_whole_modules() {
    let engine = on_demand();
    let bytes = Module::precompile(&engine, CHAIN).unwrap();
    // SAFETY: bytes this test just made.
    let module = unsafe { Module::from_precompiled(&engine, &bytes) }.unwrap();
    assert_eq!(module.compiled_functions(), (4, 4));
    let again = Module::deserialize(&engine, &Module::new(&engine, CHAIN).unwrap().serialize()).unwrap();
    let mut store = Store::new(&engine);
    for m in [module, again] {
        let instance = Instance::new(&mut store, &m, &[]).unwrap();
        let middle = typed::<i32, i32>(&store, &instance, "middle");
        assert_eq!(middle.call(&mut store, 4).unwrap(), 9);
    }
}
