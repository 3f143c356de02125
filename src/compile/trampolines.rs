//! Entry trampolines (host → Wasm) and exit trampolines (Wasm → host), one
//! per signature.
//!
//! Both move values through a caller-owned array of 16-byte slots, so a
//! call allocates nothing:
//! - entry: `extern "C" fn(callee_vmctx, code, slots)` loads the params
//!   from `slots`, calls `code(callee_vmctx, callee_vmctx, params...)` and
//!   stores the results back into `slots`;
//! - exit: a Wasm-signature function `(host_ctx, caller_vmctx, params...)`
//!   that spills params into a stack array and calls the dispatcher whose
//!   address is the first word of `host_ctx`:
//!   `extern "C" fn(host_ctx, caller_vmctx, slots, frame_pointer)`.

use super::env::wasm_signature;
use super::translate::ir_type;
use crate::types::FuncType;
use cranelift_codegen::ir::{
    self, AbiParam, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, types,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// Size of one value slot.
pub const SLOT: i32 = 16;

/// Builds the entry trampoline for `ty`: host calling convention
/// `call_conv` outside, the Wasm one inside.
pub fn entry(ty: &FuncType, call_conv: CallConv, frontend: TargetFrontendConfig) -> ir::Function {
    let mut sig = Signature::new(call_conv);
    for _ in 0..3 {
        sig.params.push(AbiParam::new(types::I64));
    }
    let mut func = ir::Function::with_name_signature(Default::default(), sig);
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let (vmctx, code, slots) = (p[0], p[1], p[2]);
    let flags = MemFlagsData::trusted();
    let mut args = vec![vmctx, vmctx];
    for (i, t) in ty.params().iter().enumerate() {
        args.push(b.ins().load(ir_type(*t), flags, slots, i as i32 * SLOT));
    }
    let callee_sig = b.import_signature(wasm_signature(ty));
    let call = b.ins().call_indirect(callee_sig, code, &args);
    let results = b.inst_results(call).to_vec();
    for (i, r) in results.into_iter().enumerate() {
        b.ins().store(flags, r, slots, i as i32 * SLOT);
    }
    b.ins().return_(&[]);
    b.finalize(frontend);
    func
}

/// Builds the exit trampoline for `ty`: the Wasm calling convention
/// outside, the host's `call_conv` for the dispatcher.
pub fn exit(ty: &FuncType, call_conv: CallConv, frontend: TargetFrontendConfig) -> ir::Function {
    let mut func =
        ir::Function::with_name_signature(Default::default(), wasm_signature(ty));
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let n = ty.params().len().max(ty.results().len()).max(1) as u32;
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        n * SLOT as u32,
        4,
    ));
    let slots = b.ins().stack_addr(types::I64, slot, 0);
    let flags = MemFlagsData::trusted();
    for (i, v) in p[2..].iter().enumerate() {
        b.ins().store(flags, *v, slots, i as i32 * SLOT);
    }
    let mut dsig = Signature::new(call_conv);
    for _ in 0..4 {
        dsig.params.push(AbiParam::new(types::I64));
    }
    let dsig = b.import_signature(dsig);
    // Our frame pointer, so a trap raised by the host function can be
    // given the Wasm frames that led to it.
    let fp = b.ins().get_frame_pointer(types::I64);
    let dispatcher = b.ins().load(types::I64, flags, p[0], 0);
    b.ins()
        .call_indirect(dsig, dispatcher, &[p[0], p[1], slots, fp]);
    let mut results = Vec::new();
    for (i, t) in ty.results().iter().enumerate() {
        results.push(b.ins().load(ir_type(*t), flags, slots, i as i32 * SLOT));
    }
    b.ins().return_(&results);
    b.finalize(frontend);
    func
}

/// The signature of the throw stub as Wasm code calls it (the Wasm calling
/// convention, so every register counts as clobbered on the exceptional
/// edge of a `try_call` to it): `(vmctx, tag index, values, exnref)`.
pub fn throw_stub_signature() -> Signature {
    let mut sig = Signature::new(super::env::WASM_CALL_CONV);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig
}

/// Builds the throw stub: `throw` and `throw_ref` call it, and it calls
/// `target` (`extern "C" fn(vmctx, tag, values, exnref, frame_pointer)`,
/// which never returns) with its own frame pointer, from which the
/// runtime finds the Wasm frames to search for a handler.
pub fn throw_stub(call_conv: CallConv, frontend: TargetFrontendConfig, target: usize) -> ir::Function {
    let mut func = ir::Function::with_name_signature(Default::default(), throw_stub_signature());
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    let sig = b.import_signature(sig);
    let fp = b.ins().get_frame_pointer(types::I64);
    let callee = b.ins().iconst(types::I64, target as i64);
    b.ins().call_indirect(sig, callee, &[p[0], p[1], p[2], p[3], fp]);
    b.ins()
        .trap(super::traps::to_cranelift(crate::runtime::trap::TrapCode::Unreachable));
    b.finalize(frontend);
    func
}
