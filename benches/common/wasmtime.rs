//! A small wrapper around Wasmtime's C library, used by the benchmarks to put
//! wasi-rt and Wasmtime side by side in one process.
//!
//! The library (`_libwasmtime.so`, as shipped in the `wasmtime` PyPI wheel) is
//! opened at run time with `dlopen`, and only the standard WebAssembly C API
//! (`wasm.h`) is used: engine, store, module, instance, exports, func call.
//! Nothing here links against Wasmtime, so the benchmarks build and run
//! without it; [`Wasmtime::load`] returns `None` (and says why) when the
//! library cannot be found.
//!
//! Include it with `#[path = "common/wasmtime.rs"] mod wasmtime;`.
//!
//! Ownership: every C object is owned by exactly one Rust value and freed by
//! the matching `*_delete` in its `Drop`. Children hold an `Rc` to their
//! parent (func -> instance -> store -> engine), so a parent is never
//! deleted while a child still uses it. The library itself is never
//! `dlclose`d: Wasmtime installs signal handlers and thread-local destructors
//! that must outlive any unloading, and the process exits soon anyway.
//!
//! None of these types are `Send`/`Sync` (they hold raw pointers), which
//! matches the C API's rule that a store and everything in it is used from
//! one thread at a time.

#![allow(dead_code)]

use std::cell::OnceCell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr;
use std::rc::Rc;

// ---------------------------------------------------------------------------
// The C types from wasm.h that we touch. Opaque objects are zero-sized
// `repr(C)` structs, only ever used behind pointers.

#[repr(C)]
struct WasmEngine {
    _opaque: [u8; 0],
}
#[repr(C)]
struct WasmStore {
    _opaque: [u8; 0],
}
#[repr(C)]
struct WasmModule {
    _opaque: [u8; 0],
}
#[repr(C)]
struct WasmInstance {
    _opaque: [u8; 0],
}
#[repr(C)]
struct WasmExtern {
    _opaque: [u8; 0],
}
#[repr(C)]
struct WasmFunc {
    _opaque: [u8; 0],
}
#[repr(C)]
struct WasmTrap {
    _opaque: [u8; 0],
}

/// `wasm_byte_vec_t` (also `wasm_name_t` / `wasm_message_t`).
#[repr(C)]
struct ByteVec {
    size: usize,
    data: *mut c_char,
}

/// `wasm_extern_vec_t`: a vector of owned `wasm_extern_t*`.
#[repr(C)]
struct ExternVec {
    size: usize,
    data: *mut *mut WasmExtern,
}

/// `wasm_val_vec_t`.
#[repr(C)]
struct ValVec {
    size: usize,
    data: *mut RawVal,
}

/// `wasm_valkind_t` values.
const WASM_I32: u8 = 0;
const WASM_I64: u8 = 1;
const WASM_F32: u8 = 2;
const WASM_F64: u8 = 3;
/// Kinds at or above this are references (`WASM_EXTERNREF` = 128,
/// `WASM_FUNCREF` = 129); such values own a `wasm_ref_t`.
const WASM_FIRST_REF_KIND: u8 = 128;

#[repr(C)]
#[derive(Clone, Copy)]
union RawPayload {
    i32: i32,
    i64: i64,
    f32: f32,
    f64: f64,
    reference: *mut c_void,
}

/// `wasm_val_t`: a one-byte kind, padding, then an 8-byte union.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawVal {
    kind: u8,
    of: RawPayload,
}

const _: () = assert!(std::mem::size_of::<RawVal>() == 16);
const _: () = assert!(std::mem::align_of::<RawVal>() == 8);

impl RawVal {
    const ZERO: RawVal = RawVal {
        kind: WASM_I32,
        of: RawPayload { i64: 0 },
    };

