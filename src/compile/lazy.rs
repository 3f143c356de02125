//! Lazy compilation: a module is validated up front, but each function is
//! compiled when it is first called (or earlier, by the background
//! compiler), so a big program starts at once.
//!
//! Every defined function gets an entry in a [`JumpTable`]: exports,
//! tables, references and calls all use that entry, which jumps through a
//! slot. Until the function's code exists the slot leads to
//! `wasi_rt_lazy_entry`, which calls [`wasi_rt_lazy_compile`]: that
//! compiles the function (or waits for whoever already is), points the
//! slot at the code, and the call continues there with its arguments
//! untouched. Any number of threads may make the first call at once; the
//! function is compiled once. Code compiled later calls functions that
//! already have code directly, the others through their entries.
//!
//! Compiled functions are placed in batches, each its own executable
//! mapping registered with the trap registry like an eagerly compiled
//! module, so traps, backtraces, exception handlers and GC stack maps
//! work the same. A process-wide pool of low-priority threads compiles
//! the functions nobody has called yet, in order, a batch at a time.

use super::code::{self, CompiledFunc};
use super::{CodeImage, FuncCompiler, translate_and_compile};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::module::ModuleInfo;
use crate::module::decode::PendingBody;
use crate::runtime::code::{CodeMemory, JumpTable, ModuleCodeInfo};
use crate::runtime::vmctx::VMOffsets;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use wasmparser::{BinaryReader, FuncToValidate, FunctionBody, ValidatorResources, WasmFeatures};

/// Whether this target can compile lazily (the jump table and the entry
/// handler exist for x86-64 only; elsewhere modules compile at once).
pub const SUPPORTED: bool = cfg!(target_arch = "x86_64");

/// Where one function stands.
#[derive(Clone)]
enum State {
    Pending,
    Compiling,
    Done,
    Failed(Arc<str>),
}

/// What one function's compilation needs besides the module.
struct Body {
    /// Byte range of the body in the module binary.
    range: std::ops::Range<usize>,
    /// Its wasmparser function index and type.
    index: u32,
    ty: u32,
}

/// What runs once every function of a module has code.
pub type CompleteHook = Box<dyn Fn(&LazyCode) + Send + Sync>;

/// How a lazily compiled module is set up.
#[derive(Default)]
pub struct LazyOptions {
    /// Validate every body up front (false only for code from a trusted
    /// cache entry or precompiled file, whose module was validated when it
    /// was compiled; translation checks each body again anyway).
    pub validate: bool,
    /// Keep each function's compiled form, so `snapshot` can describe the
    /// code compiled so far (for the code cache).
    pub keep: bool,
    /// Called (on a background compile thread) once every function has
    /// code.
    pub on_complete: Option<CompleteHook>,
}

/// The lazily compiled code of one module.
pub struct LazyCode {
    engine: Engine,
    info: Arc<ModuleInfo>,
    binary: Arc<[u8]>,
    bodies: Vec<Body>,
    resources: ValidatorResources,
    features: WasmFeatures,
    offsets: VMOffsets,
    table: JumpTable,
    /// Each function's code once it exists (0 before).
    code: Vec<AtomicUsize>,
    states: Mutex<Vec<State>>,
    /// Signalled whenever a function leaves `Compiling`.
    changed: Condvar,
    /// The executable batches (kept until the module goes).
    pieces: Mutex<Vec<CodeMemory>>,
    module: Arc<ModuleCodeInfo>,
    /// Where the background compiler looks for the next pending function.
    cursor: AtomicUsize,
    /// Functions with code.
    compiled: AtomicUsize,
    /// Functions the background compiler takes first: the callees of
    /// functions compiled on demand.
    hints: Mutex<VecDeque<usize>>,
    /// With `LazyOptions::keep`: each function's compiled form, and the
    /// entry trampolines.
    kept: Option<Mutex<Vec<Option<CompiledFunc>>>>,
    trampolines: Vec<CompiledFunc>,
    on_complete: Option<CompleteHook>,
    /// How many functions had code when the module's code was last saved
    /// (see `mark_saved`).
    saved: AtomicUsize,
    /// Whether `on_complete` ran.
    completed: std::sync::atomic::AtomicBool,
}

