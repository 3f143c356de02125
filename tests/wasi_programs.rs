//! Real C programs under `wasi-rt run`.
//!
//! The programs in `tests/wasi-programs/` are compiled at test time with
//! Debian's clang and wasi-libc for wasm32-wasi, and with the system C
//! compiler natively. Each comparison test prepares two identical empty
//! directories, runs the native build with its working directory set to
//! one and the wasm build under `wasi-rt run --dir DIR::.` on the other,
//! and requires the same stdout, stderr, exit status and resulting
//! directory tree. The escape and read-only tests run under wasi-rt only
//! and check every attempt plus a snapshot of what is outside the
//! sandbox. The SQLite test compiles the amalgamation that the
//! libsqlite3-sys crate ships.
//!
//! Compiled programs are cached under `target/wasi-programs/`, keyed by a
//! hash of the sources, the flags and the compiler's version.
//!
//! Missing clang or wasm32-wasi sysroot: the tests print why and pass,
//! unless `CI=true`, when they fail. Override the tools with `WASI_CC`
//! (default `clang`), `WASI_SYSROOT` (default `/usr`) and `CC` (default
//! `cc`).

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SRC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wasi-programs");
/// How long one program may run before it is killed and the test fails.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);
/// ENOTCAPABLE in wasi-libc (and in WASI's errno enumeration).
const ENOTCAPABLE: i32 = 76;

fn wasi_rt() -> &'static str {
    env!("CARGO_BIN_EXE_wasi-rt")
}

// ---------------------------------------------------------------------------
// Toolchain and compilation

struct Toolchain {
    wasi_cc: String,
    sysroot: String,
    native_cc: String,
    /// Versions of both compilers, part of every cache key.
    identity: String,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn in_ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

fn cache_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("wasi-programs");
    std::fs::create_dir_all(&d).expect("create target/wasi-programs");
    d
}

fn version_of(cc: &str) -> Result<String, String> {
    let o = Command::new(cc)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run `{cc}`: {e}"))?;
    if !o.status.success() {
        return Err(format!("`{cc} --version` failed"));
    }
    Ok(String::from_utf8_lossy(&o.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string())
}

fn probe_toolchain() -> Result<Toolchain, String> {
    let wasi_cc = env_or("WASI_CC", "clang");
    let sysroot = env_or("WASI_SYSROOT", "/usr");
    let native_cc = env_or("CC", "cc");
    let wv = version_of(&wasi_cc)?;
    let nv = version_of(&native_cc)?;
    let tc = Toolchain {
        identity: format!("{wv}\n{nv}\n{sysroot}"),
        wasi_cc,
        sysroot,
        native_cc,
    };
    // A program that needs wasi-libc's headers, libc.a and crt1.o, and
    // compiler-rt's builtins (a 128-bit multiply), links and is valid.
    let probe = "#include <stdio.h>\nint main(int c, char **v) {\n  __int128 x = (__int128)c * (long long)v;\n  printf(\"%d\\n\", (int)x);\n  return 0;\n}\n";
    let dir = cache_dir();
    let src = dir.join("probe.c");
    std::fs::write(&src, probe).map_err(|e| e.to_string())?;
    let out = dir.join(format!("probe-{}.wasm", std::process::id()));
    let o = Command::new(&tc.wasi_cc)
        .args(tc.wasm_flags())
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tc.wasi_cc))?;
    let _ = std::fs::remove_file(&out);
    if !o.status.success() {
        return Err(format!(
            "`{} --target=wasm32-wasi --sysroot={}` cannot build a C program (install clang lld wasi-libc \
             libclang-rt-dev-wasm32):\n{}",
            tc.wasi_cc,
            tc.sysroot,
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(tc)
}

impl Toolchain {
    fn wasm_flags(&self) -> Vec<String> {
        vec![
            "--target=wasm32-wasi".into(),
            format!("--sysroot={}", self.sysroot),
            "-O2".into(),
        ]
    }
    fn native_flags(&self) -> Vec<String> {
        vec!["-O2".into()]
    }
}

/// The toolchain, or `None` after printing why the test is skipped (or a
/// panic under CI=true).
fn toolchain() -> Option<&'static Toolchain> {
    static TC: OnceLock<Result<Toolchain, String>> = OnceLock::new();
    match TC.get_or_init(probe_toolchain) {
        Ok(tc) => Some(tc),
        Err(why) if in_ci() => panic!("CI=true and the WASI C toolchain is missing: {why}"),
        Err(why) => {
            println!("skipped: WASI C toolchain unavailable: {why}");
            None
        }
    }
}

/// 64-bit FNV-1a: a stable hash for cache keys.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Target {
    Wasm,
    Native,
}

/// Compiles SOURCES (with extra FLAGS; HEADERS only feed the cache key)
/// for TARGET and returns the cached output's path.
fn compile(
    tc: &Toolchain,
    name: &str,
    target: Target,
    sources: &[PathBuf],
    headers: &[PathBuf],
    flags: &[&str],
    libs: &[&str],
) -> PathBuf {
    let (cc, mut args) = match target {
        Target::Wasm => (&tc.wasi_cc, tc.wasm_flags()),
        Target::Native => (&tc.native_cc, tc.native_flags()),
    };
    args.extend(flags.iter().map(|s| s.to_string()));
    let ext = if target == Target::Wasm {
        "wasm"
    } else {
        "native"
    };
    let key = format!("{}{target:?}", tc.identity);
    compile_cached(name, ext, &key, &[cc.clone()], &args, sources, headers, libs)
}

