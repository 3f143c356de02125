//! Wasm exception handling through the Rust API: tags, throwing and
//! catching in Wasm, exceptions crossing host functions, uncaught
//! exceptions as traps, and how long exceptions live.

use wasi_rt::*;

const THROWER: &str = r#"(module
  (tag $e (export "e") (param i32 i64))
  (tag $empty (export "empty"))
  (import "host" "call" (func $host))
  (func $throw (export "throw") (param i32)
    (throw $e (local.get 0) (i64.const 9)))
  (func (export "catch_from_host") (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h)
        (call $host))
      (return (i32.const -1)))
    (drop))
  (func (export "catch_all_ref") (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h)
        (call $throw (i32.const 5)))
      (return (i32.const -1)))
    (drop)
    (i32.const 1))
  (func (export "rethrow_ref")
    (block $h (result exnref)
      (try_table (catch_all_ref $h)
        (call $throw (i32.const 6)))
      (unreachable))
    (throw_ref))
  (func (export "count") (param $n i32) (result i32)
    (local $caught i32)
    (loop $again
      (block $h (result i32 i64)
        (try_table (catch $e $h)
          (call $throw (local.get $n)))
        (unreachable))
      (drop) (drop)
      (local.set $caught (i32.add (local.get $caught) (i32.const 1)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $caught)))"#;

struct Setup {
    store: Store,
    inst: Instance,
}

/// Instantiates THROWER with `host` as its imported function.
fn setup(host: impl Fn(Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static) -> Setup {
    let engine = Engine::default();
    let module = Module::new(&engine, THROWER).unwrap();
    let mut store = Store::new(&engine);
    let f = Func::new(&mut store, FuncType::new([], []), host).unwrap();
    let inst = Instance::new(&mut store, &module, &[Extern::Func(f)]).unwrap();
    Setup { store, inst }
}

fn call(s: &mut Setup, name: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
    let f = s.inst.get_func(&s.store, name).unwrap();
    let mut out = vec![Val::I32(0); f.ty(&s.store).results().len()];
    f.call(&mut s.store, args, &mut out).map(|()| out)
}

#[test]
fn an_uncaught_exception_is_a_trap_carrying_the_exception_and_the_instance_stays_usable() {
    let mut s = setup(|_, _, _| Ok(()));
    let err = call(&mut s, "throw", &[Val::I32(42)]).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), Some(TrapCode::UncaughtException));
    assert!(trap.message().contains("uncaught exception"), "{trap}");
    assert!(!trap.frames().is_empty(), "with a backtrace");
    let exn = trap.exception().expect("the exception");
    let tag = s.inst.get_export(&s.store, "e").unwrap().into_tag().unwrap();
    assert_eq!(exn.tag(&s.store), tag);
    assert_eq!(exn.values(&s.store), vec![Val::I32(42), Val::I64(9)]);
    // Still usable.
    assert_eq!(call(&mut s, "catch_all_ref", &[]).unwrap(), vec![Val::I32(1)]);
}

#[test]
fn throw_ref_rethrows_the_same_exception() {
    let mut s = setup(|_, _, _| Ok(()));
    let err = call(&mut s, "rethrow_ref", &[]).unwrap_err();
    let exn = err.as_trap().and_then(|t| t.exception()).expect("an exception");
    assert_eq!(exn.values(&s.store), vec![Val::I32(6), Val::I64(9)]);
}

#[test]
fn a_host_function_can_throw_an_exception_that_wasm_catches() {
    let mut s = setup(|mut caller, _, _| {
        let tag = caller.get_export("e").unwrap().into_tag().unwrap();
        let exn = ExnRef::new(caller.store(), tag, &[Val::I32(123), Val::I64(0)])
            .map_err(|e| Trap::new(e.to_string()))?;
        Err(Trap::throw(exn))
    });
    assert_eq!(call(&mut s, "catch_from_host", &[]).unwrap(), vec![Val::I32(123)]);
}

#[test]
fn an_exception_from_a_nested_call_crosses_the_host_function_into_outer_wasm() {
    // The host function calls back into Wasm, which throws; the host
    // passes the error on, and the outer Wasm catches the exception.
    let engine = Engine::default();
    let module = Module::new(&engine, THROWER).unwrap();
    let mut store = Store::new(&engine);
    let slot: std::sync::Arc<std::sync::Mutex<Option<Instance>>> = Default::default();
    let inner = slot.clone();
    let f = Func::new(&mut store, FuncType::new([], []), move |mut caller, _, _| {
        let inst = inner.lock().unwrap().expect("set");
        let throw = inst.get_func(caller.store(), "throw").unwrap();
        throw
            .call(caller.store(), &[Val::I32(77)], &mut [])
            .map_err(|e| e.into_trap().unwrap_or_else(|e| Trap::new(e.to_string())))
    })
    .unwrap();
    let inst = Instance::new(&mut store, &module, &[Extern::Func(f)]).unwrap();
    *slot.lock().unwrap() = Some(inst);
    let catch = inst.get_func(&store, "catch_from_host").unwrap();
    let mut out = [Val::I32(0)];
    catch.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(77));
}

