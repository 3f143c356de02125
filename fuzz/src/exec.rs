//! Differential execution: a random module runs in wasi-rt and in wasmi (an
//! independent interpreter); instantiation, then every exported function
//! called with random arguments, must give the same results or the same
//! trap in both, and leave the same exported globals, memories and tables.
//! Float results are compared bit for bit when the module canonicalises
//! NaNs (most cases), otherwise any NaN equals any NaN, as the spec allows.

use crate::{Finding, Stats};
use arbitrary::Unstructured;
use std::sync::OnceLock;

/// What a trap means, in terms both engines share.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Trap {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    BadSignature,
    NullReference,
    IntegerOverflow,
    DivisionByZero,
    BadConversion,
    StackOverflow,
    Other(String),
}

fn ours_trap(e: &wasi_rt::Error) -> Trap {
    use wasi_rt::TrapCode as C;
    match e.as_trap().and_then(|t| t.code()) {
        Some(C::Unreachable) => Trap::Unreachable,
        Some(C::MemoryOutOfBounds) => Trap::MemoryOutOfBounds,
        Some(C::TableOutOfBounds | C::UndefinedElement) => Trap::TableOutOfBounds,
        Some(C::UninitializedElement) => Trap::IndirectCallToNull,
        Some(C::BadSignature) => Trap::BadSignature,
        Some(C::NullReference) => Trap::NullReference,
        Some(C::IntegerOverflow) => Trap::IntegerOverflow,
        Some(C::IntegerDivisionByZero) => Trap::DivisionByZero,
        Some(C::BadConversionToInteger) => Trap::BadConversion,
        Some(C::StackOverflow) => Trap::StackOverflow,
        _ => Trap::Other(e.to_string()),
    }
}

fn oracle_trap(e: &wasmi::Error) -> Trap {
    use wasmi::TrapCode as C;
    match e.as_trap_code() {
        Some(C::UnreachableCodeReached) => Trap::Unreachable,
        Some(C::MemoryOutOfBounds) => Trap::MemoryOutOfBounds,
        Some(C::TableOutOfBounds) => Trap::TableOutOfBounds,
        Some(C::IndirectCallToNull) => Trap::IndirectCallToNull,
        Some(C::BadSignature) => Trap::BadSignature,
        Some(C::IntegerOverflow) => Trap::IntegerOverflow,
        Some(C::IntegerDivisionByZero) => Trap::DivisionByZero,
        Some(C::BadConversionToInteger) => Trap::BadConversion,
        Some(C::StackOverflow) => Trap::StackOverflow,
        _ => {
            // Segment initialisation failures are errors, not trap codes.
            let msg = e.to_string();
            if msg.contains("out of bounds table access") {
                Trap::TableOutOfBounds
            } else if msg.contains("out of bounds memory access") {
                Trap::MemoryOutOfBounds
            } else {
                Trap::Other(msg)
            }
        }
    }
}

/// A value as both engines can show it (references: only whether null).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    Ref(bool),
}

fn from_ours(v: &wasi_rt::Val) -> V {
    use wasi_rt::Val;
    match v {
        Val::I32(x) => V::I32(*x),
        Val::I64(x) => V::I64(*x),
        Val::F32(x) => V::F32(*x),
        Val::F64(x) => V::F64(*x),
        Val::V128(x) => V::V128(*x),
        Val::FuncRef(f) => V::Ref(f.is_none()),
        Val::ExternRef(e) => V::Ref(e.is_none()),
        Val::ExnRef(e) => V::Ref(e.is_none()),
        Val::AnyRef(a) => V::Ref(a.is_none()),
    }
}

fn from_oracle(v: &wasmi::Val) -> V {
    use wasmi::Val;
    match v {
        Val::I32(x) => V::I32(*x),
        Val::I64(x) => V::I64(*x),
        Val::F32(x) => V::F32(x.to_bits()),
        Val::F64(x) => V::F64(x.to_bits()),
        Val::V128(x) => V::V128(x.as_u128()),
        Val::FuncRef(f) => V::Ref(f.is_null()),
        Val::ExternRef(e) => V::Ref(e.is_null()),
    }
}

fn f32_same(a: u32, b: u32) -> bool {
    a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
}

fn f64_same(a: u64, b: u64) -> bool {
    a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
}

