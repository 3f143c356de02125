//! The Wasm 3.0 part of the benchmarks (see `benches/wasm3.rs`), shared
//! by `kernels` (which prints it after the Wasm 2.0 kernels) and `wasm3`.

#![allow(dead_code)]

use std::error::Error;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use wasi_rt::{Engine, Instance, Module, Store, Val};

use crate::harness::{NativeLib, best_of};
use crate::wasmtime;

type BoxError = Box<dyn Error>;

/// A result as bits, compared exactly between the sides.
fn bits_of(v: &Val) -> u64 {
    match *v {
        Val::I32(x) => u64::from(x as u32),
        Val::I64(x) => x as u64,
        Val::F32(x) => x.into(),
        Val::F64(x) => x,
        _ => u64::MAX,
    }
}

fn wt_bits(v: wasmtime::Val) -> u64 {
    match v {
        wasmtime::Val::I32(x) => u64::from(x as u32),
        wasmtime::Val::I64(x) => x as u64,
        wasmtime::Val::F32(x) => x.to_bits().into(),
        wasmtime::Val::F64(x) => x.to_bits(),
    }
}

fn to_wt(v: &Val) -> wasmtime::Val {
    match *v {
        Val::I32(x) => wasmtime::Val::I32(x),
        Val::I64(x) => wasmtime::Val::I64(x),
        Val::F32(x) => wasmtime::Val::F32(f32::from_bits(x)),
        Val::F64(x) => wasmtime::Val::F64(f64::from_bits(x)),
        _ => panic!("only numbers are passed"),
    }
}

/// One Wasm function ready to call on one side.
type Call = Box<dyn FnMut() -> Result<u64, BoxError>>;

/// `export` of the module in `bytes`, instantiated in wasi-rt.
fn ours(engine: &Engine, bytes: &[u8], export: &str, args: Vec<Val>) -> Result<Call, BoxError> {
    let module = Module::new(engine, bytes)?;
    let mut store = Store::new(engine);
    let inst = Instance::new(&mut store, &module, &[])?;
    let f = inst.get_func(&store, export).ok_or("no such export")?;
    let mut out = vec![Val::I32(0)];
    Ok(Box::new(move || {
        f.call(&mut store, black_box(&args), &mut out)?;
        Ok(bits_of(&out[0]))
    }))
}

/// The same in Wasmtime, when it is loaded and compiles the module.
fn theirs(
    wt: Option<&wasmtime::Wasmtime>,
    ours_module: &Module,
    bytes: &[u8],
    export: &str,
    args: &[Val],
) -> Option<Call> {
    let wt = wt?;
    let compiled = match wt.module(bytes) {
        Ok(m) => m,
        Err(e) => {
            println!("  (wasmtime refuses {export}: {e})");
            return None;
        }
    };
    let index = ours_module.exports().position(|e| e.name() == export)?;
    let inst = wasmtime::Instance::new(&wt.store(), &compiled).ok()?;
    let f = inst.func(index)?;
    let args: Vec<wasmtime::Val> = args.iter().map(to_wt).collect();
    Some(Box::new(move || {
        let r = f.call(black_box(&args))?.ok_or("no result")?;
        Ok(wt_bits(r))
    }))
}

