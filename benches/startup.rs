//! Starting programs: a SQLite workload and a big module, wasi-rt next to
//! Wasmtime 50 (its C library) and native code, in one run.
//!
//! Run with `cargo bench --bench startup` (best of 3; 1 with
//! `WASI_RT_BENCH_QUICK=1` or without `--bench`). Needs clang with
//! wasi-libc (`clang --target=wasm32-wasi --sysroot=/usr`) and the
//! libsqlite3-sys sources (cargo fetch); the first run builds SQLite twice
//! (about a minute) into `target/bench-startup/`.
//!
//! 1. SQLite (`benches/sqlite/workload.c`, 200,000 rows in a database file,
//!    queries, updates, an integrity check), process start to exit or
//!    module bytes to the end of `_start`:
//!    - native (clang -O2, the same source);
//!    - wasi-rt cold, compiling lazily (the `wasi-rt run` default) and at
//!      once; warm, from the code cache filled by one earlier lazy run;
//!      precompiled (`Module::from_precompiled`);
//!    - Wasmtime cold (`wasmtime_module_new`) and from its serialized
//!      code (`wasmtime_module_deserialize`: what its cache loads), through
//!      `benches/sqlite/wasmtime_wasi.c`.
//!    The same workload with its database in memory (`:memory:`):
//!    compute alone, native, wasi-rt precompiled and Wasmtime deserialized.
//! 2. Compile throughput on the SQLite module: validating only (what a
//!    lazy `Module::new` does), compiling everything at once, and
//!    compiling everything lazily after creation (`compile_all`), in MB/s
//!    of Wasm.
//! 3. A big module (32 MB, 40,000 generated functions; or the file named
//!    by `WASI_RT_BENCH_BIG` with an export called by
//!    `WASI_RT_BENCH_BIG_EXPORT`... not needed for the default): time from
//!    `Module::new` to the first call's result, lazily and at once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use wasi_rt::wasi::{OutputBuffer, OutputSink, WasiCtxBuilder};
use wasi_rt::{CacheConfig, Config, Engine, Instance, Module, Store, Val};

#[path = "common/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "common/wasmtime.rs"]
mod wasmtime;

type BoxError = Box<dyn std::error::Error>;

const ROWS: &str = "200000";
const FLAGS: &[&str] = &["-O2", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION"];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The libsqlite3-sys amalgamation directory (newest in cargo's registry).
fn sqlite_sources() -> Result<PathBuf, BoxError> {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let mut found = Vec::new();
    for reg in std::fs::read_dir(home.join("registry/src"))?.flatten() {
        for pkg in std::fs::read_dir(reg.path())?.flatten() {
            let name = pkg.file_name().to_string_lossy().into_owned();
            if name.starts_with("libsqlite3-sys-") && pkg.path().join("sqlite3/sqlite3.c").is_file() {
                found.push(pkg.path().join("sqlite3"));
            }
        }
    }
    found.sort();
    found.pop().ok_or_else(|| "libsqlite3-sys sources not found (cargo fetch)".into())
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<std::process::Output, BoxError> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(out)
}

/// Builds (once) the wasm and native workloads and the Wasmtime helper.
fn build(root: &Path) -> Result<PathBuf, BoxError> {
    let out = root.join("target/bench-startup");
    std::fs::create_dir_all(&out)?;
    let src = root.join("benches/sqlite/workload.c");
    let stamp = std::fs::metadata(&src)?.modified()?;
    let fresh = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).is_ok_and(|t| t >= stamp);
    let sqlite = sqlite_sources()?;
    let include = format!("-I{}", sqlite.display());
    let amalgamation = sqlite.join("sqlite3.c");
    let wasm = out.join("sqlite.wasm");
    let native = out.join("sqlite-native");
    std::thread::scope(|s| -> Result<(), BoxError> {
        let w = (!fresh(&wasm)).then(|| {
            s.spawn(|| {
                run_ok(
                    Command::new("clang")
                        .args(["--target=wasm32-wasi", "--sysroot=/usr"])
                        .args(FLAGS)
                        .arg(&include)
                        .arg(&src)
                        .arg(&amalgamation)
                        .arg("-o")
                        .arg(&wasm),
                    "clang (wasm32-wasi)",
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            })
        });
        if !fresh(&native) {
            run_ok(
                Command::new("clang")
                    .args(FLAGS)
                    .arg(&include)
                    .arg(&src)
                    .arg(&amalgamation)
                    .args(["-lm", "-o"])
                    .arg(&native),
                "clang (native)",
            )?;
        }
        if let Some(w) = w {
            w.join().map_err(|_| "build thread panicked")??;
        }
        Ok(())
    })?;
    let helper = out.join("wasmtime_wasi");
    let helper_src = root.join("benches/sqlite/wasmtime_wasi.c");
    if !fresh(&helper) || std::fs::metadata(&helper)?.modified()? < std::fs::metadata(&helper_src)?.modified()? {
        run_ok(
            Command::new("cc").args(["-O2", "-o"]).arg(&helper).arg(&helper_src).arg("-ldl"),
            "cc wasmtime_wasi.c",
        )?;
    }
    Ok(out)
}

/// A fresh working directory for one run.
fn workdir(base: &Path, name: &str) -> Result<PathBuf, BoxError> {
    let d = base.join("runs").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// Runs the workload's `_start` in wasi-rt with `dir` preopened; its
/// output line.
fn run_wasi(engine: &Engine, module: &Module, dir: &Path) -> Result<String, BoxError> {
    run_wasi_args(engine, module, dir, &[ROWS])
}

fn run_wasi_args(engine: &Engine, module: &Module, dir: &Path, args: &[&str]) -> Result<String, BoxError> {
    let out = OutputBuffer::new();
    let mut b = WasiCtxBuilder::new();
    b.arg("sqlite").args(args.iter().map(|a| a.to_string())).preopen_dir(dir, ".", false);
    b.stdout(OutputSink::Buffer(out.clone()));
    let mut store = Store::new(engine);
    let code = b.build()?.run(&mut store, module)?;
    if code != 0 {
        return Err(format!("the workload exited with {code}").into());
    }
    Ok(String::from_utf8_lossy(&out.contents()).into_owned())
}

/// Best time of `runs` calls of `f` (each returning its output, checked
/// against `expected`).
fn best(
    runs: usize,
    expected: &str,
    mut f: impl FnMut() -> Result<(Duration, String), BoxError>,
) -> Result<Duration, BoxError> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let (t, out) = f()?;
        if out.trim() != expected.trim() {
            return Err(format!("wrong output: {out:?}, expected {expected:?}").into());
        }
        best = best.min(t);
    }
    Ok(best)
}

