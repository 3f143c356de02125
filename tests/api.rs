//! The Rust embedding API: modules, host functions, imports and exports,
//! typed calls, and clear errors for bad input.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use wasi_rt::*;

fn engine() -> Engine {
    Engine::default()
}

#[test]
fn engine_and_module_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Engine>();
    check::<Module>();
}

#[test]
fn malformed_module_error_names_the_problem_and_offset() {
    let err = Module::new(&engine(), b"\0asm\x01\0\0\0\x01\x05")
        .err()
        .expect("rejected");
    let msg = err.to_string();
    assert!(msg.starts_with("malformed module:"), "{msg}");
    assert!(msg.contains("byte offset"), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[test]
fn invalid_module_error_names_the_problem() {
    let err = Module::new(&engine(), "(module (func (result i32) (i64.const 1)))")
        .err()
        .unwrap();
    let msg = err.to_string();
    assert!(
        msg.starts_with("invalid module:") && msg.contains("type mismatch"),
        "{msg}"
    );
}

#[test]
fn v128_values_pass_through_calls_and_globals() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let m = Module::new(
        &engine,
        r#"(module
             (global (export "g") v128 (v128.const i32x4 1 2 3 4))
             (func (export "add") (param v128 v128) (result v128)
               (i32x4.add (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let lanes = |l: [u32; 4]| {
        l.iter()
            .enumerate()
            .fold(0u128, |acc, (i, x)| acc | (u128::from(*x) << (32 * i)))
    };
    let g = inst.get_global(&store, "g").unwrap();
    assert_eq!(g.get(&store), Val::V128(lanes([1, 2, 3, 4])));
    let mut out = [Val::V128(0)];
    inst.get_func(&store, "add")
        .unwrap()
        .call(
            &mut store,
            &[
                Val::V128(lanes([1, 2, 3, u32::MAX])),
                Val::V128(lanes([10, 20, 30, 2])),
            ],
            &mut out,
        )
        .unwrap();
    assert_eq!(out[0], Val::V128(lanes([11, 22, 33, 1])));
}

#[test]
fn proposals_not_supported_yet_are_refused_with_a_clear_message() {
    let err = Module::new(&engine(), "(module (type $f (func)) (type (cont $f)))")
        .err()
        .expect("stack switching is refused");
    let msg = err.to_string();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{msg}");
    assert!(msg.contains("byte offset"), "{msg}");
    assert!(msg.contains("not supported by wasi-rt yet"), "{msg}");
}

#[test]
fn a_feature_switched_off_refuses_modules_that_use_it_naming_it() {
    let tail = "(module (func $f (return_call $f)))";
    let multi = "(module (memory 1) (memory 1))";
    let extended = "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))";
    let simd = "(module (func (result v128) (v128.const i64x2 0 0)))";
    let gc = "(module (type (struct (field i32))))";
    for (text, off, name) in [
        (
            tail,
            Features {
                tail_call: false,
                ..Features::default()
            },
            "tail call",
        ),
        (
            multi,
            Features {
                multi_memory: false,
                ..Features::default()
            },
            "multiple memories",
        ),
        (
            extended,
            Features {
                extended_const: false,
                ..Features::default()
            },
            "constant expression",
        ),
        (
            simd,
            Features {
                simd: false,
                ..Features::default()
            },
            "SIMD",
        ),
        (
            gc,
            Features {
                gc: false,
                ..Features::default()
            },
            "gc",
        ),
    ] {
        // On by default.
        Module::new(&engine(), text).unwrap();
        let engine = Engine::new(&Config {
            features: off,
            ..Config::default()
        })
        .unwrap();
        let err = Module::new(&engine, text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("byte offset"), "{msg}");
        assert!(msg.to_lowercase().contains(&name.to_lowercase()), "{name}: {msg}");
    }
}

#[test]
fn a_million_deep_mutual_tail_recursion_runs_in_constant_stack() {
    let module = Module::new(
        &engine(),
        r#"(module
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call_indirect (param i64) (result i32)
              (i64.sub (local.get 0) (i64.const 1)) (i32.const 0)))))
  (table funcref (elem $even)))"#,
    )
    .unwrap();
    let mut store = Store::new(module.engine());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let even = inst.get_func(&store, "even").unwrap();
    let even = even.typed::<i64, i32>(&store).unwrap();
    assert_eq!(even.call(&mut store, 1_000_000).unwrap(), 1);
    assert_eq!(even.call(&mut store, 10_000_001).unwrap(), 0);
}

