/**
 * \file wasi_rt.hh
 * C++11 classes over the wasi-rt C API (header-only; link libwasi_rt as
 * for C). Every class owns its C handle and deletes it once (move-only);
 * failures are exceptions: `wasi_rt::Error` for bad modules, links and
 * arguments, `wasi_rt::Trap` for traps (with the WASI exit status when the
 * program called `proc_exit`). A store and everything made in it must be
 * used from one thread at a time; `Engine::increment_epoch` is the one call
 * any thread may make.
 *
 *     wasi_rt::Engine engine;
 *     wasi_rt::Store store(engine);
 *     wasi_rt::Module module(store, "(module (func (export \"add\") ...))");
 *     wasi_rt::Instance instance(store, module);
 *     int32_t sum = instance.func("add").call({wasi_rt::Val::i32(1), wasi_rt::Val::i32(2)})[0].i32();
 */
#ifndef WASI_RT_HH
#define WASI_RT_HH

#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "wasi_rt.h"

namespace wasi_rt {

/** A module that does not compile, a failed link, or a bad argument. */
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

namespace detail {

/** The contents of an own byte vector, which is deleted; a trailing NUL is dropped. */
inline std::string take(wasm_byte_vec_t* v) {
  std::string s(v->data ? v->data : "", v->size);
  wasm_byte_vec_delete(v);
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

/** Throws Error for an own `wasi_rt_error_t*` that is not NULL. */
inline void check(wasi_rt_error_t* e) {
  if (!e) return;
  wasm_byte_vec_t m;
  wasi_rt_error_message(e, &m);
  wasi_rt_error_delete(e);
  throw Error(take(&m));
}

/** An own byte vector holding a copy of `s`. */
inline wasm_byte_vec_t bytes(const std::string& s) {
  wasm_byte_vec_t v;
  wasm_byte_vec_new(&v, s.size(), s.data());
  return v;
}

template <class T, void (*Delete)(T*)>
struct Deleter {
  void operator()(T* p) const { Delete(p); }
};

template <class T, void (*Delete)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Delete>>;

}  // namespace detail

/** A trap: its message, its `WASI_RT_TRAP_*` code (Wasm traps only), and
 *  whether it is a WASI `proc_exit` (then `exit_status()` is the status).
 *  A Trap thrown by a host function written with `Linker::define_func`
 *  passes through the guest unchanged (exit status and code included). */
class Trap : public std::runtime_error {
 public:
  /** Takes over `trap` (own). */
  explicit Trap(wasm_trap_t* trap)
      : std::runtime_error(message_of(trap)), trap_(trap, wasm_trap_delete) {
    has_code_ = wasi_rt_trap_code(trap, &code_);
    int32_t status = 0;
    is_exit_ = wasi_rt_trap_exit_status(trap, &status);
    status_ = status;
  }
  bool has_code() const { return has_code_; }
  /** The `WASI_RT_TRAP_*` code, or `NO_CODE` for host traps and exits. */
  uint8_t code() const { return has_code_ ? code_ : NO_CODE; }
  static const uint8_t NO_CODE = 0xFF;
  bool is_exit() const { return is_exit_; }
  int32_t exit_status() const { return status_; }
  /** The C trap (still owned by this object). */
  const wasm_trap_t* get() const { return trap_.get(); }

 private:
  static std::string message_of(wasm_trap_t* trap) {
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    return detail::take(&m);
  }
  std::shared_ptr<wasm_trap_t> trap_;
  bool has_code_ = false;
  uint8_t code_ = 0;
  bool is_exit_ = false;
  int32_t status_ = 0;
};

class AnyRef;

/** A value: a number (i32, i64, f32, f64) or an `anyref` (a struct, an
 *  array or an i31 of the GC proposal, or null), which the Val keeps alive
 *  (copies share it). */
class Val {
 public:
  static Val i32(int32_t v) { return Val(WASM_I32_VAL(v)); }
  static Val i64(int64_t v) { return Val(WASM_I64_VAL(v)); }
  static Val f32(float v) { return Val(WASM_F32_VAL(v)); }
  static Val f64(double v) { return Val(WASM_F64_VAL(v)); }
  /** A null `anyref`. */
  static Val null_anyref() {
    wasm_val_t v;
    v.kind = WASI_RT_ANYREF;
    v.of.ref = nullptr;
    return Val(v);
  }
  inline static Val anyref(const AnyRef& r);
  /** A number, or a reference borrowed from its owner. */
  explicit Val(const wasm_val_t& raw) : raw_(raw) {}
  /** Takes over `raw` (own; a reference in it is deleted with the last copy). */
  static Val take(const wasm_val_t& raw) {
    Val v(raw);
    if (raw.kind >= WASM_EXTERNREF && raw.of.ref) v.owner_.reset(raw.of.ref, wasm_ref_delete);
    return v;
  }
  wasm_valkind_t kind() const { return raw_.kind; }
  /** The value; Error when it is of another kind. */
  int32_t i32() const { return expect(WASM_I32).of.i32; }
  int64_t i64() const { return expect(WASM_I64).of.i64; }
  float f32() const { return expect(WASM_F32).of.f32; }
  double f64() const { return expect(WASM_F64).of.f64; }
  /** The `anyref`; Error when this is another kind or null. */
  inline AnyRef anyref() const;
  bool is_null() const { return raw_.kind >= WASM_EXTERNREF && !raw_.of.ref; }
  const wasm_val_t& raw() const { return raw_; }

