;; Reads past the end of its one-page memory when asked.
(module
  (memory (export "memory") 1)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
