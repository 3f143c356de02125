;; Builds and drops complete binary trees of GC structs: `run(depth,
;; iterations)` makes one long-lived tree of depth - 1, then `iterations`
;; temporary ones of `depth`, counts the nodes of each, and returns the
;; total. Each new node's left
;; subtree waits on the operand stack while its right one is built, so the
;; collector must find references held by Wasm frames across calls.
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  (func $make (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (struct.new $node
          (call $make (i32.sub (local.get $depth) (i32.const 1)))
          (call $make (i32.sub (local.get $depth) (i32.const 1)))))))

  (func $count (param $n (ref null $node)) (result i32)
    (local $left (ref null $node))
    (local.set $left (struct.get $node $left (local.get $n)))
    (if (result i32) (ref.is_null (local.get $left))
      (then (i32.const 1))
      (else
        (i32.add (i32.const 1)
          (i32.add (call $count (local.get $left))
                   (call $count (struct.get $node $right (local.get $n))))))))

  (func (export "run") (param $depth i32) (param $iterations i32) (result i32)
    (local $sum i32)
    (local $long (ref null $node))
    (local.set $long (call $make (i32.sub (local.get $depth) (i32.const 1))))
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $iterations)))
        (local.set $sum
          (i32.add (local.get $sum) (call $count (call $make (local.get $depth)))))
        (local.set $iterations (i32.sub (local.get $iterations) (i32.const 1)))
        (br $again)))
    (i32.add (local.get $sum) (call $count (local.get $long))))
)
