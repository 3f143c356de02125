;; A plugin that recurses forever: the host survives with a trap.
(module
  (import "host" "announce" (func $announce (param i32)))
  (func $deep (param i32) (result i32) (call $deep (i32.add (local.get 0) (i32.const 1))))
  (func (export "on_event") (param i32) (result i32)
    (call $announce (i32.const 3))
    (call $deep (local.get 0))))
