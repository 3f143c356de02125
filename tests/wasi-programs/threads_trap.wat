;; wasi-threads: the spawned thread divides by zero; _start waits for ever
;; (no timeout) for a flag that thread would have set. The trap must end
;; the program, with the trap reported.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (export "memory" (memory 0))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (loop $w
      (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $w))))
