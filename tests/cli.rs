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
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("blocked in a WASI call"),
        "{o:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
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
