//! Precompiled modules: `Module::precompile` in one engine, then
//! `Module::from_precompiled` (no compiling) in another with the same
//! settings behaves exactly like the module compiled there.

use wasi_rt::*;

const MODULE: &str = r#"(module $demo
  (type $binop (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (table 2 funcref)
  (elem (i32.const 0) $add $sub)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "floor") (param f64) (result f64) (f64.floor (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func $inner (export "deep") (unreachable)))"#;

fn call(inst: &Instance, store: &mut Store, name: &str, args: &[Val]) -> Result<Vec<Val>> {
    let f = inst.get_func(store, name).unwrap();
    let mut out: Vec<Val> = f
        .ty(store)
        .results()
        .iter()
        .map(|t| Val::default_for(*t))
        .collect();
    f.call(store, args, &mut out)?;
    Ok(out)
}

fn load(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    // SAFETY: the bytes come from Module::precompile in this test.
    unsafe { Module::from_precompiled(engine, bytes) }
}

#[test]
fn a_precompiled_module_runs_like_the_compiled_one_in_a_fresh_engine() {
    let bytes = Module::precompile(&Engine::default(), MODULE).unwrap();
    // A different engine instance: it has met no signatures yet, and
    // registers others first, so its signature ids differ.
    let engine = Engine::default();
    Module::new(
        &engine,
        "(module (func (param f32)) (func (param i64 i64) (result i64) local.get 0))",
    )
    .unwrap();
    let module = load(&engine, &bytes).unwrap();
    assert_eq!(module.name(), Some("demo"));
    assert_eq!(module.exports().len(), 5);
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    assert_eq!(
        call(
            &inst,
            &mut store,
            "apply",
            &[Val::I32(0), Val::I32(7), Val::I32(5)]
        )
        .unwrap(),
        [Val::I32(12)]
    );
    assert_eq!(
        call(
            &inst,
            &mut store,
            "apply",
            &[Val::I32(1), Val::I32(7), Val::I32(5)]
        )
        .unwrap(),
        [Val::I32(2)]
    );
    assert_eq!(
        call(&inst, &mut store, "floor", &[Val::from(-2.5f64)]).unwrap(),
        [Val::from(-3.0f64)]
    );
    assert_eq!(
        call(&inst, &mut store, "load", &[Val::I32(16)]).unwrap(),
        [Val::I32(i32::from(b'h'))]
    );
}

#[test]
fn traps_in_precompiled_code_keep_their_codes_and_backtraces() {
    let engine = Engine::default();
    let module = load(&engine, &Module::precompile(&engine, MODULE).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let oob = call(&inst, &mut store, "load", &[Val::I32(70000)]).unwrap_err();
    assert_eq!(
        oob.as_trap().unwrap().code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    let bad_index = call(
        &inst,
        &mut store,
        "apply",
        &[Val::I32(5), Val::I32(1), Val::I32(1)],
    )
    .unwrap_err();
    assert_eq!(
        bad_index.as_trap().unwrap().code(),
        Some(TrapCode::UndefinedElement)
    );
    let deep = call(&inst, &mut store, "deep", &[]).unwrap_err();
    let trap = deep.as_trap().unwrap();
    assert_eq!(trap.code(), Some(TrapCode::Unreachable));
    assert_eq!(trap.frames()[0].func_name.as_deref(), Some("inner"));
}

#[test]
fn bytes_that_are_not_a_precompiled_module_are_refused() {
    let engine = Engine::default();
    let bytes = Module::precompile(&engine, MODULE).unwrap();
    let wasm = wat::parse_str(MODULE).unwrap();
    for (what, data) in [
        ("a plain module", wasm.clone()),
        (
            "a serialized module",
            Module::new(&engine, MODULE).unwrap().serialize(),
        ),
        ("nothing", Vec::new()),
    ] {
        let err = load(&engine, &data).unwrap_err().to_string();
        assert!(
            err.contains("not a precompiled wasi-rt module"),
            "{what}: {err}"
        );
    }
    for cut in [25, bytes.len() / 2, bytes.len() - 1] {
        let err = load(&engine, &bytes[..cut]).unwrap_err().to_string();
        assert!(err.contains("precompiled module"), "cut at {cut}: {err}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(
        load(&engine, &longer)
            .unwrap_err()
            .to_string()
            .contains("checksum")
    );
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    assert!(
        load(&engine, &flipped)
            .unwrap_err()
            .to_string()
            .contains("checksum")
    );
}

/// Recomputes the trailing checksum after a deliberate edit (64-bit FNV-1a
/// of everything before it), so the checks behind it are reached.
fn reseal(bytes: &mut [u8]) {
    let n = bytes.len() - 8;
    // The checksum: the first 8 bytes of the BLAKE3 hash of the rest.
    let sum = *blake3::hash(&bytes[..n]).as_bytes();
    bytes[n..].copy_from_slice(&sum[..8]);
}

#[test]
fn a_module_binary_that_does_not_match_its_code_is_refused() {
    // Nothing uses the memory, so the module stays valid without it.
    let text = r#"(module (memory 1) (func (export "f") (result i32) (i32.const 7)))"#;
    let engine = Engine::default();
    let mut bytes = Module::precompile(&engine, text).unwrap();
    let wasm = wat::parse_str(text).unwrap();
    let at = bytes
        .windows(wasm.len())
        .position(|w| w == wasm.as_slice())
        .expect("the binary is inside");
    // Turn the memory section (id 5, one-byte size) into a custom section.
    let memory = (8..wasm.len())
        .find(|i| wasm[*i] == 5 && wasm[*i + 2] == 1 && wasm[*i + 3] == 0)
        .expect("a memory section with one memory of minimum 1");
    bytes[at + memory] = 0;
    reseal(&mut bytes);
    let err = load(&engine, &bytes).unwrap_err().to_string();
    assert!(err.contains("does not match its machine code"), "{err}");
}

#[test]
fn a_module_precompiled_with_other_settings_is_refused() {
    let plain = Module::precompile(&Engine::default(), MODULE).unwrap();
    let epoch = Engine::new(&Config {
        epoch_interruption: true,
        ..Config::default()
    })
    .unwrap();
    let err = load(&epoch, &plain).unwrap_err().to_string();
    assert!(err.contains("different engine"), "{err}");
    // The one setting that differs, both ways, and what to do; not the
    // whole fingerprint.
    assert!(
        err.contains("epoch_interruption is false in the file, true in this engine"),
        "{err}"
    );
    assert!(err.contains("compile it again"), "{err}");
    assert!(err.len() < 400, "{} bytes: {err}", err.len());
    let mut old = plain.clone();
    old[20] = 9; // the format version
    reseal(&mut old);
    assert!(
        load(&Engine::default(), &old)
            .unwrap_err()
            .to_string()
            .contains("format version 9")
    );
}

#[test]
fn an_invalid_module_cannot_be_precompiled() {
    let err = Module::precompile(&Engine::default(), "(module (func (result i32)))").unwrap_err();
    assert!(err.to_string().contains("invalid"), "{err}");
}

#[test]
fn a_call_site_at_offset_zero_is_refused() {
    // Found by the precompiled fuzz target: a return address of 0 (no call
    // instruction can end there) with handlers made the check underflow.
    let engine = Engine::default();
    let mut bytes = Module::precompile(
        &engine,
        r#"(module (tag $e) (func $t (throw $e))
             (func (export "f") (block $h (try_table (catch $e $h) (call $t)))))"#,
    )
    .unwrap();
    // The file ends with: call sites (count, then ret, frame offset,
    // first and end handler, 4 bytes each), handlers (count, 9 bytes
    // each), stack maps and their slots (none here: two zero counts),
    // checksum.
    let end = bytes.len() - 8 - 8;
    let read = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let handlers = (0..end)
        .rev()
        .find(|&at| at + 4 + read(&bytes, at) * 9 == end)
        .expect("the handler count");
    // The last call site with handlers (the try_call) is the last record.
    let last_site = handlers - 16;
    assert!(read(&bytes, last_site + 12) > read(&bytes, last_site + 8), "it has handlers");
    bytes[last_site..last_site + 4].copy_from_slice(&0u32.to_le_bytes());
    reseal(&mut bytes);
    let err = load(&engine, &bytes).unwrap_err().to_string();
    assert!(err.contains("call site outside the code"), "{err}");
}

#[test]
fn a_stack_map_slot_outside_its_frame_is_refused() {
    // The collector reads the slots a stack map names: one pointing
    // outside its frame must never load.
    let engine = Engine::default();
    let mut bytes =
        Module::precompile(&engine, include_str!("../benches/gc/binary_trees.wat")).unwrap();
    // The file ends with the stack maps, their slots (count, 4 bytes
    // each) and the checksum.
    let end = bytes.len() - 8;
    let read = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let slots = (0..end)
        .rev()
        .find(|&at| read(&bytes, at) > 0 && at + 4 + read(&bytes, at) * 4 == end)
        .expect("the slot count");
    bytes[slots + 4..slots + 8].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    reseal(&mut bytes);
    let err = load(&engine, &bytes).unwrap_err().to_string();
    assert!(err.contains("stack map slot outside its frame"), "{err}");
}
