/**
 * \file wasi_rt.h
 * The whole C API of wasi-rt: the standard WebAssembly C API (wasm.h, which
 * this file includes) plus the wasi-rt extensions: `wasi_*` (WASI
 * configuration) and `wasi_rt_*` (everything else specific to this runtime).
 * Usable from C (C99 and later) and C++ (C++11 and later).
 *
 * GENERATED: the declarations come from the `extern "C"` functions and
 * `#[repr(C)]` types in src/capi/ (cbindgen, configured by cbindgen.toml);
 * the rest of the file comes from include/wasi_rt.h.in. Do not edit
 * wasi_rt.h: edit those and regenerate with
 *
 *     WASI_RT_BLESS=1 cargo test --release --test headers
 *
 * Ownership, NULL handling and errors follow the rules stated at the top
 * of wasm.h; each function below says what it owns, takes and returns.
 *
 * Linking: -lwasi_rt (shared, SONAME libwasi_rt.so.0) or libwasi_rt.a with
 * the system libraries that `pkg-config --static --libs wasi_rt` lists; with
 * CMake, `find_package(wasi_rt CONFIG REQUIRED)` and link `wasi_rt::wasi_rt`
 * (or `wasi_rt::shared` / `wasi_rt::static`).
 */

#ifndef WASI_RT_H
#define WASI_RT_H

#include "wasm.h"

/**
 * Trap codes reported by `wasi_rt_trap_code`.
 */
#define WASI_RT_TRAP_STACK_OVERFLOW 0

#define WASI_RT_TRAP_MEMORY_OUT_OF_BOUNDS 1

#define WASI_RT_TRAP_TABLE_OUT_OF_BOUNDS 2

#define WASI_RT_TRAP_UNDEFINED_ELEMENT 3

#define WASI_RT_TRAP_UNINITIALIZED_ELEMENT 4

#define WASI_RT_TRAP_BAD_SIGNATURE 5

#define WASI_RT_TRAP_NULL_REFERENCE 6

#define WASI_RT_TRAP_INTEGER_OVERFLOW 7

#define WASI_RT_TRAP_INTEGER_DIVISION_BY_ZERO 8

#define WASI_RT_TRAP_BAD_CONVERSION_TO_INTEGER 9

#define WASI_RT_TRAP_UNREACHABLE 10

/**
 * The store's epoch deadline passed (see `wasi_rt_store_set_epoch_deadline`).
 */
#define WASI_RT_TRAP_INTERRUPT 11

/**
 * A Wasm exception no handler caught left Wasm.
 */
#define WASI_RT_TRAP_UNCAUGHT_EXCEPTION 12

/**
 * An atomic access at an address that is not a multiple of its size.
 */
#define WASI_RT_TRAP_UNALIGNED_ATOMIC 13

/**
 * `memory.atomic.wait32`/`wait64` on a memory that is not shared.
 */
#define WASI_RT_TRAP_WAIT_ON_UNSHARED_MEMORY 14

/**
 * `ref.cast` (or `br_on_cast`) of a value of another type.
 */
#define WASI_RT_TRAP_CAST_FAILURE 15

/**
 * An array access, copy, fill or init beyond the array's length.
 */
#define WASI_RT_TRAP_ARRAY_OUT_OF_BOUNDS 16

/**
 * An array longer than any GC heap can hold.
 */
#define WASI_RT_TRAP_ALLOCATION_TOO_LARGE 17

/**
 * The store's GC heap is full, even after a collection.
 */
#define WASI_RT_TRAP_OUT_OF_GC_MEMORY 18

/**
 * A WASI configuration (opaque): arguments, environment, stdio and
 * preopened directories. By default a program gets no arguments, an empty
 * environment, no stdin (end of file), discarded stdout and stderr, and no
 * directories.
 */
typedef struct wasi_config_t wasi_config_t;

/**
 * An error with a message (opaque; own when returned).
 */
typedef struct wasi_rt_error_t wasi_rt_error_t;

/**
 * Resolves imports by `module::name` (opaque; own when returned).
 */
typedef struct wasi_rt_linker_t wasi_rt_linker_t;

/**
 * An in-memory buffer that captures a program's stdout or stderr
 * (opaque; see `wasi_rt_config_capture_stdout`).
 */
typedef struct wasi_rt_output_t wasi_rt_output_t;

/**
 * A memory shared between threads (opaque; own when returned): a handle
 * that stores of its engine, on any thread, turn into a `wasm_memory_t`
 * with `wasi_rt_sharedmemory_to_memory` and import. Unlike other objects
 * it belongs to no store: each handle may be used and deleted on any
 * thread. The memory lives until its last handle and every store memory
 * made from it are gone.
 */
typedef struct wasi_rt_sharedmemory_t wasi_rt_sharedmemory_t;

/**
 * A struct field or array element type for `wasi_rt_engine_register_*`:
 * `packed` 8 or 16 makes it an `i8` or `i16` (read back as `WASM_I32`;
 * `kind` is then ignored), 0 a value of `kind` (`WASM_I32`...,
 * `WASM_FUNCREF`, `WASM_EXTERNREF`, `WASI_RT_ANYREF`: nullable
 * references).
 */
