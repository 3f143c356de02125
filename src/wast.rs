//! A runner for WebAssembly spec test scripts (`.wast`), used by
//! `wasi-rt wast` and by the spec conformance test.
//!
//! Every assertion (and every module definition, registration and bare
//! invocation) counts as one check that passes or fails; a failing check is
//! recorded with its line and the runner goes on with the next directive.

use crate::{
    Engine, Error, Extern, ExternRef, Func, FuncType, Global, GlobalType, HeapType, Instance, Memory,
    MemoryType, Module, Mutability, Store, Table, TableType, Trap, TrapCode, Val, ValType,
};
use std::collections::HashMap;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// The outcome of one script.
#[derive(Debug, Default)]
pub struct WastReport {
    pub passed: usize,
    pub failed: usize,
    /// One line per failed check: `line N: what went wrong`.
    pub failures: Vec<String>,
}

/// Runs the script at `path`.
pub fn run_file(engine: &Engine, path: &std::path::Path) -> Result<WastReport, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    run_str(engine, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs a script given as text. Errs only when the script cannot be parsed.
pub fn run_str(engine: &Engine, text: &str) -> Result<WastReport, String> {
    // The legacy exception tests write `try` folded, which the parser
    // reads only flat.
    let unfolded = crate::module::text::unfold_legacy_try(text);
    let text = unfolded.as_deref().unwrap_or(text);
    let mut lexer = wast::lexer::Lexer::new(text);
    // The spec's names.wast deliberately uses confusable characters.
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| e.to_string())?;
    let script: Wast<'_> = parser::parse(&buf).map_err(|e| e.to_string())?;
    let mut runner = Runner::new(engine);
    let mut report = WastReport::default();
    for directive in script.directives {
        let span = directive.span();
        let (line, _) = span.linecol_in(text);
        match runner.directive(directive) {
            Ok(()) => report.passed += 1,
            Err(msg) => {
                report.failed += 1;
                report.failures.push(format!("line {}: {msg}", line + 1));
            }
        }
    }
    Ok(report)
}

struct Runner {
    engine: Engine,
    store: Store,
    current: Option<Instance>,
    named: HashMap<String, Instance>,
    definitions: HashMap<String, Module>,
    registered: HashMap<String, Instance>,
    spectest: Option<HashMap<&'static str, Extern>>,
    externs: HashMap<u32, ExternRef>,
}

type Check = Result<(), String>;

fn f32_matches(p: &NanPattern<wast::token::F32>, g: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => g & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => g & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(w) => w.bits == g,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, g: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => g & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => g & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(w) => w.bits == g,
    }
}

/// Whether the 16 bytes `g` match a lane-wise pattern.
fn v128_matches(p: &V128Pattern, g: u128) -> bool {
    let lane = |i: usize, bits: u32| (g >> (i as u32 * bits)) & ((1u128 << bits) - 1);
    match p {
        V128Pattern::I8x16(w) => w
            .iter()
            .enumerate()
            .all(|(i, w)| lane(i, 8) == *w as u8 as u128),
        V128Pattern::I16x8(w) => w
            .iter()
            .enumerate()
            .all(|(i, w)| lane(i, 16) == *w as u16 as u128),
        V128Pattern::I32x4(w) => w
            .iter()
            .enumerate()
            .all(|(i, w)| lane(i, 32) == *w as u32 as u128),
        V128Pattern::I64x2(w) => w
            .iter()
            .enumerate()
            .all(|(i, w)| lane(i, 64) == *w as u64 as u128),
        V128Pattern::F32x4(w) => w
            .iter()
            .enumerate()
            .all(|(i, w)| f32_matches(w, lane(i, 32) as u32)),
        V128Pattern::F64x2(w) => w
            .iter()
            .enumerate()
            .all(|(i, w)| f64_matches(w, lane(i, 64) as u64)),
    }
}

/// The hierarchy a `ref.null` of heap type `h` belongs to (`None`: any,
/// for a concrete type or no type).
fn null_hierarchy(h: Option<&wast::core::HeapType<'_>>) -> Option<HeapType> {
    use wast::core::AbstractHeapType as A;
    match h? {
        wast::core::HeapType::Abstract { ty, .. } => Some(match ty {
            A::Func | A::NoFunc => HeapType::Func,
            A::Extern | A::NoExtern => HeapType::Extern,
            A::Exn | A::NoExn => HeapType::Exn,
            A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None => HeapType::Any,
            _ => return None,
        }),
        _ => None,
    }
}

