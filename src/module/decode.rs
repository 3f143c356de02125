//! Decoding and validation with wasmparser: bytes in, `ModuleInfo` plus the
//! function bodies (each with its validator) out.

use super::info::*;
use crate::error::{Error, Result};
use crate::types::{
    ArrayType, CompositeType, FieldType, FuncType, GlobalType, HeapType, MemoryType, Mutability,
    RefType, StorageType, StructType, TableType, TypeIndex, ValType,
};
use wasmparser::{
    FuncToValidate, FunctionBody, Parser, Payload, ValidPayload, Validator, ValidatorResources,
    WasmFeatures,
};

/// The wasmparser features for `features`: Wasm 2.0 and the proposals
/// switched on.
pub fn features(features: &crate::engine::Features) -> WasmFeatures {
    let mut f = WasmFeatures::WASM2;
    f.set(WasmFeatures::SIMD, features.simd);
    f.set(WasmFeatures::MULTI_MEMORY, features.multi_memory);
    f.set(WasmFeatures::EXTENDED_CONST, features.extended_const);
    f.set(WasmFeatures::TAIL_CALL, features.tail_call);
    f.set(WasmFeatures::RELAXED_SIMD, features.relaxed_simd && features.simd);
    f.set(WasmFeatures::FUNCTION_REFERENCES, features.function_references);
    f.set(WasmFeatures::EXCEPTIONS, features.exceptions);
    f.set(
        WasmFeatures::LEGACY_EXCEPTIONS,
        features.exceptions && features.legacy_exceptions,
    );
    f.set(WasmFeatures::MEMORY64, features.memory64);
    f.set(WasmFeatures::CUSTOM_PAGE_SIZES, features.custom_page_sizes);
    f.set(WasmFeatures::THREADS, features.threads);
    f.set(WasmFeatures::WIDE_ARITHMETIC, features.wide_arithmetic);
    f.set(WasmFeatures::GC, features.gc && features.function_references);
    f
}

/// A function body waiting to be validated and compiled.
pub struct PendingBody<'a> {
    pub validator: FuncToValidate<ValidatorResources>,
    pub body: FunctionBody<'a>,
}

/// Decodes `bytes`, validating the module structure. Function bodies are
/// returned unvalidated, with their validators, so they can be validated and
/// compiled in parallel.
pub fn decode<'a>(
    bytes: &'a [u8],
    engine: &crate::engine::Engine,
) -> Result<(ModuleInfo, Vec<PendingBody<'a>>)> {
    let enabled = &engine.config().features;
    let mut validator = Validator::new_with_features(features(enabled));
    let mut info = ModuleInfo::default();
    let mut bodies = Vec::new();
    let mut parser = Parser::new(0);
    parser.set_features(features(enabled));
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(|e| Error::from_parser(e, false))?;
        let valid = validator
            .payload(&payload)
            .map_err(|e| Error::from_parser(e, true))?;
        if let ValidPayload::Func(v, body) = valid {
            bodies.push(PendingBody { validator: v, body });
        }
        read_payload(&mut info, engine, payload)?;
    }
    Ok((info, bodies))
}