unsafe extern "C" {
    /// The handler every thunk jumps to (`sys/unwind.c`).
    fn wasi_rt_lazy_entry();
}

/// Largest batch the background compiler places at once, in functions and
/// in body bytes.
const BATCH_FUNCS: usize = 16;
/// Most background hints kept (see `hint_callees`).
const MAX_HINTS: usize = 4096;
const BATCH_BYTES: usize = 32 * 1024;

impl LazyCode {
    /// Validates every body of a decoded module (in parallel) and prepares
    /// its functions for compiling on first call. `id` identifies the
    /// module's code (`CompiledModule::id`); `body_offsets` gives each
    /// body's offset in `binary`.
    pub(crate) fn new(
        engine: &Engine,
        info: Arc<ModuleInfo>,
        binary: Arc<[u8]>,
        pending: Vec<PendingBody<'_>>,
        id: usize,
        body_offsets: &[u32],
        trampolines: Vec<CompiledFunc>,
        options: LazyOptions,
    ) -> Result<Arc<LazyCode>> {
        let max = engine.config().max_function_size;
        let first = info.num_imported_funcs;
        for (i, p) in pending.iter().enumerate() {
            let r = p.body.range();
            super::check_body_size(first + i as u32, (r.end - r.start) as usize, max)?;
        }
        let resources = match pending.first() {
            Some(p) => p.validator.resources.clone(),
            None => return Err(Error::compile("a lazily compiled module has no functions")),
        };
        let features = pending[0].validator.features;
        let bodies: Vec<Body> = pending
            .iter()
            .map(|p| Body {
                range: {
                    let r = p.body.range();
                    r.start as usize..r.end as usize
                },
                index: p.validator.index,
                ty: p.validator.ty,
            })
            .collect();
        if options.validate {
            validate_all(pending)?;
        }
        let n = bodies.len();
        let table = JumpTable::new(n, 0, wasi_rt_lazy_entry as *const () as usize)?;
        let lazy = Arc::new(LazyCode {
            engine: engine.clone(),
            offsets: VMOffsets::for_module(&info),
            module: Arc::new(super::module_code_info(id, &info, body_offsets)),
            info,
            binary,
            bodies,
            resources,
            features,
            table,
            code: (0..n).map(|_| AtomicUsize::new(0)).collect(),
            states: Mutex::new(vec![State::Pending; n]),
            changed: Condvar::new(),
            pieces: Mutex::new(Vec::new()),
            cursor: AtomicUsize::new(0),
            compiled: AtomicUsize::new(0),
            hints: Mutex::new(VecDeque::new()),
            kept: options.keep.then(|| Mutex::new((0..n).map(|_| None).collect())),
            trampolines: if options.keep { trampolines } else { Vec::new() },
            on_complete: options.on_complete,
            saved: AtomicUsize::new(0),
            completed: std::sync::atomic::AtomicBool::new(false),
        });
        lazy.table.set_context(Arc::as_ptr(&lazy) as usize);
        Ok(lazy)
    }

    /// Hands the functions still without code to the background compiler
    /// (when the engine allows it).
    pub fn start_background(self: &Arc<Self>) {
        if self.engine.config().background_compilation && self.compiled() < self.bodies.len() {
            background::submit(self);
        }
    }

