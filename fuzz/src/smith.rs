//! Random valid modules (wasm-smith), limited to what wasi-rt supports.
//! As wasi-rt gains Wasm features, `supported` enables them here, and every
//! target covers them.

use arbitrary::Unstructured;

/// Restricts a wasm-smith configuration to the features wasi-rt runs:
/// Wasm 2.0 (mutable globals, sign extension, saturating conversions,
/// multi-value, bulk memory, reference types), fixed-width SIMD, tail
/// calls, extended constant expressions, multiple memories, 64-bit
/// memories and tables, and 1-byte pages.
pub fn supported(c: &mut wasm_smith::Config) {
    c.exceptions_enabled = false;
    c.gc_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.relaxed_simd_enabled = false;
    c.compact_imports_enabled = false;
    c.custom_descriptors_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.max_memories = c.max_memories.min(4);
}

/// A module for differential execution: no imports, everything exported,
/// sizes kept small enough to compare memories after every call, and (with
/// `terminate`) a fuel counter in every loop and function, so every call
/// ends in both engines.
pub fn module(u: &mut Unstructured<'_>, terminate: bool) -> arbitrary::Result<Vec<u8>> {
    module_with(u, terminate, false)
}

/// As `module`; with `canonicalize_nans`, every float operation's NaN
/// result is made canonical, so results compare bit for bit.
pub fn module_with(
    u: &mut Unstructured<'_>,
    terminate: bool,
    canonicalize_nans: bool,
) -> arbitrary::Result<Vec<u8>> {
    // Half the time wasm-smith's own random configuration, otherwise its
    // defaults with a few choices: both keep at least one function.
    let mut c: wasm_smith::Config = if u.arbitrary()? {
        u.arbitrary()?
    } else {
        let mut c = wasm_smith::Config::default();
        c.simd_enabled = u.arbitrary()?;
        c.max_funcs = u.int_in_range(1..=30)?;
        c.max_tables = u.int_in_range(0..=3)?;
        c.max_memories = u.int_in_range(0..=3)?;
        c.tail_call_enabled = u.arbitrary()?;
        c.extended_const_enabled = u.arbitrary()?;
        c.memory64_enabled = u.arbitrary()?;
        c.custom_page_sizes_enabled = u.arbitrary()?;
        c.max_globals = u.int_in_range(0..=20)?;
        c.max_memory32_bytes = 1 << u.int_in_range(16..=24)?;
        c.max_instructions = u.int_in_range(10..=400)?;
        c
    };
    c.canonicalize_nans = canonicalize_nans;
    supported(&mut c);
    c.min_types = c.min_types.max(1);
    c.max_types = c.max_types.max(1);
    c.min_funcs = c.min_funcs.max(1);
    c.max_funcs = c.max_funcs.max(1);
    c.max_imports = 0;
    c.export_everything = true;
    c.max_memory32_bytes = c.max_memory32_bytes.min(16 << 20);
    c.max_memory64_bytes = c.max_memory64_bytes.min(16 << 20);
    c.max_table_elements = c.max_table_elements.min(10_000);
    c.max_funcs = c.max_funcs.min(60);
    c.max_data_segments = c.max_data_segments.min(20);
    c.max_element_segments = c.max_element_segments.min(20);
    c.max_globals = c.max_globals.min(50);
    c.max_tables = c.max_tables.min(5);
    c.max_type_size = c.max_type_size.min(1000);
    let mut m = wasm_smith::Module::new(c, u)?;
    if terminate {
        m.ensure_termination(100)
            .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    }
    Ok(m.to_bytes())
}

/// A module that uses garbage collection: wasm-smith's GC types and
/// instructions on top of what `module` makes (no exceptions, threads or
/// relaxed SIMD), everything exported, every loop and call bounded.
pub fn gc_module(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut c = wasm_smith::Config::default();
    c.max_funcs = u.int_in_range(1..=30)?;
    c.max_types = u.int_in_range(1..=40)?;
    c.max_tables = u.int_in_range(0..=3)?;
    c.max_memories = u.int_in_range(0..=1)?;
    c.max_globals = u.int_in_range(0..=20)?;
    c.max_instructions = u.int_in_range(10..=400)?;
    c.simd_enabled = u.arbitrary()?;
    c.tail_call_enabled = u.arbitrary()?;
    c.extended_const_enabled = u.arbitrary()?;
    supported(&mut c);
    c.gc_enabled = true;
    c.reference_types_enabled = true;
    c.min_funcs = c.min_funcs.max(1);
    c.max_imports = 0;
    c.export_everything = true;
    c.max_memory32_bytes = 1 << 20;
    c.max_table_elements = 1000;
    c.max_data_segments = 10;
    c.max_element_segments = 10;
    c.max_type_size = 1000;
    let mut m = wasm_smith::Module::new(c, u)?;
    m.ensure_termination(100)
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(m.to_bytes())
}