fn read_payload(
    info: &mut ModuleInfo,
    engine: &crate::engine::Engine,
    payload: Payload<'_>,
) -> Result<()> {
    match payload {
        Payload::TypeSection(r) => {
            for group in r {
                read_rec_group(info, engine, group?)?;
            }
        }
        Payload::ImportSection(r) => {
            for imp in r.into_imports() {
                let imp = imp?;
                let kind = match imp.ty {
                    wasmparser::TypeRef::Func(t) => {
                        info.funcs.push(t);
                        info.num_imported_funcs += 1;
                        ImportKind::Func(t)
                    }
                    wasmparser::TypeRef::Table(t) => {
                        let t = table_type(&t, &info.type_heaps);
                        info.tables.push(t);
                        info.num_imported_tables += 1;
                        ImportKind::Table(t)
                    }
                    wasmparser::TypeRef::Memory(m) => {
                        let m = memory_type(&m);
                        info.memories.push(m);
                        info.num_imported_memories += 1;
                        ImportKind::Memory(m)
                    }
                    wasmparser::TypeRef::Global(g) => {
                        let g = global_type(&g, &info.type_heaps);
                        info.globals.push(g);
                        info.num_imported_globals += 1;
                        ImportKind::Global(g)
                    }
                    wasmparser::TypeRef::Tag(t) => {
                        info.tags.push(t.func_type_idx);
                        info.num_imported_tags += 1;
                        ImportKind::Tag(t.func_type_idx)
                    }
                    // Rejected by the validator (the features are off).
                    _ => continue,
                };
                info.imports.push(Import {
                    module: imp.module.to_string(),
                    name: imp.name.to_string(),
                    kind,
                });
            }
        }
        Payload::FunctionSection(r) => {
            for t in r {
                info.funcs.push(t?);
            }
        }
        Payload::TableSection(r) => {
            for t in r {
                let t = t?;
                info.tables.push(table_type(&t.ty, &info.type_heaps));
                info.table_inits.push(match t.init {
                    wasmparser::TableInit::RefNull => None,
                    wasmparser::TableInit::Expr(e) => Some(const_expr(&e, &info.type_heaps)?),
                });
            }
        }
        Payload::MemorySection(r) => {
            for m in r {
                info.memories.push(memory_type(&m?));
            }
        }
        Payload::TagSection(r) => {
            for t in r {
                info.tags.push(t?.func_type_idx);
            }
        }
        Payload::GlobalSection(r) => {
            for g in r {
                let g = g?;
                info.globals.push(global_type(&g.ty, &info.type_heaps));
                info.global_inits.push(const_expr(&g.init_expr, &info.type_heaps)?);
            }
        }
        Payload::ExportSection(r) => {
            for e in r {
                let e = e?;
                let idx = match e.kind {
                    wasmparser::ExternalKind::Func => ExportIndex::Func(e.index),
                    wasmparser::ExternalKind::Table => ExportIndex::Table(e.index),
                    wasmparser::ExternalKind::Memory => ExportIndex::Memory(e.index),
                    wasmparser::ExternalKind::Global => ExportIndex::Global(e.index),
                    wasmparser::ExternalKind::Tag => ExportIndex::Tag(e.index),
                    _ => continue,
                };
                info.exports.push((e.name.to_string(), idx));
            }
        }
        Payload::StartSection { func, .. } => info.start = Some(func),
        Payload::ElementSection(r) => {
            for e in r {
                let e = e?;
                let mode = match e.kind {
                    wasmparser::ElementKind::Passive => ElemMode::Passive,
                    wasmparser::ElementKind::Declared => ElemMode::Declared,
                    wasmparser::ElementKind::Active {
                        table_index,
                        offset_expr,
                    } => ElemMode::Active {
                        table: table_index.unwrap_or(0),
                        offset: const_expr(&offset_expr, &info.type_heaps)?,
                    },
                };
                let (ty, items) = match e.items {
                    wasmparser::ElementItems::Functions(r) => {
                        let mut items = Vec::new();
                        for f in r {
                            items.push(ConstExpr::RefFunc(f?));
                        }
                        (ValType::FuncRef, items)
                    }
                    wasmparser::ElementItems::Expressions(rt, r) => {
                        let mut items = Vec::new();
                        for c in r {
                            items.push(const_expr(&c?, &info.type_heaps)?);
                        }
                        (ValType::Ref(ref_type(rt, &info.type_heaps)), items)
                    }
                };
                info.elems.push(ElemSegment { mode, ty, items });
            }
        }
        Payload::DataSection(r) => {
            for d in r {
                let d = d?;
                let mode = match d.kind {
                    wasmparser::DataKind::Passive => DataMode::Passive,
                    wasmparser::DataKind::Active {
                        memory_index,
                        offset_expr,
                    } => DataMode::Active {
                        memory: memory_index,
                        offset: const_expr(&offset_expr, &info.type_heaps)?,
                    },
                };
                info.datas.push(DataSegment {
                    mode,
                    bytes: d.data.to_vec(),
                });
            }
        }
        Payload::CustomSection(r) if r.name() == "name" => {
            // Names are debugging aids: a damaged name section is ignored,
            // never an error.
            if let wasmparser::KnownCustom::Name(names) = r.as_known() {
                read_names(info, names);
            }
        }
        _ => {}
    }
    Ok(())
}

