//! Wasm 3.0 feature benchmark: what memory64, exception handling and tail
//! calls cost in wasi-rt, side by side with Wasmtime (its C library, the
//! same proposals switched on) and native code, in one run.
//!
//! Run with `cargo bench --bench wasm3`. It builds the kernels
//! (`benches/build-kernels.sh`: `NAME.wasm` for wasm32, `NAME-64.wasm` for
//! wasm64 from the same C, and the native libraries), checks that every
//! side returns the native result, and times each best of N runs (N = 5;
//! 1 with `WASI_RT_BENCH_QUICK=1` or without `--bench`):
//!
//! 1. memory64: `sieve`, `matmul` and `hash` built for wasm32 and for
//!    wasm64; the 64/32 column is what explicit bounds checks cost.
//! 2. `throw_catch(n)` (`benches/wasm3/throw_catch.wat`): n throw/catch
//!    round trips through a call; native: a C++ `throw` caught by its
//!    caller.
//! 3. `tail_loop(n)` (`benches/wasm3/tail_loop.wat`): n mutually recursive
//!    `return_call`s; native: clang's `musttail`.

use std::path::Path;

#[path = "common/harness.rs"]
mod harness;
#[path = "common/kernels.rs"]
mod kernels;
#[path = "common/wasm3.rs"]
mod wasm3;
#[path = "common/wasmtime.rs"]
mod wasmtime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::var("WASI_RT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let runs: usize = if quick || !std::env::args().any(|a| a == "--bench") { 1 } else { 5 };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = kernels::build(root, &[], false)?;
    let wt = wasmtime::Wasmtime::load_with(true);
    println!("wasi-rt Wasm 3.0 benchmark: best of {runs} run(s)");
    if let Some(wt) = &wt {
        println!("wasmtime: {} (exceptions, tail calls, memory64 on)", wt.path().display());
    }
    wasm3::report(root, &dir, wt.as_ref(), runs)
}
