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
    /// 128-bit vector.
    V128,
    /// A reference: `funcref`, `externref`, or a typed reference such as
    /// `(ref $t)` (typed function references).
    Ref(RefType),
}

#[allow(non_upper_case_globals)]
impl ValType {
    /// `funcref`: a nullable reference to any function.
    pub const FuncRef: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`: a nullable reference to a host value.
    pub const ExternRef: ValType = ValType::Ref(RefType::EXTERNREF);
    /// `exnref`: a nullable reference to a caught exception.
    pub const ExnRef: ValType = ValType::Ref(RefType::EXNREF);
    /// `anyref`: a nullable reference to any internal (GC) value.
    pub const AnyRef: ValType = ValType::Ref(RefType::ANYREF);

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// The reference type, when this is one.
    pub fn as_ref(self) -> Option<RefType> {
        match self {
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Whether a value of this type may stand where `other` is expected
    /// (numbers: the same type; references: see [`RefType::matches`]).
    pub fn matches(self, other: ValType) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.matches(b),
            (a, b) => a == b,
        }
    }

    /// Whether the type has a default value (zero, or null): every type
    /// but non-nullable references.
    pub fn is_defaultable(self) -> bool {
        match self {
            ValType::Ref(r) => r.nullable,
            _ => true,
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => write!(f, "{r}"),
        }
    }
}

/// Whether `t` is a reference to functions (`funcref` or a typed one).
pub fn is_func_ref(t: ValType) -> bool {
    matches!(t, ValType::Ref(r) if r.heap.is_func())
}

/// Whether `t` is a reference to exceptions (`exnref`, `nullexnref`).
pub fn is_exn_ref(t: ValType) -> bool {
    matches!(t, ValType::Ref(r) if r.heap.top() == HeapType::Exn)
}

/// A reference type: nullable or not, to a heap type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

impl RefType {
    /// `funcref` (`(ref null func)`).
    pub const FUNCREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Func,
    };
    /// `externref` (`(ref null extern)`).
    pub const EXTERNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Extern,
    };
    /// `exnref` (`(ref null exn)`).
    pub const EXNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Exn,
    };

    /// `anyref` (`(ref null any)`).
    pub const ANYREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Any,
    };

    /// A reference type.
    pub fn new(nullable: bool, heap: HeapType) -> RefType {
        RefType { nullable, heap }
    }

    /// Whether a reference of this type may stand where `other` is
    /// expected: its heap type is a subtype of `other`'s, and it is only
    /// nullable if `other` is.
    pub fn matches(self, other: RefType) -> bool {
        (!self.nullable || other.nullable) && self.heap.matches(other.heap)
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::NoFunc) => f.write_str("nullfuncref"),
            (true, HeapType::NoExtern) => f.write_str("nullexternref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (true, HeapType::NoExn) => f.write_str("nullexnref"),
            (true, HeapType::Any) => f.write_str("anyref"),
            (true, HeapType::Eq) => f.write_str("eqref"),
            (true, HeapType::I31) => f.write_str("i31ref"),
            (true, HeapType::Struct) => f.write_str("structref"),
            (true, HeapType::Array) => f.write_str("arrayref"),
            (true, HeapType::None) => f.write_str("nullref"),
            (true, h) => write!(f, "(ref null {h})"),
            (false, h) => write!(f, "(ref {h})"),
        }
    }
}

/// What a reference points to. Three hierarchies: functions (`func`),
/// host values (`extern`) and exceptions (`exn`), plus the garbage-collected
/// values of Wasm 3.0 under `any` (`eq`, `i31`, `struct`, `array`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// No function (only null: the bottom of the function types).
    NoFunc,
    /// Any host value.
    Extern,
    /// No host value (only null).
    NoExtern,
    /// Any exception (exception handling's `exnref`).
    Exn,
    /// No exception (only null).
    NoExn,
    /// Any internal value: GC objects, `i31`s, and host values converted
    /// with `any.convert_extern`.
    Any,
    /// Values that `ref.eq` compares: `i31`s, structs and arrays.
    Eq,
    /// Unboxed 31-bit integers.
    I31,
    /// Any struct.
    Struct,
    /// Any array.
    Array,
    /// No internal value (only null: the bottom of `any`).
    None,
    /// Functions of one type, named by its engine-wide index (equal
    /// function types have equal indices; [`crate::Engine::func_type`]
    /// gives the type back).
    ConcreteFunc(TypeIndex),
    /// Structs of one type (engine-wide index; see
    /// [`crate::Engine::composite_type`]).
    ConcreteStruct(TypeIndex),
    /// Arrays of one type (engine-wide index).
    ConcreteArray(TypeIndex),
}

impl HeapType {
    /// Whether this heap type is a subtype of `other`, going by the
    /// abstract hierarchy only: a concrete type matches itself and the
    /// abstract types above it. Declared subtyping between two concrete
    /// types needs the engine's registry: see [`crate::Engine::heap_matches`].
    pub fn matches(self, other: HeapType) -> bool {
        use HeapType::*;
        if self == other {
            return true;
        }
        match (self, other) {
            (NoFunc, Func | ConcreteFunc(_)) | (ConcreteFunc(_), Func) => true,
            (NoExtern, Extern) | (NoExn, Exn) => true,
            (None, o) => o.top() == Any,
            (Eq | I31 | Struct | Array | ConcreteStruct(_) | ConcreteArray(_), Any) => true,
            (I31 | Struct | Array | ConcreteStruct(_) | ConcreteArray(_), Eq) => true,
            (ConcreteStruct(_), Struct) | (ConcreteArray(_), Array) => true,
            _ => false,
        }
    }

    /// The top of this heap type's hierarchy (`Func`, `Extern`, `Exn` or
    /// `Any`): what a value of it is, seen from the host.
    pub fn top(self) -> HeapType {
        use HeapType::*;
        match self {
            Func | NoFunc | ConcreteFunc(_) => Func,
            Extern | NoExtern => Extern,
            Exn | NoExn => Exn,
            Any | Eq | I31 | Struct | Array | None | ConcreteStruct(_) | ConcreteArray(_) => Any,
        }
    }

    /// The bottom of this heap type's hierarchy (`NoFunc`, `NoExtern`,
    /// `NoExn` or `None`): the type of its null.
    pub fn bottom(self) -> HeapType {
        match self.top() {
            HeapType::Func => HeapType::NoFunc,
            HeapType::Extern => HeapType::NoExtern,
            HeapType::Exn => HeapType::NoExn,
            _ => HeapType::None,
        }
    }

    /// Whether this is a function heap type (any of them).
    pub fn is_func(self) -> bool {
        self.top() == HeapType::Func
    }

    /// The engine-wide index of a concrete heap type.
    pub fn concrete_index(self) -> Option<TypeIndex> {
        match self {
            HeapType::ConcreteFunc(i) | HeapType::ConcreteStruct(i) | HeapType::ConcreteArray(i) => {
                Some(i)
            }
            _ => Option::None,
        }
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapType::Func => f.write_str("func"),
            HeapType::NoFunc => f.write_str("nofunc"),
            HeapType::Extern => f.write_str("extern"),
            HeapType::NoExtern => f.write_str("noextern"),
            HeapType::Exn => f.write_str("exn"),
            HeapType::NoExn => f.write_str("noexn"),
            HeapType::Any => f.write_str("any"),
            HeapType::Eq => f.write_str("eq"),
            HeapType::I31 => f.write_str("i31"),
            HeapType::Struct => f.write_str("struct"),
            HeapType::Array => f.write_str("array"),
            HeapType::None => f.write_str("none"),
            HeapType::ConcreteFunc(i) | HeapType::ConcreteStruct(i) | HeapType::ConcreteArray(i) => {
                write!(f, "{i}")
            }
        }
    }
}

/// The engine-wide index of a function type: structurally equal types
/// registered in one engine get the same index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeIndex(pub(crate) u32);

impl TypeIndex {
    /// The index as a number (stable for the engine's lifetime).
    pub fn as_u32(self) -> u32 {
        self.0
    }

    /// The index with number `n` (from [`TypeIndex::as_u32`]); an index
    /// the engine never gave out is refused wherever it is used.
    pub fn from_u32(n: u32) -> TypeIndex {
        TypeIndex(n)
    }
}

impl fmt::Display for TypeIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "$type{}", self.0)
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

/// What a struct field or array element holds: a value type, or a packed
/// 8- or 16-bit integer (read back as `i32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// The type values have on the operand stack (packed types widen to
    /// `i32`).
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::I8 | StorageType::I16 => ValType::I32,
            StorageType::Val(v) => v,
        }
    }
}

