/* The smallest embedding: create an engine and a store, make a byte vector,
 * and release everything in the order the C API's ownership rules ask. */

#include <stdio.h>

#include "wasm.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  if (engine == NULL) {
    fprintf(stderr, "cannot create an engine\n");
    return 1;
  }
  printf("engine created\n");

  wasm_store_t* store = wasm_store_new(engine);
  if (store == NULL) {
    fprintf(stderr, "cannot create a store\n");
    return 1;
  }
  printf("store created\n");

  /* NULL where an object is required: a failure value, not a crash. */
  printf("store for a NULL engine: %s\n", wasm_store_new(NULL) == NULL ? "NULL" : "not NULL");

  /* The vector copies the bytes; it is ours to delete. */
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, 5, "hello");
  printf("byte vector: %zu bytes \"%.*s\"\n", bytes.size, (int)bytes.size, bytes.data);
  wasm_byte_vec_delete(&bytes);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
