//! The engine: compiler configuration, the target ISA, the engine-wide
//! registry of canonical signature ids, and cached exit trampolines.

use crate::error::{Error, Result};
use crate::runtime::code::CodeMemory;
use crate::type_registry::{SubType, TypeRegistry};
use crate::types::{CompositeType, FuncType, HeapType, ValType};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How hard Cranelift optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptLevel {
    None,
    Speed,
    SpeedAndSize,
}

/// The WebAssembly proposals beyond 2.0 that modules may use. Each is on by
/// default once wasi-rt supports it; a host that wants a smaller surface
/// switches it off, and a module using it is then refused with an error
/// naming the feature and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// Fixed-width SIMD (`v128`).
    pub simd: bool,
    /// Several memories in one module; every memory instruction takes a
    /// memory index.
    pub multi_memory: bool,
    /// `i32`/`i64` `add`, `sub` and `mul` in constant expressions.
    pub extended_const: bool,
    /// `return_call` and `return_call_indirect`.
    pub tail_call: bool,
    /// Typed function references: `(ref $t)`, `call_ref`,
    /// `ref.as_non_null`, `br_on_null`, `br_on_non_null`, non-nullable
    /// locals, typed tables with initialisers.
    pub function_references: bool,
    /// Exception handling: tags, `try_table`, `throw`, `throw_ref`,
    /// `exnref`.
    pub exceptions: bool,
    /// The legacy exception encoding still emitted by toolchains: `try`,
    /// `catch`, `catch_all`, `delegate`, `rethrow` (needs `exceptions`).
    pub legacy_exceptions: bool,
    /// The relaxed SIMD operators, each lowered to the fastest sequence
    /// the CPU has (results may differ between machines, as the proposal
    /// allows, never between runs on one machine).
    pub relaxed_simd: bool,
    /// 64-bit memories and tables (`i64` addresses, indices and sizes),
    /// bounds-checked explicitly.
    pub memory64: bool,
    /// Memories whose page size is 1 byte instead of 64 KiB
    /// (`(pagesize 1)`), for hosts that need memories smaller than a page.
    pub custom_page_sizes: bool,
    /// Threads: shared memories, atomic loads, stores and read-modify-write
    /// operators, `memory.atomic.wait32`/`wait64`/`notify`, `atomic.fence`.
    pub threads: bool,
    /// `i64.add128`, `i64.sub128`, `i64.mul_wide_s`, `i64.mul_wide_u`
    /// (the wide-arithmetic proposal).
    pub wide_arithmetic: bool,
    /// Garbage collection (Wasm 3.0): recursive and sub types, structs,
    /// arrays, `i31`, casts, `anyref`/`eqref` and the conversions between
    /// `any` and `extern`.
    pub gc: bool,
}

impl Default for Features {
    fn default() -> Features {
        Features {
            simd: true,
            multi_memory: true,
            extended_const: true,
            tail_call: true,
            relaxed_simd: true,
            function_references: true,
            exceptions: true,
            legacy_exceptions: true,
            memory64: true,
            custom_page_sizes: true,
            threads: true,
            wide_arithmetic: true,
            gc: true,
        }
    }
}

impl Features {
    /// Switches the feature called `name` (as in [`Features::list`]) on or
    /// off; `false` when there is no such feature.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let field = match name {
            "simd" => &mut self.simd,
            "multi_memory" => &mut self.multi_memory,
            "extended_const" => &mut self.extended_const,
            "tail_call" => &mut self.tail_call,
            "relaxed_simd" => &mut self.relaxed_simd,
            "function_references" => &mut self.function_references,
            "exceptions" => &mut self.exceptions,
            "legacy_exceptions" => &mut self.legacy_exceptions,
            "memory64" => &mut self.memory64,
            "custom_page_sizes" => &mut self.custom_page_sizes,
            "threads" => &mut self.threads,
            "wide_arithmetic" => &mut self.wide_arithmetic,
            "gc" => &mut self.gc,
            _ => return false,
        };
        *field = on;
        true
    }

    /// The names and values of every feature, for fingerprints and messages.
    pub fn list(&self) -> [(&'static str, bool); 13] {
        [
            ("simd", self.simd),
            ("multi_memory", self.multi_memory),
            ("extended_const", self.extended_const),
            ("tail_call", self.tail_call),
            ("relaxed_simd", self.relaxed_simd),
            ("function_references", self.function_references),
            ("exceptions", self.exceptions),
            ("legacy_exceptions", self.legacy_exceptions),
            ("memory64", self.memory64),
            ("custom_page_sizes", self.custom_page_sizes),
            ("threads", self.threads),
            ("wide_arithmetic", self.wide_arithmetic),
            ("gc", self.gc),
        ]
    }
}