impl fmt::Display for StorageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageType::I8 => f.write_str("i8"),
            StorageType::I16 => f.write_str("i16"),
            StorageType::Val(v) => write!(f, "{v}"),
        }
    }
}

/// A struct field or the element of an array: what it holds and whether
/// it may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "(mut {})", self.storage)
        } else {
            write!(f, "{}", self.storage)
        }
    }
}

/// The type of a struct: its fields, in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructType {
    fields: std::sync::Arc<[FieldType]>,
}

impl StructType {
    /// A struct type with these fields.
    pub fn new(fields: impl IntoIterator<Item = FieldType>) -> StructType {
        StructType {
            fields: fields.into_iter().collect(),
        }
    }
    /// The fields, in order.
    pub fn fields(&self) -> &[FieldType] {
        &self.fields
    }
}

/// The type of an array: its element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArrayType {
    pub element: FieldType,
}

/// What a defined type describes: a function signature, a struct or an
/// array.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Func(FuncType),
    Struct(StructType),
    Array(ArrayType),
}

impl CompositeType {
    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match self {
            CompositeType::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The struct type, if this is one.
    pub fn as_struct(&self) -> Option<&StructType> {
        match self {
            CompositeType::Struct(s) => Some(s),
            _ => None,
        }
    }
    /// The array type, if this is one.
    pub fn as_array(&self) -> Option<&ArrayType> {
        match self {
            CompositeType::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The concrete heap type for this composite type at engine index `i`.
    pub fn heap_type(&self, i: TypeIndex) -> HeapType {
        match self {
            CompositeType::Func(_) => HeapType::ConcreteFunc(i),
            CompositeType::Struct(_) => HeapType::ConcreteStruct(i),
            CompositeType::Array(_) => HeapType::ConcreteArray(i),
        }
    }
}

impl fmt::Display for CompositeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompositeType::Func(t) => write!(f, "{t}"),
            CompositeType::Struct(s) => {
                write!(f, "(struct")?;
                for field in s.fields() {
                    write!(f, " (field {field})")?;
                }
                write!(f, ")")
            }
            CompositeType::Array(a) => write!(f, "(array {})", a.element),
        }
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

/// The type of a table: element type, limits (in elements) and index
/// type (`table64`: indexed with `i64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: ValType,
    pub min: u64,
    pub max: Option<u64>,
    /// Indexed with `i64` (the memory64 proposal's table64).
    pub table64: bool,
}

impl TableType {
    /// A table type indexed with `i32`; `element` must be a reference type.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType {
            element,
            min: min.into(),
            max: max.map(u64::from),
            table64: false,
        }
    }

    /// A table type indexed with `i64`.
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> TableType {
        TableType {
            element,
            min,
            max,
            table64: true,
        }
    }

    /// The type of indices into the table: `i64` for table64, else `i32`.
    pub fn index_type(&self) -> ValType {
        if self.table64 { ValType::I64 } else { ValType::I32 }
    }

    /// Why this is not a valid table type, if it is not: a non-reference
    /// element type, or a minimum above the maximum.
    pub fn check(&self) -> Result<(), String> {
        if !self.element.is_ref() {
            return Err(format!("a table cannot hold {}", self.element));
        }
        if self.max.is_some_and(|max| self.min > max) {
            return Err("table minimum is above its maximum".into());
        }
        if !self.table64 && (self.min > u32::MAX.into() || self.max.is_some_and(|m| m > u32::MAX.into())) {
            return Err("a 32-bit table's limits must fit in 32 bits".into());
        }
        Ok(())
    }
}

