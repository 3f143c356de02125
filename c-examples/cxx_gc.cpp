// Garbage-collected values from C++ (wasi_rt.hh): a host-made struct goes
// into Wasm, Wasm-made structs and arrays come back as AnyRef handles that
// keep them alive through collections, and everything is freed once the
// handles are gone.

#include <cstdio>

#include "wasi_rt.hh"

static const char* const MODULE = R"((module
  (type $pair (struct (field (mut i32)) (field (mut i32))))
  (type $ints (array (mut i32)))
  (type $junk (array i64))
  (func (export "pair") (param i32 i32) (result (ref $pair))
    (struct.new $pair (local.get 0) (local.get 1)))
  (func (export "swap") (param (ref $pair)) (result (ref $pair))
    (struct.new $pair (struct.get $pair 1 (local.get 0)) (struct.get $pair 0 (local.get 0))))
  (func (export "range") (param $n i32) (result (ref $ints))
    (local $a (ref $ints)) (local $i i32)
    (local.set $a (array.new_default $ints (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (array.set $ints (local.get $a) (local.get $i) (i32.mul (local.get $i) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $a))
  (func (export "churn") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (drop (array.new_default $junk (i32.const 1000)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))))
)";

int main() {
  wasi_rt::Engine engine(wasi_rt::Config().gc_heap_limit(1 << 20));
  wasi_rt::Store store(engine);
  wasi_rt::Module module(engine, MODULE);
  wasi_rt::Instance instance(store, module);

  uint32_t pair = engine.register_struct({{WASM_I32, 0, true}, {WASM_I32, 0, true}});
  wasi_rt::AnyRef mine = wasi_rt::AnyRef::new_struct(store.get(), pair,
                                                     {wasi_rt::Val::i32(1), wasi_rt::Val::i32(2)});
  wasi_rt::AnyRef swapped = instance.func("swap").call({wasi_rt::Val::anyref(mine)})[0].anyref();
  std::printf("swapped: %d %d\n", swapped.field(0).i32(), swapped.field(1).i32());

  {
    wasi_rt::AnyRef squares = instance.func("range").call({wasi_rt::Val::i32(5)})[0].anyref();
    instance.func("churn").call({wasi_rt::Val::i32(400)});
    std::printf("squares after collections: length %u, last %d\n", squares.array_len(),
                squares.array_get(4).i32());
    try {
      squares.array_get(5);
    } catch (const wasi_rt::Error& e) {
      std::printf("array_get(5): %s\n", e.what());
    }
  }
  try {
    instance.func("swap").call({wasi_rt::Val::null_anyref()});
  } catch (const wasi_rt::Trap& t) {
    std::printf("swap(null) refused: %s\n", t.what());
  }
  store.gc();
  std::printf("live objects while two handles are held: %llu\n",
              static_cast<unsigned long long>(store.gc_stats().live_objects));
  int32_t v = 0;
  wasi_rt::AnyRef small = wasi_rt::AnyRef::i31(store.get(), -9);
  bool is_i31 = small.i31(true, &v);
  std::printf("i31: %s %d\n", is_i31 ? "yes" : "no", v);
  return 0;
}
