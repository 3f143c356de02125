//! wasi-rt's fuzzer, on stable Rust: every case is a block of seeded random
//! bytes, which a target turns (through `arbitrary`) into what it tests.
//!
//! ```text
//! cargo run --profile fuzz -p fuzz -- TARGET|all [--seconds N] [--iterations N] [--seed S]
//! cargo run --profile fuzz -p fuzz -- replay TARGET FILE...
//! ```
//!
//! Targets: `exec` (differential execution against wasmi), `decode`
//! (mutated modules), `precompiled` (mutated precompiled and serialized
//! modules), `wasi` (WASI calls against a scratch directory).
//!
//! Each run first replays the saved inputs in `fuzz/corpus/TARGET/`, then
//! runs fresh cases from the seed. Cases run in a worker process, so a
//! crash, a hang (no answer for 60 s) or a panic is caught, minimised and
//! saved as `fuzz/corpus/TARGET/finding-HASH.bin` (the raw input; the
//! module it made, if any, next to it as `.wasm`), which every later run
//! replays. The exit status is 1 when anything was found.

mod decode;
mod exec;
mod gc;
mod mutate;
mod precompiled;
mod rng;
mod smith;
mod wasi;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const TARGETS: &[&str] = &["exec", "decode", "precompiled", "wasi", "gc"];

/// What went wrong in a case.
pub struct Finding {
    pub what: String,
    pub detail: String,
    /// The module (or file) the case made, for whoever investigates.
    pub artifact: Vec<u8>,
}

impl Finding {
    pub fn new(what: &str, detail: String, artifact: Vec<u8>) -> Finding {
        Finding {
            what: what.to_string(),
            detail,
            artifact,
        }
    }
}

/// Work done by cases.
#[derive(Default, Clone, Copy)]
pub struct Stats {
    /// Inputs that made something to test.
    pub inputs: u64,
    /// Modules compiled (and, for `exec`, compiled by both engines).
    pub modules: u64,
    /// Calls made (for `exec`: compared).
    pub calls: u64,
}

/// FNV-1a, for file names and snapshots.
pub fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A wasi-rt engine with epoch interruption and a thread that advances its
/// epoch every 10 ms, for running code that may not end.
pub fn epoch_engine() -> &'static wasi_rt::Engine {
    static ENGINE: OnceLock<wasi_rt::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let engine = wasi_rt::Engine::new(&wasi_rt::Config {
            epoch_interruption: true,
            ..wasi_rt::Config::default()
        })
        .expect("an engine");
        let ticker = engine.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(10));
                ticker.increment_epoch();
            }
        });
        engine
    })
}

/// The oracle engine of the differential target.
pub fn exec_oracle_engine() -> &'static wasmi::Engine {
    exec::oracle_engine()
}

/// A random value of number type `t` (`None` for a reference type).
pub fn random_number(u: &mut arbitrary::Unstructured<'_>, t: wasi_rt::ValType) -> Option<wasi_rt::Val> {
    let x: u64 = u.arbitrary().unwrap_or(0);
    Some(match t {
        wasi_rt::ValType::I32 => wasi_rt::Val::I32(x as i32),
        wasi_rt::ValType::I64 => wasi_rt::Val::I64(x as i64),
        wasi_rt::ValType::F32 => wasi_rt::Val::F32(x as u32),
        wasi_rt::ValType::F64 => wasi_rt::Val::F64(x),
        wasi_rt::ValType::V128 => wasi_rt::Val::V128(u128::from(x)),
        wasi_rt::ValType::Ref(_) => return None,
    })
}

/// Instantiates `module` (when it has no imports) and calls each export
/// with simple arguments, each call stopped after about 100 ms: whatever
/// the module does, the host must come through.
pub fn run_exports(
    engine: &wasi_rt::Engine,
    module: &wasi_rt::Module,
    u: &mut arbitrary::Unstructured<'_>,
    stats: &mut Stats,
) {
    if module.imports().len() > 0 {
        return;
    }
    let mut store = wasi_rt::Store::new(engine);
    store.limit_memory(Some(256 << 20));
    store.set_epoch_deadline(10);
    let Ok(inst) = wasi_rt::Instance::new(&mut store, module, &[]) else {
        return;
    };
    for (name, ext) in inst.exports(&store) {
        let Some(f) = ext.into_func() else { continue };
        let ty = f.ty(&store);
        let args: Vec<wasi_rt::Val> = ty
            .params()
            .iter()
            .map(|t| random_number(u, *t).unwrap_or_else(|| wasi_rt::Val::default_for(*t)))
            .collect();
        let mut out: Vec<wasi_rt::Val> = ty
            .results()
            .iter()
            .map(|t| wasi_rt::Val::default_for(*t))
            .collect();
        store.set_epoch_deadline(10);
        let _ = f.call(&mut store, &args, &mut out);
        stats.calls += 1;
        let _ = name;
    }
}