#[test]
fn text_and_binary_modules_describe_imports_and_exports() {
    let m = Module::new(
        &engine(),
        r#"(module (import "env" "f" (func (param i32) (result i64)))
                   (memory (export "mem") 1 2) (global (export "g") (mut f32) (f32.const 1)))"#,
    )
    .unwrap();
    let imports: Vec<_> = m.imports().collect();
    assert_eq!(imports.len(), 1);
    assert_eq!((imports[0].module(), imports[0].name()), ("env", "f"));
    assert_eq!(
        imports[0].ty(),
        &ExternType::Func(FuncType::new([ValType::I32], [ValType::I64]))
    );
    let exports: Vec<_> = m
        .exports()
        .map(|e| (e.name().to_string(), e.ty().clone()))
        .collect();
    assert_eq!(
        exports,
        vec![
            (
                "mem".to_string(),
                ExternType::Memory(MemoryType::new(1, Some(2)))
            ),
            (
                "g".to_string(),
                ExternType::Global(GlobalType::new(ValType::F32, Mutability::Var))
            ),
        ]
    );
}

#[test]
fn host_function_closure_with_user_data_is_called_from_wasm() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let total = Arc::new(AtomicI32::new(0));
    let seen = total.clone();
    let add = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        move |_, p, r| {
            let v = p[0].i32().unwrap();
            seen.fetch_add(v, Ordering::SeqCst);
            r[0] = Val::I32(v * 2);
            Ok(())
        },
    )
    .unwrap();
    let m = Module::new(
        &engine,
        r#"(module (import "env" "add" (func $add (param i32) (result i32)))
             (func (export "run") (result i32) (i32.add (call $add (i32.const 5)) (call $add (i32.const 6)))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[Extern::Func(add)]).unwrap();
    let run = inst
        .get_func(&store, "run")
        .unwrap()
        .typed::<(), i32>(&store)
        .unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 22);
    assert_eq!(total.load(Ordering::SeqCst), 11);
}

#[test]
fn host_function_error_becomes_a_trap_in_the_caller() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let fail = Func::new(&mut store, FuncType::new([], []), |_, _, _| {
        Err(Trap::new("host says no"))
    })
    .unwrap();
    let m = Module::new(
        &engine,
        r#"(module (import "" "f" (func $f)) (func (export "run") (call $f)))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[Extern::Func(fail)]).unwrap();
    let err = inst
        .get_func(&store, "run")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.message()), Some("host says no"));
    // The trap carries the Wasm frame that called the host function.
    let frames = err.as_trap().unwrap().frames();
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0].func_index, 1);
}

#[test]
fn host_function_panic_becomes_a_trap() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let boom = Func::new(&mut store, FuncType::new([], []), |_, _, _| panic!("boom")).unwrap();
    let m = Module::new(
        &engine,
        r#"(module (import "" "f" (func $f)) (func (export "run") (call $f)))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[Extern::Func(boom)]).unwrap();
    let err = inst
        .get_func(&store, "run")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap_err();
    assert!(err.to_string().contains("panicked"), "{err}");
}

