"""Calling functions: Python values in and out, traps, and host functions
written in Python."""

import pytest

import wasi_rt
from wasi_rt import EXTERNREF, F32, F64, FUNCREF, I32, I64, FuncType

from conftest import ADD, instance_of

KITCHEN = """(module
  (func (export "pair") (param i64 f64) (result f64 i64) local.get 1 local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "nothing"))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $inner (unreachable))
  (func $outer (export "deep") (call $inner))
  (func (export "id_extern") (param externref) (result externref) local.get 0)
  (func (export "id_func") (param funcref) (result funcref) local.get 0))"""


def test_an_export_is_called_with_python_ints(store):
    assert instance_of(store, ADD)["add"](1, 2) == 3


def test_i32_arguments_wrap_like_wasm(store):
    add = instance_of(store, ADD)["add"]
    assert add(2**31 - 1, 1) == -(2**31)
    assert add(2**32 - 1, 0) == -1


def test_multiple_results_come_back_as_a_tuple(store):
    assert instance_of(store, KITCHEN)["pair"](7, 1.5) == (1.5, 7)


def test_no_results_come_back_as_none(store):
    assert instance_of(store, KITCHEN)["nothing"]() is None


def test_floats_keep_their_width(store):
    f32 = instance_of(store, KITCHEN)["f32"]
    assert f32(0.1) == pytest.approx(0.1, rel=1e-7) and f32(0.1) != 0.1
    assert f32(3) == 3.0


def test_a_wrong_argument_count_raises_wasm_error(store):
    with pytest.raises(wasi_rt.WasmError, match="expected 2 arguments, got 1"):
        instance_of(store, ADD)["add"](1)


def test_a_wrong_argument_type_raises_type_error(store):
    add = instance_of(store, ADD)["add"]
    with pytest.raises(TypeError, match="i32 value must be an int"):
        add(1.5, 2)
    with pytest.raises(TypeError):
        add("1", 2)


def test_integers_that_do_not_fit_raise_overflow_error(store):
    add = instance_of(store, ADD)["add"]
    with pytest.raises(OverflowError, match="does not fit in i32"):
        add(2**32, 0)
    with pytest.raises(OverflowError):
        add(-(2**31) - 1, 0)
    assert add(-(2**31), 0) == -(2**31)


def test_a_function_knows_its_type(store):
    inst = instance_of(store, KITCHEN)
    assert inst["pair"].type == FuncType([I64, F64], [F64, I64])


def test_a_trap_raises_with_code_message_and_frames(store):
    inst = instance_of(store, KITCHEN)
    with pytest.raises(wasi_rt.Trap) as e:
        inst["div"](1, 0)
    assert e.value.message == "integer divide by zero"
    assert e.value.code == 8
    with pytest.raises(wasi_rt.Trap) as e:
        inst["deep"]()
    assert e.value.message == "unreachable"
    assert [f.func_name for f in e.value.frames] == ["inner", "outer"]
    assert [f.func_index for f in e.value.frames] == [4, 5]


def test_an_instance_keeps_working_after_a_trap(store):
    div = instance_of(store, KITCHEN)["div"]
    with pytest.raises(wasi_rt.Trap):
        div(1, 0)
    assert div(9, 3) == 3


def test_python_objects_pass_through_wasm_as_externrefs(store):
    ident = instance_of(store, KITCHEN)["id_extern"]
    payload = {"any": ["python", "object"]}
    assert ident(payload) is payload
    assert ident(None) is None


def test_functions_pass_through_wasm_as_funcrefs(store):
    inst = instance_of(store, KITCHEN)
    back = inst["id_func"](inst["div"])
    assert back.type == inst["div"].type
    assert back(10, 5) == 2
    assert inst["id_func"](None) is None
    with pytest.raises(TypeError, match="funcref value must be a Func"):
        inst["id_func"](42)


def test_a_function_of_another_store_is_refused(engine, store):
    other = instance_of(wasi_rt.Store(engine), ADD)["add"]
    with pytest.raises(wasi_rt.WasmError, match="another store"):
        instance_of(store, KITCHEN)["id_func"](other)


CALLS = """(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "host" "boom" (func $boom))
  (func (export "sum") (param i32) (result i32) (local $i i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
      (local.set $acc (call $add (local.get $acc) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func (export "boom") (call $boom)))"""


class Boom(Exception):
    pass


def calls_instance(store):
    linker = wasi_rt.Linker(store)
    seen = []

    def add(a, b):
        seen.append(1)
        return a + b

    def boom():
        raise Boom("from python")

    linker.define_func("host", "add", FuncType([I32, I32], [I32]), add)
    linker.define_func("host", "boom", FuncType(), boom)
    return linker.instantiate(wasi_rt.Module(store.engine, CALLS)), seen


def test_a_python_host_function_is_called_100000_times(store):
    inst, seen = calls_instance(store)
    assert inst["sum"](100_000) == 100_000
    assert len(seen) == 100_000


