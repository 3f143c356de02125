/* Threads through the C API: one shared memory, four POSIX threads, each
 * with a store and an instance of its own (the module compiled once and
 * shared with wasm_module_share/obtain) adding to one counter with an
 * atomic read-modify-write; no update is lost. Also: a memory type that is
 * not shared is refused, a store memory hands out its shared memory, and
 * an unaligned atomic access traps with its own code. */

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "wasi_rt.h"

static const char WORKER[] =
    "(module"
    "  (import \"env\" \"mem\" (memory 1 1 shared))"
    "  (func (export \"add_many\") (param $n i32)"
    "    (loop $l"
    "      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))"
    "  (func (export \"load\") (param i32) (result i32) (i32.atomic.load (local.get 0))))";

struct job {
  wasm_engine_t* engine;
  wasm_shared_module_t* module;
  wasi_rt_sharedmemory_t* memory;
  int ok;
};

/* Instantiates the worker in a new store on `memory` and returns the
 * instance's exports (the caller deletes them, the instance and store). */
static wasm_instance_t* instantiate(wasm_store_t* store, wasm_module_t* module,
                                    wasi_rt_sharedmemory_t* memory, wasm_extern_vec_t* exports) {
  wasm_memory_t* mem = wasi_rt_sharedmemory_to_memory(store, memory);
  wasm_extern_t* items[1] = {wasm_memory_as_extern(mem)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_memory_delete(mem);
  if (instance) wasm_instance_exports(instance, exports);
  return instance;
}

static void* run(void* arg) {
  struct job* job = arg;
  wasm_store_t* store = wasm_store_new(job->engine);
  wasm_module_t* module = wasm_module_obtain(store, job->module);
  wasm_extern_vec_t exports;
  wasm_instance_t* instance = instantiate(store, module, job->memory, &exports);
  if (instance) {
    wasm_val_t args[1] = {WASM_I32_VAL(100000)};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args);
    wasm_val_vec_t r = WASM_EMPTY_VEC;
    wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &a, &r);
    job->ok = trap == NULL;
    if (trap) wasm_trap_delete(trap);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

static void print_error(const char* what, wasi_rt_error_t* e) {
  wasm_byte_vec_t m;
  wasi_rt_error_message(e, &m);
  printf("%s: %s\n", what, m.data);
  wasm_byte_vec_delete(&m);
  wasi_rt_error_delete(e);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_memorytype_t* unshared = NULL;
  wasi_rt_memorytype_new(1, true, 1, false, false, 16, &unshared);
  wasi_rt_sharedmemory_t* memory = NULL;
  print_error("unshared type", wasi_rt_sharedmemory_new(engine, unshared, &memory));
  wasm_memorytype_delete(unshared);

  wasm_memorytype_t* ty = NULL;
  wasi_rt_memorytype_new(1, true, 1, false, true, 16, &ty);
  wasi_rt_error_t* err = wasi_rt_sharedmemory_new(engine, ty, &memory);
  wasm_memorytype_delete(ty);
  if (err) {
    print_error("shared memory", err);
    return 1;
  }
  printf("shared memory: %" PRIu64 " page(s), %zu bytes\n", wasi_rt_sharedmemory_size(memory),
         wasi_rt_sharedmemory_data_size(memory));

  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, strlen(WORKER), WORKER);
  wasm_module_t* module = wasm_module_new(store, &text);
  wasm_byte_vec_delete(&text);
  wasm_shared_module_t* shared_module = wasm_module_share(module);

  enum { THREADS = 4 };
  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (struct job){engine, shared_module, memory, 0};
    pthread_create(&threads[i], NULL, run, &jobs[i]);
  }
  int ok = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    ok += jobs[i].ok;
  }
  uint32_t counter;
  memcpy(&counter, wasi_rt_sharedmemory_data(memory), sizeof counter);
  printf("%d threads finished; counter = %" PRIu32 "\n", ok, counter);

  /* This store's memory on the same shared memory, and back. */
  wasm_extern_vec_t exports;
  wasm_instance_t* instance = instantiate(store, module, memory, &exports);
  wasm_memory_t* attached = wasi_rt_sharedmemory_to_memory(store, memory);
  wasi_rt_sharedmemory_t* again = wasi_rt_memory_sharedmemory(attached);
  printf("a store memory on it hands it back: %s, %zu bytes\n", again ? "yes" : "no",
         wasi_rt_sharedmemory_data_size(again));
  wasi_rt_sharedmemory_delete(again);
  wasm_memory_delete(attached);
  wasm_limits_t limits = {1, 1};
  wasm_memorytype_t* own_type = wasm_memorytype_new(&limits);
  wasm_memory_t* own = wasm_memory_new(store, own_type);
  wasm_memorytype_delete(own_type);
  printf("an unshared store memory has no shared memory: %s\n",
         wasi_rt_memory_sharedmemory(own) == NULL ? "yes" : "no");
  wasm_memory_delete(own);

  wasm_val_t args[1] = {WASM_I32_VAL(2)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args);
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &a, &r);
  uint8_t code = 0xFF;
  if (trap) {
    wasi_rt_trap_code(trap, &code);
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    printf("load(2) trapped: %s (WASI_RT_TRAP_UNALIGNED_ATOMIC: %s)\n", m.data,
           code == WASI_RT_TRAP_UNALIGNED_ATOMIC ? "yes" : "no");
    wasm_byte_vec_delete(&m);
    wasm_trap_delete(trap);
  }
  uint64_t prev = 0;
  printf("grow past the maximum: %s\n", wasi_rt_sharedmemory_grow(memory, 1, &prev) ? "grew" : "refused");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_shared_module_delete(shared_module);
  wasm_module_delete(module);
  wasi_rt_sharedmemory_delete(memory);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
