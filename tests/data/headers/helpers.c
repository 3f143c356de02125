/* Uses every inline helper and macro of include/wasm.h, the way programs
 * written against the standard header do. tests/headers.rs compiles it
 * (syntax only, warnings as errors) as C99 and as C++11. */

#include "wasi_rt.h"
#include "wasm.h"

#include <stdio.h>

/* Like the standard examples: `own` is gone after the header. */
#define own

static own wasm_trap_t* callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static own wasm_trap_t* callback_env(void* env, const wasm_val_vec_t* args,
                                     wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = *(int*)env;
  return NULL;
}

static void print_kind(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: printf("i32"); break;
    case WASM_I64: printf("i64"); break;
    case WASM_F32: printf("f32"); break;
    case WASM_F64: printf("f64"); break;
    case WASM_ANYREF: printf("anyref"); break;
    case WASM_FUNCREF: printf("funcref"); break;
    default: printf("?"); break;
  }
}

static void print_externkind(wasm_externkind_t kind) {
  switch (kind) {
    case WASM_EXTERN_FUNC: printf("func"); break;
    case WASM_EXTERN_GLOBAL: printf("global"); break;
    case WASM_EXTERN_TABLE: printf("table"); break;
    case WASM_EXTERN_MEMORY: printf("memory"); break;
    default: printf("?"); break;
  }
}

static void print_name(const wasm_name_t* name) {
  printf("\"%.*s\"", (int)name->size, name->data);
}

static int use_everything(wasm_store_t* store, wasm_memory_t* memory) {
  /* Names. */
  own wasm_name_t name;
  wasm_name_new_from_string(&name, "hello");
  print_name(&name);
  wasm_name_delete(&name);
  own wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  own wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  wasm_trap_delete(trap);
  wasm_name_t copied;
  wasm_name_new_empty(&name);
  wasm_name_copy(&copied, &name);
  wasm_name_delete(&copied);
  wasm_name_delete(&name);
  wasm_name_new_uninitialized(&name, 4);
  wasm_name_delete(&name);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, 3, "abc");
  wasm_byte_vec_delete(&bytes);

  /* Value types and kinds. */
  own wasm_valtype_t* types[7] = {
    wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
    wasm_valtype_new_f64(), wasm_valtype_new_anyref(), wasm_valtype_new_externref(),
    wasm_valtype_new_funcref(),
  };
  int nums = 0;
  for (size_t i = 0; i < 7; i++) {
    print_kind(wasm_valtype_kind(types[i]));
    nums += wasm_valtype_is_num(types[i]) + !wasm_valtype_is_ref(types[i]);
    nums += wasm_valkind_is_num(wasm_valtype_kind(types[i]));
    nums += wasm_valkind_is_ref(wasm_valtype_kind(types[i]));
  }
  own wasm_valtype_vec_t tuple;
  wasm_valtype_vec_new(&tuple, 7, types);
  wasm_valtype_vec_delete(&tuple);
  print_externkind(WASM_EXTERN_MEMORY);

  /* Function types, every arity from 0_0 to 3_3. */
  own wasm_functype_t* fts[16] = {
    wasm_functype_new_0_0(),
    wasm_functype_new_1_0(wasm_valtype_new_i32()),
    wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64()),
    wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32()),
    wasm_functype_new_0_1(wasm_valtype_new_i32()),
    wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32()),
    wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32()),
    wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                          wasm_valtype_new_f64()),
    wasm_functype_new_0_2(wasm_valtype_new_i32(), wasm_valtype_new_i64()),
    wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64()),
    wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                          wasm_valtype_new_i64()),
    wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                          wasm_valtype_new_i32(), wasm_valtype_new_i64()),
    wasm_functype_new_0_3(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32()),
    wasm_functype_new_1_3(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                          wasm_valtype_new_f32()),
    wasm_functype_new_2_3(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                          wasm_valtype_new_i64(), wasm_valtype_new_f32()),
    wasm_functype_new_3_3(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                          wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32()),
  };
  int env = 7;
  own wasm_func_t* host = wasm_func_new(store, fts[5], callback);
  own wasm_func_t* closure = wasm_func_new_with_env(store, fts[4], callback_env, &env, NULL);
  for (size_t i = 0; i < 16; i++) {
    nums += (int)wasm_functype_params(fts[i])->size;
    wasm_functype_delete(fts[i]);
  }

  /* Values and vectors. */
  wasm_val_t vals[6] = {
    WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3.0f), WASM_F64_VAL(4.0),
    WASM_REF_VAL(NULL), WASM_INIT_VAL,
  };
  wasm_val_t results[1] = { WASM_INIT_VAL };
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(vals);
  wasm_val_vec_t results_vec = WASM_ARRAY_VEC(results);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t one = WASM_I32_VAL(6);
  wasm_val_vec_t pair = {1, &one};
  own wasm_trap_t* t1 = wasm_func_call(host, &args_vec, &results_vec);
  own wasm_trap_t* t2 = wasm_func_call(closure, &none, &pair);
  if (t1) wasm_trap_delete(t1);
  if (t2) wasm_trap_delete(t2);
  wasm_extern_t* externs[] = { wasm_func_as_extern(host), wasm_func_as_extern(closure) };
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  nums += (int)imports.size;

  wasm_val_t ptr;
  wasm_val_init_ptr(&ptr, &env);
  nums += *(int*)wasm_val_ptr(&ptr);

  /* Limits, mutability, memory. */
  wasm_limits_t limits = {1, wasm_limits_max_default};
  own wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memorytype_delete(mt);
  own wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  nums += wasm_globaltype_mutability(gt) == WASM_VAR;
  wasm_globaltype_delete(gt);
  nums += (int)(MEMORY_PAGE_SIZE / 0x10000);
  wasm_byte_t* data = wasm_memory_data(memory);
  data[0] = 'x';

  wasm_func_delete(host);
  wasm_func_delete(closure);
  return nums;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  int n = use_everything(store, NULL);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return n == 0;
}