typedef struct wasi_rt_fieldtype_t {
  wasm_valkind_t kind;
  uint8_t packed;
  bool mutable_;
} wasi_rt_fieldtype_t;

/**
 * A store's GC counters (see `wasi_rt_store_gc_stats`).
 */
typedef struct wasi_rt_gc_stats_t {
  /**
   * Collections run so far.
   */
  uint64_t collections;
  /**
   * Objects allocated so far.
   */
  uint64_t allocated_objects;
  /**
   * Objects alive after the last collection.
   */
  uint64_t live_objects;
  /**
   * Bytes in those objects.
   */
  uint64_t live_bytes;
  /**
   * Bytes of the heap's range in use (objects and free space between).
   */
  uint64_t heap_bytes;
} wasi_rt_gc_stats_t;

/**
 * The callback of `wasi_config_set_stdout_custom`: returns the number of
 * bytes it took, or a negative OS error code.
 */
typedef ptrdiff_t (*wasi_output_callback_t)(void*, const uint8_t*, size_t);

/**
 * `v128` (an extension of this runtime; not in the standard `wasm.h`). A
 * `wasm_val_t` of this kind (read from a v128 global) holds only the low 64
 * bits, in `of.i64`.
 */
#define WASI_RT_V128 4

/**
 * `exnref` (exception handling; an extension of this runtime). Exceptions
 * cannot cross `wasm_val_t`: calls with `exnref` parameters or results are
 * refused with a type-error trap, and a value of this kind read from a
 * global or table is always NULL.
 */
#define WASI_RT_EXNREF 130

/**
 * `wasm_valkind_t` of `anyref` and the other types of the `any`
 * hierarchy (GC): structs, arrays, `i31`s. Values of this kind carry a
 * `wasm_ref_t` that keeps the value alive until `wasm_ref_delete`.
 */
#define WASI_RT_ANYREF 131

/**
 * A tag (exception handling; a wasi-rt extension: `wasm.h` has no tags).
 * A tag export can be passed on as an import, as any extern.
 */
#define WASI_RT_EXTERN_TAG 4

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * With `enable`, engines made from `config` compile an epoch check into
 * every function entry and loop, so `wasi_rt_store_set_epoch_deadline`
 * and `wasi_rt_engine_increment_epoch` can stop Wasm code that runs too
 * long (it traps with `WASI_RT_TRAP_INTERRUPT`). Off by default. NULL is
 * ignored.
 */
void wasi_rt_engine_config_epoch_interruption(struct wasm_config_t *config, bool enable);

/**
 * Sets the stack space Wasm code may use below the host's entry point, in
 * bytes (default 512 KiB); deeper recursion traps with
 * `WASI_RT_TRAP_STACK_OVERFLOW`. Wasm runs on the calling thread's stack
 * and never uses its last 64 KiB, which stay for the host functions it
 * calls: on a thread with less room the budget is what the thread has
 * left, so a small thread gets a trap, never a crash. Give threads that
 * call Wasm at least 128 KiB of free stack. 0 is allowed (every call
 * traps). NULL is ignored.
 */
void wasi_rt_engine_config_max_wasm_stack(struct wasm_config_t *config, size_t bytes);

/**
 * Tells `name`d profiler where compiled functions are, for engines made
 * from `config`: "perfmap" appends each module's functions to
 * `/tmp/perf-PID.map` (so `perf report` names them), "jitdump" writes
 * them with their machine code to `/tmp/jit-PID.dump` (for `perf inject
 * --jit`, after which `perf annotate` shows them), "none" (the default)
 * does nothing. Returns false for NULL arguments or an unknown name.
 */
bool wasi_rt_engine_config_profiler(struct wasm_config_t *config, const char *name);

/**
 * Switches the on-disk code cache on for engines made from `config`:
 * `wasm_module_new` and `wasi_rt_module_new` then load the machine code
 * saved for the same module binary and engine settings instead of
 * compiling, and save what they compile (a lazily compiled module when
 * `wasi_rt_module_update_cache` is called, or once the background
 * compiler is done). `directory` (borrowed, NUL-terminated UTF-8; NULL:
 * `$XDG_CACHE_HOME/wasi-rt` or `$HOME/.cache/wasi-rt`) is created when
 * missing; `max_size` bounds all entries together in bytes (the least
 * recently used go first; 0 means the default, 1 GiB). Corrupt,
 * truncated or foreign entries are ignored and replaced, never run, but
 * the directory must be writable by this user only: entries are machine
 * code. Off by default. Returns false (changing nothing) for a NULL
 * `config` or a non-UTF-8 `directory`.
 */
bool wasi_rt_engine_config_cache(struct wasm_config_t *config,
                                 const char *directory,
                                 uint64_t max_size);

