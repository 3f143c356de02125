//! The types of the public API: value, function, global, table, memory and
//! extern types, plus conversions from wasmparser's.

use std::fmt;

/// A WebAssembly value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    /// 128-bit vector (decoded, not yet executable).
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A function signature. Two `FuncType`s are equal when structurally equal.
/// Cloning is cheap (the types are shared), so every function of every
/// instance can carry its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameters, then results.
    types: std::sync::Arc<[ValType]>,
    params: usize,
}

impl FuncType {
    /// A signature with these parameters and results.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        let mut types: Vec<ValType> = params.into_iter().collect();
        let params = types.len();
        types.extend(results);
        FuncType {
            types: types.into(),
            params,
        }
    }
    /// Parameter types, in order.
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.params]
    }
    /// Result types, in order.
    pub fn results(&self) -> &[ValType] {
        &self.types[self.params..]
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(func")?;
        if !self.params().is_empty() {
            write!(f, " (param")?;
            for p in self.params() {
                write!(f, " {p}")?;
            }
            write!(f, ")")?;
        }
        if !self.results().is_empty() {
            write!(f, " (result")?;
            for p in self.results() {
                write!(f, " {p}")?;
            }
            write!(f, ")")?;
        }
        write!(f, ")")
    }
}

/// Whether a global may be written after instantiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutability {
    Const,
    Var,
}

/// The type of a global: its content and mutability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutability: Mutability,
}

impl GlobalType {
    /// A global type.
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }
}

/// The type of a table: element type and limits (in elements).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: ValType,
    pub min: u32,
    pub max: Option<u32>,
}

impl TableType {
    /// A table type; `element` must be a reference type.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType { element, min, max }
    }
}

/// The type of a linear memory: limits in 64 KiB pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub min: u32,
    pub max: Option<u32>,
}

impl MemoryType {
    /// A memory type.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType { min, max }
    }
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Global(GlobalType),
    Table(TableType),
    Memory(MemoryType),
}

impl ExternType {
    /// The kind as a word ("func", "global", "table", "memory").
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
        }
    }
}

/// One import of a module.
#[derive(Clone, Debug)]
pub struct ImportType {
    pub(crate) module: String,
    pub(crate) name: String,
    pub(crate) ty: ExternType,
}

impl ImportType {
    /// The module name of the import.
    pub fn module(&self) -> &str {
        &self.module
    }
    /// The field name of the import.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What is imported.
    pub fn ty(&self) -> &ExternType {
        &self.ty
    }
}

/// One export of a module.
#[derive(Clone, Debug)]
pub struct ExportType {
    pub(crate) name: String,
    pub(crate) ty: ExternType,
}

impl ExportType {
    /// The export's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What is exported.
    pub fn ty(&self) -> &ExternType {
        &self.ty
    }
}