/// Engine configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Cranelift optimisation level (default: `Speed`).
    pub opt_level: OptLevel,
    /// Engine-wide cap on any memory's size, in 64 KiB pages (default 65536 = 4 GiB).
    pub max_memory_pages: u32,
    /// Engine-wide cap on any table's size, in elements (default 10,000,000).
    pub max_table_elements: u32,
    /// Stack space Wasm code may use below the host's entry point, in bytes
    /// (default 512 KiB); deeper recursion traps with "call stack exhausted".
    /// Wasm runs on the calling thread's own stack and never uses its last
    /// 64 KiB (`HOST_STACK_RESERVE`, kept for the host functions it calls),
    /// so on a thread with less room than this the budget is what the
    /// thread has left. A thread that calls Wasm should have at least
    /// 128 KiB of stack free at the call; with less, calls trap at once.
    pub max_wasm_stack: usize,
    /// Compile a check of the engine's epoch into every function entry and
    /// loop header (default false), so a store's epoch deadline can stop
    /// code that runs too long: see `Engine::increment_epoch` and
    /// `Store::set_epoch_deadline`. Costs a few instructions per loop
    /// iteration and call. Functions with no loop and no call cannot run
    /// long and get no check.
    pub epoch_interruption: bool,
    /// Largest function body accepted, in bytes (default 7,654,321, the
    /// limit web engines apply); a module with a bigger one fails to
    /// compile with a limit error naming the function.
    pub max_function_size: usize,
    /// Longest a module may take to compile (default `None`: no limit).
    /// Checked between functions, so compiling stops at most one function
    /// later with a limit error; no function takes long, since huge ones
    /// get a compiler whose cost grows linearly with their size.
    pub max_compile_time: Option<std::time::Duration>,
    /// The Wasm proposals modules may use (default: every one wasi-rt
    /// supports).
    pub features: Features,
    /// Largest size of a store's GC heap, in bytes (default 1 GiB, at most
    /// 4 GiB minus 1 MiB); `Store::set_gc_heap_limit` changes it per store
    /// before the heap is made. An allocation that finds the heap full
    /// after a collection traps with `TrapCode::OutOfGcMemory`.
    pub gc_heap_limit: u64,
    /// The profiler told where compiled functions are (default none):
    /// `Profiler::PerfMap` makes `perf report` name Wasm functions,
    /// `Profiler::JitDump` also lets `perf annotate` show their machine
    /// code (see `runtime::profiling`).
    pub profiler: crate::runtime::profiling::Profiler,
    /// Compile each function on its first call instead of all of them
    /// when the module is created (default false, or what the environment
    /// variable `WASI_RT_LAZY_COMPILATION` says: `1`/`on` or `0`/`off`).
    /// Creating a module then only validates it, so a big program starts
    /// at once; calls that reach a function for the first time wait for
    /// its compilation. Code compiled this way runs as fast, except that
    /// calls to functions compiled later go through a jump slot. x86-64
    /// only (elsewhere modules compile at once). `max_compile_time` does
    /// not apply; `Module::precompile` always compiles everything.
    pub lazy_compilation: bool,
    /// With `lazy_compilation`, let low-priority background threads (one
    /// fewer than the cores, at least one, shared by the process) compile
    /// the functions nobody has called yet (default true).
    pub background_compilation: bool,
    /// The on-disk code cache (default `None`: off; `wasi-rt run` uses
    /// the default `CacheConfig`). `Module::new` then loads code saved
    /// for the same binary and engine settings instead of compiling, and
    /// saves what it compiles. See `module::cache`.
    pub cache: Option<crate::module::cache::CacheConfig>,
}

impl Config {
    /// `max_memory_pages` in bytes (64 KiB pages).
    pub fn max_memory_bytes(&self) -> u64 {
        u64::from(self.max_memory_pages) << 16
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            opt_level: OptLevel::Speed,
            max_memory_pages: 65536,
            max_table_elements: 10_000_000,
            max_wasm_stack: 512 * 1024,
            epoch_interruption: false,
            max_function_size: 7_654_321,
            max_compile_time: None,
            features: Features::default(),
            gc_heap_limit: crate::runtime::gc::DEFAULT_HEAP_LIMIT,
            profiler: crate::runtime::profiling::Profiler::None,
            lazy_compilation: lazy_from_env().unwrap_or(false),
            background_compilation: true,
            cache: None,
        }
    }
}

