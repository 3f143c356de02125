//! Stage 2 of the pipeline: Wasm function bodies → Cranelift IR → machine
//! code placed in executable memory.

pub mod code;
pub mod env;
pub mod lazy;
pub mod trampolines;
pub mod translate;
pub mod traps;

use crate::error::{Error, Result};
use crate::module::ModuleInfo;
use crate::module::decode::PendingBody;
use crate::runtime::code::{
    CallSite, CodeInfo, CodeMemory, FuncRange, HandlerRec, ModuleCodeInfo, StackMapRec,
};
use crate::runtime::vmctx::VMOffsets;
use code::{CompiledFunc, RelocTarget, Relocation};
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, ExternalName, UserExternalName};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::{Context, FinalizedRelocTarget};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The machine code of a module.
pub struct CompiledModule {
    /// Every function and trampoline; with lazy compilation, the
    /// trampolines only.
    pub code: CodeMemory,
    /// Address of each defined function (index = defined function index):
    /// with lazy compilation, the function's jump slot entry.
    pub funcs: Vec<usize>,
    /// Address of the entry trampoline of each type of the module.
    pub entry_trampolines: Vec<usize>,
    /// The functions still to compile, when compiled lazily.
    pub lazy: Option<Arc<lazy::LazyCode>>,
}

impl CompiledModule {
    /// Identifies the module's code while it is loaded (the same for every
    /// piece of it; see `runtime::code::ModuleCodeInfo::id`).
    pub fn id(&self) -> usize {
        self.code.base()
    }
}

/// Compiles one IR function to machine code.
pub fn compile_ir(isa: &dyn TargetIsa, func: ir::Function) -> Result<CompiledFunc> {
    let names = func.params.user_named_funcs().clone();
    let mut ctx = Context::for_function(func);
    let compiled = ctx
        .compile(isa, &mut ControlPlane::default())
        .map_err(|e| Error::compile(format!("{:?}", e.inner)))?;
    let bytes = compiled.code_buffer().to_vec();
    let mut relocs = Vec::new();
    let mut traps = Vec::new();
    for r in compiled.buffer.relocs() {
        let target = match &r.target {
            FinalizedRelocTarget::ExternalName(ExternalName::User(nref)) => {
                let name: &UserExternalName = &names[*nref];
                RelocTarget::Func(name.index)
            }
            FinalizedRelocTarget::ExternalName(ExternalName::LibCall(lc)) => {
                RelocTarget::LibCall(*lc)
            }
            other => {
                return Err(Error::compile(format!(
                    "unexpected relocation target {other:?}"
                )));
            }
        };
        relocs.push(Relocation {
            offset: r.offset,
            kind: r.kind,
            target,
            addend: r.addend,
        });
    }
    let srclocs = compiled
        .buffer
        .get_srclocs_sorted()
        .iter()
        .filter(|s| !s.loc.is_default())
        .map(|s| (s.start, s.loc.bits()))
        .collect();
    for t in compiled.buffer.traps() {
        let code = traps::from_cranelift(t.code)
            .ok_or_else(|| Error::compile(format!("unknown trap code {}", t.code)))?;
        traps.push((t.offset, code));
    }
    let mut call_sites = Vec::new();
    let mut handlers = Vec::new();
    for site in compiled.buffer.call_sites() {
        if site.exception_handlers.is_empty() {
            continue;
        }
        let frame_offset = site
            .frame_offset
            .ok_or_else(|| Error::compile("a call with handlers has no frame offset"))?;
        let start = handlers.len() as u32;
        for h in site.exception_handlers {
            use cranelift_codegen::{ExceptionContextLoc, FinalizedMachExceptionHandler as H};
            handlers.push(match *h {
                H::Tag(tag, target) => HandlerRec::Tag {
                    tag: tag.as_u32(),
                    target,
                },
                H::Default(target) => HandlerRec::Default(target),
                H::Context(ExceptionContextLoc::SPOffset(off)) => HandlerRec::Context(off),
                H::Context(ExceptionContextLoc::GPR(_)) => {
                    return Err(Error::compile(
                        "an exception context was left in a register",
                    ));
                }
            });
        }
        call_sites.push(CallSite {
            ret: site.ret_addr,
            frame_offset,
            start,
            end: handlers.len() as u32,
        });
    }
    let mut stack_maps = Vec::new();
    let mut stack_slots = Vec::new();
    for (ret, span, map) in compiled.buffer.user_stack_maps() {
        let start = stack_slots.len() as u32;
        stack_slots.extend(map.entries().map(|(_, off)| off));
        stack_maps.push(StackMapRec {
            ret: *ret,
            span: *span,
            start,
            end: stack_slots.len() as u32,
        });
    }
    Ok(CompiledFunc {
        bytes,
        relocs,
        traps,
        srclocs,
        call_sites,
        handlers,
        stack_maps,
        stack_slots,
    })
}