    fn from_val(v: Val) -> RawVal {
        match v {
            Val::I32(x) => RawVal {
                kind: WASM_I32,
                of: RawPayload { i32: x },
            },
            Val::I64(x) => RawVal {
                kind: WASM_I64,
                of: RawPayload { i64: x },
            },
            Val::F32(x) => RawVal {
                kind: WASM_F32,
                of: RawPayload { f32: x },
            },
            Val::F64(x) => RawVal {
                kind: WASM_F64,
                of: RawPayload { f64: x },
            },
        }
    }

    fn to_val(self) -> Option<Val> {
        // SAFETY: the C API guarantees that the union member named by `kind`
        // is the one that was written, and we read exactly that member.
        unsafe {
            match self.kind {
                WASM_I32 => Some(Val::I32(self.of.i32)),
                WASM_I64 => Some(Val::I64(self.of.i64)),
                WASM_F32 => Some(Val::F32(self.of.f32)),
                WASM_F64 => Some(Val::F64(self.of.f64)),
                _ => None,
            }
        }
    }
}

/// A numeric WebAssembly value passed to or returned from Wasmtime.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}"),
            Val::I64(v) => write!(f, "{v}"),
            Val::F32(v) => write!(f, "{v:?}"),
            Val::F64(v) => write!(f, "{v:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// The function table, resolved once with dlsym.

struct Api {
    engine_new: unsafe extern "C" fn() -> *mut WasmEngine,
    engine_delete: unsafe extern "C" fn(*mut WasmEngine),
    store_new: unsafe extern "C" fn(*mut WasmEngine) -> *mut WasmStore,
    store_delete: unsafe extern "C" fn(*mut WasmStore),
    module_new: unsafe extern "C" fn(*mut WasmStore, *const ByteVec) -> *mut WasmModule,
    module_delete: unsafe extern "C" fn(*mut WasmModule),
    module_serialize: unsafe extern "C" fn(*const WasmModule, *mut ByteVec),
    module_deserialize: unsafe extern "C" fn(*mut WasmStore, *const ByteVec) -> *mut WasmModule,
    instance_new: unsafe extern "C" fn(
        *mut WasmStore,
        *const WasmModule,
        *const ExternVec,
        *mut *mut WasmTrap,
    ) -> *mut WasmInstance,
    instance_delete: unsafe extern "C" fn(*mut WasmInstance),
    instance_exports: unsafe extern "C" fn(*const WasmInstance, *mut ExternVec),
    extern_vec_delete: unsafe extern "C" fn(*mut ExternVec),
    extern_as_func: unsafe extern "C" fn(*mut WasmExtern) -> *mut WasmFunc,
    func_param_arity: unsafe extern "C" fn(*const WasmFunc) -> usize,
    func_result_arity: unsafe extern "C" fn(*const WasmFunc) -> usize,
    func_call: unsafe extern "C" fn(*const WasmFunc, *const ValVec, *mut ValVec) -> *mut WasmTrap,
    val_delete: unsafe extern "C" fn(*mut RawVal),
    trap_message: unsafe extern "C" fn(*const WasmTrap, *mut ByteVec),
    trap_delete: unsafe extern "C" fn(*mut WasmTrap),
    byte_vec_delete: unsafe extern "C" fn(*mut ByteVec),
}

/// Looks up `name` in `handle` and returns it as the function-pointer type `F`.
///
/// # Safety
/// `F` must be an `unsafe extern "C" fn` type whose signature matches the C
/// declaration of `name`.
unsafe fn sym<F: Copy>(handle: *mut c_void, name: &str) -> Result<F, String> {
    const { assert!(std::mem::size_of::<F>() == std::mem::size_of::<*mut c_void>()) };
    let cname = CString::new(name).expect("symbol names have no NUL");
    // SAFETY: `handle` came from a successful dlopen and is never closed;
    // `cname` is a valid NUL-terminated string that outlives the call.
    let p = unsafe { libc::dlsym(handle, cname.as_ptr()) };
    if p.is_null() {
        return Err(format!("symbol {name} not found: {}", dl_error()));
    }
    // SAFETY: `F` is a function pointer of the same size as `*mut c_void`
    // (asserted above) and, by this function's contract, has the symbol's C
    // signature, so reinterpreting the non-null address as `F` is sound.
    Ok(unsafe { std::mem::transmute_copy::<*mut c_void, F>(&p) })
}

fn dl_error() -> String {
    // SAFETY: dlerror has no preconditions; it returns NULL or a pointer to
    // a NUL-terminated string valid until the next dl* call on this thread,
    // and we copy it out before making another one.
    unsafe {
        let msg = libc::dlerror();
        if msg.is_null() {
            "unknown error".to_string()
        } else {
            CStr::from_ptr(msg).to_string_lossy().into_owned()
        }
    }
}

impl Api {
    fn resolve(handle: *mut c_void) -> Result<Api, String> {
        // SAFETY: each field's type is written above to match the wasm.h
        // declaration of the symbol it is resolved from (checked against
        // Wasmtime's C API: e.g. `wasm_func_call(const wasm_func_t*,
        // const wasm_val_vec_t*, wasm_val_vec_t*) -> wasm_trap_t*`).
        unsafe {
            Ok(Api {
                engine_new: sym(handle, "wasm_engine_new")?,
                engine_delete: sym(handle, "wasm_engine_delete")?,
                store_new: sym(handle, "wasm_store_new")?,
                store_delete: sym(handle, "wasm_store_delete")?,
                module_new: sym(handle, "wasm_module_new")?,
                module_delete: sym(handle, "wasm_module_delete")?,
                module_serialize: sym(handle, "wasm_module_serialize")?,
                module_deserialize: sym(handle, "wasm_module_deserialize")?,
                instance_new: sym(handle, "wasm_instance_new")?,
                instance_delete: sym(handle, "wasm_instance_delete")?,
                instance_exports: sym(handle, "wasm_instance_exports")?,
                extern_vec_delete: sym(handle, "wasm_extern_vec_delete")?,
                extern_as_func: sym(handle, "wasm_extern_as_func")?,
                func_param_arity: sym(handle, "wasm_func_param_arity")?,
                func_result_arity: sym(handle, "wasm_func_result_arity")?,
                func_call: sym(handle, "wasm_func_call")?,
                val_delete: sym(handle, "wasm_val_delete")?,
                trap_message: sym(handle, "wasm_trap_message")?,
                trap_delete: sym(handle, "wasm_trap_delete")?,
                byte_vec_delete: sym(handle, "wasm_byte_vec_delete")?,
            })
        }
    }

    /// Takes ownership of `trap`, returns its message and deletes it.
    fn take_trap(&self, trap: *mut WasmTrap) -> String {
        let mut msg = ByteVec {
            size: 0,
            data: ptr::null_mut(),
        };
        // SAFETY: `trap` is a non-null trap the library just handed us and
        // that we own; wasm_trap_message fills `msg` with a fresh owned byte
        // vector, which we read within its `size` and then delete exactly
        // once, before deleting the trap exactly once.
        unsafe {
            (self.trap_message)(trap, &mut msg);
            let text = if msg.data.is_null() || msg.size == 0 {
                String::from("(no message)")
            } else {
                let bytes = std::slice::from_raw_parts(msg.data as *const u8, msg.size);
                // Wasmtime NUL-terminates its messages; drop the terminator.
                let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
                String::from_utf8_lossy(bytes).into_owned()
            };
            (self.byte_vec_delete)(&mut msg);
            (self.trap_delete)(trap);
            text
        }
    }
}

// ---------------------------------------------------------------------------
// Engine and loading.

struct EngineInner {
    api: Api,
    engine: *mut WasmEngine,
}

impl Drop for EngineInner {
    fn drop(&mut self) {
        // SAFETY: `engine` came from wasm_engine_new and is deleted only
        // here; every store/module holds an Rc to this value, so none of them
        // is alive any more.
        unsafe { (self.api.engine_delete)(self.engine) }
    }
}

/// A loaded Wasmtime library and one engine (default configuration).
pub struct Wasmtime {
    engine: Rc<EngineInner>,
    /// The store `wasm_module_new` compiles with (the C API wants one).
    compile_store: Store,
    path: PathBuf,
}

/// Where the library is expected when `WASMTIME_LIB` is unset: the `wasmtime`
/// PyPI package in the venv under `target/`, for any python3.* version.
fn default_lib_path() -> Result<PathBuf, String> {
    let lib_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv/lib");
    let rest = "site-packages/wasmtime/linux-x86_64/_libwasmtime.so";
    let entries = std::fs::read_dir(&lib_dir).map_err(|e| {
        format!(
            "{} not readable ({e}); install the wasmtime PyPI package into target/venv \
             or set WASMTIME_LIB",
            lib_dir.display()
        )
    })?;
    let mut pythons: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path())
        .collect();
    pythons.sort();
    pythons
        .iter()
        .rev()
        .map(|p| p.join(rest))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "no {}/python3*/{rest}; install the wasmtime PyPI package into target/venv \
                 or set WASMTIME_LIB",
                lib_dir.display()
            )
        })
}

