//! Garbage collection, without an oracle (wasmi has no GC): a random
//! module using GC types and instructions must compile; instantiating it
//! and calling every export (numbers random, references null) must give
//! results or traps, with a collection forced after every call in a small
//! heap. A lost root or a corrupted heap shows up as a crash, a hang or a
//! panic here (as a finding of the worker); results are also fed back as
//! arguments, so objects cross calls and survive collections.

use crate::{Finding, Stats};
use arbitrary::Unstructured;
use std::sync::{Mutex, OnceLock};

/// Cases one engine serves: every random module registers new types, and
/// an engine keeps its types for its lifetime (up to a limit), so the
/// target moves to a fresh engine regularly.
const CASES_PER_ENGINE: u32 = 2000;

/// The engine in use and how many cases it served; a thread advances its
/// epoch every 10 ms, so code that runs too long is stopped.
static CURRENT: Mutex<Option<(wasi_rt::Engine, u32)>> = Mutex::new(None);

fn engine() -> wasi_rt::Engine {
    static TICKER: OnceLock<()> = OnceLock::new();
    TICKER.get_or_init(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(10));
                if let Some((e, _)) = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                    e.increment_epoch();
                }
            }
        });
    });
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    if current.as_ref().is_none_or(|(_, n)| *n >= CASES_PER_ENGINE) {
        let e = wasi_rt::Engine::new(&wasi_rt::Config {
            epoch_interruption: true,
            ..wasi_rt::Config::default()
        })
        .expect("an engine");
        *current = Some((e, 0));
    }
    let (e, n) = current.as_mut().expect("made above");
    *n += 1;
    e.clone()
}

pub fn run(data: &[u8], stats: &mut Stats) -> Result<(), Finding> {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = crate::smith::gc_module(&mut u) else {
        return Ok(());
    };
    stats.inputs += 1;
    if let Some(path) = std::env::var_os("WASI_RT_FUZZ_DUMP") {
        let _ = std::fs::write(path, &wasm);
    }
    let engine = &engine();
    let module = match wasi_rt::Module::new(engine, &wasm) {
        Ok(m) => m,
        Err(e) => {
            return Err(Finding::new("a valid GC module does not compile", e.to_string(), wasm));
        }
    };
    stats.modules += 1;
    let mut store = wasi_rt::Store::new(engine);
    store.limit_memory(Some(64 << 20));
    if store.set_gc_heap_limit(2 << 20).is_err() {
        return Err(Finding::new("a new store refuses a GC heap limit", String::new(), wasm));
    }
    store.set_epoch_deadline(10);
    let Ok(inst) = wasi_rt::Instance::new(&mut store, &module, &[]) else {
        return Ok(());
    };
    // References results gave, by type, offered to later calls.
    let mut pool: Vec<wasi_rt::Val> = Vec::new();
    for _round in 0..2 {
        for (_, ext) in inst.exports(&store) {
            let Some(f) = ext.into_func() else { continue };
            let ty = f.ty(&store);
            let args: Vec<wasi_rt::Val> = ty
                .params()
                .iter()
                .map(|&ty| {
                    crate::random_number(&mut u, ty).unwrap_or_else(|| {
                        pool.iter()
                            .rev()
                            .find(|v| v.ty() == ty || matches!(**v, wasi_rt::Val::AnyRef(Some(_))) && ty.is_ref())
                            .copied()
                            .unwrap_or_else(|| wasi_rt::Val::default_for(ty))
                    })
                })
                .collect();
            let mut out: Vec<wasi_rt::Val> =
                ty.results().iter().map(|t| wasi_rt::Val::default_for(*t)).collect();
            store.set_epoch_deadline(10);
            if f.call(&mut store, &args, &mut out).is_ok() {
                pool.extend(out.into_iter().filter(|v| matches!(v, wasi_rt::Val::AnyRef(Some(_)))));
            }
            stats.calls += 1;
            store.gc();
        }
    }
    // Everything the host still holds is intact after one more collection.
    store.gc();
    for v in &pool {
        if let wasi_rt::Val::AnyRef(Some(a)) = v
            && (a.ty(&store).is_err() || !a.is_rooted(&store))
        {
            return Err(Finding::new("a held reference was lost", format!("{v:?}"), wasm));
        }
    }
    let live = store.gc_stats().live_objects;
    if live > store.gc_stats().allocated_objects {
        return Err(Finding::new("more objects live than were made", format!("{live}"), wasm));
    }
    Ok(())
}
