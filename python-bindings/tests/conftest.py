"""Shared fixtures: an engine, a store, small modules, and C programs
compiled for wasm32-wasi and natively.

Without clang and a wasm32-wasi sysroot the C program tests are skipped,
unless CI=true, when they fail. ``WASI_CC`` (default clang),
``WASI_SYSROOT`` (default /usr) and ``CC`` (default cc) pick the tools.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import wasi_rt

REPO = Path(__file__).resolve().parents[2]
C_PROGRAMS = REPO / "tests" / "wasi-programs"
WASI_CAT_WAT = REPO / "c-examples" / "data" / "wasi_cat.wat"

ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'


@pytest.fixture
def engine():
    return wasi_rt.Engine()


@pytest.fixture
def store(engine):
    return wasi_rt.Store(engine)


def instance_of(store, text, imports=()):
    """An instance of the module in ``text`` in ``store``."""
    return wasi_rt.Instance(store, wasi_rt.Module(store.engine, text), imports)


class CPrograms:
    """Compiles the C programs of tests/wasi-programs, once per session."""

    def __init__(self, out: Path):
        self.out = out
        self.wasi_cc = os.environ.get("WASI_CC", "clang")
        self.sysroot = os.environ.get("WASI_SYSROOT", "/usr")
        self.cc = os.environ.get("CC", "cc")
        self.built = {}

    def _build(self, name: str, native: bool, flags: tuple = ()) -> Path:
        key = (name, native, flags)
        if key not in self.built:
            out = self.out / (name + "".join(flags) + (".native" if native else ".wasm"))
            if native:
                cmd = [self.cc, "-O2", *flags]
            else:
                cmd = [self.wasi_cc, "--target=wasm32-wasi", f"--sysroot={self.sysroot}", "-O2", *flags]
            r = subprocess.run([*cmd, str(C_PROGRAMS / f"{name}.c"), "-o", str(out)], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} {name}.c failed:\n{r.stderr}")
            self.built[key] = out
        return self.built[key]

    def wasm(self, name: str, flags: tuple = ()) -> Path:
        return self._build(name, native=False, flags=tuple(flags))

    def native(self, name: str) -> Path:
        return self._build(name, native=True)


@pytest.fixture(scope="session")
def c_programs(tmp_path_factory):
    """Builds C programs for wasm32-wasi and natively (see the module doc)."""
    progs = CPrograms(tmp_path_factory.mktemp("c-programs"))
    why = None
    if shutil.which(progs.wasi_cc) is None or shutil.which(progs.cc) is None:
        why = f"{progs.wasi_cc} or {progs.cc} is not installed"
    else:
        try:
            progs.wasm("args")
        except RuntimeError as e:
            why = f"no working wasm32-wasi toolchain (install clang lld wasi-libc libclang-rt-dev-wasm32): {e}"
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {why}")
        pytest.skip(why)
    return progs
