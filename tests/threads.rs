//! Threads: one shared memory used by instances in several stores on
//! several host threads, with atomic operators, wait/notify and growth.

use std::sync::Arc;
use std::time::{Duration, Instant};
use wasi_rt::*;

const WORKER: &str = r#"(module
  (import "env" "mem" (memory 1 4 shared))
  (func (export "add_many") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "store_and_notify") (param i32 i32) (result i32)
    (i32.atomic.store (local.get 0) (local.get 1))
    (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "notify") (param i32) (result i32)
    (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "wait") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))"#;

/// An instance of WORKER in a store of its own, on `shared`.
struct Worker {
    store: Store,
    inst: Instance,
}

impl Worker {
    fn new(engine: &Engine, module: &Module, shared: &SharedMemory) -> Worker {
        let mut store = Store::new(engine);
        let mem = Memory::from_shared(&mut store, shared).unwrap();
        let inst = Instance::new(&mut store, module, &[Extern::Memory(mem)]).unwrap();
        Worker { store, inst }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
        let f = self.inst.get_func(&self.store, name).unwrap();
        let mut out = vec![Val::I32(0); f.ty(&self.store).results().len()];
        f.call(&mut self.store, args, &mut out).map(|()| out)
    }
}

fn setup() -> (Engine, Module, SharedMemory) {
    let engine = Engine::default();
    let module = Module::new(&engine, WORKER).unwrap();
    let shared = SharedMemory::new(&engine, MemoryType::new(1, Some(4)).shared()).unwrap();
    (engine, module, shared)
}

#[test]
fn atomic_adds_from_four_threads_lose_no_update() {
    let (engine, module, shared) = setup();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (engine, module, shared) = (engine.clone(), module.clone(), shared.clone());
            std::thread::spawn(move || {
                let mut w = Worker::new(&engine, &module, &shared);
                w.call("add_many", &[Val::I32(100_000)]).unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut w = Worker::new(&engine, &module, &shared);
    assert_eq!(w.call("load", &[Val::I32(0)]).unwrap(), vec![Val::I32(400_000)]);
}

#[test]
fn a_waiting_thread_is_woken_by_a_notify_from_another() {
    let (engine, module, shared) = setup();
    let waiter = {
        let (engine, module, shared) = (engine.clone(), module.clone(), shared.clone());
        std::thread::spawn(move || {
            let mut w = Worker::new(&engine, &module, &shared);
            // Forever (negative timeout), while address 8 holds 0.
            w.call("wait", &[Val::I32(8), Val::I32(0), Val::I64(-1)]).unwrap()
        })
    };
    let mut w = Worker::new(&engine, &module, &shared);
    // Notify (leaving the value alone) until the waiter has been counted
    // as woken.
    let start = Instant::now();
    loop {
        let woken = w.call("notify", &[Val::I32(8)]).unwrap();
        if woken == vec![Val::I32(1)] {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the waiter never waited");
        std::thread::sleep(Duration::from_millis(1));
    }
    let got = waiter.join().unwrap();
    assert_eq!(got, vec![Val::I32(0)]);
}

#[test]
fn a_wait_returns_not_equal_or_timed_out() {
    let (engine, module, shared) = setup();
    let mut w = Worker::new(&engine, &module, &shared);
    w.call("store_and_notify", &[Val::I32(16), Val::I32(5)]).unwrap();
    assert_eq!(
        w.call("wait", &[Val::I32(16), Val::I32(4), Val::I64(-1)]).unwrap(),
        vec![Val::I32(1)]
    );
    let start = Instant::now();
    assert_eq!(
        w.call("wait", &[Val::I32(16), Val::I32(5), Val::I64(20_000_000)]).unwrap(),
        vec![Val::I32(2)]
    );
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[test]
fn growth_by_one_thread_is_seen_by_another() {
    let (engine, module, shared) = setup();
    let grower = {
        let (engine, module, shared) = (engine.clone(), module.clone(), shared.clone());
        std::thread::spawn(move || {
            let mut w = Worker::new(&engine, &module, &shared);
            w.call("grow", &[Val::I32(2)]).unwrap()
        })
    };
    assert_eq!(grower.join().unwrap(), vec![Val::I32(1)]);
    let mut w = Worker::new(&engine, &module, &shared);
    assert_eq!(w.call("size", &[]).unwrap(), vec![Val::I32(3)]);
    // The new pages are usable from this store.
    assert_eq!(
        w.call("cas", &[Val::I32(3 * 65536 - 4), Val::I32(0), Val::I32(9)]).unwrap(),
        vec![Val::I32(0)]
    );
    assert_eq!(w.call("load", &[Val::I32(3 * 65536 - 4)]).unwrap(), vec![Val::I32(9)]);
    assert_eq!(shared.pages(), 3);
    assert_eq!(w.call("grow", &[Val::I32(2)]).unwrap(), vec![Val::I32(-1)]);
}

#[test]
fn an_unaligned_atomic_access_traps() {
    let (engine, module, shared) = setup();
    let mut w = Worker::new(&engine, &module, &shared);
    let err = w.call("load", &[Val::I32(2)]).unwrap_err();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::UnalignedAtomic));
    let err = w.call("load", &[Val::I32(4 * 65536)]).unwrap_err();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::MemoryOutOfBounds));
}