    /// Installs code compiled earlier (a cache entry or precompiled file
    /// holding some of the module's functions): they get their code at
    /// once, the others stay lazy.
    pub fn install(&self, img: &CodeImage) -> Result<()> {
        let n = self.bodies.len();
        let count = img.num_funcs as usize;
        if img.func_ids.len() != count
            || img.offsets.len() != count + self.info.types.len()
            || img.func_ids.iter().any(|d| *d as usize >= n)
        {
            return Err(Error::compile("machine code does not match the module"));
        }
        let ids: Vec<usize> = img.func_ids.iter().map(|d| *d as usize).collect();
        {
            let mut states = self.states();
            if ids.iter().any(|i| !matches!(states[*i], State::Pending)) {
                return Err(Error::compile("code installed for a function that has code"));
            }
            for i in &ids {
                states[*i] = State::Compiling;
            }
        }
        let funcs = if self.kept.is_some() {
            img.split().into_iter().map(|(_, f)| f).collect()
        } else {
            Vec::new()
        };
        let result = self.place(img, funcs);
        if result.is_err() {
            let mut states = self.states();
            for i in &ids {
                states[*i] = State::Pending;
            }
        }
        self.changed.notify_all();
        let installed = self.compiled();
        self.saved.store(installed, Ordering::Release);
        result
    }

