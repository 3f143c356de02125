//! Compute-kernel benchmark: wasi-rt against the same C compiled natively.
//!
//! Run with `cargo bench --bench kernels` (Cargo.toml: `[[bench]] name = "kernels",
//! harness = false`). It:
//!   1. runs `benches/build-kernels.sh target/bench-kernels`, which builds
//!      `NAME.wasm` (clang, plain wasm32, no imports) and `libkernels_native.so`
//!      (clang -O2 by default, `CC` overrides) from `benches/kernels/*.c`;
//!   2. dlopens the native library and compiles/instantiates each module;
//!   3. checks that wasi-rt returns exactly what the native code returns, then
//!      times both sides, best of N runs (N = 5), and prints a table.
//!
//! When Wasmtime's C library can be loaded (see `benches/common/wasmtime.rs`:
//! `$WASMTIME_LIB`, else the `wasmtime` PyPI package in `target/venv`), each
//! kernel is also compiled and run with Wasmtime, checked to return the same
//! result, and timed the same way; the table then gets three more columns
//! (Wasmtime compile ms, Wasmtime run ms, Wasmtime / native). Without it the
//! table has only the wasi-rt columns, and the reason is printed.
//!
//! Then the Wasm 3.0 tables of `benches/wasm3.rs` follow: memory64 builds
//! of sieve, matmul and hash against their 32-bit builds, a throw/catch
//! round trip and a tail-call loop, each in wasi-rt, Wasmtime and natively.
//!
//! `WASI_RT_BENCH_EPOCH=1` compiles the kernels with epoch interruption
//! (`Config::epoch_interruption`), to show what the checks cost.
//! `WASI_RT_BENCH_QUICK=1` sets N = 1. Without `--bench` on the command line
//! (i.e. when run as a test by `cargo test --benches`) N = 1 as well.
//!
//! Expected results (identical on both sides; matmul is exact by construction):
//!   fib(35)                  = 9227465
//!   sieve(1 << 20)           = 82025        (called 20 times per run)
//!   matmul(128)              = -20.84375    (called 20 times per run)
//!   hash(1 << 20, 20) as u32 = 2977077573   (i32 -1317889723)
//!   bytes(1 << 20, 20)       (a byte-histogram and difference kernel built
//!                             with -msimd128: the only SIMD kernel)

use std::error::Error;
use std::fmt;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use wasi_rt::{Engine, Instance, Module, Store, TypedFunc, WasmParams, WasmResults};

#[path = "common/harness.rs"]
mod harness;
#[path = "common/kernels.rs"]
mod kernels;
#[path = "common/wasm3.rs"]
mod wasm3;
#[path = "common/wasmtime.rs"]
mod wasmtime;

use harness::{NativeLib, best_of};
use wasmtime::Wasmtime;

type BoxError = Box<dyn Error>;

const FIB_N: i32 = 35;
const SIEVE_N: i32 = 1 << 20;
const SIEVE_REPS: u32 = 20;
const MATMUL_N: i32 = 128;
const MATMUL_REPS: u32 = 20;
const HASH_LEN: i32 = 1 << 20;
const HASH_ROUNDS: i32 = 20;
const BYTES_LEN: i32 = 1 << 20;
const BYTES_ROUNDS: i32 = 20;

/// A kernel's result, compared bit-for-bit between native and wasm.
#[derive(Clone, Copy, Debug)]
enum Value {
    I32(i32),
    U32(u32),
    F64(f64),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::U32(a), Value::U32(b)) => a == b,
            (Value::F64(a), Value::F64(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I32(v) => write!(f, "{v}"),
            Value::U32(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v:?}"),
        }
    }
}

/// One line of the result table.
struct Row {
    kernel: &'static str,
    call: String,
    compile: Duration,
    native: Duration,
    wasm: Duration,
    /// Wasmtime's (compile, run) times, when Wasmtime is loaded.
    wasmtime: Option<(Duration, Duration)>,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.wasm.as_secs_f64() / self.native.as_secs_f64().max(1e-9)
    }

    fn wasmtime_ratio(&self) -> Option<f64> {
        self.wasmtime
            .map(|(_, run)| run.as_secs_f64() / self.native.as_secs_f64().max(1e-9))
    }
}