#[test]
fn host_function_reads_the_callers_memory() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let seen = Arc::new(std::sync::Mutex::new(String::new()));
    let out = seen.clone();
    let print = Func::new(
        &mut store,
        FuncType::new([ValType::I32, ValType::I32], []),
        move |mut c, p, _| {
            let mem = c
                .get_export("memory")
                .and_then(|e| e.into_memory())
                .ok_or_else(|| Trap::new("no memory"))?;
            let (ptr, len) = (p[0].i32().unwrap() as usize, p[1].i32().unwrap() as usize);
            let mut buf = vec![0; len];
            mem.read(c.store(), ptr, &mut buf)
                .map_err(|e| Trap::new(e.to_string()))?;
            *out.lock().unwrap() = String::from_utf8_lossy(&buf).into_owned();
            Ok(())
        },
    )
    .unwrap();
    let m = Module::new(
        &engine,
        r#"(module (import "env" "print" (func $p (param i32 i32))) (memory (export "memory") 1)
             (data (i32.const 16) "hello") (func (export "run") (call $p (i32.const 16) (i32.const 5))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[Extern::Func(print)]).unwrap();
    inst.get_func(&store, "run")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), "hello");
}

#[test]
fn calls_check_argument_types_and_counts() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let m = Module::new(
        &engine,
        r#"(module (func (export "id") (param i64) (result i64) local.get 0))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let f = inst.get_func(&store, "id").unwrap();
    let mut out = [Val::I64(0)];
    assert!(f.call(&mut store, &[Val::I32(1)], &mut out).is_err());
    assert!(f.call(&mut store, &[], &mut out).is_err());
    assert!(f.typed::<i32, i64>(&store).is_err());
    f.call(&mut store, &[Val::I64(-9)], &mut out).unwrap();
    assert_eq!(out[0], Val::I64(-9));
}

#[test]
fn multi_value_results_come_back_in_order() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let m = Module::new(
        &engine,
        r#"(module (func (export "swap") (param i32 f64) (result f64 i32) local.get 1 local.get 0))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let f = inst
        .get_func(&store, "swap")
        .unwrap()
        .typed::<(i32, f64), (f64, i32)>(&store)
        .unwrap();
    assert_eq!(f.call(&mut store, (3, 1.5)).unwrap(), (1.5, 3));
}

#[test]
fn memories_tables_and_globals_are_shared_between_instances() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let mem = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let glob = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Var),
        Val::I32(7),
    )
    .unwrap();
    let table = Table::new(
        &mut store,
        TableType::new(ValType::FuncRef, 2, None),
        Val::FuncRef(None),
    )
    .unwrap();
    let m = Module::new(
        &engine,
        r#"(module (import "" "m" (memory 1)) (import "" "g" (global $g (mut i32))) (import "" "t" (table 2 funcref))
             (func $f (result i32) (i32.const 99)) (elem (i32.const 1) $f)
             (func (export "run") (i32.store (i32.const 8) (global.get $g)) (global.set $g (i32.const 8))))"#,
    )
    .unwrap();
    let imports = [
        Extern::Memory(mem),
        Extern::Global(glob),
        Extern::Table(table),
    ];
    let inst = Instance::new(&mut store, &m, &imports).unwrap();
    inst.get_func(&store, "run")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap();
    assert_eq!(mem.data(&store)[8], 7);
    assert_eq!(glob.get(&store), Val::I32(8));
    let Some(Val::FuncRef(Some(f))) = table.get(&store, 1) else {
        panic!("table entry set")
    };
    let mut out = [Val::I32(0)];
    f.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(99));
}

