"""The Python package over the C ABI: modules, calls, memory, traps, WASI."""

import gc
import os
import resource

import pytest

import wasi_rt

ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'

KITCHEN = """(module
  (memory (export "memory") 1 2)
  (global (export "answer") i32 (i32.const 42))
  (func (export "pair") (param i64 f64) (result f64 i64) local.get 1 local.get 0)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $deep (export "deep") unreachable))"""


@pytest.fixture
def engine():
    return wasi_rt.Engine()


def instance_of(engine, text):
    store = wasi_rt.Store(engine)
    return wasi_rt.Instance(store, wasi_rt.Module(engine, text))


def test_an_export_is_called_with_python_ints(engine):
    assert instance_of(engine, ADD).exports["add"](1, 2) == 3


def test_i32_arguments_wrap_like_wasm(engine):
    assert instance_of(engine, ADD)["add"](2**31 - 1, 1) == -(2**31)


def test_multiple_results_come_back_as_a_tuple(engine):
    assert instance_of(engine, KITCHEN)["pair"](7, 1.5) == (1.5, 7)


def test_memory_reads_writes_and_grows(engine):
    mem = instance_of(engine, KITCHEN)["memory"]
    mem.write(100, b"hello")
    assert mem.read(100, 5) == b"hello"
    assert mem.size == 1 and mem.data_size == 65536
    assert mem.grow(1) == 1
    with pytest.raises(wasi_rt.WasmError):
        mem.grow(1)
    with pytest.raises(wasi_rt.WasmError):
        mem.read(2 * 65536 - 2, 4)


def test_globals_are_read(engine):
    assert instance_of(engine, KITCHEN)["answer"].value == 42


def test_a_trap_raises_with_code_message_and_frames(engine):
    inst = instance_of(engine, KITCHEN)
    with pytest.raises(wasi_rt.Trap) as e:
        inst["div"](1, 0)
    assert e.value.message == "integer divide by zero"
    assert e.value.code == 8
    with pytest.raises(wasi_rt.Trap) as e:
        inst["deep"]()
    assert [f.func_name for f in e.value.frames] == ["deep"]


def test_wrong_argument_counts_and_bad_modules_raise_wasm_error(engine):
    with pytest.raises(wasi_rt.WasmError):
        instance_of(engine, ADD)["add"](1)
    with pytest.raises(wasi_rt.WasmError):
        wasi_rt.Module(engine, b"\0asm\x01\0\0\0\xff")
    assert not wasi_rt.Module.validate(engine, b"junk")
    assert wasi_rt.Module.validate(engine, ADD)


def test_imports_and_exports_are_described(engine):
    m = wasi_rt.Module(engine, '(module (import "env" "f" (func)) (memory (export "m") 1))')
    assert m.imports == [("env", "f", "func")]
    assert m.exports == [("m", "memory")]


def test_objects_close_once_and_refuse_use_after_close(engine):
    inst = instance_of(engine, ADD)
    add = inst["add"]
    inst.close()
    inst.close()
    with pytest.raises(wasi_rt.WasmError):
        add(1, 2)
    with wasi_rt.Engine() as e2:
        assert instance_of(e2, ADD)["add"](2, 2) == 4


def rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_ten_thousand_traps_do_not_grow_memory(engine):
    div = instance_of(engine, KITCHEN)["div"]
    for _ in range(1000):
        with pytest.raises(wasi_rt.Trap):
            div(1, 0)
    gc.collect()
    before = rss_kib()
    for _ in range(10_000):
        with pytest.raises(wasi_rt.Trap):
            div(1, 0)
    gc.collect()
    assert rss_kib() - before < 8 * 1024


