//! Profiler support: with `Profiler::PerfMap`, every module's functions
//! are listed in `/tmp/perf-PID.map`, named after the name section.

use wasi_rt::{Config, Engine, Module, Profiler};

/// The map file's lines for `symbol`: (start, size).
fn lines_for(symbol: &str) -> Vec<(u64, u64)> {
    let path = std::env::temp_dir().join(format!("perf-{}.map", std::process::id()));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            let start = u64::from_str_radix(parts.next()?, 16).ok()?;
            let size = u64::from_str_radix(parts.next()?, 16).ok()?;
            (parts.next()? == symbol).then_some((start, size))
        })
        .collect()
}

#[test]
fn perfmap_lists_every_function_by_its_module_and_function_name() {
    let engine = Engine::new(&Config {
        profiler: Profiler::PerfMap,
        ..Config::default()
    })
    .unwrap();
    let wat = r#"(module $plugin_a7
      (func $hot_loop (export "hot") (param i32) (result i32) (local.get 0))
      (func (export "anon") (result i32) (i32.const 1)))"#;
    let module = Module::new(&engine, wat).unwrap();
    // (Lazily compiled functions are listed once they have code.)
    module.compile_all().unwrap();
    let hot = lines_for("wasm::plugin_a7::hot_loop");
    assert_eq!(hot.len(), 1, "one line for the function");
    let (start, size) = hot[0];
    assert!(start != 0 && size > 0 && size < 4096, "{start:#x} {size:#x}");
    // A function without a name gets its index.
    assert_eq!(lines_for("wasm::plugin_a7::func1").len(), 1);
    // Trampolines are named too, and no two entries overlap.
    let tramp = lines_for("wasm::plugin_a7::trampoline[0]");
    assert_eq!(tramp.len(), 1);
    let (t0, ts) = tramp[0];
    assert!(t0 >= start + size || t0 + ts <= start);
    // Loading it again (precompiled) lists it again, at its new place.
    let bytes = Module::precompile(&engine, wat).unwrap();
    // SAFETY: bytes this test just made.
    let again = unsafe { Module::from_precompiled(&engine, &bytes) }.unwrap();
    assert_eq!(lines_for("wasm::plugin_a7::hot_loop").len(), 2);
    drop((module, again));
}

#[test]
fn without_a_profiler_no_map_lines_are_written() {
    let engine = Engine::default();
    Module::new(&engine, r#"(module $quiet_b3 (func $f (export "f")))"#).unwrap();
    assert!(lines_for("wasm::quiet_b3::f").is_empty());
}

#[test]
fn profiler_names_are_perfmap_and_none() {
    assert_eq!(Profiler::from_name("perfmap"), Some(Profiler::PerfMap));
    assert_eq!(Profiler::from_name("none"), Some(Profiler::None));
    assert_eq!(Profiler::from_name("jitdump"), None);
}
