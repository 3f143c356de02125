#!/usr/bin/env bash
# Builds the benchmark kernels in benches/kernels/ twice:
#   OUT/NAME.wasm             one freestanding wasm32 module per kernel (no imports, no libc)
#   OUT/NAME-64.wasm          the kernels that use memory, built for wasm64 (memory64)
#   OUT/libkernels_native.so  all kernels as one native shared library (the baseline)
# and the native baselines of benches/wasm3/ (clang++) and benches/gc/:
#   OUT/libwasm3_native.so
#   OUT/libgc_native.so
# Usage: benches/build-kernels.sh [OUT]   (OUT defaults to target/bench-kernels,
# relative to the current directory). CC overrides the native compiler. The
# default is clang, the compiler of the wasm build, so the ratio measures the
# runtime rather than one C optimizer against another (GCC turns fib's
# double recursion into much faster code than Clang does: CC=cc shows that).
# OUT/native-compiler records which compiler built the baseline.
set -euo pipefail

OUT="${1:-target/bench-kernels}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/kernels"
KERNELS=(fib sieve matmul hash bytes)
# Kernels built for wasm with fixed-width SIMD as well (-msimd128).
SIMD_KERNELS=(bytes)
# Kernels built for wasm64 as well (the memory64 comparison; not bytes:
# Clang 14 cannot select some of its SIMD for wasm64).
MEM64_KERNELS=(sieve matmul hash)
NATIVE_CC="${CC:-clang}"

# wasm32 without WASI: -nostdlib, no entry point, exports come from
# __attribute__((export_name(...))) in the sources.
#  -mcpu=mvp     pin the MVP feature set so newer clangs (which turn on
#                bulk-memory, sign-ext, ... by default) emit the same kind of code.
#  -fno-builtin  stop clang turning buffer-clearing loops into memset calls,
#                which would be an undefined symbol without libc.
# shellcheck disable=SC2054 # the commas belong to -Wl, options
WASM_CFLAGS=(--target=wasm32 -mcpu=mvp -O2 -fno-builtin -nostdlib
    -Wl,--no-entry -Wl,--export-dynamic)

MISSING=()
find_missing_tools() {
    MISSING=()
    local t
    for t in clang wasm-ld "$NATIVE_CC"; do
        command -v "$t" >/dev/null 2>&1 || MISSING+=("$t")
    done
}

find_missing_tools
if [[ ${#MISSING[@]} -gt 0 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "build-kernels: installing missing tools (${MISSING[*]}) with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y clang lld >/dev/null 2>&1 ||
        { apt-get update >/dev/null && apt-get install -y clang lld >/dev/null; } ||
        true
    find_missing_tools
fi
if [[ ${#MISSING[@]} -gt 0 ]]; then
    echo "build-kernels: error: missing tool(s): ${MISSING[*]}" >&2
    echo "build-kernels: install them, e.g. on Debian: apt-get install -y clang lld" >&2
    echo "build-kernels: (clang builds the .wasm files, wasm-ld from lld links them," >&2
    echo "build-kernels:  $NATIVE_CC builds the native baseline library)" >&2
    exit 1
fi

mkdir -p "$OUT"

for k in "${KERNELS[@]}"; do
    extra=()
    for s in "${SIMD_KERNELS[@]}"; do [[ "$k" == "$s" ]] && extra=(-msimd128); done
    clang "${WASM_CFLAGS[@]}" "${extra[@]}" -o "$OUT/$k.wasm" "$SRC/$k.c"
done

for k in "${MEM64_KERNELS[@]}"; do
    extra=()
    for s in "${SIMD_KERNELS[@]}"; do [[ "$k" == "$s" ]] && extra=(-msimd128); done
    clang "${WASM_CFLAGS[@]/--target=wasm32/--target=wasm64}" "${extra[@]}" -o "$OUT/$k-64.wasm" "$SRC/$k.c"
done

NATIVE_CXX="${CXX:-clang++}"
"$NATIVE_CXX" -O2 -shared -fPIC -o "$OUT/libwasm3_native.so" "$HERE/wasm3/native.cpp"
"$NATIVE_CC" -O2 -shared -fPIC -o "$OUT/libgc_native.so" "$HERE/gc/native.c"

srcs=()
for k in "${KERNELS[@]}"; do srcs+=("$SRC/$k.c"); done
"$NATIVE_CC" -O2 -shared -fPIC -o "$OUT/libkernels_native.so" "${srcs[@]}"
"$NATIVE_CC" --version | head -n 1 > "$OUT/native-compiler"

# Optional sanity check when wabt is installed: each module exports its
# kernel and imports nothing.
if command -v wasm-objdump >/dev/null 2>&1; then
    for k in "${KERNELS[@]}"; do
        dump="$(wasm-objdump -x "$OUT/$k.wasm")"
        if ! grep -q -- "-> \"$k\"" <<<"$dump"; then
            echo "build-kernels: error: $OUT/$k.wasm does not export \"$k\"" >&2
            exit 1
        fi
        if grep -q '^Import\[' <<<"$dump"; then
            echo "build-kernels: error: $OUT/$k.wasm has imports:" >&2
            sed -n '/^Import\[/,/^[A-Z]/p' <<<"$dump" >&2
            exit 1
        fi
    done
fi

echo "build-kernels: built ${KERNELS[*]} (.wasm) and libkernels_native.so in $OUT" >&2
