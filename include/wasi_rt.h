/**
 * \file wasi_rt.h
 * The whole C API of wasi-rt: the standard WebAssembly C API (wasm.h, which
 * this file includes) plus the wasi-rt extensions: `wasi_*` (WASI
 * configuration) and `wasi_rt_*` (everything else specific to this runtime).
 * Usable from C (C99 and later) and C++ (C++11 and later).
 *
 * GENERATED: the declarations come from the `extern "C"` functions and
 * `#[repr(C)]` types in src/capi/ (cbindgen, configured by cbindgen.toml);
 * the rest of the file comes from include/wasi_rt.h.in. Do not edit
 * wasi_rt.h: edit those and regenerate with
 *
 *     WASI_RT_BLESS=1 cargo test --release --test headers
 *
 * Ownership, NULL handling and errors follow the rules stated at the top
 * of wasm.h; each function below says what it owns, takes and returns.
 *
 * Linking: -lwasi_rt (shared, SONAME libwasi_rt.so.0) or libwasi_rt.a with
 * the system libraries that `pkg-config --static --libs wasi_rt` lists; with
 * CMake, `find_package(wasi_rt CONFIG REQUIRED)` and link `wasi_rt::wasi_rt`
 * (or `wasi_rt::shared` / `wasi_rt::static`).
 */

#ifndef WASI_RT_H
#define WASI_RT_H

#include "wasm.h"

/**
 * `v128` (an extension of this runtime; not in the standard `wasm.h`).
 */
#define WASI_RT_V128 4

#endif  /* WASI_RT_H */
