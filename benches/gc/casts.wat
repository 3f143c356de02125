;; A cast-heavy loop: `run(n, rounds)` fills an array of `anyref` with n
;; shapes (circles and rectangles, both subtypes of $shape), then `rounds`
;; times sums their areas: each element is cast to $shape (a supertype
;; check), then `br_on_cast` tells a circle from a rectangle. Areas are
;; integers so every side's result is exact.
(module
  (type $shape (sub (struct (field $kind i32))))
  (type $circle (sub final $shape (struct (field $kind i32) (field $r i32))))
  (type $rect (sub final $shape (struct (field $kind i32) (field $w i32) (field $h i32))))
  (type $shapes (array (mut anyref)))

  (func $area (param $s (ref $shape)) (result i32)
    (local $r i32)
    (block $not_circle (result (ref $shape))
      (local.set $r
        (struct.get $circle $r
          (br_on_cast_fail $not_circle (ref $shape) (ref $circle) (local.get $s))))
      (return (i32.mul (i32.mul (local.get $r) (local.get $r)) (i32.const 3))))
    (drop)
    (i32.mul
      (struct.get $rect $w (ref.cast (ref $rect) (local.get $s)))
      (struct.get $rect $h (ref.cast (ref $rect) (local.get $s)))))

  (func (export "run") (param $n i32) (param $rounds i32) (result i32)
    (local $a (ref $shapes))
    (local $i i32)
    (local $sum i32)
    (local.set $a (array.new $shapes (ref.null any) (local.get $n)))
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (array.set $shapes (local.get $a) (local.get $i)
          (if (result anyref) (i32.and (local.get $i) (i32.const 1))
            (then (struct.new $circle (i32.const 1) (i32.and (local.get $i) (i32.const 15))))
            (else (struct.new $rect (i32.const 2) (i32.and (local.get $i) (i32.const 7))
                                    (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (block $done
      (loop $round
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $i (i32.const 0))
        (block $next
          (loop $each
            (br_if $next (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $sum
              (i32.add (local.get $sum)
                (call $area
                  (ref.cast (ref $shape) (array.get $shapes (local.get $a) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $each)))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $round)))
    (local.get $sum))
)
