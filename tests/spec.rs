//! Spec conformance: every `.wast` file of the official test suite runs;
//! every assertion of every file not on the known-failures list must pass.
//!
//! The suite is the current WebAssembly/testsuite (Wasm 3.0), read from
//! `$WASI_RT_SPEC_DIR`, default `../shared/wasm-spec-testsuite-3`: its top
//! level, `legacy/` (the legacy exception encoding), `custom/` (custom
//! sections and annotations) and `proposals/threads/`. Without it the test
//! is skipped, except under CI (`CI=true`) where a missing suite is a
//! failure.

use std::path::{Path, PathBuf};
use wasi_rt::Engine;

/// The directories of the suite that run, relative to its root.
const DIRS: &[&str] = &[
    "",
    "legacy",
    "custom",
    "proposals/threads",
    "proposals/custom-page-sizes",
    "proposals/wide-arithmetic",
];

/// Files known not to pass yet, each with its reason. This list only
/// shrinks: a listed file that passes fails the test until it is removed.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Single assertions that contradict the current standard: the threads
/// proposal's tests were written before Wasm 3.0 allowed several memories
/// and tables, and still expect modules with several to be refused. Each
/// must fail (a listed one that passes is a problem, like a known-failure
/// file that passes); it is counted apart, not as a failure.
const OBSOLETE: &[(&str, u32)] = &[
    ("proposals/threads/imports.wast", 309),
    ("proposals/threads/imports.wast", 313),
    ("proposals/threads/imports.wast", 317),
    ("proposals/threads/imports.wast", 404),
    ("proposals/threads/imports.wast", 408),
    ("proposals/threads/imports.wast", 412),
    ("proposals/threads/memory.wast", 14),
    ("proposals/threads/memory.wast", 15),
];

/// Why an obsolete assertion fails here.
const OBSOLETE_REASON: &str =
    "expects several memories or tables to be refused, which Wasm 3.0 allows";

fn known_failure(file: &str) -> Option<&'static str> {
    KNOWN_FAILURES
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, why)| *why)
}

fn suite_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("WASI_RT_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/wasm-spec-testsuite-3")
        });
    dir.is_dir().then_some(dir)
}

/// Runs without the libtest harness so the per-file counts always print.
fn main() {
    let Some(dir) = suite_dir() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the spec suite is missing (set WASI_RT_SPEC_DIR) and CI=true");
        }
        eprintln!("spec suite not found: skipped (set WASI_RT_SPEC_DIR)");
        return;
    };
    // Deep recursion tests need room below the entry point.
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || run_suite(dir))
        .expect("spawn the spec thread");
    let problems = handle.join().expect("the spec thread panicked");
    if !problems.is_empty() {
        eprintln!("spec suite problems:\n{}", problems.join("\n"));
        std::process::exit(1);
    }
}

/// The `.wast` files of the suite, as (name relative to the root, path).
fn suite_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for sub in DIRS {
        let d = dir.join(sub);
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "wast") {
                let file = p.file_name().and_then(|n| n.to_str()).unwrap_or("?");
                let name = if sub.is_empty() {
                    file.to_string()
                } else {
                    format!("{sub}/{file}")
                };
                files.push((name, p));
            }
        }
    }
    files.sort();
    files
}

fn run_suite(dir: PathBuf) -> Vec<String> {
    let engine = Engine::default();
    let files = suite_files(&dir);
    assert!(!files.is_empty(), "no .wast files in {}", dir.display());
    let (mut passed, mut failed, mut known_failed, mut obsolete) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for (known, _) in KNOWN_FAILURES {
        if !files.iter().any(|(name, _)| name == known) {
            problems.push(format!("{known} is on the known-failures list but not in the suite"));
        }
    }
    let mut known_files = 0;
    for (name, path) in files {
        let known = known_failure(&name);
        known_files += usize::from(known.is_some());
        match wasi_rt::wast::run_file(&engine, &path) {
            Ok(mut r) => {
                // Obsolete assertions (see OBSOLETE) fail by design.
                let listed: Vec<u32> = OBSOLETE
                    .iter()
                    .filter(|(f, _)| *f == name)
                    .map(|(_, line)| *line)
                    .collect();
                let before = r.failures.len();
                r.failures
                    .retain(|f| !listed.iter().any(|l| f.starts_with(&format!("line {l}: "))));
                let skipped = before - r.failures.len();
                if skipped != listed.len() {
                    problems.push(format!(
                        "{name}: {} of its {} obsolete assertions pass now: update OBSOLETE",
                        listed.len() - skipped,
                        listed.len()
                    ));
                }
                r.failed -= skipped;
                obsolete += skipped;
                println!(
                    "{name}: {} passed, {} failed{}",
                    r.passed,
                    r.failed,
                    if known.is_some() { " (known)" } else { "" }
                );
                passed += r.passed;
                failed += r.failed;
                if known.is_some() {
                    known_failed += r.failed;
                }
                match (r.failed, known) {
                    (0, Some(_)) => problems.push(format!(
                        "{name} passes now: take it off the known-failures list"
                    )),
                    (0, None) | (_, Some(_)) => {}
                    (_, None) => {
                        problems.push(format!("{name}: {} failed", r.failed));
                        problems.extend(r.failures.iter().take(20).map(|f| format!("  {f}")));
                    }
                }
            }
            Err(e) if known.is_some() => println!("{name}: cannot run ({e}) (known)"),
            Err(e) => problems.push(format!("{name}: cannot run: {e}")),
        }
    }
    println!(
        "spec suite total: {passed} assertions passed, {failed} failed \
         ({known_failed} of the failures in {known_files} known-failure files); \
         {obsolete} obsolete assertions ({OBSOLETE_REASON})"
    );
    problems
}