/// The Wasmtime side of one kernel: its compile time and a call closure.
struct WasmtimeSide<'a> {
    compile: Duration,
    call: &'a mut dyn FnMut() -> Result<Value, BoxError>,
}

/// Compiles `DIR/NAME.wasm` with Wasmtime `runs` times (best time kept),
/// instantiates it in a fresh store and returns the export `name`, located by
/// its position in wasi-rt's export list (both list exports in module order).
fn wasmtime_kernel(
    wt: &Wasmtime,
    dir: &Path,
    name: &str,
    module: &Module,
    runs: usize,
) -> Result<(wasmtime::Func, Duration), BoxError> {
    let path = dir.join(format!("{name}.wasm"));
    let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut compiled = None;
    let time = best_of(runs, || -> Result<(), BoxError> {
        let m = wt
            .module(&bytes)
            .map_err(|e| format!("wasmtime: compiling {}: {e}", path.display()))?;
        compiled = Some(m);
        Ok(())
    })?;
    let compiled = compiled.expect("runs >= 1");
    let index = module
        .exports()
        .position(|e| e.name() == name)
        .ok_or_else(|| format!("{name}.wasm does not export \"{name}\""))?;
    let store = wt.store();
    let instance = wasmtime::Instance::new(&store, &compiled)
        .map_err(|e| format!("wasmtime: instantiating {name}.wasm: {e}"))?;
    let func = instance
        .func(index)
        .ok_or_else(|| format!("wasmtime: export #{index} of {name}.wasm is not a function"))?;
    Ok((func, time))
}

/// A boxed call closure for the Wasmtime side of a kernel.
type WasmtimeCall = Box<dyn FnMut() -> Result<Value, BoxError>>;

/// Sets up the Wasmtime side of kernel `name` when Wasmtime is loaded:
/// compile time plus a closure calling it with `args`, converting with `conv`.
fn wasmtime_side(
    wt: Option<&Wasmtime>,
    dir: &Path,
    name: &str,
    module: &Module,
    runs: usize,
    args: Vec<wasmtime::Val>,
    conv: fn(wasmtime::Val) -> Option<Value>,
) -> Result<Option<(Duration, WasmtimeCall)>, BoxError> {
    let Some(wt) = wt else { return Ok(None) };
    let (func, compile) = wasmtime_kernel(wt, dir, name, module, runs)?;
    let call: WasmtimeCall = Box::new(move || wasmtime_call(&func, black_box(&args), conv));
    Ok(Some((compile, call)))
}

/// Calls a Wasmtime kernel and converts its result with `conv`.
fn wasmtime_call(
    f: &wasmtime::Func,
    args: &[wasmtime::Val],
    conv: fn(wasmtime::Val) -> Option<Value>,
) -> Result<Value, BoxError> {
    let r = f.call(args)?.ok_or("wasmtime: kernel returned no result")?;
    conv(r).ok_or_else(|| format!("wasmtime: unexpected result type {r:?}").into())
}

fn wt_i32(v: wasmtime::Val) -> Option<Value> {
    if let wasmtime::Val::I32(x) = v {
        Some(Value::I32(x))
    } else {
        None
    }
}

fn wt_u32(v: wasmtime::Val) -> Option<Value> {
    if let wasmtime::Val::I32(x) = v {
        Some(Value::U32(x as u32))
    } else {
        None
    }
}