HELLO = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1) (data (i32.const 16) "hi from wasi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 13))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 5))))"""


def test_run_wasi_returns_exit_code_and_captured_output():
    code, out, err = wasi_rt.run_wasi(HELLO, args=["hello"])
    assert (code, out, err) == (5, b"hi from wasi\n", b"hi from wasi\n")


def test_run_wasi_refuses_a_missing_directory(tmp_path):
    with pytest.raises(wasi_rt.WasmError):
        wasi_rt.run_wasi(HELLO, dirs={"x": tmp_path / "missing"})


def test_run_wasi_reads_a_file_from_a_preopened_directory(tmp_path):
    wat = os.path.join(os.path.dirname(__file__), "..", "..", "c-examples", "data", "wasi_cat.wat")
    (tmp_path / "greeting.txt").write_text("hello from python\n")
    code, out, _ = wasi_rt.run_wasi(wat, args=["cat", "a"], env={"K": "V"}, readonly_dirs={".": tmp_path})
    assert code == 3
    assert out == b"a\nK=V\nhello from python\n"


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


def calls_instance(engine):
    store = wasi_rt.Store(engine)
    linker = wasi_rt.Linker(store)
    seen = []

    def add(a, b):
        seen.append(1)
        return a + b

    def boom():
        raise Boom("from python")

    linker.define_func("host", "add", [wasi_rt.I32, wasi_rt.I32], [wasi_rt.I32], add)
    linker.define_func("host", "boom", [], [], boom)
    return linker.instantiate(wasi_rt.Module(engine, CALLS)), seen


def test_a_python_host_function_is_called_100000_times(engine):
    inst, seen = calls_instance(engine)
    assert inst["sum"](100_000) == 100_000
    assert len(seen) == 100_000


def test_an_exception_in_a_host_function_is_re_raised_as_itself(engine):
    inst, _ = calls_instance(engine)
    with pytest.raises(Boom, match="from python") as e:
        inst["boom"]()
    assert isinstance(e.value.__cause__, wasi_rt.Trap)
    # The instance keeps working afterwards.
    assert inst["sum"](3) == 3


def test_a_missing_import_is_a_wasm_error(engine):
    store = wasi_rt.Store(engine)
    with pytest.raises(wasi_rt.WasmError, match="unknown import host::add"):
        wasi_rt.Linker(store).instantiate(wasi_rt.Module(engine, CALLS))


def test_memory_view_is_zero_copy(engine):
    mem = instance_of(engine, KITCHEN)["memory"]
    view = mem.view()
    view[10:13] = b"abc"
    assert mem.read(10, 3) == b"abc"
    mem.write(20, b"xyz")
    assert bytes(view[20:23]) == b"xyz"
    assert len(view) == 65536


def test_modules_serialize_and_deserialize(engine):
    data = wasi_rt.Module(engine, ADD).serialize()
    m = wasi_rt.Module.deserialize(engine, data)
    assert wasi_rt.Instance(wasi_rt.Store(engine), m)["add"](20, 22) == 42
    with pytest.raises(wasi_rt.WasmError):
        wasi_rt.Module.deserialize(engine, b"not serialized")


def test_objects_used_after_their_store_is_closed_raise(engine):
    store = wasi_rt.Store(engine)
    inst = wasi_rt.Instance(store, wasi_rt.Module(engine, KITCHEN))
    add_pair, mem = inst["pair"], inst["memory"]
    store.close()
    with pytest.raises(wasi_rt.WasmError, match="store"):
        add_pair(1, 2.0)
    with pytest.raises(wasi_rt.WasmError, match="store"):
        mem.read(0, 1)


def test_tables_report_size_and_grow(engine):
    t = instance_of(engine, '(module (table (export "t") 1 3 funcref))')["t"]
    assert t.size == 1
    assert t.grow(2) == 1 and t.size == 3
    with pytest.raises(wasi_rt.WasmError):
        t.grow(1)


def test_wasi_config_and_linker_run_a_command(engine, tmp_path):
    config = wasi_rt.WasiConfig().argv(["cat", "x", "y"]).env({"A": "1"})
    (tmp_path / "greeting.txt").write_text("via linker\n")
    config.preopen_dir(tmp_path, ".", readonly=True)
    out = config.capture_stdout()
    store = wasi_rt.Store(engine)
    linker = wasi_rt.Linker(store)
    linker.define_wasi(config)
    with pytest.raises(wasi_rt.WasmError):
        config.argv(["closed"])  # taken over by the linker
    wat = os.path.join(os.path.dirname(__file__), "..", "..", "c-examples", "data", "wasi_cat.wat")
    assert linker.run(wasi_rt.Module.from_file(engine, wat)) == 3
    assert out.contents() == b"x\ny\nA=1\nvia linker\n"


def test_wasi_config_refuses_missing_files_and_directories(tmp_path):
    config = wasi_rt.WasiConfig()
    with pytest.raises(wasi_rt.WasmError):
        config.preopen_dir(tmp_path / "missing", "x")
    with pytest.raises(wasi_rt.WasmError):
        config.stdin_file(tmp_path / "missing.txt")
    config.close()


def run_example(name, *args):
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(__file__), "..", "examples", name)
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True, check=True).stdout


def test_the_plugin_host_example_survives_a_trapping_plugin():
    out = run_example("plugin_host.py")
    assert "event 2: divider trapped: integer divide by zero" in out
    assert "event 3: doubler -> 6" in out
    assert out.endswith("host still running; 6 log calls\n")


def test_the_wasi_example_runs_a_program(tmp_path):
    (tmp_path / "greeting.txt").write_text("hello example\n")
    wat = os.path.join(os.path.dirname(__file__), "..", "..", "c-examples", "data", "wasi_cat.wat")
    out = run_example("run_wasi_program.py", wat, str(tmp_path), "arg")
    assert out == "arg\nGREETING_NAME=python\nhello example\n[exit code 3]\n"