#[test]
fn waiting_on_a_memory_that_is_not_shared_traps() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory 1)
             (func (export "wait") (result i32)
               (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&store, "wait").unwrap();
    let err = f.call(&mut store, &[], &mut [Val::I32(0)]).unwrap_err();
    assert_eq!(
        err.as_trap().and_then(|t| t.code()),
        Some(TrapCode::WaitOnUnsharedMemory)
    );
}

#[test]
fn a_shared_memory_imports_only_where_a_shared_one_is_declared() {
    let (engine, _, shared) = setup();
    let mut store = Store::new(&engine);
    let mem = Memory::from_shared(&mut store, &shared).unwrap();
    let unshared = Module::new(&engine, r#"(module (import "env" "mem" (memory 1 4)))"#).unwrap();
    let err = Instance::new(&mut store, &unshared, &[Extern::Memory(mem)]).unwrap_err();
    assert!(err.to_string().contains("incompatible"), "{err}");
    let own = Memory::new(&mut store, MemoryType::new(1, Some(4))).unwrap();
    let wants_shared = Module::new(&engine, WORKER).unwrap();
    assert!(Instance::new(&mut store, &wants_shared, &[Extern::Memory(own)]).is_err());
    assert!(own.shared(&store).is_none());
    assert!(mem.shared(&store).is_some_and(|s| s.same(&shared)));
}

#[test]
fn a_shared_memory_outlives_the_store_that_made_it() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (memory (export "m") 1 1 shared) (data (i32.const 0) "\2a"))"#).unwrap();
    let shared = {
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let m = inst.get_memory(&store, "m").unwrap();
        m.shared(&store).unwrap()
    };
    let (base, len) = shared.data_ptr();
    assert_eq!(len, 65536);
    // SAFETY: the memory is live (we hold it) and no other thread uses it.
    assert_eq!(unsafe { *base }, 42);
    let _ = Arc::new(shared);
}

#[test]
fn threads_switched_off_refuses_a_shared_memory_naming_the_feature() {
    let mut config = Config::default();
    assert!(config.features.set("threads", false));
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, WORKER).unwrap_err();
    assert!(err.to_string().contains("threads"), "{err}");
}

/// A 64-bit shared memory (explicit bounds checks with a cached length):
/// one thread grows it page by page and publishes the new size, another
/// reads the last byte of every size it sees. A stale cached length must
/// only ever cost a reload, never a false trap.
#[test]
fn a_thread_sees_pages_another_adds_to_a_64_bit_shared_memory() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "mem" (memory i64 1 200 shared))
          (func (export "grow_all")
            (loop $l
              (if (i64.ne (memory.grow (i64.const 1)) (i64.const -1))
                (then
                  (i64.atomic.store (i64.const 0) (memory.size))
                  (drop (memory.atomic.notify (i64.const 0) (i32.const 1)))
                  (br $l)))))
          ;; Reads the last byte of each published size until 200 pages.
          (func (export "follow") (result i64)
            (local $pages i64) (local $sum i64)
            (loop $l
              (local.set $pages (i64.atomic.load (i64.const 0)))
              (if (i64.gt_u (local.get $pages) (i64.const 0))
                (then
                  (local.set $sum (i64.add (local.get $sum)
                    (i64.load8_u (i64.sub (i64.mul (local.get $pages) (i64.const 65536)) (i64.const 1)))))))
              (br_if $l (i64.lt_u (local.get $pages) (i64.const 200))))
            (local.get $sum)))"#,
    )
    .unwrap();
    let shared =
        SharedMemory::new(&engine, MemoryType::new64(1, Some(200)).shared()).unwrap();
    let call = |engine: Engine, module: Module, shared: SharedMemory, name: &'static str| {
        std::thread::spawn(move || {
            let mut store = Store::new(&engine);
            let mem = Memory::from_shared(&mut store, &shared).unwrap();
            let inst = Instance::new(&mut store, &module, &[Extern::Memory(mem)]).unwrap();
            let f = inst.get_func(&store, name).unwrap();
            let mut out = vec![Val::I64(0); f.ty(&store).results().len()];
            f.call(&mut store, &[], &mut out).map(|()| out)
        })
    };
    let follower = call(engine.clone(), module.clone(), shared.clone(), "follow");
    let grower = call(engine.clone(), module.clone(), shared.clone(), "grow_all");
    grower.join().unwrap().unwrap();
    assert_eq!(follower.join().unwrap().unwrap(), vec![Val::I64(0)]);
    assert_eq!(shared.pages(), 200);
}

#[test]
fn a_wait_for_ever_stops_at_the_epoch_deadline() {
    let engine = Engine::new(&Config {
        epoch_interruption: true,
        ..Config::default()
    })
    .unwrap();
    let module = Module::new(&engine, WORKER).unwrap();
    let shared = SharedMemory::new(&engine, MemoryType::new(1, Some(4)).shared()).unwrap();
    let mut w = Worker::new(&engine, &module, &shared);
    w.store.set_epoch_deadline(1);
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let start = Instant::now();
    let err = w.call("wait", &[Val::I32(0), Val::I32(0), Val::I64(-1)]).unwrap_err();
    ticker.join().unwrap();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::Interrupt));
    assert!(start.elapsed() < Duration::from_secs(5));
}
