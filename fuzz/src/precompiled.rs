//! Mutated precompiled and serialized modules.
//!
//! - A precompiled file with any mutation must be refused (its checksum),
//!   cleanly.
//! - With the checksum recomputed after mutating its metadata (header,
//!   module binary, shape, function ranges, relocations, trap and source
//!   maps; never the machine code itself), loading must refuse it or load
//!   it, never panic or crash. (A loaded file is trusted input, so it is
//!   not run.)
//! - A mutated serialized module (the safe format, compiled again when
//!   loaded) must be refused or give a module that runs without harming
//!   the host.

use crate::{Finding, Stats};
use arbitrary::Unstructured;

const MAGIC_LEN: usize = 20; // "\0wasi-rt-precompiled"

/// The checksum (first 8 bytes of the BLAKE3 hash) of everything but the
/// last 8 bytes, written there.
fn reseal(bytes: &mut [u8]) {
    if bytes.len() < 8 {
        return;
    }
    let n = bytes.len() - 8;
    let sum = *blake3::hash(&bytes[..n]).as_bytes();
    bytes[n..].copy_from_slice(&sum[..8]);
}

/// The byte ranges of a precompiled file that are not machine code:
/// (magic, version and fingerprint), module binary, shape, and the tables
/// after the code image (checksum excluded).
fn metadata_regions(b: &[u8]) -> Option<Vec<(usize, usize)>> {
    let u64_at = |at: usize| -> Option<usize> {
        Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?) as usize)
    };
    let mut at = MAGIC_LEN + 4;
    let fingerprint = u64_at(at)?;
    at += 8 + fingerprint;
    let header = (0, at);
    let binary_len = u64_at(at)?;
    let binary = (at, at + 8 + binary_len);
    at += 8 + binary_len;
    let shape = (at, at + 24);
    at += 24;
    let image_len = u64_at(at)?;
    // The image's length field is metadata too; its bytes are code.
    let image_len_field = (at, at + 8);
    at += 8 + image_len;
    let tables = (at, b.len().checked_sub(8)?);
    (tables.0 <= tables.1).then(|| vec![header, binary, shape, image_len_field, tables])
}

pub fn run(data: &[u8], stats: &mut Stats) -> Result<(), Finding> {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = crate::smith::module(&mut u, true) else {
        return Ok(());
    };
    stats.inputs += 1;
    let engine = crate::epoch_engine();
    let pre = match wasi_rt::Module::precompile(engine, &wasm) {
        Ok(p) => p,
        Err(e) => return Err(Finding::new("a valid module does not precompile", e.to_string(), wasm)),
    };
    // SAFETY: bytes this process made a moment ago.
    if let Err(e) = unsafe { wasi_rt::Module::from_precompiled(engine, &pre) } {
        return Err(Finding::new("a fresh precompiled file does not load", e.to_string(), wasm));
    }
    stats.modules += 1;

    // Any mutation without a new checksum is refused.
    let mut bad = pre.clone();
    for _ in 0..u.int_in_range(1..=4u8).unwrap_or(1) {
        crate::mutate::mutate(&mut bad, &mut u, None);
    }
    // SAFETY: loading is what is tested; a loaded module is never run.
    if bad != pre && unsafe { wasi_rt::Module::from_precompiled(engine, &bad) }.is_ok() {
        return Err(Finding::new(
            "a corrupted precompiled file loads",
            "the checksum did not catch the mutation".into(),
            bad,
        ));
    }

    // Metadata mutations behind a valid checksum: refused or loaded.
    if let Some(regions) = metadata_regions(&pre) {
        let mut edited = pre.clone();
        let region = regions[u.int_in_range(0..=regions.len() - 1).unwrap_or(0)];
        crate::mutate::mutate(&mut edited, &mut u, Some(region));
        reseal(&mut edited);
        // SAFETY: as above; the point is that loading itself stays safe.
        let _ = unsafe { wasi_rt::Module::from_precompiled(engine, &edited) };
    }

    // The safe format: refused, or a module that runs harmlessly.
    let module = wasi_rt::Module::new(engine, &wasm).expect("compiled above");
    let mut ser = module.serialize();
    for _ in 0..u.int_in_range(1..=4u8).unwrap_or(1) {
        crate::mutate::mutate(&mut ser, &mut u, None);
    }
    if let Ok(m) = wasi_rt::Module::deserialize(engine, &ser) {
        crate::run_exports(engine, &m, &mut u, stats);
    }
    Ok(())
}
