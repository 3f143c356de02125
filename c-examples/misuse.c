/* Misuse at the boundary: NULL arguments, bad bytes, wrong imports, wrong
 * argument types, unreadable files and missing directories all come back
 * as failure values, traps or errors with messages; the process never
 * aborts. */

#include "common.h"
#include "wasi_rt.h"

static void trap_line(const char* what, wasm_trap_t* trap) {
  if (!trap) {
    printf("%s: no trap\n", what);
    return;
  }
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  printf("%s: %s\n", what, m.data);
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
}

static void error_line(const char* what, wasi_rt_error_t* error) {
  if (!error) {
    printf("%s: no error\n", what);
    return;
  }
  wasm_name_t m;
  wasi_rt_error_message(error, &m);
  printf("%s: %s\n", what, m.data);
  wasm_byte_vec_delete(&m);
  wasi_rt_error_delete(error);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* NULL where an object is required. */
  printf("store(NULL): %s\n", wasm_store_new(NULL) ? "object" : "NULL");
  printf("module_new(NULL, NULL): %s\n", wasm_module_new(NULL, NULL) ? "object" : "NULL");
  trap_line("func_call(NULL)", wasm_func_call(NULL, NULL, NULL));
  printf("memory_size(NULL): %u\n", wasm_memory_size(NULL));
  printf("extern_as_func(NULL): %s\n", wasm_extern_as_func(NULL) ? "object" : "NULL");
  wasm_instance_delete(NULL);
  wasm_byte_vec_delete(NULL);

  /* Bytes that are not a module. */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 8, "\0asm\x02\0\0\0");
  printf("module_new(junk): %s\n", wasm_module_new(store, &junk) ? "object" : "NULL");
  printf("module_validate(junk): %s\n", wasm_module_validate(store, &junk) ? "true" : "false");
  wasm_byte_vec_delete(&junk);

  /* Wrong import count and type. */
  wasm_module_t* needs = load_module(store, "data/logger.wat");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  printf("instance without imports: %s\n", wasm_instance_new(store, needs, &none, &trap) ? "object" : "NULL");
  trap_line("  trap", trap);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t zero = WASM_I32_VAL(0);
  wasm_global_t* g = wasm_global_new(store, gt, &zero);
  wasm_globaltype_delete(gt);
  wasm_extern_t* wrong[] = {wasm_global_as_extern(g), wasm_global_as_extern(g)};
  wasm_extern_vec_t wrong_vec = WASM_ARRAY_VEC(wrong);
  trap = NULL;
  printf("instance with globals for functions: %s\n", wasm_instance_new(store, needs, &wrong_vec, &trap) ? "object" : "NULL");
  trap_line("  trap", trap);
  wasm_global_delete(g);

  /* Wrong argument types and counts. */
  wasm_module_t* counter = load_module(store, "data/counter.wat");
  wasm_instance_t* inst = wasm_instance_new(store, counter, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  const wasm_func_t* sum = wasm_extern_as_func(exports.data[1]);
  wasm_val_t bad_v[2] = {WASM_I64_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t bad = WASM_ARRAY_VEC(bad_v);
  wasm_val_t res_v[1] = {WASM_INIT_VAL};
  wasm_val_vec_t res = WASM_ARRAY_VEC(res_v);
  trap_line("sum(i64, i32)", wasm_func_call(sum, &bad, &res));
  wasm_val_vec_t one = {1, bad_v + 1};
  trap_line("sum(i32)", wasm_func_call(sum, &one, &res));
  wasm_val_t good_v[2] = {WASM_I32_VAL(0), WASM_I32_VAL(0)};
  wasm_val_vec_t good = WASM_ARRAY_VEC(good_v);
  wasm_val_vec_t no_room = WASM_EMPTY_VEC;
  trap_line("sum with no room for the result", wasm_func_call(sum, &good, &no_room));

  /* WASI configuration that cannot be satisfied. */
  wasi_config_t* config = wasi_config_new();
  printf("stdin from a missing file: %s\n", wasi_config_set_stdin_file(config, "/no/such/file") ? "true" : "false");
  printf("preopen a missing directory: %s\n", wasi_config_preopen_dir(config, "/no/such/dir", "x", true) ? "true" : "false");
  printf("argv with a NULL entry: %s\n", wasi_config_set_argv(config, 1, (const char*[]){NULL}) ? "true" : "false");
  wasi_rt_linker_t* linker = wasi_rt_linker_new(store);
  error_line("define_wasi", wasi_rt_linker_define_wasi(linker, config));
  error_line("run a module without _start", wasi_rt_linker_run(linker, counter, NULL, NULL));
  wasm_instance_t* out = NULL;
  error_line("instantiate with a missing import", wasi_rt_linker_instantiate(linker, needs, &out, NULL));
  error_line("define with NULL names", wasi_rt_linker_define(linker, NULL, NULL, NULL));
  wasi_rt_linker_delete(linker);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  wasm_module_delete(counter);
  wasm_module_delete(needs);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("still alive\n");
  return 0;
}
