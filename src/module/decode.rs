//! Decoding and validation with wasmparser: bytes in, `ModuleInfo` plus the
//! function bodies (each with its validator) out.

use super::info::*;
use crate::error::{Error, Result};
use crate::types::{
    FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType, TableType, TypeIndex, ValType,
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
                for sub in group?.into_types() {
                    let f = sub.unwrap_func();
                    // Validated: a type refers only to types before it, so
                    // their canonical ids exist already.
                    let ty = FuncType::new(
                        f.params().iter().map(|t| val_type(*t, &info.type_ids)),
                        f.results().iter().map(|t| val_type(*t, &info.type_ids)),
                    );
                    info.type_ids.push(engine.type_id(&ty));
                    info.types.push(ty);
                }
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
                        let t = table_type(&t, &info.type_ids);
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
                        let g = global_type(&g, &info.type_ids);
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
                info.tables.push(table_type(&t.ty, &info.type_ids));
                info.table_inits.push(match t.init {
                    wasmparser::TableInit::RefNull => None,
                    wasmparser::TableInit::Expr(e) => Some(const_expr(&e, &info.type_ids)?),
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
                info.globals.push(global_type(&g.ty, &info.type_ids));
                info.global_inits.push(const_expr(&g.init_expr, &info.type_ids)?);
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
                        offset: const_expr(&offset_expr, &info.type_ids)?,
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
                            items.push(const_expr(&c?, &info.type_ids)?);
                        }
                        (ValType::Ref(ref_type(rt, &info.type_ids)), items)
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
                        offset: const_expr(&offset_expr, &info.type_ids)?,
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

/// Converts a (validated) wasmparser value type; `type_ids` gives the
/// engine-wide id of each of the module's types seen so far.
pub fn val_type(t: wasmparser::ValType, type_ids: &[u32]) -> ValType {
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
pub fn ref_type(r: wasmparser::RefType, type_ids: &[u32]) -> RefType {
    RefType::new(r.is_nullable(), heap_type(r.heap_type(), type_ids))
}

/// Converts a (validated) wasmparser heap type. Only the heap types of the
/// enabled features pass validation; the rest cannot reach here.
pub fn heap_type(h: wasmparser::HeapType, type_ids: &[u32]) -> HeapType {
    use wasmparser::AbstractHeapType as A;
    match h {
        wasmparser::HeapType::Abstract { ty: A::Func, .. } => HeapType::Func,
        wasmparser::HeapType::Abstract { ty: A::NoFunc, .. } => HeapType::NoFunc,
        wasmparser::HeapType::Abstract { ty: A::NoExtern, .. } => HeapType::NoExtern,
        wasmparser::HeapType::Abstract { ty: A::Exn, .. } => HeapType::Exn,
        wasmparser::HeapType::Abstract { ty: A::NoExn, .. } => HeapType::NoExn,
        wasmparser::HeapType::Abstract { .. } => HeapType::Extern,
        wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => {
            let index = i.as_module_index().unwrap_or(0) as usize;
            HeapType::ConcreteFunc(TypeIndex(type_ids.get(index).copied().unwrap_or(0)))
        }
    }
}

fn table_type(t: &wasmparser::TableType, type_ids: &[u32]) -> TableType {
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

fn global_type(g: &wasmparser::GlobalType, type_ids: &[u32]) -> GlobalType {
    GlobalType {
        content: val_type(g.content_type, type_ids),
        mutability: if g.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    }
}

fn const_expr(e: &wasmparser::ConstExpr<'_>, type_ids: &[u32]) -> Result<ConstExpr> {
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
