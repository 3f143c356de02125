//! A guest that traps never takes the host down: every call reports the
//! right trap, the instance stays usable, and repeated traps leak nothing.

use wasi_rt::{Engine, Instance, Module, Store, TrapCode};

const GUEST: &str = r#"(module
  (memory 1)
  (func $oob (export "oob") (result i32) (i32.load (i32.const 70000)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (local.get 0)) (i32.const 1)))
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func $inner (unreachable))
  (func $middle (call $inner))
  (func (export "unreachable") (call $middle))
  (func (export "ok") (result i32) (i32.const 42))
)"#;

fn setup() -> (Store, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).expect("guest compiles");
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).expect("guest instantiates");
    (store, instance)
}

fn trap_of(store: &mut Store, instance: Instance, name: &str, args: &[wasi_rt::Val]) -> TrapCode {
    let f = instance.get_func(store, name).expect("export exists");
    let mut out = vec![wasi_rt::Val::I32(0); f.ty(store).results().len()];
    let err = f.call(store, args, &mut out).expect_err("call must trap");
    err.as_trap()
        .and_then(|t| t.code())
        .expect("error is a Wasm trap")
}

fn resident_kib() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn ok(store: &mut Store, instance: Instance) -> i32 {
    let f = instance
        .get_func(store, "ok")
        .unwrap()
        .typed::<(), i32>(store)
        .unwrap();
    f.call(store, ())
        .expect("instance still usable after a trap")
}

#[test]
fn out_of_bounds_load_traps_every_time() {
    let (mut store, inst) = setup();
    for _ in 0..10_000 {
        assert_eq!(
            trap_of(&mut store, inst, "oob", &[]),
            TrapCode::MemoryOutOfBounds
        );
    }
    assert_eq!(ok(&mut store, inst), 42);
}

#[test]
fn infinite_recursion_traps_with_call_stack_exhausted_every_time() {
    let (mut store, inst) = setup();
    for _ in 0..10_000 {
        let code = trap_of(&mut store, inst, "recurse", &[wasi_rt::Val::I32(1)]);
        assert_eq!(code, TrapCode::StackOverflow);
    }
    assert_eq!(ok(&mut store, inst), 42);
}

#[test]
fn division_by_zero_traps_every_time() {
    let (mut store, inst) = setup();
    for _ in 0..10_000 {
        let code = trap_of(&mut store, inst, "div", &[wasi_rt::Val::I32(0)]);
        assert_eq!(code, TrapCode::IntegerDivisionByZero);
    }
    let div = inst
        .get_func(&store, "div")
        .unwrap()
        .typed::<i32, i32>(&store)
        .unwrap();
    assert_eq!(div.call(&mut store, 7).unwrap(), 1);
}

#[test]
fn unreachable_traps_every_time_without_leaking() {
    let (mut store, inst) = setup();
    for _ in 0..1_000 {
        trap_of(&mut store, inst, "unreachable", &[]);
    }
    let before = resident_kib();
    for _ in 0..10_000 {
        assert_eq!(
            trap_of(&mut store, inst, "unreachable", &[]),
            TrapCode::Unreachable
        );
    }
    let grown = resident_kib().saturating_sub(before);
    assert!(
        grown < 4096,
        "10,000 traps grew the resident set by {grown} KiB"
    );
}

#[test]
fn trap_carries_a_wasm_backtrace_with_names() {
    let (mut store, inst) = setup();
    let f = inst.get_func(&store, "unreachable").unwrap();
    let err = f.call(&mut store, &[], &mut []).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    let names: Vec<_> = trap
        .frames()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["inner", "middle", ""],
        "frames: {:?}",
        trap.frames()
    );
    assert_eq!(trap.frames()[2].func_index, 5);
    let text = trap.to_string();
    assert!(
        text.contains("unreachable") && text.contains("inner"),
        "{text}"
    );
}

#[test]
fn traps_in_threads_stay_in_their_thread() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (engine, module) = (engine.clone(), module.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine);
                let inst = Instance::new(&mut store, &module, &[]).unwrap();
                for _ in 0..1_000 {
                    assert_eq!(
                        trap_of(&mut store, inst, "oob", &[]),
                        TrapCode::MemoryOutOfBounds
                    );
                }
                ok(&mut store, inst)
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 42);
    }
}

#[test]
fn trap_frames_point_at_the_trapping_operator() {
    let wasm = wat::parse_str(GUEST).unwrap();
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&store, "unreachable").unwrap();
    let err = f.call(&mut store, &[], &mut []).unwrap_err();
    let frames = err.as_trap().unwrap().frames().to_vec();
    let top = &frames[0];
    let at = top.module_offset.expect("module offset known");
    assert_eq!(
        wasm[at], 0x00,
        "the `unreachable` opcode is at module offset {at:#x}"
    );
    assert!(top.func_offset.unwrap() > 0 && top.func_offset.unwrap() < at);
    // The caller's frame points at its `call` (opcode 0x10).
    let at = frames[1].module_offset.expect("caller offset known");
    assert_eq!(
        wasm[at], 0x10,
        "the `call` opcode is at module offset {at:#x}"
    );
}
