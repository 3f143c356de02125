"""The on-disk code cache: Engine(cache=DIR) loads a module compiled
before instead of compiling it, and never runs a damaged entry."""

import os

import pytest

import wasi_rt

WAT = '(module (func (export "seven") (result i32) (i32.const 7)))'


def test_a_later_engine_loads_the_module_from_the_cache(tmp_path):
    first = wasi_rt.Module(wasi_rt.Engine(cache=tmp_path, lazy_compilation=False), WAT)
    assert not first.loaded_from_cache
    assert len(os.listdir(tmp_path)) == 1
    engine = wasi_rt.Engine(cache=str(tmp_path), lazy_compilation=False)
    again = wasi_rt.Module(engine, WAT)
    assert again.loaded_from_cache
    assert wasi_rt.Instance(wasi_rt.Store(engine), again)["seven"]() == 7


def test_a_damaged_entry_is_compiled_afresh(tmp_path):
    wasi_rt.Module(wasi_rt.Engine(cache=tmp_path), WAT)
    (entry,) = tmp_path.iterdir()
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 1
    entry.write_bytes(bytes(data))
    engine = wasi_rt.Engine(cache=tmp_path)
    module = wasi_rt.Module(engine, WAT)
    assert not module.loaded_from_cache
    assert wasi_rt.Instance(wasi_rt.Store(engine), module)["seven"]() == 7


def test_update_cache_saves_lazily_compiled_code(tmp_path):
    engine = wasi_rt.Engine(cache=tmp_path, lazy_compilation=True, background_compilation=False)
    module = wasi_rt.Module(engine, WAT)
    assert wasi_rt.Instance(wasi_rt.Store(engine), module)["seven"]() == 7
    module.update_cache()
    assert module.update_cache() is False  # nothing new since
    assert wasi_rt.Module(wasi_rt.Engine(cache=tmp_path), WAT).loaded_from_cache


def test_a_bad_cache_size_is_refused():
    with pytest.raises(ValueError, match="cache_max_size"):
        wasi_rt.Engine(cache=True, cache_max_size=-1)
