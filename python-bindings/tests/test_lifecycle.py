"""Ownership: objects free their C handles once, refuse use after close,
survive their store's closing without crashing, and do not leak."""

import gc
import resource

import pytest

import wasi_rt
from wasi_rt import I32, FuncType, GlobalType, MemoryType

from conftest import ADD, instance_of

KITCHEN = """(module
  (memory (export "memory") 1)
  (global (export "g") (mut i32) (i32.const 1))
  (table (export "t") 1 funcref)
  (func (export "pair") (param i32) (result i32) local.get 0)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"""


def test_closing_twice_is_harmless(store):
    inst = instance_of(store, ADD)
    inst.close()
    inst.close()
    store.close()
    store.close()


def test_exports_refuse_use_after_their_instance_is_closed(store):
    inst = instance_of(store, KITCHEN)
    f, mem = inst["pair"], inst["memory"]
    inst.close()
    with pytest.raises(wasi_rt.WasmError, match="was closed"):
        f(1)
    with pytest.raises(wasi_rt.WasmError, match="was closed"):
        mem.read(0, 1)


def test_objects_used_after_their_store_is_closed_raise(store):
    inst = instance_of(store, KITCHEN)
    f, mem, g, t = inst["pair"], inst["memory"], inst["g"], inst["t"]
    host = wasi_rt.Func(store, FuncType([I32], [I32]), lambda x: x)
    store.close()
    for use in (lambda: f(1), lambda: mem.read(0, 1), lambda: mem.view(), lambda: g.value, lambda: t[0], lambda: host(1)):
        with pytest.raises(wasi_rt.WasmError, match="store"):
            use()
    with pytest.raises(wasi_rt.WasmError, match="closed"):
        wasi_rt.Linker(store)


def test_with_blocks_close_their_objects(engine):
    with wasi_rt.Store(engine) as store:
        with wasi_rt.Memory(store, MemoryType(1)) as mem:
            assert mem.size == 1
        with pytest.raises(wasi_rt.WasmError, match="Memory was closed"):
            mem.size
    assert store.closed


def test_a_closed_engine_refuses_new_stores():
    engine = wasi_rt.Engine()
    engine.close()
    with pytest.raises(wasi_rt.WasmError, match="Engine was closed"):
        wasi_rt.Store(engine)


def test_exports_keep_their_instance_and_store_alive(engine):
    for _ in range(50):
        store = wasi_rt.Store(engine)
        inst = instance_of(store, KITCHEN)
        g = wasi_rt.Global(store, GlobalType(I32, True), 3)
        f = inst["pair"]
        inst["t"][0] = f
        del store, inst
        gc.collect()
        assert f(4) == 4 and g.value == 3
        del f, g
        gc.collect()


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


def test_ten_thousand_traps_do_not_grow_memory(store):
    div = instance_of(store, KITCHEN)["div"]
    for _ in range(1000):
        with pytest.raises(wasi_rt.Trap):
            div(1, 0)
    gc.collect()
    before = rss_kib()
    for _ in range(10_000):
        with pytest.raises(wasi_rt.Trap):
            div(1, 0)
    gc.collect()
    assert rss_kib() - before < 4 * 1024


def test_a_thousand_stores_and_instances_do_not_grow_memory(engine):
    module = wasi_rt.Module(engine, KITCHEN)

    def cycle():
        with wasi_rt.Store(engine) as store:
            wasi_rt.Instance(store, module)["pair"](1)

    for _ in range(200):
        cycle()
    gc.collect()
    before = rss_kib()
    for _ in range(1000):
        cycle()
    gc.collect()
    assert rss_kib() - before < 4 * 1024