fn wt_f64(v: wasmtime::Val) -> Option<Value> {
    if let wasmtime::Val::F64(x) = v {
        Some(Value::F64(x))
    } else {
        None
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}


/// Reads `DIR/NAME.wasm` and compiles it `runs` times; returns the module and
/// the best compile time.
fn compile(
    engine: &Engine,
    dir: &Path,
    name: &str,
    runs: usize,
) -> Result<(Module, Duration), BoxError> {
    let path = dir.join(format!("{name}.wasm"));
    let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut module = None;
    let time = best_of(runs, || -> Result<(), BoxError> {
        let m = Module::new(engine, &bytes)
            .map_err(|e| format!("compiling {}: {e}", path.display()))?;
        module = Some(m);
        Ok(())
    })?;
    Ok((module.expect("runs >= 1"), time))
}

/// What every kernel row shares: the engine, the built kernels, Wasmtime.
struct Ctx<'a> {
    engine: &'a Engine,
    dir: &'a Path,
    wt: Option<&'a Wasmtime>,
    runs: usize,
}

/// One kernel: its export `name` (also the file name), called with `args`
/// (params `P`, result `R`) `reps` times per run; the same call natively
/// and in Wasmtime.
struct Kernel<P, R> {
    name: &'static str,
    call: String,
    reps: u32,
    args: P,
    native: Box<dyn FnMut() -> Value>,
    result: fn(R) -> Value,
    wt_args: Vec<wasmtime::Val>,
    wt_conv: fn(wasmtime::Val) -> Option<Value>,
}

impl Ctx<'_> {
    /// Compiles, checks and times one kernel on every side; prints its row.
    fn run<P: WasmParams + Copy, R: WasmResults>(
        &self,
        mut k: Kernel<P, R>,
    ) -> Result<Row, BoxError> {
        let (module, compile_time) = compile(self.engine, self.dir, k.name, self.runs)?;
        let mut store = Store::new(self.engine);
        let instance = Instance::new(&mut store, &module, &[])?;
        let f = instance
            .get_func(&store, k.name)
            .ok_or_else(|| format!("{0}.wasm does not export \"{0}\"", k.name))?;
        let typed: TypedFunc<P, R> = f.typed::<P, R>(&store)?;
        let mut wt_side = wasmtime_side(
            self.wt, self.dir, k.name, &module, self.runs, k.wt_args, k.wt_conv,
        )?;
        let (args, result) = (k.args, k.result);
        let row = measure(
            k.name,
            k.call,
            k.reps,
            compile_time,
            self.runs,
            &mut *k.native,
            &mut || Ok(result(typed.call(&mut store, black_box(args))?)),
            wt_side.as_mut().map(|(compile, call)| WasmtimeSide {
                compile: *compile,
                call: &mut **call,
            }),
        )?;
        print_row(&row);
        Ok(row)
    }
}

/// Checks that both sides agree, then times `reps` calls of each, best of `runs`.
#[allow(clippy::too_many_arguments)]
fn measure(
    kernel: &'static str,
    call: String,
    reps: u32,
    compile: Duration,
    runs: usize,
    native: &mut dyn FnMut() -> Value,
    wasm: &mut dyn FnMut() -> Result<Value, BoxError>,
    mut wt: Option<WasmtimeSide<'_>>,
) -> Result<Row, BoxError> {
    let expected = native();
    let got = wasm().map_err(|e| format!("{kernel}: wasi-rt call {call} failed: {e}"))?;
    if got != expected {
        panic!(
            "{kernel}: result mismatch for {call}: wasi-rt returned {got}, native returned {expected}"
        );
    }
    if let Some(side) = wt.as_mut() {
        let got =
            (side.call)().map_err(|e| format!("{kernel}: wasmtime call {call} failed: {e}"))?;
        if got != expected {
            panic!(
                "{kernel}: result mismatch for {call}: wasmtime returned {got}, native returned {expected}"
            );
        }
    }

    let native_time = best_of(runs, || -> Result<(), BoxError> {
        let mut last = expected;
        for _ in 0..reps {
            last = black_box(native());
        }
        assert_eq!(
            last, expected,
            "{kernel}: native result changed between runs"
        );
        Ok(())
    })?;
    let wasm_time = best_of(runs, || -> Result<(), BoxError> {
        let mut last = expected;
        for _ in 0..reps {
            last = black_box(wasm()?);
        }
        if last != expected {
            panic!("{kernel}: wasi-rt result changed between runs: {last}, expected {expected}");
        }
        Ok(())
    })?;
    let wasmtime = match wt {
        None => None,
        Some(side) => {
            let run = best_of(runs, || -> Result<(), BoxError> {
                let mut last = expected;
                for _ in 0..reps {
                    last = black_box((side.call)()?);
                }
                if last != expected {
                    panic!(
                        "{kernel}: wasmtime result changed between runs: {last}, expected {expected}"
                    );
                }
                Ok(())
            })?;
            Some((side.compile, run))
        }
    };

    Ok(Row {
        kernel,
        call,
        compile,
        native: native_time,
        wasm: wasm_time,
        wasmtime,
    })
}