/// Equal values; with `exact`, floats bit for bit, otherwise any NaN
/// matches any NaN (a v128 matches when its lanes do as f32s or as f64s).
fn same(a: V, b: V, exact: bool) -> bool {
    if exact {
        return a == b;
    }
    match (a, b) {
        (V::F32(x), V::F32(y)) => f32_same(x, y),
        (V::F64(x), V::F64(y)) => f64_same(x, y),
        (V::V128(x), V::V128(y)) => {
            let lanes32 = (0..4).all(|i| f32_same((x >> (32 * i)) as u32, (y >> (32 * i)) as u32));
            let lanes64 = (0..2).all(|i| f64_same((x >> (64 * i)) as u64, (y >> (64 * i)) as u64));
            lanes32 || lanes64
        }
        _ => a == b,
    }
}

/// An argument of type `t` from the input.
fn arg(u: &mut Unstructured<'_>, t: wasi_rt::ValType) -> (wasi_rt::Val, wasmi::Val) {
    use wasi_rt::ValType as T;
    // Interesting integers more often than uniform ones.
    let pick = |u: &mut Unstructured<'_>| -> u64 {
        match u.int_in_range(0..=7u8).unwrap_or(0) {
            0 => 0,
            1 => 1,
            2 => u64::MAX,
            3 => u.int_in_range(0..=64u64).unwrap_or(0),
            4 => 1u64 << u.int_in_range(0..=63u32).unwrap_or(0),
            _ => u.arbitrary().unwrap_or(0),
        }
    };
    match t {
        T::I32 => {
            let x = pick(u) as i32;
            (wasi_rt::Val::I32(x), wasmi::Val::I32(x))
        }
        T::I64 => {
            let x = pick(u) as i64;
            (wasi_rt::Val::I64(x), wasmi::Val::I64(x))
        }
        T::F32 => {
            let x = pick(u) as u32;
            (
                wasi_rt::Val::F32(x),
                wasmi::Val::F32(wasmi::F32::from_bits(x)),
            )
        }
        T::F64 => {
            let x = pick(u);
            (
                wasi_rt::Val::F64(x),
                wasmi::Val::F64(wasmi::F64::from_bits(x)),
            )
        }
        T::V128 => {
            let x = (u128::from(pick(u)) << 64) | u128::from(pick(u));
            (wasi_rt::Val::V128(x), wasmi::Val::V128(x.into()))
        }
        T::Ref(r) if r.heap.is_func() => (
            wasi_rt::Val::FuncRef(None),
            wasmi::Val::default(wasmi::ValType::FuncRef),
        ),
        T::Ref(_) => (
            wasi_rt::Val::ExternRef(None),
            wasmi::Val::default(wasmi::ValType::ExternRef),
        ),
    }
}

/// The most 64 KiB pages any memory may grow to, in both engines: the
/// state comparison after every call reads every byte, so memories stay
/// small (a 64-bit memory's `memory.grow` could otherwise reach 4 GiB).
const MAX_MEMORY_PAGES: u32 = 1024;

/// wasi-rt engines: the default one, and one without optimisation and with
/// epoch checks compiled in (a second code path for everything).
fn ours_engine(second: bool) -> &'static wasi_rt::Engine {
    static DEFAULT: OnceLock<wasi_rt::Engine> = OnceLock::new();
    static OTHER: OnceLock<wasi_rt::Engine> = OnceLock::new();
    if second {
        OTHER.get_or_init(|| {
            wasi_rt::Engine::new(&wasi_rt::Config {
                opt_level: wasi_rt::OptLevel::None,
                epoch_interruption: true,
                max_memory_pages: MAX_MEMORY_PAGES,
                ..wasi_rt::Config::default()
            })
            .expect("an engine")
        })
    } else {
        DEFAULT.get_or_init(|| {
            wasi_rt::Engine::new(&wasi_rt::Config {
                max_memory_pages: MAX_MEMORY_PAGES,
                ..wasi_rt::Config::default()
            })
            .expect("an engine")
        })
    }
}

pub fn oracle_engine() -> &'static wasmi::Engine {
    static ENGINE: OnceLock<wasmi::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        // Exactly the features wasi-rt supports (see `smith::supported`).
        let mut c = wasmi::Config::default();
        c.wasm_memory64(true)
            .wasm_multi_memory(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_custom_page_sizes(true)
            .wasm_wide_arithmetic(true)
            .wasm_relaxed_simd(false)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true)
            .wasm_simd(true)
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_mutable_global(true)
            // Recursion deeper than wasi-rt's stack allows ends the module's
            // comparison (see `call`); keep the oracle's limit out of the way.
            .set_max_recursion_depth(100_000);
        wasmi::Engine::new(&c)
    })
}

