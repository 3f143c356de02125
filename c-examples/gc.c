/* Garbage-collected values through the C API: the host registers a struct
 * type that a module also declares (the same type), makes a struct, passes
 * it to Wasm and reads back what Wasm made, reads and writes fields and
 * array elements, makes an i31, is refused for bad arguments, and sees the
 * collector free what no wasm_ref_t holds any more. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wasi_rt.h"

static const char MODULE[] =
    "(module"
    "  (type $point (struct (field (mut i32)) (field i8)))"
    "  (import \"host\" \"echo\" (func $echo (param anyref) (result anyref)))"
    "  (func (export \"roundtrip\") (param i32) (result i32)"
    "    (struct.get $point 0 (ref.cast (ref $point)"
    "      (call $echo (struct.new $point (local.get 0) (i32.const 0))))))"
    "  (type $junk (array i64))"
    "  (func (export \"make\") (param i32) (result (ref $point))"
    "    (struct.new $point (local.get 0) (i32.const -1)))"
    "  (func (export \"sum\") (param (ref $point)) (result i32)"
    "    (i32.add (struct.get $point 0 (local.get 0)) (struct.get_s $point 1 (local.get 0))))"
    "  (func (export \"churn\") (param $n i32)"
    "    (block $done (loop $l"
    "      (br_if $done (i32.eqz (local.get $n)))"
    "      (drop (array.new_default $junk (i32.const 1000)))"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))"
    "      (br $l)))))";

static void check(const char* what, wasi_rt_error_t* e) {
  if (!e) {
    printf("%s: ok\n", what);
    return;
  }
  wasm_byte_vec_t m;
  wasi_rt_error_message(e, &m);
  printf("%s: %s\n", what, m.data);
  wasm_byte_vec_delete(&m);
  wasi_rt_error_delete(e);
}

static wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  return wasm_extern_as_func(exports->data[i]);
}

/* A struct the host function below makes during a call and keeps. */
static wasm_store_t* g_store;
static uint32_t g_point;
static wasm_ref_t* g_kept;

/* echo(x): returns its argument (the result is the caller's: a copy), and
 * on its first call makes a struct of its own that outlives the call. */
static wasm_trap_t* echo(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASI_RT_ANYREF;
  results->data[0].of.ref = args->data[0].of.ref ? wasm_ref_copy(args->data[0].of.ref) : NULL;
  if (!g_kept) {
    wasm_val_t init[2] = {WASM_I32_VAL(99), WASM_I32_VAL(0)};
    wasi_rt_error_t* e = wasi_rt_struct_new(g_store, g_point, init, 2, &g_kept);
    if (e) wasi_rt_error_delete(e);
  }
  return NULL;
}

