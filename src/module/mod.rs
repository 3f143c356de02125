//! Stage 1 of the pipeline: decode and validate a module with wasmparser,
//! then hand it to the compiler. `Module` is the compiled result.

pub mod cache;
pub mod decode;
pub mod info;
pub mod precompiled;
pub mod text;

pub use info::ModuleInfo;
use text::to_binary;

use crate::compile::{self, CompiledModule};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::types::{ExportType, ImportType};
use std::sync::Arc;

/// Magic and format version at the start of serialized modules.
const SERIALIZED_MAGIC: &[u8] = b"\0wasi-rt-module\x01";

/// Decodes, validates and compiles a binary: its description, machine
/// code, and function body offsets.
fn compile_binary(
    engine: &Engine,
    binary: &[u8],
) -> Result<(ModuleInfo, compile::CodeImage, Vec<u32>)> {
    let (info, bodies) = decode::decode(binary, engine)?;
    let offsets = body_offsets(&bodies);
    let code = compile::compile_image(engine, &info, bodies)?;
    Ok((info, code, offsets))
}

/// Where each function body starts in the module binary.
fn body_offsets(bodies: &[decode::PendingBody<'_>]) -> Vec<u32> {
    bodies.iter().map(|b| b.body.range().start as u32).collect()
}

struct ModuleInner {
    engine: Engine,
    /// The binary the module was compiled from (for `serialize`, and for
    /// compiling lazily).
    binary: Arc<[u8]>,
    info: Arc<ModuleInfo>,
    type_ids: Vec<u32>,
    compiled: CompiledModule,
    /// Where a lazily compiled module saves its code (`Config::cache`).
    cache: Option<cache::CacheEntry>,
    /// Whether the code came from the cache.
    from_cache: bool,
}

/// Saves the code `lazy` has compiled so far to `entry`; whether it wrote.
fn save(
    engine: &Engine,
    binary: &[u8],
    info: &ModuleInfo,
    lazy: &compile::lazy::LazyCode,
    entry: &cache::CacheEntry,
) -> Result<bool> {
    let Some((img, count)) = lazy.snapshot() else {
        return Ok(false);
    };
    let data = precompiled::write(engine, binary, info, &img)?;
    entry.write(&data)?;
    lazy.mark_saved(count);
    Ok(true)
}

/// A validated, compiled module. Cheap to clone; `Send + Sync`, so one
/// module can be instantiated from many threads.
#[derive(Clone)]
pub struct Module(Arc<ModuleInner>);

impl Module {
    /// Compiles a module from its binary encoding or its text (`.wat`) form.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let binary = to_binary(bytes.as_ref())?;
        Module::from_binary(engine, &binary)
    }

    /// Compiles a module from its binary encoding (or, with
    /// `Config::lazy_compilation`, validates it and prepares each function
    /// to compile on its first call). With `Config::cache`, code the cache
    /// holds for this binary and engine is loaded instead of compiled, and
    /// what is compiled is saved there (see `cache`).
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let entry = engine.config().cache.as_ref().and_then(|c| {
            cache::CacheEntry::new(c, bytes, &precompiled::fingerprint(engine)).ok()
        });
        if let Some(entry) = &entry
            && let Some(data) = entry.read()
        {
            // SAFETY: the cache directory is trusted like precompiled files
            // (see `cache`); the entry is checked to hold this binary.
            match unsafe { Module::from_code_bytes(engine, &data, Some(bytes), Some(entry.clone())) } {
                Ok(m) => return Ok(m),
                // Corrupt, truncated, stale or foreign: compiled afresh
                // and replaced below.
                Err(_) => entry.remove(),
            }
        }
        if engine.config().lazy_compilation && compile::lazy::SUPPORTED {
            return Module::new_lazy(engine, bytes, entry);
        }
        let (info, code, body_offsets) = compile_binary(engine, bytes)?;
        if let Some(entry) = &entry
            && let Ok(data) = precompiled::write(engine, bytes, &info, &code)
        {
            // Failing to fill the cache is not the module's failure.
            let _ = entry.write(&data);
        }
        Module::load(engine, bytes, info, &code, &body_offsets, false)
    }

    fn new_lazy(engine: &Engine, bytes: &[u8], entry: Option<cache::CacheEntry>) -> Result<Module> {
        let binary: Arc<[u8]> = bytes.into();
        let (info, bodies) = decode::decode(&binary, engine)?;
        if bodies.is_empty() {
            // Nothing to compile lazily.
            let code = compile::compile_image(engine, &info, bodies)?;
            return Module::load(engine, bytes, info, &code, &[], false);
        }
        let offsets = body_offsets(&bodies);
        Module::lazy(engine, Arc::new(info), binary.clone(), bodies, &offsets, true, entry, None)
    }

    /// A lazily compiled module: `bodies` validated first when `validate`;
    /// the functions of `code` (some of them) installed at once; the code
    /// saved to `entry` whenever it grows (`update_cache`, or once the
    /// background compiler is done).
    #[allow(clippy::too_many_arguments)]
    fn lazy(
        engine: &Engine,
        info: Arc<ModuleInfo>,
        binary: Arc<[u8]>,
        bodies: Vec<decode::PendingBody<'_>>,
        offsets: &[u32],
        validate: bool,
        entry: Option<cache::CacheEntry>,
        code: Option<&compile::CodeImage>,
    ) -> Result<Module> {
        let from_cache = code.is_some() && entry.is_some();
        let on_complete = entry.clone().map(|entry| {
            let engine = engine.clone();
            let binary = binary.clone();
            let info = info.clone();
            Box::new(move |lazy: &compile::lazy::LazyCode| {
                let _ = save(&engine, &binary, &info, lazy, &entry);
            }) as compile::lazy::CompleteHook
        });
        let options = compile::lazy::LazyOptions {
            validate,
            keep: entry.is_some(),
            on_complete,
        };
        let compiled = compile::load_lazy(engine, info.clone(), binary.clone(), bodies, offsets, options)?;
        let lazy = compiled.lazy.clone().ok_or_else(|| Error::compile("lazy code missing"))?;
        if let Some(code) = code {
            lazy.install(code)?;
        }
        lazy.start_background();
        let type_ids = info.type_ids.clone();
        Ok(Module(Arc::new(ModuleInner {
            engine: engine.clone(),
            binary,
            info,
            type_ids,
            compiled,
            cache: entry,
            from_cache,
        })))
    }

    /// Saves the machine code compiled so far to the engine's code cache,
    /// if it has grown since it was loaded or last saved: a lazily
    /// compiled module's next load then starts with those functions
    /// compiled. Returns whether it wrote. (A module compiled at once is
    /// saved when it is compiled; the background compiler saves a lazily
    /// compiled one once every function has code.) Without
    /// `Config::cache`, does nothing.
    pub fn update_cache(&self) -> Result<bool> {
        match (&self.0.compiled.lazy, &self.0.cache) {
            (Some(lazy), Some(entry)) if lazy.unsaved() => {
                save(&self.0.engine, &self.0.binary, &self.0.info, lazy, entry)
            }
            _ => Ok(false),
        }
    }

    /// Whether the module's code came from the engine's code cache
    /// (`Config::cache`) rather than the compiler.
    pub fn loaded_from_cache(&self) -> bool {
        self.0.from_cache
    }

    /// How many of the module's defined functions have machine code, and
    /// how many it defines. A module compiled at once (the default) has
    /// code for all; with `Config::lazy_compilation`, a function gets its
    /// code on its first call or from the background compiler.
    pub fn compiled_functions(&self) -> (usize, usize) {
        let total = self.0.compiled.funcs.len();
        match &self.0.compiled.lazy {
            Some(lazy) => (lazy.compiled(), total),
            None => (total, total),
        }
    }

    /// Compiles, on this thread, every function that has no machine code
    /// yet (with `Config::lazy_compilation`; otherwise there is none): the
    /// first call of each then costs nothing more. Fails if a function
    /// cannot be compiled.
    pub fn compile_all(&self) -> Result<()> {
        match &self.0.compiled.lazy {
            Some(lazy) => lazy.compile_all(),
            None => Ok(()),
        }
    }

    fn load(
        engine: &Engine,
        binary: &[u8],
        info: ModuleInfo,
        code: &compile::CodeImage,
        body_offsets: &[u32],
        from_cache: bool,
    ) -> Result<Module> {
        let compiled = compile::load_image(code, &info, body_offsets)?;
        compile::profile_image(engine, &info, code, compiled.code.base());
        let type_ids = info.type_ids.clone();
        Ok(Module(Arc::new(ModuleInner {
            engine: engine.clone(),
            binary: binary.into(),
            info: Arc::new(info),
            type_ids,
            compiled,
            cache: None,
            from_cache,
        })))
    }

    /// Validates and compiles a module (binary or text) and returns its
    /// machine code in a byte form that [`Module::from_precompiled`] loads
    /// without compiling, in a later process, into an engine with the same
    /// configuration on the same kind of CPU.
    pub fn precompile(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Vec<u8>> {
        let binary = to_binary(bytes.as_ref())?;
        let (info, code, _) = compile_binary(engine, &binary)?;
        precompiled::write(engine, &binary, &info, &code)
    }

    /// Whether `bytes` start like the output of [`Module::precompile`]
    /// (a cheap look at the header; loading checks everything).
    pub fn is_precompiled(bytes: &[u8]) -> bool {
        precompiled::is_precompiled(bytes)
    }

    /// Loads a module made by [`Module::precompile`] without compiling it.
    /// Bytes that are not a precompiled module, are cut short, or were made
    /// by another wasi-rt version or an engine with other settings are
    /// refused with an error.
    ///
    /// # Safety
    /// The machine code inside is run as it is: the bytes must come from
    /// `Module::precompile` (for example, a file this program wrote and
    /// nobody else can change). Loading bytes an attacker controls lets
    /// them run any code in the host process.
    pub unsafe fn from_precompiled(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        // SAFETY: forwarded.
        unsafe { Module::from_code_bytes(engine, bytes, None, None) }
    }

    /// Loads precompiled-format `data`; with `expect`, only if it holds
    /// exactly that binary. Code for some functions only (saved from a
    /// lazily compiled module) makes a lazily compiled module with those
    /// installed. `entry` is the cache entry `data` came from.
    ///
    /// # Safety
    /// As for `from_precompiled`.
    unsafe fn from_code_bytes(
        engine: &Engine,
        data: &[u8],
        expect: Option<&[u8]>,
        entry: Option<cache::CacheEntry>,
    ) -> Result<Module> {
        let mut binary: &[u8] = &[];
        let mut bodies = Vec::new();
        let (info, code) = precompiled::read(engine, data, |b| {
            if expect.is_some_and(|e| e != b) {
                return Err(Error::new(ErrorKind::Malformed {
                    message: "precompiled module: made from another module".into(),
                    offset: None,
                }));
            }
            binary = b;
            let (info, pending) = decode::decode(b, engine)?;
            bodies = pending;
            Ok(info)
        })?;
        let offsets = body_offsets(&bodies);
        let defined = info.funcs.len() - info.num_imported_funcs as usize;
        if code.num_funcs as usize == defined || !compile::lazy::SUPPORTED {
            return Module::load(engine, binary, info, &code, &offsets, entry.is_some());
        }
        let binary: Arc<[u8]> = binary.into();
        // The module was validated when this code was compiled (and each
        // body is checked again as it is translated).
        Module::lazy(engine, Arc::new(info), binary, bodies, &offsets, false, entry, Some(&code))
    }

    /// A byte form of the module that [`Module::deserialize`] turns back
    /// into an equal module. It holds the module's binary, which
    /// `deserialize` validates and compiles again, so it is safe to load
    /// from anywhere; [`Module::precompile`] keeps the machine code instead.
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = SERIALIZED_MAGIC.to_vec();
        out.extend_from_slice(&self.0.binary);
        out
    }

    /// A module from bytes made by [`Module::serialize`]; other bytes are
    /// refused with an error.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let binary = bytes.strip_prefix(SERIALIZED_MAGIC).ok_or_else(|| {
            Error::new(ErrorKind::Malformed {
                message: "not a serialized wasi-rt module".into(),
                offset: None,
            })
        })?;
        Module::from_binary(engine, binary)
    }

    /// Checks that `bytes` are a valid module without compiling it.
    pub fn validate(bytes: &[u8]) -> Result<()> {
        let mut v = wasmparser::Validator::new_with_features(decode::features(
            &crate::engine::Features::default(),
        ));
        v.validate_all(bytes)
            .map_err(|e| Error::from_parser(e, true))?;
        Ok(())
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType> + '_ {
        let info = &self.0.info;
        info.imports.iter().map(move |i| ImportType {
            module: i.module.clone(),
            name: i.name.clone(),
            ty: info.import_type(i),
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType> + '_ {
        let info = &self.0.info;
        info.exports.iter().map(move |(n, i)| ExportType {
            name: n.clone(),
            ty: info.export_type(*i),
        })
    }

    /// The name from the name section, if any.
    pub fn name(&self) -> Option<&str> {
        self.0.info.module_name.as_deref()
    }

    /// Whether both handles are the same compiled module.
    pub fn same(&self, other: &Module) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    pub(crate) fn info(&self) -> &ModuleInfo {
        &self.0.info
    }
    pub(crate) fn type_ids(&self) -> &[u32] {
        &self.0.type_ids
    }
    pub(crate) fn compiled(&self) -> &CompiledModule {
        &self.0.compiled
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name())
            .field("imports", &self.0.info.imports.len())
            .field("exports", &self.0.info.exports.len())
            .finish_non_exhaustive()
    }
}
