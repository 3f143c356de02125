/* A plugin host: loads several plugin modules into one store, calls the
 * `on_event` hook of each for a few events, and keeps going when a plugin
 * traps (division by zero, runaway recursion): the trap is an error value,
 * reported with its message and origin, never a dead host. */

#include "common.h"

static int announcements = 0;

static wasm_trap_t* announce(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  (void)args;
  announcements++;
  return NULL;
}

int main(void) {
  const char* paths[] = {"data/plugin_good.wat", "data/plugin_crash.wat", "data/plugin_loop.wat"};
  enum { N = sizeof paths / sizeof paths[0] };
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_functype_t* type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* announce_fn = wasm_func_new(store, type, announce);
  wasm_functype_delete(type);

  wasm_instance_t* plugins[N];
  wasm_extern_vec_t exports[N];
  for (int i = 0; i < N; i++) {
    wasm_module_t* module = load_module(store, paths[i]);
    if (!module) return 1;
    wasm_extern_t* externs[] = {wasm_func_as_extern(announce_fn)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_trap_t* trap = NULL;
    plugins[i] = wasm_instance_new(store, module, &imports, &trap);
    wasm_module_delete(module);
    if (!plugins[i]) {
      report_trap("instantiation", trap);
      return 1;
    }
    wasm_instance_exports(plugins[i], &exports[i]);
    printf("loaded %s\n", paths[i]);
  }

  int failures = 0;
  for (int event = 1; event <= 3; event++) {
    for (int i = 0; i < N; i++) {
      const wasm_func_t* hook = wasm_extern_as_func(exports[i].data[exports[i].size - 1]);
      wasm_val_t args_v[1] = {WASM_I32_VAL(event * 10)};
      wasm_val_t results_v[1] = {WASM_INIT_VAL};
      wasm_val_vec_t args = WASM_ARRAY_VEC(args_v);
      wasm_val_vec_t results = WASM_ARRAY_VEC(results_v);
      wasm_trap_t* trap = wasm_func_call(hook, &args, &results);
      if (trap) {
        failures++;
        wasm_frame_t* origin = wasm_trap_origin(trap);
        wasm_message_t message;
        wasm_trap_message(trap, &message);
        printf("event %d: plugin %d trapped: %s (in function %u)\n", event, i, message.data,
               origin ? wasm_frame_func_index(origin) : 0u);
        wasm_byte_vec_delete(&message);
        wasm_frame_delete(origin);
        wasm_trap_delete(trap);
      } else {
        printf("event %d: plugin %d returned %d\n", event, i, results_v[0].of.i32);
      }
    }
  }
  printf("host still running: %d announcements, %d plugin failures\n", announcements, failures);

  for (int i = 0; i < N; i++) {
    wasm_extern_vec_delete(&exports[i]);
    wasm_instance_delete(plugins[i]);
  }
  wasm_func_delete(announce_fn);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