#[test]
fn memory_growth_respects_the_engine_limit() {
    let engine = Engine::new(&Config {
        max_memory_pages: 4,
        ..Config::default()
    })
    .unwrap();
    let mut store = Store::new(&engine);
    let m = Module::new(&engine, r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#).unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let grow = inst
        .get_func(&store, "grow")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert!(Memory::new(&mut store, MemoryType::new(5, None)).is_err());
}

#[test]
fn call_indirect_accepts_structurally_equal_types_from_other_modules() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let a = Module::new(&engine, r#"(module (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))"#).unwrap();
    let a = Instance::new(&mut store, &a, &[]).unwrap();
    let f = a.get_export(&store, "f").unwrap();
    let b = Module::new(
        &engine,
        r#"(module (type $t (func (param i32) (result i32))) (import "" "f" (func $f (type $t)))
             (table funcref (elem $f))
             (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0))))"#,
    )
    .unwrap();
    let b = Instance::new(&mut store, &b, &[f]).unwrap();
    let call = b
        .get_func(&store, "call")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(call.call(&mut store, 5).unwrap(), 15);
}

#[test]
fn instantiation_reports_missing_and_mismatched_imports() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let m = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let err = Instance::new(&mut store, &m, &[]).unwrap_err();
    assert!(err.to_string().contains("needs 1 imports"), "{err}");
    let wrong = Func::new(&mut store, FuncType::new([], []), |_, _, _| Ok(())).unwrap();
    let err = Instance::new(&mut store, &m, &[Extern::Func(wrong)]).unwrap_err();
    assert!(err.to_string().contains("env::f"), "{err}");
}

#[test]
fn one_module_instantiates_on_many_threads() {
    let engine = engine();
    let m = Module::new(&engine, r#"(module (func (export "sq") (param i64) (result i64) (i64.mul (local.get 0) (local.get 0))))"#).unwrap();
    let handles: Vec<_> = (0..4i64)
        .map(|i| {
            let (engine, m) = (engine.clone(), m.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine);
                let inst = Instance::new(&mut store, &m, &[]).unwrap();
                let sq = inst
                    .get_func(&store, "sq")
                    .unwrap()
                    .typed::<i64, i64>(&store)
                    .unwrap();
                sq.call(&mut store, i + 10).unwrap()
            })
        })
        .collect();
    let got: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, vec![100, 121, 144, 169]);
}

#[test]
fn start_function_trap_fails_instantiation() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let m = Module::new(&engine, r#"(module (func $s unreachable) (start $s))"#).unwrap();
    let err = Instance::new(&mut store, &m, &[]).unwrap_err();
    assert_eq!(
        err.as_trap().and_then(|t| t.code()),
        Some(TrapCode::Unreachable)
    );
}

#[test]
fn memories_reused_after_a_store_is_dropped_start_zeroed_at_their_own_size() {
    let engine = engine();
    let big = Module::new(&engine, r#"(module (memory (export "memory") 1))"#).unwrap();
    let small = Module::new(
        &engine,
        r#"(module (memory (export "memory") 1)
             (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))"#,
    )
    .unwrap();
    // Many rounds, so reservations freed by one store (and by other tests
    // running in parallel) are picked up again.
    for _ in 0..50 {
        let mut store = Store::new(&engine);
        for k in 0..4 {
            let inst = Instance::new(&mut store, &big, &[]).unwrap();
            let mem = inst.get_memory(&store, "memory").unwrap();
            // One large memory (past what an idle reservation keeps
            // accessible) and three small ones.
            mem.grow(&mut store, if k == 0 { 40 } else { 3 }).unwrap();
            mem.data_mut(&mut store).fill(0xAB);
        }
        drop(store);
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &small, &[]).unwrap();
        let mem = inst.get_memory(&store, "memory").unwrap();
        assert_eq!(mem.data(&store).len(), 65536);
        assert!(mem.data(&store).iter().all(|&b| b == 0), "stale bytes");
        let load = inst
            .get_func(&store, "load")
            .unwrap()
            .typed::<i32, i32>(&store)
            .unwrap();
        assert_eq!(load.call(&mut store, 65535).unwrap(), 0);
        let err = load.call(&mut store, 65536).unwrap_err();
        assert!(err.to_string().contains("out of bounds"), "{err}");
    }
}

const SPIN: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i)))"#;

