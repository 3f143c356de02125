/**
 * \file wasm.h
 * The standard WebAssembly C API ("wasm.h" of the wasm-c-api proposal), as
 * implemented by wasi-rt. Programs written against the standard header
 * compile against this one unchanged; wasi_rt.h adds the wasi_* and
 * wasi_rt_* extensions and includes this file.
 *
 * GENERATED: the declarations come from the `extern "C"` functions and
 * `#[repr(C)]` types in src/capi/ (cbindgen, configured by cbindgen.toml);
 * the rest of the file comes from include/wasm.h.in. Do not edit wasm.h:
 * edit those and regenerate with
 *
 *     WASI_RT_BLESS=1 cargo test --release --test headers
 *
 * Ownership ("who deletes what")
 * ------------------------------
 * - A function that returns a pointer documented as *own* hands the object
 *   to the caller, who must release it exactly once with the matching
 *   `wasm_X_delete` (for a `wasm_X_vec_t`: `wasm_X_vec_delete`). Pointers
 *   not documented as own are borrowed: they stay valid as long as the
 *   object they came from, and must not be deleted.
 * - An argument documented as *own* is taken over by the callee: the
 *   caller must not use or delete it afterwards, even if the call fails.
 * - An `own wasm_X_vec_t* out` parameter is written, not read: the vector
 *   stored there belongs to the caller (delete it with `wasm_X_vec_delete`).
 *   An own vector owns its elements too.
 * - Deleting a reference-like object (`wasm_func_t`, `wasm_extern_t`, ...)
 *   releases this handle only; the store keeps what it needs.
 * - The `own` marker of the standard header is defined while this header is
 *   read (it expands to nothing) and removed at its end, as upstream.
 *
 * NULL handling
 * -------------
 * A NULL where an object is required is a caller error that never crashes:
 * the call does nothing and returns its failure value (NULL, false, 0, or
 * an empty vector). Every `wasm_X_delete` accepts NULL.
 *
 * Errors
 * ------
 * Functions that can fail say how: by returning NULL or false, or an own
 * `wasm_trap_t*` (NULL on success) for calls into WebAssembly. No Rust
 * panic crosses this API; an internal error is reported on stderr and turns
 * into the function's failure value.
 *
 * Threads: an engine may be shared between threads; a store and everything
 * created in it must be used by one thread at a time.
 */

#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The standard's ownership marker (see "Ownership" above). */
#ifndef own
#define own
#define WASM_H_UNDEF_OWN
#endif

/* The standard header marks its declarations with this (for DLL imports on
 * Windows); here it expands to nothing unless the includer defines it. */
#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN
#endif

/* ----------------------------------------------------------------------- */
/* Machine types                                                             */

/** A byte of a `wasm_byte_vec_t` (names, binaries, messages). */
typedef char wasm_byte_t;
/** The C type of a WebAssembly `f32`. */
typedef float wasm_float32_t;
/** The C type of a WebAssembly `f64`. */
typedef double wasm_float64_t;

#ifndef WASM_NO_UNPREFIXED_TYPES
/* The unprefixed names some versions of the standard header use. Define
 * WASM_NO_UNPREFIXED_TYPES before including this file to leave them out. */
typedef char byte_t;
typedef float float32_t;
typedef double float64_t;
#endif

/* ----------------------------------------------------------------------- */
/* Kinds and mutability: stored as uint8_t, the values are enumerators.      */

/** The kind of a value type: one of `enum wasm_valkind_enum`. */
typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32 = 0,
  WASM_I64 = 1,
  WASM_F32 = 2,
  WASM_F64 = 3,
  /** `externref`; the standard header's name for it. */
  WASM_ANYREF = 128,
  /** `externref`; the same kind as WASM_ANYREF (the name other runtimes use). */
  WASM_EXTERNREF = 128,
  WASM_FUNCREF = 129
};

/** The kind of an extern type or external: one of `enum wasm_externkind_enum`. */
typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_GLOBAL = 1,
  WASM_EXTERN_TABLE = 2,
  WASM_EXTERN_MEMORY = 3
};

/** Whether a global is mutable: one of `enum wasm_mutability_enum`. */
typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST = 0,
  WASM_VAR = 1
};

/** The `max` of a `wasm_limits_t` that has no maximum. */
static const uint32_t wasm_limits_max_default = 0xffffffffu;

/** The size of a WebAssembly memory page, in bytes. */
static const size_t MEMORY_PAGE_SIZE = 0x10000;

/**
 * Engine configuration (opaque). Created by `wasm_config_new`, consumed
 * by `wasm_engine_new_with_config`.
 */
typedef struct wasm_config_t wasm_config_t;

/**
 * A compilation environment (opaque). Thread-safe; shared by stores.
 */
typedef struct wasm_engine_t wasm_engine_t;

/**
 * An export of a module: name and type (opaque to C).
 */
typedef struct wasm_exporttype_t wasm_exporttype_t;

/**
 * An external: a function, global, table or memory. Opaque; always handled through pointers.
 */
typedef struct wasm_extern_t wasm_extern_t;

/**
 * An extern type: a function, global, table or memory type (opaque to C).
 */
typedef struct wasm_externtype_t wasm_externtype_t;

/**
 * A host object that Wasm can hold as an `externref`. Opaque; always handled through pointers.
 */
typedef struct wasm_foreign_t wasm_foreign_t;

/**
 * One frame of a Wasm backtrace (opaque; own when returned).
 */
typedef struct wasm_frame_t wasm_frame_t;

/**
 * A function (Wasm or host). Opaque; always handled through pointers.
 */
typedef struct wasm_func_t wasm_func_t;

/**
 * A global. Opaque; always handled through pointers.
 */
typedef struct wasm_global_t wasm_global_t;

/**
 * An import of a module: module name, field name and type (opaque to C).
 */
typedef struct wasm_importtype_t wasm_importtype_t;

/**
 * A module instance. Opaque; always handled through pointers.
 */
typedef struct wasm_instance_t wasm_instance_t;

/**
 * A linear memory. Opaque; always handled through pointers.
 */
typedef struct wasm_memory_t wasm_memory_t;

/**
 * A compiled module. Opaque; always handled through pointers.
 */
typedef struct wasm_module_t wasm_module_t;

/**
 * A reference to any object (function, global, table, memory, instance, module, trap, foreign). Opaque; always handled through pointers.
 */
typedef struct wasm_ref_t wasm_ref_t;

/**
 * A module in a form that can move to another thread (opaque).
 */
typedef struct wasm_shared_module_t wasm_shared_module_t;

/**
 * A store (opaque): owns everything created in it. Use from one thread at
 * a time. Objects created in a store keep its storage alive, so deleting
 * the store before them is safe (the storage goes when the last goes).
 */
typedef struct wasm_store_t wasm_store_t;

/**
 * A table. Opaque; always handled through pointers.
 */
typedef struct wasm_table_t wasm_table_t;

/**
 * A trap: the error a Wasm or host function raised. Opaque; always handled through pointers.
 */
typedef struct wasm_trap_t wasm_trap_t;

/**
 * A value type (opaque to C).
 */
typedef struct wasm_valtype_t wasm_valtype_t;

/**
 * A vector of bytes: binaries, names and messages. Names are not
 * NUL-terminated unless stated otherwise.
 */
typedef struct wasm_byte_vec_t {
  size_t size;
  wasm_byte_t *data;
} wasm_byte_vec_t;

/**
 * A function type (opaque to C): a view of a `wasm_externtype_t`.
 */
typedef struct wasm_functype_t wasm_functype_t;

/**
 * The payload of a `wasm_val_t`, selected by its kind.
 *
 */
typedef union wasm_val_union {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  /**
   * For reference kinds: NULL (null reference) or an own `wasm_ref_t`.
   */
  struct wasm_ref_t *ref;
} wasm_val_union;

/**
 * A value: `kind` is one of the `WASM_I32`... constants.
 */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union wasm_val_union of;
} wasm_val_t;

/**
 * A vector of values, held by value (arguments and results of calls).
 */
typedef struct wasm_val_vec_t {
  size_t size;
  struct wasm_val_t *data;
} wasm_val_vec_t;

/**
 * A host function: reads `args`, writes `results` (sized by the caller to
 * the result arity), returns NULL or an own trap to raise.
 */
typedef struct wasm_trap_t *(*wasm_func_callback_t)(const struct wasm_val_vec_t *args,
                                                    struct wasm_val_vec_t *results);

