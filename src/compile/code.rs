//! Placing compiled functions: their bytes, relocations and trap records,
//! laid out into one image and patched once its address is known (the
//! executable memory and the registry live in `runtime::code`).

use crate::error::{Error, Result};
use crate::runtime::trap::TrapCode;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::LibCall;

/// What a relocation points at.
#[derive(Clone, Copy, Debug)]
pub enum RelocTarget {
    /// Start of defined function `index` (module function index).
    Func(u32),
    /// A Cranelift runtime helper.
    LibCall(LibCall),
}

/// A relocation inside one compiled function.
#[derive(Clone, Copy, Debug)]
pub struct Relocation {
    pub offset: u32,
    pub kind: Reloc,
    pub target: RelocTarget,
    pub addend: i64,
}

/// Machine code for one function, before placement.
#[derive(Debug, Default)]
pub struct CompiledFunc {
    pub bytes: Vec<u8>,
    pub relocs: Vec<Relocation>,
    /// (offset in the function, trap code).
    pub traps: Vec<(u32, TrapCode)>,
    /// (offset in the function, module byte offset of the Wasm operator),
    /// sorted by code offset.
    pub srclocs: Vec<(u32, u32)>,
    /// Calls with exception handlers; offsets relative to the function.
    pub call_sites: Vec<crate::runtime::code::CallSite>,
    pub handlers: Vec<crate::runtime::code::HandlerRec>,
    /// Calls with live GC references (offsets relative to the function;
    /// `start..end` index `stack_slots`).
    pub stack_maps: Vec<crate::runtime::code::StackMapRec>,
    pub stack_slots: Vec<u32>,
}

/// Lays functions out at 16-byte boundaries; returns the image and offsets.
pub fn layout(funcs: &[&CompiledFunc]) -> (Vec<u8>, Vec<u32>) {
    let mut image = Vec::new();
    let mut offsets = Vec::with_capacity(funcs.len());
    for f in funcs {
        while image.len() % 16 != 0 {
            image.push(0xcc); // int3 padding
        }
        offsets.push(image.len() as u32);
        image.extend_from_slice(&f.bytes);
    }
    (image, offsets)
}

/// Applies `relocs` of a function placed at `func_off` within `image`,
/// loaded at `base`. `func_addr` gives the address of defined functions.
pub fn apply_relocs(
    image: &mut [u8],
    base: usize,
    func_off: u32,
    relocs: &[Relocation],
    func_addr: &dyn Fn(u32) -> Option<usize>,
) -> Result<()> {
    for r in relocs {
        let target = match r.target {
            RelocTarget::Func(i) => func_addr(i)
                .ok_or_else(|| Error::compile(format!("relocation to unknown function {i}")))?,
            RelocTarget::LibCall(lc) => libcall_address(lc)?,
        };
        let at = (func_off + r.offset) as usize;
        let pc = base + at;
        let value = (target as i64).wrapping_add(r.addend);
        match r.kind {
            Reloc::Abs8 => image[at..at + 8].copy_from_slice(&(value as u64).to_le_bytes()),
            Reloc::X86PCRel4 | Reloc::X86CallPCRel4 | Reloc::X86CallPLTRel4 => {
                // (The addend of a precompiled file is untrusted: no
                // arithmetic on it may overflow.)
                let d = value
                    .checked_sub(pc as i64)
                    .and_then(|delta| i32::try_from(delta).ok())
                    .ok_or_else(|| Error::compile("call target out of 32-bit range"))?;
                image[at..at + 4].copy_from_slice(&d.to_le_bytes());
            }
            Reloc::Arm64Call => {
                let delta = value
                    .checked_sub(pc as i64)
                    .ok_or_else(|| Error::compile("call target out of range"))?
                    >> 2;
                let mut insn = u32::from_le_bytes(image[at..at + 4].try_into().expect("4 bytes"));
                insn = (insn & !0x03ff_ffff) | (delta as u32 & 0x03ff_ffff);
                image[at..at + 4].copy_from_slice(&insn.to_le_bytes());
            }
            other => {
                return Err(Error::compile(format!(
                    "unsupported relocation kind {other:?}"
                )));
            }
        }
    }
    Ok(())
}

extern "C" fn floor_f32(x: f32) -> f32 {
    x.floor()
}
extern "C" fn floor_f64(x: f64) -> f64 {
    x.floor()
}
extern "C" fn ceil_f32(x: f32) -> f32 {
    x.ceil()
}
extern "C" fn ceil_f64(x: f64) -> f64 {
    x.ceil()
}
extern "C" fn trunc_f32(x: f32) -> f32 {
    x.trunc()
}
extern "C" fn trunc_f64(x: f64) -> f64 {
    x.trunc()
}
extern "C" fn nearest_f32(x: f32) -> f32 {
    x.round_ties_even()
}
extern "C" fn nearest_f64(x: f64) -> f64 {
    x.round_ties_even()
}
extern "C" fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
    a.mul_add(b, c)
}
extern "C" fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// Rust implementations of the helpers Cranelift may call on CPUs that
/// lack an instruction for them.
fn libcall_address(lc: LibCall) -> Result<usize> {
    Ok(match lc {
        LibCall::FloorF32 => floor_f32 as *const () as usize,
        LibCall::FloorF64 => floor_f64 as *const () as usize,
        LibCall::CeilF32 => ceil_f32 as *const () as usize,
        LibCall::CeilF64 => ceil_f64 as *const () as usize,
        LibCall::TruncF32 => trunc_f32 as *const () as usize,
        LibCall::TruncF64 => trunc_f64 as *const () as usize,
        LibCall::NearestF32 => nearest_f32 as *const () as usize,
        LibCall::NearestF64 => nearest_f64 as *const () as usize,
        LibCall::FmaF32 => fma_f32 as *const () as usize,
        LibCall::FmaF64 => fma_f64 as *const () as usize,
        other => {
            return Err(Error::compile(format!(
                "unsupported runtime helper {other:?}"
            )));
        }
    })
}
