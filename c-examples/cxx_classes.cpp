// The C++ classes of wasi_rt.hh: a module called with values, a host
// function written as a lambda, a trap and a host exception as C++
// exceptions, a WASI command run with its exit code, and precompiled code.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <thread>
#include <vector>

#include "wasi_rt.hh"

using wasi_rt::Val;

static const char* kPlugin = R"((module
  (import "host" "scale" (func $scale (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hi")
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "scaled") (param i32) (result i32) (call $scale (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
)";

static const char* kCommand = R"((module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7))))
)";

static const char* kExiter = R"((module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "quit") (call $exit (i32.const 3))))
)";

static const char* kCaller = R"((module
  (import "host" "quit" (func $quit))
  (func (export "go") (call $quit)))
)";

static const char* kTalker = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "0123456789")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 10))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
)";

static const char* kMem64 = R"((module
  (memory (export "memory") i64 2)
  (func (export "peek") (param i64) (result i32) (i32.load8_u (local.get 0))))
)";

static const char* kCounter = R"((module
  (import "env" "mem" (memory 1 1 shared))
  (func (export "add_many") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
)";

static const char* kRecurse = R"((module
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))
)";

int main() {
  wasi_rt::Engine engine;
  wasi_rt::Store store(engine);
  wasi_rt::Linker linker(store);
  int factor = 3;
  linker.define_func("host", "scale", {WASM_I32}, {WASM_I32}, [&](const std::vector<Val>& args) {
    if (args[0].i32() < 0) throw std::runtime_error("negative input");
    return std::vector<Val>{Val::i32(args[0].i32() * factor)};
  });
  wasi_rt::Module module(store, kPlugin);
  wasi_rt::Instance plugin = linker.instantiate(module);

  std::printf("add(2, 40) = %d\n", plugin.func("add").call({Val::i32(2), Val::i32(40)})[0].i32());
  std::printf("scaled(14) = %d\n", plugin.func("scaled").call({Val::i32(14)})[0].i32());
  wasi_rt::Memory memory = plugin.memory("memory");
  std::printf("memory: %u page(s), starts with %c%c\n", memory.size(), memory.data()[0], memory.data()[1]);

  // A 64-bit memory: i64 addresses, whole sizes, out-of-bounds traps.
  wasi_rt::Instance mem64(store, wasi_rt::Module(store, kMem64));
  wasi_rt::Memory big = mem64.memory("memory");
  big.grow64(1);
  std::printf("memory64: is64=%d, %llu pages of %llu bytes\n", big.is64(),
              static_cast<unsigned long long>(big.size64()),
              static_cast<unsigned long long>(big.page_size()));
  try {
    mem64.func("peek").call({Val::i64(int64_t(1) << 32)});
  } catch (const wasi_rt::Trap& trap) {
    std::printf("peek(2^32) trapped: %s\n", trap.what());
  }

  // Threads: one shared memory, a store and linker per thread.
  wasi_rt::SharedMemory counter(engine, 1, 1);
  std::vector<std::thread> workers;
  for (int t = 0; t < 3; t++) {
    workers.emplace_back([&engine, &counter] {
      wasi_rt::Store own(engine);
      wasi_rt::Linker l(own);
      l.define_memory("env", "mem", counter);
      l.instantiate(wasi_rt::Module(engine, kCounter)).func("add_many").call({Val::i32(10000)});
    });
  }
  for (std::thread& w : workers) w.join();
  unsigned total = 0;
  std::memcpy(&total, counter.data(), sizeof total);
  std::printf("3 threads counted to %u in a %llu-page shared memory\n", total,
              static_cast<unsigned long long>(counter.size()));

  try {
    plugin.func("div").call({Val::i32(1), Val::i32(0)});
  } catch (const wasi_rt::Trap& trap) {
    std::printf("div(1, 0) trapped: %s (code %u)\n", trap.what(), trap.code());
  }
  try {
    plugin.func("scaled").call({Val::i32(-1)});
  } catch (const wasi_rt::Trap& trap) {
    std::printf("scaled(-1) trapped: %s\n", trap.what());
  }
  try {
    plugin.func("nope");
  } catch (const wasi_rt::Error& e) {
    std::printf("error: %s\n", e.what());
  }
  try {
    wasi_rt::Module bad(store, "(module (func (result i32)))");
  } catch (const wasi_rt::Error& e) {
    std::printf("error: %s\n", e.what());
  }

  try {
    wasi_rt::Instance unlinked(store, module);  // its import is not given
  } catch (const wasi_rt::Error& e) {
    std::printf("error: %s\n", e.what());
  }

  wasi_rt::Linker wasi(store);
  wasi.define_wasi(wasi_rt::WasiConfig().argv({"command"}));
  std::printf("command exited with %d\n", wasi.run(wasi_rt::Module(store, kCommand)));

  // A host function whose nested guest call exits: the exit passes through
  // the outer guest unchanged.
  wasi_rt::Linker nested(store);
  nested.define_wasi(wasi_rt::WasiConfig());
  wasi_rt::Instance exiter = nested.instantiate(wasi_rt::Module(store, kExiter));
  nested.define_func("host", "quit", {}, {}, [&](const std::vector<Val>&) {
    exiter.func("quit").call({});
    return std::vector<Val>{};
  });
  try {
    nested.instantiate(wasi_rt::Module(store, kCaller)).func("go").call({});
  } catch (const wasi_rt::Trap& trap) {
    std::printf("nested exit: is_exit=%d status=%d\n", trap.is_exit(), trap.exit_status());
  }

  // Captured output with a cap: the program writes 10 bytes, 4 are kept.
  wasi_rt::Linker talker(store);
  wasi_rt::WasiConfig capturing;
  wasi_rt::Output out = capturing.capture_stdout(4);
  talker.define_wasi(capturing);
  talker.run(wasi_rt::Module(store, kTalker));
  std::printf("captured \"%s\", overflowed=%d\n", out.contents().c_str(), out.overflowed());

  // Deep recursion with a small Wasm stack budget is a trap.
  wasi_rt::Engine small(wasi_rt::Config().max_wasm_stack(64 * 1024));
  wasi_rt::Store small_store(small);
  wasi_rt::Instance rec(small_store, wasi_rt::Module(small, kRecurse));
  // An engine that refuses tail calls says why a module is refused.
  try {
    wasi_rt::Module(wasi_rt::Engine(wasi_rt::Config().wasm_feature("tail_call", false)),
                    "(module (func $f (return_call $f)))");
  } catch (const wasi_rt::Error& e) {
    std::printf("without tail calls: %.40s...\n", e.what());
  }
  try {
    rec.func("rec").call({Val::i32(1000000)});
  } catch (const wasi_rt::Trap& trap) {
    std::printf("rec(1000000) trapped: %s (code %u)\n", trap.what(), trap.code());
  }

  // An exception no handler catches is a Trap with its own code.
  wasi_rt::Instance thrower(store, wasi_rt::Module(store, "(module (tag $e) (func (export \"go\") (throw $e)))"));
  try {
    thrower.func("go").call({});
  } catch (const wasi_rt::Trap& trap) {
    std::printf("go() trapped: %s (is WASI_RT_TRAP_UNCAUGHT_EXCEPTION: %d)\n", trap.what(),
                trap.code() == WASI_RT_TRAP_UNCAUGHT_EXCEPTION);
  }

  std::string code = wasi_rt::Module::precompile(engine, "(module (func (export \"seven\") (result i32) i32.const 7))");
  wasi_rt::Module loaded = wasi_rt::Module::from_precompiled(store, code);
  wasi_rt::Instance seven(store, loaded);
  std::printf("precompiled seven() = %d\n", seven.func("seven").call({})[0].i32());

  // A lazily compiled module compiles a function on its first call.
  wasi_rt::Engine lazy(wasi_rt::Config().lazy_compilation(true, false));
  wasi_rt::Store lazy_store(lazy);
  wasi_rt::Module lazy_module(lazy, "(module (func (export \"nine\") (result i32) i32.const 9) (func))");
  wasi_rt::Instance nine(lazy_store, lazy_module);
  int result = nine.func("nine").call({})[0].i32();
  std::printf("lazy nine() = %d, functions compiled: %zu of %zu\n", result,
              lazy_module.compiled_functions().first, lazy_module.compiled_functions().second);
  lazy_module.compile_all();
  std::printf("after compile_all: %zu\n", lazy_module.compiled_functions().first);

  // The code cache: the second module comes from it.
  std::string cache_dir = "/tmp/wasi-rt-cxx-cache-" + std::to_string(getpid());
  wasi_rt::Engine cached(wasi_rt::Config().cache(cache_dir));
  bool first = wasi_rt::Module(cached, "(module (func (export \"f\")))").loaded_from_cache();
  bool second = wasi_rt::Module(cached, "(module (func (export \"f\")))").loaded_from_cache();
  std::printf("from the cache: first %d, second %d\n", first, second);
  std::system(("rm -rf " + cache_dir).c_str());
  return 0;
}
