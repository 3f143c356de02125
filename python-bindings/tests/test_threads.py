"""Threads from Python: one shared memory, instances in several stores on
several Python threads, atomics and their traps."""

import threading

import pytest

import wasi_rt
from wasi_rt import Memory, MemoryType, SharedMemory

COUNTER = """(module
  (import "env" "mem" (memory 1 2 shared))
  (func (export "add_many") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0))))"""


def worker(engine, module, shared):
    store = wasi_rt.Store(engine)
    return wasi_rt.Instance(store, module, [shared.memory(store)])


def test_atomic_adds_from_python_threads_lose_no_update():
    engine = wasi_rt.Engine()
    module = wasi_rt.Module(engine, COUNTER)
    shared = SharedMemory(engine, MemoryType(1, 2, shared=True))
    errors = []

    def run():
        try:
            worker(engine, module, shared)["add_many"](50_000)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert int.from_bytes(shared.read(0, 4), "little") == 200_000
    assert worker(engine, module, shared)["load"](0) == 200_000


def test_a_shared_memory_grows_for_every_store():
    engine = wasi_rt.Engine()
    module = wasi_rt.Module(engine, COUNTER)
    shared = SharedMemory(engine, MemoryType(1, 2, shared=True))
    inst = worker(engine, module, shared)
    assert shared.grow(1) == 1
    assert shared.size == 2
    assert inst["load"](65536 + 4) == 0
    with pytest.raises(wasi_rt.WasmError):
        shared.grow(1)


def test_an_exported_shared_memory_hands_out_its_shared_memory(store):
    inst = wasi_rt.Instance(store, wasi_rt.Module(store.engine, '(module (memory (export "m") 1 1 shared))'))
    mem = inst["m"]
    assert mem.type == MemoryType(1, 1, shared=True)
    assert mem.shared is not None and mem.shared.data_size == 65536
    assert Memory(store, MemoryType(1)).shared is None


def test_an_unaligned_atomic_access_raises_a_trap_with_its_code():
    engine = wasi_rt.Engine()
    shared = SharedMemory(engine, MemoryType(1, 2, shared=True))
    inst = worker(engine, wasi_rt.Module(engine, COUNTER), shared)
    with pytest.raises(wasi_rt.Trap) as info:
        inst["load"](2)
    assert info.value.code == wasi_rt.TRAP_UNALIGNED_ATOMIC


def test_a_shared_memory_needs_a_shared_type_and_a_maximum():
    engine = wasi_rt.Engine()
    with pytest.raises(wasi_rt.WasmError, match="shared memory type"):
        SharedMemory(engine, MemoryType(1, 2))
    with pytest.raises(ValueError, match="needs a maximum"):
        SharedMemory(engine, MemoryType(1, shared=True))


WASI_THREADS = """(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (export "memory" (memory 0))
  (data (i32.const 100) "hi from a thread\\0a")
  (func (export "wasi_thread_start") (param i32 i32)
    (i32.store (i32.const 16) (i32.const 100))
    (i32.store (i32.const 20) (i32.const 17))
    (drop (call $w (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 48)))
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (block $b
      (loop $l
        (br_if $b (i32.atomic.load (i32.const 0)))
        (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
        (br $l)))))"""


def test_a_wasi_threads_program_runs_its_thread():
    code, out, _ = wasi_rt.run_wasi(WASI_THREADS)
    assert code == 0
    assert out == b"hi from a thread\n"


def test_wasi_threads_can_be_switched_off(store):
    linker = wasi_rt.Linker(store)
    linker.define_wasi(wasi_rt.WasiConfig().wasi_threads(False))
    with pytest.raises(wasi_rt.WasmError, match="wasi-threads"):
        linker.instantiate(wasi_rt.Module(store.engine, WASI_THREADS))