fn print_header(with_wasmtime: bool) {
    let mut line = format!(
        "{:<8} {:<24} {:>11} {:>10} {:>11} {:>7}",
        "kernel", "call", "compile ms", "native ms", "wasi-rt ms", "ratio"
    );
    let mut width = 8 + 1 + 24 + 1 + 11 + 1 + 10 + 1 + 11 + 1 + 7;
    if with_wasmtime {
        line += &format!(
            " {:>11} {:>11} {:>8}",
            "wt comp ms", "wasmtime ms", "wt ratio"
        );
        width += 1 + 11 + 1 + 11 + 1 + 8;
    }
    println!("{line}");
    println!("{}", "-".repeat(width));
}

fn print_row(r: &Row) {
    let mut line = format!(
        "{:<8} {:<24} {:>11.2} {:>10.2} {:>11.2} {:>6.2}x",
        r.kernel,
        r.call,
        ms(r.compile),
        ms(r.native),
        ms(r.wasm),
        r.ratio()
    );
    if let (Some((compile, run)), Some(ratio)) = (r.wasmtime, r.wasmtime_ratio()) {
        line += &format!(" {:>11.2} {:>11.2} {:>7.2}x", ms(compile), ms(run), ratio);
    }
    println!("{line}");
}

fn reps_suffix(reps: u32) -> String {
    if reps == 1 {
        String::new()
    } else {
        format!(" x{reps}")
    }
}

