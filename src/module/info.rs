//! `ModuleInfo`: everything the compiler and the instantiator need to know
//! about a decoded module, in plain owned data.

use crate::types::{
    CompositeType, ExternType, FuncType, GlobalType, HeapType, MemoryType, TableType, TagType,
    ValType,
};
use std::collections::HashMap;

/// A constant expression (Wasm 2.0: exactly one instruction).
#[derive(Clone, Debug)]
pub enum ConstExpr {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// The 16 bytes of a `v128`, little-endian.
    V128(u128),
    RefNull(ValType),
    RefFunc(u32),
    GlobalGet(u32),
    /// An extended constant expression (more than one instruction), run on
    /// a value stack.
    Extended(Box<[ConstOp]>),
}

/// One instruction of an extended constant expression.
#[derive(Clone, Debug)]
pub enum ConstOp {
    /// Pushes the value of a simple constant expression.
    Push(ConstExpr),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    /// `ref.i31`.
    RefI31,
    /// `any.convert_extern` / `extern.convert_any` (one encoding: no-ops).
    Convert,
    /// `struct.new` of the type index.
    StructNew(u32),
    StructNewDefault(u32),
    /// `array.new` of the type index.
    ArrayNew(u32),
    ArrayNewDefault(u32),
    /// `array.new_fixed` of the type index, with the element count.
    ArrayNewFixed(u32, u32),
}

/// What an import brings in.
#[derive(Clone, Debug)]
pub enum ImportKind {
    /// A function of the given type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// A tag whose (function) type has the given index.
    Tag(u32),
}

/// One import.
#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// What an export refers to, by index space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

/// Where an element segment goes.
#[derive(Clone, Debug)]
pub enum ElemMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

/// An element segment.
#[derive(Clone, Debug)]
pub struct ElemSegment {
    pub mode: ElemMode,
    pub ty: ValType,
    pub items: Vec<ConstExpr>,
}

/// Where a data segment goes.
#[derive(Clone, Debug)]
pub enum DataMode {
    Active { memory: u32, offset: ConstExpr },
    Passive,
}

/// A data segment.
#[derive(Clone, Debug)]
pub struct DataSegment {
    pub mode: DataMode,
    pub bytes: Vec<u8>,
}

/// The decoded, validated structure of a module.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    /// The type section (with engine-wide indices in references).
    pub types: Vec<CompositeType>,
    /// The engine-wide canonical id of each type (see `type_registry`).
    pub type_ids: Vec<u32>,
    /// The concrete heap type each type index names.
    pub type_heaps: Vec<HeapType>,
    /// Whether each type is final (no type may declare it as supertype),
    /// so a cast to it is one comparison.
    pub type_final: Vec<bool>,
    /// How many supertypes are above each type (where a subtype's display
    /// holds it).
    pub type_depth: Vec<u32>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    /// Every table, imported ones first.
    pub tables: Vec<TableType>,
    /// The initial element of each defined table, when the module gives
    /// one (typed tables); otherwise null.
    pub table_inits: Vec<Option<ConstExpr>>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// The type index of every tag, imported ones first.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    /// Initializers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// Exports in declaration order.
    pub exports: Vec<(String, ExportIndex)>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// From the name section, when present.
    pub module_name: Option<String>,
    pub func_names: HashMap<u32, String>,
}

impl ModuleInfo {
    /// The signature of function `index` (imported or defined).
    pub fn func_type(&self, index: u32) -> &FuncType {
        self.sig(self.funcs[index as usize])
    }
    /// The function type at type index `t` (validation guarantees that
    /// functions, tags and calls only name function types).
    pub fn sig(&self, t: u32) -> &FuncType {
        static EMPTY: std::sync::LazyLock<FuncType> = std::sync::LazyLock::new(|| FuncType::new([], []));
        self.types[t as usize].as_func().unwrap_or(&EMPTY)
    }
    /// Number of functions defined (not imported) by the module.
    pub fn num_defined_funcs(&self) -> u32 {
        self.funcs.len() as u32 - self.num_imported_funcs
    }
    /// The extern type an export refers to.
    pub fn export_type(&self, index: ExportIndex) -> ExternType {
        match index {
            ExportIndex::Func(i) => ExternType::Func(self.func_type(i).clone()),
            ExportIndex::Table(i) => ExternType::Table(self.tables[i as usize]),
            ExportIndex::Memory(i) => ExternType::Memory(self.memories[i as usize]),
            ExportIndex::Global(i) => ExternType::Global(self.globals[i as usize]),
            ExportIndex::Tag(i) => ExternType::Tag(self.tag_type(i)),
        }
    }
    /// The extern type of an import.
    pub fn import_type(&self, import: &Import) -> ExternType {
        match &import.kind {
            ImportKind::Func(t) => ExternType::Func(self.sig(*t).clone()),
            ImportKind::Table(t) => ExternType::Table(*t),
            ImportKind::Memory(m) => ExternType::Memory(*m),
            ImportKind::Global(g) => ExternType::Global(*g),
            ImportKind::Tag(t) => ExternType::Tag(TagType::new(
                self.sig(*t).params().iter().copied(),
            )),
        }
    }
    /// The type of tag `index` (imported or defined).
    pub fn tag_type(&self, index: u32) -> TagType {
        let t = self.sig(self.tags[index as usize]);
        TagType::new(t.params().iter().copied())
    }
}
