"""Memories, globals and tables: exported by instances or created by the
host and imported."""

import pytest

import wasi_rt
from wasi_rt import EXTERNREF, FUNCREF, I32, I64, GlobalType, MemoryType, TableType

from conftest import ADD, instance_of

MEMORY = '(module (memory (export "memory") 1 2) (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))'


def test_memory_reads_and_writes_bytes(store):
    inst = instance_of(store, MEMORY)
    mem = inst["memory"]
    mem.write(100, b"hello")
    assert mem.read(100, 5) == b"hello"
    assert inst["load"](101) == ord("e")


def test_memory_reports_its_size_and_grows_to_its_maximum(store):
    mem = instance_of(store, MEMORY)["memory"]
    assert (mem.size, mem.data_size) == (1, 65536)
    assert mem.grow(1) == 1
    assert mem.type == MemoryType(2, 2)
    with pytest.raises(wasi_rt.WasmError, match="cannot grow memory by 1 pages"):
        mem.grow(1)


def test_memory_access_out_of_bounds_raises_and_writes_nothing(store):
    mem = instance_of(store, MEMORY)["memory"]
    with pytest.raises(wasi_rt.WasmError, match="out of bounds"):
        mem.read(65534, 4)
    with pytest.raises(wasi_rt.WasmError, match="out of bounds"):
        mem.write(65534, b"abcd")
    assert mem.read(65534, 2) == b"\0\0"
    with pytest.raises(wasi_rt.WasmError):
        mem.read(-1, 1)


def test_memory_view_is_zero_copy(store):
    mem = instance_of(store, MEMORY)["memory"]
    view = mem.view()
    view[10:13] = b"abc"
    assert mem.read(10, 3) == b"abc"
    mem.write(20, b"xyz")
    assert bytes(view[20:23]) == b"xyz"
    assert len(view) == 65536


def test_a_memory_view_keeps_the_memory_alive(engine):
    store = wasi_rt.Store(engine)
    inst = instance_of(store, MEMORY)
    view = inst["memory"].view()
    view[0] = 7
    inst.close()
    store.close()
    del inst, store
    view[1] = 8  # still mapped: the view holds the memory
    assert bytes(view[:2]) == b"\x07\x08"


def test_a_memory_view_does_not_move_when_the_memory_grows(store):
    mem = instance_of(store, MEMORY)["memory"]
    view = mem.view()
    mem.grow(1)
    view[5] = 1
    assert mem.read(5, 1) == b"\x01" and len(view) == 65536 and len(mem.view()) == 2 * 65536


def test_a_host_memory_is_imported_by_wasm(store):
    mem = wasi_rt.Memory(store, MemoryType(1, 3))
    mem.write(0, b"\x2a")
    inst = instance_of(
        store, '(module (import "" "m" (memory 1)) (func (export "load") (result i32) (i32.load8_u (i32.const 0))))', [mem]
    )
    assert inst["load"]() == 42
    assert mem.grow(2) == 1
    with pytest.raises(ValueError, match="above its maximum"):
        wasi_rt.Memory(store, MemoryType(2, 1))


GLOBALS = """(module
  (global (export "answer") i32 (i32.const 42))
  (global $c (export "counter") (mut i64) (i64.const 0))
  (func (export "bump") (global.set $c (i64.add (global.get $c) (i64.const 1)))))"""


def test_globals_are_read(store):
    g = instance_of(store, GLOBALS)["answer"]
    assert g.value == 42
    assert g.type == GlobalType(I32, mutable=False)


def test_a_mutable_global_is_set_from_python_and_seen_by_wasm(store):
    inst = instance_of(store, GLOBALS)
    counter = inst["counter"]
    counter.value = 10
    inst["bump"]()
    assert counter.value == 11


def test_setting_an_immutable_global_raises(store):
    g = instance_of(store, GLOBALS)["answer"]
    with pytest.raises(wasi_rt.WasmError, match="immutable"):
        g.value = 1
    assert g.value == 42


def test_setting_a_global_to_the_wrong_type_raises_type_error(store):
    counter = instance_of(store, GLOBALS)["counter"]
    with pytest.raises(TypeError):
        counter.value = "ten"
    with pytest.raises(OverflowError):
        counter.value = 2**64