fn epoch_engine() -> Engine {
    Engine::new(&Config {
        epoch_interruption: true,
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn an_infinite_loop_is_interrupted_when_the_epoch_passes_its_deadline() {
    let engine = epoch_engine();
    let mut store = Store::new(&engine);
    let m = Module::new(&engine, SPIN).unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let spin = inst.get_func(&store, "spin").unwrap();
    store.set_epoch_deadline(1);
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    ticker.join().unwrap();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), Some(TrapCode::Interrupt));
    assert!(err.to_string().contains("interrupted"), "{err}");
    // A new deadline lets the instance run again.
    store.set_epoch_deadline(10);
    let count = inst
        .get_func(&store, "count")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(count.call(&mut store, 1000).unwrap(), 1000);
}

#[test]
fn a_passed_deadline_stops_the_next_call_at_once() {
    let engine = epoch_engine();
    let mut store = Store::new(&engine);
    let m = Module::new(&engine, SPIN).unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let count = inst
        .get_func(&store, "count")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(
        count.call(&mut store, 10).unwrap(),
        10,
        "the default deadline is never"
    );
    store.set_epoch_deadline(0);
    let err = count.call(&mut store, 10).unwrap_err();
    assert_eq!(
        err.as_trap().and_then(|t| t.code()),
        Some(TrapCode::Interrupt)
    );
}

#[test]
fn without_epoch_interruption_deadlines_have_no_effect() {
    let engine = engine();
    let mut store = Store::new(&engine);
    let m = Module::new(&engine, SPIN).unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    store.set_epoch_deadline(0);
    engine.increment_epoch();
    let count = inst
        .get_func(&store, "count")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(count.call(&mut store, 100_000).unwrap(), 100_000);
}

#[test]
fn a_deadline_set_by_a_host_function_stops_the_loop_that_follows() {
    let engine = epoch_engine();
    let mut store = Store::new(&engine);
    let ticker = engine.clone();
    let arm = Func::new(
        &mut store,
        FuncType::new([], []),
        move |mut caller: Caller<'_>, _: &[Val], _: &mut [Val]| {
            caller.store().set_epoch_deadline(1);
            let t = ticker.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                t.increment_epoch();
            });
            Ok(())
        },
    )
    .unwrap();
    let m = Module::new(
        &engine,
        r#"(module (import "host" "arm" (func $arm))
             (func (export "spin") (call $arm) (loop $l (br $l))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[Extern::Func(arm)]).unwrap();
    let err = inst
        .get_func(&store, "spin")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap_err();
    assert_eq!(
        err.as_trap().and_then(|t| t.code()),
        Some(TrapCode::Interrupt)
    );
}

#[test]
fn a_store_memory_limit_stops_growth_and_instantiation_beyond_it() {
    let engine = engine();
    let mut store = Store::new(&engine);
    store.limit_memory(Some(3 * 65536));
    let m = Module::new(
        &engine,
        r#"(module (memory (export "memory") 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &m, &[]).unwrap();
    let grow = inst
        .get_func(&store, "grow")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1, "3 pages fit");
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "a fourth does not");
    let mem = inst.get_memory(&store, "memory").unwrap();
    assert!(
        mem.grow(&mut store, 1)
            .unwrap_err()
            .to_string()
            .contains("memory limit")
    );
    let err = Instance::new(&mut store, &m, &[]).unwrap_err().to_string();
    assert!(
        err.contains("limit exceeded") && err.contains("memory limit of 196608 bytes"),
        "{err}"
    );
    assert!(Memory::new(&mut store, MemoryType::new(1, None)).is_err());
    // Lifting the cap lets it grow again.
    store.limit_memory(None);
    assert_eq!(grow.call(&mut store, 1).unwrap(), 3);
}

/// Deep recursion: `rec(n)` calls itself `n` times.
const RECURSE: &str = r#"(module
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get $n) (i32.const 1))))))))"#;

