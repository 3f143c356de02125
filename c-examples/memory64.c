/* 64-bit memories and tables through the C API: a host makes a 64-bit
 * memory with wasi_rt_memorytype_new and hands it to a module that
 * addresses it with i64, sizes and growth come back whole, an address
 * beyond 4 GiB traps instead of wrapping, bad types are refused with a
 * message, and a 64-bit table grows from the host. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wasi_rt.h"

static const char MODULE[] =
    "(module"
    "  (import \"host\" \"mem\" (memory i64 1))"
    "  (table (export \"tab\") i64 2 funcref)"
    "  (func (export \"store\") (param i64 i32) (i32.store (local.get 0) (local.get 1)))"
    "  (func (export \"load\") (param i64) (result i32) (i32.load (local.get 0)))"
    "  (func (export \"size\") (result i64) (memory.size))"
    "  (func (export \"tsize\") (result i64) (table.size 0)))";

static void print_error(const char* what, wasi_rt_error_t* e) {
  wasm_byte_vec_t m;
  wasi_rt_error_message(e, &m);
  printf("%s: %s\n", what, m.data);
  wasm_byte_vec_delete(&m);
  wasi_rt_error_delete(e);
}

/* Calls `f`, printing its i32 or i64 result or its trap code. */
static void call(const char* what, const wasm_func_t* f, wasm_val_t* args, size_t nargs) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = {nargs, args};
  wasm_val_vec_t r = {wasm_func_result_arity(f), results};
  wasm_trap_t* trap = wasm_func_call(f, &a, &r);
  if (trap) {
    uint8_t code = 0xFF;
    wasi_rt_trap_code(trap, &code);
    printf("%s trapped (out of bounds: %s)\n", what,
           code == WASI_RT_TRAP_MEMORY_OUT_OF_BOUNDS ? "yes" : "no");
    wasm_trap_delete(trap);
  } else if (r.size == 0) {
    printf("%s returned\n", what);
  } else if (results[0].kind == WASM_I64) {
    printf("%s = %" PRId64 "\n", what, results[0].of.i64);
  } else {
    printf("%s = %" PRId32 "\n", what, results[0].of.i32);
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* Types the host cannot make. */
  wasm_memorytype_t* ty = NULL;
  print_error("min above max", wasi_rt_memorytype_new(3, true, 2, true, false, 16, &ty));
  print_error("page size 4 KiB", wasi_rt_memorytype_new(1, false, 0, true, false, 12, &ty));
  print_error("32-bit memory of 2^20 pages",
              wasi_rt_memorytype_new(1u << 20, false, 0, false, false, 16, &ty));
  print_error("shared without maximum", wasi_rt_memorytype_new(1, false, 0, true, true, 16, &ty));
  print_error("NULL ret", wasi_rt_memorytype_new(1, false, 0, true, false, 16, NULL));
  printf("nothing written: %s\n", ty == NULL ? "yes" : "no");

  /* A 64-bit memory of 1 page, at most 2^40 pages. */
  wasi_rt_error_t* err = wasi_rt_memorytype_new(1, true, (uint64_t)1 << 40, true, false, 16, &ty);
  if (err) {
    print_error("memorytype", err);
    return 1;
  }
  uint64_t max = 0;
  bool has_max = wasi_rt_memorytype_maximum(ty, &max);
  printf("type: min %" PRIu64 ", max %s%" PRIu64 ", 64-bit %d, shared %d, page 2^%u\n",
         wasi_rt_memorytype_minimum(ty), has_max ? "" : "none ", max,
         wasi_rt_memorytype_is64(ty), wasi_rt_memorytype_isshared(ty),
         (unsigned)wasi_rt_memorytype_page_size_log2(ty));
  const wasm_limits_t* limits = wasm_memorytype_limits(ty);
  printf("wasm.h limits: min %" PRIu32 ", max %" PRIu32 " (clamped)\n", limits->min, limits->max);
  wasm_memory_t* mem = wasm_memory_new(store, ty);
  wasm_memorytype_delete(ty);

  uint64_t prev = 0;
  bool grew = wasi_rt_memory_grow64(mem, 2, &prev);
  printf("grow64(2): %s, previous %" PRIu64 ", now %" PRIu64 " pages, %zu bytes\n",
         grew ? "ok" : "failed", prev, wasi_rt_memory_size64(mem), wasm_memory_data_size(mem));

  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, strlen(MODULE), MODULE);
  wasm_module_t* module = wasm_module_new(store, &text);
  wasm_byte_vec_delete(&text);
  wasm_extern_t* imports_data[1] = {wasm_memory_as_extern(mem)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) {
    printf("cannot instantiate\n");
    return 1;
  }
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* tab = wasm_extern_as_table(exports.data[0]);
  const wasm_func_t* store_fn = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t* load_fn = wasm_extern_as_func(exports.data[2]);
  const wasm_func_t* size_fn = wasm_extern_as_func(exports.data[3]);
  const wasm_func_t* tsize_fn = wasm_extern_as_func(exports.data[4]);

  call("size()", size_fn, NULL, 0);
  wasm_val_t st[2] = {WASM_I64_VAL(196604), WASM_I32_VAL(-7)};
  call("store(196604, -7)", store_fn, st, 2);
  wasm_val_t ld[1] = {WASM_I64_VAL(196604)};
  call("load(196604)", load_fn, ld, 1);
  uint8_t* data = (uint8_t*)wasm_memory_data(mem);
  printf("host sees byte %u at 196604\n", (unsigned)data[196604]);
  /* Low 32 bits 0: a wrapping engine would load address 0. */
  wasm_val_t far[1] = {WASM_I64_VAL((int64_t)1 << 32)};
  call("load(2^32)", load_fn, far, 1);
  wasm_val_t end[1] = {WASM_I64_VAL(196605)};
  call("load(196605)", load_fn, end, 1);

  /* The table: 64-bit type, whole sizes, growth from the host. */
  wasm_tabletype_t* tt = wasm_table_type(tab);
  printf("table: 64-bit %d, min %" PRIu64 "\n", wasi_rt_tabletype_is64(tt), wasi_rt_tabletype_minimum(tt));
  wasm_tabletype_delete(tt);
  grew = wasi_rt_table_grow64(tab, 3, NULL, &prev);
  printf("table grow64(3): %s, previous %" PRIu64 ", now %" PRIu64 "\n", grew ? "ok" : "failed", prev,
         wasi_rt_table_size64(tab));
  call("tsize()", tsize_fn, NULL, 0);
  wasm_tabletype_t* made = NULL;
  print_error("table of i32", wasi_rt_tabletype_new(wasm_valtype_new_i32(), 1, false, 0, true, &made));
  err = wasi_rt_tabletype_new(wasm_valtype_new_funcref(), 1, true, 10, true, &made);
  if (!err) {
    uint64_t tmax = 0;
    bool has_tmax = wasi_rt_tabletype_maximum(made, &tmax);
    printf("made table type: 64-bit %d, max %s%" PRIu64 "\n", wasi_rt_tabletype_is64(made),
           has_tmax ? "" : "none ", tmax);
    wasm_tabletype_delete(made);
  }

  /* NULL handles read as nothing. */
  printf("NULL: size64 %" PRIu64 ", grow64 %d, is64 %d\n", wasi_rt_memory_size64(NULL),
         wasi_rt_memory_grow64(NULL, 1, NULL), wasi_rt_memorytype_is64(NULL));

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_memory_delete(mem);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
