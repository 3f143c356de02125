"""Instances as mappings, and linking modules to each other and to host
objects, by position or by name."""

import pytest

import wasi_rt
from wasi_rt import I32, FuncType

from conftest import ADD, instance_of

LIB = """(module
  (memory (export "memory") 1)
  (global (export "base") i32 (i32.const 100))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"""

APP = """(module
  (import "lib" "add" (func $add (param i32 i32) (result i32)))
  (import "lib" "memory" (memory 1))
  (import "lib" "base" (global $base i32))
  (func (export "run") (param i32) (result i32)
    (i32.store8 (i32.const 0) (i32.const 9))
    (call $add (global.get $base) (local.get 0))))"""


def test_an_instance_is_a_mapping_of_its_exports(store):
    inst = instance_of(store, LIB)
    assert list(inst) == ["memory", "base", "add"]
    assert len(inst) == 3
    assert "add" in inst and "missing" not in inst
    assert isinstance(inst["memory"], wasi_rt.Memory)
    assert isinstance(inst.get("base"), wasi_rt.Global)
    assert inst.get("missing") is None
    assert dict(inst.items()) == inst.exports
    with pytest.raises(KeyError):
        inst["missing"]


def test_an_instance_links_to_another_instance_by_name(store):
    lib = instance_of(store, LIB)
    linker = wasi_rt.Linker(store)
    linker.define_instance("lib", lib)
    app = linker.instantiate(wasi_rt.Module(store.engine, APP))
    assert app["run"](5) == 105
    assert lib["memory"].read(0, 1) == b"\x09"  # the memory is shared


def test_single_items_are_defined_by_name(store):
    lib = instance_of(store, LIB)
    linker = wasi_rt.Linker(store)
    for name in ("add", "memory", "base"):
        linker.define("lib", name, lib[name])
    assert linker.instantiate(wasi_rt.Module(store.engine, APP))["run"](1) == 101


def test_imports_are_given_by_position(store):
    lib = instance_of(store, LIB)
    app = instance_of(store, APP, [lib["add"], lib["memory"], lib["base"]])
    assert app["run"](2) == 102


def test_the_wrong_number_of_imports_raises(store):
    with pytest.raises(wasi_rt.WasmError, match="3 imports, 1 were given"):
        instance_of(store, APP, [instance_of(store, LIB)["add"]])


def test_an_import_of_the_wrong_type_raises(store):
    lib = instance_of(store, LIB)
    with pytest.raises(wasi_rt.WasmError):
        instance_of(store, APP, [lib["add"], lib["memory"], lib["memory"]])
    wrong = wasi_rt.Func(store, FuncType([I32], [I32]), lambda x: x)
    linker = wasi_rt.Linker(store)
    linker.define("lib", "add", wrong)
    linker.define("lib", "memory", lib["memory"])
    linker.define("lib", "base", lib["base"])
    with pytest.raises(wasi_rt.WasmError, match="lib::add"):
        linker.instantiate(wasi_rt.Module(store.engine, APP))


def test_a_missing_import_names_what_is_missing(store):
    with pytest.raises(wasi_rt.WasmError, match="unknown import lib::add"):
        wasi_rt.Linker(store).instantiate(wasi_rt.Module(store.engine, APP))


def test_objects_of_another_store_are_refused(engine, store):
    other = wasi_rt.Store(engine)
    lib = instance_of(other, LIB)
    linker = wasi_rt.Linker(store)
    with pytest.raises(wasi_rt.WasmError, match="another store"):
        linker.define_instance("lib", lib)
    with pytest.raises(wasi_rt.WasmError, match="another store"):
        linker.define("lib", "add", lib["add"])
    with pytest.raises(wasi_rt.WasmError, match="another store"):
        instance_of(store, APP, [lib["add"], lib["memory"], lib["base"]])


def test_defining_something_that_is_not_an_extern_raises_type_error(store):
    with pytest.raises(TypeError):
        wasi_rt.Linker(store).define("m", "n", 42)


def test_a_trapping_start_function_raises_trap(store):
    with pytest.raises(wasi_rt.Trap, match="unreachable"):
        instance_of(store, "(module (func $s unreachable) (start $s))")
    with pytest.raises(wasi_rt.Trap, match="unreachable"):
        wasi_rt.Linker(store).instantiate(wasi_rt.Module(store.engine, "(module (func $s unreachable) (start $s))"))
