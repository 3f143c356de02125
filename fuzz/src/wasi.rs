//! WASI calls with generated arguments against a scratch directory: a
//! sandbox root (preopened read-write), a read-only preopen, and files and
//! directories outside both. After a sequence of random calls (paths made of
//! `..`, symlinks, absolute and overlong names, bad pointers, random flags
//! and rights), nothing outside the sandbox root may have changed, the
//! read-only preopen must be as it was, and the host must still be
//! standing.

use crate::{Finding, Stats};
use arbitrary::Unstructured;
use std::path::{Path, PathBuf};
use wasi_rt::wasi::{OutputBuffer, OutputSink, StdinSource, WasiCtxBuilder};

/// Every `wasi_snapshot_preview1` function: name and parameter types
/// (`i` i32, `I` i64); all return an errno except `proc_exit`.
const FUNCS: &[(&str, &str)] = &[
    ("args_get", "ii"),
    ("args_sizes_get", "ii"),
    ("environ_get", "ii"),
    ("environ_sizes_get", "ii"),
    ("clock_res_get", "ii"),
    ("clock_time_get", "iIi"),
    ("fd_advise", "iIIi"),
    ("fd_allocate", "iII"),
    ("fd_close", "i"),
    ("fd_datasync", "i"),
    ("fd_fdstat_get", "ii"),
    ("fd_fdstat_set_flags", "ii"),
    ("fd_fdstat_set_rights", "iII"),
    ("fd_filestat_get", "ii"),
    ("fd_filestat_set_size", "iI"),
    ("fd_filestat_set_times", "iIIi"),
    ("fd_pread", "iiiIi"),
    ("fd_prestat_get", "ii"),
    ("fd_prestat_dir_name", "iii"),
    ("fd_pwrite", "iiiIi"),
    ("fd_read", "iiii"),
    ("fd_readdir", "iiiIi"),
    ("fd_renumber", "ii"),
    ("fd_seek", "iIii"),
    ("fd_sync", "i"),
    ("fd_tell", "ii"),
    ("fd_write", "iiii"),
    ("path_create_directory", "iii"),
    ("path_filestat_get", "iiiii"),
    ("path_filestat_set_times", "iiiiIIi"),
    ("path_link", "iiiiiii"),
    ("path_open", "iiiiiIIii"),
    ("path_readlink", "iiiiii"),
    ("path_remove_directory", "iii"),
    ("path_rename", "iiiiii"),
    ("path_symlink", "iiiii"),
    ("path_unlink_file", "iii"),
    ("poll_oneoff", "iiii"),
    ("proc_exit", "i"),
    ("proc_raise", "i"),
    ("random_get", "ii"),
    ("sched_yield", ""),
    ("sock_accept", "iii"),
    ("sock_recv", "iiiiii"),
    ("sock_send", "iiiii"),
    ("sock_shutdown", "ii"),
];

/// A module importing every function and exporting each under its name.
fn probe_wat() -> String {
    let mut imports = String::new();
    let mut exports = String::new();
    for (name, params) in FUNCS {
        let ps: String = params
            .chars()
            .map(|c| if c == 'i' { " i32" } else { " i64" })
            .collect();
        let result = if *name == "proc_exit" { "" } else { " (result i32)" };
        imports.push_str(&format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param{ps}){result}))\n"
        ));
        let gets: String = (0..params.len()).map(|i| format!(" (local.get {i})")).collect();
        exports.push_str(&format!(
            "(func (export \"{name}\") (param{ps}){result} (call ${name}{gets}))\n"
        ));
    }
    format!("(module\n{imports}(memory (export \"memory\") 2)\n{exports})")
}

/// Where generated strings and records live in guest memory.
const SLOTS: u32 = 0x1000;
const SLOT_SIZE: u32 = 0x400;
const NSLOTS: u32 = 8;
const DATA: u32 = 0x4000;

/// Path pieces: escapes, symlinks, odd names.
const PIECES: &[&str] = &[
    "a.txt", "sub", "sub/b.txt", "link", "out", "dirlink", "..", ".", "../outside.txt",
    "../outside-dir", "../ro/ro.txt", "/etc/passwd", "/", "new", "new-dir", "x/y/z", "sub/..",
    "sub/../..", "a.txt/", "sub/", "", "loop", "ro.txt", "\u{0}", "\u{fffd}",
];