/// Times `reps` calls of `call`, best of `runs`, after checking its result.
fn time(call: &mut Call, reps: u32, runs: usize, expected: u64, what: &str) -> Result<Duration, BoxError> {
    let got = call()?;
    if got != expected {
        panic!("{what}: returned {got:#x}, native returned {expected:#x}");
    }
    best_of(runs, || -> Result<(), BoxError> {
        for _ in 0..reps {
            black_box(call()?);
        }
        Ok(())
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Prints the Wasm 3.0 tables for the kernels built in `dir` (see
/// `kernels::build`), best of `runs`, with `wt` as the Wasmtime side.
pub fn report(root: &Path, dir: &Path, wt: Option<&wasmtime::Wasmtime>, runs: usize) -> Result<(), BoxError> {
    let kernels_lib = NativeLib::open(&dir.join("libkernels_native.so"));
    let wasm3_lib = NativeLib::open(&dir.join("libwasm3_native.so"));
    let engine = Engine::default();

    // 1. memory64 against wasm32, same C.
    println!(
        "\n{:<22} {:>9} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "memory64 kernel", "native ms", "rt32 ms", "rt64 ms", "64/32", "wt32 ms", "wt64 ms", "64/32"
    );
    // SAFETY: the C signatures in benches/kernels/*.c.
    let sieve: extern "C" fn(i32) -> i32 = unsafe { kernels_lib.func("sieve") };
    let matmul: extern "C" fn(i32) -> f64 = unsafe { kernels_lib.func("matmul") };
    let hash: extern "C" fn(i32, i32) -> u32 = unsafe { kernels_lib.func("hash") };
    type Native = Box<dyn Fn() -> u64>;
    let cases: Vec<(&str, &str, Vec<Val>, u32, Native)> = vec![
        ("sieve", "sieve(1<<20) x20", vec![Val::I32(1 << 20)], 20, Box::new(move || u64::from(sieve(black_box(1 << 20)) as u32))),
        ("matmul", "matmul(128) x20", vec![Val::I32(128)], 20, Box::new(move || matmul(black_box(128)).to_bits())),
        ("hash", "hash(1<<20, 20)", vec![Val::I32(1 << 20), Val::I32(20)], 1, Box::new(move || u64::from(hash(black_box(1 << 20), black_box(20))))),
    ];
    let mut ratios = Vec::new();
    for (name, label, args, reps, native) in cases {
        let expected = native();
        let native_time = best_of(runs, || -> Result<(), BoxError> {
            for _ in 0..reps {
                black_box(native());
            }
            Ok(())
        })?;
        let mut cols = Vec::new();
        for suffix in ["", "-64"] {
            let bytes = std::fs::read(dir.join(format!("{name}{suffix}.wasm")))?;
            let module = Module::new(&engine, &bytes)?;
            let mut call = ours(&engine, &bytes, name, args.clone())?;
            let t_ours = time(&mut call, reps, runs, expected, name)?;
            let t_wt = match theirs(wt, &module, &bytes, name, &args) {
                Some(mut c) => Some(time(&mut c, reps, runs, expected, name)?),
                None => None,
            };
            cols.push((t_ours, t_wt));
        }
        let r = cols[1].0.as_secs_f64() / cols[0].0.as_secs_f64();
        ratios.push(r);
        let wt_cols = match (cols[0].1, cols[1].1) {
            (Some(a), Some(b)) => format!(
                "{:>10.2} {:>10.2} {:>6.2}x",
                ms(a),
                ms(b),
                b.as_secs_f64() / a.as_secs_f64()
            ),
            _ => "n/a".into(),
        };
        println!(
            "{label:<22} {:>9.2} {:>10.2} {:>10.2} {:>6.2}x {wt_cols}",
            ms(native_time),
            ms(cols[0].0),
            ms(cols[1].0),
            r
        );
    }
    let geo = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    println!("wasi-rt memory64 / wasm32 (geomean): {geo:.2}x");

    // 2 and 3: exceptions and tail calls, per iteration.
    println!(
        "\n{:<26} {:>12} {:>12} {:>12}",
        "per iteration", "native ns", "wasi-rt ns", "wasmtime ns"
    );
    // SAFETY: the C signatures in benches/wasm3/native.cpp.
    let throw_catch: extern "C" fn(i32) -> i32 = unsafe { wasm3_lib.func("throw_catch") };
    let tail_loop: extern "C" fn(i32) -> i32 = unsafe { wasm3_lib.func("tail_loop") };
    let loops: Vec<(&str, i32, Native)> = vec![
        ("throw_catch", 200_000, Box::new(move || u64::from(throw_catch(black_box(200_000)) as u32))),
        ("tail_loop", 100_000_000, Box::new(move || u64::from(tail_loop(black_box(100_000_000)) as u32))),
    ];
    for (name, n, native) in loops {
        let wat = std::fs::read_to_string(root.join(format!("benches/wasm3/{name}.wat")))?;
        let bytes = wat::parse_str(&wat)?;
        let expected = native();
        let per = |d: Duration| d.as_secs_f64() * 1e9 / f64::from(n);
        let native_time = best_of(runs, || -> Result<(), BoxError> {
            black_box(native());
            Ok(())
        })?;
        let args = vec![Val::I32(n)];
        let module = Module::new(&engine, &bytes)?;
        let mut call = ours(&engine, &bytes, name, args.clone())?;
        let t_ours = time(&mut call, 1, runs, expected, name)?;
        let t_wt = match theirs(wt, &module, &bytes, name, &args) {
            Some(mut c) => format!("{:>12.2}", per(time(&mut c, 1, runs, expected, name)?)),
            None => format!("{:>12}", "n/a"),
        };
        println!(
            "{:<26} {:>12.2} {:>12.2} {t_wt}",
            format!("{name}({n})"),
            per(native_time),
            per(t_ours)
        );
    }
    Ok(())
}
