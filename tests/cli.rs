//! The `wasi-rt` command line.

use std::path::PathBuf;
use std::process::{Command, Output};

fn wasi_rt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .args(args)
        .output()
        .expect("run wasi-rt")
}

fn write_temp(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasi-rt-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

const ADD: &str = r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn run_invoke_prints_the_result() {
    let f = write_temp("add.wat", ADD.as_bytes());
    let o = wasi_rt(&["run", "--invoke", "add", f.to_str().unwrap(), "1", "2"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "3\n");
}

#[test]
fn options_after_the_file_are_accepted() {
    let f = write_temp("add2.wat", ADD.as_bytes());
    let o = wasi_rt(&[f.to_str().unwrap(), "--invoke", "add", "1", "2"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "3\n");
}

#[test]
fn multiple_results_print_one_per_line() {
    let f = write_temp(
        "pair.wat",
        br#"(module (func (export "pair") (result i64 f64) (i64.const -5) (f64.const 2.5)))"#,
    );
    let o = wasi_rt(&["run", "--invoke", "pair", f.to_str().unwrap()]);
    assert_eq!(stdout(&o), "-5\n2.5\n");
}

#[test]
fn malformed_module_gets_a_one_line_error_and_exit_1() {
    let f = write_temp("bad.wasm", b"\0asm\x01\0\0\0\xff");
    let o = wasi_rt(&["run", "--invoke", "x", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("malformed module"), "{err}");
}

#[test]
fn a_trap_prints_its_message_and_backtrace_and_fails() {
    let f = write_temp(
        "trap.wat",
        br#"(module (func $deep unreachable) (func (export "go") (call $deep)))"#,
    );
    let o = wasi_rt(&["run", "--invoke", "go", f.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("wasm trap: unreachable"), "{err}");
    assert!(err.contains("deep"), "backtrace names the function: {err}");
}

#[test]
fn wast_prints_counts_and_a_total_line() {
    let f = write_temp(
        "t.wast",
        br#"(module (func (export "one") (result i32) (i32.const 1)))
            (assert_return (invoke "one") (i32.const 1))
            (assert_return (invoke "one") (i32.const 2))"#,
    );
    let o = wasi_rt(&["wast", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("2 passed, 1 failed"), "{out}");
    assert_eq!(out.lines().last(), Some("2 passed, 1 failed"));
}

const HI: &[u8] = br#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1) (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 7))))"#;

#[test]
fn wasi_command_output_and_exit_code_pass_through() {
    let f = write_temp("hi.wat", HI);
    let o = wasi_rt(&[f.to_str().unwrap()]);
    assert_eq!(stdout(&o), "hi\n");
    assert_eq!(o.status.code(), Some(7));
}

#[test]
fn trace_prints_each_wasi_call_with_arguments_results_and_errno() {
    let f = write_temp("hi-trace.wat", HI);
    let o = wasi_rt(&["run", "--trace", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "fd_write(fd=1, iovs=0x0, iovs_len=1, nwritten=0x8) -> nwritten=3, errno=SUCCESS"
        ),
        "{err}"
    );
    assert!(err.contains("proc_exit(rval=7) -> exit(7)"), "{err}");
    assert_eq!(stdout(&o), "hi\n");
}

#[test]
fn trace_is_also_enabled_by_wasi_rt_log() {
    let f = write_temp("hi-log.wat", HI);
    let o = Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .arg(&f)
        .env("WASI_RT_LOG", "trace")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("fd_write(fd=1"));
}

#[test]
fn module_without_start_gets_a_clear_error() {
    let f = write_temp("nostart.wat", ADD.as_bytes());
    let o = wasi_rt(&["run", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no _start"),
        "{o:?}"
    );
}

#[test]
fn trap_in_a_wasi_command_exits_non_zero_with_backtrace() {
    let f = write_temp("trapstart.wat", br#"(module (memory (export "memory") 1) (func $boom unreachable) (func (export "_start") (call $boom)))"#);
    let o = wasi_rt(&[f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("wasm trap: unreachable") && err.contains("boom"),
        "{err}"
    );
}

#[test]
fn missing_preopen_directory_is_a_one_line_error() {
    let f = write_temp("hi-dir.wat", HI);
    let o = wasi_rt(&["run", "--dir", "/no/such/dir", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("/no/such/dir") && err.lines().count() == 1,
        "{err}"
    );
    assert!(err.contains("cannot open directory"), "{err}");
    assert!(!err.contains("type error"), "{err}");
}

#[test]
fn options_after_the_file_configure_wasi_too() {
    let f = write_temp("hi-old.wat", HI);
    let o = wasi_rt(&[f.to_str().unwrap(), "--dir=.", "--env", "A=b", "--", "arg"]);
    assert_eq!(stdout(&o), "hi\n");
    assert_eq!(o.status.code(), Some(7));
}

#[test]
fn tcplisten_hands_a_listening_socket_to_the_guest() {
    use std::io::{Read, Write};
    let echo = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/echo.wat");
    // Find a free port, then let wasi-rt listen on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .args(["run", "--tcplisten", &addr, echo])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stream = None;
    for _ in 0..200 {
        match std::net::TcpStream::connect(&addr) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(25)),
        }
    }
    let mut s = stream.expect("wasi-rt listens on the port");
    s.write_all(b"hello socket").unwrap();
    let mut back = Vec::new();
    s.read_to_end(&mut back).unwrap();
    assert_eq!(back, b"hello socket");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(57), "{out:?}");
}

#[test]
fn timeout_stops_a_guest_that_never_ends() {
    let f = write_temp(
        "spin.wat",
        br#"(module (func (export "_start") (loop $l (br $l))))"#,
    );
    let started = std::time::Instant::now();
    let o = wasi_rt(&["run", "--timeout", "0.2", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("interrupted"),
        "{o:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn timeout_leaves_a_guest_that_finishes_alone() {
    let f = write_temp("add_t.wat", ADD.as_bytes());
    let o = wasi_rt(&[
        "run",
        "--timeout",
        "5",
        "--invoke",
        "add",
        f.to_str().unwrap(),
        "2",
        "3",
    ]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "5\n");
    let bad = wasi_rt(&["run", "--timeout", "soon", f.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--timeout needs a number"));
}

#[test]
fn v128_results_print_as_hex() {
    let f = write_temp(
        "v128.wat",
        br#"(module (func (export "v") (param v128) (result v128) (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4))))"#,
    );
    let o = wasi_rt(&["run", "--invoke", "v", f.to_str().unwrap(), "0x10"]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "0x00000004000000030000000200000011\n");
}

#[test]
fn compile_writes_a_module_that_run_loads_only_when_allowed() {
    let src = write_temp("add_pc.wat", ADD.as_bytes());
    let out = src.with_extension("cwasm");
    let o = wasi_rt(&[
        "compile",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let refused = wasi_rt(&["run", "--invoke", "add", out.to_str().unwrap(), "1", "2"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--allow-precompiled"),
        "{refused:?}"
    );
    let o = wasi_rt(&[
        "run",
        "--allow-precompiled",
        "--invoke",
        "add",
        out.to_str().unwrap(),
        "1",
        "2",
    ]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "3\n");
}

#[test]
fn a_precompiled_module_needs_the_settings_it_was_made_with() {
    let src = write_temp(
        "spin_pc.wat",
        br#"(module (func (export "_start") (loop $l (br $l))))"#,
    );
    let plain = src.with_extension("plain.cwasm");
    let ready = src.with_extension("ready.cwasm");
    assert!(
        wasi_rt(&[
            "compile",
            src.to_str().unwrap(),
            "-o",
            plain.to_str().unwrap()
        ])
        .status
        .success()
    );
    assert!(
        wasi_rt(&[
            "compile",
            "--timeout-ready",
            src.to_str().unwrap(),
            "-o",
            ready.to_str().unwrap()
        ])
        .status
        .success()
    );
    let o = wasi_rt(&[
        "run",
        "--allow-precompiled",
        "--timeout",
        "0.1",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("different engine"),
        "{o:?}"
    );
    let o = wasi_rt(&[
        "run",
        "--allow-precompiled",
        "--timeout",
        "0.1",
        ready.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(134), "{o:?}");
}

#[test]
fn timeout_also_ends_a_guest_blocked_in_a_wasi_call() {
    // poll_oneoff with a 30-second relative clock subscription.
    let f = write_temp(
        "sleep.wat",
        br#"(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i64.store (i32.const 0) (i64.const 1))            ;; userdata
    (i32.store8 (i32.const 8) (i32.const 0))           ;; tag: clock
    (i32.store (i32.const 16) (i32.const 1))           ;; clock id: monotonic
    (i64.store (i32.const 24) (i64.const 30000000000)) ;; timeout: 30 s
    (i64.store (i32.const 32) (i64.const 0))           ;; precision
    (i32.store16 (i32.const 40) (i32.const 0))         ;; flags: relative
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))"#,
    );
    let started = std::time::Instant::now();
    let o = wasi_rt(&["run", "--timeout", "0.2", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134), "{o:?}");
    // The sleep itself is cut short: an "interrupted" trap, well before
    // the grace period that would end the process.
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("interrupted"),
        "{o:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_millis(1100));
}

#[test]
fn max_memory_caps_what_the_guest_can_grow_to() {
    let f = write_temp(
        "grow.wat",
        br#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let p = f.to_str().unwrap();
    let o = wasi_rt(&["run", "--max-memory", "128K", "--invoke", "grow", p, "1"]);
    assert_eq!(stdout(&o), "1\n", "{o:?}");
    let o = wasi_rt(&["run", "--max-memory", "128K", "--invoke", "grow", p, "2"]);
    assert_eq!(stdout(&o), "-1\n", "{o:?}");
    let o = wasi_rt(&["run", "--max-memory", "32K", "--invoke", "grow", p, "0"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("memory limit"),
        "{o:?}"
    );
    let o = wasi_rt(&["run", "--max-memory", "lots", "--invoke", "grow", p, "0"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--max-memory needs a size"),
        "{o:?}"
    );
}

/// A command that calls `proc_exit(code)`.
fn exiting_with(code: i32) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const {code}))))"#
    )
}

#[test]
fn exit_codes_outside_0_to_255_never_exit_with_success() {
    for (code, status) in [
        (0, 0),
        (3, 3),
        (255, 255),
        (256, 1),
        (512, 1),
        (-1, 1),
        (i32::MIN, 1),
    ] {
        let f = write_temp(&format!("exit{code}.wat"), exiting_with(code).as_bytes());
        let o = wasi_rt(&["run", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(status), "proc_exit({code}): {o:?}");
    }
}

/// Runs `wasi-rt` with a resource limit (`prlimit` options), from `dir`.
fn wasi_rt_limited(limits: &[&str], dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new("prlimit")
        .args(limits)
        .arg(env!("CARGO_BIN_EXE_wasi-rt"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run prlimit (util-linux)")
}

/// A command whose `_start` exits with what `probe` (a body returning an
/// errno) returns. 1 MiB of memory; `$fill` writes `n` iovecs at 0, each
/// covering all of memory.
fn hostile(imports: &str, probe: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  {imports}
  (memory (export "memory") 16)
  (func $fill (param $n i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.shl (local.get $i) (i32.const 3)) (i32.const 0))
      (i32.store offset=4 (i32.shl (local.get $i) (i32.const 3)) (i32.const 1048576))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func $probe (result i32) {probe})
  (func (export "_start") (call $exit (call $probe))))"#
    )
}

/// The address space a run may use: the 8 GiB reservation of its linear
/// memory and 1.5 GiB more, far below what the probes asked of the host
/// before they were bounded (128 GiB for the iovecs, 2 GB for the path,
/// 8 GB for the tables).
const AS_LIMIT: &str = "--as=10200547328";

#[test]
fn hostile_probes_end_cleanly_under_an_address_space_limit() {
    let dir = std::env::temp_dir().join(format!("wasi-rt-cli-probes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fd_write = r#"(import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))"#;
    let sock_recv = r#"(import "wasi_snapshot_preview1" "sock_recv" (func $r (param i32 i32 i32 i32 i32 i32) (result i32)))"#;
    let path_open = r#"(import "wasi_snapshot_preview1" "path_open" (func $o (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"#;
    let probes = [
        // 131,071 iovecs of 1 MiB, all over the same memory: 128 GiB.
        (
            "overlapping-write",
            hostile(
                fd_write,
                "(call $fill (i32.const 131071)) (call $w (i32.const 1) (i32.const 0) (i32.const 131071) (i32.const 1048568))",
            ),
            vec![],
            0,
        ),
        // The same iovecs, for a receive on a descriptor that is not a socket.
        (
            "recv-not-a-socket",
            hostile(
                sock_recv,
                "(call $fill (i32.const 131070)) (call $r (i32.const 0) (i32.const 0) (i32.const 131070) (i32.const 0) (i32.const 1048560) (i32.const 1048564))",
            ),
            vec![],
            57, // NOTSOCK
        ),
        // A 64 MiB path of "a/a/a/...".
        (
            "long-path",
            hostile(
                path_open,
                "(local $i i32)
                 (drop (memory.grow (i32.const 1008)))
                 (block $done (loop $next
                   (br_if $done (i32.ge_u (local.get $i) (i32.const 67108864)))
                   (i32.store (local.get $i) (i32.const 0x2f612f61))
                   (local.set $i (i32.add (local.get $i) (i32.const 4)))
                   (br $next)))
                 (call $o (i32.const 3) (i32.const 1) (i32.const 0) (i32.const 67108864) (i32.const 0)
                          (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 67108860))",
            ),
            vec!["--dir", "."],
            37, // NAMETOOLONG
        ),
    ];
    for (name, wat, extra, errno) in probes {
        let f = write_temp(&format!("{name}.wat"), wat.as_bytes());
        let mut args = vec!["run"];
        args.extend(extra);
        args.push(f.to_str().unwrap());
        let o = wasi_rt_limited(&[AS_LIMIT], &dir, &args);
        assert_eq!(o.status.code(), Some(errno), "{name}: {o:?}");
    }
    // 100 tables of 10 million elements with a 1 MiB budget.
    let tables = format!("(module {})", "(table 10000000 funcref)".repeat(100));
    let f = write_temp("tables.wat", tables.as_bytes());
    let o = wasi_rt_limited(
        &[AS_LIMIT],
        &dir,
        &["run", "--max-memory", "1M", "--invoke", "x", f.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("limit exceeded"),
        "{o:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_deep_path_walk_holds_a_bounded_number_of_descriptors() {
    // 800 nested directories, then back up: resolving the path opens each
    // of them, but only the deepest few (and a checkpoint every 64 levels)
    // stay open, so 64 descriptors suffice.
    let dir = std::env::temp_dir().join(format!("wasi-rt-cli-deep-{}", std::process::id()));
    let deep = (0..800).fold(dir.clone(), |p, _| p.join("d"));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(dir.join("target.txt"), "found").unwrap();
    let path = format!("{}{}target.txt", "d/".repeat(800), "../".repeat(800));
    assert!(path.len() < 4096);
    let path_open = r#"(import "wasi_snapshot_preview1" "path_open" (func $o (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"#;
    let wat = hostile(
        path_open,
        "(call $o (i32.const 3) (i32.const 1) (i32.const 1024) (i32.const PATHLEN) (i32.const 0)
                  (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0))",
    )
    .replace("PATHLEN", &path.len().to_string())
    .replace(
        "(memory (export \"memory\") 16)",
        &format!("(memory (export \"memory\") 16) (data (i32.const 1024) \"{path}\")"),
    );
    let f = write_temp("deep.wat", wat.as_bytes());
    let o = wasi_rt_limited(&["--nofile=64"], &dir, &["run", "--dir", ".", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn max_wasm_stack_sets_how_deep_the_guest_may_recurse() {
    let f = write_temp(
        "rec.wat",
        br#"(module (func $rec (export "rec") (param i32) (result i32)
  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
    (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))"#,
    );
    let p = f.to_str().unwrap();
    let o = wasi_rt(&["run", "--invoke", "rec", p, "20000"]);
    assert_eq!(stdout(&o), "20000\n", "{o:?}");
    let o = wasi_rt(&["run", "--max-wasm-stack", "64K", "--invoke", "rec", p, "20000"]);
    assert_eq!(o.status.code(), Some(134), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("call stack exhausted"),
        "{o:?}"
    );
    let o = wasi_rt(&["run", "--max-wasm-stack", "lots", "--invoke", "rec", p, "1"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--max-wasm-stack needs a size"),
        "{o:?}"
    );
}

#[test]
fn wasm_feature_switches_a_feature_off() {
    let f = write_temp(
        "tail.wat",
        br#"(module (func $f (export "f") (result i32) (i32.const 7)) (func (export "g") (result i32) (return_call $f)))"#,
    );
    let p = f.to_str().unwrap();
    let o = wasi_rt(&["run", "--invoke", "g", p]);
    assert_eq!(stdout(&o), "7\n", "{o:?}");
    let o = wasi_rt(&["run", "--wasm-feature", "tail_call=off", "--invoke", "g", p]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("tail call"), "{o:?}");
    let o = wasi_rt(&["run", "--wasm-feature", "warp=on", "--invoke", "g", p]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown feature"), "{o:?}");
}

#[test]
fn a_wasi_threads_program_runs_its_threads() {
    // Two threads print through fd_write (shared WASI state); _start waits
    // until both counted themselves done.
    let wat = r#"(module
      (import "env" "memory" (memory 1 1 shared))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (export "memory" (memory 0))
      (data (i32.const 100) "thread\0a")
      (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
        ;; iovec at 16 + 8 * arg
        (i32.store (i32.add (i32.const 16) (i32.shl (local.get $arg) (i32.const 3))) (i32.const 100))
        (i32.store (i32.add (i32.const 20) (i32.shl (local.get $arg) (i32.const 3))) (i32.const 7))
        (drop (call $w (i32.const 1) (i32.add (i32.const 16) (i32.shl (local.get $arg) (i32.const 3))) (i32.const 1) (i32.const 48)))
        (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
      (func (export "_start")
        (local $done i32)
        (drop (call $spawn (i32.const 0)))
        (drop (call $spawn (i32.const 1)))
        (block $b
          (loop $l
            (local.set $done (i32.atomic.load (i32.const 0)))
            (br_if $b (i32.eq (local.get $done) (i32.const 2)))
            (drop (memory.atomic.wait32 (i32.const 0) (local.get $done) (i64.const -1)))
            (br $l)))))"#;
    let f = write_temp("threads.wat", wat.as_bytes());
    let o = wasi_rt(&["run", f.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "thread\nthread\n");
}

const TRAPPING_THREAD: &str = include_str!("wasi-programs/threads_trap.wat");

#[test]
fn a_trap_in_a_wasi_thread_ends_the_program_with_the_trap_reported() {
    let f = write_temp("trapping-thread.wat", TRAPPING_THREAD.as_bytes());
    let o = wasi_rt(&["run", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("integer divide by zero"), "{err}");
}

#[test]
fn wasi_threads_can_be_switched_off() {
    let f = write_temp("trapping-thread-off.wat", TRAPPING_THREAD.as_bytes());
    let o = wasi_rt(&["run", "--wasi-threads", "off", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("wasi-threads") && err.contains("switched off"), "{err}");
}

#[test]
fn eight_wasi_threads_under_a_wait_notify_lock_count_exactly_in_100_runs() {
    let f = write_temp(
        "threads_hammer.wat",
        include_bytes!("wasi-programs/threads_hammer.wat"),
    );
    // Compile once; every run loads the precompiled file.
    let cwasm = f.with_extension("cwasm");
    let o = wasi_rt(&["compile", f.to_str().unwrap(), "-o", cwasm.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    for run in 0..100 {
        let o = wasi_rt(&["run", "--allow-precompiled", cwasm.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "run {run}: {o:?}");
    }
}

#[test]
fn a_trap_in_a_wasi_thread_ends_the_process_while_main_computes() {
    // `_start` never waits: only ending the process stops it (as
    // Wasmtime's CLI does). --timeout bounds the test if that fails.
    let wat = r#"(module
      (import "env" "memory" (memory 1 1 shared))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (export "memory" (memory 0))
      (func (export "wasi_thread_start") (param i32 i32) (unreachable))
      (func (export "_start")
        (drop (call $spawn (i32.const 0)))
        (loop $spin (br $spin))))"#;
    let f = write_temp("spinning-main.wat", wat.as_bytes());
    let o = wasi_rt(&["run", "--timeout", "30", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unreachable"), "{err}");
}

#[test]
fn max_gc_heap_caps_the_guests_structs_and_arrays() {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/gc/binary_trees.wat");
    // Two depth-12 trees: 128 KiB live at most.
    let o = wasi_rt(&["run", "--max-gc-heap", "1M", "--invoke", "run", p, "12", "2"]);
    assert_eq!(stdout(&o), format!("{}\n", 2 * 8191 + 4095), "{o:?}");
    // A depth-17 tree alone needs 4 MiB.
    let o = wasi_rt(&["run", "--max-gc-heap", "1M", "--invoke", "run", p, "17", "1"]);
    assert_ne!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("GC heap is full"), "{o:?}");
    let o = wasi_rt(&["run", "--max-gc-heap", "big", "--invoke", "run", p, "1", "1"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--max-gc-heap needs a size"), "{o:?}");
}

#[test]
fn profile_perfmap_names_the_guests_functions_in_the_map_file() {
    let f = write_temp(
        "profiled.wat",
        br#"(module $cli_prof (func $answer (export "answer") (result i32) (i32.const 42)))"#,
    );
    let child = Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .args(["run", "--profile", "perfmap", "--invoke", "answer", f.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let o = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "42\n");
    let map = std::env::temp_dir().join(format!("perf-{pid}.map"));
    let text = std::fs::read_to_string(&map).unwrap();
    let _ = std::fs::remove_file(&map);
    assert!(text.lines().any(|l| l.ends_with(" wasm::cli_prof::answer")), "{text}");
    let o = wasi_rt(&["run", "--profile", "vtune", "--invoke", "answer", f.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--profile needs perfmap, jitdump or none"), "{o:?}");
}

#[test]
fn lazy_on_and_off_run_the_guest_alike() {
    let f = write_temp(
        "lazy.wat",
        br#"(module
          (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func (export "run") (param i32) (result i32) (call $sq (i32.add (local.get 0) (i32.const 1)))))"#,
    );
    let p = f.to_str().unwrap();
    for mode in ["on", "off"] {
        let o = wasi_rt(&["run", "--lazy", mode, "--invoke", "run", p, "6"]);
        assert!(o.status.success(), "--lazy {mode}: {o:?}");
        assert_eq!(stdout(&o), "49\n", "--lazy {mode}");
    }
    let o = wasi_rt(&["run", "--lazy", "sometimes", "--invoke", "run", p, "6"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--lazy needs on or off"), "{o:?}");
}

/// `wasi-rt ARGS` with the code cache in `cache_home` (as XDG_CACHE_HOME).
fn wasi_rt_cached(cache_home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .args(args)
        .env("XDG_CACHE_HOME", cache_home)
        .output()
        .expect("run wasi-rt")
}

#[test]
fn run_fills_the_code_cache_and_config_shows_and_clears_it() {
    let f = write_temp("cached.wat", ADD.as_bytes());
    let home = std::env::temp_dir().join(format!("wasi-rt-cli-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    for _ in 0..2 {
        let o = wasi_rt_cached(&home, &["run", "--invoke", "add", f.to_str().unwrap(), "20", "22"]);
        assert_eq!(stdout(&o), "42\n", "{o:?}");
    }
    let o = wasi_rt_cached(&home, &["config"]);
    let text = stdout(&o);
    assert!(text.contains(&format!("cache directory: {}", home.join("wasi-rt").display())), "{text}");
    assert!(text.contains("cache entries: 1\n"), "{text}");
    let o = wasi_rt_cached(&home, &["config", "--clear-cache"]);
    assert!(stdout(&o).contains("removed 1 cache entries"), "{o:?}");
    assert!(stdout(&o).contains("cache entries: 0\n"), "{o:?}");
    let o = wasi_rt_cached(&home, &["run", "--no-cache", "--invoke", "add", f.to_str().unwrap(), "1", "2"]);
    assert_eq!(stdout(&o), "3\n");
    assert!(stdout(&wasi_rt_cached(&home, &["config"])).contains("cache entries: 0\n"), "--no-cache wrote nothing");
    let o = wasi_rt_cached(&home, &["config", "--bogus"]);
    assert!(!o.status.success());
    let _ = std::fs::remove_dir_all(&home);
}
