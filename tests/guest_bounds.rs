//! What a hostile guest can make the host allocate is bounded: WASI calls
//! check the descriptor before the guest's buffers, never stage the sum of
//! a guest's iovecs (which may overlap, so the sum can be far larger than
//! the guest's memory) in one host buffer, and refuse paths longer than
//! `PATH_MAX` before copying them. A global allocator records the largest
//! single allocation made on the test's thread while a probe runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wasi_rt::wasi::{Errno, OutputSink, StdinSource, WasiCtxBuilder};
use wasi_rt::{Engine, Instance, Memory, Module, Store, Val};

struct Tracking;

thread_local! {
    /// The largest allocation this thread made since `Largest::start`
    /// (`usize::MAX`: not tracking).
    static LARGEST: Cell<usize> = const { Cell::new(usize::MAX) };
}

// SAFETY: forwards to the system allocator; the bookkeeping only touches a
// const-initialised thread-local, which never allocates.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| {
            if l.get() != usize::MAX {
                l.set(l.get().max(layout.size()));
            }
        });
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|l| {
            if l.get() != usize::MAX {
                l.set(l.get().max(new_size));
            }
        });
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

/// The largest single allocation `f` makes on this thread.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    let r = f();
    let largest = LARGEST.with(|l| l.replace(usize::MAX));
    (r, largest)
}

/// No probe below may make the host allocate more than this at once.
const SMALL: usize = 64 * 1024;