fn path(u: &mut Unstructured<'_>) -> Vec<u8> {
    let mut p = Vec::new();
    for i in 0..u.int_in_range(1..=4u8).unwrap_or(1) {
        if i > 0 {
            p.push(b'/');
        }
        match u.int_in_range(0..=20u8).unwrap_or(0) {
            0 => p.extend(std::iter::repeat_n(b'x', 300)),
            1 => p.extend(b"../".repeat(u.int_in_range(1..=8usize).unwrap_or(1))),
            2 => p.push(0xff),
            _ => {
                let piece = PIECES[u.choose_index(PIECES.len()).unwrap_or(0)];
                p.extend_from_slice(piece.as_bytes());
            }
        }
    }
    p
}

/// Writes the per-call scratch data: path strings in the slots, iovecs and
/// poll subscriptions in the data area. Returns the slots' lengths.
fn prepare(mem: &mut [u8], u: &mut Unstructured<'_>) -> Vec<u32> {
    let mut lens = Vec::new();
    for s in 0..NSLOTS {
        let p = path(u);
        let at = (SLOTS + s * SLOT_SIZE) as usize;
        let n = p.len().min(SLOT_SIZE as usize);
        mem[at..at + n].copy_from_slice(&p[..n]);
        lens.push(n as u32);
    }
    // iovecs at DATA: (ptr, len) pairs over the data area.
    for i in 0..8u32 {
        let at = (DATA + i * 8) as usize;
        let ptr = DATA + 0x100 + u.int_in_range(0..=0x1000u32).unwrap_or(0);
        let len = u.int_in_range(0..=0x800u32).unwrap_or(16);
        mem[at..at + 4].copy_from_slice(&ptr.to_le_bytes());
        mem[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
    }
    // A few random bytes elsewhere (subscriptions, flags, anything).
    for _ in 0..u.int_in_range(0..=32u8).unwrap_or(0) {
        let at = u.int_in_range(DATA as usize + 0x100..=DATA as usize + 0x2000).unwrap_or(0);
        mem[at] = u.arbitrary().unwrap_or(0);
    }
    lens
}

fn arg32(u: &mut Unstructured<'_>, lens: &[u32], prev_slot: &mut Option<u32>) -> i32 {
    if let Some(s) = prev_slot.take()
        && u.ratio(3u8, 4u8).unwrap_or(true)
    {
        return lens[s as usize] as i32;
    }
    match u.int_in_range(0..=9u8).unwrap_or(0) {
        0..=2 => u.int_in_range(0..=8i32).unwrap_or(3),
        3 | 4 => {
            let s = u.int_in_range(0..=NSLOTS - 1).unwrap_or(0);
            *prev_slot = Some(s);
            (SLOTS + s * SLOT_SIZE) as i32
        }
        5 => DATA as i32,
        6 => DATA as i32 + 0x2000 + 8 * u.int_in_range(0..=16i32).unwrap_or(0),
        7 => [0xffff, 0x1_fff8, 0x2_0000, i32::MAX, -1][u.choose_index(5).unwrap_or(0)],
        _ => u.arbitrary().unwrap_or(0),
    }
}

fn arg64(u: &mut Unstructured<'_>) -> i64 {
    match u.int_in_range(0..=5u8).unwrap_or(0) {
        0 => 0,
        1 => -1,
        2 => u.int_in_range(0..=4096i64).unwrap_or(0),
        3 => i64::MAX,
        _ => u.arbitrary().unwrap_or(0),
    }
}

/// Everything under `dir` that matters: type, mode, size, contents,
/// modification time, symlink targets; sorted.
fn snapshot(dir: &Path, skip: &Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            out.push(format!("{}: unreadable", d.display()));
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p == skip {
                continue;
            }
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
            let mut line = format!("{rel} mode={:o} mtime={}", m.mode(), m.mtime_nsec() + m.mtime() * 1_000_000_000);
            if m.file_type().is_symlink() {
                line.push_str(&format!(" -> {:?}", std::fs::read_link(&p).ok()));
            } else if m.is_dir() {
                stack.push(p);
            } else {
                line.push_str(&format!(" size={} {:?}", m.len(), std::fs::read(&p).ok().map(|b| crate::hash(&b))));
            }
            out.push(line);
        }
    }
    out.sort();
    out
}

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        // Make everything writable again so it can be removed.
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+rwx"])
            .arg(&self.0)
            .status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> std::io::Result<Scratch> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let top = std::env::temp_dir().join(format!(
        "wasi-rt-fuzz-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&top);
    let root = top.join("root");
    std::fs::create_dir_all(root.join("sub"))?;
    std::fs::create_dir_all(top.join("outside-dir"))?;
    std::fs::create_dir_all(top.join("ro"))?;
    std::fs::write(root.join("a.txt"), "inside")?;
    std::fs::write(root.join("sub/b.txt"), "deeper")?;
    std::fs::write(top.join("outside.txt"), "secret")?;
    std::fs::write(top.join("outside-dir/c.txt"), "secret too")?;
    std::fs::write(top.join("ro/ro.txt"), "read only")?;
    std::os::unix::fs::symlink("a.txt", root.join("link"))?;
    std::os::unix::fs::symlink("../outside.txt", root.join("out"))?;
    std::os::unix::fs::symlink("../outside-dir", root.join("dirlink"))?;
    std::os::unix::fs::symlink("loop", root.join("loop"))?;
    Ok(Scratch(top))
}

pub fn run(data: &[u8], stats: &mut Stats) -> Result<(), Finding> {
    use std::sync::OnceLock;
    static MODULE: OnceLock<wasi_rt::Module> = OnceLock::new();
    let engine = crate::epoch_engine();
    let module = MODULE.get_or_init(|| wasi_rt::Module::new(engine, probe_wat()).expect("probe"));
    let mut u = Unstructured::new(data);
    let Ok(dir) = scratch() else {
        return Ok(()); // no scratch space: nothing to test
    };
    let top = dir.0.clone();
    let root = top.join("root");
    let before = snapshot(&top, &root);

    let mut b = WasiCtxBuilder::new();
    b.arg("probe")
        .env("K", "V")
        .preopen_dir(&root, ".", false)
        .preopen_dir(top.join("ro"), "ro", true)
        .stdin(StdinSource::Bytes(b"some input".to_vec()))
        .stdout(OutputSink::Buffer(OutputBuffer::with_limit(1 << 20)))
        .stderr(OutputSink::Null);
    let ctx = b.build().map_err(|e| Finding::new("WASI set-up failed", e.to_string(), Vec::new()))?;
    let mut store = wasi_rt::Store::new(engine);
    let inst = ctx
        .instantiate(&mut store, module)
        .map_err(|e| Finding::new("the probe does not instantiate", e.to_string(), Vec::new()))?;
    let mem = inst.get_memory(&store, "memory").expect("memory");
    stats.inputs += 1;
    stats.modules += 1;

    let mut log = Vec::new();
    for _ in 0..u.int_in_range(1..=40u8).unwrap_or(1) {
        if u.is_empty() {
            break;
        }
        let (name, params) = FUNCS[u.choose_index(FUNCS.len()).unwrap_or(0)];
        let lens = prepare(mem.data_mut(&mut store), &mut u);
        let mut prev_slot = None;
        let mut args = Vec::new();
        for (i, p) in params.chars().enumerate() {
            let v = if p == 'i' {
                wasi_rt::Val::I32(arg32(&mut u, &lens, &mut prev_slot))
            } else {
                let mut v = arg64(&mut u);
                // fd_allocate really reserves disk: keep it small.
                if name == "fd_allocate" && i == 2 {
                    v = v.rem_euclid(1 << 20);
                }
                wasi_rt::Val::I64(v)
            };
            args.push(v);
        }
        let f = inst.get_func(&store, name).expect("export");
        let mut out = vec![wasi_rt::Val::I32(0); f.ty(&store).results().len()];
        // A sleep or a wait ends at the deadline (about 50 ms on).
        store.set_epoch_deadline(5);
        let r = f.call(&mut store, &args, &mut out);
        stats.calls += 1;
        log.push(format!("{name}{args:?} -> {:?}", r.as_ref().map(|_| out.clone()).map_err(|e| e.to_string())));
    }
    drop(store);

    let after = snapshot(&top, &root);
    if before != after {
        let changed: Vec<String> = after
            .iter()
            .filter(|l| !before.contains(l))
            .chain(before.iter().filter(|l| !after.contains(l)))
            .cloned()
            .collect();
        return Err(Finding::new(
            "a WASI call changed something outside the sandbox",
            format!("changed: {changed:#?}\ncalls:\n{}", log.join("\n")),
            data.to_vec(),
        ));
    }
    Ok(())
}