impl Wasmtime {
    /// Loads the library from `$WASMTIME_LIB`, else from the venv under
    /// `target/`. On failure prints why (prefixed "wasmtime:") and returns None.
    pub fn load() -> Option<Wasmtime> {
        Wasmtime::load_with(false)
    }

    /// As [`Wasmtime::load`], with the Wasm 3.0 proposals wasi-rt runs by
    /// default switched on when `wasm3` (exceptions, tail calls, memory64:
    /// `wasmtime_config_wasm_*_set` on a `wasm_config_t`), whatever
    /// Wasmtime's own defaults are.
    pub fn load_with(wasm3: bool) -> Option<Wasmtime> {
        let names: &[&str] = if wasm3 {
            &[
                "wasmtime_config_wasm_exceptions_set",
                "wasmtime_config_wasm_tail_call_set",
                "wasmtime_config_wasm_memory64_set",
            ]
        } else {
            &[]
        };
        Wasmtime::load_with_settings(names)
    }

    /// As [`Wasmtime::load`], with each `void name(wasm_config_t*, bool)`
    /// setting of `names` switched on (for example
    /// `wasmtime_config_wasm_gc_set`).
    pub fn load_with_settings(names: &[&str]) -> Option<Wasmtime> {
        match Wasmtime::try_load(names) {
            Ok(wt) => Some(wt),
            Err(why) => {
                println!("wasmtime: not available: {why}");
                None
            }
        }
    }

