//! The WASI capability sandbox, probed through raw WASI calls: every escape
//! route fails with ENOTCAPABLE and touches nothing outside the preopen;
//! bad paths and bad guest pointers get their proper errno; read-only
//! preopens refuse every modification.

use std::path::{Path, PathBuf};
use wasi_rt::wasi::{Errno, OutputBuffer, OutputSink, StdinSource, WasiCtx, WasiCtxBuilder};
use wasi_rt::{Engine, Instance, Memory, Module, Store, Val};

/// Thin exported wrappers over WASI calls; strings are written by the test
/// at `STR_A`/`STR_B`, the opened fd lands at 0, a filestat at 64.
const PROBE: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $utimes (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "open") (param $fd i32) (param $follow i32) (param $p i32) (param $n i32) (param $oflags i32) (param $fdflags i32) (result i32)
    (call $open (local.get $fd) (local.get $follow) (local.get $p) (local.get $n) (local.get $oflags)
                (i64.const -1) (i64.const -1) (local.get $fdflags) (i32.const 0)))
  (func (export "mkdir") (param i32 i32 i32) (result i32) (call $mkdir (local.get 0) (local.get 1) (local.get 2)))
  (func (export "rmdir") (param i32 i32 i32) (result i32) (call $rmdir (local.get 0) (local.get 1) (local.get 2)))
  (func (export "unlink") (param i32 i32 i32) (result i32) (call $unlink (local.get 0) (local.get 1) (local.get 2)))
  (func (export "rename") (param i32 i32 i32 i32 i32 i32) (result i32)
    (call $rename (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))
  (func (export "link") (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $link (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6)))
  (func (export "symlink") (param i32 i32 i32 i32 i32) (result i32)
    (call $symlink (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "stat") (param i32 i32 i32 i32) (result i32)
    (call $stat (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 64)))
  (func (export "utimes") (param i32 i32 i32) (result i32)
    (call $utimes (local.get 0) (i32.const 0) (local.get 1) (local.get 2) (i64.const 0) (i64.const 0) (i32.const 10)))
  (func (export "write") (param i32 i32 i32 i32) (result i32) (call $write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "read") (param i32 i32 i32 i32) (result i32) (call $read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "renumber") (param i32 i32) (result i32) (call $renumber (local.get 0) (local.get 1)))
  (func (export "close") (param i32) (result i32) (call $close (local.get 0)))
  (func (export "exit") (param i32) (call $exit (local.get 0)))
)"#;

const STR_A: u32 = 1024;
const STR_B: u32 = 4096;
const PREOPEN: i32 = 3;
const LOOKUP_FOLLOW: i32 = 1;
const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;

struct Sandbox {
    _tmp: TempDir,
    /// The directory that contains the sandbox and the "outside" objects.
    top: PathBuf,
    /// The preopened directory.
    root: PathBuf,
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sandbox(name: &str) -> Sandbox {
    let top = std::env::temp_dir().join(format!("wasi-rt-sandbox-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    let root = top.join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("inside.txt"), "inside").unwrap();
    std::fs::write(top.join("outside"), "secret").unwrap();
    std::fs::create_dir(top.join("outside-dir")).unwrap();
    Sandbox {
        _tmp: TempDir(top.clone()),
        top,
        root,
    }
}

/// Every path under `dir` with its contents (files) or marker (dirs, links).
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let ft = e.file_type().unwrap();
            if ft.is_symlink() {
                out.push((
                    rel,
                    format!("-> {}", std::fs::read_link(&p).unwrap().display()),
                ));
            } else if ft.is_dir() {
                out.push((rel, "<dir>".into()));
                stack.push(p);
            } else {
                out.push((rel, std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// Snapshot of everything in `top` except the sandbox root itself.
fn outside(s: &Sandbox) -> Vec<(String, String)> {
    snapshot(&s.top)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("root"))
        .collect()
}

struct Probe {
    store: Store,
    inst: Instance,
    mem: Memory,
}

impl Probe {
    fn new(ctx: WasiCtx) -> Probe {
        let engine = Engine::default();
        let module = Module::new(&engine, PROBE).unwrap();
        let mut store = Store::new(&engine);
        let inst = ctx.instantiate(&mut store, &module).unwrap();
        let mem = inst.get_memory(&store, "memory").unwrap();
        Probe { store, inst, mem }
    }
    fn put(&mut self, at: u32, s: &[u8]) -> (i32, i32) {
        self.mem.write(&mut self.store, at as usize, s).unwrap();
        (at as i32, s.len() as i32)
    }
    fn call(&mut self, name: &str, args: &[i32]) -> Errno {
        let f = self.inst.get_func(&self.store, name).unwrap();
        let args: Vec<Val> = args.iter().map(|a| Val::I32(*a)).collect();
        let mut out = [Val::I32(0)];
        f.call(&mut self.store, &args, &mut out).unwrap();
        Errno(out[0].i32().unwrap() as u16)
    }
    fn open(&mut self, dirfd: i32, path: &str, follow: bool, oflags: i32) -> Errno {
        let (p, n) = self.put(STR_A, path.as_bytes());
        self.call("open", &[dirfd, follow as i32, p, n, oflags, 0])
    }
    fn opened_fd(&self) -> i32 {
        i32::from_le_bytes(self.mem.data(&self.store)[0..4].try_into().unwrap())
    }
    fn on_path(&mut self, op: &str, dirfd: i32, path: &str) -> Errno {
        let (p, n) = self.put(STR_A, path.as_bytes());
        self.call(op, &[dirfd, p, n])
    }
    fn two_paths(&mut self, op: &str, a: &str, b: &str) -> Errno {
        let (pa, na) = self.put(STR_A, a.as_bytes());
        let (pb, nb) = self.put(STR_B, b.as_bytes());
        match op {
            "rename" => self.call("rename", &[PREOPEN, pa, na, PREOPEN, pb, nb]),
            "link" => self.call("link", &[PREOPEN, 0, pa, na, PREOPEN, pb, nb]),
            "symlink" => self.call("symlink", &[pa, na, PREOPEN, pb, nb]),
            _ => unreachable!(),
        }
    }
}

fn ctx_for(s: &Sandbox, readonly: bool) -> WasiCtx {
    let mut b = WasiCtxBuilder::new();
    b.preopen_dir(&s.root, ".", readonly);
    b.build().unwrap()
}

#[test]
fn dotdot_escapes_are_notcapable_and_touch_nothing() {
    let s = sandbox("dotdot");
    let before = outside(&s);
    let mut p = Probe::new(ctx_for(&s, false));
    for path in [
        "../outside",
        "sub/../../outside",
        "./../outside",
        "sub/../sub/../../outside",
        "..",
        "../outside-dir/x",
    ] {
        assert_eq!(
            p.open(PREOPEN, path, true, 0),
            Errno::NOTCAPABLE,
            "open {path}"
        );
        assert_eq!(
            p.open(PREOPEN, path, false, O_CREAT),
            Errno::NOTCAPABLE,
            "create {path}"
        );
    }
    assert_eq!(p.on_path("mkdir", PREOPEN, "../newdir"), Errno::NOTCAPABLE);
    assert_eq!(
        p.on_path("rmdir", PREOPEN, "../outside-dir"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.on_path("unlink", PREOPEN, "../outside"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.on_path("utimes", PREOPEN, "../outside"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("rename", "inside.txt", "../moved"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("rename", "../outside", "stolen"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("link", "inside.txt", "../linked"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("link", "../outside", "hardlink"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("symlink", "inside.txt", "../sym"),
        Errno::NOTCAPABLE
    );
    let (a, n) = p.put(STR_A, b"../outside");
    assert_eq!(
        p.call("stat", &[PREOPEN, LOOKUP_FOLLOW, a, n]),
        Errno::NOTCAPABLE
    );
    assert_eq!(outside(&s), before, "nothing outside the preopen changed");
}

#[test]
fn absolute_paths_are_notcapable() {
    let s = sandbox("absolute");
    let mut p = Probe::new(ctx_for(&s, false));
    let abs = s.top.join("outside").display().to_string();
    for path in ["/etc/passwd", "/", abs.as_str()] {
        assert_eq!(
            p.open(PREOPEN, path, true, 0),
            Errno::NOTCAPABLE,
            "open {path}"
        );
    }
    assert_eq!(
        p.on_path("mkdir", PREOPEN, "/tmp/wasi-rt-should-not-exist"),
        Errno::NOTCAPABLE
    );
    assert!(!Path::new("/tmp/wasi-rt-should-not-exist").exists());
}

#[test]
fn symlinks_leading_out_are_notcapable() {
    let s = sandbox("symlink");
    std::os::unix::fs::symlink("../outside", s.root.join("up")).unwrap();
    std::os::unix::fs::symlink("../outside-dir", s.root.join("updir")).unwrap();
    std::os::unix::fs::symlink("/etc", s.root.join("etc")).unwrap();
    std::os::unix::fs::symlink("sub/../../outside", s.root.join("sneaky")).unwrap();
    std::os::unix::fs::symlink("loop2", s.root.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", s.root.join("loop2")).unwrap();
    let before = outside(&s);
    let mut p = Probe::new(ctx_for(&s, false));
    for path in ["up", "etc/passwd", "sneaky", "updir/x", "sub/../up"] {
        assert_eq!(
            p.open(PREOPEN, path, true, 0),
            Errno::NOTCAPABLE,
            "open {path}"
        );
    }
    assert_eq!(
        p.open(PREOPEN, "updir/new", true, O_CREAT),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.on_path("mkdir", PREOPEN, "updir/newdir"),
        Errno::NOTCAPABLE
    );
    assert_eq!(p.on_path("mkdir", PREOPEN, "etc/newdir"), Errno::NOTCAPABLE);
    let (a, n) = p.put(STR_A, b"etc/passwd");
    assert_eq!(
        p.call("stat", &[PREOPEN, LOOKUP_FOLLOW, a, n]),
        Errno::NOTCAPABLE
    );
    // Without following, the link itself is visible (lstat semantics).
    let (a, n) = p.put(STR_A, b"up");
    assert_eq!(p.call("stat", &[PREOPEN, 0, a, n]), Errno::SUCCESS);
    assert_eq!(
        p.mem.data(&p.store)[64 + 16],
        7,
        "filetype is SYMBOLIC_LINK"
    );
    // Opening a link without following it is refused, not followed.
    assert_eq!(p.open(PREOPEN, "up", false, 0), Errno::LOOP);
    assert_eq!(p.open(PREOPEN, "loop1", true, 0), Errno::LOOP);
    assert_eq!(outside(&s), before);
}

#[test]
fn creating_an_absolute_symlink_is_notcapable() {
    let s = sandbox("abs-symlink");
    let mut p = Probe::new(ctx_for(&s, false));
    assert_eq!(
        p.two_paths("symlink", "/etc/passwd", "abs"),
        Errno::NOTCAPABLE
    );
    assert!(std::fs::symlink_metadata(s.root.join("abs")).is_err());
    // A relative link inside the sandbox is fine, and following it works.
    assert_eq!(p.two_paths("symlink", "inside.txt", "rel"), Errno::SUCCESS);
    assert_eq!(p.open(PREOPEN, "rel", true, 0), Errno::SUCCESS);
}

#[test]
fn a_subdirectory_fd_is_its_own_root_even_after_renumber() {
    let s = sandbox("subfd");
    let before = outside(&s);
    let mut p = Probe::new(ctx_for(&s, false));
    assert_eq!(p.open(PREOPEN, "sub", false, O_DIRECTORY), Errno::SUCCESS);
    let sub = p.opened_fd();
    assert_eq!(p.open(sub, "../../outside", true, 0), Errno::NOTCAPABLE);
    assert_eq!(p.open(sub, "../inside.txt", true, 0), Errno::NOTCAPABLE);
    // Move the subdirectory fd over the preopen's number: still confined.
    assert_eq!(p.call("renumber", &[sub, PREOPEN]), Errno::SUCCESS);
    assert_eq!(p.open(PREOPEN, "../inside.txt", true, 0), Errno::NOTCAPABLE);
    assert_eq!(
        p.open(PREOPEN, "../../outside", true, O_CREAT),
        Errno::NOTCAPABLE
    );
    assert_eq!(outside(&s), before);
}

#[test]
fn empty_path_is_noent() {
    let s = sandbox("empty");
    let mut p = Probe::new(ctx_for(&s, false));
    assert_eq!(p.open(PREOPEN, "", true, 0), Errno::NOENT);
    assert_eq!(p.on_path("mkdir", PREOPEN, ""), Errno::NOENT);
}

#[test]
fn path_that_is_not_utf8_is_ilseq() {
    let s = sandbox("utf8");
    let mut p = Probe::new(ctx_for(&s, false));
    let (a, n) = p.put(STR_A, b"bad\xff\xfename");
    assert_eq!(
        p.call("open", &[PREOPEN, 1, a, n, O_CREAT, 0]),
        Errno::ILSEQ
    );
    assert_eq!(snapshot(&s.root).len(), 2, "nothing was created");
}

#[test]
fn bad_guest_pointers_get_efault_or_einval_and_the_host_lives() {
    let s = sandbox("pointers");
    let mut p = Probe::new(ctx_for(&s, false));
    // Path beyond the end of memory.
    assert_eq!(
        p.call("open", &[PREOPEN, 1, 65530, 100, 0, 0]),
        Errno::FAULT
    );
    assert_eq!(p.call("open", &[PREOPEN, 1, -1, 10, 0, 0]), Errno::FAULT);
    // iovec array out of bounds, and an iovec pointing out of bounds.
    assert_eq!(p.call("write", &[1, 65536, 1, 0]), Errno::FAULT);
    p.mem
        .write(&mut p.store, 512, &[0xf0, 0xff, 0, 0, 0x20, 0, 0, 0])
        .unwrap();
    assert_eq!(p.call("write", &[1, 512, 1, 8]), Errno::FAULT);
    // A misaligned result pointer.
    p.mem
        .write(&mut p.store, 512, &[0, 2, 0, 0, 1, 0, 0, 0])
        .unwrap();
    assert_eq!(p.call("write", &[1, 512, 1, 9]), Errno::INVAL);
    // A result pointer out of bounds.
    assert_eq!(p.call("read", &[0, 512, 1, 65536]), Errno::FAULT);
    // Bad fd.
    assert_eq!(p.call("close", &[77]), Errno::BADF);
}

#[test]
fn read_only_preopen_refuses_every_modification() {
    let s = sandbox("readonly");
    let root_before = snapshot(&s.root);
    let mut p = Probe::new(ctx_for(&s, true));
    assert_eq!(
        p.open(PREOPEN, "new.txt", false, O_CREAT),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.open(PREOPEN, "inside.txt", false, 8 /* TRUNC */),
        Errno::NOTCAPABLE
    );
    assert_eq!(p.on_path("mkdir", PREOPEN, "newdir"), Errno::NOTCAPABLE);
    assert_eq!(p.on_path("rmdir", PREOPEN, "sub"), Errno::NOTCAPABLE);
    assert_eq!(
        p.on_path("unlink", PREOPEN, "inside.txt"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.on_path("utimes", PREOPEN, "inside.txt"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("rename", "inside.txt", "renamed.txt"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("link", "inside.txt", "hard.txt"),
        Errno::NOTCAPABLE
    );
    assert_eq!(
        p.two_paths("symlink", "inside.txt", "soft.txt"),
        Errno::NOTCAPABLE
    );
    // Reading works; the opened file has no write right.
    assert_eq!(p.open(PREOPEN, "inside.txt", true, 0), Errno::SUCCESS);
    let fd = p.opened_fd();
    // iovec at 256: 6 bytes at 512.
    p.mem
        .write(&mut p.store, 256, &[0, 2, 0, 0, 6, 0, 0, 0])
        .unwrap();
    assert_eq!(p.call("read", &[fd, 256, 1, 8]), Errno::SUCCESS);
    assert_eq!(&p.mem.data(&p.store)[512..518], b"inside");
    // Like POSIX for a file not opened for writing.
    assert_eq!(p.call("write", &[fd, 256, 1, 8]), Errno::BADF);
    // A subdirectory opened from it is read-only too.
    assert_eq!(p.open(PREOPEN, "sub", false, O_DIRECTORY), Errno::SUCCESS);
    let sub = p.opened_fd();
    assert_eq!(p.open(sub, "x", false, O_CREAT), Errno::NOTCAPABLE);
    assert_eq!(snapshot(&s.root), root_before);
}

#[test]
fn proc_exit_code_is_a_value_not_a_trap() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 42))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine);
    let ctx = WasiCtxBuilder::new().build().unwrap();
    assert_eq!(ctx.run(&mut store, &module).unwrap(), 42);
}

#[test]
fn stdout_buffer_and_stdin_bytes_reach_the_guest() {
    let engine = Engine::default();
    // Echoes stdin to stdout: read up to 100 bytes, write them back.
    let module = Module::new(
        &engine,
        r#"(module
             (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start")
               (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 100))
               (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
               (i32.store (i32.const 4) (i32.load (i32.const 8)))
               (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    let out = OutputBuffer::new();
    let mut b = WasiCtxBuilder::new();
    b.stdin(StdinSource::Bytes(b"echo me".to_vec()))
        .stdout(OutputSink::Buffer(out.clone()));
    let ctx = b.build().unwrap();
    let mut store = Store::new(&engine);
    assert_eq!(ctx.run(&mut store, &module).unwrap(), 0);
    assert_eq!(out.contents(), b"echo me");
}

#[test]
fn wasi_unstable_fd_write_prints() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "wasi_unstable" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1) (data (i32.const 16) "old wasi\n")
             (func (export "_start")
               (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 9))
               (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    let out = OutputBuffer::new();
    let mut b = WasiCtxBuilder::new();
    b.stdout(OutputSink::Buffer(out.clone()));
    let mut store = Store::new(&engine);
    assert_eq!(b.build().unwrap().run(&mut store, &module).unwrap(), 0);
    assert_eq!(out.contents(), b"old wasi\n");
}

#[test]
fn wasi_unstable_uses_its_own_seek_and_filestat_layouts() {
    let s = sandbox("preview0");
    std::fs::write(s.root.join("ten.txt"), "0123456789").unwrap();
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "wasi_unstable" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
             (import "wasi_unstable" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
             (import "wasi_unstable" "fd_filestat_get" (func $stat (param i32 i32) (result i32)))
             (memory (export "memory") 1) (data (i32.const 100) "ten.txt")
             (func (export "seek_end") (result i64)
               (drop (call $open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 7) (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0)))
               ;; preview0 whence 1 = END
               (drop (call $seek (i32.load (i32.const 0)) (i64.const -3) (i32.const 1) (i32.const 8)))
               (i64.load (i32.const 8)))
             (func (export "size_at_24") (result i64)
               (drop (call $stat (i32.load (i32.const 0)) (i32.const 200)))
               (i64.load (i32.const 224))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine);
    let inst = ctx_for(&s, false).instantiate(&mut store, &module).unwrap();
    let seek = inst
        .get_func(&store, "seek_end")
        .unwrap()
        .typed::<(), i64>(&store)
        .unwrap();
    assert_eq!(seek.call(&mut store, ()).unwrap(), 7);
    let size = inst
        .get_func(&store, "size_at_24")
        .unwrap()
        .typed::<(), i64>(&store)
        .unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 10);
}

#[test]
fn non_wasi_imports_and_missing_start_are_clear_errors() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let ctx = WasiCtxBuilder::new().build().unwrap();
    let m = Module::new(&engine, r#"(module (import "env" "f" (func)))"#).unwrap();
    let err = ctx.instantiate(&mut store, &m).unwrap_err().to_string();
    assert!(err.contains("env::f"), "{err}");
    let m = Module::new(&engine, r#"(module (memory (export "memory") 1))"#).unwrap();
    let err = ctx.run(&mut store, &m).unwrap_err().to_string();
    assert!(err.contains("no _start"), "{err}");
}

#[test]
fn preopen_of_a_missing_directory_is_a_clear_error() {
    let mut b = WasiCtxBuilder::new();
    b.preopen_dir("/definitely/not/here", "x", false);
    let err = b.build().err().expect("refused").to_string();
    assert!(err.contains("/definitely/not/here"), "{err}");
}

#[test]
fn proc_raise_of_a_terminating_signal_ends_the_program_with_128_plus_sig() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start") (drop (call $raise (i32.const 15))) unreachable))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine);
    let ctx = WasiCtxBuilder::new().build().unwrap();
    assert_eq!(ctx.run(&mut store, &module).unwrap(), 143);
}

#[test]
fn stdout_can_go_to_a_host_file() {
    let s = sandbox("stdout-file");
    let path = s.top.join("captured.txt");
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1) (data (i32.const 16) "to a file\n")
             (func (export "_start")
               (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 10))
               (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
               (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    let err = OutputBuffer::new();
    let mut b = WasiCtxBuilder::new();
    b.stdout(OutputSink::File(std::fs::File::create(&path).unwrap()))
        .stderr(OutputSink::Buffer(err.clone()))
        .stdin(StdinSource::Null);
    let mut store = Store::new(&engine);
    assert_eq!(b.build().unwrap().run(&mut store, &module).unwrap(), 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "to a file\n");
    assert_eq!(err.contents(), b"to a file\n");
}

#[test]
fn stdin_can_come_from_a_host_file() {
    let s = sandbox("stdin-file");
    let path = s.top.join("input.txt");
    std::fs::write(&path, "from a file").unwrap();
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start")
               (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 100))
               (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
               (i32.store (i32.const 4) (i32.load (i32.const 8)))
               (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    let out = OutputBuffer::new();
    let mut b = WasiCtxBuilder::new();
    b.stdin(StdinSource::File(std::fs::File::open(&path).unwrap()))
        .stdout(OutputSink::Buffer(out.clone()));
    let mut store = Store::new(&engine);
    assert_eq!(b.build().unwrap().run(&mut store, &module).unwrap(), 0);
    assert_eq!(out.contents(), b"from a file");
}

#[test]
fn wasi_unstable_poll_oneoff_reads_the_preview0_clock_subscription() {
    let engine = Engine::default();
    // One clock subscription (56 bytes, preview0 layout): userdata 7,
    // identifier 0, monotonic clock, 2 ms relative timeout.
    let module = Module::new(
        &engine,
        r#"(module
             (import "wasi_unstable" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "poll") (result i32)
               (i64.store (i32.const 0) (i64.const 7))
               (i32.store8 (i32.const 8) (i32.const 0))
               (i64.store (i32.const 16) (i64.const 0))
               (i32.store (i32.const 24) (i32.const 1))
               (i64.store (i32.const 32) (i64.const 2000000))
               (i64.store (i32.const 40) (i64.const 0))
               (i32.store16 (i32.const 48) (i32.const 0))
               (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
             (func (export "event") (result i64 i32 i32 i32)
               (i64.load (i32.const 64)) (i32.load16_u (i32.const 72)) (i32.load8_u (i32.const 74)) (i32.load (i32.const 128))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine);
    let inst = WasiCtxBuilder::new()
        .build()
        .unwrap()
        .instantiate(&mut store, &module)
        .unwrap();
    let poll = inst
        .get_func(&store, "poll")
        .unwrap()
        .typed::<(), i32>(&store)
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(poll.call(&mut store, ()).unwrap(), 0);
    assert!(started.elapsed() >= std::time::Duration::from_millis(2));
    let event = inst
        .get_func(&store, "event")
        .unwrap()
        .typed::<(), (i64, i32, i32, i32)>(&store)
        .unwrap();
    // userdata 7, errno 0, type CLOCK, one event.
    assert_eq!(event.call(&mut store, ()).unwrap(), (7, 0, 0, 1));
}

/// `fd_readdir(fd, buf=0, buf_len, cookie, bufused=65532)` as an export.
const READDIR: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_readdir" (func $rd (param i32 i32 i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "readdir") (param i32 i32 i64) (result i32)
    (call $rd (local.get 0) (i32.const 0) (local.get 1) (local.get 2) (i32.const 65532))))"#;

/// Lists `fd` from `cookie` as wasi-libc does: pages of `page` bytes,
/// each resumed at the cookie of the last whole entry. Returns the
/// (name, cookie after it) of every entry.
fn list_from(
    store: &mut Store,
    inst: &Instance,
    mem: Memory,
    page: i32,
    mut cookie: u64,
) -> Vec<(String, u64)> {
    let rd = inst.get_func(&*store, "readdir").unwrap();
    let mut out = Vec::new();
    loop {
        let mut r = [Val::I32(0)];
        rd.call(
            store,
            &[Val::I32(3), Val::I32(page), Val::I64(cookie as i64)],
            &mut r,
        )
        .unwrap();
        assert_eq!(r[0].i32(), Some(0), "errno");
        let data = mem.data(&*store);
        let used = u32::from_le_bytes(data[65532..65536].try_into().unwrap()) as usize;
        let mut at = 0;
        let mut whole = 0;
        while at + 24 <= used {
            let next = u64::from_le_bytes(data[at..at + 8].try_into().unwrap());
            let len = u32::from_le_bytes(data[at + 16..at + 20].try_into().unwrap()) as usize;
            if at + 24 + len > used {
                break;
            }
            let name = String::from_utf8_lossy(&data[at + 24..at + 24 + len]).into_owned();
            out.push((name, next));
            cookie = next;
            at += 24 + len;
            whole += 1;
        }
        if used < page as usize {
            return out;
        }
        assert!(whole > 0, "a page of {page} bytes holds no whole entry");
    }
}

#[test]
fn fd_readdir_pages_through_a_large_directory_and_resumes_at_any_cookie() {
    let s = sandbox("readdir-pages");
    let dir = s.root.join("many");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..5000 {
        std::fs::write(dir.join(format!("entry-{i:05}")), "").unwrap();
    }
    let mut b = WasiCtxBuilder::new();
    b.preopen_dir(&dir, ".", true);
    let engine = Engine::default();
    let module = Module::new(&engine, READDIR).unwrap();
    let mut store = Store::new(&engine);
    let inst = b.build().unwrap().instantiate(&mut store, &module).unwrap();
    let mem = inst.get_memory(&store, "memory").unwrap();

    // Small pages: thousands of calls, each resuming where the last ended.
    let all = list_from(&mut store, &inst, mem, 256, 0);
    let mut names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    let mut want: Vec<String> = (0..5000).map(|i| format!("entry-{i:05}")).collect();
    want.push(".".into());
    want.push("..".into());
    want.sort();
    assert_eq!(names, want, "every entry exactly once");
    // Cookies are small numbers (wasi-libc keeps them in a 32-bit long).
    assert!(all.iter().all(|(_, c)| *c <= 5002));

    // Resuming at any cookie gives exactly the rest of the listing, in
    // any order of requests.
    for start in [4000, 17, 2500, 1, 4999, 33, 64, 5002, 0] {
        let cookie = if start == 0 { 0 } else { all[start - 1].1 };
        let rest = list_from(&mut store, &inst, mem, 4096, cookie);
        assert_eq!(rest, all[start..].to_vec(), "from entry {start}");
    }
}