/// Runs one input; `Err` is a finding.
pub fn run(data: &[u8], stats: &mut Stats) -> Result<(), Finding> {
    let mut u = Unstructured::new(data);
    let exact = u.ratio(7u8, 8u8).unwrap_or(true);
    let second_engine = u.ratio(1u8, 4u8).unwrap_or(false);
    let Ok(wasm) = crate::smith::module_with(&mut u, true, exact) else {
        return Ok(());
    };
    stats.inputs += 1;
    // For investigating hangs and crashes, which leave no artifact.
    if let Some(path) = std::env::var_os("WASI_RT_FUZZ_DUMP") {
        let _ = std::fs::write(path, &wasm);
    }

    let engine = ours_engine(second_engine);
    let module = match wasi_rt::Module::new(engine, &wasm) {
        Ok(m) => m,
        Err(e) => {
            return Err(Finding::new(
                "a valid module does not compile",
                format!("{e}"),
                wasm,
            ));
        }
    };
    let Ok(oracle_module) = wasmi::Module::new(oracle_engine(), &wasm) else {
        return Ok(()); // the oracle cannot take it: nothing to compare
    };
    stats.modules += 1;

    let mut store = wasi_rt::Store::new(engine);
    // The oracle keeps to wasi-rt's engine limit on table sizes, so a
    // table.grow fails at the same size in both.
    let limits = wasmi::StoreLimitsBuilder::new()
        .table_elements(wasi_rt::Config::default().max_table_elements as usize)
        .memory_size((MAX_MEMORY_PAGES as usize) << 16)
        .build();
    let mut oracle_store = wasmi::Store::new(oracle_engine(), limits);
    oracle_store.limiter(|l| l);
    let linker = wasmi::Linker::<wasmi::StoreLimits>::new(oracle_engine());
    let ours = wasi_rt::Instance::new(&mut store, &module, &[]);
    let theirs = linker.instantiate_and_start(&mut oracle_store, &oracle_module);
    let (ours, theirs) = match (ours, theirs) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => {
            let (ta, tb) = (ours_trap(&a), oracle_trap(&b));
            if ta != tb && ta != Trap::StackOverflow && tb != Trap::StackOverflow {
                return Err(Finding::new(
                    "instantiation traps differ",
                    format!("wasi-rt: {a}\nwasmi: {b}"),
                    wasm,
                ));
            }
            return Ok(());
        }
        (Ok(_), Err(b)) => {
            if oracle_trap(&b) == Trap::StackOverflow {
                return Ok(());
            }
            return Err(Finding::new(
                "instantiation fails only in wasmi",
                format!("wasmi: {b}"),
                wasm,
            ));
        }
        (Err(a), Ok(_)) => {
            if ours_trap(&a) == Trap::StackOverflow {
                return Ok(());
            }
            return Err(Finding::new(
                "instantiation fails only in wasi-rt",
                format!("wasi-rt: {a}"),
                wasm,
            ));
        }
    };
    compare_state(&store, &ours, &oracle_store, &theirs, &module, exact, "instantiation")
        .map_err(|d| Finding::new("state differs", d, wasm.clone()))?;

    let funcs: Vec<String> = module
        .exports()
        .filter(|e| matches!(e.ty(), wasi_rt::ExternType::Func(_)))
        .map(|e| e.name().to_string())
        .collect();
    // Arguments come from what is left of the input, then from a
    // generator seeded by it.
    let mut fallback = vec![0u8; 4096];
    crate::rng::Rng::new(crate::hash(data)).fill(&mut fallback);
    let mut more = Unstructured::new(&fallback);
    for _round in 0..3 {
        for name in &funcs {
            let u = if u.is_empty() { &mut more } else { &mut u };
            let f = ours.get_func(&store, name).expect("exported");
            let g = theirs
                .get_func(&oracle_store, name)
                .expect("exported in both");
            let ty = f.ty(&store);
            let (args, oracle_args): (Vec<_>, Vec<_>) =
                ty.params().iter().map(|t| arg(u, *t)).unzip();
            let mut results: Vec<wasi_rt::Val> = ty
                .results()
                .iter()
                .map(|t| wasi_rt::Val::default_for(*t))
                .collect();
            let mut oracle_results: Vec<wasmi::Val> = g
                .ty(&oracle_store)
                .results()
                .iter()
                .map(|t| wasmi::Val::default(*t))
                .collect();
            if second_engine {
                store.set_epoch_deadline(u64::MAX / 2);
            }
            let a = f.call(&mut store, &args, &mut results);
            let b = g.call(&mut oracle_store, &oracle_args, &mut oracle_results);
            stats.calls += 1;
            let what = format!("call {name}{args:?}");
            match (a, b) {
                (Ok(()), Ok(())) => {
                    let ra: Vec<V> = results.iter().map(from_ours).collect();
                    let rb: Vec<V> = oracle_results.iter().map(from_oracle).collect();
                    if ra.len() != rb.len() || ra.iter().zip(&rb).any(|(x, y)| !same(*x, *y, exact))
                    {
                        return Err(Finding::new(
                            "results differ",
                            format!("{what}\nwasi-rt: {ra:?}\nwasmi:   {rb:?}"),
                            wasm,
                        ));
                    }
                }
                (Err(a), Err(b)) => {
                    let (ta, tb) = (ours_trap(&a), oracle_trap(&b));
                    if ta == Trap::StackOverflow || tb == Trap::StackOverflow {
                        // Engines overflow at different depths; the state may
                        // now differ legitimately: stop comparing.
                        return Ok(());
                    }
                    if ta != tb {
                        return Err(Finding::new(
                            "traps differ",
                            format!("{what}\nwasi-rt: {a}\nwasmi:   {b}"),
                            wasm,
                        ));
                    }
                }
                (Ok(()), Err(b)) => {
                    if oracle_trap(&b) == Trap::StackOverflow {
                        return Ok(());
                    }
                    return Err(Finding::new(
                        "only wasmi traps",
                        format!("{what}\nwasi-rt returned {results:?}\nwasmi: {b}"),
                        wasm,
                    ));
                }
                (Err(a), Ok(())) => {
                    if ours_trap(&a) == Trap::StackOverflow {
                        return Ok(());
                    }
                    return Err(Finding::new(
                        "only wasi-rt traps",
                        format!("{what}\nwasi-rt: {a}\nwasmi returned {oracle_results:?}"),
                        wasm,
                    ));
                }
            }
            compare_state(&store, &ours, &oracle_store, &theirs, &module, exact, &what)
                .map_err(|d| Finding::new("state differs", d, wasm.clone()))?;
        }
    }
    Ok(())
}

