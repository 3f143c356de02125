"""Lazy compilation: Engine(lazy_compilation=True) validates a module when
it is created and compiles each function on its first call."""

import platform
import threading

import pytest

import wasi_rt

CHAIN = """(module
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "middle") (param i32) (result i32) (call $leaf (i32.mul (local.get 0) (i32.const 2))))
  (func (export "unused") (result i32) (i32.const 7)))"""

lazy_target = pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="lazy compilation is x86-64 only")


@lazy_target
def test_a_call_compiles_only_the_functions_it_reaches():
    engine = wasi_rt.Engine(lazy_compilation=True, background_compilation=False)
    module = wasi_rt.Module(engine, CHAIN)
    assert module.compiled_functions == (0, 3)
    store = wasi_rt.Store(engine)
    instance = wasi_rt.Instance(store, module)
    assert instance["middle"](20) == 41
    assert module.compiled_functions == (2, 3)
    module.compile_all()
    assert module.compiled_functions == (3, 3)
    assert instance["unused"]() == 7


def test_an_invalid_function_is_refused_at_creation():
    engine = wasi_rt.Engine(lazy_compilation=True)
    with pytest.raises(wasi_rt.WasmError, match="type mismatch"):
        wasi_rt.Module(engine, "(module (func (result i32) (i64.const 1)))")


def test_first_calls_from_many_threads_agree():
    engine = wasi_rt.Engine(lazy_compilation=True, background_compilation=False)
    module = wasi_rt.Module(engine, CHAIN)
    results = [None] * 6

    def call(n):
        store = wasi_rt.Store(engine)
        results[n] = wasi_rt.Instance(store, module)["middle"](n)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [2 * n + 1 for n in range(6)]


def test_an_engine_compiling_at_once_reports_every_function_compiled():
    module = wasi_rt.Module(wasi_rt.Engine(lazy_compilation=False), CHAIN)
    assert module.compiled_functions == (3, 3)
