//! The `wasi-rt` command line: `run` (a WASI command, or one export of a
//! module) and `wast` (spec test scripts). Built on the public API only.

use std::process::ExitCode;
use wasi_rt::wasi::WasiCtxBuilder;
use wasi_rt::{Config, Engine, Module, Store, Val, ValType};

const USAGE: &str = "\
usage: wasi-rt run [OPTIONS] FILE [ARGS...]
       wasi-rt FILE [OPTIONS] [ARGS...]
       wasi-rt compile [--timeout-ready] FILE -o OUT
       wasi-rt config [--clear-cache]
       wasi-rt wast FILES...

FILE is a .wasm or .wat module. A WASI command runs its _start with ARGS;
with --invoke, the named export is called with ARGS and its results print
one per line.

options (before FILE, or right after it):
  --dir HOST[::GUEST]     preopen directory HOST (read-write) as GUEST (default: HOST)
  --dir-ro HOST[::GUEST]  preopen directory HOST read-only
  --env KEY=VALUE         set an environment variable for the guest
  --env KEY               pass the host's KEY through
  --invoke NAME           call the exported function NAME with ARGS
  --tcplisten HOST:PORT   listen on HOST:PORT and hand the socket to the guest
  --timeout SECONDS       stop the guest with a trap after SECONDS (e.g. 2.5)
  --max-memory SIZE       cap the guest's linear memory and tables (bytes, or with K, M, G)
  --max-wasm-stack SIZE   stack the guest may use (default 512K; deeper recursion traps)
  --max-gc-heap SIZE      cap the guest's GC heap (structs and arrays; default 1G)
  --profile perfmap|jitdump|none
                          describe compiled functions to a profiler: perfmap
                          writes /tmp/perf-PID.map, so `perf report` names them;
                          jitdump writes /tmp/jit-PID.dump with their code, for
                          `perf record -k mono` then `perf inject --jit`
  --lazy on|off           compile each function on its first call, the rest in
                          the background (default on: big programs start at once)
  --no-cache              neither load nor save compiled code in the code cache
                          (default: on, in $XDG_CACHE_HOME/wasi-rt or
                          ~/.cache/wasi-rt; `wasi-rt config` shows and clears it)
  --wasm-feature NAME=on|off
                          switch a Wasm feature (simd, multi_memory, extended_const,
                          tail_call, relaxed_simd, function_references,
                          exceptions, legacy_exceptions, memory64,
                          custom_page_sizes, threads, wide_arithmetic, gc;
                          all on by default)
  --allow-precompiled     FILE may be made by `wasi-rt compile` (trusted input:
                          its machine code runs as it is)

