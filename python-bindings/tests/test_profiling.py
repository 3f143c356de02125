"""Profiler support: Engine(profiler="perfmap") lists each module's
functions in /tmp/perf-PID.map for ``perf report``."""

import os
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


def test_unknown_profiler_is_refused():
    with pytest.raises(ValueError, match="unknown profiler"):
        wasi_rt.Engine(profiler="vtune")