/**
 * With `enable`, engines made from `config` compile each function on its
 * first call instead of all of them in `wasm_module_new`, which then
 * only validates the module: a big program starts at once. With
 * `background` (used only with `enable`), low-priority threads shared by
 * the process compile the functions nobody has called yet. The defaults
 * are off (or what the environment variable `WASI_RT_LAZY_COMPILATION`
 * says) and on. A function that cannot be compiled when first called
 * traps. x86-64 only; elsewhere modules are compiled at once. NULL is
 * ignored.
 */
void wasi_rt_engine_config_lazy_compilation(struct wasm_config_t *config,
                                            bool enable,
                                            bool background);

/**
 * Sets the size limit of each store's GC heap for engines made from
 * `config`, in bytes (default 1 GiB; at most 4 GiB minus 1 MiB). An
 * allocation that finds the heap full after a collection traps with
 * `WASI_RT_TRAP_OUT_OF_GC_MEMORY`. NULL is ignored.
 */
void wasi_rt_engine_config_gc_heap_limit(struct wasm_config_t *config, uint64_t bytes);

/**
 * Sets the largest function body engines made from `config` compile, in
 * bytes (default 7,654,321, the limit web engines apply): a module with a
 * bigger one fails to compile (`wasm_module_new` returns NULL). NULL is
 * ignored.
 */
void wasi_rt_engine_config_max_function_size(struct wasm_config_t *config, size_t bytes);

/**
 * Sets the longest a module may take to compile, in milliseconds
 * (`UINT64_MAX`: no limit, the default). It is checked between functions,
 * so compiling stops at most one function later and fails
 * (`wasm_module_new` returns NULL). NULL is ignored.
 */
void wasi_rt_engine_config_max_compile_time_ms(struct wasm_config_t *config, uint64_t millis);

/**
 * Switches the Wasm feature `name` on or off for engines made from
 * `config` (every feature wasi-rt supports is on by default): "simd",
 * "multi_memory", "extended_const", "tail_call", "relaxed_simd",
 * "function_references", "exceptions", "legacy_exceptions", "memory64",
 * "custom_page_sizes", "threads", "wide_arithmetic". A module
 * using a feature that is off fails to compile with an error naming it.
 * Returns false
 * (changing nothing) for an unknown name, a NULL `config` or a NULL or
 * non-UTF-8 `name` (borrowed, NUL-terminated).
 */
bool wasi_rt_engine_config_wasm_feature(struct wasm_config_t *config,
                                        const char *name,
                                        bool enable);

/**
 * Advances the engine's epoch by one. Safe to call from any thread (for
 * example a watchdog timer) while stores of the engine run Wasm code.
 * NULL is ignored.
 */
void wasi_rt_engine_increment_epoch(const struct wasm_engine_t *engine);

/**
 * Wasm code in `store` traps with `WASI_RT_TRAP_INTERRUPT` once the
 * engine's epoch is `ticks` beyond its current value (engines configured
 * with `wasi_rt_engine_config_epoch_interruption` only). The default
 * deadline is never; a passed deadline stops every later call until it is
 * set again. NULL is ignored.
 */
void wasi_rt_store_set_epoch_deadline(struct wasm_store_t *store, uint64_t ticks);

/**
 * Caps what all linear memories and tables of `store` hold together at
 * `max_bytes` (`UINT64_MAX`: no cap); a table element counts 8 bytes. A
 * `memory.grow` or `table.grow` that would pass it returns -1;
 * instantiating a module or creating a memory or table that would pass it
 * fails. Memory already held is kept. NULL is ignored.
 */
void wasi_rt_store_limit_memory(struct wasm_store_t *store, uint64_t max_bytes);

/**
 * Writes the error's message, NUL-terminated, into `out` (own: delete with
 * `wasm_byte_vec_delete`). Nothing is written for NULL.
 */
void wasi_rt_error_message(const struct wasi_rt_error_t *e, struct wasm_byte_vec_t *out);

/**
 * Deletes an error (own). NULL is ignored.
 */
void wasi_rt_error_delete(struct wasi_rt_error_t *e);

/**
 * Registers a struct type with `n` fields (`fields` borrowed; NULL when n
 * is 0) and writes its type index to `*type_out`: the same index as the
 * same type declared by any module of the engine (a final type in a
 * recursion group of its own).
 *
 * Errors: an own error (and `*type_out` untouched) for a NULL engine or
 * `type_out`, a field with an unknown kind or packing.
 */
struct wasi_rt_error_t *wasi_rt_engine_register_struct(const struct wasm_engine_t *engine,
                                                       const struct wasi_rt_fieldtype_t *fields,
                                                       size_t n,
                                                       uint32_t *type_out);

/**
 * Registers an array type of `element` (borrowed) and writes its type
 * index to `*type_out` (see `wasi_rt_engine_register_struct`).
 *
 * Errors: an own error for NULL arguments or an unknown kind or packing.
 */
struct wasi_rt_error_t *wasi_rt_engine_register_array(const struct wasm_engine_t *engine,
                                                      const struct wasi_rt_fieldtype_t *element,
                                                      uint32_t *type_out);

