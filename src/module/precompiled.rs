//! The byte form of a precompiled module: the module's binary (decoded
//! again when loading: cheap, unlike compiling) and its machine code with
//! everything needed to load it elsewhere.
//!
//! Layout (integers little-endian, `bytes` = u64 length + contents):
//!
//! ```text
//! magic "\0wasi-rt-precompiled" | u32 format version
//! bytes fingerprint   (wasi-rt version, target, compiler settings, the
//!                      runtime layout the code was compiled against)
//! bytes module binary
//! 6 × u32 module shape (memories, tables, globals, functions, types,
//!                      imported functions)
//! bytes machine code image
//! u32 Wasm functions in the image (w) | w × u32 defined-function index
//!     (increasing; all of them, or those compiled so far by a lazily
//!     compiled module) | u32 n | n × (u32 start, u32 end)
//! u32 n | n × relocation (u32 offset, u8 kind, u8 target kind, u32 function
//!         index or bytes helper name, i64 addend)
//! u32 n | n × (u32 offset, u8 trap code)
//! u32 n | n × (u32 code offset, u32 module offset)
//! u32 n | n × call site (u32 return offset, u32 frame offset, u32 first
//!         handler, u32 end of handlers)
//! u32 n | n × handler (u8 kind: 0 context, 1 tag, 2 default; u32, u32)
//! u32 n | n × stack map (u32 return offset, u32 frame span, u32 first
//!         slot, u32 end of slots)
//! u32 n | n × u32 slot offset (from the stack pointer at the call)
//! u64 checksum of everything before it (the first 8 bytes of its BLAKE3
//!     hash, little-endian)
//! ```
//!
//! Loading checks the magic, the checksum, the version, the fingerprint,
//! every length and offset (functions in order and apart; relocations,
//! traps and source locations inside functions) and that the module
//! binary has the shape the code was compiled for, so truncated,
//! corrupted, foreign or stale files are refused with an error. It cannot
//! tell deliberate tampering (the checksum is not a signature): precompiled
//! modules must come from a trusted source.

use super::ModuleInfo;
use crate::compile::CodeImage;
use crate::compile::code::{RelocTarget, Relocation};
use crate::compile::traps;
use crate::engine::Engine;
use crate::runtime::code::{CallSite, HandlerRec, StackMapRec};
use crate::error::{Error, ErrorKind, Result};
use crate::runtime::vmctx::*;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::LibCall;
use std::str::FromStr;

const MAGIC: &[u8] = b"\0wasi-rt-precompiled";
const VERSION: u32 = 6;

/// The runtime layout compiled code depends on: vmctx and structure
/// offsets, the libcall table, the trap-code numbering.
fn abi() -> String {
    let libcalls: Vec<String> = crate::runtime::libcalls_list::ALL
        .iter()
        .map(|l| format!("{l:?}{:?}", l.signature()))
        .collect();
    format!(
        "vmctx {VMCTX_LIMITS} {VMCTX_LIBCALLS} {VMCTX_INSTANCE} {VMCTX_STORE} {:?}; \
         limits {LIMITS_EPOCH_DEADLINE} {LIMITS_EPOCH} {LIMITS_GC_BASE} {LIMITS_TYPE_DISPLAYS}; funcref {FUNCREF_CODE} {FUNCREF_VMCTX} \
         {FUNCREF_TYPE_ID}; memory {MEMORY_BASE} {MEMORY_LENGTH}; table {TABLE_BASE} \
         {TABLE_LENGTH}; global {}; slot {}; libcalls {}; traps {:?}",
        VMOffsets::new(1, 1, 1, 1, 1, 1),
        std::mem::size_of::<VMGlobal>(),
        crate::compile::trampolines::SLOT,
        libcalls.join(","),
        traps::ALL
    )
}

/// (memories, tables, globals, functions, types, imported functions).
fn shape(info: &ModuleInfo) -> [u32; 6] {
    [
        info.memories.len() as u32,
        info.tables.len() as u32,
        info.globals.len() as u32,
        info.funcs.len() as u32,
        info.types.len() as u32,
        info.num_imported_funcs,
    ]
}

