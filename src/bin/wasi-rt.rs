//! The `wasi-rt` command line: `run` (invoke an export of a module) and
//! `wast` (run spec test scripts). Built on the public Rust API only.

use std::process::ExitCode;
use wasi_rt::{Engine, Instance, Module, Store, Val, ValType};

const USAGE: &str = "\
usage: wasi-rt run [OPTIONS] FILE [ARGS...]
       wasi-rt FILE [OPTIONS] [ARGS...]
       wasi-rt wast FILES...

options (before FILE, or right after it):
  --invoke NAME   call the exported function NAME with ARGS and print its results
  --              end of options";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("wast") => wast(&args[1..]),
        Some("run") => run(&args[1..]),
        Some(_) => run(&args),
    }
}

/// Options of `run`.
#[derive(Default)]
struct RunOptions {
    invoke: Option<String>,
}

/// Parses runtime options; returns how many arguments they took. Stops at
/// the first argument that is not an option, or after `--`.
fn parse_options(args: &[String], opts: &mut RunOptions) -> Result<usize, String> {
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--" => return Ok(i + 1),
            "--invoke" => {
                let name = args.get(i + 1).ok_or("--invoke needs a function name")?;
                opts.invoke = Some(name.clone());
                i += 2;
            }
            s if s.starts_with("--invoke=") => {
                opts.invoke = Some(s["--invoke=".len()..].to_string());
                i += 1;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => return Ok(i),
        }
    }
    Ok(i)
}

fn run(args: &[String]) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run_inner(args: &[String]) -> Result<ExitCode, String> {
    let mut opts = RunOptions::default();
    let n = parse_options(args, &mut opts)?;
    let file = args.get(n).ok_or_else(|| format!("no module file given\n{USAGE}"))?;
    let mut rest = &args[n + 1..];
    // Older style: options right after FILE.
    let m = parse_options(rest, &mut opts)?;
    rest = &rest[m..];
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).map_err(|e| format!("{file}: {e}"))?;
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).map_err(|e| format!("{file}: {e}"))?;
    let Some(name) = opts.invoke else {
        return Err("running WASI programs is not supported yet; use --invoke NAME".into());
    };
    let func = instance
        .get_func(&store, &name)
        .ok_or_else(|| format!("{file} has no exported function {name:?}"))?;
    let ty = func.ty(&store);
    if rest.len() != ty.params().len() {
        return Err(format!(
            "{name} takes {} arguments {ty}, {} given",
            ty.params().len(),
            rest.len()
        ));
    }
    let params = ty
        .params()
        .iter()
        .zip(rest)
        .map(|(t, a)| parse_val(*t, a))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut store, &params, &mut results).map_err(|e| e.to_string())?;
    for r in results {
        println!("{}", show_val(&r));
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_val(t: ValType, s: &str) -> Result<Val, String> {
    let bad = || format!("cannot parse {s:?} as {t}");
    Ok(match t {
        ValType::I32 => Val::I32(
            s.parse::<i32>().or_else(|_| s.parse::<u32>().map(|v| v as i32)).map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>().or_else(|_| s.parse::<u64>().map(|v| v as i64)).map_err(|_| bad())?,
        ),
        ValType::F32 => Val::from(s.parse::<f32>().map_err(|_| bad())?),
        ValType::F64 => Val::from(s.parse::<f64>().map_err(|_| bad())?),
        _ => return Err(format!("arguments of type {t} cannot be given on the command line")),
    })
}

fn show_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "<funcref>".into(),
        Val::ExternRef(Some(_)) => "<externref>".into(),
    }
}

fn wast(files: &[String]) -> ExitCode {
    if files.is_empty() {
        eprintln!("error: no .wast files given\n{USAGE}");
        return ExitCode::from(1);
    }
    let engine = Engine::default();
    let (mut passed, mut failed) = (0, 0);
    for f in files {
        match wasi_rt::wast::run_file(&engine, std::path::Path::new(f)) {
            Ok(r) => {
                println!("{f}: {} passed, {} failed", r.passed, r.failed);
                for msg in &r.failures {
                    println!("  {msg}");
                }
                passed += r.passed;
                failed += r.failed;
            }
            Err(e) => {
                println!("{e}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
