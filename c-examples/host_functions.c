/* Host functions with user data, called from Wasm: a logger that reads the
 * message out of the caller's memory (found through its env), and an
 * accumulator whose running total lives in host state passed as env. Both
 * envs are released by finalizers when the store goes away. */

#include "common.h"

struct log_env {
  wasm_memory_t* memory; /* set after instantiation */
  int lines;
};

struct total_env {
  int64_t total;
  int calls;
};

static wasm_trap_t* log_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  struct log_env* e = env;
  int32_t ptr = args->data[0].of.i32, len = args->data[1].of.i32;
  e->lines++;
  printf("log #%d: %.*s\n", e->lines, (int)len, wasm_memory_data(e->memory) + ptr);
  return NULL;
}

static wasm_trap_t* add_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  struct total_env* e = env;
  e->total += args->data[0].of.i64;
  e->calls++;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = e->total;
  return NULL;
}

static void finalize_log(void* env) {
  printf("finalizer called for the log env (%d lines)\n", ((struct log_env*)env)->lines);
}

static void finalize_total(void* env) {
  printf("finalizer called for the total env (%d calls)\n", ((struct total_env*)env)->calls);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "data/logger.wat");
  if (!module) return 1;

  struct log_env* log_env = calloc(1, sizeof *log_env);
  struct total_env* total_env = calloc(1, sizeof *total_env);

  wasm_functype_t* log_type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* add_type = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i64());
  wasm_func_t* log_fn = wasm_func_new_with_env(store, log_type, log_cb, log_env, finalize_log);
  wasm_func_t* add_fn = wasm_func_new_with_env(store, add_type, add_cb, total_env, finalize_total);
  wasm_functype_delete(log_type);
  wasm_functype_delete(add_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(log_fn), wasm_func_as_extern(add_fn)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) {
    report_trap("instantiation", trap);
    return 1;
  }
  /* Imports may be deleted right after instantiation. */
  wasm_func_delete(log_fn);
  wasm_func_delete(add_fn);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  log_env->memory = wasm_extern_as_memory(exports.data[0]);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[1]);

  wasm_val_t args_v[1] = {WASM_I32_VAL(100)};
  wasm_val_t results_v[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_v);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_v);
  trap = wasm_func_call(run, &args, &results);
  if (trap) {
    report_trap("run", trap);
    return 1;
  }
  printf("run returned %lld after %d host calls; host total %lld\n",
         (long long)results_v[0].of.i64, total_env->calls, (long long)total_env->total);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  printf("deleting the store\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  free(log_env);
  free(total_env);
  return 0;
}