/// Runs one case of `target`; panics are findings too.
fn run_case(target: &str, data: &[u8], stats: &mut Stats) -> Result<(), Finding> {
    let mut local = Stats::default();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match target {
        "exec" => exec::run(data, &mut local),
        "decode" => decode::run(data, &mut local),
        "precompiled" => precompiled::run(data, &mut local),
        "wasi" => wasi::run(data, &mut local),
        "gc" => gc::run(data, &mut local),
        other => panic!("unknown target {other}"),
    }));
    stats.inputs += local.inputs;
    stats.modules += local.modules;
    stats.calls += local.calls;
    match r {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(Finding::new("panic", msg, Vec::new()))
        }
    }
}

// ---------------------------------------------------------------------
// The worker: reads jobs ("seed S I" or "file PATH") from stdin, answers
// "start" before and "done INPUTS MODULES CALLS" or "found WHAT" after.

fn worker(target: &str) {
    // Panics are reported as findings; their default message would only
    // repeat what the parent prints.
    // (WASI_RT_FUZZ_PANICS=1 keeps the default hook, to see where.)
    if std::env::var_os("WASI_RT_FUZZ_PANICS").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let mut parts = line.splitn(3, ' ');
        let data = match (parts.next(), parts.next(), parts.next()) {
            (Some("seed"), Some(s), Some(i)) => {
                rng::case_input(s.parse().unwrap_or(0), i.parse().unwrap_or(0))
            }
            (Some("file"), Some(p), rest) => {
                let p = match rest {
                    Some(r) => format!("{p} {r}"),
                    None => p.to_string(),
                };
                std::fs::read(&p).unwrap_or_default()
            }
            _ => continue,
        };
        let _ = writeln!(out, "start");
        let _ = out.flush();
        let mut stats = Stats::default();
        match run_case(target, &data, &mut stats) {
            Ok(()) => {
                let _ = writeln!(out, "done {} {} {}", stats.inputs, stats.modules, stats.calls);
            }
            Err(f) => {
                // The detail goes to a side file: it may span lines.
                let detail = std::env::temp_dir().join(format!("wasi-rt-fuzz-finding-{}", std::process::id()));
                let _ = std::fs::write(&detail, format!("{}\n{}", f.what, f.detail));
                if !f.artifact.is_empty() {
                    let _ = std::fs::write(detail.with_extension("wasm"), &f.artifact);
                }
                let _ = writeln!(out, "found {}", detail.display());
            }
        }
        let _ = out.flush();
    }
}

/// A worker process and the lines it answers with.
struct Worker {
    child: Child,
    input: ChildStdin,
    lines: Receiver<String>,
}