    /// The code compiled so far, as one image of those functions (in
    /// index order) and the trampolines, with `func_ids` saying which
    /// they are; `None` without `LazyOptions::keep`. Also returns how many
    /// functions had code (for `mark_saved`).
    pub fn snapshot(&self) -> Option<(CodeImage, usize)> {
        let kept = self.kept.as_ref()?.lock().unwrap_or_else(|e| e.into_inner());
        let count = self.compiled();
        let present: Vec<(u32, &CompiledFunc)> = kept
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((i as u32, f.as_ref()?)))
            .collect();
        let all: Vec<&CompiledFunc> = present
            .iter()
            .map(|(_, f)| *f)
            .chain(self.trampolines.iter())
            .collect();
        Some((CodeImage::build(&all, present.iter().map(|(i, _)| *i).collect()), count))
    }

    /// Whether functions got code since the code was last saved.
    pub fn unsaved(&self) -> bool {
        self.compiled() > self.saved.load(Ordering::Acquire)
    }

    /// Records that the code of `count` functions was saved.
    pub fn mark_saved(&self, count: usize) {
        self.saved.fetch_max(count, Ordering::AcqRel);
    }

    /// The address to call for defined function `i`.
    pub fn entry(&self, i: usize) -> usize {
        self.table.entry(i)
    }

    /// How many of the module's functions have code.
    pub fn compiled(&self) -> usize {
        self.compiled.load(Ordering::Acquire)
    }

    /// Compiles every function that has no code yet, on this thread (with
    /// whatever the background compiler does at the same time).
    pub fn compile_all(&self) -> Result<()> {
        // In batches (one executable mapping each), then whatever others
        // were compiling meanwhile.
        let mut next = 0;
        while next < self.bodies.len() {
            let mut batch = Vec::new();
            next = self.claim_from(&mut self.states(), next, &mut batch, &mut 0);
            if !batch.is_empty() {
                self.compile_batch(&batch, false);
            }
        }
        for i in 0..self.bodies.len() {
            self.demand(i)?;
        }
        Ok(())
    }

    fn states(&self) -> std::sync::MutexGuard<'_, Vec<State>> {
        self.states.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The code of defined function `i`, compiled now if nobody has yet
    /// (waiting if another thread is compiling it).
    pub fn demand(&self, i: usize) -> Result<usize> {
        let code = self.code[i].load(Ordering::Acquire);
        if code != 0 {
            return Ok(code);
        }
        let mut states = self.states();
        loop {
            match &states[i] {
                State::Done => return Ok(self.code[i].load(Ordering::Acquire)),
                State::Failed(why) => return Err(Error::compile(why.to_string())),
                State::Compiling => {
                    states = self.changed.wait(states).unwrap_or_else(|e| e.into_inner());
                }
                State::Pending => {
                    states[i] = State::Compiling;
                    break;
                }
            }
        }
        drop(states);
        self.compile_batch(&[i], true);
        self.demand(i)
    }

    /// Queues the functions `f` calls directly (and that have no code yet)
    /// for the background compiler, ahead of the others.
    fn hint_callees(&self, f: &CompiledFunc) {
        let nimp = self.info.num_imported_funcs;
        let n = self.bodies.len();
        let mut hints = self.hints.lock().unwrap_or_else(|e| e.into_inner());
        for r in &f.relocs {
            if let code::RelocTarget::Func(t) = r.target
                && let Some(d) = t.checked_sub(nimp).map(|d| d as usize).filter(|d| *d < n)
                && self.code[d].load(Ordering::Acquire) == 0
                && !hints.contains(&d)
            {
                hints.push_back(d);
            }
        }
        // The oldest hints go when there are too many to matter.
        while hints.len() > MAX_HINTS {
            hints.pop_front();
        }
    }

    /// Claims up to a batch of pending functions for the background
    /// compiler; empty when none is left.
    fn claim_batch(&self) -> Vec<usize> {
        let mut states = self.states();
        let mut batch = Vec::new();
        let mut bytes = 0;
        // First the functions that code compiled on demand calls: the
        // program is likely to call them next.
        {
            let mut hints = self.hints.lock().unwrap_or_else(|e| e.into_inner());
            while batch.len() < BATCH_FUNCS && bytes < BATCH_BYTES {
                let Some(i) = hints.pop_front() else { break };
                if matches!(states[i], State::Pending) {
                    states[i] = State::Compiling;
                    batch.push(i);
                    bytes += self.bodies[i].range.len();
                }
            }
        }
        let i = self.claim_from(&mut states, self.cursor.load(Ordering::Relaxed), &mut batch, &mut bytes);
        self.cursor.store(i, Ordering::Relaxed);
        batch
    }

    /// Claims pending functions from `start` on into `batch` (whose
    /// bodies so far total `bytes`) until the batch is full; returns
    /// where it stopped.
    fn claim_from(&self, states: &mut [State], start: usize, batch: &mut Vec<usize>, bytes: &mut usize) -> usize {
        let mut i = start;
        while i < states.len() && batch.len() < BATCH_FUNCS && *bytes < BATCH_BYTES {
            if matches!(states[i], State::Pending) {
                states[i] = State::Compiling;
                batch.push(i);
                *bytes += self.bodies[i].range.len();
            }
            i += 1;
        }
        i
    }

    /// Compiles the claimed functions `batch` and publishes their code;
    /// a function that fails is marked failed (its callers trap).
    /// `on_demand`: a first call waits for it.
    fn compile_batch(&self, batch: &[usize], on_demand: bool) {
        let mut done = Vec::with_capacity(batch.len());
        let mut failed = Vec::new();
        for &i in batch {
            match self.compile_one(i) {
                Ok(f) => done.push((i, f)),
                Err(e) => failed.push((i, Arc::<str>::from(e.to_string()))),
            }
        }
        if on_demand && self.engine.config().background_compilation {
            for (_, f) in &done {
                self.hint_callees(f);
            }
        }
        if !done.is_empty() {
            let ids: Vec<usize> = done.iter().map(|(i, _)| *i).collect();
            let funcs: Vec<CompiledFunc> = done.into_iter().map(|(_, f)| f).collect();
            let refs: Vec<&CompiledFunc> = funcs.iter().collect();
            let img = CodeImage::build(&refs, ids.iter().map(|i| *i as u32).collect());
            let keep = if self.kept.is_some() { funcs } else { Vec::new() };
            if let Err(e) = self.place(&img, keep) {
                let why: Arc<str> = e.to_string().into();
                failed.extend(ids.iter().map(|i| (*i, why.clone())));
            }
        }
        if !failed.is_empty() {
            let mut states = self.states();
            for (i, why) in failed {
                states[i] = State::Failed(why);
            }
        }
        self.changed.notify_all();
    }

    fn compile_one(&self, i: usize) -> Result<CompiledFunc> {
        let config = self.engine.config();
        let compiler = FuncCompiler {
            isa: self.engine.isa(),
            huge_isa: self.engine.huge_isa(),
            info: &self.info,
            offsets: self.offsets,
            epoch_interruption: config.epoch_interruption,
            max_function_size: config.max_function_size,
            colocated_calls: false,
        };
        let b = &self.bodies[i];
        let pending = PendingBody {
            validator: FuncToValidate {
                resources: self.resources.clone(),
                index: b.index,
                ty: b.ty,
                features: self.features,
            },
            body: FunctionBody::new(BinaryReader::new(
                &self.binary[b.range.clone()],
                b.range.start as u64,
            )),
        };
        let func_index = self.info.num_imported_funcs + i as u32;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            translate_and_compile(&compiler, func_index, pending)
        }))
        .unwrap_or_else(|_| Err(Error::compile(format!("compiling function {func_index} panicked"))))
    }

    /// Places the Wasm functions of `img` (claimed by this thread) in
    /// executable memory, registers them and points their entries at
    /// them. `funcs` are those functions as compiled, in the same order,
    /// kept for `snapshot` when the module keeps them. The thread whose
    /// functions complete the module runs the `on_complete` hook.
    fn place(&self, img: &CodeImage, funcs: Vec<CompiledFunc>) -> Result<()> {
        let nimp = self.info.num_imported_funcs;
        let ids: Vec<usize> = img.func_ids.iter().map(|d| *d as usize).collect();
        let own: std::collections::HashMap<usize, usize> =
            ids.iter().enumerate().map(|(k, i)| (*i, k)).collect();
        let n = self.bodies.len();
        let mut memory = CodeMemory::new(&img.image, |bytes, base| {
            code::apply_relocs(bytes, base, 0, &img.relocs, &|idx| {
                let d = idx.checked_sub(nimp)? as usize;
                (d < n).then(|| match (own.get(&d), self.code[d].load(Ordering::Acquire)) {
                    (Some(k), _) => base + img.offsets[*k] as usize,
                    (None, 0) => self.table.entry(d),
                    (None, code) => code,
                })
            })
        })?;
        let base = memory.base();
        memory.register(Arc::new(img.code_info(self.module.clone(), nimp)));
        super::profile_image(&self.engine, &self.info, img, base);
        self.pieces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(memory);
        // Kept before they are counted, so a snapshot never counts a
        // function it does not hold.
        if let Some(kept) = &self.kept {
            let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
            for (i, f) in ids.iter().zip(funcs) {
                kept[*i] = Some(f);
            }
        }
        let mut states = self.states();
        for (k, i) in ids.iter().enumerate() {
            let code = base + img.offsets[k] as usize;
            self.code[*i].store(code, Ordering::Release);
            self.table.set_target(*i, code);
            states[*i] = State::Done;
        }
        drop(states);
        let total = self.compiled.fetch_add(ids.len(), Ordering::AcqRel) + ids.len();
        if total == n
            && !self.completed.swap(true, Ordering::AcqRel)
            && let Some(hook) = &self.on_complete
        {
            hook(self);
        }
        Ok(())
    }

    fn is_finished(&self) -> bool {
        self.cursor.load(Ordering::Relaxed) >= self.bodies.len()
    }
}