fn trap_matches(trap: &Trap, expected: &str) -> bool {
    let msg = trap.message();
    msg.contains(expected) || expected.contains(msg) || {
        // The spec words a few traps differently in different files.
        matches!(
            (trap.code(), expected),
            (Some(TrapCode::UndefinedElement), e) if e.starts_with("undefined")
        ) || matches!(
            (trap.code(), expected),
            // "null structure reference", "null array reference", ...
            (Some(TrapCode::NullReference), e) if e.starts_with("null") && e.ends_with("reference")
        ) || matches!(
            (trap.code(), expected),
            (Some(TrapCode::UninitializedElement), e) if e.starts_with("uninitialized")
        ) || matches!(
            (trap.code(), expected),
            (
                Some(TrapCode::UndefinedElement),
                "out of bounds table access"
            )
        ) || matches!(
            (trap.code(), expected),
            (Some(TrapCode::NullReference), e) if e.starts_with("null")
        )
    }
}

impl Runner {
    fn new(engine: &Engine) -> Runner {
        Runner {
            engine: engine.clone(),
            store: Store::new(engine),
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            registered: HashMap::new(),
            spectest: None,
            externs: HashMap::new(),
        }
    }

    fn spectest(&mut self) -> Result<&HashMap<&'static str, Extern>, Error> {
        if self.spectest.is_none() {
            let s = &mut self.store;
            let mut m = HashMap::new();
            let print = |s: &mut Store, params: Vec<ValType>| {
                Func::new(s, FuncType::new(params, []), |_, _, _| Ok(()))
            };
            use ValType::*;
            m.insert("print", Extern::Func(print(s, vec![])?));
            m.insert("print_i32", Extern::Func(print(s, vec![I32])?));
            m.insert("print_i64", Extern::Func(print(s, vec![I64])?));
            m.insert("print_f32", Extern::Func(print(s, vec![F32])?));
            m.insert("print_f64", Extern::Func(print(s, vec![F64])?));
            m.insert("print_i32_f32", Extern::Func(print(s, vec![I32, F32])?));
            m.insert("print_f64_f64", Extern::Func(print(s, vec![F64, F64])?));
            let g = |s: &mut Store, t, v| Global::new(s, GlobalType::new(t, Mutability::Const), v);
            m.insert("global_i32", Extern::Global(g(s, I32, Val::I32(666))?));
            m.insert("global_i64", Extern::Global(g(s, I64, Val::I64(666))?));
            m.insert(
                "global_f32",
                Extern::Global(g(s, F32, Val::from(666.6f32))?),
            );
            m.insert(
                "global_f64",
                Extern::Global(g(s, F64, Val::from(666.6f64))?),
            );
            let t = Table::new(
                s,
                TableType::new(ValType::FuncRef, 10, Some(20)),
                Val::FuncRef(None),
            )?;
            m.insert("table", Extern::Table(t));
            let t = Table::new(
                s,
                TableType::new64(ValType::FuncRef, 10, Some(20)),
                Val::FuncRef(None),
            )?;
            m.insert("table64", Extern::Table(t));
            m.insert(
                "memory",
                Extern::Memory(Memory::new(s, MemoryType::new(1, Some(2)))?),
            );
            m.insert(
                "shared_memory",
                Extern::Memory(Memory::new(s, MemoryType::new(1, Some(2)).shared())?),
            );
            self.spectest = Some(m);
        }
        Ok(self.spectest.as_ref().expect("just set"))
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Error> {
        let mut imports = Vec::new();
        for imp in module.imports() {
            let ext = if imp.module() == "spectest" {
                self.spectest()?.get(imp.name()).copied()
            } else {
                match self.registered.get(imp.module()) {
                    Some(inst) => inst.get_export(&self.store, imp.name()),
                    None => None,
                }
            };
            let ext = ext.ok_or_else(|| {
                Error::link(format!("unknown import {}::{}", imp.module(), imp.name()))
            })?;
            imports.push(ext);
        }
        Instance::new(&mut self.store, module, &imports)
    }

