/* The same start as engine_smoke.c, linked with the static library
 * (wasi_rt::static, libwasi_rt.a and the system libraries it needs). */

#include <stdio.h>

#include "wasi_rt.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = engine ? wasm_store_new(engine) : NULL;
  if (store == NULL) {
    fprintf(stderr, "cannot create an engine and a store\n");
    return 1;
  }

  wasm_byte_vec_t name;
  wasm_name_new_from_string(&name, "linked statically");
  printf("%.*s\n", (int)name.size, name.data);
  wasm_name_delete(&name);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