fn main() -> Result<(), BoxError> {
    let quick = std::env::var("WASI_RT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let runs: usize = if quick || !bench_mode { 1 } else { 5 };

    // 1. Build the kernels (always: the sources may have changed).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = kernels::build(root, &[], false)?;

    // 2. Native baseline.
    let lib = NativeLib::open(&dir.join("libkernels_native.so"));
    // SAFETY: each type is the C signature in benches/kernels/*.c.
    let native_fib: extern "C" fn(i32) -> i32 = unsafe { lib.func("fib") };
    let native_sieve: extern "C" fn(i32) -> i32 = unsafe { lib.func("sieve") };
    let native_matmul: extern "C" fn(i32) -> f64 = unsafe { lib.func("matmul") };
    let native_hash: extern "C" fn(i32, i32) -> u32 = unsafe { lib.func("hash") };
    let native_bytes: extern "C" fn(i32, i32) -> u32 = unsafe { lib.func("bytes") };

    let epoch = std::env::var("WASI_RT_BENCH_EPOCH").is_ok_and(|v| v == "1");
    let engine = Engine::new(&wasi_rt::Config {
        epoch_interruption: epoch,
        ..wasi_rt::Config::default()
    })
    .expect("an engine for the host CPU");
    if epoch {
        println!("wasi-rt engine: epoch interruption on");
    }
    let wt = Wasmtime::load();
    println!("wasi-rt kernel benchmark: best of {runs} run(s); ratio = wasi-rt / native");
    if let Ok(cc) = std::fs::read_to_string(dir.join("native-compiler")) {
        println!("native baseline built -O2 by: {}", cc.trim());
    }
    match &wt {
        Some(wt) => println!(
            "wasmtime: {} (default config); wt ratio = wasmtime / native\n",
            wt.path().display()
        ),
        None => println!("(no wasmtime columns)\n"),
    }
    print_header(wt.is_some());
    let ctx = Ctx {
        engine: &engine,
        dir: &dir,
        wt: wt.as_ref(),
        runs,
    };
    let rows = vec![
        ctx.run(Kernel {
            name: "fib",
            call: format!("fib({FIB_N})"),
            reps: 1,
            args: FIB_N,
            native: Box::new(move || Value::I32(native_fib(black_box(FIB_N)))),
            result: Value::I32,
            wt_args: vec![wasmtime::Val::I32(FIB_N)],
            wt_conv: wt_i32,
        })?,
        ctx.run(Kernel {
            name: "sieve",
            call: format!("sieve(1<<20){}", reps_suffix(SIEVE_REPS)),
            reps: SIEVE_REPS,
            args: SIEVE_N,
            native: Box::new(move || Value::I32(native_sieve(black_box(SIEVE_N)))),
            result: Value::I32,
            wt_args: vec![wasmtime::Val::I32(SIEVE_N)],
            wt_conv: wt_i32,
        })?,
        ctx.run(Kernel {
            name: "matmul",
            call: format!("matmul({MATMUL_N}){}", reps_suffix(MATMUL_REPS)),
            reps: MATMUL_REPS,
            args: MATMUL_N,
            native: Box::new(move || Value::F64(native_matmul(black_box(MATMUL_N)))),
            result: Value::F64,
            wt_args: vec![wasmtime::Val::I32(MATMUL_N)],
            wt_conv: wt_f64,
        })?,
        // C `unsigned` is a wasm i32: called as i32, compared as u32.
        ctx.run(Kernel {
            name: "hash",
            call: format!("hash(1<<20, {HASH_ROUNDS})"),
            reps: 1,
            args: (HASH_LEN, HASH_ROUNDS),
            native: Box::new(move || {
                Value::U32(native_hash(black_box(HASH_LEN), black_box(HASH_ROUNDS)))
            }),
            result: |h: i32| Value::U32(h as u32),
            wt_args: vec![
                wasmtime::Val::I32(HASH_LEN),
                wasmtime::Val::I32(HASH_ROUNDS),
            ],
            wt_conv: wt_u32,
        })?,
        ctx.run(Kernel {
            name: "bytes",
            call: format!("bytes(1<<20, {BYTES_ROUNDS})"),
            reps: 1,
            args: (BYTES_LEN, BYTES_ROUNDS),
            native: Box::new(move || {
                Value::U32(native_bytes(black_box(BYTES_LEN), black_box(BYTES_ROUNDS)))
            }),
            result: |h: i32| Value::U32(h as u32),
            wt_args: vec![
                wasmtime::Val::I32(BYTES_LEN),
                wasmtime::Val::I32(BYTES_ROUNDS),
            ],
            wt_conv: wt_u32,
        })?,
    ];

    let geomean = (rows.iter().map(|r| r.ratio().ln()).sum::<f64>() / rows.len() as f64).exp();
    let total_compile: Duration = rows.iter().map(|r| r.compile).sum();
    println!(
        "\ngeometric mean ratio: {geomean:.2}x; total compile time {:.2} ms",
        ms(total_compile)
    );
    let wt_ratios: Option<Vec<f64>> = rows.iter().map(|r| r.wasmtime_ratio()).collect();
    if let Some(wt_ratios) = wt_ratios {
        let wt_geomean =
            (wt_ratios.iter().map(|r| r.ln()).sum::<f64>() / wt_ratios.len() as f64).exp();
        let wt_compile: Duration = rows.iter().filter_map(|r| r.wasmtime).map(|(c, _)| c).sum();
        println!(
            "wasmtime: geometric mean ratio {wt_geomean:.2}x; total compile time {:.2} ms; \
             wasi-rt / wasmtime run time (geomean) {:.2}x",
            ms(wt_compile),
            geomean / wt_geomean
        );
    }

    // The Wasm 3.0 features, next to a Wasmtime that has them switched on.
    let wt3 = Wasmtime::load_with(true);
    println!("\nWasm 3.0 (wasmtime with exceptions, tail calls and memory64 on):");
    wasm3::report(root, &dir, wt3.as_ref(), runs)?;
    Ok(())
}