/// Compares every exported global, memory and table.
fn compare_state(
    store: &wasi_rt::Store,
    ours: &wasi_rt::Instance,
    oracle_store: &wasmi::Store<wasmi::StoreLimits>,
    theirs: &wasmi::Instance,
    module: &wasi_rt::Module,
    exact: bool,
    after: &str,
) -> Result<(), String> {
    for e in module.exports() {
        let name = e.name();
        match e.ty() {
            wasi_rt::ExternType::Global(_) => {
                let a = from_ours(&ours.get_global(store, name).expect("export").get(store));
                let b = from_oracle(
                    &theirs
                        .get_global(oracle_store, name)
                        .expect("export")
                        .get(oracle_store),
                );
                if !same(a, b, exact) {
                    return Err(format!("after {after}: global {name}: wasi-rt {a:?}, wasmi {b:?}"));
                }
            }
            wasi_rt::ExternType::Memory(_) => {
                let a = ours.get_memory(store, name).expect("export").data(store);
                let b = theirs
                    .get_memory(oracle_store, name)
                    .expect("export")
                    .data(oracle_store);
                if a.len() != b.len() {
                    return Err(format!(
                        "after {after}: memory {name}: {} bytes in wasi-rt, {} in wasmi",
                        a.len(),
                        b.len()
                    ));
                }
                // Stored NaNs may differ unless the module canonicalises them.
                if exact && a != b {
                    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
                    return Err(format!(
                        "after {after}: memory {name} differs first at byte {at:#x}: wasi-rt {:#04x}, wasmi {:#04x}",
                        a[at], b[at]
                    ));
                }
            }
            wasi_rt::ExternType::Table(_) => {
                let t = ours.get_table(store, name).expect("export");
                let u = theirs.get_table(oracle_store, name).expect("export");
                let (n, m) = (t.size(store), u.size(oracle_store));
                if n != m {
                    return Err(format!("after {after}: table {name}: size {n} in wasi-rt, {m} in wasmi"));
                }
                for i in 0..n.min(4096) {
                    let a = t.get(store, i).map(|v| from_ours(&v));
                    let b = u.get(oracle_store, i).map(|v| from_oracle(&v));
                    if a != b {
                        return Err(format!(
                            "after {after}: table {name}[{i}]: wasi-rt {a:?}, wasmi {b:?}"
                        ));
                    }
                }
            }
            // Generated modules have no exceptions (the oracle lacks them).
            wasi_rt::ExternType::Func(_) | wasi_rt::ExternType::Tag(_) => {}
        }
    }
    Ok(())
}