 private:
  const wasm_val_t& expect(wasm_valkind_t k) const {
    if (raw_.kind != k) throw Error("wasi_rt::Val holds another kind of value");
    return raw_;
  }
  wasm_val_t raw_;
  std::shared_ptr<wasm_ref_t> owner_;
};

/** A garbage-collected value (struct, array or i31) that stays alive while
 *  this handle (or a copy, or a Val holding it) exists. */
class AnyRef {
 public:
  /** Takes over `ref` (own, kind `WASI_RT_ANYREF`). */
  explicit AnyRef(wasm_ref_t* ref) : ref_(ref, wasm_ref_delete) {
    if (!ref) throw Error("wasi_rt::AnyRef of a null reference");
  }
  /** An i31 holding the low 31 bits of `value`. */
  static AnyRef i31(wasm_store_t* store, int32_t value) { return AnyRef(wasi_rt_i31_new(store, value)); }
  /** A new struct of `type` (from `Engine::register_struct`). */
  static AnyRef new_struct(wasm_store_t* store, uint32_t type, const std::vector<Val>& fields) {
    std::vector<wasm_val_t> raw;
    for (const Val& f : fields) raw.push_back(f.raw());
    wasm_ref_t* r = nullptr;
    detail::check(wasi_rt_struct_new(store, type, raw.data(), raw.size(), &r));
    return AnyRef(r);
  }
  /** A new array of `type` with `len` copies of `init`. */
  static AnyRef new_array(wasm_store_t* store, uint32_t type, const Val& init, uint32_t len) {
    wasm_ref_t* r = nullptr;
    detail::check(wasi_rt_array_new(store, type, &init.raw(), len, &r));
    return AnyRef(r);
  }
  bool is_struct() const { return wasi_rt_ref_is_struct(ref_.get()); }
  bool is_array() const { return wasi_rt_ref_is_array(ref_.get()); }
  /** Whether this is an i31; its value (sign- or zero-extended) in `*out`. */
  bool i31(bool sign_extend, int32_t* out) const {
    return wasi_rt_ref_i31_get(ref_.get(), sign_extend, out);
  }
  /** Field `index` of a struct (packed fields zero-extended). */
  Val field(uint32_t index) const {
    wasm_val_t v;
    detail::check(wasi_rt_struct_get(ref_.get(), index, &v));
    return Val::take(v);
  }
  void set_field(uint32_t index, const Val& v) {
    detail::check(wasi_rt_struct_set(ref_.get(), index, &v.raw()));
  }
  uint32_t array_len() const {
    uint32_t n = 0;
    detail::check(wasi_rt_array_len(ref_.get(), &n));
    return n;
  }
  Val array_get(uint32_t index) const {
    wasm_val_t v;
    detail::check(wasi_rt_array_get(ref_.get(), index, &v));
    return Val::take(v);
  }
  void array_set(uint32_t index, const Val& v) {
    detail::check(wasi_rt_array_set(ref_.get(), index, &v.raw()));
  }
  wasm_ref_t* get() const { return ref_.get(); }

