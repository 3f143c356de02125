//! Embedding-overhead benchmark: wasi-rt and Wasmtime side by side.
//!
//! Run with `cargo bench --bench calls` (Cargo.toml: `[[bench]] name = "calls",
//! harness = false`). It measures, for both runtimes in one process:
//!   (a) host -> Wasm call latency of a trivial `add(i32, i32) -> i32`:
//!       wasi-rt through `TypedFunc::call` and through the untyped
//!       `Func::call`, Wasmtime through `wasm_func_call` (the wasm.h API);
//!       ns per call over CALLS calls, best of N runs;
//!   (b) instantiation of a small module (1-page memory with a data segment,
//!       a table with an element segment, a mutable global, 5 functions)
//!       into an existing store: us per instantiation over INSTANCES
//!       instantiations, best of N. Both runtimes keep every instance alive
//!       until its store is dropped, so a fresh store is made every
//!       STORE_EVERY instantiations; store creation and teardown are not
//!       timed, nor is dropping the instance handles;
//!   (c) compile time of the four kernel modules in target/bench-kernels
//!       (built by benches/build-kernels.sh when missing): ms per module,
//!       best of N.
//!
//! Wasmtime is Wasmtime's C library loaded with dlopen (see
//! `benches/common/wasmtime.rs`: `$WASMTIME_LIB`, else the `wasmtime` PyPI
//! package in target/venv), default configuration. Without it only the
//! wasi-rt column is filled and the reason is printed.
//!
//! N = 5; `WASI_RT_BENCH_QUICK=1`, or running without `--bench` (as
//! `cargo test --benches` does), sets N = 1 and shrinks the loop counts.

use std::error::Error;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use wasi_rt::{Engine, Func, Instance, Module, Store, TypedFunc, Val};

#[path = "common/kernels.rs"]
mod kernels;
#[path = "common/wasmtime.rs"]
mod wasmtime;

use wasmtime::Wasmtime;

type BoxError = Box<dyn Error>;

/// The call-latency module: one trivial export.
const ADD_WAT: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add))
"#;

/// The instantiation module: a memory with a data segment, a table with an
/// element segment, a mutable global and five functions.
const INSTANCE_WAT: &str = r#"
(module
  (type $binop (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "table") 4 funcref)
  (global $counter (export "counter") (mut i32) (i32.const 7))
  (data (i32.const 64) "wasi-rt instantiation benchmark: a small data segment.")
  (elem (i32.const 0) $add $sub)
  (func $add (export "add") (type $binop)
    local.get 0
    local.get 1
    i32.add)
  (func $sub (export "sub") (type $binop)
    local.get 0
    local.get 1
    i32.sub)
  (func (export "load") (param i32) (result i32)
    local.get 0
    i32.load)
  (func (export "bump") (result i32)
    global.get $counter
    i32.const 1
    i32.add
    global.set $counter
    global.get $counter)
  (func (export "apply") (param i32 i32 i32) (result i32)
    local.get 1
    local.get 2
    local.get 0
    call_indirect (type $binop)))
"#;

const KERNELS: [&str; 5] = ["fib", "sieve", "matmul", "hash", "bytes"];

/// Loop sizes for one run of the benchmark.
struct Params {
    runs: usize,
    calls: u32,
    instances: usize,
    store_every: usize,
}

/// Best wall-clock time of `runs` runs of `f`.
fn best_of<E>(runs: usize, mut f: impl FnMut() -> Result<Duration, E>) -> Result<Duration, E> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        best = best.min(f()?);
    }
    Ok(best)
}

/// Times `f` once.
fn timed<E>(f: impl FnOnce() -> Result<(), E>) -> Result<Duration, E> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed())
}

/// The sum the call loops compute: sum over i in 0..n of (i + 1), wrapping.
fn expected_call_sum(n: u32) -> i32 {
    (0..n).fold(0i32, |acc, i| acc.wrapping_add((i as i32).wrapping_add(1)))
}

/// Checks a call loop's accumulated result.
fn check_sum(what: &str, got: i32, n: u32) -> Result<(), BoxError> {
    let want = expected_call_sum(n);
    if got != want {
        return Err(
            format!("{what}: sum of add(i, 1) over {n} calls is {got}, expected {want}").into(),
        );
    }
    Ok(())
}