    fn compile(&self, wat: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = wat
            .encode()
            .map_err(|e| format!("cannot encode module: {e}"))?;
        Module::from_binary(&self.engine, &bytes).map_err(|e| e.to_string())
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("no module named ${}", id.name())),
            None => self.current.ok_or_else(|| "no current module".to_string()),
        }
    }

    fn arg(&mut self, a: &WastArg<'_>) -> Result<Val, String> {
        let WastArg::Core(a) = a else {
            return Err("component values are not supported".into());
        };
        Ok(match a {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(h) => match null_hierarchy(Some(h)) {
                Some(HeapType::Func) => Val::FuncRef(None),
                Some(HeapType::Any) => Val::AnyRef(None),
                Some(HeapType::Exn) => Val::ExnRef(None),
                _ => Val::ExternRef(None),
            },
            WastArgCore::RefExtern(n) => Val::ExternRef(Some(self.extern_ref(*n))),
            // A host value in the `any` hierarchy.
            WastArgCore::RefHost(n) => {
                let e = self.extern_ref(*n);
                Val::AnyRef(crate::AnyRef::from_extern(&self.store, e))
            }
        })
    }

    fn extern_ref(&mut self, n: u32) -> ExternRef {
        if let Some(e) = self.externs.get(&n) {
            return *e;
        }
        let e = ExternRef::new(&mut self.store, n);
        self.externs.insert(n, e);
        e
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Result<Vec<Val>, Error>, String> {
        let inst = self.instance(inv.module)?;
        let func = inst
            .get_func(&self.store, inv.name)
            .ok_or_else(|| format!("no exported function {:?}", inv.name))?;
        let args = inv
            .args
            .iter()
            .map(|a| self.arg(a))
            .collect::<Result<Vec<_>, _>>()?;
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| results))
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Val>, Error>, String> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Wat(wat) => {
                let module = self.compile(&mut QuoteWat::Wat(wat))?;
                Ok(self.instantiate(&module).map(|_| Vec::new()))
            }
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module)?;
                let g = inst
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no exported global {global:?}"))?;
                Ok(Ok(vec![g.get(&self.store)]))
            }
        }
    }

    fn check_result(&self, got: &Val, want: &WastRet<'_>) -> Check {
        let WastRet::Core(want) = want else {
            return Err("component results are not supported".into());
        };
        self.check_core(got, want)
    }

    fn check_core(&self, got: &Val, want: &WastRetCore<'_>) -> Check {
        if let WastRetCore::Either(alternatives) = want {
            return if alternatives.iter().any(|a| self.check_core(got, a).is_ok()) {
                Ok(())
            } else {
                Err(format!("expected one of {alternatives:?}, got {got:?}"))
            };
        }
        let ok = match (want, got) {
            (WastRetCore::I32(w), Val::I32(g)) => w == g,
            (WastRetCore::I64(w), Val::I64(g)) => w == g,
            (WastRetCore::F32(p), Val::F32(g)) => f32_matches(p, *g),
            (WastRetCore::F64(p), Val::F64(g)) => f64_matches(p, *g),
            (WastRetCore::V128(p), Val::V128(g)) => v128_matches(p, *g),
            (WastRetCore::RefNull(h), g) => {
                let is_null = matches!(
                    g,
                    Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None)
                );
                let top = match g {
                    Val::FuncRef(_) => HeapType::Func,
                    Val::AnyRef(_) => HeapType::Any,
                    Val::ExnRef(_) => HeapType::Exn,
                    _ => HeapType::Extern,
                };
                is_null && null_hierarchy(h.as_ref()).is_none_or(|t| t == top)
            }
            (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
            (WastRetCore::RefExtern(Some(n)) | WastRetCore::RefHost(n), Val::ExternRef(Some(e))) => {
                e.data(&self.store).and_then(|d| d.downcast_ref::<u32>()) == Some(n)
            }
            (WastRetCore::RefHost(n), Val::AnyRef(Some(a))) => {
                // A host value converted with any.convert_extern.
                a.host_data(&self.store).and_then(|d| d.downcast_ref::<u32>()) == Some(n)
            }
            (WastRetCore::RefAny, Val::AnyRef(Some(_))) => true,
            (WastRetCore::RefEq, Val::AnyRef(Some(a))) => a.matches(&self.store, HeapType::Eq),
            (WastRetCore::RefStruct, Val::AnyRef(Some(a))) => a.is_struct(&self.store),
            (WastRetCore::RefArray, Val::AnyRef(Some(a))) => a.is_array(&self.store),
            (WastRetCore::RefI31, Val::AnyRef(Some(a))) => a.i31_s(&self.store).is_some(),
            (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected {want:?}, got {got:?}"))
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Check {
        match d {
            WastDirective::Module(mut wat) => {
                let name = wat.name().map(|n| n.name().to_string());
                let module = self.compile(&mut wat)?;
                let inst = self.instantiate(&module).map_err(|e| e.to_string())?;
                self.current = Some(inst);
                if let Some(n) = name {
                    self.named.insert(n, inst);
                }
                Ok(())
            }
            WastDirective::ModuleDefinition(mut wat) => {
                let name = wat.name().map(|n| n.name().to_string());
                let module = self.compile(&mut wat)?;
                if let Some(n) = name {
                    self.definitions.insert(n, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module
                    .and_then(|m| self.definitions.get(m.name()).cloned())
                    .ok_or("unknown module definition")?;
                let inst = self.instantiate(&def).map_err(|e| e.to_string())?;
                self.current = Some(inst);
                if let Some(i) = instance {
                    self.named.insert(i.name().to_string(), inst);
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module)?;
                self.registered.insert(name.to_string(), inst);
                Ok(())
            }
            WastDirective::Invoke(inv) => {
                self.invoke(&inv)?.map_err(|e| e.to_string())?;
                Ok(())
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = self.execute(exec)?.map_err(|e| e.to_string())?;
                if got.len() != results.len() {
                    return Err(format!(
                        "expected {} results, got {}",
                        results.len(),
                        got.len()
                    ));
                }
                for (g, w) in got.iter().zip(&results) {
                    self.check_result(g, w)?;
                }
                Ok(())
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec)? {
                Ok(v) => Err(format!("expected trap {message:?}, got {v:?}")),
                Err(e) => match e.as_trap() {
                    Some(t) if trap_matches(t, message) => Ok(()),
                    _ => Err(format!("expected trap {message:?}, got error: {e}")),
                },
            },
            WastDirective::AssertException { exec, .. } => match self.execute(exec)? {
                Ok(v) => Err(format!("expected an exception, got {v:?}")),
                Err(e) => match e.as_trap() {
                    Some(t) if t.code() == Some(TrapCode::UncaughtException) => Ok(()),
                    _ => Err(format!("expected an uncaught exception, got error: {e}")),
                },
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call)? {
                Ok(v) => Err(format!("expected exhaustion, got {v:?}")),
                Err(e) => match e.as_trap() {
                    Some(t) if t.code() == Some(TrapCode::StackOverflow) => Ok(()),
                    _ => Err(format!("expected {message:?}, got error: {e}")),
                },
            },
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => match self.compile(&mut module) {
                Ok(_) => Err(format!("expected the module to be rejected ({message})")),
                Err(_) => Ok(()),
            },
            // Malformed or invalid custom content (annotations, custom
            // sections): the text format may reject it; an engine that
            // does not interpret the custom section may accept the module,
            // which must then compile or fail cleanly.
            WastDirective::AssertMalformedCustom { mut module, .. }
            | WastDirective::AssertInvalidCustom { mut module, .. } => {
                if let Ok(bytes) = module.encode() {
                    let _ = Module::from_binary(&self.engine, &bytes);
                }
                Ok(())
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let module = self.compile(&mut QuoteWat::Wat(module))?;
                match self.instantiate(&module) {
                    Ok(_) => Err(format!("expected a link error ({message})")),
                    Err(e) if e.as_trap().is_none() => Ok(()),
                    Err(e) => Err(format!("expected a link error ({message}), got {e}")),
                }
            }
            other => Err(format!("unsupported directive {other:?}")),
        }
    }
}