    fn try_load(settings: &[&str]) -> Result<Wasmtime, String> {
        let path = match std::env::var_os("WASMTIME_LIB") {
            Some(p) if !p.is_empty() => {
                let p = PathBuf::from(p);
                if !p.is_file() {
                    return Err(format!("WASMTIME_LIB={} is not a file", p.display()));
                }
                p
            }
            _ => default_lib_path()?,
        };
        let cpath = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| format!("library path {} contains a NUL byte", path.display()))?;
        // SAFETY: `cpath` is a valid NUL-terminated path. Loading runs the
        // library's initialisers, which for Wasmtime's C library only set up
        // Rust runtime state private to it; it is loaded RTLD_LOCAL so its
        // symbols cannot interpose on ours.
        let handle = unsafe { libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            return Err(format!("dlopen({}) failed: {}", path.display(), dl_error()));
        }
        let api = Api::resolve(handle).map_err(|e| format!("{}: {e}", path.display()))?;
        let engine = if !settings.is_empty() {
            // SAFETY: each type matches the C declaration in Wasmtime's
            // wasm.h / wasmtime/config.h: `wasm_config_t *wasm_config_new()`,
            // `void wasmtime_config_wasm_*_set(wasm_config_t*, bool)`,
            // `wasm_engine_t *wasm_engine_new_with_config(wasm_config_t*)`
            // (which takes the config over).
            unsafe {
                let config_new: unsafe extern "C" fn() -> *mut c_void = sym(handle, "wasm_config_new")?;
                let with_config: unsafe extern "C" fn(*mut c_void) -> *mut WasmEngine =
                    sym(handle, "wasm_engine_new_with_config")?;
                let config = config_new();
                if config.is_null() {
                    return Err("wasm_config_new returned NULL".to_string());
                }
                for name in settings {
                    let set: unsafe extern "C" fn(*mut c_void, bool) = sym(handle, name)?;
                    set(config, true);
                }
                with_config(config)
            }
        } else {
            // SAFETY: wasm_engine_new takes no arguments and returns an owned
            // engine (or NULL, checked below).
            unsafe { (api.engine_new)() }
        };
        if engine.is_null() {
            return Err("wasm_engine_new returned NULL".to_string());
        }
        let engine = Rc::new(EngineInner { api, engine });
        let compile_store = Store::new_in(&engine)?;
        Ok(Wasmtime {
            engine,
            compile_store,
            path,
        })
    }

    /// The library that was loaded.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Compiles (and validates) a binary module.
    pub fn module(&self, wasm: &[u8]) -> Result<Module, String> {
        let bytes = ByteVec {
            size: wasm.len(),
            data: wasm.as_ptr() as *mut c_char,
        };
        let api = &self.engine.api;
        // SAFETY: the store pointer is live (we hold it); `bytes` describes
        // `wasm`, which is borrowed for the whole call, and wasm_module_new
        // only reads the vector (it is a `const wasm_byte_vec_t*`), so
        // pointing it at borrowed memory without transferring ownership is fine.
        let ptr = unsafe { (api.module_new)(self.compile_store.0.ptr, &bytes) };
        if ptr.is_null() {
            return Err("wasm_module_new failed (invalid or unsupported module)".to_string());
        }
        Ok(Module {
            ptr,
            store: self.compile_store.0.clone(),
        })
    }

    /// Wasmtime's serialized form of `module` (its machine code).
    pub fn serialize(&self, module: &Module) -> Vec<u8> {
        let api = &self.engine.api;
        let mut out = ByteVec {
            size: 0,
            data: std::ptr::null_mut(),
        };
        // SAFETY: a live module and an empty vector for the result, which
        // we copy out and then delete with the library's own function.
        unsafe {
            (api.module_serialize)(module.ptr, &mut out);
            let bytes = if out.data.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(out.data as *const u8, out.size).to_vec()
            };
            (api.byte_vec_delete)(&mut out);
            bytes
        }
    }

    /// Loads `serialize` output without compiling.
    pub fn deserialize(&self, bytes: &[u8]) -> Result<Module, String> {
        let v = ByteVec {
            size: bytes.len(),
            data: bytes.as_ptr() as *mut c_char,
        };
        let api = &self.engine.api;
        // SAFETY: the store is live; the vector borrows `bytes` for the call
        // and wasm_module_deserialize only reads it. The bytes came from
        // `serialize` with this engine.
        let ptr = unsafe { (api.module_deserialize)(self.compile_store.0.ptr, &v) };
        if ptr.is_null() {
            return Err("wasm_module_deserialize failed".to_string());
        }
        Ok(Module {
            ptr,
            store: self.compile_store.0.clone(),
        })
    }

    /// A new, empty store.
    pub fn store(&self) -> Store {
        Store::new_in(&self.engine).expect("wasm_store_new failed")
    }
}

