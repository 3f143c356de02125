;; A broken plugin: its hook divides by zero.
(module
  (import "host" "announce" (func $announce (param i32)))
  (func (export "on_event") (param i32) (result i32)
    (call $announce (i32.const 2))
    (i32.div_u (local.get 0) (i32.const 0))))