const PROBE: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 16)
  ;; Writes `count` iovecs at 0, each (buf, len).
  (func (export "fill") (param $count i32) (param $buf i32) (param $len i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i32.store (i32.shl (local.get $i) (i32.const 3)) (local.get $buf))
        (i32.store offset=4 (i32.shl (local.get $i) (i32.const 3)) (local.get $len))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  (func (export "write") (param i32 i32 i32) (result i32) (call $write (local.get 0) (i32.const 0) (local.get 1) (local.get 2)))
  (func (export "read") (param i32 i32 i32) (result i32) (call $read (local.get 0) (i32.const 0) (local.get 1) (local.get 2)))
  (func (export "pwrite") (param i32 i32 i32) (result i32) (call $pwrite (local.get 0) (i32.const 0) (local.get 1) (i64.const 0) (local.get 2)))
  (func (export "recv") (param i32 i32 i32) (result i32)
    (call $recv (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (local.get 2) (i32.add (local.get 2) (i32.const 4))))
  (func (export "send") (param i32 i32 i32) (result i32)
    (call $send (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (local.get 2)))
  (func (export "open") (param $p i32) (param $n i32) (result i32)
    (call $open (i32.const 3) (i32.const 1) (local.get $p) (local.get $n) (i32.const 0)
                (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0)))
)"#;

/// 1 MiB of guest memory: the whole of it as the iovec array (131,071
/// entries, the last 8 bytes left for results), every entry covering all
/// of memory, so the iovecs add up to 128 GiB.
const MIB: u32 = 1 << 20;
const IOVS: u32 = MIB / 8 - 1;
const RESULT: u32 = MIB - 8;

struct Probe {
    store: Store,
    inst: Instance,
    mem: Memory,
}

impl Probe {
    fn new(b: WasiCtxBuilder) -> Probe {
        let engine = Engine::default();
        let module = Module::new(&engine, PROBE).unwrap();
        let mut store = Store::new(&engine);
        let inst = b.build().unwrap().instantiate(&mut store, &module).unwrap();
        let mem = inst.get_memory(&store, "memory").unwrap();
        let mut p = Probe { store, inst, mem };
        p.call("fill", &[IOVS as i32, 0, MIB as i32]);
        p
    }
    fn call(&mut self, name: &str, args: &[i32]) -> i32 {
        let f = self.inst.get_func(&self.store, name).unwrap();
        let args: Vec<Val> = args.iter().map(|a| Val::I32(*a)).collect();
        let mut out = vec![Val::I32(0); f.ty(&self.store).results().len()];
        f.call(&mut self.store, &args, &mut out).unwrap();
        out.first().map_or(0, |v| v.i32().unwrap())
    }
    fn errno(&mut self, name: &str, args: &[i32]) -> Errno {
        Errno(self.call(name, args) as u16)
    }
    fn result(&self) -> u32 {
        let b = &self.mem.data(&self.store)[RESULT as usize..][..4];
        u32::from_le_bytes(b.try_into().unwrap())
    }
}

#[test]
fn fd_write_of_overlapping_iovecs_stages_nothing() {
    let dev_null = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .unwrap();
    let mut b = WasiCtxBuilder::new();
    b.stdout(OutputSink::File(dev_null)).stderr(OutputSink::Null);
    let mut p = Probe::new(b);
    for fd in [1, 2] {
        let (errno, largest) =
            largest_allocation(|| p.errno("write", &[fd, IOVS as i32, RESULT as i32]));
        assert_eq!(errno, Errno::SUCCESS, "fd {fd}");
        assert!(largest < SMALL, "fd {fd}: an allocation of {largest} bytes");
        // One call moves at most 1,024 iovecs (Linux's IOV_MAX): a short
        // write, which the guest's C library continues.
        assert_eq!(p.result(), 1024 * MIB, "fd {fd}");
    }
}

#[test]
fn fd_read_into_overlapping_iovecs_stages_nothing() {
    let mut b = WasiCtxBuilder::new();
    b.stdin(StdinSource::Bytes(vec![7; 3 * MIB as usize]));
    let mut p = Probe::new(b);
    let (errno, largest) = largest_allocation(|| p.errno("read", &[0, IOVS as i32, RESULT as i32]));
    assert_eq!(errno, Errno::SUCCESS);
    assert!(largest < SMALL, "an allocation of {largest} bytes");
    assert_eq!(p.result(), 3 * MIB);
}

#[test]
fn socket_calls_check_the_descriptor_before_the_iovecs() {
    let mut p = Probe::new(WasiCtxBuilder::new());
    for (call, fd, want) in [
        ("recv", 99, Errno::BADF),
        ("recv", 0, Errno::NOTSOCK),
        ("send", 99, Errno::BADF),
        ("send", 1, Errno::NOTSOCK),
    ] {
        let (errno, largest) =
            largest_allocation(|| p.errno(call, &[fd, IOVS as i32, RESULT as i32 - 8]));
        assert_eq!(errno, want, "{call} on fd {fd}");
        assert!(largest < SMALL, "{call}: an allocation of {largest} bytes");
    }
}

#[test]
fn a_bad_descriptor_is_reported_before_bad_iovecs() {
    let mut p = Probe::new(WasiCtxBuilder::new());
    // An iovec count whose array would run past the end of memory.
    assert_eq!(p.errno("write", &[99, i32::MAX, RESULT as i32]), Errno::BADF);
    assert_eq!(p.errno("write", &[1, i32::MAX, RESULT as i32]), Errno::FAULT);
}

#[test]
fn a_path_longer_than_path_max_is_refused_before_it_is_copied() {
    let dir = std::env::temp_dir().join(format!("wasi-rt-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut b = WasiCtxBuilder::new();
    b.preopen_dir(&dir, ".", false);
    let mut p = Probe::new(b);
    // 64 MiB of "a/a/a/...".
    p.mem.grow(&mut p.store, 1008).unwrap();
    let len = 64 * MIB as usize;
    let path: Vec<u8> = b"a/".iter().copied().cycle().take(len).collect();
    p.mem.write(&mut p.store, 0, &path).unwrap();
    let (errno, largest) = largest_allocation(|| p.errno("open", &[0, len as i32]));
    assert_eq!(errno, Errno::NAMETOOLONG);
    assert!(largest < SMALL, "an allocation of {largest} bytes");
    // The limit is PATH_MAX: 4,095 bytes resolve, 4,096 do not.
    let mut ok = b"./".repeat(2047);
    ok.push(b'.');
    p.mem.write(&mut p.store, 0, &ok).unwrap();
    // (It names the preopen itself, a directory: ISDIR for this open.)
    assert_eq!(p.errno("open", &[0, 4095]), Errno::ISDIR);
    assert_eq!(p.errno("open", &[0, 4096]), Errno::NAMETOOLONG);
    let _ = std::fs::remove_dir_all(&dir);
}
