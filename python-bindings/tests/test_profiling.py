"""Profiler support: Engine(profiler="perfmap") lists each module's
functions in /tmp/perf-PID.map for ``perf report``; profiler="jitdump"
writes them with their code to /tmp/jit-PID.dump."""

import os
import struct
import tempfile

import pytest

import wasi_rt


def test_perfmap_lists_functions_by_name():
    engine = wasi_rt.Engine(profiler="perfmap")
    module = wasi_rt.Module(engine, '(module $py_prof_c4 (func $work (export "work")))')
    module.compile_all()  # (a lazily compiled function is listed once it has code)
    path = os.path.join(tempfile.gettempdir(), f"perf-{os.getpid()}.map")
    with open(path) as f:
        lines = [line.split(" ", 2) for line in f.read().splitlines()]
    hits = [l for l in lines if l[2] == "wasm::py_prof_c4::work"]
    assert len(hits) == 1
    assert int(hits[0][1], 16) > 0


def test_jitdump_writes_a_code_load_record_per_function():
    engine = wasi_rt.Engine(profiler="jitdump")
    module = wasi_rt.Module(engine, '(module $py_dump_d8 (func $work (export "work")))')
    module.compile_all()
    path = os.path.join(tempfile.gettempdir(), f"jit-{os.getpid()}.dump")
    with open(path, "rb") as f:
        data = f.read()
    magic, version, header_size = struct.unpack_from("=III", data, 0)
    assert (magic, version, header_size) == (0x4A695444, 1, 40)
    names = []
    at = header_size
    while at + 16 <= len(data):
        kind, size = struct.unpack_from("=II", data, at)
        if kind == 0:
            end = data.index(b"\0", at + 56)
            names.append(data[at + 56 : end].decode())
        at += size
    assert names.count("wasm::py_dump_d8::work") == 1


def test_unknown_profiler_is_refused():
    with pytest.raises(ValueError, match="unknown profiler"):
        wasi_rt.Engine(profiler="vtune")