/**
 * A host function with an environment pointer.
 */
typedef struct wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env,
                                                             const struct wasm_val_vec_t *args,
                                                             struct wasm_val_vec_t *results);

/**
 * A global type (opaque to C): a view of a `wasm_externtype_t`.
 */
typedef struct wasm_globaltype_t wasm_globaltype_t;

/**
 * A vector of owned externals (an instance's exports).
 */
typedef struct wasm_extern_vec_t {
  size_t size;
  struct wasm_extern_t **data;
} wasm_extern_vec_t;

/**
 * A memory type (opaque to C): a view of a `wasm_externtype_t`.
 */
typedef struct wasm_memorytype_t wasm_memorytype_t;

/**
 * A vector of owned import types (as returned by `wasm_module_imports`).
 */
typedef struct wasm_importtype_vec_t {
  size_t size;
  struct wasm_importtype_t **data;
} wasm_importtype_vec_t;

/**
 * A vector of owned export types (as returned by `wasm_module_exports`).
 */
typedef struct wasm_exporttype_vec_t {
  size_t size;
  struct wasm_exporttype_t **data;
} wasm_exporttype_vec_t;

/**
 * A table type (opaque to C): a view of a `wasm_externtype_t`.
 */
typedef struct wasm_tabletype_t wasm_tabletype_t;

/**
 * `wasm_message_t` is a byte vector; trap messages include a final NUL.
 */
typedef struct wasm_byte_vec_t wasm_message_t;

/**
 * A vector of owned stack frames (a trap's trace).
 */
typedef struct wasm_frame_vec_t {
  size_t size;
  struct wasm_frame_t **data;
} wasm_frame_vec_t;

/**
 * A vector of owned value types.
 */
typedef struct wasm_valtype_vec_t {
  size_t size;
  struct wasm_valtype_t **data;
} wasm_valtype_vec_t;

/**
 * The limits of a table (in elements) or memory (in 64 KiB pages).
 * `max == wasm_limits_max_default` means "no maximum".
 */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

/**
 * A name (of an import, export or module): a byte vector, usually UTF-8,
 * not NUL-terminated.
 */
typedef struct wasm_byte_vec_t wasm_name_t;

/**
 * A vector of owned function types.
 */
typedef struct wasm_functype_vec_t {
  size_t size;
  wasm_functype_t **data;
} wasm_functype_vec_t;

/**
 * A vector of owned global types.
 */
typedef struct wasm_globaltype_vec_t {
  size_t size;
  wasm_globaltype_t **data;
} wasm_globaltype_vec_t;

/**
 * A vector of owned table types.
 */
typedef struct wasm_tabletype_vec_t {
  size_t size;
  wasm_tabletype_t **data;
} wasm_tabletype_vec_t;

/**
 * A vector of owned memory types.
 */
typedef struct wasm_memorytype_vec_t {
  size_t size;
  wasm_memorytype_t **data;
} wasm_memorytype_vec_t;

/**
 * A vector of owned extern types.
 */
typedef struct wasm_externtype_vec_t {
  size_t size;
  struct wasm_externtype_t **data;
} wasm_externtype_vec_t;



#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * A new default configuration; own (pass it to
 * `wasm_engine_new_with_config` or delete it).
 */
struct wasm_config_t *wasm_config_new(void);

/**
 * Deletes a configuration (own). NULL is ignored.
 */
void wasm_config_delete(struct wasm_config_t *c);

/**
 * A new engine with the default configuration; own (delete with
 * `wasm_engine_delete`). NULL when the host CPU is not supported.
 */
struct wasm_engine_t *wasm_engine_new(void);

/**
 * A new engine with `config` (own; consumed, even on failure; NULL means
 * the default). Returns an own engine, or NULL on failure.
 */
struct wasm_engine_t *wasm_engine_new_with_config(struct wasm_config_t *config);

/**
 * Deletes an engine (own). Modules and stores made from it stay valid.
 * NULL is ignored.
 */
void wasm_engine_delete(struct wasm_engine_t *e);

/**
 * A new, empty store for `engine`; own (delete with `wasm_store_delete`).
 * NULL when `engine` is NULL.
 */
struct wasm_store_t *wasm_store_new(struct wasm_engine_t *engine);

/**
 * Deletes a store (own). Objects still referring to it keep its storage
 * alive until they are deleted. NULL is ignored.
 */
void wasm_store_delete(struct wasm_store_t *s);

/**
 * The kind of the external: `WASM_EXTERN_FUNC`, `_GLOBAL`, `_TABLE`,
 * `_MEMORY`, or `WASI_RT_EXTERN_TAG` for a tag (0 = FUNC for NULL).
 */
wasm_externkind_t wasm_extern_kind(const struct wasm_extern_t *e);

/**
 * The external's type; own (delete with `wasm_externtype_delete`). NULL for NULL.
 */
struct wasm_externtype_t *wasm_extern_type(const struct wasm_extern_t *e);

/**
 * A new host object in `store`; own (delete with `wasm_foreign_delete`).
 * Attach data to it with `wasm_foreign_set_host_info`. NULL for NULL.
 */
struct wasm_foreign_t *wasm_foreign_new(struct wasm_store_t *store);

/**
 * A host function of type `type` (borrowed) in `store`, calling
 * `callback`; own (delete with `wasm_func_delete`). NULL on NULL arguments.
 */
struct wasm_func_t *wasm_func_new(struct wasm_store_t *store,
                                  const wasm_functype_t *type,
                                  wasm_func_callback_t callback);

/**
 * Like `wasm_func_new`, passing `env` to every call; `finalizer` (may be
 * NULL) is called with `env` when the function is no longer reachable
 * (at the latest when its store is deleted). When this fails (returns
 * NULL for a NULL store or type), the finalizer has already been called.
 */
struct wasm_func_t *wasm_func_new_with_env(struct wasm_store_t *store,
                                           const wasm_functype_t *type,
                                           wasm_func_callback_with_env_t callback,
                                           void *env,
                                           void (*finalizer)(void*));

/**
 * The function's type; own (delete with `wasm_functype_delete`). NULL for NULL.
 */
wasm_functype_t *wasm_func_type(const struct wasm_func_t *f);

/**
 * Number of parameters (0 for NULL).
 */
size_t wasm_func_param_arity(const struct wasm_func_t *f);

/**
 * Number of results (0 for NULL).
 */
size_t wasm_func_result_arity(const struct wasm_func_t *f);

/**
 * Calls `func` with `args` (borrowed), writing its results into
 * `results`, whose size must be the result arity (it is checked after the
 * call, so a trapping call may pass an empty vector). Returns NULL on
 * success, or an own trap (a Wasm trap, a host trap, or an error such as a
 * wrong argument count or type, as a trap with a message). A function with
 * `v128` parameters or results cannot be called this way (`wasm_val_t`
 * holds 8 bytes): that is a type-error trap. A NULL `func`, or an object
 * that is not a function, is a trap too (never a silent success).
 */
struct wasm_trap_t *wasm_func_call(const struct wasm_func_t *func,
                                   const struct wasm_val_vec_t *args,
                                   struct wasm_val_vec_t *results);

/**
 * A new global of `type` (borrowed) holding `val` (borrowed); own.
 * NULL on NULL arguments or when `val` does not match the type.
 */
struct wasm_global_t *wasm_global_new(struct wasm_store_t *store,
                                      const wasm_globaltype_t *type,
                                      const struct wasm_val_t *val);

/**
 * The global's type; own. NULL for NULL.
 */
wasm_globaltype_t *wasm_global_type(const struct wasm_global_t *g);

/**
 * Reads the value into `out` (own: a reference value must be deleted with
 * `wasm_val_delete`). Nothing is written for NULL.
 */
void wasm_global_get(const struct wasm_global_t *g, struct wasm_val_t *out);

/**
 * Writes `val` (borrowed). Ignored (with a message on stderr) when the
 * global is immutable or the value has the wrong type; nothing for NULL.
 */
void wasm_global_set(struct wasm_global_t *g, const struct wasm_val_t *val);

/**
 * Instantiates `module` in `store` with `imports` (borrowed; one extern
 * per module import, in order; may be deleted right after this call).
 * Returns an own instance, or NULL on failure: then, when `trap` is not
 * NULL, `*trap` receives an own trap saying why (a trap of the start
 * function or of segment initialisation, or a link error as a message).
 */
