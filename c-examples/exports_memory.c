/* Calls exported functions and reads and writes the guest's memory from
 * the host: the host writes a string, Wasm sums and upper-cases it, the
 * host reads the result back; then the memory grows from the host. */

#include <string.h>

#include "common.h"

/* Calls `f` with `nargs` (0 or 2) i32 arguments; returns its i32 result. */
static int32_t call_i32(const wasm_func_t* f, size_t nargs, int32_t a, int32_t b, int has_result) {
  wasm_val_t args_v[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_v[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {nargs, args_v};
  wasm_val_vec_t results = {has_result ? 1u : 0u, results_v};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap) {
    report_trap("call", trap);
    exit(1);
  }
  return has_result ? results_v[0].of.i32 : 0;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "data/counter.wat");
  if (!module) return 1;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) {
    report_trap("instantiation", trap);
    return 1;
  }
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  const wasm_func_t* sum = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t* upcase = wasm_extern_as_func(exports.data[2]);
  const wasm_func_t* pages = wasm_extern_as_func(exports.data[3]);

  /* The data segment, read by the host. */
  printf("guest says: %.15s\n", wasm_memory_data(memory) + 16);

  /* The host writes; Wasm reads and modifies; the host reads back. */
  const char* text = "embedding is easy";
  memcpy(wasm_memory_data(memory) + 1024, text, strlen(text));
  printf("sum of bytes: %d\n", call_i32(sum, 2, 1024, (int32_t)strlen(text), 1));
  call_i32(upcase, 2, 1024, (int32_t)strlen(text), 0);
  printf("upcased: %.*s\n", (int)strlen(text), wasm_memory_data(memory) + 1024);

  printf("pages: %u (%zu bytes)\n", wasm_memory_size(memory), wasm_memory_data_size(memory));
  printf("grow by 2: %s\n", wasm_memory_grow(memory, 2) ? "ok" : "refused");
  printf("grow by 2 more: %s\n", wasm_memory_grow(memory, 2) ? "ok" : "refused (maximum is 4)");
  printf("pages seen by Wasm: %d\n", call_i32(pages, 0, 0, 0, 1));

  /* Reading past the end traps instead of crashing. */
  wasm_val_t args_v[2] = {WASM_I32_VAL(4 * 65536 - 2), WASM_I32_VAL(8)};
  wasm_val_t results_v[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_v);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_v);
  trap = wasm_func_call(sum, &args, &results);
  if (trap) report_trap("sum past the end", trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
