/* Every function of wasm.h and wasi_rt.h that the other examples do not
 * reach, each called as the header documents and checked: the reference
 * families (copy, same, host info, ref and extern views), every vector
 * family, the type helpers, value helpers, configuration and the
 * wasi_rt extras. Prints one line per group and the number of checks. */

#include <string.h>
#include <unistd.h>

#include "common.h"
#include "wasi_rt.h"

static int checks = 0;
static int failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    checks++;                                                        \
    if (!(cond)) {                                                   \
      failures++;                                                    \
      printf("FAILED at line %d: %s\n", __LINE__, #cond);            \
    }                                                                \
  } while (0)

static int finalized = 0;
static void on_finalize(void* data) {
  (void)data;
  finalized++;
}

/* The reference family of one type: copy, same, host info (with and
 * without finalizer) and the views as wasm_ref_t, both ways. */
#define REF_FAMILY(name, obj)                                                   \
  do {                                                                          \
    wasm_##name##_t* copy_ = wasm_##name##_copy(obj);                           \
    CHECK(copy_ != NULL && wasm_##name##_same(obj, copy_));                     \
    wasm_##name##_set_host_info(obj, (void*)&checks);                           \
    CHECK(wasm_##name##_get_host_info(obj) == (void*)&checks);                  \
    wasm_##name##_set_host_info_with_finalizer(obj, (void*)&failures, on_finalize); \
    CHECK(wasm_##name##_get_host_info(obj) == (void*)&failures);                \
    wasm_ref_t* ref_ = wasm_##name##_as_ref(obj);                               \
    CHECK(ref_ != NULL && wasm_ref_as_##name(ref_) == (obj));                   \
    CHECK(wasm_ref_as_##name##_const(wasm_##name##_as_ref_const(obj)) == (obj)); \
    wasm_##name##_delete(copy_);                                                \
  } while (0)

/* The extern views of one extern kind, both ways, const and not. */
#define EXTERN_VIEWS(name, obj)                                              \
  do {                                                                       \
    wasm_extern_t* e_ = wasm_##name##_as_extern(obj);                        \
    CHECK(e_ != NULL && wasm_extern_as_##name(e_) == (obj));                 \
    CHECK(wasm_extern_as_##name##_const(wasm_##name##_as_extern_const(obj)) == (obj)); \
  } while (0)

/* A vector family: new_empty, new_uninitialized, new (taking over the
 * elements), copy (deep) and delete. `make` builds one own element. */
#define VEC_FAMILY(name, make)                                           \
  do {                                                                   \
    wasm_##name##_vec_t v_;                                              \
    wasm_##name##_vec_new_empty(&v_);                                    \
    CHECK(v_.size == 0 && v_.data == NULL);                              \
    wasm_##name##_vec_new_uninitialized(&v_, 2);                         \
    CHECK(v_.size == 2 && v_.data[0] == NULL);                           \
    wasm_##name##_vec_delete(&v_);                                       \
    wasm_##name##_t* elems_[2] = {make, make};                           \
    wasm_##name##_vec_new(&v_, 2, elems_);                               \
    wasm_##name##_vec_t c_;                                              \
    wasm_##name##_vec_copy(&c_, &v_);                                    \
    CHECK(c_.size == 2 && c_.data[0] != NULL && c_.data[0] != v_.data[0]); \
    wasm_##name##_vec_delete(&c_);                                       \
    wasm_##name##_vec_delete(&v_);                                       \
    CHECK(v_.size == 0);                                                 \
  } while (0)

static wasm_importtype_t* make_importtype(void) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "m");
  wasm_name_new_from_string(&name, "n");
  wasm_limits_t l = {1, 2};
  return wasm_importtype_new(&module, &name, wasm_memorytype_as_externtype(wasm_memorytype_new(&l)));
}

static wasm_exporttype_t* make_exporttype(void) {
  wasm_name_t name;
  wasm_name_new_from_string(&name, "e");
  return wasm_exporttype_new(&name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
}

static ptrdiff_t count_bytes(void* data, const unsigned char* bytes, size_t len) {
  (void)bytes;
  *(size_t*)data += len;
  return (ptrdiff_t)len;
}

static int out_finalized = 0;
static void out_finalize(void* data) {
  (void)data;
  out_finalized++;
}

int main(void) {
  /* Configuration and engine. */
  wasm_config_t* config = wasm_config_new();
  CHECK(config != NULL);
  wasm_config_delete(wasm_config_new());
  wasm_engine_t* engine = wasm_engine_new_with_config(config); /* takes config */
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  /* Engine limits: a tiny function-size limit refuses a module with a
   * bigger body; the stack budget and compile-time limit are accepted. */
  wasm_config_t* limited = wasm_config_new();
  wasi_rt_engine_config_max_function_size(limited, 8);
  wasi_rt_engine_config_max_wasm_stack(limited, 128 * 1024);
  wasi_rt_engine_config_max_compile_time_ms(limited, UINT64_MAX);
  wasi_rt_engine_config_max_function_size(NULL, 0); /* NULL is ignored */
  wasi_rt_engine_config_max_wasm_stack(NULL, 0);
  wasi_rt_engine_config_max_compile_time_ms(NULL, 0);
  CHECK(wasi_rt_engine_config_wasm_feature(limited, "tail_call", false));
  CHECK(wasi_rt_engine_config_wasm_feature(limited, "tail_call", true));
  CHECK(!wasi_rt_engine_config_wasm_feature(limited, "no-such-feature", true));
  CHECK(!wasi_rt_engine_config_wasm_feature(limited, NULL, true));
  CHECK(!wasi_rt_engine_config_wasm_feature(NULL, "simd", true));
  CHECK(wasi_rt_engine_config_profiler(limited, "jitdump"));
  CHECK(wasi_rt_engine_config_profiler(limited, "none"));
  CHECK(!wasi_rt_engine_config_profiler(limited, "vtune"));
  CHECK(!wasi_rt_engine_config_profiler(limited, NULL));
  CHECK(!wasi_rt_engine_config_profiler(NULL, "perfmap"));
  wasm_engine_t* limited_engine = wasm_engine_new_with_config(limited);
  wasm_store_t* limited_store = wasm_store_new(limited_engine);
  wasm_byte_vec_t big_body, small_body;
  const char* big = "(module (func (result i32) (i32.add (i32.const 1000000) (i32.const 2000000))))";
  const char* tiny = "(module (func))";
  wasm_byte_vec_new(&big_body, strlen(big), big);
  wasm_byte_vec_new(&small_body, strlen(tiny), tiny);
  CHECK(wasm_module_new(limited_store, &big_body) == NULL);
  wasm_module_t* tiny_module = wasm_module_new(limited_store, &small_body);
  CHECK(tiny_module != NULL);
  wasm_module_delete(tiny_module);
  wasm_byte_vec_delete(&big_body);
  wasm_byte_vec_delete(&small_body);
  wasm_store_delete(limited_store);
  wasm_engine_delete(limited_engine);
  /* Lazy compilation: creating a module validates it; each function is
   * compiled on its first call (here all at once by compile_all). */
  wasm_config_t* lazy_config = wasm_config_new();
  wasi_rt_engine_config_lazy_compilation(lazy_config, true, false);
  wasi_rt_engine_config_lazy_compilation(NULL, true, true); /* NULL is ignored */
  wasm_engine_t* lazy_engine = wasm_engine_new_with_config(lazy_config);
  const char* two = "(module (func (export \"a\") (result i32) (i32.const 1)) (func (export \"b\")))";
  wasm_byte_vec_t two_src;
  wasm_byte_vec_new(&two_src, strlen(two), two);
  wasm_module_t* lazy_module = NULL;
  CHECK(wasi_rt_module_new(lazy_engine, &two_src, &lazy_module) == NULL && lazy_module != NULL);
  size_t compiled = 99, total = 99;
  wasi_rt_module_compiled_functions(lazy_module, &compiled, &total);
  CHECK(total == 2);
#if defined(__x86_64__)
  CHECK(compiled == 0); /* nothing called yet */
#else
  CHECK(compiled == 2); /* lazy compilation is x86-64 only */
#endif
  CHECK(wasi_rt_module_compile_all(lazy_module) == NULL);
  wasi_rt_module_compiled_functions(lazy_module, &compiled, NULL);
  CHECK(compiled == 2);
  wasi_rt_module_compiled_functions(NULL, &compiled, &total);
  CHECK(compiled == 0 && total == 0);
  wasi_rt_error_t* lazy_error = wasi_rt_module_compile_all(NULL);
  CHECK(lazy_error != NULL);
  wasi_rt_error_delete(lazy_error);
  /* The code cache: a second engine loads the module instead of compiling. */
  char cache_dir[64];
  snprintf(cache_dir, sizeof cache_dir, "/tmp/wasi-rt-c-cache-%ld", (long)getpid());
  wasm_config_t* cache_config = wasm_config_new();
  CHECK(wasi_rt_engine_config_cache(cache_config, cache_dir, 0));
  CHECK(!wasi_rt_engine_config_cache(NULL, cache_dir, 0));
  wasm_engine_t* cache_engine = wasm_engine_new_with_config(cache_config);
  wasm_module_t* cached = NULL;
  CHECK(wasi_rt_module_new(cache_engine, &two_src, &cached) == NULL);
  CHECK(!wasi_rt_module_loaded_from_cache(cached));
  bool wrote = true;
  CHECK(wasi_rt_module_update_cache(cached, &wrote) == NULL && !wrote); /* saved when compiled */
  wasm_module_delete(cached);
  CHECK(wasi_rt_module_new(cache_engine, &two_src, &cached) == NULL);
  CHECK(wasi_rt_module_loaded_from_cache(cached));
  CHECK(!wasi_rt_module_loaded_from_cache(NULL));
  wasi_rt_error_t* cache_error = wasi_rt_module_update_cache(NULL, NULL);
  CHECK(cache_error != NULL);
  wasi_rt_error_delete(cache_error);
  wasm_module_delete(cached);
  wasm_engine_delete(cache_engine);
  char clean[96];
  snprintf(clean, sizeof clean, "rm -rf %s", cache_dir);
  CHECK(system(clean) == 0);
  wasm_module_delete(lazy_module);
  wasm_byte_vec_delete(&two_src);
  wasm_engine_delete(lazy_engine);
  printf("config and engine\n");

  /* Value kinds and types, and the inline helpers. */
  CHECK(wasm_valkind_is_num(WASM_F64) && !wasm_valkind_is_num(WASM_FUNCREF));
  CHECK(wasm_valkind_is_ref(WASM_EXTERNREF) && !wasm_valkind_is_ref(WASM_I32));
  wasm_valtype_t* types[] = {wasm_valtype_new_i32(),      wasm_valtype_new_i64(),
                             wasm_valtype_new_f32(),      wasm_valtype_new_f64(),
                             wasm_valtype_new_externref(), wasm_valtype_new_funcref(),
                             wasm_valtype_new_anyref()};
  CHECK(wasm_valtype_is_num(types[2]) && wasm_valtype_is_ref(types[5]));
  CHECK(wasm_valtype_kind(types[4]) == WASM_EXTERNREF && wasm_valtype_kind(types[5]) == WASM_FUNCREF);
  for (size_t i = 0; i < sizeof types / sizeof *types; i++) wasm_valtype_delete(types[i]);

  wasm_functype_t* fts[] = {
      wasm_functype_new_0_0(),
      wasm_functype_new_0_1(wasm_valtype_new_i32()),
      wasm_functype_new_0_2(wasm_valtype_new_i32(), wasm_valtype_new_i64()),
      wasm_functype_new_0_3(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32()),
      wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64()),
      wasm_functype_new_1_3(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                            wasm_valtype_new_f32()),
      wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                            wasm_valtype_new_i64()),
      wasm_functype_new_2_3(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                            wasm_valtype_new_i64(), wasm_valtype_new_f64()),
      wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32()),
      wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                            wasm_valtype_new_f32()),
      wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                            wasm_valtype_new_f32(), wasm_valtype_new_f32()),
      wasm_functype_new_3_3(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                            wasm_valtype_new_f32(), wasm_valtype_new_f32(), wasm_valtype_new_f32()),
  };
  const size_t arity[][2] = {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3},
                             {2, 2}, {2, 3}, {3, 0}, {3, 1}, {3, 2}, {3, 3}};
  for (size_t i = 0; i < sizeof fts / sizeof *fts; i++) {
    CHECK(wasm_functype_params(fts[i])->size == arity[i][0]);
    CHECK(wasm_functype_results(fts[i])->size == arity[i][1]);
    wasm_functype_delete(fts[i]);
  }
  wasm_valtype_t* ps[] = {wasm_valtype_new_i64()};
  wasm_valtype_t* rs[] = {wasm_valtype_new_f64(), wasm_valtype_new_f32()};
  wasm_functype_t* ft = wasm_functype_new_from_arrays(1, ps, 2, rs);
  CHECK(wasm_functype_params(ft)->size == 1 && wasm_functype_results(ft)->size == 2);
  wasm_functype_delete(ft);

  wasm_limits_t limits = {1, 4};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_tabletype_t* tt2 = wasm_tabletype_copy(tt);
  CHECK(wasm_tabletype_limits(tt2)->max == 4);
  CHECK(wasm_externtype_kind(wasm_tabletype_as_externtype_const(tt2)) == WASM_EXTERN_TABLE);
  wasm_tabletype_delete(tt2);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  CHECK(wasm_externtype_kind(wasm_globaltype_as_externtype_const(gt)) == WASM_EXTERN_GLOBAL);
  printf("types and helpers\n");

  /* Values. */
  wasm_val_t v = WASM_F32_VAL(1.5f);
  CHECK(v.kind == WASM_F32 && v.of.f32 == 1.5f);
  wasm_val_t w = WASM_F64_VAL(2.5);
  CHECK(w.kind == WASM_F64 && w.of.f64 == 2.5);
  wasm_val_t x = WASM_I64_VAL(-3);
  CHECK(x.kind == WASM_I64 && x.of.i64 == -3);
  wasm_val_t y = WASM_I32_VAL(7);
  CHECK(y.kind == WASM_I32 && y.of.i32 == 7);
  wasm_val_t z = WASM_REF_VAL(NULL);
  CHECK(z.of.ref == NULL);
  wasm_val_t p;
  wasm_val_init_ptr(&p, &checks);
  CHECK(wasm_val_ptr(&p) == &checks);
  wasm_val_t vcopy;
  wasm_val_copy(&vcopy, &y);
  CHECK(vcopy.kind == WASM_I32 && vcopy.of.i32 == 7);
  wasm_val_delete(&vcopy);
  wasm_val_vec_t vals;
  wasm_val_vec_new_empty(&vals);
  CHECK(vals.size == 0);
  wasm_name_t name;
  wasm_name_new(&name, 3, "abc");
  CHECK(name.size == 3 && memcmp(name.data, "abc", 3) == 0);
  wasm_name_delete(&name);
  wasm_name_new_from_string_nt(&name, "nt");
  CHECK(name.size == 3 && name.data[2] == '\0');
  wasm_name_delete(&name);
  printf("values and names\n");

  /* Vector families (the byte and value vectors are used everywhere). */
  VEC_FAMILY(functype, wasm_functype_new_0_0());
  VEC_FAMILY(globaltype, wasm_globaltype_new(wasm_valtype_new_i64(), WASM_CONST));
  VEC_FAMILY(tabletype, wasm_tabletype_new(wasm_valtype_new_externref(), &limits));
  VEC_FAMILY(memorytype, wasm_memorytype_new(&limits));
  VEC_FAMILY(externtype, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
  VEC_FAMILY(importtype, make_importtype());
  VEC_FAMILY(exporttype, make_exporttype());
  wasm_exporttype_t* et = make_exporttype();
  wasm_exporttype_t* et2 = wasm_exporttype_copy(et);
  CHECK(wasm_exporttype_name(et2)->size == 1);
  wasm_exporttype_delete(et2);
  wasm_exporttype_delete(et);
  printf("vectors\n");

  /* Objects of every reference type, from a module that has them all. */
  wasm_module_t* module = load_module(store, "data/everything.wat");
  if (!module) return 1;
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 5);
  wasm_func_t* func = wasm_extern_as_func(exports.data[0]);
  wasm_global_t* global = wasm_extern_as_global(exports.data[1]);
  wasm_table_t* table = wasm_extern_as_table(exports.data[2]);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[3]);
  wasm_func_t* trapper = wasm_extern_as_func(exports.data[4]);
  CHECK(func && global && table && memory && trapper);

  wasm_functype_t* fty = wasm_func_type(func);
  CHECK(wasm_functype_params(fty)->size == 1);
  wasm_functype_delete(fty);
  wasm_globaltype_t* gty = wasm_global_type(global);
  CHECK(wasm_globaltype_mutability(gty) == WASM_VAR);
  wasm_globaltype_delete(gty);
  wasm_tabletype_t* tty = wasm_table_type(table);
  CHECK(wasm_tabletype_limits(tty)->min == 2);
  wasm_tabletype_delete(tty);
  wasm_memorytype_t* mty = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(mty)->min == 1);
  wasm_memorytype_delete(mty);
  printf("objects and their types\n");

  REF_FAMILY(func, func);
  REF_FAMILY(global, global);
  REF_FAMILY(table, table);
  REF_FAMILY(memory, memory);
  REF_FAMILY(instance, instance);
  REF_FAMILY(module, module);
  EXTERN_VIEWS(func, func);
  EXTERN_VIEWS(global, global);
  EXTERN_VIEWS(table, table);
  EXTERN_VIEWS(memory, memory);
  {
    wasm_extern_t* e = exports.data[0];
    wasm_extern_t* e2 = wasm_extern_copy(e);
    CHECK(wasm_extern_same(e, e2));
    wasm_extern_set_host_info(e, &checks);
    CHECK(wasm_extern_get_host_info(e2) == &checks);
    wasm_extern_set_host_info_with_finalizer(e, NULL, NULL);
    CHECK(wasm_ref_as_extern(wasm_extern_as_ref(e)) == e);
    CHECK(wasm_ref_as_extern_const(wasm_extern_as_ref_const(e)) == e);
    wasm_extern_delete(e2);
  }
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  REF_FAMILY(foreign, foreign);
  {
    wasm_ref_t* r = wasm_foreign_as_ref(foreign);
    wasm_ref_t* r2 = wasm_ref_copy(r);
    CHECK(wasm_ref_same(r, r2));
    wasm_ref_set_host_info(r2, &checks);
    CHECK(wasm_ref_get_host_info(r) == &checks);
    wasm_ref_set_host_info_with_finalizer(r2, &failures, on_finalize);
    CHECK(wasm_ref_as_foreign_const(r2) != NULL && wasm_ref_as_func(r2) == NULL);
    CHECK(wasm_ref_as_global(r2) == NULL && wasm_ref_as_global_const(r2) == NULL);
    CHECK(wasm_ref_as_table(r2) == NULL && wasm_ref_as_table_const(r2) == NULL);
    CHECK(wasm_ref_as_memory(r2) == NULL && wasm_ref_as_memory_const(r2) == NULL);
    CHECK(wasm_ref_as_instance(r2) == NULL && wasm_ref_as_instance_const(r2) == NULL);
    CHECK(wasm_ref_as_module(r2) == NULL && wasm_ref_as_module_const(r2) == NULL);
    CHECK(wasm_ref_as_trap(r2) == NULL && wasm_ref_as_trap_const(r2) == NULL);
    CHECK(wasm_ref_as_extern(r2) == NULL && wasm_ref_as_func_const(r2) == NULL);
    wasm_ref_delete(r2);
  }
  printf("references\n");

  /* Traps: the reference family, frames, codes and names. */
  wasm_val_vec_t no_vals = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(trapper, &no_vals, &no_vals);
  CHECK(trap != NULL);
  REF_FAMILY(trap, trap);
  uint8_t code = 255;
  CHECK(wasi_rt_trap_code(trap, &code) && code == WASI_RT_TRAP_UNREACHABLE);
  int status = 0;
  CHECK(!wasi_rt_trap_exit_status(trap, &status));
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  CHECK(frames.size == 1);
  wasm_frame_t* frame = wasm_frame_copy(frames.data[0]);
  wasm_name_t fname;
  CHECK(wasi_rt_frame_func_name(frame, &fname) && fname.size == 4 && memcmp(fname.data, "boom", 4) == 0);
  wasm_name_delete(&fname);
  wasm_frame_vec_t frames2;
  wasm_frame_vec_copy(&frames2, &frames);
  CHECK(frames2.size == 1 && wasm_frame_func_index(frames2.data[0]) == wasm_frame_func_index(frame));
  wasm_frame_vec_delete(&frames2);
  wasm_frame_vec_new_empty(&frames2);
  wasm_frame_vec_delete(&frames2);
  wasm_frame_t* fr[1] = {frame};
  wasm_frame_vec_new(&frames2, 1, fr); /* takes the frame */
  wasm_frame_vec_delete(&frames2);
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);
  printf("traps and frames\n");

  /* The extern vector family. */
  {
    wasm_extern_vec_t ev;
    wasm_extern_vec_new_empty(&ev);
    CHECK(ev.size == 0);
    wasm_extern_t* items[2] = {wasm_extern_copy(exports.data[0]), wasm_extern_copy(exports.data[1])};
    wasm_extern_vec_new(&ev, 2, items);
    CHECK(wasm_extern_kind(ev.data[1]) == WASM_EXTERN_GLOBAL);
    wasm_extern_vec_delete(&ev);
  }

  /* WASI configuration, every setter, and the extras. */
  wasi_config_t* wc = wasi_config_new();
  wasi_config_inherit_argv(wc);
  wasi_config_inherit_env(wc);
  wasi_config_inherit_stdin(wc);
  wasi_config_inherit_stdout(wc);
  wasi_config_inherit_stderr(wc);
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 2, "in");
  wasi_config_set_stdin_bytes(wc, &input);
  CHECK(input.size == 0);
  CHECK(wasi_config_set_stdout_file(wc, "/dev/null"));
  CHECK(wasi_config_set_stderr_file(wc, "/dev/null"));
  CHECK(!wasi_config_set_stdout_file(wc, "/no/such/dir/file"));
  size_t counted = 0;
  wasi_config_set_stdout_custom(wc, count_bytes, &counted, out_finalize);
  wasi_config_set_stderr_custom(wc, count_bytes, &counted, out_finalize);
  wasi_rt_output_t* err = wasi_rt_config_capture_stderr(wc);
  wasi_rt_output_limit(err, 1024);
  CHECK(!wasi_rt_output_overflowed(err));
  wasi_rt_output_limit(NULL, 0); /* NULL is ignored */
  CHECK(!wasi_rt_output_overflowed(NULL));
  wasi_config_delete(wc);
  CHECK(out_finalized == 2);
  wasi_rt_output_delete(err);
  wasi_rt_linker_t* linker = wasi_rt_linker_new(store);
  CHECK(wasi_rt_linker_define_instance(linker, "everything", instance) == NULL);
  wasi_rt_linker_delete(linker);
  printf("wasi configuration and extras\n");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_foreign_delete(foreign);
  wasm_module_delete(module);
  wasm_globaltype_delete(gt);
  wasm_tabletype_delete(tt);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  CHECK(finalized > 0);
  printf("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