/// Runs `COMMAND ARGS SOURCES -o OUT LIBS` unless OUT, named after NAME and
/// a hash of KEY (the compiler's identity), the arguments and the sources,
/// is already in the cache; returns OUT.
#[allow(clippy::too_many_arguments)]
fn compile_cached(
    name: &str,
    ext: &str,
    key: &str,
    command: &[String],
    args: &[String],
    sources: &[PathBuf],
    headers: &[PathBuf],
    libs: &[&str],
) -> PathBuf {
    let mut h = fnv(FNV_START, key.as_bytes());
    h = fnv(h, format!("{command:?}{args:?}{libs:?}").as_bytes());
    for f in sources.iter().chain(headers) {
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
        h = fnv(h, f.file_name().unwrap().to_string_lossy().as_bytes());
        h = fnv(h, &bytes);
    }
    let out = cache_dir().join(format!("{name}-{h:016x}.{ext}"));
    if out.exists() {
        return out;
    }
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let tmp = cache_dir().join(format!(
        "{name}-{h:016x}.{ext}.tmp{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let started = Instant::now();
    let o = Command::new(&command[0])
        .args(&command[1..])
        .args(args)
        .args(sources)
        .arg("-o")
        .arg(&tmp)
        .args(libs)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", command[0]));
    if !o.status.success() {
        let _ = std::fs::remove_file(&tmp);
        panic!(
            "compiling {name} ({ext}) failed:\n{} {} {} -o {}\n{}",
            command.join(" "),
            args.join(" "),
            sources
                .iter()
                .map(|s| s.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            tmp.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    std::fs::rename(&tmp, &out).expect("move compiled program into the cache");
    println!("compiled {name} ({ext}) in {:.1?}", started.elapsed());
    out
}

// ---------------------------------------------------------------------------
// A current Clang with a current wasi-libc: zig's, from the `ziglang` PyPI
// package, for what Debian's clang 14 cannot build (Wasm exception handling
// and the libsetjmp that lowers setjmp/longjmp to it).

/// `PYTHON -m ziglang cc` and its version.
struct ZigCc {
    command: Vec<String>,
    identity: String,
}

/// The Python interpreters that may have `ziglang`: `$WASI_RT_ZIG_PYTHON`,
/// the test venv that tests/run-all.sh makes, then `python3`.
fn zig_pythons() -> Vec<String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv/bin/python");
    let mut candidates = Vec::new();
    if let Ok(p) = std::env::var("WASI_RT_ZIG_PYTHON") {
        candidates.push(p);
    }
    candidates.push(venv.display().to_string());
    candidates.push("python3".into());
    candidates
}

fn probe_zig() -> Result<ZigCc, String> {
    let mut tried = Vec::new();
    for python in zig_pythons() {
        let o = Command::new(&python)
            .args(["-m", "ziglang", "version"])
            .env("ZIG_GLOBAL_CACHE_DIR", zig_cache())
            .output();
        match o {
            Ok(o) if o.status.success() => {
                return Ok(ZigCc {
                    identity: format!("zig {}", String::from_utf8_lossy(&o.stdout).trim()),
                    command: vec![python, "-m".into(), "ziglang".into(), "cc".into()],
                });
            }
            _ => tried.push(python),
        }
    }
    Err(format!(
        "no Python with the ziglang package (tried {}; `pip install ziglang`)",
        tried.join(", ")
    ))
}

/// Zig's cache of the libc it builds for wasm32-wasi, kept in target/.
fn zig_cache() -> PathBuf {
    cache_dir().join("zig-cache")
}

/// Zig's C compiler, or `None` after printing why the test is skipped (a
/// panic under CI=true, where tests/run-all.sh installs it).
fn zig_cc() -> Option<&'static ZigCc> {
    static ZIG: OnceLock<Result<ZigCc, String>> = OnceLock::new();
    match ZIG.get_or_init(probe_zig) {
        Ok(z) => Some(z),
        Err(why) if in_ci() => panic!("CI=true and zig's C compiler is missing: {why}"),
        Err(why) => {
            println!("skipped: {why}");
            None
        }
    }
}

/// NAME.c compiled by zig's clang for wasm32-wasi with FLAGS, plus the
/// assembly file that defines the `__c_longjmp` tag wasi-libc's libsetjmp
/// throws (its libc leaves it undefined).
fn compile_with_zig(zig: &ZigCc, name: &str, flags: &[&str]) -> PathBuf {
    let sources = vec![
        Path::new(SRC_DIR).join(format!("{name}.c")),
        Path::new(SRC_DIR).join("c_longjmp_tag.s"),
    ];
    let mut args: Vec<String> = vec!["-target".into(), "wasm32-wasi".into(), "-O2".into()];
    args.extend(flags.iter().map(|s| s.to_string()));
    // Zig reads where to keep the libc it builds from the environment.
    let mut command = vec![
        "env".to_string(),
        format!("ZIG_GLOBAL_CACHE_DIR={}", zig_cache().display()),
    ];
    command.extend(zig.command.iter().cloned());
    compile_cached(
        name,
        "wasm",
        &zig.identity,
        &command,
        &args,
        &sources,
        &[],
        &["-lsetjmp"],
    )
}

/// Both builds of tests/wasi-programs/NAME.c.
fn build_program(tc: &Toolchain, name: &str) -> (PathBuf, PathBuf) {
    build_program_with(tc, name, &[], &[])
}

/// As `build_program`, with extra flags for the wasm and native builds.
fn build_program_with(
    tc: &Toolchain,
    name: &str,
    wasm_flags: &[&str],
    native_flags: &[&str],
) -> (PathBuf, PathBuf) {
    let src = vec![Path::new(SRC_DIR).join(format!("{name}.c"))];
    let hdr = vec![Path::new(SRC_DIR).join("common.h")];
    let wasm = compile(tc, name, Target::Wasm, &src, &hdr, wasm_flags, &[]);
    let native = compile(tc, name, Target::Native, &src, &hdr, native_flags, &[]);
    (wasm, native)
}

// ---------------------------------------------------------------------------
// Temporary directories

/// A fresh directory under target/tmp, removed when the test passes and
/// kept (and its path printed) when it fails.
struct TempRoot(PathBuf);

impl TempRoot {
    fn new(test: &str) -> TempRoot {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "wasi-programs-{test}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        // Canonical, so that absolute paths handed to the guest and the
        // paths the harness compares agree.
        TempRoot(p.canonicalize().unwrap())
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn dir(&self, name: &str) -> PathBuf {
        let d = self.0.join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("(kept {} for inspection)", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

// ---------------------------------------------------------------------------
// Running programs

#[derive(Debug)]
struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    elapsed: Duration,
}

impl Outcome {
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs CMD with STDIN fed from a thread, both outputs captured, killed
/// after RUN_TIMEOUT.
fn run(mut cmd: Command, stdin: Option<&[u8]>) -> Outcome {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let desc = format!("{cmd:?}");
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {desc}: {e}"));
    let feeder = stdin.map(|data| {
        let data = data.to_vec();
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            // The program may exit without reading everything.
            let _ = pipe.write_all(&data);
        })
    });
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("timed out after {RUN_TIMEOUT:?}: {desc}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Outcome {
        code: status.code(),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        elapsed,
    }
}

/// The native build in CWD, with exactly ENV as its environment.
fn run_native(
    exe: &Path,
    cwd: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
) -> Outcome {
    let mut cmd = Command::new(exe);
    cmd.args(args).current_dir(cwd).env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(cmd, stdin)
}

/// `wasi-rt run OPTS WASM ARGS`, with the process's working directory set
/// to CWD (never the preopened directory, so paths must go through the
/// preopen).
fn run_wasm(
    opts: &[String],
    wasm: &Path,
    args: &[&str],
    cwd: &Path,
    stdin: Option<&[u8]>,
) -> Outcome {
    run_wasm_env(opts, wasm, args, cwd, &[], stdin)
}

fn run_wasm_env(
    opts: &[String],
    wasm: &Path,
    args: &[&str],
    cwd: &Path,
    host_env: &[(&str, &str)],
    stdin: Option<&[u8]>,
) -> Outcome {
    let mut cmd = Command::new(wasi_rt());
    cmd.arg("run")
        .args(opts)
        .arg(wasm)
        .args(args)
        .current_dir(cwd);
    for (k, v) in host_env {
        cmd.env(k, v);
    }
    run(cmd, stdin)
}

fn preopen(host: &Path, guest: &str) -> String {
    format!("{}::{guest}", host.display())
}

// ---------------------------------------------------------------------------
// Comparing

/// A readable line diff of two texts: common prefix and suffix trimmed,
/// the middle diffed line by line (or shown whole when it is very long).
fn diff(a: &str, b: &str) -> String {
    let la: Vec<&str> = a.split_inclusive('\n').collect();
    let lb: Vec<&str> = b.split_inclusive('\n').collect();
    let mut pre = 0;
    while pre < la.len() && pre < lb.len() && la[pre] == lb[pre] {
        pre += 1;
    }
    let mut suf = 0;
    while suf < la.len() - pre
        && suf < lb.len() - pre
        && la[la.len() - 1 - suf] == lb[lb.len() - 1 - suf]
    {
        suf += 1;
    }
    let ma = &la[pre..la.len() - suf];
    let mb = &lb[pre..lb.len() - suf];
    let mut out = format!("--- native\n+++ wasi-rt\n@@ from line {} @@\n", pre + 1);
    let show = |l: &str| {
        let l = l.strip_suffix('\n').unwrap_or(l);
        if l.len() > 300 {
            format!(
                "{}... ({} bytes)",
                &l[..l.floor_char_boundary(300)],
                l.len()
            )
        } else {
            l.to_string()
        }
    };
    if ma.len() * mb.len() > 4_000_000 {
        for l in ma.iter().take(40) {
            out += &format!("-{}\n", show(l));
        }
        for l in mb.iter().take(40) {
            out += &format!("+{}\n", show(l));
        }
        return out;
    }
    // Longest common subsequence table, then walk it.
    let (n, m) = (ma.len(), mb.len());
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if ma[i] == mb[j] {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j, mut lines) = (0, 0, 0);
    while (i < n || j < m) && lines < 200 {
        if i < n && j < m && ma[i] == mb[j] {
            out += &format!(" {}\n", show(ma[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
            out += &format!("-{}\n", show(ma[i]));
            i += 1;
        } else {
            out += &format!("+{}\n", show(mb[j]));
            j += 1;
        }
        lines += 1;
    }
    if lines >= 200 {
        out += "... (diff cut)\n";
    }
    out
}

/// A description of everything under DIR: path -> kind, size, content
/// hash, link target; with MTIMES also modification times.
fn snapshot(dir: &Path, mtimes: bool, skip: Option<&Path>) -> BTreeMap<String, String> {
    fn walk(
        root: &Path,
        dir: &Path,
        mtimes: bool,
        skip: Option<&Path>,
        out: &mut BTreeMap<String, String>,
    ) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let md = std::fs::symlink_metadata(&p).unwrap();
            let mt = if mtimes {
                use std::os::unix::fs::MetadataExt;
                format!(" mtime={}.{:09}", md.mtime(), md.mtime_nsec())
            } else {
                String::new()
            };
            let ft = md.file_type();
            if ft.is_symlink() {
                out.insert(
                    rel,
                    format!("symlink -> {}", std::fs::read_link(&p).unwrap().display()),
                );
            } else if ft.is_dir() {
                if Some(p.as_path()) == skip {
                    out.insert(rel, "dir (not compared inside)".into());
                    continue;
                }
                out.insert(rel, format!("dir{mt}"));
                walk(root, &p, mtimes, skip, out);
            } else if ft.is_file() {
                let bytes = std::fs::read(&p).unwrap();
                out.insert(
                    rel,
                    format!(
                        "file len={} fnv={:016x}{mt}",
                        bytes.len(),
                        fnv(FNV_START, &bytes)
                    ),
                );
            } else {
                out.insert(rel, format!("other {ft:?}"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, mtimes, skip, &mut out);
    out
}

fn snapshot_text(s: &BTreeMap<String, String>) -> String {
    s.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
}

/// Requires the same exit status, stdout and stderr from both runs.
fn assert_same(what: &str, native: &Outcome, wasm: &Outcome) {
    let mut problems = Vec::new();
    if native.code != wasm.code {
        problems.push(format!(
            "exit status: native {:?}, wasi-rt {:?}",
            native.code, wasm.code
        ));
    }
    if native.stdout != wasm.stdout {
        problems.push(format!(
            "stdout differs:\n{}",
            diff(&native.out(), &wasm.out())
        ));
    }
    if native.stderr != wasm.stderr {
        problems.push(format!(
            "stderr differs:\n{}",
            diff(&native.err(), &wasm.err())
        ));
    }
    if !problems.is_empty() {
        let cut = |s: String| {
            if s.len() > 3000 {
                format!(
                    "{}\n... ({} bytes)",
                    &s[..s.floor_char_boundary(3000)],
                    s.len()
                )
            } else {
                s
            }
        };
        panic!(
            "{what}: wasi-rt and native differ\n{}\n\n=== native stdout ===\n{}\n=== native stderr ===\n{}\n=== wasi-rt stdout ===\n{}\n=== wasi-rt stderr ===\n{}",
            problems.join("\n"),
            cut(native.out()),
            cut(native.err()),
            cut(wasm.out()),
            cut(wasm.err())
        );
    }
}

/// The usual comparison: NAME built both ways, run in two empty
/// directories with the same ARGS, ENV and STDIN; same outputs, same
/// resulting files.
fn compare_program(name: &str, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) {
    let Some(tc) = toolchain() else { return };
    let (wasm, native) = build_program(tc, name);
    let root = TempRoot::new(name);
    let nd = root.dir("native");
    let wd = root.dir("wasm");
    let n = run_native(&native, &nd, args, env, stdin);
    let mut opts = vec!["--dir".to_string(), preopen(&wd, ".")];
    for (k, v) in env {
        opts.push("--env".into());
        opts.push(format!("{k}={v}"));
    }
    let w = run_wasm(&opts, &wasm, args, root.path(), stdin);
    assert_same(name, &n, &w);
    let (sn, sw) = (snapshot(&nd, false, None), snapshot(&wd, false, None));
    assert!(
        sn == sw,
        "{name}: the directories differ after the runs:\n{}",
        diff(&snapshot_text(&sn), &snapshot_text(&sw))
    );
}

// ---------------------------------------------------------------------------
// One test per program

#[test]
fn a_reactor_is_initialised_before_its_exports_are_called() {
    let Some(tc) = toolchain() else { return };
    let src = vec![Path::new(SRC_DIR).join("reactor.c")];
    let wasm = compile(
        tc,
        "reactor",
        Target::Wasm,
        &src,
        &[],
        &["-mexec-model=reactor"],
        &[],
    );
    let root = TempRoot::new("reactor");
    let w = run_wasm(
        &["--invoke".into(), "greet".into()],
        &wasm,
        &["5"],
        root.path(),
        None,
    );
    assert_eq!(w.code, Some(0), "{}", w.err());
    assert_eq!(w.out(), "ready 5\n10\n");
}

#[test]
fn simd_program_built_with_simd128_matches_native() {
    let Some(tc) = toolchain() else { return };
    let (wasm, native) = build_program_with(tc, "simd", &["-O3", "-msimd128"], &["-O3"]);
    let root = TempRoot::new("simd");
    let nd = root.dir("native");
    let n = run_native(&native, &nd, &[], &[], None);
    let w = run_wasm(&[], &wasm, &[], root.path(), None);
    assert_same("simd", &n, &w);
    assert!(n.stdout.len() > 200, "the program printed its results");
}

#[test]
fn files_program_matches_native() {
    compare_program("files", &[], &[], None);
}

#[test]
fn directories_and_readdir_program_matches_native() {
    compare_program("dirs", &[], &[], None);
}

#[test]
fn stat_program_matches_native() {
    compare_program("stat", &[], &[], None);
}

#[test]
fn seek_and_pread_pwrite_program_matches_native() {
    compare_program("seek", &[], &[], None);
}

#[test]
fn file_positions_program_matches_native() {
    compare_program("positions", &[], &[], None);
}

#[test]
fn truncate_program_matches_native() {
    compare_program("truncate", &[], &[], None);
}

#[test]
fn rename_program_matches_native() {
    compare_program("rename", &[], &[], None);
}

#[test]
fn hard_links_program_matches_native() {
    compare_program("links", &[], &[], None);
}

#[test]
fn symlinks_program_matches_native() {
    compare_program("symlinks", &[], &[], None);
}

#[test]
fn clocks_program_matches_native() {
    compare_program("clocks", &[], &[], None);
}

#[test]
fn random_program_matches_native() {
    compare_program("random", &[], &[], None);
}

#[test]
fn args_program_matches_native() {
    // The first argument is a plain word: options right after FILE belong
    // to wasi-rt (its old-style syntax); after that everything is the
    // guest's, including things that look like options.
    compare_program(
        "args",
        &[
            "first",
            "two words",
            "",
            "ünïcødé ✓",
            "--dir",
            "x=y",
            "-",
            "--",
            "'quoted'",
            "tab\there",
        ],
        &[],
        None,
    );
}

#[test]
fn env_program_matches_native() {
    let Some(tc) = toolchain() else { return };
    let (wasm, native) = build_program(tc, "env");
    let root = TempRoot::new("env");
    let nd = root.dir("native");
    let wd = root.dir("wasm");
    let vars = [
        ("GREETING", "hello there"),
        ("EMPTY", ""),
        ("WITH_EQUALS", "a=b=c"),
        ("UNICODE", "żółw 🐢"),
    ];
    // Native: exactly these plus INHERITED. wasi-rt: these with
    // --env KEY=VALUE, and INHERITED passed through from its own
    // environment with --env KEY; nothing else of the host's environment
    // reaches the guest (PATH, HOME, ... are set for wasi-rt).
    let mut nenv = vars.to_vec();
    nenv.push(("INHERITED", "from the host"));
    let n = run_native(&native, &nd, &[], &nenv, None);
    let mut opts = vec!["--dir".to_string(), preopen(&wd, ".")];
    for (k, v) in vars {
        opts.push("--env".into());
        opts.push(format!("{k}={v}"));
    }
    opts.push("--env".into());
    opts.push("INHERITED".into());
    let w = run_wasm_env(
        &opts,
        &wasm,
        &[],
        root.path(),
        &[("INHERITED", "from the host")],
        None,
    );
    assert_same("env", &n, &w);
}

#[test]
fn exit_codes_match_native() {
    let Some(tc) = toolchain() else { return };
    let (wasm, native) = build_program(tc, "exit");
    let root = TempRoot::new("exit");
    let nd = root.dir("native");
    let wd = root.dir("wasm");
    // WASI reserves statuses from 126 up (Wasmtime refuses them), so these
    // stay below.
    for (how, n) in [
        ("exit", "0"),
        ("exit", "1"),
        ("exit", "42"),
        ("return", "0"),
        ("return", "3"),
        ("return", "125"),
        ("_exit", "7"),
        ("_exit", "0"),
    ] {
        let no = run_native(&native, &nd, &[how, n], &[], None);
        assert_eq!(no.code, Some(n.parse().unwrap()), "native {how} {n}");
        let wo = run_wasm(
            &["--dir".to_string(), preopen(&wd, ".")],
            &wasm,
            &[how, n],
            root.path(),
            None,
        );
        assert_same(&format!("exit {how} {n}"), &no, &wo);
    }
    // A usage error: status 2 and a message on stderr.
    let no = run_native(&native, &nd, &[], &[], None);
    let wo = run_wasm(&[], &wasm, &[], root.path(), None);
    assert_same("exit without arguments", &no, &wo);
}

#[test]
fn poll_program_matches_native() {
    compare_program("poll", &[], &[], Some(b"line one\nline two\n"));
}

#[test]
fn stdio_program_matches_native() {
    let mut input = Vec::new();
    for i in 0..20000 {
        input.extend_from_slice(format!("input line {i} {}\n", "x".repeat(i % 97)).as_bytes());
    }
    compare_program("stdio", &[], &[], Some(&input));
}

#[test]
fn ls_lists_a_preopened_directory_and_explains_a_missing_one() {
    let Some(tc) = toolchain() else { return };
    let (wasm, native) = build_program(tc, "ls");
    let root = TempRoot::new("ls");
    for side in ["native", "wasm"] {
        let data = root.dir(&format!("{side}/data"));
        for f in ["b.txt", "a.txt", "Zeta", ".hidden", "with space"] {
            std::fs::write(data.join(f), f).unwrap();
        }
        std::fs::create_dir_all(data.join("sub/inner")).unwrap();
        std::fs::create_dir_all(data.join("empty")).unwrap();
    }
    let (nd, wd) = (root.path().join("native"), root.path().join("wasm"));
    let n = run_native(&native, &nd, &["data"], &[], None);
    assert_eq!(
        n.out(),
        ".hidden\nZeta\na.txt\nb.txt\nempty/\nsub/\nwith space\n",
        "native ls output"
    );

    // With the directory preopened under the name the program is given.
    let w = run_wasm(
        &["--dir".into(), preopen(&wd.join("data"), "data")],
        &wasm,
        &["data"],
        root.path(),
        None,
    );
    assert_same("ls data with --dir", &n, &w);
    // Read-only is enough to list.
    let w = run_wasm(
        &["--dir-ro".into(), preopen(&wd.join("data"), "data")],
        &wasm,
        &["data"],
        root.path(),
        None,
    );
    assert_same("ls data with --dir-ro", &n, &w);
    // A subdirectory of a preopen.
    let n2 = run_native(&native, &nd, &["data/sub"], &[], None);
    let w2 = run_wasm(
        &["--dir".into(), preopen(&wd, ".")],
        &wasm,
        &["data/sub"],
        root.path(),
        None,
    );
    assert_same("ls data/sub with --dir WASM::.", &n2, &w2);

    // `--dir .` and `--dir ..` as written, relative to the working directory.
    let w = run_wasm(
        &["--dir".into(), ".".into()],
        &wasm,
        &["."],
        &wd.join("data"),
        None,
    );
    let n3 = run_native(&native, &nd.join("data"), &["."], &[], None);
    assert_same("ls . with --dir .", &n3, &w);
    let w = run_wasm(
        &["--dir".into(), "..".into()],
        &wasm,
        &[".."],
        &wd.join("data/sub"),
        None,
    );
    let n4 = run_native(&native, &nd.join("data/sub"), &[".."], &[], None);
    assert_same("ls .. with --dir ..", &n4, &w);

    // Without a preopen the program says why it cannot, and fails. (wasi-libc
    // finds no preopen for the path and reports ENOTCAPABLE.)
    let expected = "ls: cannot open data: Capabilities insufficient\n";
    let w = run_wasm(&[], &wasm, &["data"], &wd, None);
    println!("without --dir: status {:?}, stderr {:?}", w.code, w.err());
    assert_eq!(
        (w.code, w.out(), w.err()),
        (Some(1), String::new(), expected.to_string()),
        "ls without --dir"
    );
    // A preopen under another name does not help either.
    let w = run_wasm(
        &["--dir".into(), preopen(&wd.join("data"), "elsewhere")],
        &wasm,
        &["data"],
        &wd,
        None,
    );
    assert_eq!(
        (w.code, w.out(), w.err()),
        (Some(1), String::new(), expected.to_string()),
        "ls with another preopen"
    );
    // And the missing directory natively, for comparison.
    let n = run_native(&native, &nd, &["missing"], &[], None);
    assert_eq!(
        (n.code, n.err()),
        (
            Some(1),
            "ls: cannot open missing: No such file or directory\n".to_string()
        )
    );
}

// ---------------------------------------------------------------------------
// Sandbox escapes

/// What one escape attempt must give.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    /// Fails with ENOTCAPABLE (76): the default.
    NotCapable,
    /// Stays inside the sandbox: must succeed.
    Ok,
    /// May succeed or be refused as not capable; either way nothing
    /// outside is reachable (the snapshot checks that).
    OkOrNotCapable,
    /// Another errno is the right answer (see escape_expectation).
    Errno(&'static [&'static str]),
}

/// The expected result for an escape.c line. Everything not listed here
/// must fail with ENOTCAPABLE.
fn escape_expectation(label: &str, results: &HashMap<String, Attempt>) -> Want {
    if label.starts_with("control ") {
        return Want::Ok;
    }
    match label {
        // wasi-libc maps an absolute path onto the preopen whose name is
        // its prefix; "." is everyone's prefix, so these name
        // SANDBOX/etc/passwd and friends, which do not exist: ENOENT, and
        // the runtime never sees an absolute path.
        "open /etc/passwd" | "open /outside" | "open ROOT/outside" => Want::Errno(&["ENOENT"]),
        // Likewise SANDBOX/<root path>/..., whose parent does not exist.
        "create ROOT/created_abs" | "mkdir ROOT/newdir_abs" => Want::Errno(&["ENOENT"]),
        // Odd but ordinary names without a ".." component: just missing
        // files inside the sandbox.
        "open ..." | "open ..../outside" | "open ..\\outside" | "open sub/..."
        | "open .. outside" => Want::Errno(&["ENOENT"]),
        // Creating a symlink whose text points out is harmless; a runtime
        // may allow it (Linux semantics) or refuse it. Following it must
        // fail (below).
        "make symlink mk_up -> ../outside"
        | "make symlink mk_etc -> /etc"
        | "make symlink mk_dir -> ../outside_dir" => Want::OkOrNotCapable,
        // Linking through a symlink: the right answer is ENOTCAPABLE, but a
        // runtime that does not support following symlinks in path_link
        // says so with EINVAL or ENOTSUP (Wasmtime: EINVAL), which escapes
        // nothing either.
        "linkat link_up -> hard_follow (AT_SYMLINK_FOLLOW)" => {
            Want::Errno(&["ENOTCAPABLE", "EINVAL", "ENOTSUP"])
        }
        // ".." from a subdirectory's descriptor stays inside the preopen:
        // a runtime may treat each directory descriptor as a sandbox of
        // its own (Wasmtime) or allow it.
        "openat(sub, ../inside.txt)" | "openat(sub, deeper/../../inside.txt)" => {
            Want::OkOrNotCapable
        }
        // Not a descriptor: EBADF is right.
        "raw path_open(1000, inside.txt) (no such fd)"
        | "raw fd_prestat_get(4) (no second preopen)" => Want::Errno(&["EBADF"]),
        _ => {
            // Following a link the program made itself: ENOTCAPABLE, or
            // ENOENT when making it was refused.
            let made = |l: &str| results.get(l).map(|a| a.ok).unwrap_or(false);
            let follow_of = |prefix: &str, maker: &str| label.contains(prefix) && !made(maker);
            if follow_of("mk_up", "make symlink mk_up -> ../outside")
                || follow_of("mk_etc", "make symlink mk_etc -> /etc")
                || follow_of("mk_dir", "make symlink mk_dir -> ../outside_dir")
            {
                Want::Errno(&["ENOTCAPABLE", "ENOENT"])
            } else {
                Want::NotCapable
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Attempt {
    ok: bool,
    errno: Option<i32>,
    name: String,
    line: String,
}

/// Parses "LABEL: ok" and "LABEL: -1 errno=N NAME (message)" lines.
fn parse_attempts(out: &str) -> Vec<(String, Attempt)> {
    let mut v = Vec::new();
    for line in out.lines() {
        if line.starts_with("  ") || line == "done" {
            continue;
        }
        if let Some(label) = line.strip_suffix(": ok") {
            v.push((
                label.to_string(),
                Attempt {
                    ok: true,
                    errno: None,
                    name: "OK".into(),
                    line: line.into(),
                },
            ));
        } else if let Some(i) = line.find(": -1 errno=") {
            let rest = &line[i + ": -1 errno=".len()..];
            let mut it = rest.split(' ');
            let n = it.next().and_then(|s| s.parse().ok());
            let name = it.next().unwrap_or("").to_string();
            v.push((
                line[..i].to_string(),
                Attempt {
                    ok: false,
                    errno: n,
                    name,
                    line: line.into(),
                },
            ));
        } else {
            v.push((
                line.to_string(),
                Attempt {
                    ok: false,
                    errno: None,
                    name: "UNPARSED".into(),
                    line: line.into(),
                },
            ));
        }
    }
    v
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn escape_attempts_are_not_capable_and_touch_nothing_outside() {
    let Some(tc) = toolchain() else { return };
    let src = vec![Path::new(SRC_DIR).join("escape.c")];
    let wasm = compile(
        tc,
        "escape",
        Target::Wasm,
        &src,
        &[Path::new(SRC_DIR).join("common.h")],
        &[],
        &[],
    );
    let root = TempRoot::new("escape");
    let r = root.path();
    std::fs::write(r.join("outside"), "secret outside\n").unwrap();
    std::fs::create_dir(r.join("outside_dir")).unwrap();
    std::fs::write(r.join("outside_dir/inner"), "inner\n").unwrap();
    let sb = r.join("sandbox");
    std::fs::create_dir_all(sb.join("sub/deeper")).unwrap();
    std::fs::create_dir_all(sb.join("a/b")).unwrap();
    std::fs::write(sb.join("inside.txt"), "inside\n").unwrap();
    symlink("../outside", sb.join("link_up"));
    symlink("../outside_dir", sb.join("link_updir"));
    symlink("..", sb.join("link_dotdot"));
    symlink("/etc", sb.join("link_etc"));
    symlink(r.join("outside_dir"), sb.join("link_abs_dir"));
    symlink("link_up", sb.join("link_chain"));
    symlink("../created_outside", sb.join("link_new_out"));
    symlink("../../outside", sb.join("sub/link_upup"));
    // Set the times so that a change shows even within the same tick.
    for p in [r.join("outside"), r.join("outside_dir/inner")] {
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(1_234_567_890))
            .unwrap();
    }
    let before = snapshot(r, true, Some(&sb));

    let w = run_wasm(
        &["--dir".into(), preopen(&sb, ".")],
        &wasm,
        &[r.to_str().unwrap()],
        r,
        None,
    );
    let out = w.out();
    println!("{out}");
    assert_eq!(
        w.code,
        Some(0),
        "escape program failed:\n{out}\n{}",
        w.err()
    );
    assert!(
        out.lines().any(|l| l == "done"),
        "escape program did not finish:\n{out}"
    );

    let attempts = parse_attempts(&out);
    let results: HashMap<String, Attempt> = attempts.iter().cloned().collect();
    assert!(
        attempts.len() >= 100,
        "only {} attempts reported:\n{out}",
        attempts.len()
    );
    let mut wrong = Vec::new();
    for (label, a) in &attempts {
        let want = escape_expectation(label, &results);
        let good = match want {
            Want::Ok => a.ok,
            Want::NotCapable => a.errno == Some(ENOTCAPABLE) && a.name == "ENOTCAPABLE",
            Want::OkOrNotCapable => {
                a.ok || (a.errno == Some(ENOTCAPABLE) && a.name == "ENOTCAPABLE")
            }
            Want::Errno(names) => !a.ok && names.contains(&a.name.as_str()),
        };
        if !good {
            wrong.push(format!("  {}   (expected {want:?})", a.line));
        }
    }

    let after = snapshot(r, true, Some(&sb));
    let changed = before != after;
    assert!(
        wrong.is_empty() && !changed,
        "{} of {} escape attempts gave the wrong answer:\n{}\n{}",
        wrong.len(),
        attempts.len(),
        wrong.join("\n"),
        if changed {
            format!(
                "and things outside the sandbox changed:\n{}",
                diff(&snapshot_text(&before), &snapshot_text(&after))
            )
        } else {
            "nothing outside the sandbox changed".to_string()
        }
    );
}

#[test]
fn read_only_preopen_refuses_every_write() {
    let Some(tc) = toolchain() else { return };
    let src = vec![Path::new(SRC_DIR).join("readonly.c")];
    let wasm = compile(
        tc,
        "readonly",
        Target::Wasm,
        &src,
        &[Path::new(SRC_DIR).join("common.h")],
        &[],
        &[],
    );
    let root = TempRoot::new("readonly");
    let ro = root.dir("ro");
    std::fs::write(ro.join("file.txt"), "read me\n").unwrap();
    std::fs::create_dir(ro.join("emptydir")).unwrap();
    std::fs::create_dir(ro.join("subdir")).unwrap();
    std::fs::write(ro.join("subdir/inner.txt"), "inner\n").unwrap();
    symlink("file.txt", ro.join("link"));
    let before = snapshot(root.path(), true, None);

    let w = run_wasm(
        &["--dir-ro".into(), preopen(&ro, ".")],
        &wasm,
        &[],
        root.path(),
        None,
    );
    let out = w.out();
    println!("{out}");
    assert_eq!(
        w.code,
        Some(0),
        "readonly program failed:\n{out}\n{}",
        w.err()
    );
    assert!(
        out.lines().any(|l| l == "done"),
        "readonly program did not finish:\n{out}"
    );
    assert!(
        out.contains("  contents: [read me\n]"),
        "reads must see the file:\n{out}"
    );
    let mut wrong = Vec::new();
    let (mut reads, mut writes) = (0, 0);
    for line in out.lines() {
        if line.starts_with("read ") {
            reads += 1;
            if !line.ends_with(": ok") {
                wrong.push(format!("  {line}   (a read must work)"));
            }
        } else if line.starts_with("write ") {
            writes += 1;
            if line.ends_with(": ok") || line.contains("wrote a byte") {
                wrong.push(format!("  {line}   (a write must fail)"));
            }
        }
    }
    assert!(
        reads >= 10 && writes >= 20,
        "too few attempts ({reads} reads, {writes} writes):\n{out}"
    );
    let after = snapshot(root.path(), true, None);
    assert!(
        wrong.is_empty() && before == after,
        "read-only preopen:\n{}\n{}",
        wrong.join("\n"),
        if before != after {
            format!(
                "and the directory changed:\n{}",
                diff(&snapshot_text(&before), &snapshot_text(&after))
            )
        } else {
            "the directory did not change".into()
        }
    );
}

// ---------------------------------------------------------------------------
// The old ABI

#[test]
fn wasi_unstable_fd_write_prints_to_stdout() {
    let wat = Path::new(SRC_DIR).join("unstable_hello.wat");
    let root = TempRoot::new("unstable");
    let w = run_wasm(&[], &wat, &[], root.path(), None);
    assert_eq!(
        (w.code, w.out(), w.err()),
        (
            Some(0),
            "hello from wasi_unstable land\n".to_string(),
            String::new()
        ),
        "wasi_unstable module"
    );
}

/// WASI functions without a portable libc route (rights, renumber,
/// proc_raise, fd_tell, allocation, sync, times, append via fcntl, absolute
/// clock sleeps, readdir cookies): run under wasi-rt only, each line must
/// report ok.
#[test]
fn misc_wasi_functions_behave() {
    let Some(tc) = toolchain() else { return };
    let src = vec![Path::new(SRC_DIR).join("misc.c")];
    let wasm = compile(tc, "misc", Target::Wasm, &src, &[], &[], &[]);
    let root = TempRoot::new("misc");
    let boxdir = root.dir("box");
    let w = run_wasm(
        &["--dir".into(), preopen(&boxdir, ".")],
        &wasm,
        &[],
        root.path(),
        None,
    );
    let out = w.out();
    assert_eq!(w.code, Some(0), "{out}{}", w.err());
    assert_eq!(out.lines().count(), 36, "{out}");
    let bad: Vec<&str> = out.lines().filter(|l| !l.ends_with(": ok")).collect();
    assert!(bad.is_empty(), "failed checks: {bad:?}\n{out}");
}

// ---------------------------------------------------------------------------
// SQLite

/// The sqlite3 directory (with sqlite3.c and sqlite3.h) of the
/// libsqlite3-sys dev-dependency.
fn find_sqlite() -> Result<PathBuf, String> {
    // 1. Ask cargo where the package is.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let meta = Command::new(&cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
            manifest,
        ])
        .stderr(Stdio::null())
        .output();
    if let Ok(o) = meta {
        let text = String::from_utf8_lossy(&o.stdout);
        let key = "\"manifest_path\":\"";
        let mut pos = 0;
        while let Some(i) = text[pos..].find(key) {
            let start = pos + i + key.len();
            let end = start + text[start..].find('"').unwrap_or(0);
            let path = &text[start..end];
            pos = end;
            let p = Path::new(path);
            let is_it = p
                .parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().starts_with("libsqlite3-sys-"))
                .unwrap_or(false);
            if is_it {
                let dir = p.parent().unwrap().join("sqlite3");
                if dir.join("sqlite3.c").exists() {
                    return Ok(dir);
                }
            }
        }
    }
    // 2. Look in cargo's registry sources; take the newest version.
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map_err(|_| "no CARGO_HOME or HOME".to_string())?;
    let mut found: Vec<(Vec<u64>, PathBuf)> = Vec::new();
    for reg in std::fs::read_dir(home.join("registry/src"))
        .map_err(|e| format!("{}: {e}", home.display()))?
        .flatten()
    {
        for pkg in std::fs::read_dir(reg.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = pkg.file_name().to_string_lossy().into_owned();
            if let Some(ver) = name.strip_prefix("libsqlite3-sys-") {
                let dir = pkg.path().join("sqlite3");
                if dir.join("sqlite3.c").exists() {
                    let v = ver
                        .split(['.', '-', '+'])
                        .map(|s| s.parse().unwrap_or(0))
                        .collect();
                    found.push((v, dir));
                }
            }
        }
    }
    found.sort();
    found
        .pop()
        .map(|(_, d)| d)
        .ok_or_else(|| "libsqlite3-sys sources not found (cargo fetch?)".into())
}

/// Flags for both builds of SQLite. With `__wasi__` defined the
/// amalgamation (3.41 and later) itself drops mmap, WAL shared memory,
/// fchmod/fchown and getpid, and picks the "unix-dotfile" VFS (locking
/// with a lock directory); these two are spelled out for older copies too.
const SQLITE_FLAGS: &[&str] = &["-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION"];

#[test]
fn sqlite_matches_native() {
    let Some(tc) = toolchain() else { return };
    let sqlite = match find_sqlite() {
        Ok(d) => d,
        Err(why) if in_ci() => panic!("CI=true and SQLite's sources are missing: {why}"),
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    println!("sqlite sources: {}", sqlite.display());
    let sources = vec![
        Path::new(SRC_DIR).join("sqlite_driver.c"),
        sqlite.join("sqlite3.c"),
    ];
    let headers = vec![sqlite.join("sqlite3.h")];
    let include = format!("-I{}", sqlite.display());
    let mut flags: Vec<&str> = vec![&include];
    flags.extend(SQLITE_FLAGS);
    // Compile both at once (each takes a while; the results are cached).
    let (wasm, native) = std::thread::scope(|s| {
        let w = s.spawn(|| compile(tc, "sqlite", Target::Wasm, &sources, &headers, &flags, &[]));
        let n = s.spawn(|| {
            compile(
                tc,
                "sqlite",
                Target::Native,
                &sources,
                &headers,
                &flags,
                &["-lm"],
            )
        });
        (w.join().unwrap(), n.join().unwrap())
    });

    let root = TempRoot::new("sqlite");
    let nd = root.dir("native");
    let wd = root.dir("wasm");
    let n = run_native(&native, &nd, &[], &[], None);
    let w = run_wasm(
        &["--dir".into(), preopen(&wd, ".")],
        &wasm,
        &[],
        root.path(),
        None,
    );
    println!(
        "sqlite: native {:.3?}, wasi-rt {:.3?} (wasi-rt includes compiling the module)",
        n.elapsed, w.elapsed
    );
    assert!(
        n.out().contains("integrity_check=ok"),
        "native sqlite run looks wrong:\n{}\n{}",
        n.out(),
        n.err()
    );
    assert_same("sqlite", &n, &w);
    // The same run in-process, to tell compiling from running.
    let engine = wasi_rt::Engine::default();
    let started = std::time::Instant::now();
    let module = wasi_rt::Module::new(&engine, std::fs::read(&wasm).unwrap()).unwrap();
    let compiled = started.elapsed();
    let again = root.dir("again");
    let out = wasi_rt::wasi::OutputBuffer::new();
    let mut b = wasi_rt::wasi::WasiCtxBuilder::new();
    b.arg("sqlite").preopen_dir(&again, ".", false);
    b.stdout(wasi_rt::wasi::OutputSink::Buffer(out.clone()));
    let mut store = wasi_rt::Store::new(&engine);
    let started = std::time::Instant::now();
    let code = b.build().unwrap().run(&mut store, &module).unwrap();
    let ran = started.elapsed();
    assert_eq!(
        (code, out.contents()),
        (0, n.stdout.clone()),
        "in-process run"
    );
    println!(
        "sqlite: native run {:.3?}; wasi-rt run {ran:.3?} (ratio {:.2}x), compile {compiled:.3?}",
        n.elapsed,
        ran.as_secs_f64() / n.elapsed.as_secs_f64()
    );
    // Precompiled: `wasi-rt compile`, then a run that loads the machine
    // code instead of compiling, with the same output.
    let cwasm = root.path().join("sqlite.cwasm");
    let started = std::time::Instant::now();
    let st = Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .arg("compile")
        .arg(&wasm)
        .arg("-o")
        .arg(&cwasm)
        .status()
        .unwrap();
    assert!(st.success(), "wasi-rt compile failed");
    let precompiled_in = started.elapsed();
    let pd = root.dir("precompiled");
    let p = run_wasm(
        &[
            "--allow-precompiled".into(),
            "--dir".into(),
            preopen(&pd, "."),
        ],
        &cwasm,
        &[],
        root.path(),
        None,
    );
    assert_same("sqlite (precompiled)", &n, &p);
    let bytes = std::fs::read(&cwasm).unwrap();
    let started = std::time::Instant::now();
    // SAFETY: the file was just written by `wasi-rt compile`.
    let loaded = unsafe { wasi_rt::Module::from_precompiled(&engine, &bytes) }.unwrap();
    let load_time = started.elapsed();
    drop(loaded);
    println!(
        "sqlite: compile to a file {precompiled_in:.3?} (process), load it {load_time:.3?} \
         instead of compiling {compiled:.3?}; precompiled run (process) {:.3?}",
        p.elapsed
    );
    // Same database file, no journal or lock left behind.
    let (sn, sw) = (snapshot(&nd, false, None), snapshot(&wd, false, None));
    assert!(sn.contains_key("test.db"), "no test.db: {sn:?}");
    assert!(
        sn == sw,
        "sqlite: the directories differ after the runs:\n{}",
        diff(&snapshot_text(&sn), &snapshot_text(&sw))
    );
}

/// The setjmp program built by zig's Clang with exception handling for
/// longjmp, in the standard encoding (`legacy` false: `try_table`) or the
/// legacy one (`try`/`catch`/`delegate`), run under wasi-rt and natively.
fn compare_setjmp_program(legacy: bool) {
    let Some(tc) = toolchain() else { return };
    let Some(zig) = zig_cc() else { return };
    let encoding = if legacy {
        "-wasm-use-legacy-eh=true"
    } else {
        "-wasm-use-legacy-eh=false"
    };
    let wasm = compile_with_zig(
        zig,
        "setjmp",
        &["-mexception-handling", "-mllvm", "-wasm-enable-sjlj", "-mllvm", encoding],
    );
    let module = std::fs::read(&wasm).expect("read the wasm build");
    if legacy {
        assert!(
            uses_instruction(&module, |op| matches!(op, wasmparser::Operator::Try { .. })),
            "the build uses the legacy try"
        );
    } else {
        assert!(
            uses_instruction(&module, |op| matches!(op, wasmparser::Operator::TryTable { .. })),
            "the build uses try_table (the standard encoding)"
        );
    }
    let src = vec![Path::new(SRC_DIR).join("setjmp.c")];
    let native = compile(tc, "setjmp", Target::Native, &src, &[], &[], &[]);
    let root = TempRoot::new(if legacy { "setjmp-legacy" } else { "setjmp" });
    let n = run_native(&native, &root.dir("native"), &[], &[], None);
    let w = run_wasm(&[], &wasm, &[], root.path(), None);
    assert_same("setjmp", &n, &w);
    assert!(n.out().contains("20000 jumps"), "the program ran to its end");
}

#[test]
fn setjmp_longjmp_built_with_wasm_exceptions_matches_native() {
    compare_setjmp_program(false);
}

#[test]
fn setjmp_longjmp_built_with_legacy_wasm_exceptions_matches_native() {
    compare_setjmp_program(true);
}

/// Whether any function body of MODULE has an instruction PRED accepts.
fn uses_instruction(module: &[u8], pred: impl Fn(&wasmparser::Operator) -> bool) -> bool {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            let mut ops = body.get_operators_reader().expect("a function body");
            while !ops.eof() {
                if pred(&ops.read().expect("an instruction")) {
                    return true;
                }
            }
        }
    }
    false
}
