/*
 * wasmtime_wasi.c - benchmark helper: run a WASI command module with
 * Wasmtime's C library, our comparison anchor for the wasi-rt benchmarks.
 *
 * The library is dlopen()ed at run time and no Wasmtime headers are needed:
 * the few types and prototypes used are declared below by hand, matching the
 * Wasmtime 50 C API (wasm.h, wasi.h and the wasmtime/ headers).
 *
 * Build:  cc -O2 -o wasmtime_wasi wasmtime_wasi.c -ldl
 * Usage:  wasmtime_wasi LIB MODE WASM DIR [ARGS...]
 *   LIB   path of libwasmtime.so (e.g. the `wasmtime` wheel's _libwasmtime.so)
 *   MODE  run          compile WASM with wasmtime_module_new, then run it
 *         serialize    compile WASM, write the artifact to WASM.wasmtime
 *         deserialize  load WASM.wasmtime with wasmtime_module_deserialize, run
 *   DIR   host directory preopened read-write as "." ; the guest's stdout
 *         goes to DIR/stdout.txt, its stderr is inherited
 *   ARGS  the guest's argv[1..] (argv[0] is "prog")
 * Prints load_ms=, run_ms=, total_ms= (CLOCK_MONOTONIC; engine creation and
 * dlopen excluded). Exits 0 on success (including proc_exit(0)), 1 otherwise.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Hand-written declarations of the Wasmtime 50 C API subset used ---- */
typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasi_config_t wasi_config_t;
typedef struct wasmtime_store wasmtime_store_t;
typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasmtime_linker wasmtime_linker_t;
typedef struct wasmtime_module wasmtime_module_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasmtime_val wasmtime_val_t; /* only passed as NULL here */

/* wasm.h: wasm_byte_vec_t (also wasm_name_t / wasm_message_t). */
typedef struct wasm_byte_vec_t { size_t size; char *data; } wasm_byte_vec_t;

/* wasmtime/extern.h: filled by linker_get_default, read by func_call. */
typedef struct wasmtime_func { uint64_t store_id; void *__private; } wasmtime_func_t;

/* Function pointers, resolved with dlsym by name (the field name). */
static struct {
  wasm_engine_t *(*wasm_engine_new)(void);
  void (*wasm_engine_delete)(wasm_engine_t *);
  void (*wasm_byte_vec_delete)(wasm_byte_vec_t *);
  void (*wasm_trap_message)(const wasm_trap_t *, wasm_byte_vec_t *out);
  void (*wasm_trap_delete)(wasm_trap_t *);
  void (*wasmtime_error_message)(const wasmtime_error_t *, wasm_byte_vec_t *out);
  bool (*wasmtime_error_exit_status)(const wasmtime_error_t *, int *status);
  void (*wasmtime_error_delete)(wasmtime_error_t *);
  wasmtime_store_t *(*wasmtime_store_new)(wasm_engine_t *, void *data,
                                          void (*finalizer)(void *));
  wasmtime_context_t *(*wasmtime_store_context)(wasmtime_store_t *);
  void (*wasmtime_store_delete)(wasmtime_store_t *);
  wasi_config_t *(*wasi_config_new)(void);
  void (*wasi_config_delete)(wasi_config_t *);
  bool (*wasi_config_set_argv)(wasi_config_t *, size_t argc, const char *argv[]);
  bool (*wasi_config_set_stdout_file)(wasi_config_t *, const char *path);
  void (*wasi_config_inherit_stderr)(wasi_config_t *);
  /* v50 wasi.h: a single `bool fs_mutable` (true = read+write for dirs and
   * files), not the older separate dir_perms/file_perms bitmasks. */
  bool (*wasi_config_preopen_dir)(wasi_config_t *, const char *host_path,
                                  const char *guest_path, bool fs_mutable);
  /* Takes ownership of the config, even when it returns an error. */
  wasmtime_error_t *(*wasmtime_context_set_wasi)(wasmtime_context_t *, wasi_config_t *);
  wasmtime_linker_t *(*wasmtime_linker_new)(wasm_engine_t *);
  void (*wasmtime_linker_delete)(wasmtime_linker_t *);
  wasmtime_error_t *(*wasmtime_linker_define_wasi)(wasmtime_linker_t *);
  wasmtime_error_t *(*wasmtime_linker_module)(wasmtime_linker_t *, wasmtime_context_t *,
                                              const char *name, size_t name_len,
                                              const wasmtime_module_t *);
  wasmtime_error_t *(*wasmtime_linker_get_default)(const wasmtime_linker_t *,
                                                   wasmtime_context_t *, const char *name,
                                                   size_t name_len, wasmtime_func_t *out);
  wasmtime_error_t *(*wasmtime_module_new)(wasm_engine_t *, const uint8_t *wasm,
                                           size_t len, wasmtime_module_t **out);
  wasmtime_error_t *(*wasmtime_module_serialize)(wasmtime_module_t *, wasm_byte_vec_t *out);
  wasmtime_error_t *(*wasmtime_module_deserialize)(wasm_engine_t *, const uint8_t *bytes,
                                                   size_t len, wasmtime_module_t **out);
  void (*wasmtime_module_delete)(wasmtime_module_t *);
  wasmtime_error_t *(*wasmtime_func_call)(wasmtime_context_t *, const wasmtime_func_t *,
                                          const wasmtime_val_t *args, size_t nargs,
                                          wasmtime_val_t *results, size_t nresults,
                                          wasm_trap_t **trap);
} W;