#[test]
fn exceptions_caught_inside_wasm_do_not_accumulate() {
    let mut s = setup(|_, _, _| Ok(()));
    let statm = || {
        let s = std::fs::read_to_string("/proc/self/statm").unwrap();
        s.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap() * 4096
    };
    assert_eq!(call(&mut s, "count", &[Val::I32(1000)]).unwrap(), vec![Val::I32(1000)]);
    let before = statm();
    for _ in 0..100 {
        // 10,000 exceptions thrown and caught per call; freed when the
        // next call starts.
        assert_eq!(
            call(&mut s, "count", &[Val::I32(10_000)]).unwrap(),
            vec![Val::I32(10_000)]
        );
    }
    let grown = statm().saturating_sub(before);
    // A million exceptions kept would take over 50 MB.
    assert!(grown < 16 << 20, "RSS grew by {} KiB", grown >> 10);
}

#[test]
fn exceptions_caught_without_a_reference_are_freed_during_the_call() {
    let mut s = setup(|_, _, _| Ok(()));
    let statm = || {
        let s = std::fs::read_to_string("/proc/self/statm").unwrap();
        s.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap() * 4096
    };
    assert_eq!(call(&mut s, "count", &[Val::I32(1000)]).unwrap(), vec![Val::I32(1000)]);
    let before = statm();
    // A million exceptions in one call: each freed as its catch takes
    // its values (kept to the end of the call, they take over 50 MB).
    assert_eq!(
        call(&mut s, "count", &[Val::I32(1_000_000)]).unwrap(),
        vec![Val::I32(1_000_000)]
    );
    let grown = statm().saturating_sub(before);
    assert!(grown < 16 << 20, "RSS grew by {} KiB", grown >> 10);
}

/// Holds an exception as an `exnref` (or, in the legacy encoding, inside
/// a `catch` body) while thousands of others are thrown, caught and freed,
/// then rethrows it: it must still carry its own values.
const HOLDER: &str = r#"(module
  (tag $e (param i32))
  (func $throw (param i32) (throw $e (local.get 0)))
  (func $churn
    (local $i i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (call $throw (local.get $i)))
        (unreachable))
      (drop)
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 5000)))))
  (func (export "held_ref") (result i32)
    (local $x exnref)
    (local.set $x
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (call $throw (i32.const 42)))
        (unreachable)))
    (call $churn)
    (block $h2 (result i32)
      (try_table (catch $e $h2) (throw_ref (local.get $x)))
      (unreachable)))
  (func (export "held_legacy") (result i32)
    (try (result i32)
      (do (call $throw (i32.const 43)) (unreachable))
      (catch $e
        (drop)
        ;; The rethrown exception is caught by a plain catch inside the
        ;; clause, then rethrown again after the churn.
        (block $h (result i32)
          (try_table (catch $e $h) (rethrow 2))
          (unreachable))
        (drop)
        (call $churn)
        (try (result i32)
          (do (rethrow 1))
          (catch $e))))))"#;

/// Calls HOLDER's export `name` in a fresh store; its i32 result.
fn call_holder(name: &str) -> Val {
    let engine = Engine::default();
    let module = Module::new(&engine, HOLDER).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut store, &[], &mut out).unwrap();
    out[0]
}

#[test]
fn an_exception_held_as_a_reference_survives_other_exceptions_being_freed() {
    assert_eq!(call_holder("held_ref"), Val::I32(42));
}

#[test]
fn an_exception_in_a_legacy_catch_body_survives_a_nested_catch_of_its_rethrow() {
    assert_eq!(call_holder("held_legacy"), Val::I32(43));
}