/// Above this cost (IR values × block parameters, see `is_huge`) a function
/// is compiled with the engine's huge-function ISA (single-pass register
/// allocation, no optimisation). Real programs' biggest functions stay
/// below it (yosys, 69 MB of Wasm: 2.8e10, its 33 functions above 4e8
/// compile as fast with the optimising allocator and need it: their
/// single-pass frames of over 100 KB exhausted the default 512 KiB Wasm
/// stack after eight recursive calls). A chain of branches is the worst
/// case below it: about 80,000 `if`/`else` in a row, some 30 s (as in
/// Wasmtime, which has no such tier).
pub const HUGE_FUNCTION_COST: usize = 32_000_000_000;

/// How one function is compiled: the engine's settings and the module's
/// layout.
#[derive(Clone, Copy)]
pub(crate) struct FuncCompiler<'a> {
    pub isa: &'a dyn TargetIsa,
    pub huge_isa: &'a dyn TargetIsa,
    pub info: &'a ModuleInfo,
    pub offsets: VMOffsets,
    pub epoch_interruption: bool,
    pub max_function_size: usize,
    /// See `env::FuncEnv::colocated_calls`.
    pub colocated_calls: bool,
}

/// A limit error when a body is larger than the engine allows.
pub(crate) fn check_body_size(func_index: u32, size: usize, max_function_size: usize) -> Result<()> {
    if size > max_function_size {
        return Err(Error::limit(format!(
            "function {func_index} has a body of {size} bytes, more than the engine's \
             max_function_size of {max_function_size}"
        )));
    }
    Ok(())
}

fn translate_and_compile(
    c: &FuncCompiler<'_>,
    func_index: u32,
    pending: PendingBody<'_>,
) -> Result<CompiledFunc> {
    let FuncCompiler {
        isa,
        huge_isa,
        info,
        offsets,
        epoch_interruption,
        max_function_size,
        colocated_calls,
    } = *c;
    let range = pending.body.range();
    check_body_size(func_index, (range.end - range.start) as usize, max_function_size)?;
    // Validated operator by operator as it is translated.
    let validator = pending.validator.into_validator(Default::default());
    let call_conv = isa.default_call_conv();
    let sig = env::wasm_signature(info.func_type(func_index));
    let mut func = ir::Function::with_name_signature(ir::UserFuncName::user(0, func_index), sig);
    // Stack limit: vmctx -> limits -> stack_limit, checked in the prologue.
    let vmctx = func.create_global_value(ir::GlobalValueData::VMContext);
    let flags = func
        .dfg
        .mem_flags
        .insert(ir::MemFlagsData::trusted())
        .map_err(|_| Error::compile("too many memory flag sets"))?;
    let limits = func.create_global_value(ir::GlobalValueData::Load {
        base: vmctx,
        offset: crate::runtime::vmctx::VMCTX_LIMITS.into(),
        global_type: ir::types::I64,
        flags,
    });
    let limit = func.create_global_value(ir::GlobalValueData::Load {
        base: limits,
        offset: 0.into(),
        global_type: ir::types::I64,
        flags,
    });
    func.stack_limit = Some(limit);
    let env = env::FuncEnv {
        info,
        func_index,
        offsets,
        call_conv,
        frontend: isa.frontend_config(),
        epoch_interruption,
        cpu: env::CpuSupport::of(isa),
        colocated_calls,
    };
    let mut fctx = FunctionBuilderContext::new();
    let builder = FunctionBuilder::new(&mut func, &mut fctx);
    translate::Translator::new(&env, builder, validator)
        .translate(&pending.body)
        .map_err(|e| Error::from_parser(e, true))?;
    // The optimising register allocator's cost grows with the square of
    // a function's block count: huge functions get the linear one.
    let isa = if is_huge(&func) { huge_isa } else { isa };
    compile_ir(isa, func)
}