/// The default of `Config::lazy_compilation` the environment asks for
/// (`WASI_RT_LAZY_COMPILATION`), if any.
fn lazy_from_env() -> Option<bool> {
    match std::env::var("WASI_RT_LAZY_COMPILATION").ok()?.as_str() {
        "1" | "on" | "true" => Some(true),
        "0" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// The target ISA for the host CPU with our settings, at optimisation level
/// `opt` with register allocator `regalloc`.
fn build_isa(opt: &str, regalloc: &str) -> Result<OwnedTargetIsa> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v)
            .map_err(|e| Error::compile(format!("setting {k}={v}: {e}")))
    };
    set(&mut flags, "opt_level", opt)?;
    set(&mut flags, "regalloc_algorithm", regalloc)?;
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(&mut flags, "enable_probestack", "true")?;
    set(&mut flags, "probestack_strategy", "inline")?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(&mut flags, "unwind_info", "false")?;
    set(
        &mut flags,
        "enable_verifier",
        if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        },
    )?;
    let isa_builder = cranelift_native::builder()
        .map_err(|e| Error::unsupported(format!("host CPU not supported: {e}")))?;
    isa_builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| Error::compile(format!("building the target ISA: {e}")))
}

pub(crate) struct EngineInner {
    isa: OwnedTargetIsa,
    /// The ISA for functions above `compile::HUGE_FUNCTION_COST`.
    huge_isa: OwnedTargetIsa,
    config: Config,
    types: std::sync::RwLock<TypeRegistry>,
    exit_trampolines: Mutex<HashMap<FuncType, Arc<CodeMemory>>>,
    /// What `throw` and `throw_ref` call (see `trampolines::throw_stub`).
    throw_stub: CodeMemory,
    /// The epoch compiled code compares with its store's deadline.
    pub(crate) epoch: AtomicU64,
}

/// A compilation environment shared by modules and stores; cheap to clone,
/// `Send + Sync`.
#[derive(Clone)]
pub struct Engine(pub(crate) Arc<EngineInner>);

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default()).expect("the host CPU is supported by Cranelift")
    }
}

impl Engine {
    /// An engine for the host CPU with `config`.
    pub fn new(config: &Config) -> Result<Engine> {
        let opt = match config.opt_level {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
            OptLevel::SpeedAndSize => "speed_and_size",
        };
        let isa = build_isa(opt, "backtracking")?;
        // Functions too big for the optimising register allocator (its
        // cost grows with the square of their block count) get a compiler
        // whose cost grows linearly: single-pass allocation, no
        // optimisation.
        let huge_isa = build_isa("none", "single_pass")?;
        let throw_stub = crate::compile::compile_throw_stub(&*isa)?;
        crate::runtime::sys::install_handlers();
        Ok(Engine(Arc::new(EngineInner {
            isa,
            huge_isa,
            config: config.clone(),
            types: std::sync::RwLock::new(TypeRegistry::default()),
            exit_trampolines: Mutex::new(HashMap::new()),
            throw_stub,
            epoch: AtomicU64::new(0),
        })))
    }

