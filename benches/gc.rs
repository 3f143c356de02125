//! Garbage collection benchmark: wasi-rt next to Wasmtime (its C library,
//! GC switched on) and native code (malloc/free), in one run.
//!
//! Run with `cargo bench --bench gc` (best of 5; 1 with
//! `WASI_RT_BENCH_QUICK=1` or without `--bench`).
//!
//! 1. `binary_trees(20, 8)` (`benches/gc/binary_trees.wat`): one long-lived
//!    depth-19 tree (16 MiB) and 8 temporary depth-20 ones (2^21 - 1 nodes,
//!    32 MiB each), each built and counted, in a GC heap capped at 64 MiB. The wasi-rt
//!    process's resident size is printed after every run: it must stay
//!    flat (the collector reuses the heap rather than growing it).
//! 2. `casts(10000, 1000)` (`benches/gc/casts.wat`): 10 million elements
//!    read from an `anyref` array, each cast to a supertype and then told
//!    apart with `br_on_cast` / `ref.cast`. Native: a tag field.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use wasi_rt::{Engine, Instance, Module, Store, Val};

#[path = "common/harness.rs"]
mod harness;
#[path = "common/kernels.rs"]
mod kernels;
#[path = "common/wasmtime.rs"]
mod wasmtime;

use harness::{NativeLib, best_of};

type BoxError = Box<dyn std::error::Error>;

/// The heap cap of the binary-trees run.
const HEAP_LIMIT: u64 = 64 << 20;

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = status
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1 << 20) as f64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> Result<(), BoxError> {
    let quick = std::env::var("WASI_RT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let runs: usize = if quick || !std::env::args().any(|a| a == "--bench") { 1 } else { 5 };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = kernels::build(root, &[], false)?;
    let native = NativeLib::open(&dir.join("libgc_native.so"));
    let wt = wasmtime::Wasmtime::load_with_settings(&[
        "wasmtime_config_wasm_function_references_set",
        "wasmtime_config_wasm_gc_set",
    ]);
    println!("wasi-rt GC benchmark: best of {runs} run(s)");
    if let Some(wt) = &wt {
        println!("wasmtime: {} (GC on, its default collector)", wt.path().display());
    }
    // SAFETY: the C signatures in benches/gc/native.c.
    let trees: extern "C" fn(i32, i32) -> i32 = unsafe { native.func("binary_trees") };
    let casts: extern "C" fn(i32, i32) -> i32 = unsafe { native.func("casts") };
    let engine = Engine::default();
    println!(
        "\n{:<24} {:>10} {:>11} {:>12} {:>9} {:>9}",
        "benchmark", "native ms", "wasi-rt ms", "wasmtime ms", "rt/nat", "rt/wt"
    );
    type Native = Box<dyn Fn(i32, i32) -> i32>;
    let cases: Vec<(&str, &str, (i32, i32), Native)> = vec![
        ("binary_trees", "binary_trees(20, 8)", (20, 8), Box::new(move |a, b| trees(a, b))),
        ("casts", "casts(10000, 1000)", (10_000, 1000), Box::new(move |a, b| casts(a, b))),
    ];
    for (name, label, (a, b), native) in cases {
        let wat = std::fs::read_to_string(root.join(format!("benches/gc/{name}.wat")))?;
        let bytes = wat::parse_str(&wat)?;
        let expected = native(a, b);
        let t_native = best_of(runs, || -> Result<(), BoxError> {
            black_box(native(black_box(a), black_box(b)));
            Ok(())
        })?;
        // wasi-rt: one store, the heap capped.
        let module = Module::new(&engine, &bytes)?;
        let mut store = Store::new(&engine);
        store.set_gc_heap_limit(HEAP_LIMIT)?;
        let inst = Instance::new(&mut store, &module, &[])?;
        let run = inst
            .get_func(&store, "run")
            .ok_or("no run export")?
            .typed::<(i32, i32), i32>(&store)?;
        let mut rss = Vec::new();
        let t_ours = best_of(runs, || -> Result<(), BoxError> {
            let got = run.call(&mut store, (black_box(a), black_box(b)))?;
            assert_eq!(got, expected, "{name}: wasi-rt disagrees with native");
            rss.push(rss_mib());
            Ok(())
        })?;
        let stats = store.gc_stats();
        // Wasmtime.
        let t_wt = match &wt {
            Some(wt) => match wt.module(&bytes) {
                Ok(m) => {
                    let inst = wasmtime::Instance::new(&wt.store(), &m)?;
                    let f = inst.func(0).ok_or("no run export")?;
                    let args = [wasmtime::Val::I32(a), wasmtime::Val::I32(b)];
                    Some(best_of(runs, || -> Result<(), BoxError> {
                        match f.call(black_box(&args))? {
                            Some(wasmtime::Val::I32(got)) => {
                                assert_eq!(got, expected, "{name}: wasmtime disagrees with native")
                            }
                            other => panic!("{name}: wasmtime returned {other:?}"),
                        }
                        Ok(())
                    })?)
                }
                Err(e) => {
                    println!("  (wasmtime refuses {name}: {e})");
                    None
                }
            },
            None => None,
        };
        let (wt_col, ratio_wt) = match t_wt {
            Some(t) => (
                format!("{:>12.1}", ms(t)),
                format!("{:>8.2}x", t_ours.as_secs_f64() / t.as_secs_f64()),
            ),
            None => (format!("{:>12}", "n/a"), format!("{:>9}", "n/a")),
        };
        println!(
            "{label:<24} {:>10.1} {:>11.1} {wt_col} {:>8.2}x {ratio_wt}",
            ms(t_native),
            ms(t_ours),
            t_ours.as_secs_f64() / t_native.as_secs_f64()
        );
        println!(
            "  wasi-rt: {} collections, {} objects allocated, {:.1} MiB of heap in use; \
             process RSS after each run (MiB): {}",
            stats.collections,
            stats.allocated_objects,
            stats.heap_bytes as f64 / (1 << 20) as f64,
            rss.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}
