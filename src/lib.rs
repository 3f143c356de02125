//! wasi-rt: an embeddable WebAssembly runtime. Modules are decoded and
//! validated by wasmparser, translated to Cranelift IR and compiled to
//! native code; they run in a sandbox where a trap is an error value.
//!
//! ```
//! use wasi_rt::{Engine, Instance, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module
//!     (func (export "add") (param i32 i32) (result i32)
//!         local.get 0 local.get 1 i32.add))"#)?;
//! let mut store = Store::new(&engine);
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let add = instance.get_func(&store, "add").unwrap().typed::<(i32, i32), i32>(&store)?;
//! assert_eq!(add.call(&mut store, (1, 2))?, 3);
//! # Ok::<(), wasi_rt::Error>(())
//! ```
//!
//! The pipeline, one folder per stage: [`module`] (decode, validate) →
//! [`compile`] (translate, compile) → [`runtime`] (instances, traps).

pub mod capi;
pub mod compile;
pub mod engine;
pub mod error;
pub mod module;
pub mod runtime;
pub mod type_registry;
pub mod types;
pub mod wasi;
pub mod wast;

pub use engine::{Config, Engine, Features, OptLevel};
pub use error::{Error, ErrorKind, Result};
pub use module::Module;
pub use module::cache::{CacheConfig, CacheStats};
pub use runtime::func::{Caller, Func, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use runtime::instance::{Extern, Global, Instance, Memory, Table};
pub use runtime::memory::SharedMemory;
pub use runtime::exception::{ExnRef, Tag};
pub use runtime::gc::GcStats;
pub use runtime::profiling::Profiler;
pub use runtime::gc::anyref::AnyRef;
pub use runtime::store::{ExternRef, Store};
pub use runtime::trap::{FrameInfo, Trap, TrapCode};
pub use runtime::val::Val;
pub use types::{
    ArrayType, CompositeType, ExportType, ExternType, FieldType, FuncType, GlobalType, HeapType,
    ImportType, MemoryType, Mutability, RefType, StorageType, StructType, TableType, TagType,
    TypeIndex, ValType,
};
