;; A well-behaved plugin: its hook doubles the input and reports a name.
(module
  (import "host" "announce" (func $announce (param i32)))
  (func (export "on_event") (param i32) (result i32)
    (call $announce (i32.const 1))
    (i32.mul (local.get 0) (i32.const 2))))