/// Times `total` instantiations in chunks of `store_every`, one fresh store
/// per chunk. Only the instantiation calls are timed; the handles are kept
/// (and dropped with their store, untimed) so both runtimes do the same work.
fn time_instantiations<S, I>(
    total: usize,
    store_every: usize,
    mut new_store: impl FnMut() -> S,
    mut instantiate: impl FnMut(&mut S) -> Result<I, BoxError>,
) -> Result<Duration, BoxError> {
    let mut elapsed = Duration::ZERO;
    let mut done = 0;
    while done < total {
        let n = store_every.min(total - done);
        let mut store = new_store();
        let mut handles = Vec::with_capacity(n);
        let start = Instant::now();
        for _ in 0..n {
            handles.push(instantiate(&mut store)?);
        }
        elapsed += start.elapsed();
        drop(handles);
        drop(store);
        done += n;
    }
    Ok(elapsed)
}

/// One line of the table; `None` where a side was not measured.
struct Row {
    metric: String,
    wasi_rt: f64,
    wasmtime: Option<f64>,
}

fn print_table(rows: &[Row]) {
    let metric_w = rows
        .iter()
        .map(|r| r.metric.len())
        .max()
        .unwrap_or(6)
        .max(6);
    println!(
        "{:<metric_w$}  {:>10}  {:>10}  {:>7}",
        "metric", "wasi-rt", "wasmtime", "ratio"
    );
    println!("{}", "-".repeat(metric_w + 2 + 10 + 2 + 10 + 2 + 7));
    for r in rows {
        let (wt, ratio) = match r.wasmtime {
            Some(w) => (
                format!("{w:.3}"),
                format!("{:.2}x", r.wasi_rt / w.max(1e-12)),
            ),
            None => ("n/a".to_string(), "n/a".to_string()),
        };
        println!(
            "{:<metric_w$}  {:>10.3}  {:>10}  {:>7}",
            r.metric, r.wasi_rt, wt, ratio
        );
    }
}