/// Validates every body, in parallel on all cores; the first error wins.
fn validate_all(pending: Vec<PendingBody<'_>>) -> Result<()> {
    let n = pending.len();
    let jobs: Vec<Mutex<Option<PendingBody<'_>>>> =
        pending.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let error: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    // Each worker reuses its validator's allocations.
    super::parallel_for(n, 64, |allocs: &mut wasmparser::FuncValidatorAllocations, i| {
        let Some(job) = jobs[i].lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return true;
        };
        let mut v = job.validator.into_validator(std::mem::take(allocs));
        match v.validate(&job.body) {
            Ok(()) => {
                *allocs = v.into_allocations();
                true
            }
            Err(e) => {
                let mut slot = error.lock().unwrap_or_else(|e| e.into_inner());
                // The earliest function's error, as eager compiling reports.
                if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                    *slot = Some((i, Error::from_parser(e, true)));
                }
                false
            }
        }
    });
    match error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Called by `wasi_rt_lazy_entry` on the first call of a function: its
/// code, compiled now if need be. A function that cannot be compiled
/// raises a trap instead of returning.
///
/// # Safety
/// `lazy` is the context cell of a live module's jump table (the module
/// is alive: one of its instances is running the call), and the caller is
/// Wasm code of this thread.
#[unsafe(no_mangle)]
unsafe extern "C" fn wasi_rt_lazy_compile(lazy: *const LazyCode, index: u32) -> usize {
    // SAFETY: per the contract, `lazy` points at a LazyCode kept alive by
    // the module of the running instance.
    let lazy = unsafe { &*lazy };
    let i = index as usize;
    let result = {
        let code = lazy.code[i].load(Ordering::Acquire);
        if code != 0 {
            Ok(code)
        } else if enough_stack() {
            lazy.demand(i)
        } else {
            // Compiling needs more stack than this thread may have left:
            // a helper thread with plenty does it while this one waits.
            std::thread::scope(|s| {
                std::thread::Builder::new()
                    .name("wasi-rt-compile".into())
                    .stack_size(COMPILE_STACK)
                    .spawn_scoped(s, || lazy.demand(i))
                    .map_err(|e| Error::compile(format!("starting a compile thread: {e}")))
                    .and_then(|h| {
                        h.join()
                            .unwrap_or_else(|_| Err(Error::compile("the compile thread panicked")))
                    })
            })
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let func_index = lazy.info.num_imported_funcs + index;
            let trap = crate::runtime::trap::Trap::new(format!(
                "function {func_index} could not be compiled: {e}"
            ));
            drop(e);
            // SAFETY: the frames between here and the entry are Wasm
            // frames and the entry handler's, which own nothing.
            unsafe { crate::runtime::trap::raise(trap) }
        }
    }
}

