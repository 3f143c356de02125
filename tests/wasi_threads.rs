//! wasi-threads: a WASI command that imports a shared memory and
//! `wasi::thread-spawn` runs its threads on host threads, each a new
//! instance in a store of its own on the same memory and WASI state.

use wasi_rt::wasi::WasiCtxBuilder;
use wasi_rt::{Engine, Module, Store};

/// Spawns four threads (start arguments 1 to 4) that each add their
/// argument to a counter 1000 times with atomics, count themselves done
/// and notify; `_start` waits for all four and exits 0 when the counter is
/// 10,000 (1, or 2 when a spawn fails, or 3 when thread ids repeat).
const COUNTER: &str = r#"(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (local.get $arg)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
    ;; Mark this thread id seen: a repeated id sets bit 31 of its slot.
    (drop (i32.atomic.rmw.add (i32.add (i32.const 64) (i32.shl (i32.and (local.get $tid) (i32.const 15)) (i32.const 2))) (i32.const 1)))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))
  (func (export "_start")
    (local $n i32) (local $done i32) (local $k i32)
    (loop $s
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (if (i32.le_s (call $spawn (local.get $n)) (i32.const 0)) (then (call $exit (i32.const 2))))
      (br_if $s (i32.lt_u (local.get $n) (i32.const 4))))
    (block $b
      (loop $w
        (local.set $done (i32.atomic.load (i32.const 4)))
        (br_if $b (i32.eq (local.get $done) (i32.const 4)))
        (drop (memory.atomic.wait32 (i32.const 4) (local.get $done) (i64.const -1)))
        (br $w)))
    (loop $c
      (if (i32.gt_u (i32.atomic.load (i32.add (i32.const 64) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 1))
        (then (call $exit (i32.const 3))))
      (br_if $c (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 16))))
    (if (i32.ne (i32.atomic.load (i32.const 0)) (i32.const 10000))
      (then (call $exit (i32.const 1))))))"#;

fn run(wat: &str) -> wasi_rt::Result<i32> {
    let engine = Engine::default();
    let module = Module::new(&engine, wat)?;
    let mut store = Store::new(&engine);
    let ctx = WasiCtxBuilder::new().build()?;
    ctx.run(&mut store, &module)
}

#[test]
fn spawned_threads_share_the_memory_and_finish_the_count() {
    assert_eq!(run(COUNTER).unwrap(), 0);
}

#[test]
fn proc_exit_in_a_spawned_thread_ends_the_program_with_its_code() {
    // The thread exits with 7; `_start` waits (in 10 ms steps) for a flag
    // nobody sets, then returns.
    let wat = r#"(module
      (import "env" "memory" (memory 1 1 shared))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (export "memory" (memory 0))
      (func (export "wasi_thread_start") (param i32 i32)
        (call $exit (i32.const 7)))
      (func (export "_start")
        (local $i i32)
        (drop (call $spawn (i32.const 0)))
        (loop $w
          (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 10000000)))
          (br_if $w (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20))))))"#;
    assert_eq!(run(wat).unwrap(), 7);
}

#[test]
fn a_trap_in_a_spawned_thread_fails_the_program() {
    let wat = r#"(module
      (import "env" "memory" (memory 1 1 shared))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (export "memory" (memory 0))
      (func (export "wasi_thread_start") (param i32 i32) (unreachable))
      (func (export "_start")
        (local $i i32)
        (drop (call $spawn (i32.const 0)))
        (loop $w
          (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 10000000)))
          (br_if $w (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20))))))"#;
    let err = run(wat).unwrap_err();
    assert!(err.to_string().contains("unreachable"), "{err}");
}

#[test]
fn thread_spawn_without_a_shared_memory_is_a_link_error() {
    let wat = r#"(module
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")))"#;
    let err = run(wat).unwrap_err();
    assert!(err.to_string().contains("shared memory"), "{err}");
}

/// Eight threads each add 1 to a plain (non-atomic) counter 2,000 times
/// under a lock made of `i32.atomic.rmw.cmpxchg`, `memory.atomic.wait32`
/// and `notify`, and count themselves done with an atomic add; `_start`
/// waits for all eight and exits 0 when the counter is exactly 16,000.
const HAMMER: &str = include_str!("wasi-programs/threads_hammer.wat");

#[test]
fn eight_threads_counting_under_a_wait_notify_lock_get_the_exact_total_every_time() {
    let engine = Engine::default();
    let module = Module::new(&engine, HAMMER).unwrap();
    for run in 0..100 {
        let mut store = Store::new(&engine);
        let ctx = WasiCtxBuilder::new().build().unwrap();
        assert_eq!(ctx.run(&mut store, &module).unwrap(), 0, "run {run}");
    }
}

#[test]
fn a_trap_in_a_thread_ends_a_program_whose_main_thread_waits_for_ever() {
    // `_start` waits with no timeout for a flag the trapping thread would
    // have set: the wait is abandoned and the thread's trap reported.
    let wat = include_str!("wasi-programs/threads_trap.wat");
    let start = std::time::Instant::now();
    let err = run(wat).unwrap_err();
    assert!(err.to_string().contains("integer divide by zero"), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}