/// (a) host -> Wasm call latency, ns per call.
fn bench_calls(
    p: &Params,
    engine: &Engine,
    wt: Option<&Wasmtime>,
    rows: &mut Vec<Row>,
) -> Result<(), BoxError> {
    let n = p.calls;
    let per_call = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(n);

    let module = Module::new(engine, ADD_WAT)?;
    let mut store = Store::new(engine);
    let instance = Instance::new(&mut store, &module, &[])?;
    let func: Func = instance
        .get_func(&store, "add")
        .ok_or("add module has no \"add\" export")?;
    let typed: TypedFunc<(i32, i32), i32> = func.typed::<(i32, i32), i32>(&store)?;

    let typed_time = best_of(p.runs, || {
        let mut sum = 0i32;
        let d = timed(|| -> Result<(), BoxError> {
            for i in 0..n {
                let r = typed.call(&mut store, (black_box(i as i32), black_box(1)))?;
                sum = sum.wrapping_add(r);
            }
            Ok(())
        })?;
        check_sum("wasi-rt TypedFunc::call", sum, n)?;
        Ok::<_, BoxError>(d)
    })?;

    let untyped_time = best_of(p.runs, || {
        let mut sum = 0i32;
        let mut results = [Val::I32(0)];
        let d = timed(|| -> Result<(), BoxError> {
            for i in 0..n {
                let params = [Val::I32(black_box(i as i32)), Val::I32(black_box(1))];
                func.call(&mut store, &params, &mut results)?;
                match results[0] {
                    Val::I32(r) => sum = sum.wrapping_add(r),
                    other => return Err(format!("add returned {other:?}").into()),
                }
            }
            Ok(())
        })?;
        check_sum("wasi-rt Func::call", sum, n)?;
        Ok::<_, BoxError>(d)
    })?;

    // The same call through wasi-rt's own C API (`wasm_func_call`), as a C
    // host makes it: both sides of the last rows then use one API.
    let capi_time = {
        use wasi_rt::capi::{engine, func, instance, module, refs, val, vec};
        // SAFETY: the C API used as documented, from one thread.
        unsafe {
            let eng = engine::wasm_engine_new();
            let st = engine::wasm_store_new(eng);
            let bin = vec::wasm_byte_vec_t::from_vec(wat::parse_str(ADD_WAT)?);
            let m = module::wasm_module_new(st, &bin);
            let mut trap = std::ptr::null_mut();
            let inst =
                instance::wasm_instance_new(st, m, &vec::wasm_extern_vec_t::empty(), &mut trap);
            let mut exports = vec::wasm_extern_vec_t::empty();
            instance::wasm_instance_exports(inst, &mut exports);
            let f = refs::wasm_extern_as_func(exports.as_slice()[0]);
            let time = best_of(p.runs, || {
                let mut sum = 0i32;
                let mut args_v = [
                    val::wasm_val_t {
                        kind: 0,
                        of: val::wasm_val_union { i32: 0 },
                    },
                    val::wasm_val_t {
                        kind: 0,
                        of: val::wasm_val_union { i32: 1 },
                    },
                ];
                let mut res_v = [val::wasm_val_t {
                    kind: 0,
                    of: val::wasm_val_union { i32: 0 },
                }];
                let d = timed(|| -> Result<(), BoxError> {
                    for i in 0..n {
                        args_v[0].of.i32 = black_box(i as i32);
                        let args = vec::wasm_val_vec_t {
                            size: 2,
                            data: args_v.as_mut_ptr(),
                        };
                        let mut res = vec::wasm_val_vec_t {
                            size: 1,
                            data: res_v.as_mut_ptr(),
                        };
                        let t = func::wasm_func_call(f, &args, &mut res);
                        if !t.is_null() {
                            return Err("wasi-rt wasm_func_call trapped".into());
                        }
                        sum = sum.wrapping_add(res_v[0].of.i32);
                    }
                    Ok(())
                })?;
                check_sum("wasi-rt wasm_func_call", sum, n)?;
                Ok::<_, BoxError>(d)
            })?;
            vec::wasm_extern_vec_delete(&mut exports);
            refs::wasm_instance_delete(inst);
            refs::wasm_module_delete(m);
            let mut bin = bin;
            vec::wasm_byte_vec_delete(&mut bin);
            engine::wasm_store_delete(st);
            engine::wasm_engine_delete(eng);
            time
        }
    };

    let wt_time = match wt {
        None => None,
        Some(wt) => {
            let binary = wat::parse_str(ADD_WAT)?;
            let module = wt.module(&binary)?;
            let store = wt.store();
            let instance = wasmtime::Instance::new(&store, &module)?;
            let f = instance
                .func(0)
                .ok_or("wasmtime: export 0 is not a function")?;
            Some(best_of(p.runs, || {
                let mut sum = 0i32;
                let d = timed(|| -> Result<(), BoxError> {
                    for i in 0..n {
                        let args = [
                            wasmtime::Val::I32(black_box(i as i32)),
                            wasmtime::Val::I32(black_box(1)),
                        ];
                        match f.call(&args)? {
                            Some(wasmtime::Val::I32(r)) => sum = sum.wrapping_add(r),
                            other => return Err(format!("wasmtime add returned {other:?}").into()),
                        }
                    }
                    Ok(())
                })?;
                check_sum("wasmtime wasm_func_call", sum, n)?;
                Ok::<_, BoxError>(d)
            })?)
        }
    };

    let wt_ns = wt_time.map(per_call);
    rows.push(Row {
        metric: "call add(i32,i32) ns: wasi-rt TypedFunc::call vs wasm_func_call".into(),
        wasi_rt: per_call(typed_time),
        wasmtime: wt_ns,
    });
    rows.push(Row {
        metric: "call add(i32,i32) ns: wasi-rt Func::call vs wasm_func_call".into(),
        wasi_rt: per_call(untyped_time),
        wasmtime: wt_ns,
    });
    rows.push(Row {
        metric: "call add(i32,i32) ns: wasm_func_call (C API) on both".into(),
        wasi_rt: per_call(capi_time),
        wasmtime: wt_ns,
    });
    Ok(())
}