/// The first 8 bytes of the BLAKE3 hash of `data` (SIMD: several GB/s, so
/// checking even a 30 MB file costs a few milliseconds at most).
fn checksum(data: &[u8]) -> u64 {
    let hash = blake3::hash(data);
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

/// Whether `data` starts with the precompiled-module magic.
pub fn is_precompiled(data: &[u8]) -> bool {
    data.starts_with(MAGIC)
}

/// What compiled code depends on: a precompiled module only loads into an
/// engine with the same fingerprint. One `name=value` setting per line, so
/// a mismatch can name the settings that differ.
pub fn fingerprint(engine: &Engine) -> String {
    let isa = engine.isa();
    let mut lines = vec![
        format!("wasi-rt version={}", env!("CARGO_PKG_VERSION")),
        // Another build of the same version may compile differently.
        format!("build={}", env!("WASI_RT_BUILD_ID")),
        format!("target={}", isa.triple()),
    ];
    lines.extend(isa.flags().iter().map(|v| format!("cranelift {v}")));
    lines.extend(isa.isa_flags().iter().map(|v| format!("cpu {v}")));
    lines.push(format!(
        "epoch_interruption={}",
        engine.config().epoch_interruption
    ));
    lines.extend(
        engine
            .config()
            .features
            .list()
            .iter()
            .map(|(name, on)| format!("feature {name}={on}")),
    );
    lines.push(format!("runtime layout={}", abi()));
    lines.join("\n")
}

/// Why fingerprint `theirs` (from a file) differs from `ours`: the first
/// few settings that differ, each with both values.
fn fingerprint_mismatch(theirs: &str, ours: &str) -> String {
    fn split(line: &str) -> (&str, &str) {
        line.split_once('=').unwrap_or((line, ""))
    }
    let ours_map: std::collections::HashMap<&str, &str> = ours.lines().map(split).collect();
    let theirs_map: std::collections::HashMap<&str, &str> = theirs.lines().map(split).collect();
    let mut diffs = Vec::new();
    for line in theirs.lines() {
        let (key, value) = split(line);
        match ours_map.get(key) {
            Some(v) if v == &value => {}
            Some(_) if key == "runtime layout" => {
                diffs.push("the runtime's data layout differs".to_string());
            }
            Some(v) => diffs.push(format!("{key} is {value} in the file, {v} in this engine")),
            None => diffs.push(format!("{key} ({value}) is not a setting of this engine")),
        }
    }
    for line in ours.lines() {
        let (key, value) = split(line);
        if !theirs_map.contains_key(key) {
            diffs.push(format!("{key} ({value}) is missing from the file"));
        }
    }
    let more = diffs.len().saturating_sub(3);
    diffs.truncate(3);
    let mut msg = diffs.join("; ");
    if more > 0 {
        msg.push_str(&format!("; and {more} more"));
    }
    msg
}

fn reloc_kind(k: Reloc) -> Result<u8> {
    Ok(match k {
        Reloc::Abs8 => 0,
        Reloc::X86PCRel4 => 1,
        Reloc::X86CallPCRel4 => 2,
        Reloc::X86CallPLTRel4 => 3,
        Reloc::Arm64Call => 4,
        other => return Err(Error::compile(format!("cannot save relocation {other:?}"))),
    })
}

fn reloc_from(k: u8) -> Option<Reloc> {
    Some(match k {
        0 => Reloc::Abs8,
        1 => Reloc::X86PCRel4,
        2 => Reloc::X86CallPCRel4,
        3 => Reloc::X86CallPLTRel4,
        4 => Reloc::Arm64Call,
        _ => return None,
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn count(&mut self, n: usize) {
        self.u32(n as u32);
    }
}

/// Encodes a module's binary, its shape and its compiled code.
pub fn write(
    engine: &Engine,
    binary: &[u8],
    info: &ModuleInfo,
    code: &CodeImage,
) -> Result<Vec<u8>> {
    let mut w = Writer(Vec::with_capacity(
        binary.len() + code.image.len() * 2 + 256,
    ));
    w.0.extend_from_slice(MAGIC);
    w.u32(VERSION);
    w.bytes(fingerprint(engine).as_bytes());
    w.bytes(binary);
    for n in shape(info) {
        w.u32(n);
    }
    w.bytes(&code.image);
    w.u32(code.num_funcs);
    for d in &code.func_ids {
        w.u32(*d);
    }
    w.count(code.offsets.len());
    for (start, end) in code.offsets.iter().zip(&code.ends) {
        w.u32(*start);
        w.u32(*end);
    }
    w.count(code.relocs.len());
    for r in &code.relocs {
        w.u32(r.offset);
        w.u8(reloc_kind(r.kind)?);
        match r.target {
            RelocTarget::Func(i) => {
                w.u8(0);
                w.u32(i);
            }
            RelocTarget::LibCall(lc) => {
                w.u8(1);
                w.bytes(lc.to_string().as_bytes());
            }
        }
        w.u64(r.addend as u64);
    }
    w.count(code.traps.len());
    for (off, c) in &code.traps {
        w.u32(*off);
        let n = traps::ALL
            .iter()
            .position(|x| x == c)
            .expect("every code is listed");
        w.u8(n as u8);
    }
    w.count(code.srclocs.len());
    for (off, loc) in &code.srclocs {
        w.u32(*off);
        w.u32(*loc);
    }
    w.count(code.call_sites.len());
    for c in &code.call_sites {
        w.u32(c.ret);
        w.u32(c.frame_offset);
        w.u32(c.start);
        w.u32(c.end);
    }
    w.count(code.handlers.len());
    for h in &code.handlers {
        let (kind, a, b) = match *h {
            HandlerRec::Context(off) => (0, off, 0),
            HandlerRec::Tag { tag, target } => (1, tag, target),
            HandlerRec::Default(target) => (2, target, 0),
        };
        w.u8(kind);
        w.u32(a);
        w.u32(b);
    }
    w.count(code.stack_maps.len());
    for m in &code.stack_maps {
        w.u32(m.ret);
        w.u32(m.span);
        w.u32(m.start);
        w.u32(m.end);
    }
    w.count(code.stack_slots.len());
    for s in &code.stack_slots {
        w.u32(*s);
    }
    let sum = checksum(&w.0);
    w.u64(sum);
    Ok(w.0)
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

fn bad(what: &str) -> Error {
    Error::new(ErrorKind::Malformed {
        message: format!("precompiled module: {what}"),
        offset: None,
    })
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| bad("truncated"))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = usize::try_from(self.u64()?).map_err(|_| bad("truncated"))?;
        self.take(n)
    }
    /// A count of items of at least `item_size` bytes each (so a corrupt
    /// count cannot ask for a huge allocation).
    fn count(&mut self, item_size: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(item_size) > self.data.len() - self.pos {
            return Err(bad("truncated"));
        }
        Ok(n)
    }
}

/// Decodes bytes made by [`write`] with an engine of the same fingerprint:
/// the module binary and its code image, after `check_shape` accepts the
/// module decoded from the binary.
pub fn read<'a>(
    engine: &Engine,
    data: &'a [u8],
    check_shape: impl FnOnce(&'a [u8]) -> Result<ModuleInfo>,
) -> Result<(ModuleInfo, CodeImage)> {
    if !is_precompiled(data) {
        return Err(bad("not a precompiled wasi-rt module"));
    }
    let Some((body, sum)) = data
        .len()
        .checked_sub(8)
        .filter(|n| *n >= MAGIC.len())
        .map(|n| data.split_at(n))
    else {
        return Err(bad("truncated"));
    };
    if checksum(body) != u64::from_le_bytes(sum.try_into().expect("8 bytes")) {
        return Err(bad("truncated or corrupted (checksum mismatch)"));
    }
    let rest = &body[MAGIC.len()..];
    let mut r = Reader { data: rest, pos: 0 };
    let version = r.u32()?;
    if version != VERSION {
        return Err(bad(&format!(
            "format version {version}, this wasi-rt reads version {VERSION}"
        )));
    }
    let theirs = r.bytes()?;
    let ours = fingerprint(engine);
    if theirs != ours.as_bytes() {
        return Err(bad(&format!(
            "made for a different engine or wasi-rt version ({}): compile it again \
             from its .wasm with this engine's settings (`wasi-rt compile`, or \
             `Module::precompile`)",
            fingerprint_mismatch(&String::from_utf8_lossy(theirs), &ours)
        )));
    }
    let binary = r.bytes()?;
    let mut recorded = [0u32; 6];
    for n in recorded.iter_mut() {
        *n = r.u32()?;
    }
    let info = check_shape(binary)?;
    if shape(&info) != recorded {
        return Err(bad("the module binary does not match its machine code"));
    }
    let mut code = CodeImage {
        image: r.bytes()?.to_vec(),
        num_funcs: r.u32()?,
        ..Default::default()
    };
    let image_len = code.image.len() as u64;
    let defined = info.funcs.len() as u64 - u64::from(info.num_imported_funcs);
    if u64::from(code.num_funcs) > defined {
        return Err(bad("more functions than the module defines"));
    }
    for _ in 0..code.num_funcs {
        let d = r.u32()?;
        if u64::from(d) >= defined || code.func_ids.last().is_some_and(|p| *p >= d) {
            return Err(bad("function index out of order or range"));
        }
        code.func_ids.push(d);
    }
    let n = r.count(8)?;
    let mut previous_end = 0;
    for _ in 0..n {
        let (start, end) = (r.u32()?, r.u32()?);
        // Functions are laid out in order, apart, each non-empty.
        if start < previous_end || start >= end || u64::from(end) > image_len {
            return Err(bad("function outside the code"));
        }
        previous_end = end;
        code.offsets.push(start);
        code.ends.push(end);
    }
    let n = r.count(14)?;
    for _ in 0..n {
        let offset = r.u32()?;
        let kind = reloc_from(r.u8()?).ok_or_else(|| bad("unknown relocation"))?;
        let target = match r.u8()? {
            0 => RelocTarget::Func(r.u32()?),
            1 => {
                let name = std::str::from_utf8(r.bytes()?).map_err(|_| bad("bad helper name"))?;
                RelocTarget::LibCall(
                    LibCall::from_str(name).map_err(|_| bad("unknown runtime helper"))?,
                )
            }
            _ => return Err(bad("unknown relocation target")),
        };
        let addend = r.u64()? as i64;
        let width = if kind == Reloc::Abs8 { 8 } else { 4 };
        if !code.within_a_function(offset, width) {
            return Err(bad("relocation outside the code"));
        }
        code.relocs.push(Relocation {
            offset,
            kind,
            target,
            addend,
        });
    }
    let n = r.count(5)?;
    for _ in 0..n {
        let off = r.u32()?;
        let c = *traps::ALL
            .get(r.u8()? as usize)
            .ok_or_else(|| bad("unknown trap code"))?;
        if !code.within_a_function(off, 1) {
            return Err(bad("trap record outside the code"));
        }
        code.traps.push((off, c));
    }
    let n = r.count(8)?;
    for _ in 0..n {
        let (off, loc) = (r.u32()?, r.u32()?);
        if !code.within_a_function(off, 1) || loc as usize >= binary.len() {
            return Err(bad("source location outside the code"));
        }
        code.srclocs.push((off, loc));
    }
    let n = r.count(16)?;
    for _ in 0..n {
        let c = CallSite {
            ret: r.u32()?,
            frame_offset: r.u32()?,
            start: r.u32()?,
            end: r.u32()?,
        };
        // A return address follows its call: never at a function's first byte.
        if c.ret == 0 || !code.within_a_function(c.ret - 1, 1) || c.start > c.end {
            return Err(bad("call site outside the code"));
        }
        code.call_sites.push(c);
    }
    let n = r.count(9)?;
    for _ in 0..n {
        let (kind, a, b) = (r.u8()?, r.u32()?, r.u32()?);
        code.handlers.push(match kind {
            0 => HandlerRec::Context(a),
            1 => HandlerRec::Tag { tag: a, target: b },
            2 => HandlerRec::Default(a),
            _ => return Err(bad("unknown handler kind")),
        });
    }
    // Every handler list in range, targets and context slots where a call
    // site's function and frame are.
    for c in &code.call_sites {
        let list = code
            .handlers
            .get(c.start as usize..c.end as usize)
            .ok_or_else(|| bad("call site handlers out of range"))?;
        for h in list {
            let ok = match *h {
                HandlerRec::Context(off) => u64::from(off) + 8 <= u64::from(c.frame_offset),
                HandlerRec::Tag { tag, target } => {
                    (tag as usize) < info.tags.len() && code.same_function(c.ret - 1, target)
                }
                HandlerRec::Default(target) => code.same_function(c.ret - 1, target),
            };
            if !ok {
                return Err(bad("exception handler outside its function"));
            }
        }
    }
    if !code.call_sites.is_sorted_by_key(|c| c.ret) {
        return Err(bad("call sites out of order"));
    }
    let n = r.count(16)?;
    for _ in 0..n {
        let m = StackMapRec {
            ret: r.u32()?,
            span: r.u32()?,
            start: r.u32()?,
            end: r.u32()?,
        };
        if m.ret == 0 || !code.within_a_function(m.ret - 1, 1) || m.start > m.end {
            return Err(bad("stack map outside the code"));
        }
        code.stack_maps.push(m);
    }
    let n = r.count(4)?;
    for _ in 0..n {
        code.stack_slots.push(r.u32()?);
    }
    // Every slot list in range, every slot inside its frame.
    for m in &code.stack_maps {
        let slots = code
            .stack_slots
            .get(m.start as usize..m.end as usize)
            .ok_or_else(|| bad("stack map slots out of range"))?;
        if slots.iter().any(|s| u64::from(*s) + 8 > u64::from(m.span)) {
            return Err(bad("stack map slot outside its frame"));
        }
    }
    if !code.stack_maps.is_sorted_by_key(|m| m.ret) {
        return Err(bad("stack maps out of order"));
    }
    if r.pos != rest.len() {
        return Err(bad("trailing bytes"));
    }
    if !code.traps.is_sorted_by_key(|t| t.0) {
        return Err(bad("trap records out of order"));
    }
    Ok((info, code))
}

impl CodeImage {
    /// Whether offsets `a` and `b` lie inside the same function.
    fn same_function(&self, a: u32, b: u32) -> bool {
        let i = self.offsets.partition_point(|s| *s <= a);
        let j = self.offsets.partition_point(|s| *s <= b);
        i > 0 && i == j && b < self.ends[i - 1] && a < self.ends[i - 1]
    }

    /// Whether `[offset, offset + width)` lies inside one function.
    fn within_a_function(&self, offset: u32, width: u32) -> bool {
        let i = self.offsets.partition_point(|s| *s <= offset);
        i > 0 && u64::from(offset) + u64::from(width) <= u64::from(self.ends[i - 1])
    }
}