fn read_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for name in names {
        match name {
            Ok(wasmparser::Name::Module { name, .. }) => info.module_name = Some(name.to_string()),
            Ok(wasmparser::Name::Function(map)) => {
                for n in map.into_iter().flatten() {
                    info.func_names.insert(n.index, n.name.to_string());
                }
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// Registers one recursion group of the type section with the engine and
/// appends its types to `info`.
fn read_rec_group(
    info: &mut ModuleInfo,
    engine: &crate::engine::Engine,
    group: wasmparser::RecGroup,
) -> Result<()> {
    use crate::type_registry::{SubType, in_group};
    use wasmparser::CompositeInnerType as C;
    let start = info.type_heaps.len() as u32;
    let subs: Vec<wasmparser::SubType> = group.into_types().collect();
    // References inside the group are written as positions in it.
    let mut heaps = info.type_heaps.clone();
    for (i, sub) in subs.iter().enumerate() {
        let index = TypeIndex(in_group(i as u32));
        heaps.push(match sub.composite_type.inner {
            C::Func(_) => HeapType::ConcreteFunc(index),
            C::Struct(_) => HeapType::ConcreteStruct(index),
            _ => HeapType::ConcreteArray(index),
        });
    }
    let field = |f: &wasmparser::FieldType| FieldType {
        storage: match f.element_type {
            wasmparser::StorageType::I8 => StorageType::I8,
            wasmparser::StorageType::I16 => StorageType::I16,
            wasmparser::StorageType::Val(v) => StorageType::Val(val_type(v, &heaps)),
        },
        mutable: f.mutable,
    };
    let mut key = Vec::with_capacity(subs.len());
    for sub in &subs {
        let composite = match &sub.composite_type.inner {
            C::Func(f) => CompositeType::Func(FuncType::new(
                f.params().iter().map(|t| val_type(*t, &heaps)),
                f.results().iter().map(|t| val_type(*t, &heaps)),
            )),
            C::Struct(s) => CompositeType::Struct(StructType::new(s.fields.iter().map(field))),
            C::Array(a) => CompositeType::Array(ArrayType { element: field(&a.0) }),
            C::Cont(_) => {
                return Err(Error::unsupported("continuation types (stack switching)"));
            }
        };
        let supertype = sub.supertype_idxs.first().map(|p| {
            let i = p.as_module_index().unwrap_or(0);
            if i >= start {
                in_group(i - start)
            } else {
                info.type_ids.get(i as usize).copied().unwrap_or(0)
            }
        });
        key.push(SubType {
            composite,
            supertype,
            is_final: sub.is_final,
        });
    }
    let first = engine.register_group(key)?;
    let registry = engine.types();
    for i in 0..subs.len() as u32 {
        let id = first + i;
        let composite = registry
            .get(id)
            .map(|t| t.composite.clone())
            .ok_or_else(|| Error::compile("a registered type is missing"))?;
        info.type_ids.push(id);
        info.type_final.push(registry.get(id).is_some_and(|t| t.is_final));
        info.type_depth.push(registry.get(id).map_or(0, |t| t.depth() as u32));
        info.type_heaps.push(composite.heap_type(TypeIndex(id)));
        info.types.push(composite);
    }
    Ok(())
}

/// Converts a (validated) wasmparser value type; `types` gives the
/// concrete heap type of each of the module's types seen so far.
pub fn val_type(t: wasmparser::ValType, type_ids: &[HeapType]) -> ValType {
    match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, type_ids)),
    }
}

