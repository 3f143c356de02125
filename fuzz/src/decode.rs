//! Mutated modules: a valid module with a few random byte mutations must
//! compile or be refused with a one-line error, never panic, hang or crash;
//! one that compiles instantiates and runs (under an epoch deadline) without
//! harming the host. Whether a module is valid must agree with wasmi's
//! validator (a different wasmparser version, so a second opinion).

use crate::{Finding, Stats};
use arbitrary::Unstructured;

/// An engine with epoch interruption (advanced every 10 ms by a thread of
/// its own, as `crate::epoch_engine`) and the feature set of the oracle.
fn engine() -> &'static wasi_rt::Engine {
    static ENGINE: std::sync::OnceLock<wasi_rt::Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut features = wasi_rt::Features::default();
        features.function_references = false;
        features.exceptions = false;
        // wasmi has no threads (shared memories, atomics).
        features.threads = false;
        let engine = wasi_rt::Engine::new(&wasi_rt::Config {
            epoch_interruption: true,
            features,
            ..wasi_rt::Config::default()
        })
        .expect("an engine");
        let ticker = engine.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(10));
                ticker.increment_epoch();
            }
        });
        engine
    })
}

pub fn run(data: &[u8], stats: &mut Stats) -> Result<(), Finding> {
    let mut u = Unstructured::new(data);
    let Ok(mut wasm) = crate::smith::module(&mut u, true) else {
        return Ok(());
    };
    let n = u.int_in_range(1..=6u8).unwrap_or(1);
    for _ in 0..n {
        crate::mutate::mutate(&mut wasm, &mut u, None);
    }
    stats.inputs += 1;
    // The features the oracle validates (wasmi has no typed function
    // references), so both judge the same language.
    let engine = engine();
    let ours = wasi_rt::Module::new(engine, &wasm);
    let theirs = wasmi::Module::validate(crate::exec_oracle_engine(), &wasm);
    match (&ours, &theirs) {
        (Ok(_), Err(e)) => {
            return Err(Finding::new(
                "wasi-rt accepts a module wasmi refuses",
                format!("wasmi: {e}"),
                wasm,
            ));
        }
        (Err(e), Ok(())) if !matches!(e.kind(), wasi_rt::ErrorKind::Limit(_)) => {
            return Err(Finding::new(
                "wasi-rt refuses a module wasmi accepts",
                format!("wasi-rt: {e}"),
                wasm,
            ));
        }
        _ => {}
    }
    let module = match ours {
        Ok(m) => m,
        Err(e) => {
            let msg = e.to_string();
            if msg.contains('\n') || msg.is_empty() {
                return Err(Finding::new("an error is not one line", msg, wasm));
            }
            return Ok(());
        }
    };
    stats.modules += 1;
    crate::run_exports(engine, &module, &mut u, stats);
    Ok(())
}