#[test]
fn recursion_on_a_small_host_thread_traps_instead_of_crashing() {
    // A worker thread with 256 KiB of stack, less than the default Wasm
    // stack budget of 512 KiB: the budget shrinks to what the thread has.
    let module = Module::new(&engine(), RECURSE).unwrap();
    let outcome = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let mut store = Store::new(module.engine());
            let inst = Instance::new(&mut store, &module, &[]).unwrap();
            let rec = inst.get_func(&store, "rec").unwrap();
            let rec = rec.typed::<i32, i32>(&store).unwrap();
            let shallow = rec.call(&mut store, 100).unwrap();
            let deep = rec.call(&mut store, 1_000_000).unwrap_err();
            // Usable afterwards.
            let again = rec.call(&mut store, 100).unwrap();
            (shallow, deep.as_trap().and_then(|t| t.code()), again)
        })
        .unwrap()
        .join()
        .expect("the thread did not crash");
    assert_eq!(outcome, (101, Some(TrapCode::StackOverflow), 101));
}

#[test]
fn the_wasm_stack_budget_is_configurable() {
    let module_for = |stack: usize| {
        let engine = Engine::new(&Config {
            max_wasm_stack: stack,
            ..Config::default()
        })
        .unwrap();
        Module::new(&engine, RECURSE).unwrap()
    };
    // The deepest recursion that fits, found by bisection.
    let depth = |module: &Module| {
        let mut store = Store::new(module.engine());
        let inst = Instance::new(&mut store, module, &[]).unwrap();
        let rec = inst.get_func(&store, "rec").unwrap();
        let rec = rec.typed::<i32, i32>(&store).unwrap();
        let (mut lo, mut hi) = (0, 1 << 20);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if rec.call(&mut store, mid).is_ok() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let small = depth(&module_for(64 * 1024));
    let large = depth(&module_for(256 * 1024));
    assert!(small > 100, "{small}");
    assert!(large > 3 * small, "64 KiB: {small} frames, 256 KiB: {large}");
    // With a budget of 0 every call traps.
    let module = module_for(0);
    let mut store = Store::new(module.engine());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let rec = inst.get_func(&store, "rec").unwrap();
    let err = rec.typed::<i32, i32>(&store).unwrap().call(&mut store, 1);
    let err = err.unwrap_err();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::StackOverflow));
}

#[test]
fn deep_recursion_returning_five_values_goes_as_deep_as_returning_one() {
    // Several results come back in registers, so a frame returning five
    // values is no bigger than one returning a single value.
    let module = Module::new(
        &engine(),
        r#"(module
  (func $rec5 (export "rec5") (param $n i32) (result i32 i64 i32 f64 f32)
    (if (result i32 i64 i32 f64 f32) (i32.eqz (local.get $n))
      (then (i32.const 1) (i64.const 2) (i32.const 3) (f64.const 4) (f32.const 5))
      (else (call $rec5 (i32.sub (local.get $n) (i32.const 1))))))
  (func $rec1 (export "rec1") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (call $rec1 (i32.sub (local.get $n) (i32.const 1)))))))"#,
    )
    .unwrap();
    let mut store = Store::new(module.engine());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let mut depth = |name: &str| {
        let f = inst.get_func(&store, name).unwrap();
        let mut out = vec![Val::I32(0); f.ty(&store).results().len()];
        let (mut lo, mut hi) = (0, 1 << 20);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if f.call(&mut store, &[Val::I32(mid)], &mut out).is_ok() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let one = depth("rec1");
    let five = depth("rec5");
    assert!(five * 10 >= one * 9, "one result: {one} frames, five: {five}");
    let f = inst.get_func(&store, "rec5").unwrap();
    let mut out = vec![Val::I32(0); 5];
    f.call(&mut store, &[Val::I32(1000)], &mut out).unwrap();
    assert_eq!(
        out,
        [
            Val::I32(1),
            Val::I64(2),
            Val::I32(3),
            Val::F64(4f64.to_bits()),
            Val::F32(5f32.to_bits())
        ]
    );
}