/**
 * Makes a new struct of `type` (a struct type index of the store's
 * engine) from `n` field values (borrowed, in order; packed fields take
 * `WASM_I32`) and writes an own reference (kind `WASI_RT_ANYREF`) to
 * `*ret`, which keeps it alive until `wasm_ref_delete`.
 *
 * Errors: an own error (and `*ret` untouched) for NULL arguments, a type
 * that is not a struct type, values that do not fit the fields, or a
 * full GC heap.
 */
struct wasi_rt_error_t *wasi_rt_struct_new(struct wasm_store_t *store,
                                           uint32_t type,
                                           const struct wasm_val_t *fields,
                                           size_t n,
                                           struct wasm_ref_t **ret);

/**
 * Makes a new array of `type` with `len` copies of `init` (borrowed) and
 * writes an own reference to `*ret` (see `wasi_rt_struct_new`).
 *
 * Errors: as for `wasi_rt_struct_new`.
 */
struct wasi_rt_error_t *wasi_rt_array_new(struct wasm_store_t *store,
                                          uint32_t type,
                                          const struct wasm_val_t *init,
                                          uint32_t len,
                                          struct wasm_ref_t **ret);

/**
 * An own `i31` reference (kind `WASI_RT_ANYREF`) holding the low 31 bits
 * of `value`; NULL for a NULL store.
 */
struct wasm_ref_t *wasi_rt_i31_new(struct wasm_store_t *store, int32_t value);

/**
 * When `r` is an `i31`, writes its value to `*out` (sign-extended from 31
 * bits with `signed`, else zero-extended) and returns true; false for
 * NULL or anything else.
 */
bool wasi_rt_ref_i31_get(const struct wasm_ref_t *r, bool signed_, int32_t *out);

/**
 * Whether `r` is a struct (false for NULL).
 */
bool wasi_rt_ref_is_struct(const struct wasm_ref_t *r);

/**
 * Whether `r` is an array (false for NULL).
 */
bool wasi_rt_ref_is_array(const struct wasm_ref_t *r);

/**
 * Writes the type index of struct or array `r` to `*type_out` and
 * returns true; false for NULL or anything else.
 */
bool wasi_rt_ref_gc_type(const struct wasm_ref_t *r, uint32_t *type_out);

/**
 * Reads field `index` of struct `r` into `*out` (an own value: delete a
 * reference it holds with `wasm_val_delete`; an `i8` or `i16` field
 * reads as a zero-extended `WASM_I32`).
 *
 * Errors: an own error (and `*out` untouched) for NULL arguments, a
 * reference that is not a struct, or an index beyond its fields.
 */
struct wasi_rt_error_t *wasi_rt_struct_get(const struct wasm_ref_t *r,
                                           uint32_t index,
                                           struct wasm_val_t *out);

/**
 * Writes `val` (borrowed) to mutable field `index` of struct `r`.
 *
 * Errors: an own error for NULL arguments, a reference that is not a
 * struct, an index beyond its fields, an immutable field, or a value of
 * the wrong type or store.
 */
struct wasi_rt_error_t *wasi_rt_struct_set(struct wasm_ref_t *r,
                                           uint32_t index,
                                           const struct wasm_val_t *val);

/**
 * Writes the length of array `r` to `*out`.
 *
 * Errors: an own error for NULL arguments or a reference that is not an
 * array.
 */
struct wasi_rt_error_t *wasi_rt_array_len(const struct wasm_ref_t *r, uint32_t *out);

/**
 * Reads element `index` of array `r` into `*out` (an own value).
 *
 * Errors: an own error for NULL arguments, a reference that is not an
 * array, or an index beyond its length.
 */
struct wasi_rt_error_t *wasi_rt_array_get(const struct wasm_ref_t *r,
                                          uint32_t index,
                                          struct wasm_val_t *out);

/**
 * Writes `val` (borrowed) to element `index` of array `r` (its elements
 * must be mutable).
 *
 * Errors: as for `wasi_rt_struct_set`, and an index beyond the length.
 */
struct wasi_rt_error_t *wasi_rt_array_set(struct wasm_ref_t *r,
                                          uint32_t index,
                                          const struct wasm_val_t *val);

/**
 * Collects garbage in `store` now: frees every struct and array no
 * global, table, running Wasm frame or live `wasm_ref_t` holds. NULL is
 * ignored.
 */
void wasi_rt_store_gc(struct wasm_store_t *store);

/**
 * Writes `store`'s GC counters to `*out` and returns true; false for
 * NULL arguments.
 */
bool wasi_rt_store_gc_stats(const struct wasm_store_t *store, struct wasi_rt_gc_stats_t *out);

/**
 * Sets the size limit of `store`'s GC heap, in bytes (see
 * `wasi_rt_engine_config_gc_heap_limit`).
 *
 * Errors: an own error for a NULL store, or once the heap exists (it is
 * made with the first struct or array).
 */
struct wasi_rt_error_t *wasi_rt_store_set_gc_heap_limit(struct wasm_store_t *store, uint64_t bytes);

/**
 * A new, empty linker for `store`; own (delete with
 * `wasi_rt_linker_delete`). NULL for NULL.
 */
struct wasi_rt_linker_t *wasi_rt_linker_new(struct wasm_store_t *store);

