"""Misuse from Python raises a Python exception and never crashes the
process: odd exceptions in host functions, closing things from inside
them, exceptions in several threads, values out of range, bad arguments."""

import gc
import threading

import pytest

import wasi_rt
from wasi_rt import I32, FuncType, MemoryType, TableType

from conftest import ADD, instance_of

CALLS_HOST = '(module (import "e" "f" (func $f)) (memory (export "memory") 1) (func (export "run") call $f))'


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


def test_an_exception_that_cannot_be_printed_still_comes_back(store):
    def fn():
        raise Unprintable()

    inst = instance_of(store, CALLS_HOST, [wasi_rt.Func(store, FuncType(), fn)])
    with pytest.raises(Unprintable) as e:
        inst["run"]()
    assert e.value.__cause__.message == "Python host function raised Unprintable"


def test_a_host_function_may_close_its_store(store):
    def fn():
        store.close()

    inst = instance_of(store, CALLS_HOST, [wasi_rt.Func(store, FuncType(), fn)])
    inst["run"]()  # the call that was running finishes
    with pytest.raises(wasi_rt.WasmError, match="store"):
        inst["run"]()


def test_a_host_function_closing_its_store_and_raising_raises_its_exception(store):
    def fn():
        store.close()
        raise KeyError("after close")

    f = wasi_rt.Func(store, FuncType(), fn)
    with pytest.raises(KeyError, match="after close"):
        f()


@pytest.mark.parametrize("how", ["instantiate", "run"])
def test_a_host_function_may_close_the_linker_and_store_running_it(engine, how):
    store = wasi_rt.Store(engine)
    linker = wasi_rt.Linker(store)

    def fn():
        linker.close()
        store.close()

    linker.define_func("env", "f", FuncType(), fn)
    start = '(export "_start" (func $s))' if how == "run" else "(start $s)"
    module = wasi_rt.Module(
        engine,
        f'(module (import "env" "f" (func $f)) (memory 1) (func $s call $f (i32.store (i32.const 0) (i32.const 1))) {start})',
    )
    result = getattr(linker, how)(module)
    assert result == 0 or isinstance(result, wasi_rt.Instance)
    with pytest.raises(wasi_rt.WasmError, match="closed"):
        linker.instantiate(module)


def test_a_start_function_exception_is_raised_and_then_forgotten(store):
    def fn():
        raise ValueError("from start")

    f = wasi_rt.Func(store, FuncType(), fn)
    with pytest.raises(ValueError, match="from start"):
        instance_of(store, '(module (import "e" "f" (func $f)) (start $f))', [f])
    div = instance_of(store, "(module (func (export \"d\") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))")["d"]
    with pytest.raises(wasi_rt.Trap, match="integer divide by zero"):
        div()


