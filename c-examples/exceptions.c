/* Exception handling through the C API: a module's tag is an extern of
 * kind WASI_RT_EXTERN_TAG that can be passed to another instance, a host
 * can make tags of its own, an exception no handler catches comes back as
 * a trap with code WASI_RT_TRAP_UNCAUGHT_EXCEPTION, and exnref values are
 * refused at the boundary. */

#include <stdio.h>
#include <string.h>

#include "wasi_rt.h"

static const char THROWER[] =
    "(module"
    "  (tag $e (export \"e\") (param i32))"
    "  (func (export \"throw\") (param i32) (throw $e (local.get 0)))"
    "  (func (export \"catch\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e $h) (throw $e (local.get 0)))"
    "      (i32.const -1)))"
    "  (func (export \"exn\") (result exnref)"
    "    (block $h (result exnref)"
    "      (try_table (catch_all_ref $h) (throw $e (i32.const 0)))"
    "      (unreachable))))";

/* Catches exceptions of its imported tag thrown by its imported function. */
static const char CATCHER[] =
    "(module"
    "  (import \"m\" \"e\" (tag $e (param i32)))"
    "  (import \"m\" \"throw\" (func $throw (param i32)))"
    "  (func (export \"catch\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e $h) (call $throw (local.get 0)))"
    "      (i32.const -1))))";

static wasm_module_t* compile(wasm_store_t* store, const char* text) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, strlen(text), text);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  return module;
}

/* Calls `f` with one i32 and prints the result or the trap. */
static void call_i32(const char* what, const wasm_func_t* f, int32_t arg) {
  wasm_val_t args[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args);
  wasm_val_vec_t r = {wasm_func_result_arity(f), results};
  wasm_trap_t* trap = wasm_func_call(f, &a, &r);
  if (!trap) {
    if (r.size == 1)
      printf("%s(%d) = %d\n", what, arg, results[0].of.i32);
    else
      printf("%s(%d) returned\n", what, arg);
    return;
  }
  uint8_t code = 0xFF;
  bool has_code = wasi_rt_trap_code(trap, &code);
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  printf("%s(%d) trapped (uncaught exception code: %s): %s\n", what, arg,
         has_code && code == WASI_RT_TRAP_UNCAUGHT_EXCEPTION ? "yes" : "no", m.data);
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
}

static wasm_instance_t* instantiate(wasm_store_t* store, wasm_module_t* module, wasm_extern_t* e,
                                    wasm_extern_t* throw_fn) {
  wasm_extern_t* items[2] = {e, throw_fn};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (trap) {
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    printf("instantiation failed: %s\n", m.data);
    wasm_byte_vec_delete(&m);
    wasm_trap_delete(trap);
  }
  return instance;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_module_t* thrower_module = compile(store, THROWER);
  wasm_module_t* catcher_module = compile(store, CATCHER);
  if (!thrower_module || !catcher_module) {
    printf("cannot compile the modules\n");
    return 1;
  }
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* thrower = wasm_instance_new(store, thrower_module, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(thrower, &exports);
  wasm_extern_t* tag = exports.data[0];
  wasm_extern_t* throw_fn = exports.data[1];

  /* The tag export and its type. */
  wasm_externtype_t* ty = wasm_extern_type(tag);
  const wasm_valtype_vec_t* params = wasi_rt_externtype_tag_params(ty);
  printf("export e: kind %s, %zu param(s), first i32: %s\n",
         wasm_extern_kind(tag) == WASI_RT_EXTERN_TAG ? "tag" : "other", params->size,
         wasm_valtype_kind(params->data[0]) == WASM_I32 ? "yes" : "no");
  wasm_externtype_delete(ty);
  ty = wasm_extern_type(throw_fn);
  printf("tag params of a function type: %s\n", wasi_rt_externtype_tag_params(ty) ? "vector" : "NULL");
  wasm_externtype_delete(ty);

  /* Caught inside Wasm, then uncaught. */
  call_i32("catch", wasm_extern_as_func(exports.data[2]), 41);
  call_i32("throw", wasm_extern_as_func(throw_fn), 7);

  /* An exnref result cannot cross wasm_val_t. */
  wasm_val_t out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(out);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[3]), &no_args, &results);
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  printf("exn(): %s\n", m.data);
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);

  /* The exporter's tag passed on: the catcher catches the thrower's exceptions. */
  wasm_instance_t* catcher = instantiate(store, catcher_module, tag, throw_fn);
  wasm_extern_vec_t catcher_exports;
  wasm_instance_exports(catcher, &catcher_exports);
  call_i32("catcher with the thrower's tag", wasm_extern_as_func(catcher_exports.data[0]), 12);
  wasm_extern_vec_delete(&catcher_exports);
  wasm_instance_delete(catcher);

  /* A host tag of the same type is a different tag: nothing catches. */
  wasm_valtype_vec_t ps, rs;
  wasm_valtype_t* i32 = wasm_valtype_new_i32();
  wasm_valtype_vec_new(&ps, 1, &i32);
  wasm_valtype_vec_new_empty(&rs);
  wasm_functype_t* tag_type = wasm_functype_new(&ps, &rs);
  wasm_extern_t* host_tag = wasi_rt_tag_new(store, tag_type);
  catcher = instantiate(store, catcher_module, host_tag, throw_fn);
  wasm_instance_exports(catcher, &catcher_exports);
  call_i32("catcher with a host tag", wasm_extern_as_func(catcher_exports.data[0]), 12);
  wasm_extern_vec_delete(&catcher_exports);
  wasm_instance_delete(catcher);
  wasm_extern_delete(host_tag);
  wasm_functype_delete(tag_type);

  /* A tag of another type is refused as the import. */
  wasm_valtype_t* i64 = wasm_valtype_new_i64();
  wasm_valtype_vec_new(&ps, 1, &i64);
  wasm_valtype_vec_new_empty(&rs);
  tag_type = wasm_functype_new(&ps, &rs);
  host_tag = wasi_rt_tag_new(store, tag_type);
  catcher = instantiate(store, catcher_module, host_tag, throw_fn);
  printf("catcher with an i64 tag: %s\n", catcher ? "instance" : "NULL");
  wasm_extern_delete(host_tag);
  wasm_functype_delete(tag_type);

  /* Misuse: NULL arguments, a type with results. */
  wasm_valtype_vec_new_empty(&ps);
  wasm_valtype_t* r = wasm_valtype_new_i32();
  wasm_valtype_vec_new(&rs, 1, &r);
  tag_type = wasm_functype_new(&ps, &rs);
  printf("tag_new(type with results): %s\n", wasi_rt_tag_new(store, tag_type) ? "tag" : "NULL");
  printf("tag_new(NULL store): %s\n", wasi_rt_tag_new(NULL, tag_type) ? "tag" : "NULL");
  printf("tag_new(NULL type): %s\n", wasi_rt_tag_new(store, NULL) ? "tag" : "NULL");
  printf("tag_params(NULL): %s\n", wasi_rt_externtype_tag_params(NULL) ? "vector" : "NULL");
  wasm_functype_delete(tag_type);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(thrower);
  wasm_module_delete(catcher_module);
  wasm_module_delete(thrower_module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