 private:
  std::shared_ptr<wasm_ref_t> ref_;
};

inline Val Val::anyref(const AnyRef& r) {
  wasm_val_t v;
  v.kind = WASI_RT_ANYREF;
  v.of.ref = r.get();
  return Val(v);
}

inline AnyRef Val::anyref() const {
  if (raw_.kind != WASI_RT_ANYREF || !raw_.of.ref) throw Error("wasi_rt::Val holds no anyref");
  return AnyRef(wasm_ref_copy(raw_.of.ref));
}

/** Engine settings. */
class Config {
 public:
  Config() : config_(wasm_config_new()) {}
  /** Compile epoch checks into the code (see `Store::set_epoch_deadline`). */
  Config& epoch_interruption(bool enable) {
    wasi_rt_engine_config_epoch_interruption(config_.get(), enable);
    return *this;
  }
  /** Stack Wasm may use below the call that entered it, in bytes (default
   *  512 KiB; never more than the calling thread has left, less 64 KiB). */
  Config& max_wasm_stack(size_t bytes) {
    wasi_rt_engine_config_max_wasm_stack(config_.get(), bytes);
    return *this;
  }
  /** Largest function body compiled, in bytes (default 7,654,321). */
  Config& max_function_size(size_t bytes) {
    wasi_rt_engine_config_max_function_size(config_.get(), bytes);
    return *this;
  }
  /** Longest a module may take to compile (UINT64_MAX: no limit). */
  Config& max_compile_time_ms(uint64_t millis) {
    wasi_rt_engine_config_max_compile_time_ms(config_.get(), millis);
    return *this;
  }
  /** Switches a Wasm feature ("simd", "multi_memory", "extended_const",
   *  "tail_call", "relaxed_simd", "function_references", "exceptions",
   *  "legacy_exceptions", "memory64", "custom_page_sizes", "threads",
   *  "wide_arithmetic", "gc") on or off;
   *  throws Error for an unknown name. */
  Config& wasm_feature(const std::string& name, bool enable) {
    if (!wasi_rt_engine_config_wasm_feature(config_.get(), name.c_str(), enable))
      throw Error("unknown Wasm feature " + name);
    return *this;
  }
  /** Describes compiled functions to a profiler: "perfmap" (writes
   *  /tmp/perf-PID.map for `perf report`), "jitdump" (writes
   *  /tmp/jit-PID.dump, with the machine code, for `perf inject --jit`) or
   *  "none"; throws Error for another name. */
  Config& profiler(const std::string& name) {
    if (!wasi_rt_engine_config_profiler(config_.get(), name.c_str())) throw Error("unknown profiler " + name);
    return *this;
  }
  /** Compile each function on its first call (module creation only
   *  validates), with `background` threads compiling the rest (default:
   *  off, unless WASI_RT_LAZY_COMPILATION=1; background on). */
  Config& lazy_compilation(bool enable, bool background = true) {
    wasi_rt_engine_config_lazy_compilation(config_.get(), enable, background);
    return *this;
  }
  /** Load and save compiled code in the on-disk code cache, in
   *  `directory` (empty: the user's cache directory), at most `max_size`
   *  bytes (0: 1 GiB). */
  Config& cache(const std::string& directory = "", uint64_t max_size = 0) {
    if (!wasi_rt_engine_config_cache(config_.get(), directory.empty() ? nullptr : directory.c_str(), max_size))
      throw Error("bad cache directory " + directory);
    return *this;
  }
  /** Size limit of each store's GC heap, in bytes (default 1 GiB). */
  Config& gc_heap_limit(uint64_t bytes) {
    wasi_rt_engine_config_gc_heap_limit(config_.get(), bytes);
    return *this;
  }
  /** Hands the configuration over (to `Engine`). */
  wasm_config_t* release() { return config_.release(); }

 private:
  detail::Owned<wasm_config_t, wasm_config_delete> config_;
};

/** A compilation environment, shared by stores and modules. */
class Engine {
 public:
  Engine() : engine_(wasm_engine_new()) { ok(); }
  /** An engine with `config`, which is taken over (left empty). */
  explicit Engine(Config& config) : engine_(wasm_engine_new_with_config(config.release())) { ok(); }
  explicit Engine(Config&& config) : Engine(config) {}
  /** Advances the epoch by one; safe from any thread. */
  void increment_epoch() const { wasi_rt_engine_increment_epoch(engine_.get()); }
  /** Registers a struct type; returns its type index (equal to the same
   *  type declared by any module of this engine). */
  uint32_t register_struct(const std::vector<wasi_rt_fieldtype_t>& fields) const {
    uint32_t t = 0;
    detail::check(wasi_rt_engine_register_struct(engine_.get(), fields.data(), fields.size(), &t));
    return t;
  }
  /** Registers an array type of `element`. */
  uint32_t register_array(const wasi_rt_fieldtype_t& element) const {
    uint32_t t = 0;
    detail::check(wasi_rt_engine_register_array(engine_.get(), &element, &t));
    return t;
  }
  wasm_engine_t* get() const { return engine_.get(); }