/// Whether `func` is too big for the optimising register allocator:
/// regalloc2's backtracking allocator (Cranelift 0.135), on a long chain of
/// branches that each merge a value, spends time in proportion to the
/// count of values times the count of block parameters when it places its
/// moves (real code with as many of both is much cheaper), so such chains
/// take seconds to minutes (20,000 `if`/`else` in a row: 3 s;
/// 160,000: 3 min; Wasmtime shares the allocator and the problem). Above
/// `HUGE_FUNCTION_COST` the single-pass allocator is used instead, whose
/// time grows linearly. Real functions stay below: SQLite's biggest, its
/// bytecode interpreter, costs 8e7; yosys's, 2.8e10. The single-pass allocator gives
/// every spilled value its own stack slot, so such a function needs a
/// larger frame (about 32 bytes per branch).
fn is_huge(func: &ir::Function) -> bool {
    let params: usize = func
        .layout
        .blocks()
        .map(|b| func.dfg.num_block_params(b))
        .sum();
    func.dfg.num_values().saturating_mul(params) > HUGE_FUNCTION_COST
}

/// Validates, translates and compiles every function body, in parallel on
/// all cores, and lays the code out with one entry trampoline per type
/// (`load_image` places it in executable memory), with `engine`'s
/// settings: with `epoch_interruption`, functions check the epoch deadline
/// at entry and in every loop; `max_function_size` and `max_compile_time`
/// are limit errors.
pub fn compile_image(
    engine: &crate::Engine,
    info: &ModuleInfo,
    bodies: Vec<PendingBody<'_>>,
) -> Result<CodeImage> {
    let isa = engine.isa();
    let config = engine.config();
    let epoch_interruption = config.epoch_interruption;
    let started = std::time::Instant::now();
    let offsets = VMOffsets::for_module(info);
    let n = bodies.len();
    let jobs: Vec<Mutex<Option<PendingBody<'_>>>> =
        bodies.into_iter().map(|b| Mutex::new(Some(b))).collect();
    let results: Vec<Mutex<Option<Result<CompiledFunc>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    let compiler = FuncCompiler {
        isa,
        huge_isa: engine.huge_isa(),
        info,
        offsets,
        epoch_interruption,
        max_function_size: config.max_function_size,
        colocated_calls: true,
    };
    parallel_for(n, 4, |_: &mut (), i| {
        let Some(job) = jobs[i].lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return true;
        };
        let func_index = info.num_imported_funcs + i as u32;
        let r = match config.max_compile_time {
            Some(limit) if started.elapsed() > limit => Err(Error::limit(format!(
                "compiling took longer than the engine's max_compile_time of {limit:?}"
            ))),
            _ => translate_and_compile(&compiler, func_index, job),
        };
        let ok = r.is_ok();
        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        // The module fails anyway: the other workers stop.
        ok
    });
    let mut funcs = Vec::with_capacity(n);
    for r in results {
        let r = r.into_inner().unwrap_or_else(|e| e.into_inner());
        funcs.push(r.ok_or_else(|| Error::compile("a function was not compiled"))??);
    }
    let tramps = compile_trampolines(isa, info)?;
    let all: Vec<&CompiledFunc> = funcs.iter().chain(tramps.iter()).collect();
    Ok(CodeImage::build(&all, (0..n as u32).collect()))
}

/// Runs `job(state, i)` once for every `i < n`, on up to all cores when
/// `n` is at least `min_parallel`; indices are handed out in increasing
/// order, and each worker thread has its own `state`. A job returning
/// `false` stops the workers from taking further indices (those below it
/// were all taken already, so they finish).
pub(crate) fn parallel_for<S: Default>(
    n: usize,
    min_parallel: usize,
    job: impl Fn(&mut S, usize) -> bool + Sync,
) {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut state = S::default();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            if !job(&mut state, i) {
                next.store(n, Ordering::Relaxed);
            }
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n.max(1));
    if threads <= 1 || n < min_parallel {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(work);
            }
            work();
        });
    }
}

/// The entry trampolines of a module: one per type index (struct and
/// array types get the empty signature's: never called, it keeps the
/// indexing simple).
pub(crate) fn compile_trampolines(isa: &dyn TargetIsa, info: &ModuleInfo) -> Result<Vec<CompiledFunc>> {
    let call_conv = isa.default_call_conv();
    (0..info.types.len() as u32)
        .map(|t| {
            compile_ir(
                isa,
                trampolines::entry(info.sig(t), call_conv, isa.frontend_config()),
            )
        })
        .collect()
}