fn lazy_engine(cache: Option<&Path>) -> Result<Engine, BoxError> {
    Ok(Engine::new(&Config {
        lazy_compilation: true,
        cache: cache.map(|d| CacheConfig {
            directory: Some(d.to_path_buf()),
            ..CacheConfig::default()
        }),
        ..Config::default()
    })?)
}

fn eager_engine() -> Result<Engine, BoxError> {
    Ok(Engine::new(&Config {
        lazy_compilation: false,
        ..Config::default()
    })?)
}

/// Runs the Wasmtime helper; its total milliseconds and the workload's
/// output.
fn wasmtime_run(helper: &Path, lib: &Path, mode: &str, wasm: &Path, dir: &Path) -> Result<(Duration, String), BoxError> {
    wasmtime_run_args(helper, lib, mode, wasm, dir, &[ROWS])
}

fn wasmtime_run_args(
    helper: &Path,
    lib: &Path,
    mode: &str,
    wasm: &Path,
    dir: &Path,
    args: &[&str],
) -> Result<(Duration, String), BoxError> {
    let out = run_ok(
        Command::new(helper).arg(lib).arg(mode).arg(wasm).arg(dir).args(args),
        "wasmtime_wasi",
    )?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let total = text
        .lines()
        .find_map(|l| l.strip_prefix("total_ms="))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("no total_ms in {text:?}"))?;
    let printed = std::fs::read_to_string(dir.join("stdout.txt")).unwrap_or_default();
    Ok((Duration::from_secs_f64(total / 1e3), printed))
}

fn row(name: &str, t: Duration, native: Duration) {
    println!("{name:<44} {:>9.1} {:>8.2}x", ms(t), t.as_secs_f64() / native.as_secs_f64());
}

