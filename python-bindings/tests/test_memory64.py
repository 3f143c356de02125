"""64-bit memories and tables, and memories with 1-byte pages, from Python."""

import pytest

import wasi_rt
from wasi_rt import FUNCREF, I32, Memory, MemoryType, Table, TableType

from conftest import instance_of

MEM64 = """(module
  (memory (export "mem") i64 1 8)
  (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"""


def test_a_64_bit_memory_reports_its_type_and_whole_sizes(store):
    mem = instance_of(store, MEM64)["mem"]
    assert mem.type == MemoryType(1, 8, memory64=True)
    assert str(mem.type) == "(memory i64 1 8)"
    assert mem.grow(2) == 1
    assert mem.size == 3


def test_an_address_beyond_4_gib_traps_out_of_bounds(store):
    inst = instance_of(store, MEM64)
    with pytest.raises(wasi_rt.Trap) as info:
        inst["load"](1 << 32)
    assert info.value.code == wasi_rt.TRAP_MEMORY_OUT_OF_BOUNDS


def test_memory_size_and_grow_from_wasm_are_i64(store):
    inst = instance_of(store, MEM64)
    assert inst["grow"](1) == 1
    assert inst["grow"](1 << 40) == -1


def test_a_host_made_64_bit_memory_can_be_imported(store):
    mem = Memory(store, MemoryType(2, None, memory64=True))
    inst = instance_of(
        store,
        """(module (import "m" "mem" (memory i64 1))
             (func (export "size") (result i64) (memory.size)))""",
        [mem],
    )
    assert inst["size"]() == 2


def test_a_memory_with_1_byte_pages_grows_by_bytes(store):
    mem = Memory(store, MemoryType(10, 20, page_size_log2=0))
    assert mem.type.page_size == 1
    assert mem.data_size == 10
    assert mem.grow(5) == 10
    assert mem.data_size == 15
    with pytest.raises(wasi_rt.WasmError):
        mem.grow(6)


@pytest.mark.parametrize(
    "ty, message",
    [
        (MemoryType(2, 1, memory64=True), "above its maximum"),
        (MemoryType(1, None, page_size_log2=12), "neither 1 byte nor 64 KiB"),
        (MemoryType(1 << 20), "a 32-bit memory addresses"),
        (MemoryType(1, None, shared=True), "needs a maximum"),
    ],
)
def test_an_invalid_memory_type_is_refused_with_its_reason(store, ty, message):
    with pytest.raises(ValueError, match=message):
        Memory(store, ty)


def test_a_64_bit_table_reports_its_type_and_grows(store):
    table = Table(store, TableType(FUNCREF, 2, 10, table64=True))
    assert table.type == TableType(FUNCREF, 2, 10, table64=True)
    assert str(table.type) == "(table i64 2 10 funcref)"
    assert table.grow(3) == 2
    assert len(table) == 5


def test_a_table_of_numbers_is_refused(store):
    with pytest.raises(ValueError):
        Table(store, TableType(I32, 1, table64=True))
