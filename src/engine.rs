//! The engine: compiler configuration, the target ISA, the engine-wide
//! registry of canonical signature ids, and cached exit trampolines.

use crate::error::{Error, Result};
use crate::runtime::code::CodeMemory;
use crate::types::FuncType;
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
            _ => return false,
        };
        *field = on;
        true
    }

    /// The names and values of every feature, for fingerprints and messages.
    pub fn list(&self) -> [(&'static str, bool); 12] {
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
        }
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

/// Every function type the engine has seen, by canonical id.
#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

pub(crate) struct EngineInner {
    isa: OwnedTargetIsa,
    /// The ISA for functions above `compile::HUGE_FUNCTION_COST`.
    huge_isa: OwnedTargetIsa,
    config: Config,
    types: Mutex<TypeRegistry>,
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
            types: Mutex::new(TypeRegistry::default()),
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

    /// The canonical id of a signature: equal types get equal ids.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut reg = self.0.types.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = reg.ids.get(ty) {
            return *id;
        }
        let id = reg.types.len() as u32;
        reg.types.push(ty.clone());
        reg.ids.insert(ty.clone(), id);
        id
    }

    /// The function type with engine-wide index `index` (see
    /// [`crate::HeapType::ConcreteFunc`]); `None` for an index this engine
    /// never gave out.
    pub fn func_type(&self, index: crate::TypeIndex) -> Option<FuncType> {
        let reg = self.0.types.lock().unwrap_or_else(|e| e.into_inner());
        reg.types.get(index.0 as usize).cloned()
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