static void print_stats(const char* when, const wasm_store_t* store) {
  wasi_rt_gc_stats_t st;
  wasi_rt_store_gc_stats(store, &st);
  printf("%s: live objects %" PRIu64 ", collections %s\n", when, st.live_objects,
         st.collections > 0 ? "some" : "none");
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasi_rt_engine_config_gc_heap_limit(config, 1 << 20);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);

  /* The host's view of $point: (mut i32), i8. */
  wasi_rt_fieldtype_t fields[2] = {{WASM_I32, 0, true}, {WASM_I32, 8, false}};
  uint32_t point = 0;
  check("register point", wasi_rt_engine_register_struct(engine, fields, 2, &point));
  wasi_rt_fieldtype_t bad = {WASM_I32, 7, false};
  uint32_t unused = 0;
  check("register i7", wasi_rt_engine_register_struct(engine, &bad, 1, &unused));

  wasm_byte_vec_t wat;
  wasm_byte_vec_new(&wat, strlen(MODULE), MODULE);
  wasm_module_t* module = wasm_module_new(store, &wat);
  wasm_byte_vec_delete(&wat);
  g_store = store;
  g_point = point;
  wasm_valtype_vec_t ps, rs;
  wasm_valtype_t* p1 = wasm_valtype_new(WASI_RT_ANYREF);
  wasm_valtype_t* r1 = wasm_valtype_new(WASI_RT_ANYREF);
  wasm_valtype_vec_new(&ps, 1, &p1);
  wasm_valtype_vec_new(&rs, 1, &r1);
  wasm_functype_t* echo_type = wasm_functype_new(&ps, &rs);
  wasm_func_t* echo_func = wasm_func_new(store, echo_type, echo);
  wasm_functype_delete(echo_type);
  wasm_extern_t* import_list[1] = {wasm_func_as_extern(echo_func)};
  wasm_extern_vec_t imports = {1, import_list};
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* roundtrip = export_func(&exports, 0);
  wasm_func_t* make = export_func(&exports, 1);
  wasm_func_t* sum = export_func(&exports, 2);
  wasm_func_t* churn = export_func(&exports, 3);

  /* Through a C host function and back; what it made stays alive. */
  wasm_val_t five = WASM_I32_VAL(5);
  wasm_val_t got = WASM_INIT_VAL;
  wasm_val_vec_t a5 = {1, &five};
  wasm_val_vec_t rgot = {1, &got};
  wasm_trap_t* t = wasm_func_call(roundtrip, &a5, &rgot);
  printf("roundtrip(5) through the host = %" PRId32 "%s\n", got.of.i32, t ? " (trapped)" : "");
  if (t) wasm_trap_delete(t);

  /* A struct made by the host, read by Wasm. */
  wasm_val_t init[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  wasm_ref_t* p = NULL;
  check("struct_new", wasi_rt_struct_new(store, point, init, 2, &p));
  wasm_val_t args[1];
  args[0].kind = WASI_RT_ANYREF;
  args[0].of.ref = p;
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = {1, args};
  wasm_val_vec_t r = {1, results};
  wasm_func_call(sum, &a, &r);
  printf("sum(host point) = %" PRId32 "\n", results[0].of.i32);
  wasm_val_t v = WASM_I32_VAL(-8);
  check("set field 0", wasi_rt_struct_set(p, 0, &v));
  check("set immutable field 1", wasi_rt_struct_set(p, 1, &v));
  wasm_val_t wrong = WASM_I64_VAL(1);
  check("set field 0 to an i64", wasi_rt_struct_set(p, 0, &wrong));
  wasm_func_call(sum, &a, &r);
  printf("sum after set = %" PRId32 "\n", results[0].of.i32);

  /* A struct made by Wasm, read by the host. */
  wasm_val_t seven = WASM_I32_VAL(7);
  wasm_val_vec_t a7 = {1, &seven};
  wasm_func_call(make, &a7, &r);
  wasm_ref_t* q = results[0].of.ref;
  uint32_t type = 0;
  printf("result kind is anyref: %s, struct: %s, type is point: %s\n",
         results[0].kind == WASI_RT_ANYREF ? "yes" : "no", wasi_rt_ref_is_struct(q) ? "yes" : "no",
         wasi_rt_ref_gc_type(q, &type) && type == point ? "yes" : "no");
  wasm_val_t f0, f1;
  check("get field 0", wasi_rt_struct_get(q, 0, &f0));
  check("get field 1", wasi_rt_struct_get(q, 1, &f1));
  printf("fields: %" PRId32 " %" PRId32 "\n", f0.of.i32, f1.of.i32);
  check("get field 2", wasi_rt_struct_get(q, 2, &f0));
  check("get field of NULL", wasi_rt_struct_get(NULL, 0, &f0));

  /* Arrays and i31s. */
  wasi_rt_fieldtype_t elem = {WASM_I32, 16, true};
  uint32_t shorts = 0;
  check("register array", wasi_rt_engine_register_array(engine, &elem, &shorts));
  wasm_val_t fill = WASM_I32_VAL(0x12345);
  wasm_ref_t* arr = NULL;
  check("array_new", wasi_rt_array_new(store, shorts, &fill, 3, &arr));
  uint32_t len = 0;
  wasi_rt_array_len(arr, &len);
  wasm_val_t e2;
  wasi_rt_array_get(arr, 2, &e2);
  printf("array: length %" PRIu32 ", element 2 = %#" PRIx32 "\n", len, (uint32_t)e2.of.i32);
  check("array_get 3", wasi_rt_array_get(arr, 3, &e2));
  check("struct_new of an array type", wasi_rt_struct_new(store, shorts, init, 2, &p));
  wasm_ref_t* small = wasi_rt_i31_new(store, -5);
  int32_t s = 0, u = 0;
  wasi_rt_ref_i31_get(small, true, &s);
  wasi_rt_ref_i31_get(small, false, &u);
  printf("i31: signed %" PRId32 ", unsigned %" PRId32 ", is struct: %s\n", s, u,
         wasi_rt_ref_is_struct(small) ? "yes" : "no");

  /* Collection: everything held survives churn; nothing survives once
   * the references are deleted. */
  wasm_val_t n = WASM_I32_VAL(500);
  wasm_val_vec_t an = {1, &n};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_func_call(churn, &an, &none);
  wasi_rt_store_gc(store);
  print_stats("held", store);
  wasm_val_t kept;
  check("field of the struct the host function kept", wasi_rt_struct_get(g_kept, 0, &kept));
  printf("kept: %" PRId32 "\n", kept.of.i32);
  wasm_func_call(sum, &a, &r);
  printf("sum still = %" PRId32 "\n", results[0].of.i32);
  check("set limit now", wasi_rt_store_set_gc_heap_limit(store, 1 << 24));
  wasm_ref_delete(p);
  wasm_ref_delete(q);
  wasm_ref_delete(arr);
  wasm_ref_delete(small);
  wasm_ref_delete(g_kept);
  wasm_func_delete(echo_func);
  wasi_rt_store_gc(store);
  print_stats("released", store);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
