/* Runs a WASI program from a file with arguments, an environment variable
 * and a preopened directory, capturing its stdout in memory; the exit code
 * comes back as a value, apart from traps. Then shows that a missing
 * preopen directory and a missing import are errors with messages. */

#include "common.h"
#include "wasi_rt.h"

static void print_error(const char* what, wasi_rt_error_t* error) {
  wasm_name_t message;
  wasi_rt_error_message(error, &message);
  printf("%s: error: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wasi_rt_error_delete(error);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "data/wasi_cat.wat");
  if (!module) return 1;

  wasi_config_t* config = wasi_config_new();
  const char* argv[] = {"cat", "first", "second"};
  wasi_config_set_argv(config, 3, argv);
  const char* names[] = {"GREETING_NAME"};
  const char* values[] = {"world"};
  wasi_config_set_env(config, 1, names, values);
  printf("preopen data/dir: %s\n", wasi_config_preopen_dir(config, "data/dir", ".", false) ? "ok" : "failed");
  printf("preopen data/missing: %s\n", wasi_config_preopen_dir(config, "data/missing", "x", false) ? "ok" : "refused");
  wasi_rt_output_t* out = wasi_rt_config_capture_stdout(config);

  wasi_rt_linker_t* linker = wasi_rt_linker_new(store);
  wasi_rt_error_t* error = wasi_rt_linker_define_wasi(linker, config); /* takes the config */
  if (error) {
    print_error("define_wasi", error);
    return 1;
  }
  int exit_code = -1;
  wasm_trap_t* trap = NULL;
  error = wasi_rt_linker_run(linker, module, &exit_code, &trap);
  if (error) {
    print_error("run", error);
    return 1;
  }
  if (trap) {
    report_trap("run", trap);
    return 1;
  }
  wasm_byte_vec_t captured;
  wasi_rt_output_contents(out, &captured);
  printf("exit code %d; captured %zu bytes of stdout:\n%.*s", exit_code, captured.size, (int)captured.size, captured.data);
  wasm_byte_vec_delete(&captured);
  wasi_rt_output_delete(out);

  /* Without WASI defined, the import cannot be resolved: an error. */
  wasi_rt_linker_t* bare = wasi_rt_linker_new(store);
  wasm_instance_t* instance = NULL;
  error = wasi_rt_linker_instantiate(bare, module, &instance, &trap);
  if (error) print_error("instantiate without WASI", error);
  wasi_rt_linker_delete(bare);

  wasi_rt_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
