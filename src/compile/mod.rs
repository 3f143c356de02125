//! Stage 2 of the pipeline: Wasm function bodies → Cranelift IR → machine
//! code placed in executable memory.

pub mod code;
pub mod env;
pub mod trampolines;
pub mod translate;
pub mod traps;

use crate::error::{Error, Result};
use crate::module::ModuleInfo;
use crate::module::decode::PendingBody;
use crate::runtime::code::{CodeInfo, CodeMemory, FuncRange};
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
    pub code: CodeMemory,
    /// Address of each defined function (index = defined function index).
    pub funcs: Vec<usize>,
    /// Address of the entry trampoline of each type of the module.
    pub entry_trampolines: Vec<usize>,
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
    Ok(CompiledFunc {
        bytes,
        relocs,
        traps,
        srclocs,
    })
}

fn translate_and_compile(
    isa: &dyn TargetIsa,
    info: &ModuleInfo,
    offsets: VMOffsets,
    func_index: u32,
    pending: PendingBody<'_>,
    epoch_interruption: bool,
) -> Result<CompiledFunc> {
    let mut validator = pending.validator.into_validator(Default::default());
    validator
        .validate(&pending.body)
        .map_err(|e| Error::from_parser(e, true))?;
    let call_conv = isa.default_call_conv();
    let sig = env::wasm_signature(info.func_type(func_index), call_conv);
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
    };
    let mut fctx = FunctionBuilderContext::new();
    let builder = FunctionBuilder::new(&mut func, &mut fctx);
    translate::Translator::new(&env, builder)
        .translate(&pending.body)
        .map_err(|e| Error::from_parser(e, true))?;
    compile_ir(isa, func)
}

/// Validates, translates and compiles every function body, in parallel on
/// all cores, then places the code and its entry trampolines. With
/// `epoch_interruption`, functions check the epoch deadline at entry and
/// in every loop.
pub fn compile_module(
    isa: &dyn TargetIsa,
    info: &ModuleInfo,
    bodies: Vec<PendingBody<'_>>,
    epoch_interruption: bool,
) -> Result<CompiledModule> {
    let offsets = VMOffsets::new(
        info.memories.len() as u32,
        info.tables.len() as u32,
        info.globals.len() as u32,
        info.funcs.len() as u32,
        info.types.len() as u32,
    );
    let n = bodies.len();
    let body_offsets: Vec<u32> = bodies.iter().map(|b| b.body.range().start as u32).collect();
    let jobs: Vec<Mutex<Option<PendingBody<'_>>>> =
        bodies.into_iter().map(|b| Mutex::new(Some(b))).collect();
    let results: Vec<Mutex<Option<Result<CompiledFunc>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n.max(1));
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let job = jobs[i].lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(job) = job {
                let func_index = info.num_imported_funcs + i as u32;
                let r =
                    translate_and_compile(isa, info, offsets, func_index, job, epoch_interruption);
                *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            }
        }
    };
    if threads <= 1 || n < 4 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(work);
            }
            work();
        });
    }
    let mut funcs = Vec::with_capacity(n);
    for r in results {
        let r = r.into_inner().unwrap_or_else(|e| e.into_inner());
        funcs.push(r.ok_or_else(|| Error::compile("a function was not compiled"))??);
    }
    let call_conv = isa.default_call_conv();
    let mut tramps = Vec::with_capacity(info.types.len());
    for ty in &info.types {
        tramps.push(compile_ir(
            isa,
            trampolines::entry(ty, call_conv, isa.frontend_config()),
        )?);
    }
    let all: Vec<&CompiledFunc> = funcs.iter().chain(tramps.iter()).collect();
    let (image, offs) = code::layout(&all);
    let mut code_info = CodeInfo {
        module_name: info.module_name.clone(),
        func_names: info.func_names.clone(),
        ..Default::default()
    };
    for (i, f) in funcs.iter().enumerate() {
        let start = offs[i];
        code_info.funcs.push(FuncRange {
            start,
            end: start + f.bytes.len() as u32,
            func_index: info.num_imported_funcs + i as u32,
        });
        code_info
            .traps
            .extend(f.traps.iter().map(|(o, c)| (start + o, *c)));
        code_info
            .srclocs
            .extend(f.srclocs.iter().map(|(o, l)| (start + o, *l)));
        code_info
            .body_offsets
            .insert(info.num_imported_funcs + i as u32, body_offsets[i]);
    }
    code_info.traps.sort_by_key(|t| t.0);
    let nimp = info.num_imported_funcs;
    let mut memory = CodeMemory::new(&image, |img, base| {
        for (i, f) in all.iter().enumerate() {
            code::apply_relocs(img, base, offs[i], &f.relocs, &|idx| {
                let d = idx.checked_sub(nimp)? as usize;
                (d < n).then(|| base + offs[d] as usize)
            })?;
        }
        Ok(())
    })?;
    memory.register(Arc::new(code_info));
    let base = memory.base();
    Ok(CompiledModule {
        funcs: offs[..n].iter().map(|o| base + *o as usize).collect(),
        entry_trampolines: offs[n..].iter().map(|o| base + *o as usize).collect(),
        code: memory,
    })
}

/// Compiles the exit trampoline for host functions of type `ty`.
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
