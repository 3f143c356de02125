"""Builds the Rust library with cargo and ships it inside the package.

`pip install ./python-bindings` runs `cargo build --release --lib` in the
repository (honouring CARGO_TARGET_DIR; extra cargo arguments may be given
in WASI_RT_CARGO_ARGS) and copies libwasi_rt.so next to the Python modules,
so `import wasi_rt` needs nothing else. With WASI_RT_LIB set, that library
is packaged instead and cargo is not run. `pip wheel ./python-bindings`
makes a wheel tagged py3-none-<platform> that carries the library.
"""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def built_library() -> Path:
    given = os.environ.get("WASI_RT_LIB")
    if given:
        return Path(given)
    cargo = os.environ.get("CARGO", "cargo")
    extra = shlex.split(os.environ.get("WASI_RT_CARGO_ARGS", ""))
    subprocess.run([cargo, "build", "--release", "--lib", *extra], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    return target / "release" / "libwasi_rt.so"


class BuildWithCargo(build_py):
    def run(self):
        lib = built_library()
        if not lib.is_file():
            raise RuntimeError(f"the wasi-rt library was not found at {lib}")
        super().run()
        dest = Path(self.build_lib) / "wasi_rt"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(lib, dest / "libwasi_rt.so")


try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70 keeps it in the wheel package
    from wheel.bdist_wheel import bdist_wheel


class NativeLibraryDistribution(Distribution):
    """Carries a native library: installed as platform-specific files."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """The wheel carries a native library, so it is tagged for this
    platform; it loads the library with ctypes, so any Python 3 can use it."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=NativeLibraryDistribution, cmdclass={"build_py": BuildWithCargo, "bdist_wheel": PlatformWheel})
