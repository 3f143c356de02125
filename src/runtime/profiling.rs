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
//!
//! With [`Profiler::JitDump`], the same functions go to `/tmp/jit-PID.dump`
//! in perf's jitdump format, with a copy of their machine code, so that
//! `perf inject --jit` can turn each into a small ELF file and `perf
//! annotate` shows compiled Wasm instruction by instruction. The file is
//! mapped once, executable, so that `perf record` notes where it is (record
//! with `-k mono`: the records carry `CLOCK_MONOTONIC` times).

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
    /// Linux `perf`'s jitdump file, `/tmp/jit-PID.dump`: names and machine
    /// code, for `perf inject --jit` and `perf annotate`.
    JitDump,
}

impl Profiler {
    /// The profiler called `name` ("none" or "perfmap"), if there is one.
    pub fn from_name(name: &str) -> Option<Profiler> {
        match name {
            "none" => Some(Profiler::None),
            "perfmap" => Some(Profiler::PerfMap),
            "jitdump" => Some(Profiler::JitDump),
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
///
/// Each symbol must describe code that is mapped readable while this runs
/// (the jitdump copies its bytes).
pub fn register(profiler: Profiler, symbols: &[Symbol]) {
    if symbols.is_empty() {
        return;
    }
    match profiler {
        Profiler::None => {}
        Profiler::PerfMap => register_perf_map(symbols),
        Profiler::JitDump => jitdump::register(symbols),
    }
}

/// Reports a profiler file that cannot be written, once per process.
fn warn_once(path: &std::path::Path, e: &std::io::Error) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| eprintln!("wasi-rt: cannot write {}: {e}", path.display()));
}

fn register_perf_map(symbols: &[Symbol]) {
    let mut file = PERF_MAP.lock().unwrap_or_else(|e| e.into_inner());
    if file.is_none() {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(perf_map_path())
        {
            Ok(f) => *file = Some(f),
            Err(e) => {
                warn_once(&perf_map_path(), &e);
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

/// perf's jitdump format (tools/perf/Documentation/jitdump-specification
/// in the Linux sources): a header, then one `JIT_CODE_LOAD` record per
/// function, all in the host's byte order.
mod jitdump {
    use super::{Symbol, warn_once};
    use std::io::Write;
    use std::sync::Mutex;

    const MAGIC: u32 = 0x4A69_5444;
    const VERSION: u32 = 1;
    const HEADER_SIZE: u32 = 40;
    const RECORD_CODE_LOAD: u32 = 0;
    /// Fixed part of a code-load record: the record header (id, size,
    /// time), then pid, tid, vma, code address, code size, code index.
    const CODE_LOAD_FIXED: usize = 16 + 4 + 4 + 8 + 8 + 8 + 8;

    /// The ELF machine of the code this process compiles.
    const ELF_MACHINE: u32 = if cfg!(target_arch = "x86_64") {
        62
    } else if cfg!(target_arch = "aarch64") {
        183
    } else {
        0
    };

    /// The open dump and the index of the next function written to it.
    struct Dump {
        file: std::fs::File,
        next_index: u64,
    }

    static DUMP: Mutex<Option<Dump>> = Mutex::new(None);

    /// The path of this process's jitdump file (perf finds it by its name,
    /// `jit-PID.dump`, among the process's mappings).
    pub fn path() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("jit-{}.dump", std::process::id()))
    }

    /// Nanoseconds of `CLOCK_MONOTONIC`, the clock `perf record -k mono`
    /// stamps samples with.
    fn now() -> u64 {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC
        // always exists on Linux.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }

    fn thread_id() -> u32 {
        // SAFETY: gettid has no preconditions.
        unsafe { libc::gettid() as u32 }
    }

    /// Creates the file, writes its header and maps its first page
    /// executable: that mapping is how perf learns where the dump is.
    fn open() -> std::io::Result<Dump> {
        use std::os::fd::AsRawFd;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(path())?;
        let mut h = Vec::with_capacity(HEADER_SIZE as usize);
        h.extend_from_slice(&MAGIC.to_ne_bytes());
        h.extend_from_slice(&VERSION.to_ne_bytes());
        h.extend_from_slice(&HEADER_SIZE.to_ne_bytes());
        h.extend_from_slice(&ELF_MACHINE.to_ne_bytes());
        h.extend_from_slice(&0u32.to_ne_bytes()); // padding
        h.extend_from_slice(&std::process::id().to_ne_bytes());
        h.extend_from_slice(&now().to_ne_bytes());
        h.extend_from_slice(&0u64.to_ne_bytes()); // flags
        file.write_all(&h)?;
        // SAFETY: maps one page of a file this process just wrote, read and
        // execute only, private: no memory the program uses changes. The
        // mapping is never unmapped (perf needs it to stay in the process's
        // maps) and nothing reads through it.
        let page = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if page == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Dump { file, next_index: 0 })
    }

    /// Appends one code-load record per symbol, with its machine code.
    pub fn register(symbols: &[Symbol]) {
        let mut dump = DUMP.lock().unwrap_or_else(|e| e.into_inner());
        if dump.is_none() {
            match open() {
                Ok(d) => *dump = Some(d),
                Err(e) => return warn_once(&path(), &e),
            }
        }
        let Some(d) = dump.as_mut() else { return };
        let pid = std::process::id();
        let tid = thread_id();
        let mut out = Vec::new();
        for s in symbols {
            let size = CODE_LOAD_FIXED + s.name.len() + 1 + s.size;
            out.extend_from_slice(&RECORD_CODE_LOAD.to_ne_bytes());
            out.extend_from_slice(&(size as u32).to_ne_bytes());
            out.extend_from_slice(&now().to_ne_bytes());
            out.extend_from_slice(&pid.to_ne_bytes());
            out.extend_from_slice(&tid.to_ne_bytes());
            out.extend_from_slice(&(s.start as u64).to_ne_bytes());
            out.extend_from_slice(&(s.start as u64).to_ne_bytes());
            out.extend_from_slice(&(s.size as u64).to_ne_bytes());
            out.extend_from_slice(&d.next_index.to_ne_bytes());
            out.extend_from_slice(s.name.as_bytes());
            out.push(0);
            // SAFETY: `register`'s contract: the symbol's code is mapped
            // readable, `size` bytes from `start`, while this runs.
            let code = unsafe { std::slice::from_raw_parts(s.start as *const u8, s.size) };
            out.extend_from_slice(code);
            d.next_index += 1;
        }
        // One write per module, so records of concurrent loads never
        // interleave.
        if let Err(e) = d.file.write_all(&out) {
            warn_once(&path(), &e);
        }
    }
}

/// The path of this process's jitdump file.
pub fn jit_dump_path() -> std::path::PathBuf {
    jitdump::path()
}