// ---------------------------------------------------------------------------
// Store, module, instance, func.

struct StoreInner {
    engine: Rc<EngineInner>,
    ptr: *mut WasmStore,
}

impl Drop for StoreInner {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from wasm_store_new and is deleted only here.
        // Instances and modules hold an Rc to this value, so they have all
        // been deleted already; the engine is still alive (we hold an Rc).
        unsafe { (self.engine.api.store_delete)(self.ptr) }
    }
}

/// A Wasmtime store. Instances created in it live until the store is
/// dropped (deleting an instance handle does not free the instance).
pub struct Store(Rc<StoreInner>);

impl Store {
    fn new_in(engine: &Rc<EngineInner>) -> Result<Store, String> {
        // SAFETY: `engine.engine` is a live engine owned by `engine`.
        let ptr = unsafe { (engine.api.store_new)(engine.engine) };
        if ptr.is_null() {
            return Err("wasm_store_new returned NULL".to_string());
        }
        Ok(Store(Rc::new(StoreInner {
            engine: engine.clone(),
            ptr,
        })))
    }
}

/// A compiled module.
///
/// Wasmtime's `wasm_module_t` wraps an engine-level module, so it may be
/// instantiated in any store of the same engine (the generic wasm-c-api would
/// require `wasm_module_share`/`wasm_module_obtain` for that).
pub struct Module {
    ptr: *mut WasmModule,
    /// The store it was compiled in (which keeps the engine alive).
    store: Rc<StoreInner>,
}