def test_an_exception_in_a_host_function_is_re_raised_as_itself(store):
    inst, _ = calls_instance(store)
    with pytest.raises(Boom, match="from python") as e:
        inst["boom"]()
    assert isinstance(e.value.__cause__, wasi_rt.Trap)
    assert "Python host function raised Boom: from python" in e.value.__cause__.message
    assert inst["sum"](3) == 3


def test_a_host_function_returning_the_wrong_type_raises_type_error(store):
    f = wasi_rt.Func(store, FuncType([], [I32]), lambda: "not a number")
    inst = instance_of(store, '(module (import "" "f" (func $f (result i32))) (func (export "g") (result i32) call $f))', [f])
    with pytest.raises(TypeError, match="must be an int"):
        inst["g"]()


def test_a_host_function_returns_several_values_as_a_tuple(store):
    f = wasi_rt.Func(store, FuncType([I64], [I64, F32]), lambda x: (x * 2, 0.5))
    inst = instance_of(
        store,
        """(module (import "" "f" (func $f (param i64) (result i64 f32)))
             (func (export "g") (param i64) (result i64 f32) (call $f (local.get 0))))""",
        [f],
    )
    assert inst["g"](21) == (42, 0.5)


def test_a_host_function_is_called_from_python_too(store):
    f = wasi_rt.Func(store, FuncType([F64, F64], [F64]), lambda a, b: a * b)
    assert f(1.5, 4) == 6.0


def test_host_functions_receive_and_return_references(store):
    kept = []

    def keep(obj, fn):
        kept.append((obj, fn))
        return obj

    f = wasi_rt.Func(store, FuncType([EXTERNREF, FUNCREF], [EXTERNREF]), keep)
    inst = instance_of(
        store,
        """(module (import "" "f" (func $f (param externref funcref) (result externref)))
             (func $seven (export "seven") (result i32) i32.const 7)
             (elem declare func $seven)
             (func (export "g") (param externref) (result externref)
               (call $f (local.get 0) (ref.func $seven))))""",
        [f],
    )
    marker = object()
    assert inst["g"](marker) is marker
    obj, fn = kept[0]
    assert obj is marker and fn() == 7


def test_wasi_exit_is_raised_by_a_call_that_exits(store):
    linker = wasi_rt.Linker(store)
    linker.define_wasi(wasi_rt.WasiConfig())
    inst = linker.instantiate(
        wasi_rt.Module(
            store.engine,
            """(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                 (memory (export "memory") 1)
                 (func (export "quit") (call $exit (i32.const 7))))""",
        )
    )
    with pytest.raises(wasi_rt.WasiExit) as e:
        inst["quit"]()
    assert e.value.code == 7


def test_stores_in_different_threads_run_in_parallel(engine):
    import threading

    module = wasi_rt.Module(
        engine,
        """(module (func (export "count") (param i64) (result i64) (local $i i64)
             (block $done (loop $next
               (br_if $done (i64.ge_u (local.get $i) (local.get 0)))
               (local.set $i (i64.add (local.get $i) (i64.const 1)))
               (br $next)))
             (local.get $i)))""",
    )
    results = {}

    def work(n):
        store = wasi_rt.Store(engine)
        results[n] = [wasi_rt.Instance(store, module)["count"](n + k) for k in range(50)]

    threads = [threading.Thread(target=work, args=(n * 1_000_000,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {n * 1_000_000: [n * 1_000_000 + k for k in range(50)] for n in range(4)}


def test_a_module_using_v128_loads_but_v128_values_cannot_cross(store):
    inst = instance_of(
        store,
        """(module (global (export "g") v128 (v128.const i64x2 1 2))
             (func (export "sum") (param i32) (result i32)
               (i32x4.extract_lane 0 (i32x4.add (i32x4.splat (local.get 0)) (i32x4.splat (i32.const 1)))))
             (func (export "id") (param v128) (result v128) local.get 0))""",
    )
    assert inst["sum"](41) == 42
    assert inst["id"].type == FuncType([wasi_rt.V128], [wasi_rt.V128])
    with pytest.raises(wasi_rt.WasmError, match="v128"):
        inst["id"](0)
    with pytest.raises(wasi_rt.WasmError, match="v128"):
        inst["g"].value


def test_a_guest_that_never_ends_is_interrupted_by_its_epoch_deadline():
    import threading

    engine = wasi_rt.Engine(epoch_interruption=True)
    store = wasi_rt.Store(engine)
    inst = instance_of(
        store,
        """(module (func (export "spin") (loop $l (br $l)))
             (func (export "one") (result i32) i32.const 1))""",
    )
    store.set_epoch_deadline(1)
    timer = threading.Timer(0.1, engine.increment_epoch)
    timer.start()
    with pytest.raises(wasi_rt.Trap) as e:
        inst["spin"]()
    timer.join()
    assert e.value.code == wasi_rt.TRAP_INTERRUPT
    assert "interrupted" in e.value.message
    store.set_epoch_deadline(5)
    assert inst["one"]() == 1
