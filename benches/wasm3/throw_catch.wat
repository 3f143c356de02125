;; throw_catch(n): n times, call a function that throws an exception
;; carrying i and catch it in the caller; returns the sum of the caught
;; values. One iteration is one throw/catch round trip through a call.
(module
  (tag $e (param i32))
  (func $thrower (param i32)
    (throw $e (local.get 0)))
  (func (export "throw_catch") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $caught (result i32)
          (try_table (catch $e $caught)
            (call $thrower (local.get $i)))
          (unreachable))
        (local.set $sum (i32.add (local.get $sum)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