def test_host_exceptions_stay_in_their_own_thread(engine):
    counts = {"a": 0, "b": 0, "wrong": 0}

    def raising():
        store = wasi_rt.Store(engine)

        def boom():
            raise KeyError("thread a")

        inst = instance_of(store, CALLS_HOST, [wasi_rt.Func(store, FuncType(), boom)])
        for _ in range(2000):
            try:
                inst["run"]()
            except KeyError:
                counts["a"] += 1
            except Exception:
                counts["wrong"] += 1

    def trapping():
        inst = instance_of(wasi_rt.Store(engine), '(module (func (export "run") unreachable))')
        for _ in range(2000):
            try:
                inst["run"]()
            except wasi_rt.Trap:
                counts["b"] += 1
            except Exception:
                counts["wrong"] += 1

    threads = [threading.Thread(target=raising), threading.Thread(target=trapping)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == {"a": 2000, "b": 2000, "wrong": 0}


def test_host_functions_that_refer_to_their_instance_are_freed_with_their_store(engine):
    from wasi_rt import _externs

    module = wasi_rt.Module(engine, CALLS_HOST)
    before = len(_externs._HOST_FUNCS)
    for _ in range(300):
        store = wasi_rt.Store(engine)
        linker = wasi_rt.Linker(store)
        box = {}

        def log(box=box):
            box["inst"]["memory"].read(0, 4)

        linker.define_func("e", "f", FuncType(), log)
        box["inst"] = linker.instantiate(module)
        box["inst"]["run"]()
    del store, linker, box
    gc.collect()
    assert len(_externs._HOST_FUNCS) - before < 5


def test_sizes_beyond_what_the_type_addresses_are_refused(store):
    mem = wasi_rt.Memory(store, MemoryType(1, 2))
    with pytest.raises(wasi_rt.WasmError):
        mem.grow(2**32)
    with pytest.raises(ValueError):
        mem.grow(2**64)
    with pytest.raises(ValueError):
        mem.grow(-1)
    assert mem.size == 1
    with pytest.raises(ValueError):
        wasi_rt.Memory(store, MemoryType(2**32 + 1))
    table = wasi_rt.Table(store, TableType(wasi_rt.FUNCREF, 1))
    with pytest.raises(wasi_rt.WasmError):
        table.grow(2**32 + 3)
    with pytest.raises(ValueError):
        table.grow(2**64)
    with pytest.raises(ValueError):
        wasi_rt.Table(store, TableType(wasi_rt.FUNCREF, 2**32))
    assert len(table) == 1


def test_a_linker_refuses_work_once_its_store_is_closed(engine):
    store = wasi_rt.Store(engine)
    linker = wasi_rt.Linker(store)
    store.close()
    with pytest.raises(wasi_rt.WasmError, match="store of this Linker was closed"):
        linker.instantiate(wasi_rt.Module(engine, ADD))


def test_arguments_of_the_wrong_type_raise_type_error(engine, store):
    for bad in (
        lambda: wasi_rt.Store(None),
        lambda: wasi_rt.Module(engine, 5),
        lambda: wasi_rt.Func(store, FuncType(), None),
        lambda: wasi_rt.Func(store, [I32], print),
        lambda: wasi_rt.Linker(store).define(None, "n", wasi_rt.Func(store, FuncType(), print)),
        lambda: wasi_rt.WasiConfig().argv("abc"),
        lambda: wasi_rt.WasiConfig().stdin_file(None),
        lambda: wasi_rt.WasiConfig().preopen_dir(None, "x"),
        lambda: wasi_rt.Memory(store, MemoryType(1)).grow(1.5),
        lambda: wasi_rt.Memory(store, MemoryType(1)).read(0.5, 1),
        lambda: wasi_rt.Table(store, TableType(wasi_rt.FUNCREF, 1))[1.0],
        lambda: wasi_rt.Instance(store, "not a module"),
    ):
        with pytest.raises(TypeError):
            bad()


def test_names_with_nul_characters_are_refused(store):
    linker = wasi_rt.Linker(store)
    f = wasi_rt.Func(store, FuncType(), print)
    with pytest.raises(ValueError, match="NUL"):
        linker.define("env\0junk", "g", f)
    with pytest.raises(ValueError, match="NUL"):
        wasi_rt.WasiConfig().argv(["a\0b"])
    with pytest.raises(ValueError, match="NUL"):
        wasi_rt.WasiConfig().env({"A": "b\0c"})
    with pytest.raises(ValueError):
        wasi_rt.WasiConfig().env({"A=B": "c"})


RECURSE = """(module
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get $n) (i32.const 1))))))))"""


def test_deep_recursion_on_a_small_thread_raises_a_trap():
    import threading

    outcome = {}

    def worker():
        with wasi_rt.Store(wasi_rt.Engine()) as store:
            rec = wasi_rt.Instance(store, wasi_rt.Module(store.engine, RECURSE), ())["rec"]
            outcome["shallow"] = rec(100)
            try:
                rec(1_000_000)
            except wasi_rt.Trap as e:
                outcome["code"] = e.code
            outcome["again"] = rec(100)

    old = threading.stack_size(256 * 1024)
    try:
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    assert outcome == {"shallow": 101, "code": wasi_rt.TRAP_STACK_OVERFLOW, "again": 101}


def test_the_wasm_stack_budget_is_an_engine_setting():
    def deepest(engine):
        with wasi_rt.Store(engine) as store:
            rec = wasi_rt.Instance(store, wasi_rt.Module(engine, RECURSE), ())["rec"]
            lo, hi = 0, 1 << 20
            while hi - lo > 1:
                mid = (lo + hi) // 2
                try:
                    rec(mid)
                    lo = mid
                except wasi_rt.Trap:
                    hi = mid
            return lo

    small = deepest(wasi_rt.Engine(max_wasm_stack=64 * 1024))
    large = deepest(wasi_rt.Engine(max_wasm_stack=256 * 1024))
    assert 100 < small and 3 * small < large
    with pytest.raises(ValueError):
        wasi_rt.Engine(max_wasm_stack=-1)
