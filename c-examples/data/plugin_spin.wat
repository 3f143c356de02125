;; A plugin whose hook never returns for odd events: only the host's epoch
;; deadline stops it.
(module
  (func (export "on_event") (param i32) (result i32)
    (if (i32.and (local.get 0) (i32.const 1))
      (then (loop $forever (br $forever))))
    (i32.mul (local.get 0) (i32.const 2))))
