//! Sockets handed in by the host: `sock_accept`, `sock_recv`, `sock_send`
//! and `sock_shutdown` on a listener preopened as fd 3.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use wasi_rt::wasi::WasiCtxBuilder;
use wasi_rt::{Engine, Module, Store};

/// Accepts one connection, reads up to 64 bytes, sends them back
/// unchanged, then shuts the socket down.
const ECHO: &str = r#"(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $check (param i32) (if (local.get 0) (then (call $exit (i32.add (i32.const 100) (local.get 0))))))
  (func (export "_start") (local $fd i32)
    (call $check (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))
    (local.set $fd (i32.load (i32.const 0)))
    ;; iovec at 16: 64 bytes at 256
    (i32.store (i32.const 16) (i32.const 256)) (i32.store (i32.const 20) (i32.const 64))
    (call $check (call $recv (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 32) (i32.const 36)))
    (i32.store (i32.const 20) (i32.load (i32.const 32)))
    (call $check (call $send (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 40)))
    (call $check (call $shutdown (local.get $fd) (i32.const 3)))
    ;; the listener is not a stream: recv on it is ENOTSOCK (57)
    (call $exit (call $recv (i32.const 3) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 32) (i32.const 36)))))"#;

#[test]
fn guest_accepts_receives_sends_and_shuts_down() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"ping over wasi").unwrap();
        let mut back = Vec::new();
        s.read_to_end(&mut back).unwrap();
        back
    });
    let engine = Engine::default();
    let module = Module::new(&engine, ECHO).unwrap();
    let mut b = WasiCtxBuilder::new();
    b.tcp_listener(listener);
    let mut store = Store::new(&engine);
    let code = b.build().unwrap().run(&mut store, &module).unwrap();
    assert_eq!(code, 57, "recv on the listener is ENOTSOCK");
    assert_eq!(client.join().unwrap(), b"ping over wasi");
}