impl Drop for Module {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from wasm_module_new and is deleted only here;
        // instances do not borrow the module handle once created.
        unsafe { (self.store.engine.api.module_delete)(self.ptr) }
    }
}

struct InstanceInner {
    ptr: *mut WasmInstance,
    /// The export vector, fetched on first use (so that timing
    /// `Instance::new` measures `wasm_instance_new` alone).
    exports: OnceCell<ExternVec>,
    store: Rc<StoreInner>,
}

impl Drop for InstanceInner {
    fn drop(&mut self) {
        let api = &self.store.engine.api;
        // SAFETY: the export vector (if fetched) is owned by us and deleted
        // once, after every `Func` borrowing from it is gone (each holds an
        // Rc to this value); then the instance handle, from
        // wasm_instance_new, is deleted once. The store is still alive.
        unsafe {
            if let Some(v) = self.exports.get_mut() {
                (api.extern_vec_delete)(v);
            }
            (api.instance_delete)(self.ptr);
        }
    }
}

/// An instance of a module in a store.
pub struct Instance(Rc<InstanceInner>);

impl Instance {
    /// Instantiates `module` in `store` with no imports.
    pub fn new(store: &Store, module: &Module) -> Result<Instance, String> {
        let api = &store.0.engine.api;
        if !Rc::ptr_eq(&store.0.engine, &module.store.engine) {
            return Err("module and store come from different engines".to_string());
        }
        let no_imports = ExternVec {
            size: 0,
            data: ptr::null_mut(),
        };
        let mut trap: *mut WasmTrap = ptr::null_mut();
        // SAFETY: store and module are live and belong to the same engine
        // (checked above); `no_imports` is the standard empty vector
        // (WASM_EMPTY_VEC: size 0, data NULL), only read; `trap` is a valid
        // out-pointer that the library may fill with an owned trap.
        let ptr = unsafe { (api.instance_new)(store.0.ptr, module.ptr, &no_imports, &mut trap) };
        if ptr.is_null() {
            let why = if trap.is_null() {
                "wasm_instance_new failed".to_string()
            } else {
                api.take_trap(trap)
            };
            return Err(why);
        }
        if !trap.is_null() {
            // Not expected alongside an instance, but never leak it.
            api.take_trap(trap);
        }
        Ok(Instance(Rc::new(InstanceInner {
            ptr,
            exports: OnceCell::new(),
            store: store.0.clone(),
        })))
    }

    fn exports(&self) -> &ExternVec {
        self.0.exports.get_or_init(|| {
            let mut v = ExternVec {
                size: 0,
                data: ptr::null_mut(),
            };
            // SAFETY: the instance is live; wasm_instance_exports fills `v`
            // with a fresh owned vector, deleted in InstanceInner::drop.
            unsafe { (self.0.store.engine.api.instance_exports)(self.0.ptr, &mut v) };
            v
        })
    }

