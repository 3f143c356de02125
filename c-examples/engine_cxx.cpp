// The C API from C++11: objects held by std::unique_ptr with the matching
// wasm_*_delete, byte vectors to and from std::string, the WASM_*_VAL value
// macros and the wasm_functype_new_P_R helpers.

#include <cinttypes>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "wasi_rt.h"

namespace {

struct Delete {
  void operator()(wasm_engine_t* e) const { wasm_engine_delete(e); }
  void operator()(wasm_store_t* s) const { wasm_store_delete(s); }
  void operator()(wasm_functype_t* t) const { wasm_functype_delete(t); }
  void operator()(wasm_module_t* m) const { wasm_module_delete(m); }
  void operator()(wasm_instance_t* i) const { wasm_instance_delete(i); }
  void operator()(wasm_func_t* f) const { wasm_func_delete(f); }
};

/// A trap turned into a C++ exception.
struct WasmTrap : std::runtime_error {
  explicit WasmTrap(wasm_trap_t* trap) : std::runtime_error(message(trap)) { wasm_trap_delete(trap); }
  static std::string message(wasm_trap_t* trap) {
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    std::string s(m.data, m.size > 0 ? m.size - 1 : 0);
    wasm_byte_vec_delete(&m);
    return s;
  }
};

/// Calls `f` with i32 arguments; returns its one i32 result or throws.
int32_t call(const wasm_func_t* f, std::initializer_list<int32_t> args) {
  wasm_val_t in[4];
  size_t n = 0;
  for (int32_t a : args) in[n++] = WASM_I32_VAL(a);
  wasm_val_t out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t in_vec = {n, in};
  wasm_val_vec_t out_vec = WASM_ARRAY_VEC(out);
  if (wasm_trap_t* trap = wasm_func_call(f, &in_vec, &out_vec)) throw WasmTrap(trap);
  return out[0].of.i32;
}

/// A host function backed by a std::function (the env), freed by the
/// finalizer when the store goes.
wasm_trap_t* trampoline(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto& fn = *static_cast<std::function<int32_t(int32_t)>*>(env);
  results->data[0] = WASM_I32_VAL(fn(args->data[0].of.i32));
  return nullptr;
}

void destroy(void* env) { delete static_cast<std::function<int32_t(int32_t)>*>(env); }

template <typename T>
using Own = std::unique_ptr<T, Delete>;

const char* kind_name(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_ANYREF: return "anyref";
    case WASM_FUNCREF: return "funcref";
    default: return "?";
  }
}

}  // namespace

int main() {
  Own<wasm_engine_t> engine(wasm_engine_new());
  if (!engine) {
    std::fprintf(stderr, "cannot create an engine\n");
    return 1;
  }
  Own<wasm_store_t> store(wasm_store_new(engine.get()));
  if (!store) {
    std::fprintf(stderr, "cannot create a store\n");
    return 1;
  }

  std::string text = "bytes from C++";
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, text.size(), text.data());
  std::string back(bytes.data, bytes.size);
  wasm_byte_vec_delete(&bytes);
  std::printf("%s\n", back.c_str());

  wasm_val_t vals[] = {WASM_I32_VAL(7), WASM_I64_VAL(-8), WASM_F32_VAL(1.5f), WASM_F64_VAL(2.25),
                       WASM_INIT_VAL};
  wasm_val_vec_t vec = WASM_ARRAY_VEC(vals);
  std::printf("%zu values: %s %" PRId32 ", %s %" PRId64 ", %s %g, %s %g, %s %s\n", vec.size,
              kind_name(vals[0].kind), vals[0].of.i32, kind_name(vals[1].kind), vals[1].of.i64,
              kind_name(vals[2].kind), static_cast<double>(vals[2].of.f32), kind_name(vals[3].kind),
              vals[3].of.f64, kind_name(vals[4].kind), vals[4].of.ref ? "ref" : "null");

  Own<wasm_functype_t> type(wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                                  wasm_valtype_new_f64()));
  const wasm_valtype_vec_t* params = wasm_functype_params(type.get());
  const wasm_valtype_vec_t* results = wasm_functype_results(type.get());
  std::printf("function type: (%s %s) -> (%s)\n", kind_name(wasm_valtype_kind(params->data[0])),
              kind_name(wasm_valtype_kind(params->data[1])),
              kind_name(wasm_valtype_kind(results->data[0])));

  // A module from text, a host function from a lambda, and a trap as an
  // exception.
  std::string wat =
      "(module (import \"host\" \"scale\" (func $scale (param i32) (result i32)))"
      "  (func (export \"apply\") (param i32 i32) (result i32)"
      "    (i32.add (call $scale (local.get 0)) (local.get 1)))"
      "  (func (export \"divide\") (param i32 i32) (result i32)"
      "    (i32.div_s (local.get 0) (local.get 1))))";
  wasm_byte_vec_t source;
  wasm_byte_vec_new(&source, wat.size(), wat.data());
  Own<wasm_module_t> module(wasm_module_new(store.get(), &source));
  wasm_byte_vec_delete(&source);
  int factor = 3;
  Own<wasm_functype_t> scale_type(wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32()));
  Own<wasm_func_t> scale(wasm_func_new_with_env(
      store.get(), scale_type.get(), trampoline,
      new std::function<int32_t(int32_t)>([factor](int32_t x) { return x * factor; }), destroy));
  wasm_extern_t* imports_v[] = {wasm_func_as_extern(scale.get())};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_v);
  Own<wasm_instance_t> instance(wasm_instance_new(store.get(), module.get(), &imports, nullptr));
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance.get(), &exports);
  const wasm_func_t* apply = wasm_extern_as_func(exports.data[0]);
  const wasm_func_t* divide = wasm_extern_as_func(exports.data[1]);
  std::printf("apply(14, 0) = %" PRId32 "\n", call(apply, {14, 0}));
  std::printf("divide(84, 2) = %" PRId32 "\n", call(divide, {84, 2}));
  try {
    call(divide, {1, 0});
  } catch (const WasmTrap& e) {
    std::printf("caught: %s\n", e.what());
  }
  wasm_extern_vec_delete(&exports);

  std::printf("done\n");
  return 0;
}
