;; Accepts one connection on fd 3, echoes up to 64 bytes, shuts the
;; socket down, then exits with the errno of a recv on the listener
;; (ENOTSOCK = 57). Used by tests/wasi_sockets.rs and tests/cli.rs.
(module
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
    (call $exit (call $recv (i32.const 3) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 32) (i32.const 36)))))