#[test]
fn table_storage_counts_in_the_store_memory_limit() {
    // A 2 KB module asking for 100 tables of 10 million elements (8 GB).
    let tables = "(table 10000000 funcref)".repeat(100);
    let module = Module::new(&engine(), format!("(module {tables})")).unwrap();
    let mut store = Store::new(module.engine());
    store.limit_memory(Some(1 << 20));
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit(_)), "{err}");
    assert!(err.to_string().contains("table"), "{err}");

    // Growth: within the limit works, past it returns -1.
    let module = Module::new(
        &engine(),
        r#"(module (table $t 0 funcref)
             (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(module.engine());
    store.limit_memory(Some(64 * 1024));
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = inst.get_func(&store, "grow").unwrap();
    let grow = grow.typed::<i32, i32>(&store).unwrap();
    assert_eq!(grow.call(&mut store, 1000).unwrap(), 0);
    assert_eq!(grow.call(&mut store, 10_000_000).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 7000).unwrap(), 1000);
    assert_eq!(grow.call(&mut store, 1000).unwrap(), -1);

    // Host-made tables count too.
    let ty = TableType::new(ValType::FuncRef, 1_000_000, None);
    assert!(Table::new(&mut store, ty, Val::FuncRef(None)).is_err());
}

/// A function of `n` `if`/`else` in a row, each adding to a local.
fn branchy_module(n: usize) -> String {
    let body = "(local.set 0 (i32.add (local.get 0) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))".repeat(n);
    format!(r#"(module (func (export "f") (param i32) (result i32) {body} (local.get 0)))"#)
}

#[test]
fn a_function_with_a_hundred_thousand_branches_compiles_within_a_time_limit() {
    // The optimising register allocator needs minutes for this; such
    // functions get the single-pass one (Config::max_compile_time is the
    // limit being checked, far above what the compile takes).
    let engine = Engine::new(&Config {
        max_compile_time: Some(std::time::Duration::from_secs(60)),
        max_wasm_stack: 8 << 20,
        ..Config::default()
    })
    .unwrap();
    let module = Module::new(&engine, branchy_module(100_000)).unwrap();
    // Its frame is large: run it on a thread with room for it.
    let result = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let mut store = Store::new(module.engine());
            let inst = Instance::new(&mut store, &module, &[]).unwrap();
            let f = inst.get_func(&store, "f").unwrap();
            f.typed::<i32, i32>(&store).unwrap().call(&mut store, 5)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result.unwrap(), 100_005);
}

#[test]
fn compile_limits_fail_cleanly() {
    let small = Engine::new(&Config {
        max_function_size: 1000,
        ..Config::default()
    })
    .unwrap();
    let err = Module::new(&small, branchy_module(200)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit(_)), "{err}");
    assert!(err.to_string().contains("max_function_size"), "{err}");
    assert!(Module::new(&small, branchy_module(5)).is_ok());

    // The limit is on compiling a module at once (lazily compiled modules
    // only validate up front).
    let hurried = Engine::new(&Config {
        max_compile_time: Some(std::time::Duration::ZERO),
        lazy_compilation: false,
        ..Config::default()
    })
    .unwrap();
    let err = Module::new(&hurried, branchy_module(10)).unwrap_err();
    assert!(err.to_string().contains("max_compile_time"), "{err}");
}