/// A module of `funcs` functions of about `body` bytes each (straight-line
/// integer arithmetic), exporting `f0`, which calls two others.
fn big_module(funcs: u32, body: usize) -> Vec<u8> {
    fn leb(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    fn section(id: u8, content: Vec<u8>, out: &mut Vec<u8>) {
        out.push(id);
        leb(content.len() as u64, out);
        out.extend(content);
    }
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    // Type 0: (i32) -> i32.
    section(1, vec![1, 0x60, 1, 0x7f, 1, 0x7f], &mut m);
    let mut funcs_sec = Vec::new();
    leb(funcs as u64, &mut funcs_sec);
    funcs_sec.extend(std::iter::repeat_n(0u8, funcs as usize));
    section(3, funcs_sec, &mut m);
    section(7, vec![1, 2, b'f', b'0', 0, 0], &mut m);
    let mut code = Vec::new();
    leb(funcs as u64, &mut code);
    for f in 0..funcs {
        let mut b = vec![0]; // no locals
        let mut k = f as u64;
        while b.len() < body {
            // local.get 0, i32.const k, i32.mul, i32.const k+1, i32.xor, local.set 0
            b.extend([0x20, 0]);
            b.push(0x41);
            leb(k % 1000 + 3, &mut b);
            b.push(0x6c);
            b.push(0x41);
            leb(k % 777 + 1, &mut b);
            b.extend([0x73, 0x21, 0]);
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 33;
        }
        if f == 0 && funcs > 2 {
            // call 1 and 2 with the running value
            b.extend([0x20, 0, 0x10, 1, 0x10, 2, 0x21, 0]);
        }
        b.extend([0x20, 0, 0x0b]);
        leb(b.len() as u64, &mut code);
        code.extend(b);
    }
    section(10, code, &mut m);
    m
}

fn main() -> Result<(), BoxError> {
    let quick = std::env::var("WASI_RT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let runs: usize = if quick || !std::env::args().any(|a| a == "--bench") { 1 } else { 3 };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = build(root)?;
    let wasm_path = out.join("sqlite.wasm");
    let wasm = std::fs::read(&wasm_path)?;
    println!("startup benchmark: best of {runs} run(s); SQLite module {:.2} MB", wasm.len() as f64 / 1e6);

    // --- 1. SQLite.
    let native_bin = out.join("sqlite-native");
    let native_run = || -> Result<(Duration, String), BoxError> {
        let dir = workdir(&out, "native")?;
        let t = Instant::now();
        let o = run_ok(Command::new(&native_bin).arg(ROWS).current_dir(&dir), "native sqlite")?;
        Ok((t.elapsed(), String::from_utf8_lossy(&o.stdout).into_owned()))
    };
    let (_, expected) = native_run()?;
    println!("workload output: {}", expected.trim());
    let native = best(runs, &expected, native_run)?;
    println!("\n{:<44} {:>9} {:>9}", "SQLite, 200,000 rows", "ms", "/native");
    row("native (clang -O2)", native, native);

    let cold_lazy = best(runs, &expected, || {
        let engine = lazy_engine(None)?;
        let dir = workdir(&out, "lazy")?;
        let t = Instant::now();
        let module = Module::new(&engine, &wasm)?;
        let o = run_wasi(&engine, &module, &dir)?;
        Ok((t.elapsed(), o))
    })?;
    row("wasi-rt cold, lazy (wasi-rt run default)", cold_lazy, native);
    let cold_eager = best(runs, &expected, || {
        let engine = eager_engine()?;
        let dir = workdir(&out, "eager")?;
        let t = Instant::now();
        let module = Module::new(&engine, &wasm)?;
        let o = run_wasi(&engine, &module, &dir)?;
        Ok((t.elapsed(), o))
    })?;
    row("wasi-rt cold, compiled at once", cold_eager, native);
    // The cache as `wasi-rt run` fills it: one lazy run, then update_cache.
    let cache_dir = out.join("cache");
    let _ = std::fs::remove_dir_all(&cache_dir);
    {
        let engine = lazy_engine(Some(&cache_dir))?;
        let module = Module::new(&engine, &wasm)?;
        run_wasi(&engine, &module, &workdir(&out, "fill")?)?;
        module.update_cache()?;
    }
    let warm = best(runs, &expected, || {
        let engine = lazy_engine(Some(&cache_dir))?;
        let dir = workdir(&out, "warm")?;
        let t = Instant::now();
        let module = Module::new(&engine, &wasm)?;
        if !module.loaded_from_cache() {
            return Err("the warm run missed the cache".into());
        }
        let o = run_wasi(&engine, &module, &dir)?;
        Ok((t.elapsed(), o))
    })?;
    row("wasi-rt warm code cache", warm, native);
    let engine = eager_engine()?;
    let precompiled = Module::precompile(&engine, &wasm)?;
    let pre = best(runs, &expected, || {
        let dir = workdir(&out, "pre")?;
        let t = Instant::now();
        // SAFETY: bytes this benchmark just made.
        let module = unsafe { Module::from_precompiled(&engine, &precompiled) }?;
        let o = run_wasi(&engine, &module, &dir)?;
        Ok((t.elapsed(), o))
    })?;
    row("wasi-rt precompiled", pre, native);

    match wasmtime::Wasmtime::load() {
        Some(wt) => {
            let lib = wt.path().to_path_buf();
            let helper = out.join("wasmtime_wasi");
            let cold = best(runs, &expected, || {
                wasmtime_run(&helper, &lib, "run", &wasm_path, &workdir(&out, "wt")?)
            })?;
            row("wasmtime cold", cold, native);
            run_ok(
                Command::new(&helper).arg(&lib).arg("serialize").arg(&wasm_path).arg(workdir(&out, "wt")?),
                "wasmtime serialize",
            )?;
            let cached = best(runs, &expected, || {
                wasmtime_run(&helper, &lib, "deserialize", &wasm_path, &workdir(&out, "wt")?)
            })?;
            row("wasmtime serialized code (its cache)", cached, native);
        }
        None => println!("(Wasmtime's C library not found: its rows are skipped)"),
    }

    // The same in memory: compute alone.
    let mem_args = [ROWS, ":memory:"];
    let native_mem = best(runs, &expected, || {
        let dir = workdir(&out, "native")?;
        let t = Instant::now();
        let o = run_ok(Command::new(&native_bin).args(mem_args).current_dir(&dir), "native sqlite")?;
        Ok((t.elapsed(), String::from_utf8_lossy(&o.stdout).into_owned()))
    })?;
    println!("\n{:<44} {:>9} {:>9}", "SQLite in memory (compute alone)", "ms", "/native");
    row("native (clang -O2)", native_mem, native_mem);
    let pre_mem = best(runs, &expected, || {
        let dir = workdir(&out, "pre")?;
        let t = Instant::now();
        // SAFETY: bytes this benchmark just made.
        let module = unsafe { Module::from_precompiled(&engine, &precompiled) }?;
        let o = run_wasi_args(&engine, &module, &dir, &mem_args)?;
        Ok((t.elapsed(), o))
    })?;
    row("wasi-rt precompiled", pre_mem, native_mem);
    if let Some(wt) = wasmtime::Wasmtime::load() {
        let lib = wt.path().to_path_buf();
        let helper = out.join("wasmtime_wasi");
        let cached = best(runs, &expected, || {
            wasmtime_run_args(&helper, &lib, "deserialize", &wasm_path, &workdir(&out, "wt")?, &mem_args)
        })?;
        row("wasmtime serialized code", cached, native_mem);
    }

    // --- 2. Compile throughput.
    let mb = wasm.len() as f64 / 1e6;
    println!("\n{:<44} {:>9} {:>9}", "compiling the SQLite module", "ms", "MB/s");
    let validate_only = harness::best_of(runs, || -> Result<(), BoxError> {
        let engine = Engine::new(&Config {
            lazy_compilation: true,
            background_compilation: false,
            ..Config::default()
        })?;
        Module::new(&engine, &wasm)?;
        Ok(())
    })?;
    println!("{:<44} {:>9.1} {:>9.1}", "lazy Module::new (validation only)", ms(validate_only), mb / validate_only.as_secs_f64());
    let all_at_once = harness::best_of(runs, || -> Result<(), BoxError> {
        Module::new(&eager_engine()?, &wasm)?;
        Ok(())
    })?;
    println!("{:<44} {:>9.1} {:>9.1}", "Module::new compiling everything at once", ms(all_at_once), mb / all_at_once.as_secs_f64());
    let lazily = harness::best_of(runs, || -> Result<(), BoxError> {
        let engine = Engine::new(&Config {
            lazy_compilation: true,
            background_compilation: false,
            ..Config::default()
        })?;
        Module::new(&engine, &wasm)?.compile_all()?;
        Ok(())
    })?;
    println!("{:<44} {:>9.1} {:>9.1}", "lazy Module::new + compile_all (one thread)", ms(lazily), mb / lazily.as_secs_f64());

    // --- 3. A big module's first call.
    let big = big_module(40_000, 800);
    println!(
        "\n{:<44} {:>9}",
        format!("first call of a {:.1} MB module", big.len() as f64 / 1e6),
        "ms"
    );
    let first_call = |engine: &Engine| -> Result<(Duration, i32), BoxError> {
        let t = Instant::now();
        let module = Module::new(engine, &big)?;
        let mut store = Store::new(engine);
        let instance = Instance::new(&mut store, &module, &[])?;
        let f = instance.get_func(&store, "f0").ok_or("no f0")?;
        let mut out = [Val::I32(0)];
        f.call(&mut store, &[Val::I32(7)], &mut out)?;
        Ok((t.elapsed(), out[0].i32().unwrap_or(0)))
    };
    let (lazy_t, lazy_v) = first_call(&lazy_engine(None)?)?;
    println!("{:<44} {:>9.1}", "wasi-rt, lazy", ms(lazy_t));
    if !quick {
        let (eager_t, eager_v) = first_call(&eager_engine()?)?;
        println!("{:<44} {:>9.1}", "wasi-rt, compiled at once", ms(eager_t));
        if eager_v != lazy_v {
            return Err(format!("results differ: lazy {lazy_v}, at once {eager_v}").into());
        }
    }
    Ok(())
}
