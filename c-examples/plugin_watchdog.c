/* A plugin host with a watchdog: the engine compiles epoch checks into the
 * plugins (wasi_rt_engine_config_epoch_interruption), a watchdog thread
 * advances the epoch every 10 ms, and each call gets a budget of a few
 * ticks (wasi_rt_store_set_epoch_deadline). A hook that never returns traps
 * with WASI_RT_TRAP_INTERRUPT and the host carries on. */

#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <time.h>

#include "common.h"
#include "wasi_rt.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int stop_watchdog;

static int should_stop(void) {
  pthread_mutex_lock(&lock);
  int stop = stop_watchdog;
  pthread_mutex_unlock(&lock);
  return stop;
}

static void* watchdog(void* engine) {
  struct timespec tick = {0, 10 * 1000 * 1000};
  while (!should_stop()) {
    nanosleep(&tick, NULL);
    /* Thread-safe: only the engine's atomic epoch changes. */
    wasi_rt_engine_increment_epoch((const wasm_engine_t*)engine);
  }
  return NULL;
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasi_rt_engine_config_epoch_interruption(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "data/plugin_spin.wat");
  if (!module) return 1;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* plugin = wasm_instance_new(store, module, &imports, &trap);
  if (!plugin) {
    report_trap("instantiation", trap);
    return 1;
  }
  wasm_extern_vec_t exports;
  wasm_instance_exports(plugin, &exports);
  const wasm_func_t* hook = wasm_extern_as_func(exports.data[0]);

  pthread_t thread;
  if (pthread_create(&thread, NULL, watchdog, engine) != 0) return 1;
  int interrupted = 0;
  for (int event = 1; event <= 4; event++) {
    wasi_rt_store_set_epoch_deadline(store, 5); /* about 50 ms */
    wasm_val_t args_v[1] = {WASM_I32_VAL(event)};
    wasm_val_t results_v[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(args_v);
    wasm_val_vec_t results = WASM_ARRAY_VEC(results_v);
    trap = wasm_func_call(hook, &args, &results);
    if (trap) {
      uint8_t code = 0;
      bool known = wasi_rt_trap_code(trap, &code);
      printf("event %d: stopped by the watchdog: %s\n", event,
             known && code == WASI_RT_TRAP_INTERRUPT ? "yes" : "no");
      interrupted++;
      wasm_trap_delete(trap);
    } else {
      printf("event %d: hook returned %d\n", event, results_v[0].of.i32);
    }
  }
  pthread_mutex_lock(&lock);
  stop_watchdog = 1;
  pthread_mutex_unlock(&lock);
  pthread_join(thread, NULL);
  printf("host still running; %d runaway calls stopped\n", interrupted);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(plugin);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return interrupted == 2 ? 0 : 1;
}