#[test]
fn text_that_does_not_parse_and_bytes_that_are_no_module_get_one_line_errors() {
    for (bytes, want) in [
        (&b"(module (func (result i32) (i32.const)))"[..], "at line 1"),
        (&b"(module\n  (func $f (param i32)\n    (bogus)))"[..], "at line 3"),
        (&b"\x01\x02garbage"[..], "neither a WebAssembly binary"),
        (&b""[..], "neither a WebAssembly binary"),
    ] {
        let err = Module::new(&engine(), bytes).unwrap_err().to_string();
        assert!(err.starts_with("malformed module:"), "{err}");
        assert!(err.contains(want), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
}

#[test]
fn typed_function_references_are_checked_at_the_host_boundary() {
    let module = Module::new(
        &engine(),
        r#"(module
  (type $unary (func (param i32) (result i32)))
  (func $double (export "double") (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func $other (export "other") (param i64) (result i64) (local.get 0))
  (func (export "apply") (param $f (ref $unary)) (param i32) (result i32)
    (call_ref $unary (local.get 1) (local.get $f)))
  (func (export "apply_or") (param $f (ref null $unary)) (param i32) (result i32)
    (block $null
      (return (call_ref $unary (local.get 1) (br_on_null $null (local.get $f)))))
    (i32.const -1))
  (table $t (export "table") 2 (ref $unary) (ref.func $double)))"#,
    )
    .unwrap();
    let mut store = Store::new(module.engine());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let apply = inst.get_func(&store, "apply").unwrap();
    let double = inst.get_func(&store, "double").unwrap();
    let other = inst.get_func(&store, "other").unwrap();
    // The parameter's type names the function type, which the engine knows.
    let ValType::Ref(r) = apply.ty(&store).params()[0] else {
        panic!("a reference parameter")
    };
    assert!(!r.nullable);
    let HeapType::ConcreteFunc(index) = r.heap else {
        panic!("a concrete function type")
    };
    assert_eq!(module.engine().func_type(index), Some(double.ty(&store)));

    let mut out = [Val::I32(0)];
    apply
        .call(&mut store, &[Val::FuncRef(Some(double)), Val::I32(21)], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::I32(42));
    // Null, or a function of another type, cannot stand for (ref $unary).
    for bad in [Val::FuncRef(None), Val::FuncRef(Some(other))] {
        let err = apply
            .call(&mut store, &[bad, Val::I32(1)], &mut out)
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Type(_)), "{err}");
    }
    // A nullable one takes null.
    let apply_or = inst.get_func(&store, "apply_or").unwrap();
    apply_or
        .call(&mut store, &[Val::FuncRef(None), Val::I32(1)], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::I32(-1));

    // The typed table starts filled with its initialiser and refuses null.
    let table = inst.get_table(&store, "table").unwrap();
    assert_eq!(table.get(&store, 1), Some(Val::FuncRef(Some(double))));
    assert!(table.set(&mut store, 0, Val::FuncRef(None)).is_err());
    assert!(table.set(&mut store, 0, Val::FuncRef(Some(other))).is_err());
    table.set(&mut store, 0, Val::FuncRef(Some(double))).unwrap();
}

#[test]
fn a_null_typed_reference_traps_with_null_reference() {
    let module = Module::new(
        &engine(),
        r#"(module
  (type $t (func))
  (func (export "call_null") (call_ref $t (ref.null $t)))
  (func (export "as_non_null") (drop (ref.as_non_null (ref.null func)))))"#,
    )
    .unwrap();
    let mut store = Store::new(module.engine());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    for name in ["call_null", "as_non_null"] {
        let f = inst.get_func(&store, name).unwrap();
        let err = f.call(&mut store, &[], &mut []).unwrap_err();
        assert_eq!(
            err.as_trap().and_then(|t| t.code()),
            Some(TrapCode::NullReference),
            "{name}"
        );
    }
}

#[test]
fn an_error_quoting_a_name_with_a_line_break_stays_one_line() {
    let engine = Engine::default();
    let err = Module::new(
        &engine,
        "(module (func (export \"a\\nb\")) (func (export \"a\\nb\")))",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "{msg:?}");
    assert!(msg.contains("a\\nb"), "{msg:?}");
}