 private:
  void ok() const {
    if (!engine_) throw Error("cannot create an engine for this CPU");
  }
  detail::Owned<wasm_engine_t, wasm_engine_delete> engine_;
};

/** Owns instances and everything made in them. A `Linker` keeps the
 *  store's handle alive; instances, functions and memories must not be
 *  used after the Store (and its Linkers) are gone. */
class Store {
 public:
  explicit Store(const Engine& engine) : store_(wasm_store_new(engine.get()), wasm_store_delete) {
    if (!store_) throw Error("cannot create a store");
  }
  /** Code in this store traps once the engine's epoch is `ticks` further. */
  void set_epoch_deadline(uint64_t ticks) { wasi_rt_store_set_epoch_deadline(store_.get(), ticks); }
  /** Caps the bytes all memories and tables of the store hold together
   *  (a table element counts 8 bytes; UINT64_MAX: none). */
  void limit_memory(uint64_t max_bytes) { wasi_rt_store_limit_memory(store_.get(), max_bytes); }
  /** Collects garbage now. */
  void gc() { wasi_rt_store_gc(store_.get()); }
  /** The GC counters. */
  wasi_rt_gc_stats_t gc_stats() const {
    wasi_rt_gc_stats_t s = {0, 0, 0, 0, 0};
    wasi_rt_store_gc_stats(store_.get(), &s);
    return s;
  }
  /** Size limit of this store's GC heap (before its first allocation). */
  void set_gc_heap_limit(uint64_t bytes) {
    detail::check(wasi_rt_store_set_gc_heap_limit(store_.get(), bytes));
  }
  wasm_store_t* get() const { return store_.get(); }
  /** A shared reference to the handle (what a Linker keeps). */
  std::shared_ptr<wasm_store_t> share() const { return store_; }

 private:
  std::shared_ptr<wasm_store_t> store_;
};

/** A compiled module, from the binary or the text format. */
class Module {
 public:
  Module(Store& store, const std::string& binary_or_text) {
    wasm_byte_vec_t v = detail::bytes(binary_or_text);
    module_.reset(wasm_module_new(store.get(), &v));
    wasm_byte_vec_delete(&v);
    if (!module_) throw Error("the module is malformed or invalid");
    load_names();
  }
  /** Compiles for `engine`; a refused module throws Error with the reason
   *  (malformed or invalid, a feature switched off, a limit). */
  Module(const Engine& engine, const std::string& binary_or_text) {
    wasm_byte_vec_t v = detail::bytes(binary_or_text);
    wasm_module_t* m = nullptr;
    wasi_rt_error_t* e = wasi_rt_module_new(engine.get(), &v, &m);
    wasm_byte_vec_delete(&v);
    detail::check(e);
    module_.reset(m);
    load_names();
  }
  /** Loads `Module::precompile` output without compiling. The machine code
   *  inside runs as it is: only for bytes from storage nobody else can write. */
  static Module from_precompiled(Store& store, const std::string& bytes) {
    wasm_byte_vec_t v = detail::bytes(bytes);
    wasm_module_t* m = nullptr;
    wasi_rt_error_t* e = wasi_rt_module_from_precompiled(store.get(), &v, &m);
    wasm_byte_vec_delete(&v);
    detail::check(e);
    return Module(m);
  }
  /** The machine code of a module, for `from_precompiled`. */
  static std::string precompile(const Engine& engine, const std::string& binary_or_text) {
    wasm_byte_vec_t in = detail::bytes(binary_or_text);
    wasm_byte_vec_t out = {0, nullptr};
    wasi_rt_error_t* e = wasi_rt_module_precompile(engine.get(), &in, &out);
    wasm_byte_vec_delete(&in);
    detail::check(e);
    std::string s(out.data ? out.data : "", out.size);
    wasm_byte_vec_delete(&out);
    return s;
  }
  /** Export names, in order. */
  const std::vector<std::string>& export_names() const { return names_; }
  /** How many defined functions have machine code, and how many there
   *  are (equal unless the engine compiles lazily). */
  std::pair<size_t, size_t> compiled_functions() const {
    size_t compiled = 0, total = 0;
    wasi_rt_module_compiled_functions(module_.get(), &compiled, &total);
    return {compiled, total};
  }
  /** Compiles every function that has no machine code yet; throws Error
   *  if one cannot be compiled. */
  void compile_all() const { detail::check(wasi_rt_module_compile_all(module_.get())); }
  /** Saves what has been compiled to the engine's code cache if it grew;
   *  whether it wrote. Throws Error if the entry cannot be written. */
  bool update_cache() const {
    bool wrote = false;
    detail::check(wasi_rt_module_update_cache(module_.get(), &wrote));
    return wrote;
  }
  /** Whether the machine code came from the engine's code cache. */
  bool loaded_from_cache() const { return wasi_rt_module_loaded_from_cache(module_.get()); }
  const wasm_module_t* get() const { return module_.get(); }