    /// Number of exports.
    pub fn export_count(&self) -> usize {
        self.exports().size
    }

    /// The function exported at `index` (exports are in the module's export
    /// order), or None if out of range or not a function.
    pub fn func(&self, index: usize) -> Option<Func> {
        let v = self.exports();
        if index >= v.size || v.data.is_null() {
            return None;
        }
        let api = &self.0.store.engine.api;
        // SAFETY: `index < v.size`, so the slot is in bounds of the owned
        // vector; the extern it points to lives as long as the vector, i.e.
        // as long as `self.0`, which the returned Func keeps alive. The
        // func pointer returned by wasm_extern_as_func is a borrowed view of
        // that extern (or NULL if it is not a function).
        let (func, params, results) = unsafe {
            let ext = *v.data.add(index);
            if ext.is_null() {
                return None;
            }
            let f = (api.extern_as_func)(ext);
            if f.is_null() {
                return None;
            }
            (f, (api.func_param_arity)(f), (api.func_result_arity)(f))
        };
        Some(Func {
            ptr: func,
            params,
            results,
            instance: self.0.clone(),
        })
    }
}

/// Largest number of params/results `Func::call` handles (on the stack).
const MAX_VALS: usize = 8;

/// An exported function; keeps its instance (and store) alive.
pub struct Func {
    ptr: *const WasmFunc,
    params: usize,
    results: usize,
    instance: Rc<InstanceInner>,
}

impl Func {
    pub fn param_arity(&self) -> usize {
        self.params
    }

    pub fn result_arity(&self) -> usize {
        self.results
    }

    /// Calls the function with numeric `args` and returns its first result
    /// (None if it has none). A trap is returned as its message.
    pub fn call(&self, args: &[Val]) -> Result<Option<Val>, String> {
        if args.len() != self.params {
            return Err(format!("expected {} args, got {}", self.params, args.len()));
        }
        if self.params > MAX_VALS || self.results > MAX_VALS {
            return Err(format!("more than {MAX_VALS} params or results"));
        }
        let mut raw_args = [RawVal::ZERO; MAX_VALS];
        for (slot, a) in raw_args.iter_mut().zip(args) {
            *slot = RawVal::from_val(*a);
        }
        let mut raw_results = [RawVal::ZERO; MAX_VALS];
        let arg_vec = ValVec {
            size: args.len(),
            data: raw_args.as_mut_ptr(),
        };
        let mut result_vec = ValVec {
            size: self.results,
            data: raw_results.as_mut_ptr(),
        };
        let api = &self.instance.store.engine.api;
        // SAFETY: the func is live (we hold its instance, which holds the
        // export vector and the store). `arg_vec` describes `args.len()`
        // initialised values in `raw_args`, only read by the callee;
        // `result_vec` describes `self.results` writable slots in
        // `raw_results`, exactly the function's result arity, which is what
        // wasm_func_call writes. Both arrays outlive the call. The store is
        // used from this thread only (these types are !Send).
        let trap = unsafe { (api.func_call)(self.ptr, &arg_vec, &mut result_vec) };
        if !trap.is_null() {
            return Err(api.take_trap(trap));
        }
        let mut first = None;
        let mut unsupported = None;
        for (i, r) in raw_results[..self.results].iter_mut().enumerate() {
            if r.kind >= WASM_FIRST_REF_KIND {
                // SAFETY: a reference result owns a `wasm_ref_t` (or NULL);
                // wasm_val_delete frees exactly that and not the slot itself,
                // which lives in our stack array. Each slot is deleted once.
                unsafe { (api.val_delete)(r) };
                unsupported.get_or_insert(r.kind);
            } else if i == 0 {
                first = r.to_val();
            }
        }
        if let Some(kind) = unsupported {
            return Err(format!("reference results (kind {kind}) are not supported"));
        }
        Ok(first)
    }
}