/**
 * Deletes a linker (own). Instances made with it stay valid. NULL is ignored.
 */
void wasi_rt_linker_delete(struct wasi_rt_linker_t *l);

/**
 * Defines `module::name` as `item` (borrowed; it may be deleted after
 * this call). Returns NULL, or an own error (NULL arguments, a name that
 * is not UTF-8, an item of another store).
 */
struct wasi_rt_error_t *wasi_rt_linker_define(struct wasi_rt_linker_t *l,
                                              const char *module,
                                              const char *name,
                                              const struct wasm_extern_t *item);

/**
 * Defines every export of `instance` (borrowed) under the module name
 * `module`. Returns NULL or an own error.
 */
struct wasi_rt_error_t *wasi_rt_linker_define_instance(struct wasi_rt_linker_t *l,
                                                       const char *module,
                                                       const struct wasm_instance_t *instance);

/**
 * Serves WASI imports (`wasi_snapshot_preview1` and `wasi_unstable`) with
 * `config`, which this call takes over (own; deleted even on failure).
 * Returns NULL or an own error (e.g. a preopened directory that cannot be
 * opened).
 */
struct wasi_rt_error_t *wasi_rt_linker_define_wasi(struct wasi_rt_linker_t *l,
                                                   struct wasi_config_t *config);

/**
 * Instantiates `module` (borrowed) with imports resolved by name. On
 * success returns NULL and stores an own instance in `*instance_out`. A
 * missing or mismatched import is an own error returned; a trap during
 * instantiation (start function, segments) is stored in `*trap_out` (own)
 * and NULL is returned with `*instance_out` set to NULL. A WASI reactor
 * (a module exporting `_initialize` and no `_start`, as C built with
 * `-mexec-model=reactor` is) has `_initialize` called before this returns;
 * its traps are reported the same way.
 */
struct wasi_rt_error_t *wasi_rt_linker_instantiate(const struct wasi_rt_linker_t *l,
                                                   const struct wasm_module_t *module,
                                                   struct wasm_instance_t **instance_out,
                                                   struct wasm_trap_t **trap_out);

/**
 * Runs a WASI command: instantiates `module` and calls its `_start`. On
 * a normal end (returning, or `proc_exit(n)`) returns NULL with the exit
 * code in `*exit_code` (0 when `_start` returns). A trap is stored in
 * `*trap_out` (own) with NULL returned and `*exit_code` untouched; link
 * errors and a missing `_start` are own errors returned.
 */
struct wasi_rt_error_t *wasi_rt_linker_run(const struct wasi_rt_linker_t *l,
                                           const struct wasm_module_t *module,
                                           int32_t *exit_code,
                                           struct wasm_trap_t **trap_out);

/**
 * The memory's size in pages, whole (0 for NULL).
 */
uint64_t wasi_rt_memory_size64(const struct wasm_memory_t *m);

/**
 * Grows by `delta` pages, writing the old size in pages to `*prev` (when
 * not NULL); false (memory unchanged, nothing written) beyond its
 * maximum or the store's limits, or for a NULL `m`.
 */
bool wasi_rt_memory_grow64(struct wasm_memory_t *m, uint64_t delta, uint64_t *prev);

/**
 * Writes a new shared memory of `type` (borrowed; made with
 * `wasi_rt_memorytype_new(..., shared = true, ...)`) to `*ret`.
 *
 * Ownership: on success `*ret` is the caller's, to delete with
 * `wasi_rt_sharedmemory_delete`.
 * Errors: returns an own error (and leaves `*ret` alone) for NULL
 * arguments, a type that is not shared, or a size beyond the engine's
 * limits; NULL on success.
 */
struct wasi_rt_error_t *wasi_rt_sharedmemory_new(const struct wasm_engine_t *engine,
                                                 const wasm_memorytype_t *type,
                                                 struct wasi_rt_sharedmemory_t **ret);

/**
 * Deletes a shared memory handle (own); NULL is ignored.
 */
void wasi_rt_sharedmemory_delete(struct wasi_rt_sharedmemory_t *m);

/**
 * Another handle to the same memory (own); NULL for NULL.
 */
struct wasi_rt_sharedmemory_t *wasi_rt_sharedmemory_clone(const struct wasi_rt_sharedmemory_t *m);

/**
 * Size in pages (0 for NULL).
 */
uint64_t wasi_rt_sharedmemory_size(const struct wasi_rt_sharedmemory_t *m);

/**
 * Size in bytes (0 for NULL).
 */
size_t wasi_rt_sharedmemory_data_size(const struct wasi_rt_sharedmemory_t *m);

/**
 * The first byte (NULL for NULL). It never moves, but other threads may
 * read and write the bytes at any time: use atomics, or treat what is
 * read as untrusted.
 */
wasm_byte_t *wasi_rt_sharedmemory_data(const struct wasi_rt_sharedmemory_t *m);

/**
 * Grows by `delta` pages, writing the old size to `*prev` (when not
 * NULL); false (memory unchanged, nothing written) beyond its maximum or
 * for NULL. Safe to call while other threads run Wasm on the memory.
 */
