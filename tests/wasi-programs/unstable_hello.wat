;; A module written against the old `wasi_unstable` import namespace (the
;; snapshot 0 ABI) rather than `wasi_snapshot_preview1`: it writes one line
;; to stdout with fd_write and returns from _start (exit status 0).
(module
  (import "wasi_unstable" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: { buf = 16, len = 30 }; nwritten at 8; text at 16.
  (data (i32.const 0) "\10\00\00\00\1e\00\00\00")
  (data (i32.const 16) "hello from wasi_unstable land\n")
  (func (export "_start")
    (if (i32.ne (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
                (i32.const 0))
      (then unreachable))
    ;; All 30 bytes must have been written in the one call.
    (if (i32.ne (i32.load (i32.const 8)) (i32.const 30))
      (then unreachable))))