struct wasm_instance_t *wasm_instance_new(struct wasm_store_t *store,
                                          const struct wasm_module_t *module,
                                          const struct wasm_extern_vec_t *imports,
                                          struct wasm_trap_t **trap);

/**
 * The instance's exports, in the module's export order, into `out` (own:
 * delete with `wasm_extern_vec_delete`). They stay usable after the
 * instance (and its module) are deleted. Empty for NULL.
 */
void wasm_instance_exports(const struct wasm_instance_t *i, struct wasm_extern_vec_t *out);

/**
 * A new memory of `type` (borrowed); own. NULL on NULL arguments or when
 * the size exceeds the limits.
 */
struct wasm_memory_t *wasm_memory_new(struct wasm_store_t *store, const wasm_memorytype_t *type);

/**
 * The memory's type (current size as minimum); own. NULL for NULL.
 */
wasm_memorytype_t *wasm_memory_type(const struct wasm_memory_t *m);

/**
 * The first byte of the memory (valid until it grows); NULL for NULL.
 */
wasm_byte_t *wasm_memory_data(struct wasm_memory_t *m);

/**
 * The memory's size in bytes (0 for NULL).
 */
size_t wasm_memory_data_size(const struct wasm_memory_t *m);

/**
 * The memory's size in pages (0 for NULL; `UINT32_MAX` when larger, for
 * a 64-bit memory: see `wasi_rt_memory_size64`).
 */
uint32_t wasm_memory_size(const struct wasm_memory_t *m);

/**
 * Grows by `delta` pages; false (memory unchanged) beyond its maximum or for NULL.
 */
bool wasm_memory_grow(struct wasm_memory_t *m, uint32_t delta);

/**
 * Compiles `binary` (borrowed; the binary format, or text) for the
 * store's engine; own (delete with `wasm_module_delete`). NULL when the
 * module is malformed or invalid (the reason goes to stderr) or an
 * argument is NULL.
 */
struct wasm_module_t *wasm_module_new(struct wasm_store_t *store,
                                      const struct wasm_byte_vec_t *binary);

/**
 * Whether `binary` is a valid module, in the binary or the text format
 * (false for NULL).
 */
bool wasm_module_validate(struct wasm_store_t *store, const struct wasm_byte_vec_t *binary);

/**
 * The module's imports, in order, into `out` (own: delete with
 * `wasm_importtype_vec_delete`). Empty for NULL.
 */
void wasm_module_imports(const struct wasm_module_t *m, struct wasm_importtype_vec_t *out);

/**
 * The module's exports, in order, into `out` (own: delete with
 * `wasm_exporttype_vec_delete`). Empty for NULL.
 */
void wasm_module_exports(const struct wasm_module_t *m, struct wasm_exporttype_vec_t *out);

/**
 * Writes a serialized form of the module into `out` (own: delete with
 * `wasm_byte_vec_delete`); `wasm_module_deserialize` reads it back.
 * Empty for NULL.
 */
void wasm_module_serialize(const struct wasm_module_t *m, struct wasm_byte_vec_t *out);

/**
 * A module from bytes made by `wasm_module_serialize` (borrowed); own, or
 * NULL when they are not such bytes (reason on stderr) or for NULL.
 */
struct wasm_module_t *wasm_module_deserialize(struct wasm_store_t *store,
                                              const struct wasm_byte_vec_t *bytes);

/**
 * Shares a module across threads: own result (delete with
 * `wasm_shared_module_delete` after obtaining it where needed). NULL for NULL.
 */
struct wasm_shared_module_t *wasm_module_share(const struct wasm_module_t *m);

/**
 * The shared module as a module usable with `store` (same engine); own.
 * NULL when the engines differ or for NULL.
 */
struct wasm_module_t *wasm_module_obtain(struct wasm_store_t *store,
                                         const struct wasm_shared_module_t *shared);

/**
 * Deletes a shared module (own). NULL is ignored.
 */