/// Tells the engine's profiler (if any) where the functions and
/// trampolines of `img`, loaded at `base`, are.
pub(crate) fn profile_image(engine: &crate::Engine, info: &ModuleInfo, img: &CodeImage, base: usize) {
    use crate::runtime::profiling::{self, Profiler, Symbol};
    let profiler = engine.config().profiler;
    if profiler == Profiler::None {
        return;
    }
    let module = info.module_name.as_deref();
    let n = img.num_funcs as usize;
    let symbols: Vec<Symbol> = img
        .offsets
        .iter()
        .zip(&img.ends)
        .enumerate()
        .map(|(k, (start, end))| {
            let name = if k < n {
                let index = info.num_imported_funcs + img.func_ids[k];
                profiling::symbol_name(module, info.func_names.get(&index).map(String::as_str), index)
            } else {
                profiling::symbol_name(module, Some(&format!("trampoline[{}]", k - n)), 0)
            };
            Symbol {
                start: base + *start as usize,
                size: end.saturating_sub(*start) as usize,
                name,
            }
        })
        .collect();
    profiling::register(profiler, &symbols);
}

/// Loads a module's entry trampolines alone and prepares its functions
/// for lazy compilation (see `lazy`): `pending` are its bodies, decoded
/// from `binary`, at `body_offsets`.
pub fn load_lazy(
    engine: &crate::Engine,
    info: Arc<ModuleInfo>,
    binary: Arc<[u8]>,
    pending: Vec<PendingBody<'_>>,
    body_offsets: &[u32],
    options: lazy::LazyOptions,
) -> Result<CompiledModule> {
    let tramps = compile_trampolines(engine.isa(), &info)?;
    let all: Vec<&CompiledFunc> = tramps.iter().collect();
    let img = CodeImage::build(&all, Vec::new());
    let memory = CodeMemory::new(&img.image, |bytes, base| {
        code::apply_relocs(bytes, base, 0, &img.relocs, &|_| None)
    })?;
    let base = memory.base();
    profile_image(engine, &info, &img, base);
    let lazy = lazy::LazyCode::new(engine, info, binary, pending, base, body_offsets, tramps, options)?;
    Ok(CompiledModule {
        funcs: (0..body_offsets.len()).map(|i| lazy.entry(i)).collect(),
        entry_trampolines: img.offsets.iter().map(|o| base + *o as usize).collect(),
        code: memory,
        lazy: Some(lazy),
    })
}

impl CodeImage {
    /// Lays out `all` (first the Wasm functions with defined-function
    /// indices `func_ids`, then trampolines) into one image and gathers
    /// their records, made relative to the image's start.
    pub(crate) fn build(all: &[&CompiledFunc], func_ids: Vec<u32>) -> CodeImage {
        let (image, offsets) = code::layout(all);
        let n = func_ids.len();
        let mut out = CodeImage {
            image,
            num_funcs: n as u32,
            func_ids,
            ..Default::default()
        };
        for (i, f) in all.iter().enumerate() {
            let start = offsets[i];
            out.relocs.extend(f.relocs.iter().map(|r| Relocation {
                offset: start + r.offset,
                ..*r
            }));
            if i < n {
                out.add_records(f, start);
            }
        }
        out.traps.sort_by_key(|t| t.0);
        out.ends = all
            .iter()
            .zip(&offsets)
            .map(|(f, o)| o + f.bytes.len() as u32)
            .collect();
        out.offsets = offsets;
        out
    }

