"""WASI from Python: WasiConfig with a Linker, and run_wasi. Real C
programs compiled for wasm32-wasi must print what their native builds print."""

import subprocess

import pytest

import wasi_rt

from conftest import WASI_CAT_WAT

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
    with pytest.raises(wasi_rt.WasmError, match="cannot open directory"):
        wasi_rt.run_wasi(HELLO, dirs={"x": tmp_path / "missing"})


def test_run_wasi_refuses_a_module_without_start():
    with pytest.raises(wasi_rt.WasmError, match="_start"):
        wasi_rt.run_wasi('(module (memory (export "memory") 1))')


def test_run_wasi_reads_a_file_from_a_preopened_directory(tmp_path):
    (tmp_path / "greeting.txt").write_text("hello from python\n")
    code, out, _ = wasi_rt.run_wasi(WASI_CAT_WAT, args=["cat", "a"], env={"K": "V"}, readonly_dirs={".": tmp_path})
    assert code == 3
    assert out == b"a\nK=V\nhello from python\n"


def test_wasi_config_and_linker_run_a_command(engine, store, tmp_path):
    config = wasi_rt.WasiConfig().argv(["cat", "x", "y"]).env({"A": "1"})
    (tmp_path / "greeting.txt").write_text("via linker\n")
    config.preopen_dir(tmp_path, ".", readonly=True)
    out = config.capture_stdout()
    linker = wasi_rt.Linker(store)
    linker.define_wasi(config)
    with pytest.raises(wasi_rt.WasmError):
        config.argv(["closed"])  # taken over by the linker
    assert linker.run(wasi_rt.Module.from_file(engine, WASI_CAT_WAT)) == 3
    assert out.contents() == b"x\ny\nA=1\nvia linker\n"


def test_wasi_output_goes_to_files(engine, store, tmp_path):
    config = wasi_rt.WasiConfig().stdout_file(tmp_path / "out.txt").stderr_file(tmp_path / "err.txt")
    linker = wasi_rt.Linker(store)
    linker.define_wasi(config)
    assert linker.run(wasi_rt.Module(engine, HELLO)) == 5
    assert (tmp_path / "out.txt").read_bytes() == b"hi from wasi\n"
    assert (tmp_path / "err.txt").read_bytes() == b"hi from wasi\n"


INHERITING = """
import sys, wasi_rt
engine = wasi_rt.Engine()
store = wasi_rt.Store(engine)
config = wasi_rt.WasiConfig().inherit_argv().inherit_env().inherit_stdio().preopen_dir(sys.argv[1], ".")
linker = wasi_rt.Linker(store)
linker.define_wasi(config)
sys.stdout.flush()
code = linker.run(wasi_rt.Module.from_file(engine, sys.argv[2]))
print("exit", code)
"""


def test_a_program_inherits_arguments_environment_and_stdio(tmp_path):
    import os
    import sys

    (tmp_path / "greeting.txt").write_text("inherited\n")
    script = tmp_path / "inherit.py"
    script.write_text(INHERITING)
    env = dict(os.environ, GREETING_NAME="from the parent")
    r = subprocess.run([sys.executable, str(script), str(tmp_path), str(WASI_CAT_WAT)], capture_output=True, env=env, check=True)
    # The process's argv is [python, script, dir, wat]; the program prints
    # all after argv[0], then every variable, then the file.
    lines = r.stdout.decode().splitlines()
    assert lines[:3] == [str(script), str(tmp_path), str(WASI_CAT_WAT)]
    assert sorted(lines[3:-2]) == sorted(f"{k}={v}" for k, v in env.items())
    assert lines[-2:] == ["inherited", "exit 3"]


def test_stdin_is_read_from_a_file(engine, store, c_programs, tmp_path):
    data = b"".join(b"row %d\n" % i for i in range(1000))
    (tmp_path / "in.txt").write_bytes(data)
    config = wasi_rt.WasiConfig().argv(["stdio"]).stdin_file(tmp_path / "in.txt")
    out = config.capture_stdout()
    linker = wasi_rt.Linker(store)
    linker.define_wasi(config)
    assert linker.run(wasi_rt.Module.from_file(engine, c_programs.wasm("stdio"))) == 0
    assert out.contents() == native(c_programs, "stdio", stdin=data)[1]


def test_wasi_config_refuses_missing_files_and_directories(tmp_path):
    config = wasi_rt.WasiConfig()
    with pytest.raises(wasi_rt.WasmError):
        config.preopen_dir(tmp_path / "missing", "x")
    with pytest.raises(wasi_rt.WasmError):
        config.stdin_file(tmp_path / "missing.txt")
    with pytest.raises(wasi_rt.WasmError):
        config.stdout_file(tmp_path / "missing" / "out.txt")
    config.close()


def test_a_missing_wasi_import_is_named(store):
    with pytest.raises(wasi_rt.WasmError, match="unknown import wasi_snapshot_preview1::fd_write"):
        wasi_rt.Linker(store).run(wasi_rt.Module(store.engine, HELLO))


# Real C programs, compared with their native builds.