impl Worker {
    fn spawn(target: &str) -> Worker {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .args(["--worker", target])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a worker");
        let input = child.stdin.take().expect("piped");
        let output: ChildStdout = child.stdout.take().expect("piped");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Worker { child, input, lines }
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How one job ended.
enum Outcome {
    Done(Stats),
    /// A finding: what, and the side file with its detail.
    Found(String, PathBuf),
    Crashed(String),
    Hung,
}

/// Runs `job` in `worker` (respawned after a crash or hang).
fn run_job(worker: &mut Option<Worker>, target: &str, job: &str) -> Outcome {
    const HANG: Duration = Duration::from_secs(60);
    let w = worker.get_or_insert_with(|| Worker::spawn(target));
    if writeln!(w.input, "{job}").and_then(|_| w.input.flush()).is_err() {
        let w = worker.take().expect("present");
        let status = exit_description(w);
        return Outcome::Crashed(status);
    }
    let mut started = false;
    loop {
        match w.lines.recv_timeout(HANG) {
            Ok(line) if line == "start" => started = true,
            Ok(line) if line.starts_with("done ") => {
                let n: Vec<u64> = line[5..].split(' ').filter_map(|x| x.parse().ok()).collect();
                return Outcome::Done(Stats {
                    inputs: n.first().copied().unwrap_or(0),
                    modules: n.get(1).copied().unwrap_or(0),
                    calls: n.get(2).copied().unwrap_or(0),
                });
            }
            Ok(line) if line.starts_with("found ") => {
                let side = PathBuf::from(&line[6..]);
                let what = std::fs::read_to_string(&side)
                    .ok()
                    .and_then(|s| s.lines().next().map(str::to_string))
                    .unwrap_or_default();
                return Outcome::Found(what, side);
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {
                worker.take().expect("present").kill();
                return Outcome::Hung;
            }
            Err(RecvTimeoutError::Disconnected) => {
                let w = worker.take().expect("present");
                let _ = started;
                return Outcome::Crashed(exit_description(w));
            }
        }
    }
}

fn exit_description(mut w: Worker) -> String {
    use std::os::unix::process::ExitStatusExt;
    match w.child.wait() {
        Ok(s) => match s.signal() {
            Some(sig) => format!("the worker died of signal {sig}"),
            None => format!("the worker exited with {s}"),
        },
        Err(e) => format!("the worker vanished: {e}"),
    }
}

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target)
}

/// Whether `data` still fails (in a fresh worker).
fn still_fails(target: &str, data: &[u8], scratch: &Path) -> bool {
    if std::fs::write(scratch, data).is_err() {
        return false;
    }
    let mut w = None;
    let r = run_job(&mut w, target, &format!("file {}", scratch.display()));
    if let Some(w) = w {
        w.kill();
    }
    !matches!(r, Outcome::Done(_))
}

/// Shrinks a failing input: drops chunks (halves, quarters, ...) and zeroes
/// bytes while it still fails, within a budget of tries.
fn minimise(target: &str, data: Vec<u8>) -> Vec<u8> {
    let scratch = std::env::temp_dir().join(format!("wasi-rt-fuzz-min-{}", std::process::id()));
    let mut best = data;
    let mut tries = 0;
    let mut chunk = best.len() / 2;
    while chunk >= 1 && tries < 200 {
        let mut at = 0;
        let mut shrunk = false;
        while at < best.len() && tries < 200 {
            let end = (at + chunk).min(best.len());
            let mut cand = best.clone();
            cand.drain(at..end);
            tries += 1;
            if !cand.is_empty() && still_fails(target, &cand, &scratch) {
                best = cand;
                shrunk = true;
            } else {
                at += chunk;
            }
        }
        if !shrunk {
            chunk /= 2;
        }
    }
    let _ = std::fs::remove_file(&scratch);
    best
}

/// Saves a finding; returns its file.
fn save(target: &str, data: &[u8], side: Option<&Path>) -> PathBuf {
    let dir = corpus_dir(target);
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!("finding-{:016x}.bin", hash(data)));
    let _ = std::fs::write(&file, data);
    if let Some(side) = side {
        if let Ok(detail) = std::fs::read_to_string(side) {
            let _ = std::fs::write(file.with_extension("txt"), detail);
        }
        if let Ok(wasm) = std::fs::read(side.with_extension("wasm")) {
            let _ = std::fs::write(file.with_extension("wasm"), wasm);
        }
    }
    file
}

struct Options {
    seconds: Option<u64>,
    iterations: Option<u64>,
    seed: u64,
}