    /// The Wasm functions of the image, each as compiled (offsets relative
    /// to itself again), with its defined-function index: the inverse of
    /// `build`.
    pub(crate) fn split(&self) -> Vec<(u32, CompiledFunc)> {
        let n = self.num_funcs as usize;
        let mut funcs: Vec<CompiledFunc> = (0..n)
            .map(|k| CompiledFunc {
                bytes: self.image[self.offsets[k] as usize..self.ends[k] as usize].to_vec(),
                ..Default::default()
            })
            .collect();
        // The function holding offset `off` (one binary search per record:
        // linear in the image's size, whatever the records' order). A
        // return address may be the function's last byte + 1.
        let holder = |off: u32, is_return: bool| -> Option<usize> {
            let probe = if is_return { off.checked_sub(1)? } else { off };
            let k = self.offsets[..n].partition_point(|s| *s <= probe).checked_sub(1)?;
            (probe < self.ends[k]).then_some(k)
        };
        for r in &self.relocs {
            if let Some(k) = holder(r.offset, false) {
                funcs[k].relocs.push(Relocation { offset: r.offset - self.offsets[k], ..*r });
            }
        }
        for (o, c) in &self.traps {
            if let Some(k) = holder(*o, false) {
                funcs[k].traps.push((o - self.offsets[k], *c));
            }
        }
        for (o, l) in &self.srclocs {
            if let Some(k) = holder(*o, false) {
                funcs[k].srclocs.push((o - self.offsets[k], *l));
            }
        }
        for c in &self.call_sites {
            let Some(k) = holder(c.ret, true) else { continue };
            let start = self.offsets[k];
            let f = &mut funcs[k];
            let first = f.handlers.len() as u32;
            let list = self.handlers.get(c.start as usize..c.end as usize).unwrap_or(&[]);
            f.handlers.extend(list.iter().map(|h| match *h {
                HandlerRec::Tag { tag, target } => HandlerRec::Tag {
                    tag,
                    target: target.saturating_sub(start),
                },
                HandlerRec::Default(target) => HandlerRec::Default(target.saturating_sub(start)),
                ctx => ctx,
            }));
            f.call_sites.push(CallSite {
                ret: c.ret - start,
                start: first,
                end: f.handlers.len() as u32,
                ..*c
            });
        }
        for m in &self.stack_maps {
            let Some(k) = holder(m.ret, true) else { continue };
            let f = &mut funcs[k];
            let first = f.stack_slots.len() as u32;
            let slots = self.stack_slots.get(m.start as usize..m.end as usize).unwrap_or(&[]);
            f.stack_slots.extend_from_slice(slots);
            f.stack_maps.push(StackMapRec {
                ret: m.ret - self.offsets[k],
                start: first,
                end: f.stack_slots.len() as u32,
                ..*m
            });
        }
        funcs
            .into_iter()
            .enumerate()
            .map(|(k, f)| (self.func_ids.get(k).copied().unwrap_or(k as u32), f))
            .collect()
    }

    /// Adds the trap, source, handler and stack-map records of Wasm
    /// function `f`, placed at `start`.
    fn add_records(&mut self, f: &CompiledFunc, start: u32) {
        let out = self;
        out.traps
            .extend(f.traps.iter().map(|(o, c)| (start + o, *c)));
        out.srclocs
            .extend(f.srclocs.iter().map(|(o, l)| (start + o, *l)));
        let base = out.handlers.len() as u32;
        out.handlers.extend(f.handlers.iter().map(|h| match *h {
            HandlerRec::Tag { tag, target } => HandlerRec::Tag {
                tag,
                target: start + target,
            },
            HandlerRec::Default(target) => HandlerRec::Default(start + target),
            ctx => ctx,
        }));
        out.call_sites.extend(f.call_sites.iter().map(|c| CallSite {
            ret: start + c.ret,
            start: base + c.start,
            end: base + c.end,
            ..*c
        }));
        let slots = out.stack_slots.len() as u32;
        out.stack_slots.extend_from_slice(&f.stack_slots);
        out.stack_maps.extend(f.stack_maps.iter().map(|m| StackMapRec {
            ret: start + m.ret,
            start: slots + m.start,
            end: slots + m.end,
            ..*m
        }));
    }
}

/// A module's machine code before it is loaded: one image with every
/// defined function and then one entry trampoline per type, and what
/// loading it needs. Everything here is relative to the image's start.
#[derive(Default, Debug)]
pub struct CodeImage {
    pub image: Vec<u8>,
    /// Number of Wasm functions (they come first).
    pub num_funcs: u32,
    /// The defined-function index of each, in increasing order: `0..n`
    /// for a whole module; a cache entry of a lazily compiled module holds
    /// only the functions compiled so far.
    pub func_ids: Vec<u32>,
    /// Start of each function, then of each trampoline.
    pub offsets: Vec<u32>,
    /// End of each, in the same order.
    pub ends: Vec<u32>,
    pub relocs: Vec<Relocation>,
    /// (offset, trap code), sorted.
    pub traps: Vec<(u32, crate::runtime::trap::TrapCode)>,
    /// (offset, module byte offset of the Wasm operator), by function.
    pub srclocs: Vec<(u32, u32)>,
    /// Calls with exception handlers, sorted by return offset.
    pub call_sites: Vec<CallSite>,
    pub handlers: Vec<HandlerRec>,
    /// Calls with live GC references, sorted by return offset.
    pub stack_maps: Vec<StackMapRec>,
    pub stack_slots: Vec<u32>,
}

