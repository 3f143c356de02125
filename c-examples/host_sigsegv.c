/* A host with its own SIGSEGV handler, installed before wasi-rt: Wasm
 * out-of-bounds accesses still become traps, and the host's own faults
 * still reach the host's handler, which repairs them. */

#define _DEFAULT_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"

static volatile sig_atomic_t host_faults = 0;

static void on_segv(int sig, siginfo_t* info, void* ctx) {
  (void)sig;
  (void)ctx;
  host_faults++;
  /* Make the faulting page writable; the faulting store then runs again. */
  uintptr_t page = (uintptr_t)info->si_addr & ~(uintptr_t)4095;
  mprotect((void*)page, 4096, PROT_READ | PROT_WRITE);
}

static void call_load(const wasm_func_t* load, int32_t addr) {
  wasm_val_t args_v[1] = {WASM_I32_VAL(addr)};
  wasm_val_t results_v[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_v);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_v);
  wasm_trap_t* trap = wasm_func_call(load, &args, &results);
  if (trap)
    report_trap("load", trap);
  else
    printf("load(%d) = %d\n", addr, results_v[0].of.i32);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  printf("host SIGSEGV handler installed\n");

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "data/oob.wat");
  if (!module) return 1;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* load = wasm_extern_as_func(exports.data[1]);

  call_load(load, 0);
  call_load(load, 70000);
  printf("host handler calls after the Wasm trap: %d\n", (int)host_faults);

  /* A fault of the host's own: the host's handler repairs it. */
  volatile int* page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  page[0] = 42;
  printf("host fault repaired: value %d, host handler calls %d\n", page[0], (int)host_faults);
  munmap((void*)page, 4096);

  call_load(load, 65536);
  printf("host handler calls at the end: %d\n", (int)host_faults);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