 private:
  explicit Module(wasm_module_t* m) : module_(m) { load_names(); }
  void load_names() {
    wasm_exporttype_vec_t exports;
    wasm_module_exports(module_.get(), &exports);
    for (size_t i = 0; i < exports.size; i++) {
      const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
      names_.emplace_back(n->data ? n->data : "", n->size);
    }
    wasm_exporttype_vec_delete(&exports);
  }
  detail::Owned<wasm_module_t, wasm_module_delete> module_;
  std::vector<std::string> names_;
};

/** A function of an instance (valid while the instance lives). Only
 *  functions whose parameters and results are numbers or `anyref`s (and
 *  other types of the `any` hierarchy) can be called. */
class Func {
 public:
  explicit Func(const wasm_func_t* f) : func_(f) {
    wasm_functype_t* ty = wasm_func_type(f);
    const wasm_valtype_vec_t* vecs[2] = {wasm_functype_params(ty), wasm_functype_results(ty)};
    for (const wasm_valtype_vec_t* v : vecs)
      for (size_t i = 0; i < v->size; i++)
        if (wasm_valtype_kind(v->data[i]) > WASM_F64 && wasm_valtype_kind(v->data[i]) != WASI_RT_ANYREF)
          numbers_only_ = false;
    wasm_functype_delete(ty);
  }
  /** Calls with `args`; returns the results. Throws Trap, also for a wrong
   *  argument count or kind (its message then starts with "type error"). */
  std::vector<Val> call(std::initializer_list<Val> args) const {
    return call(std::vector<Val>(args));
  }
  std::vector<Val> call(const std::vector<Val>& args) const {
    if (!numbers_only_) throw Error("wasi_rt::Func calls functions of numbers and anyrefs only");
    std::vector<wasm_val_t> in;
    for (const Val& a : args) in.push_back(a.raw());
    std::vector<wasm_val_t> out(wasm_func_result_arity(func_));
    for (wasm_val_t& r : out) r = WASM_I32_VAL(0);
    wasm_val_vec_t in_vec = {in.size(), in.data()};
    wasm_val_vec_t out_vec = {out.size(), out.data()};
    if (wasm_trap_t* trap = wasm_func_call(func_, &in_vec, &out_vec)) throw Trap(trap);
    std::vector<Val> results;
    for (const wasm_val_t& r : out) results.push_back(Val::take(r));
    return results;
  }
  const wasm_func_t* get() const { return func_; }

 private:
  const wasm_func_t* func_;
  bool numbers_only_ = true;
};

/** A linear memory of an instance (valid while the instance lives). */
class Memory {
 public:
  explicit Memory(wasm_memory_t* m) : memory_(m) {}
  uint8_t* data() const { return reinterpret_cast<uint8_t*>(wasm_memory_data(memory_)); }
  size_t data_size() const { return wasm_memory_data_size(memory_); }
  /** Size in pages (64 KiB, or 1 byte for a `(pagesize 1)` memory);
   *  UINT32_MAX when larger: see size64(). */
  uint32_t size() const { return wasm_memory_size(memory_); }
  /** Grows by `pages`; false beyond the maximum or the store's limit. */
  bool grow(uint32_t pages) { return wasm_memory_grow(memory_, pages); }
  /** Size in pages, whole (for 64-bit memories). */
  uint64_t size64() const { return wasi_rt_memory_size64(memory_); }
  /** Grows by `pages`, whole; false beyond the maximum or the store's limit. */
  bool grow64(uint64_t pages) { return wasi_rt_memory_grow64(memory_, pages, nullptr); }
  /** Whether the memory is addressed with i64 (memory64). */
  bool is64() const { return type_query(wasi_rt_memorytype_is64); }
  /** Whether the memory is shared between threads. */
  bool shared() const { return type_query(wasi_rt_memorytype_isshared); }
  /** Bytes in one page: 65536, or 1. */
  uint64_t page_size() const {
    return uint64_t(1) << type_query(wasi_rt_memorytype_page_size_log2);
  }

