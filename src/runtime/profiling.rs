//! Telling profilers where compiled Wasm functions are, so `perf report`
//! names them rather than showing anonymous addresses.
//!
//! With [`Profiler::PerfMap`], every module loaded into the engine (compiled,
//! precompiled or deserialized) appends one line per function to
//! `/tmp/perf-PID.map`, the file Linux `perf` reads for code it found no
//! symbols for: `START SIZE wasm::MODULE::FUNCTION` (hexadecimal start
//! and size). Names come from the module's name section
//! (`wasm::<module>::func7` without one); trampolines are listed as
//! `wasm::MODULE::trampoline[TYPE]`. Lines are only ever added: code that
//! was unloaded keeps its line (perf uses the newest that covers an
//! address).

use std::io::Write;
use std::sync::Mutex;

/// Which profiler compiled code is described for (`Config::profiler`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profiler {
    /// None (the default).
    #[default]
    None,
    /// Linux `perf`'s map file, `/tmp/perf-PID.map`.
    PerfMap,
}

impl Profiler {
    /// The profiler called `name` ("none" or "perfmap"), if there is one.
    pub fn from_name(name: &str) -> Option<Profiler> {
        match name {
            "none" => Some(Profiler::None),
            "perfmap" => Some(Profiler::PerfMap),
            _ => None,
        }
    }
}

/// The map file, opened on first use.
static PERF_MAP: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// The path of this process's perf map file.
pub fn perf_map_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("perf-{}.map", std::process::id()))
}

/// Keeps a name on one line of letters, digits and punctuation perf shows.
fn clean(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_whitespace() || c.is_control() { '_' } else { c })
        .collect()
}

/// One piece of loaded code: (address, size, name).
pub struct Symbol {
    pub start: usize,
    pub size: usize,
    pub name: String,
}

/// The symbol name of a function of a module.
pub fn symbol_name(module: Option<&str>, func: Option<&str>, index: u32) -> String {
    let module = module.map_or_else(|| "<module>".to_string(), clean);
    let func = func.map_or_else(|| format!("func{index}"), clean);
    format!("wasm::{module}::{func}")
}

/// Describes `symbols` to `profiler`. Failing to write the map is not an
/// error of the module: it is reported once on stderr.
pub fn register(profiler: Profiler, symbols: &[Symbol]) {
    if profiler != Profiler::PerfMap || symbols.is_empty() {
        return;
    }
    let mut file = PERF_MAP.lock().unwrap_or_else(|e| e.into_inner());
    if file.is_none() {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(perf_map_path())
        {
            Ok(f) => *file = Some(f),
            Err(e) => {
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| {
                    eprintln!("wasi-rt: cannot write {}: {e}", perf_map_path().display())
                });
                return;
            }
        }
    }
    let mut text = String::new();
    for s in symbols {
        text.push_str(&format!("{:x} {:x} {}\n", s.start, s.size, s.name));
    }
    if let Some(f) = file.as_mut() {
        // One write per module, so concurrent loads never interleave lines.
        let _ = f.write_all(text.as_bytes());
    }
}