/// Places `img` in executable memory, applies its relocations and
/// registers its trap and frame information. `body_offsets` gives each
/// defined function's body offset in the module binary.
pub fn load_image(
    img: &CodeImage,
    info: &ModuleInfo,
    body_offsets: &[u32],
) -> Result<CompiledModule> {
    let n = img.num_funcs as usize;
    let count = img.offsets.len();
    if n > count
        || img.ends.len() != count
        || img.func_ids.len() != n
        || img.func_ids.iter().enumerate().any(|(i, d)| *d as usize != i)
        || body_offsets.len() != n
        || count != n + info.types.len()
        || n + info.num_imported_funcs as usize != info.funcs.len()
    {
        return Err(Error::compile("machine code does not match the module"));
    }
    let nimp = info.num_imported_funcs;
    let offs = &img.offsets;
    let mut memory = CodeMemory::new(&img.image, |bytes, base| {
        code::apply_relocs(bytes, base, 0, &img.relocs, &|idx| {
            let d = idx.checked_sub(nimp)? as usize;
            (d < n).then(|| base + offs[d] as usize)
        })
    })?;
    let base = memory.base();
    let module = Arc::new(module_code_info(base, info, body_offsets));
    memory.register(Arc::new(img.code_info(module, nimp)));
    Ok(CompiledModule {
        funcs: offs[..n].iter().map(|o| base + *o as usize).collect(),
        entry_trampolines: offs[n..].iter().map(|o| base + *o as usize).collect(),
        code: memory,
        lazy: None,
    })
}

/// The names and body offsets of a module's code, identified by `id`.
pub(crate) fn module_code_info(id: usize, info: &ModuleInfo, body_offsets: &[u32]) -> ModuleCodeInfo {
    ModuleCodeInfo {
        id,
        module_name: info.module_name.clone(),
        func_names: info.func_names.clone(),
        body_offsets: body_offsets
            .iter()
            .enumerate()
            .map(|(i, o)| (info.num_imported_funcs + i as u32, *o))
            .collect(),
    }
}

impl CodeImage {
    /// The registry record of this image once loaded, in a module with
    /// `num_imported` imported functions: its Wasm functions and their
    /// trap, source, handler and stack-map records.
    pub(crate) fn code_info(&self, module: Arc<ModuleCodeInfo>, num_imported: u32) -> CodeInfo {
        CodeInfo {
            traps: self.traps.clone(),
            srclocs: self.srclocs.clone(),
            call_sites: self.call_sites.clone(),
            handlers: self.handlers.clone(),
            stack_maps: self.stack_maps.clone(),
            stack_slots: self.stack_slots.clone(),
            funcs: (0..self.num_funcs as usize)
                .map(|i| FuncRange {
                    start: self.offsets[i],
                    end: self.ends[i],
                    func_index: num_imported + self.func_ids[i],
                })
                .collect(),
            module,
        }
    }
}

/// Compiles the exit trampoline for host functions of type `ty`.
/// Compiles the throw stub (see `trampolines::throw_stub`) into its own
/// executable memory.
pub fn compile_throw_stub(isa: &dyn TargetIsa) -> Result<CodeMemory> {
    let f = compile_ir(
        isa,
        trampolines::throw_stub(
            isa.default_call_conv(),
            isa.frontend_config(),
            crate::runtime::exception::throw_entry as *const () as usize,
        ),
    )?;
    if !f.relocs.is_empty() {
        return Err(Error::compile("unexpected relocation in the throw stub"));
    }
    let (image, _) = code::layout(&[&f]);
    CodeMemory::new(&image, |_, _| Ok(()))
}

pub fn compile_exit_trampoline(
    isa: &dyn TargetIsa,
    ty: &crate::types::FuncType,
) -> Result<CodeMemory> {
    let f = compile_ir(
        isa,
        trampolines::exit(ty, isa.default_call_conv(), isa.frontend_config()),
    )?;
    if let Some(r) = f.relocs.iter().find(|r| !matches!(r.kind, Reloc::Abs8)) {
        return Err(Error::compile(format!(
            "unexpected relocation in trampoline: {r:?}"
        )));
    }
    let (image, offs) = code::layout(&[&f]);
    CodeMemory::new(&image, |img, base| {
        code::apply_relocs(img, base, offs[0], &f.relocs, &|_| None)
    })
}