#define SYM(name) {#name, (void **)&W.name}
static const struct { const char *name; void **slot; } SYMS[] = {
    SYM(wasm_engine_new), SYM(wasm_engine_delete), SYM(wasm_byte_vec_delete),
    SYM(wasm_trap_message), SYM(wasm_trap_delete), SYM(wasmtime_error_message),
    SYM(wasmtime_error_exit_status), SYM(wasmtime_error_delete),
    SYM(wasmtime_store_new), SYM(wasmtime_store_context), SYM(wasmtime_store_delete),
    SYM(wasi_config_new), SYM(wasi_config_delete), SYM(wasi_config_set_argv),
    SYM(wasi_config_set_stdout_file), SYM(wasi_config_inherit_stderr),
    SYM(wasi_config_preopen_dir), SYM(wasmtime_context_set_wasi),
    SYM(wasmtime_linker_new), SYM(wasmtime_linker_delete),
    SYM(wasmtime_linker_define_wasi), SYM(wasmtime_linker_module),
    SYM(wasmtime_linker_get_default), SYM(wasmtime_module_new),
    SYM(wasmtime_module_serialize), SYM(wasmtime_module_deserialize),
    SYM(wasmtime_module_delete), SYM(wasmtime_func_call),
};

/* ---- Helpers ---- */
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Prints "wasmtime_wasi: WHAT: <message>" and frees the error; returns false. */
static bool fail_err(const char *what, wasmtime_error_t *err) {
  wasm_byte_vec_t msg = {0, NULL};
  W.wasmtime_error_message(err, &msg);
  fprintf(stderr, "wasmtime_wasi: %s: %.*s\n", what, (int)msg.size, msg.data);
  W.wasm_byte_vec_delete(&msg);
  W.wasmtime_error_delete(err);
  return false;
}

static bool fail(const char *what) {
  fprintf(stderr, "wasmtime_wasi: %s\n", what);
  return false;
}

/* Reads a whole file into a malloc()ed buffer. */
static bool read_file(const char *path, uint8_t **buf, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return false; }
  bool ok = fseek(f, 0, SEEK_END) == 0;
  long n = ok ? ftell(f) : -1;
  ok = n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (*buf = malloc(n ? n : 1)) != NULL &&
       fread(*buf, 1, n, f) == (size_t)n;
  if (!ok) perror(path);
  *len = ok ? (size_t)n : 0;
  fclose(f);
  return ok;
}

static bool write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) { perror(path); return false; }
  bool ok = fwrite(data, 1, len, f) == len;
  ok = (fclose(f) == 0) && ok;
  if (!ok) perror(path);
  return ok;
}

/* Instantiates `module` with WASI in a fresh store and calls its default
 * export (_start); *t_end is the time right after the call (before teardown).
 * Returns true if the guest finished with status 0. */
