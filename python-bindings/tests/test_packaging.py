"""The package as users get it: the example scripts, and a wheel that
carries the library and works on its own."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import wasi_rt
from wasi_rt import _ffi

from conftest import WASI_CAT_WAT

HERE = Path(__file__).resolve().parent
PACKAGE_DIR = HERE.parent


def run_example(name, *args):
    script = PACKAGE_DIR / "examples" / name
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=True).stdout


def test_the_plugin_host_example_survives_trapping_runaway_and_greedy_plugins():
    out = run_example("plugin_host.py")
    assert "event 2: divider trapped: integer divide by zero" in out
    assert "event 3: spinner trapped: interrupted" in out
    assert "event 2: hoarder -> 2" in out and "event 3: hoarder -> -1" in out
    assert "event 3: doubler -> 6" in out
    assert out.endswith("host still running; 12 log calls\n")


def test_the_wasi_example_runs_a_program(tmp_path):
    (tmp_path / "greeting.txt").write_text("hello example\n")
    out = run_example("run_wasi_program.py", str(WASI_CAT_WAT), str(tmp_path), "arg")
    assert out == "arg\nGREETING_NAME=python\nhello example\n[exit code 3]\n"


def test_the_installed_package_carries_its_library():
    if os.environ.get("WASI_RT_LIB"):
        pytest.skip("WASI_RT_LIB overrides the packaged library")
    assert Path(_ffi.__file__).with_name("libwasi_rt.so").is_file()


def test_pip_wheel_makes_a_platform_wheel_that_works_alone(tmp_path):
    """Builds the wheel from the library this test session uses (so cargo
    does not run again), then imports the unpacked wheel in a fresh process
    with no WASI_RT_LIB and calls a function."""
    env = dict(os.environ, WASI_RT_LIB=_ffi.lib._name)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "-w", str(tmp_path)]
    try:
        import wheel  # noqa: F401  (the build needs it; without it let pip fetch it)

        cmd.append("--no-build-isolation")
    except ImportError:
        pass
    subprocess.run([*cmd, str(PACKAGE_DIR)], check=True, env=env, cwd=tmp_path)
    wheels = list(tmp_path.glob("*.whl"))
    assert len(wheels) == 1
    assert wheels[0].name.startswith("wasi_rt-0.1.0-py3-none-linux_")
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
        assert "wasi_rt/libwasi_rt.so" in names and "wasi_rt/__init__.py" in names
        z.extractall(tmp_path / "unpacked")
    env = {k: v for k, v in os.environ.items() if k not in ("WASI_RT_LIB", "PYTHONPATH")}
    env["PYTHONPATH"] = str(tmp_path / "unpacked")
    code = (
        "import wasi_rt;"
        "e = wasi_rt.Engine();"
        "print(wasi_rt.Instance(wasi_rt.Store(e), wasi_rt.Module(e, %r))['add'](2, 3), wasi_rt.__file__)"
        % '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=tmp_path)
    value, where = out.stdout.split()
    assert value == "5" and where.startswith(str(tmp_path / "unpacked"))