/// Converts a (validated) wasmparser reference type.
pub fn ref_type(r: wasmparser::RefType, type_ids: &[HeapType]) -> RefType {
    RefType::new(r.is_nullable(), heap_type(r.heap_type(), type_ids))
}

/// Converts a (validated) wasmparser heap type. Only the heap types of the
/// enabled features pass validation; the rest cannot reach here.
pub fn heap_type(h: wasmparser::HeapType, types: &[HeapType]) -> HeapType {
    use wasmparser::AbstractHeapType as A;
    match h {
        wasmparser::HeapType::Abstract { ty, .. } => match ty {
            A::Func => HeapType::Func,
            A::NoFunc => HeapType::NoFunc,
            A::Extern => HeapType::Extern,
            A::NoExtern => HeapType::NoExtern,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            // Stack switching is never enabled, so validation refuses
            // these first.
            A::Cont | A::NoCont => HeapType::None,
        },
        wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => {
            let index = i.as_module_index().unwrap_or(0) as usize;
            types.get(index).copied().unwrap_or(HeapType::None)
        }
    }
}

fn table_type(t: &wasmparser::TableType, type_ids: &[HeapType]) -> TableType {
    TableType {
        element: ValType::Ref(ref_type(t.element_type, type_ids)),
        min: t.initial,
        max: t.maximum,
        table64: t.table64,
    }
}

fn memory_type(m: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        min: m.initial,
        max: m.maximum,
        memory64: m.memory64,
        shared: m.shared,
        page_size_log2: m.page_size_log2.map_or(16, |l| l as u8),
    }
}

fn global_type(g: &wasmparser::GlobalType, type_ids: &[HeapType]) -> GlobalType {
    GlobalType {
        content: val_type(g.content_type, type_ids),
        mutability: if g.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    }
}

fn const_expr(e: &wasmparser::ConstExpr<'_>, type_ids: &[HeapType]) -> Result<ConstExpr> {
    use wasmparser::Operator as O;
    let mut reader = e.get_operators_reader();
    let mut ops = Vec::new();
    loop {
        let op = reader.read()?;
        let c = match op {
            O::End => break,
            O::I32Const { value } => ConstOp::Push(ConstExpr::I32(value)),
            O::I64Const { value } => ConstOp::Push(ConstExpr::I64(value)),
            O::F32Const { value } => ConstOp::Push(ConstExpr::F32(value.bits())),
            O::F64Const { value } => ConstOp::Push(ConstExpr::F64(value.bits())),
            O::V128Const { value } => {
                ConstOp::Push(ConstExpr::V128(u128::from_le_bytes(*value.bytes())))
            }
            O::RefNull { hty } => ConstOp::Push(ConstExpr::RefNull(ValType::Ref(RefType::new(
                true,
                heap_type(hty, type_ids),
            )))),
            O::RefFunc { function_index } => ConstOp::Push(ConstExpr::RefFunc(function_index)),
            O::GlobalGet { global_index } => ConstOp::Push(ConstExpr::GlobalGet(global_index)),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::RefI31 => ConstOp::RefI31,
            O::AnyConvertExtern | O::ExternConvertAny => ConstOp::Convert,
            O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
            O::StructNewDefault { struct_type_index } => {
                ConstOp::StructNewDefault(struct_type_index)
            }
            O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
            O::ArrayNewDefault { array_type_index } => ConstOp::ArrayNewDefault(array_type_index),
            O::ArrayNewFixed {
                array_type_index,
                array_size,
            } => ConstOp::ArrayNewFixed(array_type_index, array_size),
            _ => {
                return Err(Error::unsupported(format!(
                    "constant expression {op:?} (at byte offset {:#x})",
                    reader.original_position()
                )));
            }
        };
        ops.push(c);
    }
    Ok(match ops.as_slice() {
        [ConstOp::Push(c)] => c.clone(),
        _ => ConstExpr::Extended(ops.into_boxed_slice()),
    })
}
