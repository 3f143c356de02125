// The C API from C++11: objects held by std::unique_ptr with the matching
// wasm_*_delete, byte vectors to and from std::string, the WASM_*_VAL value
// macros and the wasm_functype_new_P_R helpers.

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include "wasi_rt.h"

namespace {

struct Delete {
  void operator()(wasm_engine_t* e) const { wasm_engine_delete(e); }
  void operator()(wasm_store_t* s) const { wasm_store_delete(s); }
  void operator()(wasm_functype_t* t) const { wasm_functype_delete(t); }
};

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

  std::printf("done\n");
  return 0;
}