 private:
  template <class R>
  R type_query(R (*query)(const wasm_memorytype_t*)) const {
    detail::Owned<wasm_memorytype_t, wasm_memorytype_delete> ty(wasm_memory_type(memory_));
    return query(ty.get());
  }
  wasm_memory_t* memory_;
};

/** A memory shared between threads: give each thread its own Store and
 *  Linker, and define the same SharedMemory in each (`define_memory`);
 *  copies are handles to the same memory. */
class SharedMemory {
 public:
  /** A shared memory of `min` pages, at most `max` (64 KiB pages); a
   *  64-bit one with `is64`. Throws Error beyond the engine's limits. */
  SharedMemory(const Engine& engine, uint64_t min, uint64_t max, bool is64 = false) {
    wasm_memorytype_t* ty = nullptr;
    detail::check(wasi_rt_memorytype_new(min, true, max, is64, true, 16, &ty));
    wasi_rt_sharedmemory_t* m = nullptr;
    wasi_rt_error_t* e = wasi_rt_sharedmemory_new(engine.get(), ty, &m);
    wasm_memorytype_delete(ty);
    detail::check(e);
    memory_.reset(m);
  }
  SharedMemory(const SharedMemory& other) : memory_(wasi_rt_sharedmemory_clone(other.get())) {}
  SharedMemory& operator=(const SharedMemory& other) {
    memory_.reset(wasi_rt_sharedmemory_clone(other.get()));
    return *this;
  }
  SharedMemory(SharedMemory&&) noexcept = default;
  SharedMemory& operator=(SharedMemory&&) noexcept = default;
  /** Size in pages. */
  uint64_t size() const { return wasi_rt_sharedmemory_size(get()); }
  size_t data_size() const { return wasi_rt_sharedmemory_data_size(get()); }
  /** The bytes; other threads may change them at any time. */
  uint8_t* data() const { return reinterpret_cast<uint8_t*>(wasi_rt_sharedmemory_data(get())); }
  /** Grows by `pages`; false beyond the maximum. */
  bool grow(uint64_t pages) const { return wasi_rt_sharedmemory_grow(get(), pages, nullptr); }
  const wasi_rt_sharedmemory_t* get() const { return memory_.get(); }

 private:
  detail::Owned<wasi_rt_sharedmemory_t, wasi_rt_sharedmemory_delete> memory_;
};

/** An instance of a module, with its exports. */
class Instance {
 public:
  /** Instantiates a module without imports; throws Trap or Error. */
  Instance(Store& store, const Module& module) {
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* i = wasm_instance_new(store.get(), module.get(), &imports, &trap);
    if (!i) {
      if (!trap) throw Error("cannot instantiate the module");
      Trap t(trap);
      // Link and limit failures come back as traps from the C API.
      const std::string what = t.what();
      if (what.compare(0, 11, "link error:") == 0 || what.compare(0, 15, "limit exceeded:") == 0)
        throw Error(what);
      throw t;
    }
    adopt(i, module);
  }
  Instance(Instance&& other) noexcept
      : instance_(std::move(other.instance_)), exports_(other.exports_), names_(std::move(other.names_)) {
    other.exports_ = {0, nullptr};
  }
  Instance& operator=(Instance&&) = delete;
  Instance(const Instance&) = delete;
  ~Instance() { wasm_extern_vec_delete(&exports_); }

  /** The exported function `name`; Error when there is none. */
  Func func(const std::string& name) const {
    const wasm_func_t* f = wasm_extern_as_func(find(name));
    if (!f) throw Error("export " + name + " is not a function");
    return Func(f);
  }
  /** The exported memory `name`; Error when there is none. */
  Memory memory(const std::string& name) const {
    wasm_memory_t* m = wasm_extern_as_memory(find(name));
    if (!m) throw Error("export " + name + " is not a memory");
    return Memory(m);
  }

 private:
  friend class Linker;
  Instance(wasm_instance_t* i, const Module& module) { adopt(i, module); }
  void adopt(wasm_instance_t* i, const Module& module) {
    instance_.reset(i);
    wasm_instance_exports(i, &exports_);
    names_ = module.export_names();
  }
  wasm_extern_t* find(const std::string& name) const {
    for (size_t k = 0; k < names_.size() && k < exports_.size; k++)
      if (names_[k] == name) return exports_.data[k];
    throw Error("no export named " + name);
  }
  detail::Owned<wasm_instance_t, wasm_instance_delete> instance_;
  wasm_extern_vec_t exports_ = {0, nullptr};
  std::vector<std::string> names_;
};

/** A WASI program's captured stdout or stderr (see
 *  `WasiConfig::capture_stdout`); it fills as the program writes. */
class Output {
 public:
  /** Everything written so far. */
  std::string contents() const {
    wasm_byte_vec_t v;
    wasi_rt_output_contents(output_.get(), &v);
    std::string s(v.data ? v.data : "", v.size);
    wasm_byte_vec_delete(&v);
    return s;
  }
  /** Whether the program wrote more than the capture's limit (output lost). */
  bool overflowed() const { return wasi_rt_output_overflowed(output_.get()); }