def test_a_host_global_is_imported_by_wasm(store):
    g = wasi_rt.Global(store, GlobalType(I64, mutable=True), 5)
    inst = instance_of(
        store,
        """(module (import "" "g" (global $g (mut i64)))
             (func (export "double") (global.set $g (i64.mul (global.get $g) (i64.const 2)))))""",
        [g],
    )
    inst["double"]()
    assert g.value == 10


TABLES = """(module
  (table (export "funcs") 3 4 funcref)
  (table (export "things") 2 externref)
  (func $seven (result i32) i32.const 7)
  (func $eight (result i32) i32.const 8)
  (elem (table 0) (i32.const 0) func $seven $eight)
  (type $r (func (result i32)))
  (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
  (func (export "thing") (param i32) (result externref) (table.get 1 (local.get 0))))"""


def test_table_elements_are_functions_or_none(store):
    t = instance_of(store, TABLES)["funcs"]
    assert len(t) == 3 and t.type == TableType(FUNCREF, 3, 4)
    assert t[0]() == 7 and t[1]() == 8
    assert t[2] is None
    assert t[-1] is None


def test_a_function_stored_in_a_table_is_called_by_wasm(store):
    inst = instance_of(store, TABLES)
    t = inst["funcs"]
    t[2] = t[0]
    assert inst["call"](2) == 7
    t[0] = None
    with pytest.raises(wasi_rt.Trap, match="uninitialized element"):
        inst["call"](0)


def test_table_indices_out_of_range_raise_index_error(store):
    t = instance_of(store, TABLES)["funcs"]
    with pytest.raises(IndexError):
        t[3]
    with pytest.raises(IndexError):
        t[3] = None


def test_an_externref_table_holds_python_objects(store):
    inst = instance_of(store, TABLES)
    things = inst["things"]
    obj = ["a", "python", "list"]
    things[1] = obj
    assert things[1] is obj
    assert inst["thing"](1) is obj
    assert things[0] is None


def test_a_table_grows_with_an_initial_value(store):
    inst = instance_of(store, TABLES)
    t = inst["funcs"]
    assert t.grow(1, t[1]) == 3
    assert inst["call"](3) == 8
    with pytest.raises(wasi_rt.WasmError, match="cannot grow table"):
        t.grow(1)


def test_a_table_refuses_values_of_the_wrong_type(store):
    t = instance_of(store, TABLES)["funcs"]
    with pytest.raises(TypeError):
        t[0] = "not a function"


def test_a_host_table_is_imported_by_wasm(store):
    add = instance_of(store, ADD)["add"]
    t = wasi_rt.Table(store, TableType(FUNCREF, 2), add)
    inst = instance_of(
        store,
        """(module (import "" "t" (table 2 funcref))
             (type $b (func (param i32 i32) (result i32)))
             (func (export "via") (param i32) (result i32)
               (call_indirect (type $b) (i32.const 20) (i32.const 22) (local.get 0))))""",
        [t],
    )
    assert inst["via"](1) == 42
    with pytest.raises(ValueError):
        wasi_rt.Table(store, TableType(I32, 1))
    with pytest.raises(TypeError):
        wasi_rt.Table(store, TableType(FUNCREF, 1), 3)


def test_a_host_externref_table_starts_filled_with_its_initial_object(store):
    marker = object()
    t = wasi_rt.Table(store, TableType(EXTERNREF, 2), marker)
    assert t[0] is marker and t[1] is marker


def test_a_store_memory_limit_caps_growth_and_instantiation(store):
    store.limit_memory(2 * 65536)
    text = '(module (memory (export "memory") 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))'
    inst = instance_of(store, text)
    assert inst["grow"](1) == 1
    assert inst["grow"](1) == -1
    with pytest.raises(wasi_rt.WasmError):
        inst["memory"].grow(1)
    with pytest.raises(wasi_rt.WasmError, match="memory limit"):
        instance_of(store, text)
    store.limit_memory(None)
    assert inst["grow"](1) == 2
    with pytest.raises(ValueError):
        store.limit_memory(-1)