/// The type of a linear memory: limits in pages, index type, sharing and
/// page size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub min: u64,
    pub max: Option<u64>,
    /// Addressed with `i64` (memory64).
    pub memory64: bool,
    /// Shared between threads (threads proposal; needs a maximum).
    pub shared: bool,
    /// Log2 of the page size: 16 (64 KiB pages), or 0 (1-byte pages, the
    /// custom-page-sizes proposal).
    pub page_size_log2: u8,
}

impl MemoryType {
    /// A memory addressed with `i32`, in 64 KiB pages.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType {
            min: min.into(),
            max: max.map(u64::from),
            memory64: false,
            shared: false,
            page_size_log2: 16,
        }
    }

    /// A memory addressed with `i64` (memory64), in 64 KiB pages.
    pub fn new64(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType {
            min,
            max,
            memory64: true,
            shared: false,
            page_size_log2: 16,
        }
    }

    /// This type, shared between threads.
    pub fn shared(self) -> MemoryType {
        MemoryType {
            shared: true,
            ..self
        }
    }

    /// This type with pages of `1 << log2` bytes (0 or 16).
    pub fn with_page_size_log2(self, log2: u8) -> MemoryType {
        MemoryType {
            page_size_log2: log2,
            ..self
        }
    }

    /// Bytes in one page.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    /// The type of addresses: `i64` for memory64, else `i32`.
    pub fn index_type(&self) -> ValType {
        if self.memory64 { ValType::I64 } else { ValType::I32 }
    }

    /// Whether compiled code checks each access against the length:
    /// 64-bit addresses and pages smaller than the host's cannot rely on
    /// the guard region after a 32-bit memory.
    pub fn needs_bounds_checks(&self) -> bool {
        self.memory64 || self.page_size_log2 != 16
    }

    /// Why this is not a valid memory type, if it is not: a page size
    /// other than 1 byte or 64 KiB, a minimum above the maximum, limits
    /// beyond what the index type addresses, or a shared memory without
    /// a maximum.
    pub fn check(&self) -> Result<(), String> {
        if self.page_size_log2 != 0 && self.page_size_log2 != 16 {
            return Err(format!(
                "page size 2^{} is neither 1 byte nor 64 KiB",
                self.page_size_log2
            ));
        }
        if self.max.is_some_and(|max| self.min > max) {
            return Err("memory minimum is above its maximum".into());
        }
        let limit = self.max_pages_for_index();
        if self.min > limit || self.max.is_some_and(|m| m > limit) {
            return Err(format!(
                "memory limits exceed the {limit} pages a {}-bit memory addresses",
                if self.memory64 { 64 } else { 32 }
            ));
        }
        if self.shared && self.max.is_none() {
            return Err("a shared memory needs a maximum".into());
        }
        Ok(())
    }

    /// The most pages an address space of this index type can hold.
    pub fn max_pages_for_index(&self) -> u64 {
        let bits = if self.memory64 { 64 } else { 32 };
        1u64.checked_shl(bits - u32::from(self.page_size_log2).min(bits))
            .unwrap_or(u64::MAX)
    }
}

/// The type of a tag (exception handling): the values an exception with
/// the tag carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// A tag whose exceptions carry values of these types.
    pub fn new(params: impl IntoIterator<Item = ValType>) -> TagType {
        TagType {
            ty: FuncType::new(params, []),
        }
    }
    /// The types of the values an exception carries, in order.
    pub fn params(&self) -> &[ValType] {
        self.ty.params()
    }
    /// The tag's type as a function type (results are empty).
    pub fn func_type(&self) -> &FuncType {
        &self.ty
    }
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Global(GlobalType),
    Table(TableType),
    Memory(MemoryType),
    /// A tag (exception handling).
    Tag(TagType),
}

impl ExternType {
    /// The kind as a word ("func", "global", "table", "memory").
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Tag(_) => "tag",
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