 private:
  friend class WasiConfig;
  explicit Output(wasi_rt_output_t* o) : output_(o) {
    if (!output_) throw Error("cannot capture output");
  }
  detail::Owned<wasi_rt_output_t, wasi_rt_output_delete> output_;
};

/** WASI settings: by default no arguments, no environment, no stdin,
 *  discarded output, no directories. */
class WasiConfig {
 public:
  WasiConfig() : config_(wasi_config_new()) {}
  WasiConfig& argv(const std::vector<std::string>& args) {
    std::vector<const char*> p;
    for (const std::string& a : args) p.push_back(a.c_str());
    if (!wasi_config_set_argv(config_.get(), p.size(), p.data())) throw Error("bad argument");
    return *this;
  }
  WasiConfig& env(const std::vector<std::pair<std::string, std::string>>& vars) {
    std::vector<const char*> names, values;
    for (const auto& kv : vars) {
      names.push_back(kv.first.c_str());
      values.push_back(kv.second.c_str());
    }
    if (!wasi_config_set_env(config_.get(), names.size(), names.data(), values.data()))
      throw Error("bad environment variable");
    return *this;
  }
  WasiConfig& inherit_stdio() {
    wasi_config_inherit_stdin(config_.get());
    wasi_config_inherit_stdout(config_.get());
    wasi_config_inherit_stderr(config_.get());
    return *this;
  }
  /** Serves wasi-threads programs (on by default); off, linking one fails. */
  WasiConfig& wasi_threads(bool enable) {
    wasi_rt_config_wasi_threads(config_.get(), enable);
    return *this;
  }
  /** Keeps stdout in memory, at most `max_bytes` of it (SIZE_MAX: all);
   *  past the limit the program's writes fail and `Output::overflowed`
   *  turns true. */
  Output capture_stdout(size_t max_bytes = SIZE_MAX) {
    Output o(wasi_rt_config_capture_stdout(config_.get()));
    wasi_rt_output_limit(o.output_.get(), max_bytes);
    return o;
  }
  /** Keeps stderr in memory, as `capture_stdout`. */
  Output capture_stderr(size_t max_bytes = SIZE_MAX) {
    Output o(wasi_rt_config_capture_stderr(config_.get()));
    wasi_rt_output_limit(o.output_.get(), max_bytes);
    return o;
  }
  /** Grants `host` as `guest`, read-write or read-only. */
  WasiConfig& preopen_dir(const std::string& host, const std::string& guest, bool writable) {
    if (!wasi_config_preopen_dir(config_.get(), host.c_str(), guest.c_str(), writable))
      throw Error("cannot open directory " + host);
    return *this;
  }
  /** Hands the configuration over (to `Linker::define_wasi`). */
  wasi_config_t* release() { return config_.release(); }

 private:
  detail::Owned<wasi_config_t, wasi_config_delete> config_;
};

/** Resolves imports by name: host functions written in C++, other
 *  instances, WASI. */
class Linker {
 public:
  /** A host function: reads `args`, returns the results. An exception it
   *  throws traps the Wasm caller with the exception's message. */
  using Callback = std::function<std::vector<Val>(const std::vector<Val>&)>;