static bool run_module(wasm_engine_t *engine, wasmtime_module_t *module,
                       const char *dir, int nargs, char **args, double *t_end) {
  bool ok = false;
  wasmtime_linker_t *linker = NULL;
  wasmtime_error_t *err;
  wasm_trap_t *trap = NULL;
  wasmtime_store_t *store = W.wasmtime_store_new(engine, NULL, NULL);
  if (!store) return fail("wasmtime_store_new failed");
  wasmtime_context_t *ctx = W.wasmtime_store_context(store);

  /* WASI configuration: argv, stdout file, inherited stderr, preopen DIR. */
  wasi_config_t *wasi = W.wasi_config_new();
  if (!wasi) { fail("wasi_config_new failed"); goto out; }
  const char **argv = malloc((nargs + 1) * sizeof *argv);
  if (!argv) { fail("out of memory"); goto out; }
  argv[0] = "prog";
  for (int i = 0; i < nargs; i++) argv[i + 1] = args[i];
  bool cfg_ok = W.wasi_config_set_argv(wasi, nargs + 1, argv);
  free(argv);
  if (!cfg_ok) { fail("wasi_config_set_argv failed"); goto out; }
  size_t plen = strlen(dir) + sizeof "/stdout.txt";
  char *stdout_path = malloc(plen);
  if (!stdout_path) { fail("out of memory"); goto out; }
  snprintf(stdout_path, plen, "%s/stdout.txt", dir);
  cfg_ok = W.wasi_config_set_stdout_file(wasi, stdout_path);
  free(stdout_path);
  if (!cfg_ok) { fail("wasi_config_set_stdout_file failed"); goto out; }
  W.wasi_config_inherit_stderr(wasi);
  if (!W.wasi_config_preopen_dir(wasi, dir, ".", true)) {
    fail("wasi_config_preopen_dir failed");
    goto out;
  }
  err = W.wasmtime_context_set_wasi(ctx, wasi);
  wasi = NULL; /* consumed by set_wasi, even on error */
  if (err) { fail_err("wasmtime_context_set_wasi", err); goto out; }

  /* Linker with WASI preview1, instantiate as "", fetch the default export. */
  linker = W.wasmtime_linker_new(engine);
  if (!linker) { fail("wasmtime_linker_new failed"); goto out; }
  if ((err = W.wasmtime_linker_define_wasi(linker))) { fail_err("define_wasi", err); goto out; }
  if ((err = W.wasmtime_linker_module(linker, ctx, "", 0, module))) {
    fail_err("wasmtime_linker_module", err);
    goto out;
  }
  wasmtime_func_t func;
  if ((err = W.wasmtime_linker_get_default(linker, ctx, "", 0, &func))) {
    fail_err("wasmtime_linker_get_default", err);
    goto out;
  }

  /* proc_exit(n) comes back as an error carrying exit status n. */
  err = W.wasmtime_func_call(ctx, &func, NULL, 0, NULL, 0, &trap);
  *t_end = now_ms();
  if (err) {
    int status;
    if (W.wasmtime_error_exit_status(err, &status)) {
      W.wasmtime_error_delete(err);
      if (status == 0) ok = true;
      else fprintf(stderr, "wasmtime_wasi: guest exited with %d\n", status);
    } else {
      fail_err("guest error", err);
    }
  } else if (trap) {
    wasm_byte_vec_t msg = {0, NULL};
    W.wasm_trap_message(trap, &msg);
    fprintf(stderr, "wasmtime_wasi: guest trapped: %.*s\n", (int)msg.size, msg.data);
    W.wasm_byte_vec_delete(&msg);
    W.wasm_trap_delete(trap);
  } else {
    ok = true;
  }

out:
  if (wasi) W.wasi_config_delete(wasi);
  if (linker) W.wasmtime_linker_delete(linker);
  W.wasmtime_store_delete(store);
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s LIB run|serialize|deserialize WASM DIR [ARGS...]\n", argv[0]);
    return 2;
  }
  const char *lib = argv[1], *mode = argv[2], *wasm_path = argv[3], *dir = argv[4];
  bool do_run = strcmp(mode, "run") == 0, do_ser = strcmp(mode, "serialize") == 0;
  bool do_de = strcmp(mode, "deserialize") == 0;
  if (!do_run && !do_ser && !do_de) { fprintf(stderr, "unknown mode: %s\n", mode); return 2; }

  void *dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!dl) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
  for (size_t i = 0; i < sizeof SYMS / sizeof SYMS[0]; i++) {
    if (!(*SYMS[i].slot = dlsym(dl, SYMS[i].name))) {
      fprintf(stderr, "dlsym %s: %s\n", SYMS[i].name, dlerror());
      dlclose(dl);
      return 1;
    }
  }

  bool ok = false;
  uint8_t *bytes = NULL;
  size_t len = 0;
  wasmtime_module_t *module = NULL;
  wasmtime_error_t *err;
  double load_ms = 0, run_ms = 0, t0;
  size_t cpath_len = strlen(wasm_path) + sizeof ".wasmtime";
  char *cpath = malloc(cpath_len); /* WASM + ".wasmtime" */
  wasm_engine_t *engine = W.wasm_engine_new();
  if (!cpath || !engine) { fail("setup failed"); goto out; }
  snprintf(cpath, cpath_len, "%s.wasmtime", wasm_path);

  if (do_de) {
    /* load = reading the artifact + deserializing it */
    t0 = now_ms();
    if (!read_file(cpath, &bytes, &len)) goto out;
    err = W.wasmtime_module_deserialize(engine, bytes, len, &module);
    load_ms = now_ms() - t0;
    if (err) { fail_err("wasmtime_module_deserialize", err); goto out; }
  } else {
    /* load = compiling only (the file read is not timed) */
    if (!read_file(wasm_path, &bytes, &len)) goto out;
    t0 = now_ms();
    err = W.wasmtime_module_new(engine, bytes, len, &module);
    load_ms = now_ms() - t0;
    if (err) { fail_err("wasmtime_module_new", err); goto out; }
  }

  if (do_ser) {
    wasm_byte_vec_t ser = {0, NULL};
    if ((err = W.wasmtime_module_serialize(module, &ser))) {
      fail_err("wasmtime_module_serialize", err);
      goto out;
    }
    ok = write_file(cpath, ser.data, ser.size);
    W.wasm_byte_vec_delete(&ser);
  } else {
    double t_end = 0;
    t0 = now_ms();
    ok = run_module(engine, module, dir, argc - 5, argv + 5, &t_end);
    run_ms = t_end - t0;
  }
  if (ok) printf("load_ms=%.3f\nrun_ms=%.3f\ntotal_ms=%.3f\n", load_ms, run_ms, load_ms + run_ms);

out:
  if (module) W.wasmtime_module_delete(module);
  if (engine) W.wasm_engine_delete(engine);
  free(bytes);
  free(cpath);
  dlclose(dl);
  return ok ? 0 : 1;
}
