"""Modules: compiling from text, binary and files; validation; described
imports and exports; serialization."""

import pytest

import wasi_rt
from wasi_rt import F64, FUNCREF, I32, I64, FuncType, GlobalType, MemoryType, TableType

from conftest import ADD, instance_of



def test_a_module_compiles_from_text(engine):
    assert wasi_rt.Module(engine, ADD).exports[0].name == "add"


def test_a_module_compiles_from_binary(engine, tmp_path):
    wat = wasi_rt.Module(engine, ADD)
    # The binary form of the same module, as written by the text parser.
    binary = b"\0asm\x01\0\0\0" + bytes.fromhex("01070160027f7f017f030201000707010361646400000a09010700200020016a0b")
    m = wasi_rt.Module(engine, binary)
    assert m.exports == wat.exports


def test_a_module_loads_from_a_file(engine, store, tmp_path):
    path = tmp_path / "add.wat"
    path.write_text(ADD)
    m = wasi_rt.Module.from_file(engine, path)
    assert wasi_rt.Instance(store, m)["add"](40, 2) == 42
    with pytest.raises(OSError):
        wasi_rt.Module.from_file(engine, tmp_path / "missing.wasm")


def test_a_malformed_module_raises_wasm_error(engine):
    with pytest.raises(wasi_rt.WasmError, match="malformed module: .*byte offset"):
        wasi_rt.Module(engine, b"\0asm\x01\0\0\0\xff")
    with pytest.raises(wasi_rt.WasmError, match="invalid module: type mismatch"):
        wasi_rt.Module(engine, "(module (func (result i32)))")  # invalid: no result value


def test_validate_answers_without_raising(engine):
    assert wasi_rt.Module.validate(engine, ADD)
    assert not wasi_rt.Module.validate(engine, b"junk")
    assert not wasi_rt.Module.validate(engine, "(module (func (result i32)))")


def test_imports_are_described_with_their_types(engine):
    m = wasi_rt.Module(
        engine,
        """(module
          (import "env" "f" (func (param i32 i64) (result f64)))
          (import "env" "g" (global (mut i32)))
          (import "env" "m" (memory 1 2))
          (import "env" "t" (table 3 funcref)))""",
    )
    assert [(i.module, i.name) for i in m.imports] == [("env", "f"), ("env", "g"), ("env", "m"), ("env", "t")]
    assert [i.type for i in m.imports] == [
        FuncType([I32, I64], [F64]),
        GlobalType(I32, mutable=True),
        MemoryType(1, 2),
        TableType(FUNCREF, 3, None),
    ]


def test_exports_are_described_with_their_types(engine):
    m = wasi_rt.Module(engine, '(module (memory (export "m") 1) (global (export "g") f64 (f64.const 1)))')
    assert [(e.name, e.type) for e in m.exports] == [("m", MemoryType(1, None)), ("g", GlobalType(F64, False))]


def test_types_print_in_text_format(engine):
    assert str(FuncType([I32], [I64])) == "(func (param i32) (result i64))"
    assert str(FuncType([], [])) == "(func)"
    assert str(GlobalType(I32, True)) == "(global (mut i32))"
    assert str(TableType(FUNCREF, 1, 5)) == "(table 1 5 funcref)"
    assert str(wasi_rt.ValType.EXTERNREF) == "externref"


def test_a_serialized_module_comes_back(engine, store):
    data = wasi_rt.Module(engine, ADD).serialize()
    m = wasi_rt.Module.deserialize(engine, data)
    assert wasi_rt.Instance(store, m)["add"](20, 22) == 42


def test_bytes_that_are_not_a_serialized_module_raise(engine):
    with pytest.raises(wasi_rt.WasmError, match="serialized module"):
        wasi_rt.Module.deserialize(engine, b"not serialized")


def test_one_module_is_instantiated_in_several_stores(engine):
    m = wasi_rt.Module(engine, ADD)
    results = [wasi_rt.Instance(wasi_rt.Store(engine), m)["add"](i, i) for i in range(3)]
    assert results == [0, 2, 4]


def test_a_precompiled_module_loads_without_compiling(engine, store):
    code = wasi_rt.Module.precompile(engine, ADD)
    m = wasi_rt.Module.from_precompiled(engine, code, trusted=True)
    assert wasi_rt.Instance(store, m)["add"](40, 2) == 42
    assert m.exports[0].name == "add"


def test_precompiled_bytes_must_be_trusted_and_genuine(engine):
    code = wasi_rt.Module.precompile(engine, ADD)
    with pytest.raises(ValueError, match="trusted"):
        wasi_rt.Module.from_precompiled(engine, code, trusted=False)
    with pytest.raises(wasi_rt.WasmError, match="not a precompiled"):
        wasi_rt.Module.from_precompiled(engine, b"\0asm\1\0\0\0", trusted=True)
    with pytest.raises(wasi_rt.WasmError, match="truncated"):
        wasi_rt.Module.from_precompiled(engine, code[:-3], trusted=True)
    with pytest.raises(wasi_rt.WasmError, match="different engine"):
        wasi_rt.Module.from_precompiled(wasi_rt.Engine(epoch_interruption=True), code, trusted=True)
    with pytest.raises(wasi_rt.WasmError, match="invalid"):
        wasi_rt.Module.precompile(engine, "(module (func (result i32)))")


def test_a_wasm_feature_can_be_switched_off():
    tail = "(module (func $f (return_call $f)))"
    wasi_rt.Module(wasi_rt.Engine(), tail)
    with pytest.raises(wasi_rt.WasmError, match="tail call"):
        wasi_rt.Module(wasi_rt.Engine(features={"tail_call": False}), tail)
    with pytest.raises(ValueError, match="unknown Wasm feature"):
        wasi_rt.Engine(features={"warp_drive": True})
