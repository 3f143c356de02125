;; One export of every kind, for api_coverage.c.
(module
  (func (export "func") (param i32) (result i32) (local.get 0))
  (global (export "global") (mut i32) (i32.const 1))
  (table (export "table") 2 funcref)
  (memory (export "memory") 1)
  (func $boom (export "boom") unreachable))
