;; wasi-threads: eight threads each add 1 to a plain (non-atomic) counter
;; 2,000 times under a lock made of i32.atomic.rmw.cmpxchg,
;; memory.atomic.wait32 and notify, and count themselves done with an
;; atomic add; _start waits for all eight and exits 0 when the counter is
;; exactly 16,000 (1 when it is not, 2 when a spawn fails). No toolchain
;; here builds C for wasm32-wasip1-threads, so this stands in for one.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))
  ;; 0: lock, 4: counter, 8: threads done
  (func $lock
    (block $got
      (loop $try
        (br_if $got (i32.eqz (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 1))))
        (drop (memory.atomic.wait32 (i32.const 0) (i32.const 1) (i64.const -1)))
        (br $try))))
  (func $unlock
    (i32.atomic.store (i32.const 0) (i32.const 0))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32)
    (loop $l
      (call $lock)
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
      (call $unlock)
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2000))))
    (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1))))
  (func (export "_start")
    (local $n i32) (local $done i32)
    (loop $s
      (if (i32.le_s (call $spawn (local.get $n)) (i32.const 0)) (then (call $exit (i32.const 2))))
      (br_if $s (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 8))))
    (block $b
      (loop $w
        (local.set $done (i32.atomic.load (i32.const 8)))
        (br_if $b (i32.eq (local.get $done) (i32.const 8)))
        (drop (memory.atomic.wait32 (i32.const 8) (local.get $done) (i64.const -1)))
        (br $w)))
    (if (i32.ne (i32.atomic.load (i32.const 4)) (i32.const 16000))
      (then (call $exit (i32.const 1))))))
