"""Exception handling seen from Python: tags as externs, uncaught
exceptions as traps, exnref values kept inside Wasm."""

import pytest

import wasi_rt
from wasi_rt import EXNREF, I32, I64, FuncType, TagType

from conftest import instance_of

THROWER = """(module
  (tag $e (export "e") (param i32))
  (func (export "throw") (param i32) (throw $e (local.get 0)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (local.get 0)))
      (i32.const -1))))"""

CATCHER = """(module
  (import "m" "e" (tag $e (param i32)))
  (import "m" "throw" (func $throw (param i32)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $throw (local.get 0)))
      (i32.const -1))))"""


def test_an_exception_caught_in_wasm_returns_normally(store):
    assert instance_of(store, THROWER)["catch"](41) == 41


def test_an_uncaught_exception_raises_a_trap_with_its_code(store):
    inst = instance_of(store, THROWER)
    with pytest.raises(wasi_rt.Trap) as info:
        inst["throw"](7)
    assert info.value.code == wasi_rt.TRAP_UNCAUGHT_EXCEPTION
    # The store stays usable.
    assert inst["catch"](3) == 3


def test_a_tag_export_is_a_tag_with_its_type(store):
    tag = instance_of(store, THROWER)["e"]
    assert isinstance(tag, wasi_rt.Tag)
    assert tag.type == TagType([I32])
    assert str(tag.type) == "(tag (param i32))"


def test_a_module_reports_its_tag_imports_and_exports(engine):
    module = wasi_rt.Module(engine, CATCHER)
    assert module.imports[0].type == TagType([I32])
    assert wasi_rt.Module(engine, THROWER).exports[0].type == TagType([I32])


def test_an_exported_tag_passed_as_an_import_catches_the_exporters_exceptions(store):
    thrower = instance_of(store, THROWER)
    catcher = instance_of(store, CATCHER, [thrower["e"], thrower["throw"]])
    assert catcher["catch"](12) == 12


def test_a_host_tag_is_distinct_from_the_modules_own(store):
    thrower = instance_of(store, THROWER)
    host_tag = wasi_rt.Tag(store, TagType([I32]))
    catcher = instance_of(store, CATCHER, [host_tag, thrower["throw"]])
    # The thrower's tag is not the host's, so the catch does not match.
    with pytest.raises(wasi_rt.Trap) as info:
        catcher["catch"](1)
    assert info.value.code == wasi_rt.TRAP_UNCAUGHT_EXCEPTION


def test_a_tag_of_the_wrong_type_is_refused_as_an_import(store):
    thrower = instance_of(store, THROWER)
    wrong = wasi_rt.Tag(store, TagType([I64]))
    with pytest.raises(wasi_rt.WasmError):
        instance_of(store, CATCHER, [wrong, thrower["throw"]])


def test_exnref_values_do_not_cross_into_python(store):
    inst = instance_of(
        store,
        """(module (tag $e)
             (func (export "make") (result exnref)
               (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e)) (unreachable))))""",
    )
    assert inst["make"].type == FuncType([], [EXNREF])
    with pytest.raises(wasi_rt.WasmError, match="exnref"):
        inst["make"]()


def test_exceptions_can_be_switched_off(engine):
    off = wasi_rt.Engine(features={"exceptions": False})
    with pytest.raises(wasi_rt.WasmError, match="exception"):
        wasi_rt.Module(off, THROWER)
