//! Profiler support: with `Profiler::PerfMap`, every module's functions
//! are listed in `/tmp/perf-PID.map`, named after the name section; with
//! `Profiler::JitDump`, they go with their machine code to
//! `/tmp/jit-PID.dump` in perf's jitdump format.

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
fn profiler_names_are_perfmap_jitdump_and_none() {
    assert_eq!(Profiler::from_name("perfmap"), Some(Profiler::PerfMap));
    assert_eq!(Profiler::from_name("jitdump"), Some(Profiler::JitDump));
    assert_eq!(Profiler::from_name("none"), Some(Profiler::None));
    assert_eq!(Profiler::from_name("vtune"), None);
}

/// One code-load record of a jitdump file.
struct CodeLoad {
    pid: u32,
    vma: u64,
    index: u64,
    name: String,
    code: Vec<u8>,
}

/// The header's (magic, version, header size, pid) and the code-load
/// records of this process's jitdump file.
fn read_jitdump() -> ((u32, u32, u32, u32), Vec<CodeLoad>) {
    let path = std::env::temp_dir().join(format!("jit-{}.dump", std::process::id()));
    let bytes = std::fs::read(&path).expect("the jitdump file exists");
    let u32_at = |at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap());
    let header = (u32_at(0), u32_at(4), u32_at(8), u32_at(20));
    let mut records = Vec::new();
    let mut at = header.2 as usize;
    while at + 16 <= bytes.len() {
        let (id, size) = (u32_at(at), u32_at(at + 4) as usize);
        assert!(size >= 16 && at + size <= bytes.len(), "record at {at} fits in the file");
        if id == 0 {
            let code_size = u64_at(at + 40) as usize;
            let name_start = at + 56;
            let name_end = name_start + bytes[name_start..].iter().position(|&b| b == 0).unwrap();
            assert_eq!(name_end + 1 + code_size, at + size, "name, NUL and code fill the record");
            records.push(CodeLoad {
                pid: u32_at(at + 16),
                vma: u64_at(at + 24),
                index: u64_at(at + 48),
                name: String::from_utf8(bytes[name_start..name_end].to_vec()).unwrap(),
                code: bytes[name_end + 1..at + size].to_vec(),
            });
        }
        at += size;
    }
    (header, records)
}

#[test]
fn jitdump_records_each_function_with_its_machine_code() {
    let engine = Engine::new(&Config {
        profiler: Profiler::JitDump,
        ..Config::default()
    })
    .unwrap();
    let wat = r#"(module $dumped_c5
      (func $answer (export "answer") (result i32) (i32.const 0x2a5f7e13)))"#;
    let module = Module::new(&engine, wat).unwrap();
    module.compile_all().unwrap();
    let ((magic, version, header_size, pid), records) = read_jitdump();
    assert_eq!((magic, version, header_size), (0x4A69_5444, 1, 40));
    assert_eq!(pid, std::process::id());
    let answer: Vec<&CodeLoad> = records.iter().filter(|r| r.name == "wasm::dumped_c5::answer").collect();
    assert_eq!(answer.len(), 1, "one record for the function");
    let r = answer[0];
    assert_eq!(r.pid, std::process::id());
    assert!(r.vma != 0 && !r.code.is_empty() && r.code.len() < 4096);
    // The record carries the function's code: its constant is in it.
    let constant = 0x2a5f7e13u32.to_le_bytes();
    assert!(r.code.windows(4).any(|w| w == constant), "{:02x?}", r.code);
    // Every record has its own index.
    let mut indices: Vec<u64> = records.iter().map(|r| r.index).collect();
    indices.sort_unstable();
    indices.dedup();
    assert_eq!(indices.len(), records.len());
    // The file is mapped executable, which is how perf finds it.
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let name = format!("jit-{}.dump", std::process::id());
    assert!(maps.lines().any(|l| l.ends_with(&name) && l.split_whitespace().nth(1).is_some_and(|p| p.contains('x'))), "{maps}");
}
