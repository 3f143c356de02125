;; A small WASI command for wasi_run.c: prints its arguments (after argv[0])
;; and the GREETING_NAME variable, copies `greeting.txt` from the first
;; preopened directory (fd 3) to stdout, and exits with status 3.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $env_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "greeting.txt")
  (data (i32.const 24) "\n")
  ;; Writes `len` bytes at `ptr` to stdout (iovec at 32, nwritten at 40).
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 32) (local.get $ptr))
    (i32.store (i32.const 36) (local.get $len))
    (drop (call $write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40))))
  ;; Length of the NUL-terminated string at `ptr`.
  (func $strlen (param $ptr i32) (result i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $ptr) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
  (func (export "_start") (local $argc i32) (local $i i32) (local $s i32) (local $envc i32)
    ;; Arguments: pointers at 1024, strings at 2048.
    (drop (call $args_sizes (i32.const 48) (i32.const 52)))
    (local.set $argc (i32.load (i32.const 48)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
        (local.set $s (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
        (call $print (local.get $s) (call $strlen (local.get $s)))
        (call $print (i32.const 24) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; Environment: pointers at 4096, strings at 5120; print each entry.
    (drop (call $env_sizes (i32.const 48) (i32.const 52)))
    (local.set $envc (i32.load (i32.const 48)))
    (drop (call $env_get (i32.const 4096) (i32.const 5120)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $envc)))
        (local.set $s (i32.load (i32.add (i32.const 4096) (i32.shl (local.get $i) (i32.const 2)))))
        (call $print (local.get $s) (call $strlen (local.get $s)))
        (call $print (i32.const 24) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; greeting.txt from fd 3 into 8192 (up to 1024 bytes), then to stdout.
    (if (call $open (i32.const 3) (i32.const 0) (i32.const 8) (i32.const 12) (i32.const 0)
                    (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 56))
      (then (call $exit (i32.const 1))))
    (i32.store (i32.const 32) (i32.const 8192))
    (i32.store (i32.const 36) (i32.const 1024))
    (drop (call $read (i32.load (i32.const 56)) (i32.const 32) (i32.const 1) (i32.const 60)))
    (call $print (i32.const 8192) (i32.load (i32.const 60)))
    (call $exit (i32.const 3))))