def native(c_programs, name, args=(), env=None, stdin=b"", cwd=None):
    exe = c_programs.native(name)
    r = subprocess.run([str(exe), *args], input=stdin, capture_output=True, env=env or {}, cwd=cwd)
    return r.returncode, r.stdout, r.stderr


def test_c_program_sees_its_arguments(c_programs):
    args = ["one", "two words", "ünïcødé", ""]
    assert wasi_rt.run_wasi(c_programs.wasm("args"), args=["args", *args]) == native(c_programs, "args", args)


def test_c_program_sees_exactly_the_given_environment(c_programs):
    env = {"GREETING": "hello", "EMPTY": "", "WITH_EQUALS": "a=b=c", "UNICODE": "żółw"}
    assert wasi_rt.run_wasi(c_programs.wasm("env"), args=["env"], env=env) == native(c_programs, "env", env=env)


def test_c_program_reads_stdin_and_writes_stdout_and_stderr(c_programs):
    stdin = b"".join(b"line %d of the input\n" % i for i in range(5000))
    code, out, err = wasi_rt.run_wasi(c_programs.wasm("stdio"), args=["stdio"], stdin=stdin)
    assert (code, out, err) == native(c_programs, "stdio", stdin=stdin)
    assert len(out) > 5 << 20 and err.endswith(b"end of stderr\n")


@pytest.mark.parametrize("how", ["exit", "return", "_exit"])
def test_c_program_exit_codes_match_native(c_programs, how):
    args = [how, "42"]
    assert wasi_rt.run_wasi(c_programs.wasm("exit"), args=["exit", *args]) == native(c_programs, "exit", args)


def tree(root):
    return sorted((str(p.relative_to(root)), p.read_bytes() if p.is_file() else None) for p in root.rglob("*"))


@pytest.mark.parametrize("name", ["files", "dirs", "rename"])
def test_c_program_changes_its_directory_as_native_does(c_programs, tmp_path, name):
    wasm_dir, native_dir = tmp_path / "wasm", tmp_path / "native"
    wasm_dir.mkdir()
    native_dir.mkdir()
    got = wasi_rt.run_wasi(c_programs.wasm(name), args=[name], dirs={".": wasm_dir})
    assert got == native(c_programs, name, cwd=native_dir)
    assert tree(wasm_dir) == tree(native_dir)


def test_c_program_cannot_write_a_read_only_directory(c_programs, tmp_path):
    code, out, _ = wasi_rt.run_wasi(c_programs.wasm("files"), args=["files"], readonly_dirs={".": tmp_path})
    assert (code, out.splitlines()[0]) == (99, b"== create, write, read")  # its first open fails
    assert list(tmp_path.iterdir()) == []



def test_run_wasi_stops_a_program_at_its_timeout():
    import time

    spin = '(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))'
    started = time.monotonic()
    with pytest.raises(wasi_rt.Trap) as e:
        wasi_rt.run_wasi(spin, timeout=0.2)
    assert e.value.code == wasi_rt.TRAP_INTERRUPT
    assert time.monotonic() - started < 10
    assert wasi_rt.run_wasi(HELLO, timeout=5)[0] == 5
    with pytest.raises(wasi_rt.WasmError, match="epoch_interruption"):
        wasi_rt.run_wasi(spin, engine=wasi_rt.Engine(), timeout=1)


SLEEP_30S = """(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 30000000000))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))"""


def test_run_wasi_timeout_stops_a_program_sleeping_in_poll_oneoff():
    import time

    started = time.monotonic()
    with pytest.raises(wasi_rt.Trap) as e:
        wasi_rt.run_wasi(SLEEP_30S, timeout=0.2)
    assert e.value.code == wasi_rt.TRAP_INTERRUPT
    # Cut short within one wait slice (50 ms) of the deadline.
    assert time.monotonic() - started < 2


YES = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (memory.fill (i32.const 1024) (i32.const 0x79) (i32.const 60000))
    (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 60000))
    ;; Writes until a write fails (the capture is full).
    (loop $more
      (br_if $more (i32.eqz (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))))"""


def test_run_wasi_caps_captured_output_with_a_clear_error():
    with pytest.raises(wasi_rt.WasmError, match="max_output=1000000 bytes to stdout"):
        wasi_rt.run_wasi(YES, max_output=1_000_000)


def test_a_capture_limit_refuses_writes_past_it(engine, store):
    config = wasi_rt.WasiConfig()
    out = config.capture_stdout(max_bytes=100_000)
    with wasi_rt.Linker(store) as linker:
        linker.define_wasi(config)
        linker.run(wasi_rt.Module(engine, YES))
    assert out.overflowed
    assert out.contents() == b"y" * 100_000


def test_a_c_reactor_is_initialised_by_the_linker(engine, store, c_programs):
    config = wasi_rt.WasiConfig()
    out = config.capture_stdout()
    linker = wasi_rt.Linker(store)
    linker.define_wasi(config)
    module = wasi_rt.Module.from_file(engine, c_programs.wasm("reactor", ["-mexec-model=reactor"]))
    inst = linker.instantiate(module)
    assert inst["greet"](5) == 10
    assert out.contents() == b"ready 5\n"