bool wasi_rt_sharedmemory_grow(const struct wasi_rt_sharedmemory_t *m,
                               uint64_t delta,
                               uint64_t *prev);

/**
 * A handle to the shared memory behind store memory `m` (own), for
 * other stores and threads; NULL when `m` is NULL or not shared.
 */
struct wasi_rt_sharedmemory_t *wasi_rt_memory_sharedmemory(const struct wasm_memory_t *m);

/**
 * A memory of `store` (own) for the shared memory `m` (borrowed), to
 * import into the store's instances; its size counts towards the store's
 * memory limit. NULL for NULL arguments or beyond that limit.
 */
struct wasm_memory_t *wasi_rt_sharedmemory_to_memory(struct wasm_store_t *store,
                                                     const struct wasi_rt_sharedmemory_t *m);

/**
 * Compiles `binary` (borrowed; the binary format, or text) with `engine`
 * into `*module_out` (own; delete with `wasm_module_delete`). Unlike
 * `wasm_module_new` it needs no store and says why a module is refused:
 * returns NULL, or an own error (malformed or invalid module, a feature
 * switched off, a limit, NULL arguments) with `*module_out` set to NULL.
 */
struct wasi_rt_error_t *wasi_rt_module_new(const struct wasm_engine_t *engine,
                                           const struct wasm_byte_vec_t *binary,
                                           struct wasm_module_t **module_out);

/**
 * How many of `module`'s defined functions have machine code
 * (`*compiled`) and how many it defines (`*total`): equal unless its
 * engine compiles lazily (`wasi_rt_engine_config_lazy_compilation`).
 * Either out pointer may be NULL; a NULL `module` gives 0 and 0.
 */
void wasi_rt_module_compiled_functions(const struct wasm_module_t *module,
                                       size_t *compiled,
                                       size_t *total);

/**
 * Compiles every function of `module` that has no machine code yet, on
 * the calling thread (with lazy compilation; otherwise there is none).
 * Returns NULL, or an own error (a function that cannot be compiled, a
 * NULL `module`).
 */
struct wasi_rt_error_t *wasi_rt_module_compile_all(const struct wasm_module_t *module);

/**
 * Saves the machine code `module` has compiled so far to its engine's
 * code cache (`wasi_rt_engine_config_cache`), if it has grown since it
 * was loaded or last saved, so the next process starts with it; `*wrote`
 * (may be NULL) says whether it wrote. Does nothing without a cache.
 * Returns NULL, or an own error (the entry could not be written, a NULL
 * `module`).
 */
struct wasi_rt_error_t *wasi_rt_module_update_cache(const struct wasm_module_t *module,
                                                    bool *wrote);

/**
 * Whether `module`'s machine code came from its engine's code cache
 * rather than the compiler; false for NULL.
 */
bool wasi_rt_module_loaded_from_cache(const struct wasm_module_t *module);

/**
 * Validates and compiles `binary` (borrowed; binary or text format) with
 * `engine` and writes its machine code to `out` (own: delete with
 * `wasm_byte_vec_delete`), for `wasi_rt_module_from_precompiled` to load
 * later without compiling. Returns NULL, or an own error (a malformed or
 * invalid module, NULL arguments); `out` is then left untouched.
 */
struct wasi_rt_error_t *wasi_rt_module_precompile(const struct wasm_engine_t *engine,
                                                  const struct wasm_byte_vec_t *binary,
                                                  struct wasm_byte_vec_t *out);

/**
 * Loads a module written by `wasi_rt_module_precompile` into `*module_out`
 * (own; delete with `wasm_module_delete`) without compiling it. `bytes` is
 * borrowed. Returns NULL, or an own error for bytes that are not a
 * precompiled module, are cut short, or were made by another wasi-rt
 * version or an engine with other settings (then `*module_out` is NULL).
 *
 * Trust: the machine code inside runs as it is. Only load bytes that came
 * from `wasi_rt_module_precompile` through storage nobody else can write;
 * bytes an attacker controls can run any code in the host.
 */
struct wasi_rt_error_t *wasi_rt_module_from_precompiled(struct wasm_store_t *store,
                                                        const struct wasm_byte_vec_t *bytes,
                                                        struct wasm_module_t **module_out);

/**
 * Number of elements, whole (0 for NULL).
 */
uint64_t wasi_rt_table_size64(const struct wasm_table_t *t);

/**
 * Grows by `delta` elements set to `init` (borrowed; NULL = null),
 * writing the old size to `*prev` (when not NULL); false (table
 * unchanged, nothing written) beyond its maximum or the store's limits,
 * or for a NULL `t`.
 */
bool wasi_rt_table_grow64(struct wasm_table_t *t,
                          uint64_t delta,
                          struct wasm_ref_t *init,
                          uint64_t *prev);

/**
 * A new tag in `store` whose exceptions carry values of the parameter
 * types of `type` (a Wasm tag is typed by a function type with no
 * results). A module importing a tag accepts this one when the types
 * match; each call makes a distinct tag.
 *
 * Ownership: `store` and `type` are borrowed; the result is the caller's,
 * to delete with `wasm_extern_delete`.
 * NULL/errors: returns NULL for a NULL argument or when `type` has
 * results.
 */