#[test]
fn tags_are_imported_by_identity_and_checked_by_type() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let tag = Tag::new(&mut store, &TagType::new([ValType::I32]));
    let other = Tag::new(&mut store, &TagType::new([ValType::I32]));
    let module = Module::new(
        &engine,
        r#"(module
  (import "h" "t" (tag $t (param i32)))
  (func (export "throw") (param i32) (throw $t (local.get 0))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &module, &[Extern::Tag(tag)]).unwrap();
    let throw = inst.get_func(&store, "throw").unwrap();
    let err = throw.call(&mut store, &[Val::I32(3)], &mut []).unwrap_err();
    let exn = err.as_trap().and_then(|t| t.exception()).unwrap();
    assert_eq!(exn.tag(&store), tag);
    assert_ne!(exn.tag(&store), other);
    // A tag of another type does not link.
    let wrong = Tag::new(&mut store, &TagType::new([ValType::I64]));
    let err = Instance::new(&mut store, &module, &[Extern::Tag(wrong)]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
    // Exceptions the host makes are checked against the tag's type.
    assert!(ExnRef::new(&mut store, tag, &[Val::I64(1)]).is_err());
}

#[test]
fn a_precompiled_module_keeps_its_handlers() {
    let engine = Engine::default();
    let bytes = Module::precompile(
        &engine,
        r#"(module
  (tag $e (param i32))
  (func $t (param i32) (throw $e (local.get 0)))
  (func (export "f") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $t (i32.const 31)))
      (i32.const -1))))"#,
    )
    .unwrap();
    // SAFETY: bytes this test made a moment ago.
    let module = unsafe { Module::from_precompiled(&engine, &bytes) }.unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&store, "f").unwrap();
    assert_eq!(f.typed::<(), i32>(&store).unwrap().call(&mut store, ()).unwrap(), 31);
}

/// Legacy-encoded handlers around a host function that throws, a
/// delegate past a try to its caller's handler, and a rethrow.
const LEGACY: &str = r#"(module
  (tag $e (export "e") (param i32))
  (tag $other)
  (import "host" "call" (func $host (param i32)))
  (func $throw (param i32) (throw $e (local.get 0)))
  (func (export "catch_from_host") (param i32) (result i32)
    try (result i32)
      (call $host (local.get 0))
      (i32.const -1)
    catch $other
      (i32.const -2)
    catch $e
    end)
  (func $delegating (param i32)
    try
      try
        (call $throw (local.get 0))
      delegate 1
    catch_all
      (unreachable)
    end)
  (func (export "delegate_to_caller") (param i32) (result i32)
    try (result i32)
      (call $delegating (local.get 0))
      (i32.const -1)
    catch $e
      (i32.add (i32.const 1000))
    end)
  (func (export "catch_all_around_host") (param i32) (result i32)
    try (result i32)
      (call $host (local.get 0))
      (i32.const -1)
    catch_all
      (i32.const -3)
    end)
  (func (export "rethrow") (param i32) (result i32)
    try (result i32)
      try
        (call $throw (local.get 0))
      catch_all
        rethrow 0
      end
      (i32.const -1)
    catch $e
    end))"#;

fn legacy_setup(
    host: impl Fn(Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
) -> Setup {
    let engine = Engine::default();
    let module = Module::new(&engine, LEGACY).unwrap();
    let mut store = Store::new(&engine);
    let f = Func::new(&mut store, FuncType::new([ValType::I32], []), host).unwrap();
    let inst = Instance::new(&mut store, &module, &[Extern::Func(f)]).unwrap();
    Setup { store, inst }
}

#[test]
fn a_legacy_catch_chooses_the_clause_by_tag_and_gets_the_values() {
    let mut s = legacy_setup(|mut caller, args, _| {
        let tag = caller.get_export("e").unwrap().into_tag().unwrap();
        let exn = ExnRef::new(caller.store(), tag, &[args[0]]).map_err(|e| Trap::new(e.to_string()))?;
        Err(Trap::throw(exn))
    });
    assert_eq!(call(&mut s, "catch_from_host", &[Val::I32(8)]).unwrap(), vec![Val::I32(8)]);
}

#[test]
fn a_legacy_try_lets_a_trap_pass_through_its_catch_all() {
    let mut s = legacy_setup(|_, _, _| Err(Trap::new("host failure")));
    let err = call(&mut s, "catch_all_around_host", &[Val::I32(8)]).unwrap_err();
    assert!(err.to_string().contains("host failure"), "{err}");
}

#[test]
fn delegate_to_the_function_label_skips_the_enclosing_catch_all() {
    let mut s = legacy_setup(|_, _, _| Ok(()));
    assert_eq!(
        call(&mut s, "delegate_to_caller", &[Val::I32(5)]).unwrap(),
        vec![Val::I32(1005)]
    );
}

#[test]
fn legacy_rethrow_throws_the_caught_exception_again() {
    let mut s = legacy_setup(|_, _, _| Ok(()));
    assert_eq!(call(&mut s, "rethrow", &[Val::I32(17)]).unwrap(), vec![Val::I32(17)]);
}

#[test]
fn the_legacy_encoding_can_be_switched_off_alone() {
    let mut config = Config::default();
    config.features.legacy_exceptions = false;
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, LEGACY).unwrap_err();
    assert!(err.to_string().contains("legacy"), "{err}");
    // The standard encoding still works.
    Module::new(&engine, THROWER).unwrap();
}