/// Stack a helper compile thread gets.
const COMPILE_STACK: usize = 16 << 20;

/// Whether this thread has room to compile a function on its own stack
/// (1 MiB; Cranelift needs far less, but a function's Wasm callers may
/// have used all the rest).
fn enough_stack() -> bool {
    let floor = crate::runtime::sys::ensure_thread_ready();
    let here = &floor as *const usize as usize;
    floor > 1 && here.saturating_sub(floor) >= 1 << 20
}

/// The process-wide background compiler: threads at low priority that
/// compile, module after module in turns, the functions nobody has called
/// yet.
mod background {
    use super::*;

    struct Pool {
        queue: Mutex<VecDeque<Weak<LazyCode>>>,
        work: Condvar,
        started: std::sync::Once,
    }

    static POOL: Pool = Pool {
        queue: Mutex::new(VecDeque::new()),
        work: Condvar::new(),
        started: std::sync::Once::new(),
    };

    /// Queues `lazy` for background compilation.
    pub(super) fn submit(lazy: &Arc<LazyCode>) {
        POOL.started.call_once(|| {
            // One core stays with the program (on one core, the thread
            // only uses what the program leaves).
            let threads = std::thread::available_parallelism()
                .map_or(1, |p| p.get())
                .saturating_sub(1)
                .max(1);
            for _ in 0..threads {
                let _ = std::thread::Builder::new()
                    .name("wasi-rt-background-compile".into())
                    .stack_size(COMPILE_STACK)
                    .spawn(worker);
            }
        });
        POOL.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(Arc::downgrade(lazy));
        POOL.work.notify_one();
    }

    fn worker() {
        // SAFETY: lowers this thread's own scheduling priority; no memory
        // is involved. Failure leaves it at normal priority.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
        }
        loop {
            let next = {
                let mut q = POOL.queue.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    match q.pop_front() {
                        Some(w) => break w,
                        None => q = POOL.work.wait(q).unwrap_or_else(|e| e.into_inner()),
                    }
                }
            };
            // A module that was dropped is forgotten.
            let Some(lazy) = next.upgrade() else { continue };
            let batch = lazy.claim_batch();
            if batch.is_empty() {
                continue;
            }
            if !lazy.is_finished() {
                // Others (and other modules) take turns while this batch
                // compiles.
                POOL.queue
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_back(next);
                POOL.work.notify_one();
            }
            lazy.compile_batch(&batch, false);
        }
    }
}