struct wasm_extern_t *wasi_rt_tag_new(struct wasm_store_t *store, const wasm_functype_t *type);

/**
 * When the trap was raised by Wasm code (not by a host function), stores
 * its `WASI_RT_TRAP_*` code in `*code` and returns true; false otherwise
 * or for NULL.
 */
bool wasi_rt_trap_code(const struct wasm_trap_t *t, uint8_t *code);

/**
 * When the trap is a WASI `proc_exit`, stores the exit status in
 * `*status` and returns true; false otherwise or for NULL.
 */
bool wasi_rt_trap_exit_status(const struct wasm_trap_t *t, int32_t *status);

/**
 * Writes the name of the frame's function (from the name section) into
 * `out` (own: delete with `wasm_byte_vec_delete`; not NUL-terminated) and
 * returns true; false when the module names no such function or for NULL.
 */
bool wasi_rt_frame_func_name(const struct wasm_frame_t *f, struct wasm_byte_vec_t *out);

/**
 * Writes a new memory type to `*ret`: limits `min` and (with
 * `max_present`) `max`, in pages; `is_64` for `i64` addresses (memory64);
 * `shared` for a memory shared between threads; pages of
 * `1 << page_size_log2` bytes (16 for 64 KiB, 0 for 1-byte pages).
 *
 * Ownership: on success `*ret` is the caller's, to delete with
 * `wasm_memorytype_delete`.
 * Errors: returns an own error (and leaves `*ret` alone) for a NULL
 * `ret`, a page size other than 1 byte or 64 KiB, `min > max`, limits
 * beyond what the index type addresses, or a shared memory without a
 * maximum; NULL on success.
 */
struct wasi_rt_error_t *wasi_rt_memorytype_new(uint64_t min,
                                               bool max_present,
                                               uint64_t max,
                                               bool is_64,
                                               bool shared,
                                               uint8_t page_size_log2,
                                               wasm_memorytype_t **ret);

/**
 * The memory type's minimum, in pages, whole (0 for NULL).
 */
uint64_t wasi_rt_memorytype_minimum(const wasm_memorytype_t *t);

/**
 * Writes the memory type's maximum, in pages, to `*max` and returns true;
 * returns false (writing nothing) when it has none, or for a NULL `t` or
 * `max`.
 */
bool wasi_rt_memorytype_maximum(const wasm_memorytype_t *t, uint64_t *max);

/**
 * Whether the memory type is addressed with `i64` (false for NULL).
 */
bool wasi_rt_memorytype_is64(const wasm_memorytype_t *t);

/**
 * Whether the memory type is shared between threads (false for NULL).
 */
bool wasi_rt_memorytype_isshared(const wasm_memorytype_t *t);

/**
 * Log2 of the memory type's page size: 16 (64 KiB) or 0 (1 byte);
 * 16 for NULL.
 */
uint8_t wasi_rt_memorytype_page_size_log2(const wasm_memorytype_t *t);

/**
 * Writes a new table type to `*ret`: elements of `element`, limits `min`
 * and (with `max_present`) `max`; `is_64` for `i64` indices (table64).
 *
 * Ownership: takes `element` over (also on failure); on success `*ret`
 * is the caller's, to delete with `wasm_tabletype_delete`.
 * Errors: returns an own error (and leaves `*ret` alone) for a NULL
 * `element` or `ret`, an element type that is not a reference type,
 * `min > max`, or limits of a 32-bit table beyond 32 bits; NULL on
 * success.
 */
struct wasi_rt_error_t *wasi_rt_tabletype_new(struct wasm_valtype_t *element,
                                              uint64_t min,
                                              bool max_present,
                                              uint64_t max,
                                              bool is_64,
                                              wasm_tabletype_t **ret);

/**
 * The table type's minimum, in elements, whole (0 for NULL).
 */
uint64_t wasi_rt_tabletype_minimum(const wasm_tabletype_t *t);

/**
 * Writes the table type's maximum to `*max` and returns true; returns
 * false (writing nothing) when it has none, or for a NULL `t` or `max`.
 */
bool wasi_rt_tabletype_maximum(const wasm_tabletype_t *t, uint64_t *max);

/**
 * Whether the table type is indexed with `i64` (false for NULL).
 */
bool wasi_rt_tabletype_is64(const wasm_tabletype_t *t);

/**
 * The types of the values an exception of tag type `t` carries (a wasi-rt
 * extension: `wasm.h` has no tags).
 *
 * Ownership: the vector and its value types belong to `t` (do not delete
 * them); they stay valid, at the same address, as long as `t`.
 * NULL: returns NULL for a NULL `t` or one that is not a tag type
 * (`wasm_externtype_kind(t) != WASI_RT_EXTERN_TAG`).
 */
const struct wasm_valtype_vec_t *wasi_rt_externtype_tag_params(const struct wasm_externtype_t *t);

/**
 * A new configuration with the defaults above; own (delete with
 * `wasi_config_delete`, or hand it over to `wasi_rt_linker_define_wasi`).
 */