    /// Advances the epoch by one. Wasm code running in a store whose epoch
    /// deadline this reaches traps with "interrupted" at its next function
    /// entry or loop iteration (with `Config::epoch_interruption`). Safe to
    /// call from any thread, for example a watchdog timer.
    pub fn increment_epoch(&self) {
        self.0.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// The current epoch.
    pub fn current_epoch(&self) -> u64 {
        self.0.epoch.load(Ordering::Relaxed)
    }

    /// Whether both handles are the same engine.
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The configuration the engine was made with.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub(crate) fn isa(&self) -> &dyn cranelift_codegen::isa::TargetIsa {
        &*self.0.isa
    }

    /// The address of the throw stub.
    pub(crate) fn throw_stub(&self) -> usize {
        self.0.throw_stub.base()
    }

    /// The ISA for huge functions (see `EngineInner::huge_isa`).
    pub(crate) fn huge_isa(&self) -> &dyn cranelift_codegen::isa::TargetIsa {
        &*self.0.huge_isa
    }

    /// The canonical id of a signature: equal types get equal ids. A
    /// host-made signature is a final type in a group of its own, as a
    /// module's plain `(type (func ...))` is.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        self.register_group(vec![SubType {
            composite: CompositeType::Func(ty.clone()),
            supertype: None,
            is_final: true,
        }])
        .unwrap_or(0)
    }

    /// Registers a recursion group (see [`TypeRegistry::register`]) and
    /// returns the canonical index of its first type.
    pub(crate) fn register_group(&self, group: Vec<SubType>) -> Result<u32> {
        self.types_mut()
            .register(group)
            .map_err(|_| Error::limit("the engine holds too many distinct types"))
    }

    /// The registry, for reading.
    pub(crate) fn types(&self) -> std::sync::RwLockReadGuard<'_, TypeRegistry> {
        self.0.types.read().unwrap_or_else(|e| e.into_inner())
    }

    fn types_mut(&self) -> std::sync::RwLockWriteGuard<'_, TypeRegistry> {
        self.0.types.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The function type with engine-wide index `index` (see
    /// [`crate::HeapType::ConcreteFunc`]); `None` for an index this engine
    /// never gave out or that names a struct or array type.
    pub fn func_type(&self, index: crate::TypeIndex) -> Option<FuncType> {
        self.types().get(index.0)?.composite.as_func().cloned()
    }

    /// The type with engine-wide index `index` (function, struct or
    /// array); `None` for an index this engine never gave out.
    pub fn composite_type(&self, index: crate::TypeIndex) -> Option<CompositeType> {
        Some(self.types().get(index.0)?.composite.clone())
    }

    /// The declared supertype of the type with engine-wide index `index`.
    pub fn supertype(&self, index: crate::TypeIndex) -> Option<crate::TypeIndex> {
        self.types().get(index.0)?.supertype.map(crate::TypeIndex)
    }

    /// Registers a struct type (final, in a recursion group of its own, as
    /// a module's plain `(type (struct ...))`) and returns its engine-wide
    /// index: equal to that of the same type in any module of the engine.
    pub fn register_struct(&self, ty: &crate::types::StructType) -> Result<crate::TypeIndex> {
        self.register_single(CompositeType::Struct(ty.clone()))
    }

    /// Registers an array type (as [`Engine::register_struct`] does).
    pub fn register_array(&self, ty: &crate::types::ArrayType) -> Result<crate::TypeIndex> {
        self.register_single(CompositeType::Array(*ty))
    }

    fn register_single(&self, composite: CompositeType) -> Result<crate::TypeIndex> {
        // Referenced types must be this engine's.
        let bad = |v: ValType| {
            matches!(v, ValType::Ref(r) if r.heap.concrete_index().is_some_and(|i| self.types().get(i.0).is_none()))
        };
        let fields: Vec<crate::types::FieldType> = match &composite {
            CompositeType::Struct(s) => s.fields().to_vec(),
            CompositeType::Array(a) => vec![a.element],
            CompositeType::Func(_) => Vec::new(),
        };
        if fields
            .iter()
            .any(|f| matches!(f.storage, crate::types::StorageType::Val(v) if bad(v)))
        {
            return Err(Error::ty("the type refers to a type this engine does not have"));
        }
        self.register_group(vec![SubType {
            composite,
            supertype: None,
            is_final: true,
        }])
        .map(crate::TypeIndex)
    }

    /// Whether heap type `a` is a subtype of `b`, declared subtyping
    /// between concrete types included.
    pub fn heap_matches(&self, a: HeapType, b: HeapType) -> bool {
        if a.concrete_index().is_none() || b.concrete_index().is_none() {
            return a.matches(b);
        }
        self.types().heap_matches(a, b)
    }

    /// Whether a value of type `a` may stand where `b` is expected.
    pub fn val_matches(&self, a: ValType, b: ValType) -> bool {
        self.types().val_matches(a, b)
    }

    /// The exit trampoline for host functions of type `ty` (compiled once).
    pub(crate) fn exit_trampoline(&self, ty: &FuncType) -> Result<Arc<CodeMemory>> {
        let mut cache = self
            .0
            .exit_trampolines
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(t) = cache.get(ty) {
            return Ok(t.clone());
        }
        let t = Arc::new(crate::compile::compile_exit_trampoline(self.isa(), ty)?);
        cache.insert(ty.clone(), t.clone());
        Ok(t)
    }
}
