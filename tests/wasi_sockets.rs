//! Sockets handed in by the host: `sock_accept`, `sock_recv`, `sock_send`
//! and `sock_shutdown` on a listener preopened as fd 3.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use wasi_rt::wasi::WasiCtxBuilder;
use wasi_rt::{Engine, Module, Store};

/// Accepts one connection, reads up to 64 bytes, sends them back
/// The echo server guest (see the file for what it does).
const ECHO: &str = include_str!("data/echo.wat");

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