`wasi-rt compile` writes FILE's machine code to OUT, for `run
--allow-precompiled` to start without compiling (same wasi-rt version and
CPU; with --timeout-ready, for runs that use --timeout).
  --trace                 print every WASI call to stderr (also WASI_RT_LOG=trace)
  --wasi-threads on|off   serve wasi-threads programs (thread-spawn; default on)
  --                      end of options";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("wast") => wast(&args[1..]),
        Some("compile") => compile(&args[1..]),
        Some("config") => config(&args[1..]),
        Some("run") => run(&args[1..]),
        Some(_) => run(&args),
    }
}

/// Options of `run`.
#[derive(Default)]
struct RunOptions {
    invoke: Option<String>,
    /// (host, guest, read-only)
    dirs: Vec<(String, String, bool)>,
    /// (key, Some(value)) to set, (key, None) to inherit.
    env: Vec<(String, Option<String>)>,
    listen: Vec<String>,
    trace: bool,
    /// Serve wasi-threads (on unless `--wasi-threads off`).
    wasi_threads: bool,
    timeout: Option<std::time::Duration>,
    allow_precompiled: bool,
    max_memory: Option<u64>,
    max_gc_heap: Option<u64>,
    profiler: wasi_rt::Profiler,
    max_wasm_stack: Option<usize>,
    features: wasi_rt::Features,
    /// Compile lazily (on unless `--lazy off`).
    lazy: bool,
    /// Skip the code cache (`--no-cache`).
    no_cache: bool,
}

fn dir_spec(spec: &str, readonly: bool) -> (String, String, bool) {
    match spec.split_once("::") {
        Some((host, guest)) => (host.to_string(), guest.to_string(), readonly),
        None => (spec.to_string(), spec.to_string(), readonly),
    }
}

/// Parses runtime options; returns how many arguments they took. Stops at
/// the first argument that is not an option, or after `--`.
fn parse_options(args: &[String], opts: &mut RunOptions) -> Result<usize, String> {
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if arg == "--" {
            return Ok(i + 1);
        }
        if !arg.starts_with("--") {
            return Ok(i);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (arg, None),
        };
        let takes_value = matches!(
            name,
            "--invoke"
                | "--dir"
                | "--dir-ro"
                | "--env"
                | "--tcplisten"
                | "--timeout"
                | "--max-memory"
                | "--max-wasm-stack"
                | "--max-gc-heap"
                | "--profile"
                | "--wasm-feature"
                | "--wasi-threads"
                | "--lazy"
        );
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i)
                        .cloned()
                        .ok_or_else(|| format!("{name} needs a value"))?
                }
            }
        } else {
            String::new()
        };
        match name {
            "--invoke" => opts.invoke = Some(value),
            "--dir" => opts.dirs.push(dir_spec(&value, false)),
            "--dir-ro" => opts.dirs.push(dir_spec(&value, true)),
            "--env" => match value.split_once('=') {
                Some((k, v)) => opts.env.push((k.to_string(), Some(v.to_string()))),
                None => opts.env.push((value, None)),
            },
            "--tcplisten" => opts.listen.push(value),
            "--timeout" => {
                let secs = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e9)
                    .ok_or_else(|| format!("--timeout needs a number of seconds, not {value:?}"))?;
                opts.timeout = Some(std::time::Duration::from_secs_f64(secs));
            }
            "--trace" => opts.trace = true,
            "--wasi-threads" => {
                opts.wasi_threads = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(format!("--wasi-threads needs on or off, not {value:?}")),
                }
            }
            "--lazy" => {
                opts.lazy = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(format!("--lazy needs on or off, not {value:?}")),
                }
            }
            "--allow-precompiled" => opts.allow_precompiled = true,
            "--no-cache" => opts.no_cache = true,
            "--max-memory" => opts.max_memory = Some(parse_size(name, &value)?),
            "--max-gc-heap" => opts.max_gc_heap = Some(parse_size(name, &value)?),
            "--profile" => {
                opts.profiler = wasi_rt::Profiler::from_name(&value)
                    .ok_or_else(|| format!("--profile needs perfmap, jitdump or none, not {value:?}"))?
            }
            "--wasm-feature" => {
                let bad = || format!("--wasm-feature needs NAME=on or NAME=off, not {value:?}");
                let (feature, state) = value.split_once('=').ok_or_else(bad)?;
                let on = match state {
                    "on" | "y" | "yes" | "true" => true,
                    "off" | "n" | "no" | "false" => false,
                    _ => return Err(bad()),
                };
                if !opts.features.set(feature, on) {
                    return Err(format!("--wasm-feature: unknown feature {feature:?}"));
                }
            }
            "--max-wasm-stack" => {
                let size = parse_size(name, &value)?;
                opts.max_wasm_stack = Some(usize::try_from(size).map_err(|_| {
                    format!("--max-wasm-stack: {value} is more than this machine can address")
                })?);
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
        i += 1;
    }
    Ok(i)
}

fn run(args: &[String]) -> ExitCode {
    finish(run_inner(args))
}

/// The exit status of a command: its own, or 1 after printing its error.
fn finish(result: Result<ExitCode, String>) -> ExitCode {
    result.unwrap_or_else(|msg| {
        eprintln!("error: {msg}");
        ExitCode::from(1)
    })
}

/// An engine for the host CPU, with epoch checks when `epoch_interruption`,
/// the given Wasm stack budget (default when `None`), and lazy
/// compilation when `lazy`.
fn engine(
    epoch_interruption: bool,
    max_wasm_stack: Option<usize>,
    features: wasi_rt::Features,
    profiler: wasi_rt::Profiler,
    lazy: bool,
    cache: bool,
) -> Result<Engine, String> {
    let defaults = Config::default();
    Engine::new(&Config {
        cache: cache.then(wasi_rt::CacheConfig::default),
        epoch_interruption,
        max_wasm_stack: max_wasm_stack.unwrap_or(defaults.max_wasm_stack),
        features,
        profiler,
        lazy_compilation: lazy,
        ..defaults
    })
    .map_err(|e| e.to_string())
}

/// Exit status for a trap, as a shell reports an aborted process.
const TRAP_EXIT: u8 = 134;

/// How long `--timeout` waits for a guest blocked in a WASI call before
/// ending the process.
const TIMEOUT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

fn run_inner(args: &[String]) -> Result<ExitCode, String> {
    let mut opts = RunOptions {
        wasi_threads: true,
        // On, unless WASI_RT_LAZY_COMPILATION (see Config) says otherwise.
        lazy: std::env::var_os("WASI_RT_LAZY_COMPILATION").is_none()
            || Config::default().lazy_compilation,
        ..RunOptions::default()
    };
    let n = parse_options(args, &mut opts)?;
    let file = args
        .get(n)
        .ok_or_else(|| format!("no module file given\n{USAGE}"))?;
    let mut rest = &args[n + 1..];
    // Older style: options right after FILE.
    let m = parse_options(rest, &mut opts)?;
    rest = &rest[m..];
    if std::env::var("WASI_RT_LOG").is_ok_and(|v| v == "trace") {
        opts.trace = true;
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let engine = engine(
        opts.timeout.is_some(),
        opts.max_wasm_stack,
        opts.features,
        opts.profiler,
        opts.lazy,
        !opts.no_cache,
    )?;
    let precompiled = Module::is_precompiled(&bytes);
    if precompiled && !opts.allow_precompiled {
        return Err(format!(
            "{file} was made by `wasi-rt compile`: its machine code runs as it is, \
             so loading it needs --allow-precompiled (only for files you trust)"
        ));
    }
    let module = if precompiled {
        // SAFETY: the user vouched for the file with --allow-precompiled.
        unsafe { Module::from_precompiled(&engine, &bytes) }
    } else {
        Module::new(&engine, &bytes)
    }
    .map_err(|e| format!("{file}: {e}"))?;
    let module_ref = &module;
    let result = (move || -> Result<ExitCode, String> {
        let mut store = Store::new(&engine);
        store.limit_memory(opts.max_memory);
        if let Some(limit) = opts.max_gc_heap {
            store.set_gc_heap_limit(limit).map_err(|e| e.to_string())?;
        }
        if let Some(limit) = opts.timeout {
            // One epoch tick, after `limit`, stops the guest at its next loop
            // iteration or call. A guest blocked in a WASI call (a sleep, a
            // read) does not get there: after a grace period the process ends.
            store.set_epoch_deadline(1);
            let engine = engine.clone();
            std::thread::spawn(move || {
                std::thread::sleep(limit);
                engine.increment_epoch();
                std::thread::sleep(TIMEOUT_GRACE);
                eprintln!(
                    "error: the guest was still running {:.1?} after its timeout (blocked in a WASI call)",
                    TIMEOUT_GRACE
                );
                std::process::exit(i32::from(TRAP_EXIT));
            });
        }

        let mut b = WasiCtxBuilder::new();
        b.arg(file.clone())
            .args(rest.iter().cloned())
            .trace(opts.trace)
            .threads(opts.wasi_threads)
            // As Wasmtime's CLI: a thread that exits or traps ends the process.
            .on_thread_end(|how| match how {
                wasi_rt::wasi::threads::GroupExit::Exit(code) => {
                    std::process::exit(i32::from(wasi_rt::wasi::process_exit_status(*code)))
                }
                wasi_rt::wasi::threads::GroupExit::Failed(msg) => {
                    eprintln!("error: {msg}");
                    std::process::exit(i32::from(TRAP_EXIT));
                }
            });
        for (k, v) in &opts.env {
            match v {
                Some(v) => b.env(k.clone(), v.clone()),
                None => b.inherit_env_var(k),
            };
        }
        for (host, guest, ro) in &opts.dirs {
            b.preopen_dir(host, guest.clone(), *ro);
        }
        for addr in &opts.listen {
            let l = std::net::TcpListener::bind(addr)
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            b.tcp_listener(l);
        }
        let wasi = b.build().map_err(|e| e.to_string())?;

        let Some(name) = opts.invoke else {
            return match wasi.run(&mut store, module_ref) {
                Ok(code) => Ok(ExitCode::from(wasi_rt::wasi::process_exit_status(code))),
                Err(e) if e.as_trap().is_some() => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::from(TRAP_EXIT))
                }
                Err(e) => Err(format!("{file}: {e}")),
            };
        };
        let instance = match wasi.instantiate(&mut store, module_ref) {
            Ok(i) => i,
            Err(e) => return trap_or_error(file, e),
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
        if let Err(e) = func.call(&mut store, &params, &mut results) {
            return trap_or_error(file, e);
        }
        for r in results {
            println!("{}", show_val(&r));
        }
        Ok(ExitCode::SUCCESS)
    })();
    // What was compiled lazily this run is saved for the next one.
    if let Err(e) = module.update_cache() {
        eprintln!("wasi-rt: cannot update the code cache: {e}");
    }
    result
}

/// Exit codes from `proc_exit` pass through; traps print with their
/// backtrace and exit 134; other errors are one-line errors.
fn trap_or_error(file: &str, e: wasi_rt::Error) -> Result<ExitCode, String> {
    if let Some(code) = wasi_rt::wasi::exit_code(&e) {
        return Ok(ExitCode::from(wasi_rt::wasi::process_exit_status(code)));
    }
    if e.as_trap().is_some() {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(TRAP_EXIT));
    }
    Err(format!("{file}: {e}"))
}

/// A size in bytes: digits with an optional K, M or G (binary) suffix.
fn parse_size(option: &str, s: &str) -> Result<u64, String> {
    let bad = || format!("{option} needs a size such as 65536, 64K, 16M or 1G, not {s:?}");
    let (digits, shift) = match s.char_indices().last() {
        Some((i, 'K' | 'k')) => (&s[..i], 10),
        Some((i, 'M' | 'm')) => (&s[..i], 20),
        Some((i, 'G' | 'g')) => (&s[..i], 30),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    n.checked_mul(1 << shift).ok_or_else(bad)
}

/// `wasi-rt config [--clear-cache]`: where the code cache is and what it
/// holds; with `--clear-cache`, empties it.
fn config(args: &[String]) -> ExitCode {
    let mut clear = false;
    for a in args {
        match a.as_str() {
            "--clear-cache" => clear = true,
            other => {
                eprintln!("error: unexpected argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let cache = wasi_rt::CacheConfig::default();
    finish((|| {
        let dir = cache.resolved_directory().map_err(|e| e.to_string())?;
        if clear {
            let n = wasi_rt::module::cache::clear(&cache).map_err(|e| e.to_string())?;
            println!("removed {n} cache entries from {}", dir.display());
        }
        let stats = wasi_rt::module::cache::stats(&cache).map_err(|e| e.to_string())?;
        println!("cache directory: {}", dir.display());
        println!("cache entries: {}", stats.entries);
        println!(
            "cache size: {} bytes ({:.1} MiB; limit {} MiB, least recently used go first)",
            stats.bytes,
            stats.bytes as f64 / (1 << 20) as f64,
            cache.max_size >> 20
        );
        Ok(ExitCode::SUCCESS)
    })())
}

/// `wasi-rt compile [--timeout-ready] FILE -o OUT`.
fn compile(args: &[String]) -> ExitCode {
    let mut input = None;
    let mut output = None;
    let mut epoch = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-o" | "--output" => {
                i += 1;
                output = args.get(i).cloned();
            }
            "--timeout-ready" => epoch = true,
            a if input.is_none() && !a.starts_with('-') => input = Some(a.to_string()),
            other => {
                eprintln!("error: unexpected argument {other:?}\n{USAGE}");
                return ExitCode::from(1);
            }
        }
        i += 1;
    }
    let (Some(input), Some(output)) = (input, output) else {
        eprintln!("error: compile needs FILE and -o OUT\n{USAGE}");
        return ExitCode::from(1);
    };
    finish((|| {
        let bytes = std::fs::read(&input).map_err(|e| format!("cannot read {input}: {e}"))?;
        let code =
            Module::precompile(&engine(epoch, None, wasi_rt::Features::default(), wasi_rt::Profiler::None, false, false)?, &bytes).map_err(|e| format!("{input}: {e}"))?;
        std::fs::write(&output, code).map_err(|e| format!("cannot write {output}: {e}"))?;
        Ok(ExitCode::SUCCESS)
    })())
}

fn parse_val(t: ValType, s: &str) -> Result<Val, String> {
    let bad = || format!("cannot parse {s:?} as {t}");
    Ok(match t {
        ValType::I32 => Val::I32(
            s.parse::<i32>()
                .or_else(|_| s.parse::<u32>().map(|v| v as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Val::from(s.parse::<f32>().map_err(|_| bad())?),
        ValType::F64 => Val::from(s.parse::<f64>().map_err(|_| bad())?),
        // A v128 is given as one integer (hex with 0x, or decimal) of its
        // 16 little-endian bytes.
        ValType::V128 => Val::V128(match s.strip_prefix("0x") {
            Some(hex) => u128::from_str_radix(hex, 16).map_err(|_| bad())?,
            None => s.parse::<u128>().map_err(|_| bad())?,
        }),
        _ => {
            return Err(format!(
                "arguments of type {t} cannot be given on the command line"
            ));
        }
    })
}

fn show_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(x) => format!("{x:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None) => {
            "null".into()
        }
        Val::AnyRef(Some(_)) => "<anyref>".into(),
        Val::FuncRef(Some(_)) => "<funcref>".into(),
        Val::ExternRef(Some(_)) => "<externref>".into(),
        Val::ExnRef(Some(_)) => "<exnref>".into(),
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
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
