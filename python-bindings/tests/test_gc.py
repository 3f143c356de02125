"""Garbage-collected values: AnyRef handles keep structs and arrays alive
across collections, the host reads and writes them, and everything is
freed once the handles are closed."""

import pytest

import wasi_rt
from wasi_rt import I8, I32, I64, AnyRef, ArrayType, FieldType, StructType

MODULE = r"""(module
  (type $point (struct (field (mut i32)) (field i8)))
  (type $longs (array (mut i64)))
  (type $junk (array i64))
  (func (export "make") (param i32) (result (ref $point))
    (struct.new $point (local.get 0) (i32.const -1)))
  (func (export "sum") (param (ref $point)) (result i32)
    (i32.add (struct.get $point 0 (local.get 0)) (struct.get_s $point 1 (local.get 0))))
  (func (export "total") (param (ref $longs)) (result i64)
    (local $i i32) (local $t i64)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get 0))))
      (local.set $t (i64.add (local.get $t) (array.get $longs (local.get 0) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $t))
  (func (export "id") (param anyref) (result anyref) (local.get 0))
  (func (export "churn") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (drop (array.new_default $junk (i32.const 1000)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))))"""


@pytest.fixture
def gc_engine():
    return wasi_rt.Engine(gc_heap_limit=1 << 20)


@pytest.fixture
def inst(gc_engine):
    store = wasi_rt.Store(gc_engine)
    return wasi_rt.Instance(store, wasi_rt.Module(gc_engine, MODULE))


def test_structs_made_by_wasm_survive_collections_while_held(inst):
    store = inst.store
    points = [inst["make"](i) for i in range(100)]
    inst["churn"](500)
    assert store.gc_stats.collections >= 1
    assert [p.field(0) for p in points] == list(range(100))
    assert points[7].field(1) == 255  # packed fields read zero-extended
    assert inst["sum"](points[7]) == 6


def test_closing_every_handle_frees_every_object(inst):
    store = inst.store
    points = [inst["make"](i) for i in range(10)]
    store.gc()
    assert store.gc_stats.live_objects == 10
    for p in points:
        p.close()
    store.gc()
    assert store.gc_stats.live_objects == 0
    with pytest.raises(wasi_rt.WasmError):
        points[0].field(0)


def test_host_made_structs_and_arrays_have_the_modules_types(gc_engine, inst):
    point = StructType(gc_engine, [FieldType(I32, mutable=True), FieldType(packed=I8)])
    p = AnyRef.new_struct(inst.store, point, [40, 2])
    assert p.is_struct and p.type_index == point.index
    assert inst["sum"](p) == 42
    p.set_field(0, 10)
    assert inst["sum"](p) == 12
    with pytest.raises(wasi_rt.WasmError, match="immutable"):
        p.set_field(1, 0)
    longs = ArrayType(gc_engine, FieldType(I64, mutable=True))
    a = AnyRef.new_array(inst.store, longs, 1 << 40, 3)
    a[2] = 5
    assert len(a) == 3 and a[0] == 1 << 40 and a.is_array
    assert inst["total"](a) == (2 << 40) + 5
    with pytest.raises(wasi_rt.WasmError):
        a[3]
    with pytest.raises(wasi_rt.WasmError, match="type error"):
        inst["total"](p)  # a point is not an array of i64


def test_i31_values_round_trip(inst):
    seven = AnyRef.i31(inst.store, -7)
    assert seven.i31_value() == -7
    assert seven.i31_value(signed=False) == (1 << 31) - 7
    back = inst["id"](seven)
    assert back.i31_value() == -7
    assert inst["id"](None) is None
    with pytest.raises(TypeError):
        inst["id"](3)


def test_references_of_another_store_are_refused(gc_engine, inst):
    other = wasi_rt.Instance(wasi_rt.Store(gc_engine), wasi_rt.Module(gc_engine, MODULE))
    foreign = other["make"](1)
    with pytest.raises(wasi_rt.WasmError):
        inst["sum"](foreign)


def test_the_gc_heap_limit_traps_when_live_data_outgrows_it(gc_engine):
    store = wasi_rt.Store(gc_engine)
    inst = wasi_rt.Instance(store, wasi_rt.Module(gc_engine, MODULE))
    longs = ArrayType(gc_engine, FieldType(I64, mutable=True))
    with pytest.raises(wasi_rt.WasmError):
        AnyRef.new_array(store, longs, 0, 1 << 20)  # 8 MiB > 1 MiB
    with pytest.raises(wasi_rt.WasmError, match="before the first allocation"):
        store.set_gc_heap_limit(1 << 24)
    assert inst["sum"](inst["make"](1)) == 0
