;; Imports two host functions: a logger that receives (ptr, len) of a
;; message in memory, and an accumulator that adds to a host-side total.
(module
  (import "host" "log" (func $log (param i32 i32)))
  (import "host" "add" (func $add (param i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "starting")
  (data (i32.const 16) "finished")
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $total i64)
    (call $log (i32.const 0) (i32.const 8))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $total (call $add (i64.extend_i32_u (local.get $i))))
        (br $next)))
    (call $log (i32.const 16) (i32.const 8))
    (local.get $total)))