struct wasi_config_t *wasi_config_new(void);

/**
 * Deletes a configuration (own). NULL is ignored.
 */
void wasi_config_delete(struct wasi_config_t *c);

/**
 * Sets the program's arguments (copied; `argv[0]` is the program name).
 * False (nothing changed) when an argument is NULL or not UTF-8, or
 * `config` is NULL.
 */
bool wasi_config_set_argv(struct wasi_config_t *config, size_t argc, const char *const *argv);

/**
 * Uses this process's own arguments.
 */
void wasi_config_inherit_argv(struct wasi_config_t *config);

/**
 * Sets environment variables (copied; `names` and `values` have `envc`
 * entries). False (nothing changed) when one is NULL or not UTF-8.
 */
bool wasi_config_set_env(struct wasi_config_t *config,
                         size_t envc,
                         const char *const *names,
                         const char *const *values);

/**
 * Passes this process's whole environment through.
 */
void wasi_config_inherit_env(struct wasi_config_t *config);

/**
 * Reads stdin from the file at `path`; false when it cannot be opened.
 */
bool wasi_config_set_stdin_file(struct wasi_config_t *config, const char *path);

/**
 * Serves these bytes as stdin; takes over `binary` (own; it is emptied).
 */
void wasi_config_set_stdin_bytes(struct wasi_config_t *config, struct wasm_byte_vec_t *binary);

/**
 * Uses this process's stdin.
 */
void wasi_config_inherit_stdin(struct wasi_config_t *config);

/**
 * Writes stdout to the file at `path` (created or truncated); false when
 * it cannot be opened.
 */
bool wasi_config_set_stdout_file(struct wasi_config_t *config, const char *path);

/**
 * Writes stderr to the file at `path`; false when it cannot be opened.
 */
bool wasi_config_set_stderr_file(struct wasi_config_t *config, const char *path);

/**
 * Uses this process's stdout.
 */
void wasi_config_inherit_stdout(struct wasi_config_t *config);

/**
 * Uses this process's stderr.
 */
void wasi_config_inherit_stderr(struct wasi_config_t *config);

/**
 * Sends stdout to `callback(data, bytes, len)`; `finalizer(data)` (may be
 * NULL) runs when the program's state is dropped. Ignored for a NULL
 * callback or config.
 */
void wasi_config_set_stdout_custom(struct wasi_config_t *config,
                                   wasi_output_callback_t callback,
                                   void *data,
                                   void (*finalizer)(void*));

/**
 * Sends stderr to a callback, as `wasi_config_set_stdout_custom`.
 */
void wasi_config_set_stderr_custom(struct wasi_config_t *config,
                                   wasi_output_callback_t callback,
                                   void *data,
                                   void (*finalizer)(void*));

/**
 * Grants the host directory `host_path` to the program as `guest_path`;
 * read-write when `fs_mutable`, read-only otherwise. False when the
 * directory cannot be opened or an argument is NULL or not UTF-8.
 */
bool wasi_config_preopen_dir(struct wasi_config_t *config,
                             const char *host_path,
                             const char *guest_path,
                             bool fs_mutable);

/**
 * Serves wasi-threads programs (`wasi::thread-spawn`; on by default) or,
 * with `enable` false, refuses them at link time with an error naming it.
 * Nothing happens for a NULL config.
 */
void wasi_rt_config_wasi_threads(struct wasi_config_t *config, bool enable);

/**
 * Captures the program's stdout in memory: returns an own buffer (delete
 * with `wasi_rt_output_delete`) that fills as the program writes. NULL for
 * a NULL config.
 */
struct wasi_rt_output_t *wasi_rt_config_capture_stdout(struct wasi_config_t *config);

/**
 * Captures the program's stderr in memory, as `wasi_rt_config_capture_stdout`.
 */
struct wasi_rt_output_t *wasi_rt_config_capture_stderr(struct wasi_config_t *config);

/**
 * Copies what was captured so far into `out` (own: delete with
 * `wasm_byte_vec_delete`). Empty for NULL.
 */
void wasi_rt_output_contents(const struct wasi_rt_output_t *o, struct wasm_byte_vec_t *out);

/**
 * Caps what capture buffer `o` holds at `max_bytes` (`SIZE_MAX`: no cap,
 * the default). Once full, the program's writes to the stream fail with
 * `EFBIG` (one that only partly fits is cut short) and
 * `wasi_rt_output_overflowed` turns true. Bytes already held stay. NULL is
 * ignored.
 */
void wasi_rt_output_limit(const struct wasi_rt_output_t *o, size_t max_bytes);

/**
 * Whether the program wrote more than capture buffer `o` may hold (see
 * `wasi_rt_output_limit`), so some output was lost. False for NULL.
 */
bool wasi_rt_output_overflowed(const struct wasi_rt_output_t *o);

/**
 * Deletes a capture buffer (own); the program may keep writing into its
 * own copy. NULL is ignored.
 */
void wasi_rt_output_delete(struct wasi_rt_output_t *o);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* WASI_RT_H */