/// Fuzzes one target: the saved corpus, then fresh cases. Returns the
/// number of findings.
fn fuzz(target: &str, opts: &Options) -> u64 {
    let started = Instant::now();
    let mut worker: Option<Worker> = None;
    let mut total = Stats::default();
    let (mut cases, mut findings, mut replayed) = (0u64, 0u64, 0u64);
    let report = |data: Vec<u8>, what: String, side: Option<PathBuf>, findings: &mut u64| {
        *findings += 1;
        eprintln!("[{target}] FOUND: {what}");
        let small = minimise(target, data.clone());
        let small = if small.len() < data.len() { small } else { data };
        // The minimised input's own detail, if it still reproduces one.
        let file = save(target, &small, side.as_deref());
        eprintln!("[{target}]   saved as {}", file.display());
        if let Some(side) = side
            && let Ok(detail) = std::fs::read_to_string(&side)
        {
            for line in detail.lines().take(12) {
                eprintln!("[{target}]   {line}");
            }
        }
    };

    // Saved inputs first.
    let mut saved: Vec<PathBuf> = std::fs::read_dir(corpus_dir(target))
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "bin")).collect())
        .unwrap_or_default();
    saved.sort();
    for file in saved {
        replayed += 1;
        match run_job(&mut worker, target, &format!("file {}", file.display())) {
            Outcome::Done(s) => {
                total.inputs += s.inputs;
                total.modules += s.modules;
                total.calls += s.calls;
            }
            other => {
                findings += 1;
                let why = match other {
                    Outcome::Found(w, _) => w,
                    Outcome::Crashed(w) => w,
                    Outcome::Hung => "no answer for 60 s".into(),
                    Outcome::Done(_) => unreachable!(),
                };
                eprintln!("[{target}] a saved input still fails: {} ({why})", file.display());
            }
        }
    }

    let deadline = opts.seconds.map(|s| started + Duration::from_secs(s));
    let mut index = 0u64;
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) || opts.iterations.is_some_and(|n| index >= n) {
            break;
        }
        if deadline.is_none() && opts.iterations.is_none() && index >= 1000 {
            break;
        }
        let job = format!("seed {} {index}", opts.seed);
        let outcome = run_job(&mut worker, target, &job);
        cases += 1;
        match outcome {
            Outcome::Done(s) => {
                total.inputs += s.inputs;
                total.modules += s.modules;
                total.calls += s.calls;
            }
            Outcome::Found(what, side) => report(rng::case_input(opts.seed, index), what, Some(side), &mut findings),
            Outcome::Crashed(why) => report(rng::case_input(opts.seed, index), format!("crash: {why}"), None, &mut findings),
            Outcome::Hung => report(rng::case_input(opts.seed, index), "hang: no answer for 60 s".into(), None, &mut findings),
        }
        index += 1;
    }
    if let Some(w) = worker {
        w.kill();
    }
    println!(
        "{target}: {cases} cases (seed {}) + {replayed} saved inputs in {:.0?}: {} inputs, {} modules, {} calls; {findings} finding(s)",
        opts.seed,
        started.elapsed(),
        total.inputs,
        total.modules,
        total.calls
    );
    findings
}

fn usage() -> ! {
    eprintln!(
        "usage: fuzz TARGET|all [--seconds N] [--iterations N] [--seed S]\n       fuzz replay TARGET FILE...\ntargets: {}",
        TARGETS.join(", ")
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--worker") {
        worker(args.get(1).map(String::as_str).unwrap_or(""));
        return;
    }
    if args.first().map(String::as_str) == Some("replay") {
        let Some(target) = args.get(1).filter(|t| TARGETS.contains(&t.as_str())) else {
            usage()
        };
        let mut failed = 0;
        for file in &args[2..] {
            let mut w = None;
            match run_job(&mut w, target, &format!("file {file}")) {
                Outcome::Done(_) => println!("{file}: ok"),
                Outcome::Found(what, side) => {
                    failed += 1;
                    println!("{file}: {what}");
                    if let Ok(d) = std::fs::read_to_string(side) {
                        println!("{d}");
                    }
                }
                Outcome::Crashed(why) => {
                    failed += 1;
                    println!("{file}: {why}");
                }
                Outcome::Hung => {
                    failed += 1;
                    println!("{file}: no answer for 60 s");
                }
            }
            if let Some(w) = w {
                w.kill();
            }
        }
        std::process::exit(i32::from(failed > 0));
    }
    let Some(which) = args.first() else { usage() };
    let targets: Vec<&str> = if which == "all" {
        TARGETS.to_vec()
    } else if TARGETS.contains(&which.as_str()) {
        vec![which.as_str()]
    } else {
        usage()
    };
    let mut opts = Options {
        seconds: None,
        iterations: None,
        seed: 1,
    };
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), value) {
            ("--seconds", Some(v)) => opts.seconds = Some(v),
            ("--iterations", Some(v)) => opts.iterations = Some(v),
            ("--seed", Some(v)) => opts.seed = v,
            _ => usage(),
        }
        i += 2;
    }
    // With `all`, the time is shared among the targets.
    let per_target = Options {
        seconds: opts.seconds.map(|s| (s / targets.len() as u64).max(1)),
        ..opts
    };
    let mut findings = 0;
    for t in &targets {
        findings += fuzz(t, &per_target);
    }
    std::process::exit(i32::from(findings > 0));
}
