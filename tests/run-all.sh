#!/usr/bin/env bash
# The project's one test command: ./tests/run-all.sh
#
#   1. system tools: installs the Debian packages the tests need (as root only)
#   2. Python venv:  target/venv with pytest, wheel and ziglang (zig's C compiler)
#   3. cargo test --release  (all Rust tests, including the spec suite), twice:
#                    modules compiled at once, then compiled lazily
#                    (WASI_RT_LAZY_COMPILATION=1 sets Config's default)
#   4. C examples:   the C library installed with cmake/ into target/cmake-install,
#                    c-examples/ built against it and run with ctest, pkg-config checks
#   5. Python:       python-bindings/ installed into the venv, pytest (if present)
#   6. fuzz:         the saved fuzz inputs, then two minutes of fresh cases
#                    from a fixed seed, every target (fuzz/)
#
# Every step runs even if an earlier one failed; the script exits non-zero if
# any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
VENV="$ROOT/target/venv"

# Rust may be installed with rustup without being on PATH (e.g. under CI).
if ! command -v cargo >/dev/null 2>&1 && [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
    export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

APT_PACKAGES=(clang lld wasi-libc libclang-rt-dev-wasm32 wabt cmake pkg-config)
REQUIRED_TOOLS=(clang wasm-ld wat2wasm cmake pkg-config)

STEP=0
TOTAL_STEPS=6
FAILED=()

header() {
    STEP=$((STEP + 1))
    echo
    echo "=== run-all [$STEP/$TOTAL_STEPS] $* ==="
}

# run_step NAME FUNCTION: runs FUNCTION, records NAME if it fails.
# (Inside a function called from `if`, `set -e` does not apply: the step
# functions below check each command themselves.)
run_step() {
    local name="$1" fn="$2"
    header "$name"
    if "$fn"; then
        echo "--- $name: ok"
    else
        echo "--- $name: FAILED" >&2
        FAILED+=("$name")
    fi
}

step_tools() {
    local missing=() extra=() t
    for t in "${REQUIRED_TOOLS[@]}"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    # Libraries the tools alone don't show (Debian only).
    if command -v dpkg-query >/dev/null 2>&1; then
        for t in wasi-libc libclang-rt-dev-wasm32; do
            dpkg-query -W -f='${Status}' "$t" 2>/dev/null | grep -q 'ok installed' || missing+=("$t")
        done
    fi
    # Needed by the later steps on a bare machine.
    if ! command -v cc >/dev/null 2>&1; then
        missing+=(cc)
        extra+=(gcc libc6-dev)
    fi
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        missing+=("python3 with venv")
        extra+=(python3 python3-venv)
    fi

    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "all tools present"
        return 0
    fi
    echo "missing: ${missing[*]}"
    if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        echo "not root (or no apt-get): not installing; as root run:"
        echo "  apt-get install -y ${APT_PACKAGES[*]} ${extra[*]}"
        echo "continuing; steps that need them may fail"
        return 0
    fi
    mkdir -p target
    local log="$ROOT/target/apt-get.log"
    echo "installing with apt-get (log: target/apt-get.log)"
    if DEBIAN_FRONTEND=noninteractive apt-get update >"$log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${APT_PACKAGES[@]}" "${extra[@]}" >>"$log" 2>&1; then
        echo "installed: ${APT_PACKAGES[*]} ${extra[*]}"
    else
        tail -n 30 "$log" >&2
        echo "apt-get failed" >&2
        return 1
    fi
}

step_venv() {
    if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
        # Missing, or broken (e.g. its base Python is gone): (re)create it.
        echo "creating $VENV"
        python3 -m venv --clear "$VENV" || return 1
    fi
    # pytest runs the Python tests; wheel lets the wheel test build offline.
    if ! "$VENV/bin/python" -c 'import pytest, wheel' >/dev/null 2>&1; then
        echo "installing pytest and wheel into the venv"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pytest wheel || return 1
    fi
    # ziglang: a current Clang and wasi-libc (with libsetjmp), for the WASI
    # programs that use Wasm exception handling (tests/wasi_programs.rs).
    if ! "$VENV/bin/python" -c 'import ziglang' >/dev/null 2>&1; then
        echo "installing ziglang into the venv"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ziglang==0.17.1 || return 1
    fi
    "$VENV/bin/python" -m pytest --version
}

step_cargo() {
    # The CLI's code cache goes to target/, not the user's cache directory.
    export XDG_CACHE_HOME="$PWD/target/test-cache"
    WASI_RT_LAZY_COMPILATION=0 cargo test --release
    echo "--- again, every module compiled lazily"
    WASI_RT_LAZY_COMPILATION=1 cargo test --release
}

step_c_examples() {
    if [[ ! -f c-examples/CMakeLists.txt ]]; then
        echo "skipped: no c-examples/CMakeLists.txt"
        return 0
    fi
    # The package: cmake/ runs `cargo build --release --lib` in target/ and
    # installs the headers, libraries, CMake config and pkg-config file.
    # --tests makes cargo resolve features as the cargo step did, so that its
    # build is reused rather than redone. The package is configured for
    # another prefix and installed with --prefix, so that the examples also
    # show that the installed package is relocatable.
    local prefix="$ROOT/target/cmake-install"
    rm -rf "$prefix" target/c-examples
    cmake -S cmake -B target/cmake-build -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/nonexistent/wasi-rt -DWASI_RT_CARGO_ARGS=--tests || return 1
    cmake --build target/cmake-build || return 1
    cmake --install target/cmake-build --prefix "$prefix" || return 1

    # The examples, against the installed package only.
    cmake -S c-examples -B target/c-examples -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" || return 1
    cmake --build target/c-examples --parallel 2 || return 1
    (cd target/c-examples && ctest --output-on-failure) || return 1

    # The same examples under AddressSanitizer with leak checking: every
    # C-side misuse of memory and every leak of an API object fails them.
    # (valgrind cannot follow the signals that Wasm traps raise in JIT code.)
    rm -rf target/c-examples-asan
    cmake -S c-examples -B target/c-examples-asan -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_C_FLAGS="-fsanitize=address -fno-omit-frame-pointer" \
        -DCMAKE_CXX_FLAGS="-fsanitize=address -fno-omit-frame-pointer" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address" || return 1
    cmake --build target/c-examples-asan --parallel 2 || return 1
    (cd target/c-examples-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure) || return 1

    # pkg-config: the shared library, then the static one (Libs.private).
    local cflags libs
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    cflags="$(pkg-config --cflags wasi_rt)" || return 1
    libs="$(pkg-config --libs wasi_rt)" || return 1
    echo "pkg-config --cflags --libs wasi_rt: $cflags $libs"
    # shellcheck disable=SC2086 # word splitting of the flags is intended
    cc -std=c99 -Wall -Wextra -Werror $cflags c-examples/engine_smoke.c $libs \
        -Wl,-rpath,"$prefix/lib" -o target/c-examples/engine_smoke_pkgconfig || return 1
    target/c-examples/engine_smoke_pkgconfig | diff -u c-examples/engine_smoke.expected - || return 1
    libs="$(pkg-config --static --libs wasi_rt)" || return 1
    libs="${libs/-lwasi_rt/-Wl,-Bstatic -lwasi_rt -Wl,-Bdynamic}"
    echo "static link: $libs"
    # shellcheck disable=SC2086
    cc -std=c99 -Wall -Wextra -Werror $cflags c-examples/engine_smoke.c $libs \
        -o target/c-examples/engine_smoke_pkgconfig_static || return 1
    target/c-examples/engine_smoke_pkgconfig_static | diff -u c-examples/engine_smoke.expected - || return 1
    echo "pkg-config: the shared and the static build of engine_smoke.c work"
}

step_python() {
    if [[ ! -f python-bindings/pyproject.toml ]]; then
        echo "skipped: no python-bindings/pyproject.toml"
        return 0
    fi
    # A normal (not editable) install: setup.py builds the library with
    # cargo and puts it in the package. --tests makes cargo resolve
    # features as the cargo step did, so its build is reused.
    WASI_RT_CARGO_ARGS=--tests "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --force-reinstall --no-deps ./python-bindings || return 1
    if [[ ! -d python-bindings/tests ]]; then
        echo "no python-bindings/tests directory: nothing to run"
        return 0
    fi
    local rc=0
    "$VENV/bin/python" -m pytest python-bindings/tests || rc=$?
    if [[ $rc -eq 5 ]]; then
        echo "pytest collected no tests in python-bindings/tests"
        return 0
    fi
    return $rc
}

step_fuzz() {
    if [[ ! -f fuzz/Cargo.toml ]]; then
        echo "skipped: no fuzz/"
        return 0
    fi
    # Its own build profile (debug assertions, overflow checks, Cranelift's
    # verifier); 24 seconds a target, seed 1, after the saved inputs.
    cargo run --profile fuzz -p fuzz -- all --seconds 120 --seed 1
}

run_step "system tools" step_tools
run_step "python venv" step_venv
run_step "cargo test --release" step_cargo
run_step "C examples (cmake + ctest)" step_c_examples
run_step "python bindings (pytest)" step_python
run_step "fuzz (saved inputs and a fixed seed)" step_fuzz

echo
if [[ ${#FAILED[@]} -gt 0 ]]; then
    echo "run-all: FAILED steps (${#FAILED[@]} of $TOTAL_STEPS): $(printf '[%s] ' "${FAILED[@]}")" >&2
    exit 1
fi
echo "run-all: all $TOTAL_STEPS steps succeeded"