/// (b) instantiation time, us per instantiation.
fn bench_instantiation(
    p: &Params,
    engine: &Engine,
    wt: Option<&Wasmtime>,
    rows: &mut Vec<Row>,
) -> Result<(), BoxError> {
    let per_instance = |d: Duration| d.as_secs_f64() * 1e6 / p.instances as f64;

    let module = Module::new(engine, INSTANCE_WAT)?;
    let add_index = module
        .exports()
        .position(|e| e.name() == "add")
        .ok_or("instantiation module has no \"add\" export")?;
    // Sanity check: an instance works.
    {
        let mut store = Store::new(engine);
        let instance = Instance::new(&mut store, &module, &[])?;
        let add = instance.get_func(&store, "add").ok_or("no add export")?;
        let r = add
            .typed::<(i32, i32), i32>(&store)?
            .call(&mut store, (40, 2))?;
        if r != 42 {
            return Err(format!("wasi-rt: add(40, 2) = {r}").into());
        }
    }
    let rt_time = best_of(p.runs, || {
        time_instantiations(
            p.instances,
            p.store_every,
            || Store::new(engine),
            |store| Ok(Instance::new(store, &module, &[])?),
        )
    })?;

    let wt_time = match wt {
        None => None,
        Some(wt) => {
            let binary = wat::parse_str(INSTANCE_WAT)?;
            let module = wt.module(&binary)?;
            {
                let store = wt.store();
                let instance = wasmtime::Instance::new(&store, &module)?;
                let add = instance
                    .func(add_index)
                    .ok_or("wasmtime: \"add\" export not found")?;
                let r = add.call(&[wasmtime::Val::I32(40), wasmtime::Val::I32(2)])?;
                if r != Some(wasmtime::Val::I32(42)) {
                    return Err(format!("wasmtime: add(40, 2) = {r:?}").into());
                }
            }
            Some(best_of(p.runs, || {
                time_instantiations(
                    p.instances,
                    p.store_every,
                    || wt.store(),
                    |store| Ok(wasmtime::Instance::new(store, &module)?),
                )
            })?)
        }
    };

    rows.push(Row {
        metric: "instantiate small module us (mem+data, table+elem, global, 5 funcs)".into(),
        wasi_rt: per_instance(rt_time),
        wasmtime: wt_time.map(per_instance),
    });
    Ok(())
}

/// (c) compile time of the kernel modules, ms per module.
fn bench_compile(
    p: &Params,
    engine: &Engine,
    wt: Option<&Wasmtime>,
    dir: &Path,
    rows: &mut Vec<Row>,
) -> Result<(), BoxError> {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for k in KERNELS {
        let path = dir.join(format!("{k}.wasm"));
        let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let rt_time = best_of(p.runs, || {
            timed(|| -> Result<(), BoxError> {
                black_box(Module::new(engine, &bytes)?);
                Ok(())
            })
        })?;
        let wt_time = match wt {
            None => None,
            Some(wt) => Some(best_of(p.runs, || {
                timed(|| -> Result<(), BoxError> {
                    black_box(wt.module(&bytes)?);
                    Ok(())
                })
            })?),
        };
        rows.push(Row {
            metric: format!("compile {k}.wasm ({} bytes) ms", bytes.len()),
            wasi_rt: ms(rt_time),
            wasmtime: wt_time.map(ms),
        });
        // Loading precompiled machine code instead (Wasmtime: its
        // wasm_module_serialize / wasm_module_deserialize).
        let ours = Module::precompile(engine, &bytes)?;
        let rt_load = best_of(p.runs, || {
            timed(|| -> Result<(), BoxError> {
                // SAFETY: the bytes were made by Module::precompile above.
                black_box(unsafe { Module::from_precompiled(engine, &ours) }?);
                Ok(())
            })
        })?;
        let wt_load = match wt {
            None => None,
            Some(wt) => {
                let theirs = wt.serialize(&wt.module(&bytes)?);
                Some(best_of(p.runs, || {
                    timed(|| -> Result<(), BoxError> {
                        black_box(wt.deserialize(&theirs)?);
                        Ok(())
                    })
                })?)
            }
        };
        rows.push(Row {
            metric: format!("load precompiled {k} ms"),
            wasi_rt: ms(rt_load),
            wasmtime: wt_load.map(ms),
        });
    }
    Ok(())
}

fn main() -> Result<(), BoxError> {
    let quick = std::env::var("WASI_RT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let p = if quick || !bench_mode {
        Params {
            runs: 1,
            calls: 10_000,
            instances: 200,
            store_every: 100,
        }
    } else {
        Params {
            runs: 5,
            calls: 1_000_000,
            instances: 2_000,
            store_every: 1_000,
        }
    };

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = kernels::build(root, &KERNELS, true)?;
    let engine = Engine::default();
    let wt = Wasmtime::load();

    println!(
        "wasi-rt vs Wasmtime: best of {} run(s); {} calls, {} instantiations \
         (new store every {}), kernel compiles",
        p.runs, p.calls, p.instances, p.store_every
    );
    match &wt {
        Some(wt) => println!("wasmtime: {} (default config)", wt.path().display()),
        None => println!("(wasmtime column empty)"),
    }
    println!("ratio = wasi-rt / wasmtime (below 1: wasi-rt faster)\n");

    let mut rows = Vec::new();
    bench_calls(&p, &engine, wt.as_ref(), &mut rows)?;
    bench_instantiation(&p, &engine, wt.as_ref(), &mut rows)?;
    bench_compile(&p, &engine, wt.as_ref(), &dir, &mut rows)?;
    print_table(&rows);
    Ok(())
}