void wasm_shared_module_delete(struct wasm_shared_module_t *s);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_ref_delete(struct wasm_ref_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_ref_t *wasm_ref_copy(const struct wasm_ref_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_ref_same(const struct wasm_ref_t *a, const struct wasm_ref_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_ref_get_host_info(const struct wasm_ref_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_ref_set_host_info(struct wasm_ref_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_ref_set_host_info_with_finalizer(struct wasm_ref_t *p,
                                           void *info,
                                           void (*finalizer)(void*));

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_extern_delete(struct wasm_extern_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_extern_t *wasm_extern_copy(const struct wasm_extern_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_extern_same(const struct wasm_extern_t *a, const struct wasm_extern_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_extern_get_host_info(const struct wasm_extern_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_extern_set_host_info(struct wasm_extern_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_extern_set_host_info_with_finalizer(struct wasm_extern_t *p,
                                              void *info,
                                              void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_extern_as_ref(struct wasm_extern_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_extern_as_ref_const(const struct wasm_extern_t *p);

/**
 * The reference viewed as a `wasm_extern_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_extern_t *wasm_ref_as_extern(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_extern_t`, or NULL when it is something else.
 */
const struct wasm_extern_t *wasm_ref_as_extern_const(const struct wasm_ref_t *r);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_func_delete(struct wasm_func_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_func_t *wasm_func_copy(const struct wasm_func_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_func_same(const struct wasm_func_t *a, const struct wasm_func_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_func_get_host_info(const struct wasm_func_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_func_set_host_info(struct wasm_func_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_func_set_host_info_with_finalizer(struct wasm_func_t *p,
                                            void *info,
                                            void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_func_as_ref(struct wasm_func_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_func_as_ref_const(const struct wasm_func_t *p);

/**
 * The reference viewed as a `wasm_func_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_func_t *wasm_ref_as_func(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_func_t`, or NULL when it is something else.
 */
const struct wasm_func_t *wasm_ref_as_func_const(const struct wasm_ref_t *r);

/**
 * This func viewed as a `wasm_extern_t` (the same pointer, not a copy).
 */
struct wasm_extern_t *wasm_func_as_extern(struct wasm_func_t *p);

/**
 * This func viewed as a `const wasm_extern_t` (the same pointer).
 */
const struct wasm_extern_t *wasm_func_as_extern_const(const struct wasm_func_t *p);

/**
 * The external viewed as a `wasm_func_t` (the same pointer), or NULL when it is another kind.
 */
struct wasm_func_t *wasm_extern_as_func(struct wasm_extern_t *e);

/**
 * The const external viewed as a `wasm_func_t`, or NULL when it is another kind.
 */
const struct wasm_func_t *wasm_extern_as_func_const(const struct wasm_extern_t *e);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_global_delete(struct wasm_global_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_global_t *wasm_global_copy(const struct wasm_global_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_global_same(const struct wasm_global_t *a, const struct wasm_global_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_global_get_host_info(const struct wasm_global_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_global_set_host_info(struct wasm_global_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_global_set_host_info_with_finalizer(struct wasm_global_t *p,
                                              void *info,
                                              void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_global_as_ref(struct wasm_global_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_global_as_ref_const(const struct wasm_global_t *p);

/**
 * The reference viewed as a `wasm_global_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_global_t *wasm_ref_as_global(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_global_t`, or NULL when it is something else.
 */
const struct wasm_global_t *wasm_ref_as_global_const(const struct wasm_ref_t *r);

/**
 * This global viewed as a `wasm_extern_t` (the same pointer, not a copy).
 */
struct wasm_extern_t *wasm_global_as_extern(struct wasm_global_t *p);

/**
 * This global viewed as a `const wasm_extern_t` (the same pointer).
 */
const struct wasm_extern_t *wasm_global_as_extern_const(const struct wasm_global_t *p);

/**
 * The external viewed as a `wasm_global_t` (the same pointer), or NULL when it is another kind.
 */
struct wasm_global_t *wasm_extern_as_global(struct wasm_extern_t *e);

/**
 * The const external viewed as a `wasm_global_t`, or NULL when it is another kind.
 */
const struct wasm_global_t *wasm_extern_as_global_const(const struct wasm_extern_t *e);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_table_delete(struct wasm_table_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_table_t *wasm_table_copy(const struct wasm_table_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_table_same(const struct wasm_table_t *a, const struct wasm_table_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_table_get_host_info(const struct wasm_table_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_table_set_host_info(struct wasm_table_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_table_set_host_info_with_finalizer(struct wasm_table_t *p,
                                             void *info,
                                             void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_table_as_ref(struct wasm_table_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_table_as_ref_const(const struct wasm_table_t *p);

/**
 * The reference viewed as a `wasm_table_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_table_t *wasm_ref_as_table(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_table_t`, or NULL when it is something else.
 */
const struct wasm_table_t *wasm_ref_as_table_const(const struct wasm_ref_t *r);

/**
 * This table viewed as a `wasm_extern_t` (the same pointer, not a copy).
 */
struct wasm_extern_t *wasm_table_as_extern(struct wasm_table_t *p);

/**
 * This table viewed as a `const wasm_extern_t` (the same pointer).
 */
const struct wasm_extern_t *wasm_table_as_extern_const(const struct wasm_table_t *p);

/**
 * The external viewed as a `wasm_table_t` (the same pointer), or NULL when it is another kind.
 */
struct wasm_table_t *wasm_extern_as_table(struct wasm_extern_t *e);

/**
 * The const external viewed as a `wasm_table_t`, or NULL when it is another kind.
 */
const struct wasm_table_t *wasm_extern_as_table_const(const struct wasm_extern_t *e);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_memory_delete(struct wasm_memory_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_memory_t *wasm_memory_copy(const struct wasm_memory_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_memory_same(const struct wasm_memory_t *a, const struct wasm_memory_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_memory_get_host_info(const struct wasm_memory_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_memory_set_host_info(struct wasm_memory_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_memory_set_host_info_with_finalizer(struct wasm_memory_t *p,
                                              void *info,
                                              void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_memory_as_ref(struct wasm_memory_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_memory_as_ref_const(const struct wasm_memory_t *p);

/**
 * The reference viewed as a `wasm_memory_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_memory_t *wasm_ref_as_memory(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_memory_t`, or NULL when it is something else.
 */
const struct wasm_memory_t *wasm_ref_as_memory_const(const struct wasm_ref_t *r);

/**
 * This memory viewed as a `wasm_extern_t` (the same pointer, not a copy).
 */
struct wasm_extern_t *wasm_memory_as_extern(struct wasm_memory_t *p);

/**
 * This memory viewed as a `const wasm_extern_t` (the same pointer).
 */
const struct wasm_extern_t *wasm_memory_as_extern_const(const struct wasm_memory_t *p);

/**
 * The external viewed as a `wasm_memory_t` (the same pointer), or NULL when it is another kind.
 */
struct wasm_memory_t *wasm_extern_as_memory(struct wasm_extern_t *e);

/**
 * The const external viewed as a `wasm_memory_t`, or NULL when it is another kind.
 */
const struct wasm_memory_t *wasm_extern_as_memory_const(const struct wasm_extern_t *e);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_instance_delete(struct wasm_instance_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_instance_t *wasm_instance_copy(const struct wasm_instance_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_instance_same(const struct wasm_instance_t *a, const struct wasm_instance_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_instance_get_host_info(const struct wasm_instance_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_instance_set_host_info(struct wasm_instance_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_instance_set_host_info_with_finalizer(struct wasm_instance_t *p,
                                                void *info,
                                                void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_instance_as_ref(struct wasm_instance_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_instance_as_ref_const(const struct wasm_instance_t *p);

/**
 * The reference viewed as a `wasm_instance_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_instance_t *wasm_ref_as_instance(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_instance_t`, or NULL when it is something else.
 */
const struct wasm_instance_t *wasm_ref_as_instance_const(const struct wasm_ref_t *r);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_module_delete(struct wasm_module_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_module_t *wasm_module_copy(const struct wasm_module_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_module_same(const struct wasm_module_t *a, const struct wasm_module_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_module_get_host_info(const struct wasm_module_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_module_set_host_info(struct wasm_module_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_module_set_host_info_with_finalizer(struct wasm_module_t *p,
                                              void *info,
                                              void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_module_as_ref(struct wasm_module_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_module_as_ref_const(const struct wasm_module_t *p);

/**
 * The reference viewed as a `wasm_module_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_module_t *wasm_ref_as_module(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_module_t`, or NULL when it is something else.
 */
const struct wasm_module_t *wasm_ref_as_module_const(const struct wasm_ref_t *r);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_trap_delete(struct wasm_trap_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_trap_t *wasm_trap_copy(const struct wasm_trap_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_trap_same(const struct wasm_trap_t *a, const struct wasm_trap_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_trap_get_host_info(const struct wasm_trap_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_trap_set_host_info(struct wasm_trap_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_trap_set_host_info_with_finalizer(struct wasm_trap_t *p,
                                            void *info,
                                            void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_trap_as_ref(struct wasm_trap_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_trap_as_ref_const(const struct wasm_trap_t *p);

/**
 * The reference viewed as a `wasm_trap_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_trap_t *wasm_ref_as_trap(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_trap_t`, or NULL when it is something else.
 */
const struct wasm_trap_t *wasm_ref_as_trap_const(const struct wasm_ref_t *r);

/**
 * Deletes this reference (own). NULL is ignored.
 */
void wasm_foreign_delete(struct wasm_foreign_t *p);

/**
 * A new reference to the same object; own (delete it). NULL for NULL.
 */
struct wasm_foreign_t *wasm_foreign_copy(const struct wasm_foreign_t *p);

/**
 * Whether both refer to the same object; false when either is NULL.
 */
bool wasm_foreign_same(const struct wasm_foreign_t *a, const struct wasm_foreign_t *b);

/**
 * The host info attached to the object (shared by every reference to it);
 * NULL when none or for NULL.
 */
void *wasm_foreign_get_host_info(const struct wasm_foreign_t *p);

/**
 * Attaches host info to the object (not owned by wasi-rt; every reference
 * to the object sees it); replaces (and finalizes) any previous one.
 */
void wasm_foreign_set_host_info(struct wasm_foreign_t *p, void *info);

/**
 * Attaches host info with a finalizer, called with `info` when the info
 * is replaced or the object goes away: an instance (with what it
 * defines) goes as soon as nothing can reach it any more, anything else
 * at the latest when its store is deleted; modules and traps, which live
 * outside stores, when this reference is deleted.
 */
void wasm_foreign_set_host_info_with_finalizer(struct wasm_foreign_t *p,
                                               void *info,
                                               void (*finalizer)(void*));

/**
 * This object viewed as a `wasm_ref_t` (the same pointer, not a copy).
 */
struct wasm_ref_t *wasm_foreign_as_ref(struct wasm_foreign_t *p);

/**
 * This object viewed as a `const wasm_ref_t` (the same pointer).
 */
const struct wasm_ref_t *wasm_foreign_as_ref_const(const struct wasm_foreign_t *p);

/**
 * The reference viewed as a `wasm_foreign_t` (the same pointer), or NULL when it is something else.
 */
struct wasm_foreign_t *wasm_ref_as_foreign(struct wasm_ref_t *r);

/**
 * The const reference viewed as a `wasm_foreign_t`, or NULL when it is something else.
 */
const struct wasm_foreign_t *wasm_ref_as_foreign_const(const struct wasm_ref_t *r);

/**
 * A new table of `type` (borrowed) with every element `init` (borrowed;
 * NULL = null reference); own. NULL on bad arguments.
 */
struct wasm_table_t *wasm_table_new(struct wasm_store_t *store,
                                    const wasm_tabletype_t *type,
                                    struct wasm_ref_t *init);

/**
 * The table's type (current size as minimum); own. NULL for NULL.
 */
wasm_tabletype_t *wasm_table_type(const struct wasm_table_t *t);

/**
 * Element `index`: an own reference, or NULL when it is null, out of
 * bounds, or `t` is NULL.
 */
struct wasm_ref_t *wasm_table_get(const struct wasm_table_t *t, uint32_t index);

/**
 * Sets element `index` to `r` (borrowed; NULL = null). False when out of
 * bounds, of the wrong kind, or for NULL `t`.
 */
bool wasm_table_set(struct wasm_table_t *t, uint32_t index, struct wasm_ref_t *r);

/**
 * Number of elements (0 for NULL).
 */
uint32_t wasm_table_size(const struct wasm_table_t *t);

/**
 * Grows by `delta` elements set to `init` (borrowed; NULL = null); false
 * (table unchanged) beyond its maximum or for NULL `t`.
 */
bool wasm_table_grow(struct wasm_table_t *t, uint32_t delta, struct wasm_ref_t *init);

/**
 * A new trap with `message` (borrowed; a trailing NUL is ignored);
 * own (delete with `wasm_trap_delete`). NULL when `store` is NULL.
 */
struct wasm_trap_t *wasm_trap_new(struct wasm_store_t *store, const wasm_message_t *message);

/**
 * Writes the trap's message, NUL-terminated, into `out` (own: delete it
 * with `wasm_byte_vec_delete`). For NULL arguments nothing is written.
 */
void wasm_trap_message(const struct wasm_trap_t *t, wasm_message_t *out);

/**
 * The innermost Wasm frame of the trap; own (delete with
 * `wasm_frame_delete`), or NULL when the trap has no Wasm frames.
 */
struct wasm_frame_t *wasm_trap_origin(const struct wasm_trap_t *t);

/**
 * Writes the trap's Wasm frames, innermost first, into `out` (own:
 * delete with `wasm_frame_vec_delete`). Empty for NULL.
 */
void wasm_trap_trace(const struct wasm_trap_t *t, struct wasm_frame_vec_t *out);

/**
 * Deletes a frame (own). NULL is ignored.
 */
void wasm_frame_delete(struct wasm_frame_t *f);

/**
 * A copy of a frame; own. NULL for NULL.
 */
struct wasm_frame_t *wasm_frame_copy(const struct wasm_frame_t *f);

/**
 * The index of the frame's function in its module (0 for NULL).
 */
uint32_t wasm_frame_func_index(const struct wasm_frame_t *f);

/**
 * The instance running the frame (borrowed: owned by the frame). Known
 * when the trap's store holds exactly one instance of the frame's module;
 * NULL when several instances share the module's code, or for NULL.
 */
struct wasm_instance_t *wasm_frame_instance(const struct wasm_frame_t *f);

/**
 * Byte offset of the frame's current operator from the start of its
 * function's body (0 for NULL or when unknown).
 */
size_t wasm_frame_func_offset(const struct wasm_frame_t *f);

/**
 * Byte offset of the frame's current operator in the module binary (0 for
 * NULL or when unknown).
 */
size_t wasm_frame_module_offset(const struct wasm_frame_t *f);

/**
 * Deletes value type `t`.
 *
 * Ownership: takes `t` over; it must be an own value type (not one
 * returned by an accessor such as `wasm_globaltype_content`).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_valtype_delete(struct wasm_valtype_t *t);

/**
 * A copy of value type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_valtype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_valtype_t *wasm_valtype_copy(const struct wasm_valtype_t *t);

/**
 * Creates a value type of kind `kind` (`WASM_I32`, `WASM_I64`, `WASM_F32`,
 * `WASM_F64`, `WASM_EXTERNREF`, `WASM_FUNCREF`, or `WASI_RT_V128`).
 *
 * Ownership: the result is the caller's, to delete with
 * `wasm_valtype_delete`.
 * Returns NULL for an unknown kind.
 */
struct wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind);

/**
 * The kind of value type `t`. A typed function reference (`(ref $t)`,
 * `(ref null $t)`, `(ref func)`) is `WASM_FUNCREF`, as `wasm.h` has no
 * kinds for them; values passed for it are still checked (a null for a
 * non-nullable reference, or a function of another type, is a type-error
 * trap).
 *
 * Ownership: `t` is borrowed.
 * NULL: returns 0 for a NULL `t`.
 */
wasm_valkind_t wasm_valtype_kind(const struct wasm_valtype_t *t);

/**
 * Deletes function type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_functype_delete(wasm_functype_t *t);

/**
 * A copy of function type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_functype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
wasm_functype_t *wasm_functype_copy(const wasm_functype_t *t);

/**
 * Creates a function type from parameter and result types.
 *
 * Ownership: takes over both vectors and their value types (they are
 * emptied: `{ 0, NULL }`, so deleting them afterwards is harmless); the
 * result is the caller's, to delete with `wasm_functype_delete`.
 * NULL: returns NULL if either vector pointer or any element is NULL, or a
 * vector has a non-zero size and a NULL array (the non-NULL arguments are
 * still taken over and deleted).
 */
wasm_functype_t *wasm_functype_new(struct wasm_valtype_vec_t *params,
                                   struct wasm_valtype_vec_t *results);

/**
 * The parameter types of function type `t`.
 *
 * Ownership: the vector and its value types belong to `t` (do not delete
 * them); they stay valid, at the same address, as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t);

/**
 * The result types of function type `t`.
 *
 * Ownership: the vector and its value types belong to `t` (do not delete
 * them); they stay valid, at the same address, as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t);

/**
 * Deletes global type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_globaltype_delete(wasm_globaltype_t *t);

/**
 * A copy of global type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_globaltype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
wasm_globaltype_t *wasm_globaltype_copy(const wasm_globaltype_t *t);

/**
 * Creates a global type of content type `content` and mutability
 * `mutability` (`WASM_CONST` or `WASM_VAR`).
 *
 * Ownership: takes `content` over (also on failure); the result is the
 * caller's, to delete with `wasm_globaltype_delete`.
 * NULL: returns NULL for a NULL `content` or an unknown mutability.
 */
wasm_globaltype_t *wasm_globaltype_new(struct wasm_valtype_t *content,
                                       wasm_mutability_t mutability);

/**
 * The content type of global type `t`.
 *
 * Ownership: the value type belongs to `t` (do not delete it) and stays
 * valid as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t);

/**
 * The mutability of global type `t` (`WASM_CONST` or `WASM_VAR`).
 *
 * Ownership: `t` is borrowed.
 * NULL: returns 0 for a NULL `t`.
 */
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t);

/**
 * Deletes table type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_tabletype_delete(wasm_tabletype_t *t);

/**
 * A copy of table type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_tabletype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
wasm_tabletype_t *wasm_tabletype_copy(const wasm_tabletype_t *t);

/**
 * Creates a table type of element type `element` (a reference type) and
 * limits `*limits` (in elements; `max` = `wasm_limits_max_default` for no
 * maximum).
 *
 * Ownership: takes `element` over (also on failure); `limits` is
 * borrowed; the result is the caller's, to delete with
 * `wasm_tabletype_delete`.
 * NULL: returns NULL for a NULL `element` or `limits`, or an element type
 * that is not a reference type.
 */
wasm_tabletype_t *wasm_tabletype_new(struct wasm_valtype_t *element,
                                     const struct wasm_limits_t *limits);

/**
 * The element type of table type `t`.
 *
 * Ownership: the value type belongs to `t` (do not delete it) and stays
 * valid as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t);

/**
 * The limits of table type `t`, in elements.
 *
 * Ownership: the limits belong to `t` and stay valid as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t);

/**
 * Deletes memory type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_memorytype_delete(wasm_memorytype_t *t);

/**
 * A copy of memory type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_memorytype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
wasm_memorytype_t *wasm_memorytype_copy(const wasm_memorytype_t *t);

/**
 * Creates a memory type of limits `*limits` (in 64 KiB pages; `max` =
 * `wasm_limits_max_default` for no maximum).
 *
 * Ownership: `limits` is borrowed; the result is the caller's, to delete
 * with `wasm_memorytype_delete`.
 * NULL: returns NULL for a NULL `limits`.
 */
wasm_memorytype_t *wasm_memorytype_new(const struct wasm_limits_t *limits);

/**
 * The limits of memory type `t`, in 64 KiB pages.
 *
 * Ownership: the limits belong to `t` and stay valid as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t);

/**
 * Deletes extern type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_externtype_delete(struct wasm_externtype_t *t);

/**
 * A copy of extern type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_externtype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_externtype_t *wasm_externtype_copy(const struct wasm_externtype_t *t);

/**
 * The kind of extern type `t` (`WASM_EXTERN_FUNC`, `WASM_EXTERN_GLOBAL`,
 * `WASM_EXTERN_TABLE` or `WASM_EXTERN_MEMORY`).
 *
 * Ownership: `t` is borrowed.
 * NULL: returns 0 for a NULL `t`.
 */
wasm_externkind_t wasm_externtype_kind(const struct wasm_externtype_t *t);

/**
 * Views function type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_externtype_t *wasm_functype_as_externtype(wasm_functype_t *t);

/**
 * Views function type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_externtype_t *wasm_functype_as_externtype_const(const wasm_functype_t *t);

/**
 * Views extern type `t` as function type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
wasm_functype_t *wasm_externtype_as_functype(struct wasm_externtype_t *t);

/**
 * Views extern type `t` as function type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
const wasm_functype_t *wasm_externtype_as_functype_const(const struct wasm_externtype_t *t);

/**
 * Views global type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_externtype_t *wasm_globaltype_as_externtype(wasm_globaltype_t *t);

/**
 * Views global type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_externtype_t *wasm_globaltype_as_externtype_const(const wasm_globaltype_t *t);

/**
 * Views extern type `t` as global type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
wasm_globaltype_t *wasm_externtype_as_globaltype(struct wasm_externtype_t *t);

/**
 * Views extern type `t` as global type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
const wasm_globaltype_t *wasm_externtype_as_globaltype_const(const struct wasm_externtype_t *t);

/**
 * Views table type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_externtype_t *wasm_tabletype_as_externtype(wasm_tabletype_t *t);

/**
 * Views table type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_externtype_t *wasm_tabletype_as_externtype_const(const wasm_tabletype_t *t);

/**
 * Views extern type `t` as table type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
wasm_tabletype_t *wasm_externtype_as_tabletype(struct wasm_externtype_t *t);

/**
 * Views extern type `t` as table type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
const wasm_tabletype_t *wasm_externtype_as_tabletype_const(const struct wasm_externtype_t *t);

/**
 * Views memory type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_externtype_t *wasm_memorytype_as_externtype(wasm_memorytype_t *t);

/**
 * Views memory type `t` as an extern type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_externtype_t *wasm_memorytype_as_externtype_const(const wasm_memorytype_t *t);

/**
 * Views extern type `t` as memory type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself (deleting
 * either deletes the object).
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
wasm_memorytype_t *wasm_externtype_as_memorytype(struct wasm_externtype_t *t);

/**
 * Views extern type `t` as memory type: the same object, not a copy.
 *
 * Ownership: no ownership changes; the result is `t` itself.
 * NULL: returns NULL for a NULL `t` or one of another kind.
 */
const wasm_memorytype_t *wasm_externtype_as_memorytype_const(const struct wasm_externtype_t *t);

/**
 * Deletes import type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_importtype_delete(struct wasm_importtype_t *t);

/**
 * A copy of import type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_importtype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_importtype_t *wasm_importtype_copy(const struct wasm_importtype_t *t);

/**
 * Creates an import type.
 *
 * Ownership: takes over `module`'s and `name`'s contents (the vectors are
 * left empty, `{ 0, NULL }`) and `type`; the result is the caller's, to
 * delete with `wasm_importtype_delete`.
 * NULL: returns NULL if any argument is NULL (the non-NULL ones are still
 * taken over and deleted).
 */
struct wasm_importtype_t *wasm_importtype_new(wasm_name_t *module,
                                              wasm_name_t *name,
                                              struct wasm_externtype_t *type);

/**
 * The module name of import type `t`.
 *
 * Ownership: the name belongs to `t` (do not delete it) and stays valid as
 * long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const wasm_name_t *wasm_importtype_module(const struct wasm_importtype_t *t);

/**
 * The field name of import type `t`.
 *
 * Ownership: the name belongs to `t` (do not delete it) and stays valid as
 * long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const wasm_name_t *wasm_importtype_name(const struct wasm_importtype_t *t);

/**
 * The type of import type `t`.
 *
 * Ownership: the extern type belongs to `t` (do not delete it) and stays
 * valid as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_externtype_t *wasm_importtype_type(const struct wasm_importtype_t *t);

/**
 * Deletes export type `t`.
 *
 * Ownership: takes `t` over; it must be an own object (not one
 * returned by an accessor, which belongs to its parent object).
 * NULL: does nothing for a NULL `t`.
 */
void wasm_exporttype_delete(struct wasm_exporttype_t *t);

/**
 * A copy of export type `t`.
 *
 * Ownership: `t` is borrowed; the copy is the caller's, to delete with
 * `wasm_exporttype_delete`.
 * NULL: returns NULL for a NULL `t`.
 */
struct wasm_exporttype_t *wasm_exporttype_copy(const struct wasm_exporttype_t *t);

/**
 * Creates an export type.
 *
 * Ownership: takes over `name`'s contents (the vector is left empty,
 * `{ 0, NULL }`) and `type`; the result is the caller's, to delete with
 * `wasm_exporttype_delete`.
 * NULL: returns NULL if any argument is NULL (the non-NULL one is still
 * taken over and deleted).
 */
struct wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, struct wasm_externtype_t *type);

/**
 * The name of export type `t`.
 *
 * Ownership: the name belongs to `t` (do not delete it) and stays valid as
 * long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const wasm_name_t *wasm_exporttype_name(const struct wasm_exporttype_t *t);

/**
 * The type of export type `t`.
 *
 * Ownership: the extern type belongs to `t` (do not delete it) and stays
 * valid as long as `t`.
 * NULL: returns NULL for a NULL `t`.
 */
const struct wasm_externtype_t *wasm_exporttype_type(const struct wasm_exporttype_t *t);

/**
 * Deletes what a value owns (its reference, if any); the `wasm_val_t`
 * itself is the caller's storage. NULL is ignored.
 */
void wasm_val_delete(struct wasm_val_t *v);

/**
 * Copies `src` into `out` (own: delete `out` with `wasm_val_delete`);
 * references are copied. Does nothing when either is NULL.
 */
void wasm_val_copy(struct wasm_val_t *out, const struct wasm_val_t *src);

/**
 * Sets `*out` to the empty byte vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_byte_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_byte_vec_new_empty(struct wasm_byte_vec_t *out);

/**
 * Sets `*out` to a new byte vector of `size` elements, all zero.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_byte_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_byte_vec_new_uninitialized(struct wasm_byte_vec_t *out, size_t size);

/**
 * Sets `*out` to a new byte vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_byte_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_byte_vec_new(struct wasm_byte_vec_t *out, size_t size, const wasm_byte_t *data);

/**
 * Sets `*out` to a deep copy of the byte vector `*src`: the bytes are copied.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_byte_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_byte_vec_copy(struct wasm_byte_vec_t *out, const struct wasm_byte_vec_t *src);

/**
 * Deletes the byte vector `*vec`: bytes own nothing, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_byte_vec_delete(struct wasm_byte_vec_t *vec);

/**
 * Sets `*out` to the empty value vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_val_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_val_vec_new_empty(struct wasm_val_vec_t *out);

/**
 * Sets `*out` to a new value vector of `size` elements, all zeroed (i32 0, owning nothing).
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_val_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_val_vec_new_uninitialized(struct wasm_val_vec_t *out, size_t size);

/**
 * Sets `*out` to a new value vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_val_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_val_vec_new(struct wasm_val_vec_t *out, size_t size, const struct wasm_val_t *data);

/**
 * Sets `*out` to a deep copy of the value vector `*src`: every value is copied with `wasm_val_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_val_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_val_vec_copy(struct wasm_val_vec_t *out,
                       const struct wasm_val_vec_t *src);

/**
 * Deletes the value vector `*vec`: every value is released with `wasm_val_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_val_vec_delete(struct wasm_val_vec_t *vec);

/**
 * Sets `*out` to the empty value type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_valtype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_valtype_vec_new_empty(struct wasm_valtype_vec_t *out);

/**
 * Sets `*out` to a new value type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_valtype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_valtype_vec_new_uninitialized(struct wasm_valtype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new value type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_valtype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_valtype_vec_new(struct wasm_valtype_vec_t *out,
                          size_t size,
                          struct wasm_valtype_t *const *data);

/**
 * Sets `*out` to a deep copy of the value type vector `*src`: every non-NULL element is copied with `wasm_valtype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_valtype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_valtype_vec_copy(struct wasm_valtype_vec_t *out,
                           const struct wasm_valtype_vec_t *src);

/**
 * Deletes the value type vector `*vec`: every non-NULL element is deleted with `wasm_valtype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_valtype_vec_delete(struct wasm_valtype_vec_t *vec);

/**
 * Sets `*out` to the empty function type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_functype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_functype_vec_new_empty(struct wasm_functype_vec_t *out);

/**
 * Sets `*out` to a new function type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_functype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_functype_vec_new_uninitialized(struct wasm_functype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new function type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_functype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_functype_vec_new(struct wasm_functype_vec_t *out,
                           size_t size,
                           wasm_functype_t *const *data);

/**
 * Sets `*out` to a deep copy of the function type vector `*src`: every non-NULL element is copied with `wasm_functype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_functype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_functype_vec_copy(struct wasm_functype_vec_t *out,
                            const struct wasm_functype_vec_t *src);

/**
 * Deletes the function type vector `*vec`: every non-NULL element is deleted with `wasm_functype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_functype_vec_delete(struct wasm_functype_vec_t *vec);

/**
 * Sets `*out` to the empty global type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_globaltype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_globaltype_vec_new_empty(struct wasm_globaltype_vec_t *out);

/**
 * Sets `*out` to a new global type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_globaltype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_globaltype_vec_new_uninitialized(struct wasm_globaltype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new global type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_globaltype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_globaltype_vec_new(struct wasm_globaltype_vec_t *out,
                             size_t size,
                             wasm_globaltype_t *const *data);

/**
 * Sets `*out` to a deep copy of the global type vector `*src`: every non-NULL element is copied with `wasm_globaltype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_globaltype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_globaltype_vec_copy(struct wasm_globaltype_vec_t *out,
                              const struct wasm_globaltype_vec_t *src);

/**
 * Deletes the global type vector `*vec`: every non-NULL element is deleted with `wasm_globaltype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_globaltype_vec_delete(struct wasm_globaltype_vec_t *vec);

/**
 * Sets `*out` to the empty table type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_tabletype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_tabletype_vec_new_empty(struct wasm_tabletype_vec_t *out);

/**
 * Sets `*out` to a new table type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_tabletype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_tabletype_vec_new_uninitialized(struct wasm_tabletype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new table type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_tabletype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_tabletype_vec_new(struct wasm_tabletype_vec_t *out,
                            size_t size,
                            wasm_tabletype_t *const *data);

/**
 * Sets `*out` to a deep copy of the table type vector `*src`: every non-NULL element is copied with `wasm_tabletype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_tabletype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_tabletype_vec_copy(struct wasm_tabletype_vec_t *out,
                             const struct wasm_tabletype_vec_t *src);

/**
 * Deletes the table type vector `*vec`: every non-NULL element is deleted with `wasm_tabletype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_tabletype_vec_delete(struct wasm_tabletype_vec_t *vec);

/**
 * Sets `*out` to the empty memory type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_memorytype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_memorytype_vec_new_empty(struct wasm_memorytype_vec_t *out);

/**
 * Sets `*out` to a new memory type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_memorytype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_memorytype_vec_new_uninitialized(struct wasm_memorytype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new memory type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_memorytype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_memorytype_vec_new(struct wasm_memorytype_vec_t *out,
                             size_t size,
                             wasm_memorytype_t *const *data);

/**
 * Sets `*out` to a deep copy of the memory type vector `*src`: every non-NULL element is copied with `wasm_memorytype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_memorytype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_memorytype_vec_copy(struct wasm_memorytype_vec_t *out,
                              const struct wasm_memorytype_vec_t *src);

/**
 * Deletes the memory type vector `*vec`: every non-NULL element is deleted with `wasm_memorytype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_memorytype_vec_delete(struct wasm_memorytype_vec_t *vec);

/**
 * Sets `*out` to the empty extern type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_externtype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_externtype_vec_new_empty(struct wasm_externtype_vec_t *out);

/**
 * Sets `*out` to a new extern type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_externtype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_externtype_vec_new_uninitialized(struct wasm_externtype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new extern type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_externtype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_externtype_vec_new(struct wasm_externtype_vec_t *out,
                             size_t size,
                             struct wasm_externtype_t *const *data);

/**
 * Sets `*out` to a deep copy of the extern type vector `*src`: every non-NULL element is copied with `wasm_externtype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_externtype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_externtype_vec_copy(struct wasm_externtype_vec_t *out,
                              const struct wasm_externtype_vec_t *src);

/**
 * Deletes the extern type vector `*vec`: every non-NULL element is deleted with `wasm_externtype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_externtype_vec_delete(struct wasm_externtype_vec_t *vec);

/**
 * Sets `*out` to the empty import type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_importtype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_importtype_vec_new_empty(struct wasm_importtype_vec_t *out);

/**
 * Sets `*out` to a new import type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_importtype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_importtype_vec_new_uninitialized(struct wasm_importtype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new import type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_importtype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_importtype_vec_new(struct wasm_importtype_vec_t *out,
                             size_t size,
                             struct wasm_importtype_t *const *data);

/**
 * Sets `*out` to a deep copy of the import type vector `*src`: every non-NULL element is copied with `wasm_importtype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_importtype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_importtype_vec_copy(struct wasm_importtype_vec_t *out,
                              const struct wasm_importtype_vec_t *src);

/**
 * Deletes the import type vector `*vec`: every non-NULL element is deleted with `wasm_importtype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_importtype_vec_delete(struct wasm_importtype_vec_t *vec);

/**
 * Sets `*out` to the empty export type vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_exporttype_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_exporttype_vec_new_empty(struct wasm_exporttype_vec_t *out);

/**
 * Sets `*out` to a new export type vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_exporttype_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_exporttype_vec_new_uninitialized(struct wasm_exporttype_vec_t *out, size_t size);

/**
 * Sets `*out` to a new export type vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_exporttype_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_exporttype_vec_new(struct wasm_exporttype_vec_t *out,
                             size_t size,
                             struct wasm_exporttype_t *const *data);

/**
 * Sets `*out` to a deep copy of the export type vector `*src`: every non-NULL element is copied with `wasm_exporttype_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_exporttype_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_exporttype_vec_copy(struct wasm_exporttype_vec_t *out,
                              const struct wasm_exporttype_vec_t *src);

/**
 * Deletes the export type vector `*vec`: every non-NULL element is deleted with `wasm_exporttype_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_exporttype_vec_delete(struct wasm_exporttype_vec_t *vec);

/**
 * Sets `*out` to the empty frame vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_frame_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_frame_vec_new_empty(struct wasm_frame_vec_t *out);

/**
 * Sets `*out` to a new frame vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_frame_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_frame_vec_new_uninitialized(struct wasm_frame_vec_t *out, size_t size);

/**
 * Sets `*out` to a new frame vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_frame_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_frame_vec_new(struct wasm_frame_vec_t *out,
                        size_t size,
                        struct wasm_frame_t *const *data);

/**
 * Sets `*out` to a deep copy of the frame vector `*src`: every non-NULL element is copied with `wasm_frame_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_frame_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_frame_vec_copy(struct wasm_frame_vec_t *out,
                         const struct wasm_frame_vec_t *src);

/**
 * Deletes the frame vector `*vec`: every non-NULL element is deleted with `wasm_frame_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_frame_vec_delete(struct wasm_frame_vec_t *vec);

/**
 * Sets `*out` to the empty extern vector `{ 0, NULL }`.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_extern_vec_delete`
 * (deleting an empty vector is a no-op). Whatever `*out` held before
 * is overwritten, not deleted.
 * NULL: a NULL `out` does nothing.
 */
void wasm_extern_vec_new_empty(struct wasm_extern_vec_t *out);

/**
 * Sets `*out` to a new extern vector of `size` elements, all NULL.
 *
 * Ownership: `*out` becomes the caller's, to delete with `wasm_extern_vec_delete`;
 * the caller may fill in the elements, which the vector then owns.
 * Whatever `*out` held before is overwritten, not deleted.
 * NULL: a NULL `out` does nothing. A `size` of 0 gives `{ 0, NULL }`.
 * Errors: when `size` elements cannot be allocated, `*out` is the empty
 * vector `{ 0, NULL }` (check its size).
 */
void wasm_extern_vec_new_uninitialized(struct wasm_extern_vec_t *out, size_t size);

/**
 * Sets `*out` to a new extern vector holding the `size` elements of the array `data`.
 *
 * Ownership: the array itself is copied and stays the caller's, but
 * the elements are taken over (moved into the vector, which will
 * delete them). `*out` becomes the caller's, to delete with
 * `wasm_extern_vec_delete`.
 * NULL: a NULL `out` does nothing; a NULL `data` or a `size` of 0 gives
 * the empty vector `{ 0, NULL }`.
 */
void wasm_extern_vec_new(struct wasm_extern_vec_t *out,
                         size_t size,
                         struct wasm_extern_t *const *data);

/**
 * Sets `*out` to a deep copy of the extern vector `*src`: every non-NULL element is copied with `wasm_extern_copy`.
 *
 * Ownership: `*src` is only borrowed; `*out` becomes the caller's, to
 * delete with `wasm_extern_vec_delete`. Whatever `*out` held before is
 * overwritten, not deleted.
 * NULL: a NULL `out` does nothing; a NULL `src` gives the empty vector;
 * NULL elements stay NULL.
 */
void wasm_extern_vec_copy(struct wasm_extern_vec_t *out,
                          const struct wasm_extern_vec_t *src);

/**
 * Deletes the extern vector `*vec`: every non-NULL element is deleted with `wasm_extern_delete`, then frees its array and sets it to `{ 0, NULL }`.
 *
 * Ownership: `*vec` must be an own vector whose array this library
 * allocated (with one of its `_vec_new*` or `_vec_copy` functions, or
 * returned by the API); the struct itself is the caller's (it is not
 * freed).
 * NULL: a NULL `vec` does nothing; a NULL `data` only resets the size.
 * Deleting twice is harmless, as the first call empties the vector.
 */
void wasm_extern_vec_delete(struct wasm_extern_vec_t *vec);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ----------------------------------------------------------------------- */
/* Convenience: names, vectors, value types, function types and values.      */
/* These are static inline helpers and macros, not library symbols.          */

#ifdef __cplusplus
extern "C" {
#endif

/* Names are byte vectors. */
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
/* (sic: the standard header spells it this way) */
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/**
 * Sets `*out` to a new name holding the bytes of the C string `s`, without
 * its terminating NUL. Own: delete `*out` with `wasm_name_delete`.
 * `s` is only read; it must not be NULL.
 */
static inline void wasm_name_new_from_string(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s), s);
}

/**
 * As wasm_name_new_from_string(), but the name keeps the terminating NUL
 * (the form `wasm_trap_new` messages use).
 */
static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s) + 1, s);
}

/**
 * Vector initializers for vectors that borrow storage the caller owns, e.g.
 * the arguments and results of `wasm_func_call` or the imports of
 * `wasm_instance_new`. Such a vector must not be passed to
 * `wasm_X_vec_delete`.
 *
 *     wasm_val_t args[2] = { WASM_I32_VAL(1), WASM_I32_VAL(2) };
 *     wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args);
 */
#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

/** Whether `k` is a number kind (i32, i64, f32, f64). */
static inline bool wasm_valkind_is_num(wasm_valkind_t k) {
  return k < WASM_ANYREF;
}
/** Whether `k` is a reference kind (externref, funcref). */
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) {
  return k >= WASM_ANYREF;
}
/** Whether the value type `t` (not NULL) is a number type. */
static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
/** Whether the value type `t` (not NULL) is a reference type. */
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Value types. Each returns an own value type (NULL on failure). */
static inline own wasm_valtype_t* wasm_valtype_new_i32(void) {
  return wasm_valtype_new(WASM_I32);
}
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) {
  return wasm_valtype_new(WASM_I64);
}
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) {
  return wasm_valtype_new(WASM_F32);
}
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) {
  return wasm_valtype_new(WASM_F64);
}
static inline own wasm_valtype_t* wasm_valtype_new_anyref(void) {
  return wasm_valtype_new(WASM_ANYREF);
}
static inline own wasm_valtype_t* wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

/**
 * A new function type from arrays of `np` parameter and `nr` result types
 * (either array may be NULL when its count is 0). Own: delete the result
 * with `wasm_functype_delete`. The value types are taken over (own); the
 * arrays themselves are only read. This is what the
 * `wasm_functype_new_P_R` helpers below use.
 */
static inline own wasm_functype_t* wasm_functype_new_from_arrays(
    size_t np, own wasm_valtype_t* const ps[], size_t nr, own wasm_valtype_t* const rs[]) {
  wasm_valtype_vec_t params, results;
  if (np == 0) {
    wasm_valtype_vec_new_empty(&params);
  } else {
    wasm_valtype_vec_new(&params, np, ps);
  }
  if (nr == 0) {
    wasm_valtype_vec_new_empty(&results);
  } else {
    wasm_valtype_vec_new(&results, nr, rs);
  }
  return wasm_functype_new(&params, &results);
}

/*
 * wasm_functype_new_P_R: a new function type with P parameters and R
 * results, given as own value types (taken over). Own result.
 *
 *     own wasm_functype_t* t =
 *         wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
 *                               wasm_valtype_new_i64());
 */
static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  return wasm_functype_new_from_arrays(0, NULL, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  return wasm_functype_new_from_arrays(1, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  return wasm_functype_new_from_arrays(2, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  return wasm_functype_new_from_arrays(3, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays(0, NULL, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(
    own wasm_valtype_t* p, own wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays(1, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* r) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays(2, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_1(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3,
    own wasm_valtype_t* r) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays(3, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_0_2(
    own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays(0, NULL, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_2(
    own wasm_valtype_t* p, own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays(1, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_2(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2,
    own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays(2, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_2(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3,
    own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays(3, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_0_3(
    own wasm_valtype_t* r1, own wasm_valtype_t* r2, own wasm_valtype_t* r3) {
  wasm_valtype_t* rs[3] = {r1, r2, r3};
  return wasm_functype_new_from_arrays(0, NULL, 3, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_3(
    own wasm_valtype_t* p,
    own wasm_valtype_t* r1, own wasm_valtype_t* r2, own wasm_valtype_t* r3) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[3] = {r1, r2, r3};
  return wasm_functype_new_from_arrays(1, ps, 3, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_3(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2,
    own wasm_valtype_t* r1, own wasm_valtype_t* r2, own wasm_valtype_t* r3) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[3] = {r1, r2, r3};
  return wasm_functype_new_from_arrays(2, ps, 3, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_3(
    own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3,
    own wasm_valtype_t* r1, own wasm_valtype_t* r2, own wasm_valtype_t* r3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[3] = {r1, r2, r3};
  return wasm_functype_new_from_arrays(3, ps, 3, rs);
}

/**
 * Stores the host pointer `p` in `*out` as an integer value of pointer
 * width (i32 on 32-bit hosts, i64 on 64-bit hosts); wasm_val_ptr() reads
 * it back. Nothing is owned.
 */
static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (int32_t)(intptr_t)p;
#else
  out->kind = WASM_I64;
  out->of.i64 = (int64_t)(intptr_t)p;
#endif
}

/** The host pointer stored in `val` by wasm_val_init_ptr(). */
static inline void* wasm_val_ptr(const wasm_val_t* val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void*)(intptr_t)val->of.i32;
#else
  return (void*)(intptr_t)val->of.i64;
#endif
}

/*
 * Value initializers:
 *
 *     wasm_val_t v = WASM_I32_VAL(42);
 *     wasm_val_t results[1] = { WASM_INIT_VAL };
 *
 * WASM_REF_VAL(r) holds the reference `r` (not copied: whoever deletes the
 * value deletes `r`); WASM_INIT_VAL is a null reference, a value that owns
 * nothing, for results to be written by a call.
 *
 * In C these are designated initializers (C99). C++ before C++20 has none,
 * so there they call the small constructors below instead; the macros are
 * used the same way in both languages.
 */
#ifdef __cplusplus
static inline wasm_val_t wasm_val_make_i32(int32_t i) {
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASM_I32;
  v.of.i32 = i;
  return v;
}
static inline wasm_val_t wasm_val_make_i64(int64_t i) {
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASM_I64;
  v.of.i64 = i;
  return v;
}
static inline wasm_val_t wasm_val_make_f32(wasm_float32_t z) {
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASM_F32;
  v.of.f32 = z;
  return v;
}
static inline wasm_val_t wasm_val_make_f64(wasm_float64_t z) {
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASM_F64;
  v.of.f64 = z;
  return v;
}
static inline wasm_val_t wasm_val_make_ref(wasm_ref_t* r) {
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASM_ANYREF;
  v.of.ref = r;
  return v;
}
#define WASM_I32_VAL(i) wasm_val_make_i32(i)
#define WASM_I64_VAL(i) wasm_val_make_i64(i)
#define WASM_F32_VAL(z) wasm_val_make_f32(z)
#define WASM_F64_VAL(z) wasm_val_make_f64(z)
#define WASM_REF_VAL(r) wasm_val_make_ref(r)
#define WASM_INIT_VAL wasm_val_make_ref(NULL)
#else
#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_ANYREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_ANYREF, .of = {.ref = NULL}}
#endif

#ifdef __cplusplus
}  /* extern "C" */
#endif

#ifdef WASM_H_UNDEF_OWN
#undef own
#undef WASM_H_UNDEF_OWN
#endif

#endif  /* WASM_H */
