/* Small helpers shared by the examples: read a module file (binary .wasm
 * or text .wat; wasi-rt's wasm_module_new accepts both) and print traps. */
#ifndef WASI_RT_EXAMPLES_COMMON_H
#define WASI_RT_EXAMPLES_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"

/* Compiles the module in `path`; NULL (with a message) when it cannot. */
static inline wasm_module_t* load_module(wasm_store_t* store, const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    printf("cannot open %s\n", path);
    return NULL;
  }
  fseek(f, 0L, SEEK_END);
  long size = ftell(f);
  fseek(f, 0L, SEEK_SET);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new_uninitialized(&binary, (size_t)size);
  size_t got = fread(binary.data, 1, (size_t)size, f);
  fclose(f);
  wasm_module_t* module = got == (size_t)size ? wasm_module_new(store, &binary) : NULL;
  wasm_byte_vec_delete(&binary);
  if (!module) printf("cannot compile %s\n", path);
  return module;
}

/* Prints a trap's message and deletes it. */
static inline void report_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s trapped: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

#endif