  explicit Linker(Store& store) : store_(store.share()), linker_(wasi_rt_linker_new(store.get())) {
    if (!linker_) throw Error("cannot create a linker");
  }
  /** Defines `module::name` as `fn`, of the given parameter and result kinds. */
  void define_func(const std::string& module, const std::string& name,
                   const std::vector<wasm_valkind_t>& params, const std::vector<wasm_valkind_t>& results,
                   Callback fn) {
    for (wasm_valkind_t k : params)
      if (k > WASM_F64) throw Error("host functions take numbers only (" + name + ")");
    for (wasm_valkind_t k : results)
      if (k > WASM_F64) throw Error("host functions return numbers only (" + name + ")");
    wasm_valtype_vec_t ps = kinds(params);
    wasm_valtype_vec_t rs = kinds(results);
    wasm_functype_t* ty = wasm_functype_new(&ps, &rs);  // takes both vectors
    if (!ty) throw Error("cannot make the type of host function " + name);
    Host* host = new Host{std::move(fn), results.size()};
    // On failure the runtime has already called the finalizer (deleting host).
    wasm_func_t* f = wasm_func_new_with_env(store_.get(), ty, &Linker::trampoline, host, &Linker::finalize);
    wasm_functype_delete(ty);
    if (!f) throw Error("cannot create host function " + name);
    wasi_rt_error_t* e = wasi_rt_linker_define(linker_.get(), module.c_str(), name.c_str(), wasm_func_as_extern(f));
    wasm_func_delete(f);
    detail::check(e);
  }
  /** Defines `module::name` as this store's handle to `memory`. */
  void define_memory(const std::string& module, const std::string& name, const SharedMemory& memory) {
    wasm_memory_t* m = wasi_rt_sharedmemory_to_memory(store_.get(), memory.get());
    if (!m) throw Error("cannot use the shared memory in this store");
    wasi_rt_error_t* e = wasi_rt_linker_define(linker_.get(), module.c_str(), name.c_str(), wasm_memory_as_extern(m));
    wasm_memory_delete(m);
    detail::check(e);
  }
  /** Serves WASI imports with `config`, which is taken over (left empty). */
  void define_wasi(WasiConfig& config) {
    detail::check(wasi_rt_linker_define_wasi(linker_.get(), config.release()));
  }
  void define_wasi(WasiConfig&& config) { define_wasi(config); }
  /** A new instance with imports resolved by name (reactors initialised). */
  Instance instantiate(const Module& module) {
    wasm_instance_t* i = nullptr;
    wasm_trap_t* trap = nullptr;
    detail::check(wasi_rt_linker_instantiate(linker_.get(), module.get(), &i, &trap));
    if (trap) throw Trap(trap);
    return Instance(i, module);
  }
  /** Runs a WASI command; returns its exit code. Throws Trap or Error. */
  int32_t run(const Module& module) {
    int32_t code = 0;
    wasm_trap_t* trap = nullptr;
    detail::check(wasi_rt_linker_run(linker_.get(), module.get(), &code, &trap));
    if (trap) throw Trap(trap);
    return code;
  }

 private:
  struct Host {
    Callback fn;
    size_t results;
  };
  /** An own vector of value types of the kinds `ks`. */
  static wasm_valtype_vec_t kinds(const std::vector<wasm_valkind_t>& ks) {
    std::vector<wasm_valtype_t*> types;
    for (wasm_valkind_t k : ks) types.push_back(wasm_valtype_new(k));
    wasm_valtype_vec_t v;
    wasm_valtype_vec_new(&v, types.size(), types.data());
    return v;
  }
  /** A new trap with `msg`. Traps made here belong to a private store
   *  (any store's trap may be returned), so a host function never needs a
   *  store that might be gone. */
  static wasm_trap_t* trap_with(const std::string& msg) {
    // Kept for the whole process (reachable, so not reported as leaks).
    static wasm_engine_t* const engine = wasm_engine_new();
    static wasm_store_t* const traps = wasm_store_new(engine);
    wasm_message_t m;
    wasm_byte_vec_new(&m, msg.size(), msg.data());
    wasm_trap_t* trap = wasm_trap_new(traps, &m);
    wasm_byte_vec_delete(&m);
    return trap;
  }
  static wasm_trap_t* trampoline(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
    Host* host = static_cast<Host*>(env);
    try {
      std::vector<Val> in;
      for (size_t i = 0; i < args->size; i++) in.emplace_back(args->data[i]);
      std::vector<Val> out = host->fn(in);
      if (out.size() != host->results) throw Error("host function returned the wrong number of results");
      for (size_t i = 0; i < out.size(); i++) results->data[i] = out[i].raw();
      return nullptr;
    } catch (const Trap& t) {
      // A guest trap (or WASI exit) from a nested call: passed on as it is.
      return wasm_trap_copy(t.get());
    } catch (const std::exception& e) {
      return trap_with(std::string("C++ host function threw: ") + e.what());
    } catch (...) {
      // No exception may unwind into the runtime's frames.
      return trap_with("C++ host function threw a non-std::exception");
    }
  }
  static void finalize(void* env) { delete static_cast<Host*>(env); }

  std::shared_ptr<wasm_store_t> store_;
  detail::Owned<wasi_rt_linker_t, wasi_rt_linker_delete> linker_;
};

}  // namespace wasi_rt

#endif  // WASI_RT_HH
