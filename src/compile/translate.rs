//! Lowers one validated Wasm function body to Cranelift IR: a value stack,
//! a stack of control frames and one IR instruction sequence per operator.

use super::env::FuncEnv;
use crate::runtime::libcalls_list::Libcall;
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::LIMITS_EPOCH_DEADLINE;
use crate::types::ValType;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    self, BlockArg, InstBuilder, JumpTableData, MemFlagsData, Value, types,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

mod atomics;
mod gc;
mod simd;

/// What kind of construct a control frame belongs to.
enum FrameKind {
    Block,
    Loop {
        header: ir::Block,
    },
    If {
        else_block: ir::Block,
        else_seen: bool,
    },
    /// A `try_table`: its catch clauses' blocks, and how many handlers
    /// were in scope before it.
    TryTable {
        catch_blocks: Vec<ir::Block>,
        handlers_height: usize,
    },
    /// A legacy `try`: every call and throw of its body lands at
    /// `landing` (a catch-all handler taking the exception); its `catch`
    /// clauses are then chosen by comparing tags there.
    LegacyTry {
        landing: ir::Block,
        handlers_height: usize,
        /// Once the body is over: the caught exception (the landing's
        /// parameter, which `rethrow` throws again) and the block where
        /// the next clause's tag test goes (`None` after `catch_all`).
        caught: Option<(Value, Option<ir::Block>)>,
    },
}

/// One entry of the control stack.
struct Frame {
    kind: FrameKind,
    /// Where control goes after `end`; its params are the frame's results.
    next: ir::Block,
    /// Stack height below the frame's parameters.
    height: usize,
    num_params: usize,
    num_results: usize,
    /// Whether `next` has a predecessor (a branch or a fall-through).
    next_reached: bool,
    /// Whether the code that entered this frame was reachable.
    reachable_on_entry: bool,
    /// How many entries of the handler stack are in scope inside the
    /// frame (where a `delegate` to its label sends exceptions).
    handlers_inside: usize,
}

/// Translator state for one function.
pub struct Translator<'a, 'b> {
    env: &'a FuncEnv<'a>,
    /// Validates each operator just before it is translated, and knows
    /// the type of every operand (the collector's roots need them).
    validator: FuncValidator<ValidatorResources>,
    b: FunctionBuilder<'b>,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    locals: Vec<(Variable, ValType)>,
    reachable: bool,
    /// Depth of frames opened while unreachable (skipped entirely).
    dead_depth: u32,
    /// With epoch interruption: what the checks use.
    epoch: Option<EpochCheck>,
    /// Exception handlers in scope (see `env::Handlers`), innermost last.
    handlers: Vec<(Option<u32>, ir::Block)>,
    /// Per memory: for those that need explicit bounds checks, the
    /// length last read (see `FuncEnv::checked_heap_addr`).
    bounds: Vec<Option<Variable>>,
    /// Flags of linear-memory accesses (`env::heap_flags`).
    heap: MemFlagsData,
}

/// Values an epoch check needs, set up in the entry block.
#[derive(Clone, Copy)]
struct EpochCheck {
    /// The store's `VMLimits`.
    limits: Value,
    /// The engine's epoch counter.
    counter: Value,
    /// The deadline last read from `limits`.
    cached: Variable,
}

fn bargs(vals: &[Value]) -> Vec<BlockArg> {
    vals.iter().map(|v| BlockArg::Value(*v)).collect()
}

/// The Cranelift type of a Wasm value type.
pub fn ir_type(t: ValType) -> ir::Type {
    match t {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::Ref(_) => types::I64,
    }
}

impl<'a, 'b> Translator<'a, 'b> {
    pub fn new(
        env: &'a FuncEnv<'a>,
        mut b: FunctionBuilder<'b>,
        validator: FuncValidator<ValidatorResources>,
    ) -> Self {
        let heap = super::env::heap_flags(&mut b);
        Translator {
            heap,
            env,
            validator,
            b,
            stack: Vec::new(),
            frames: Vec::new(),
            locals: Vec::new(),
            reachable: true,
            dead_depth: 0,
            epoch: None,
            handlers: Vec::new(),
            bounds: Vec::new(),
        }
    }

    /// Translates `body` of function `func_index` into the builder's function.
    pub fn translate(mut self, body: &FunctionBody<'_>) -> wasmparser::Result<()> {
        let ty = self.env.info.func_type(self.env.func_index).clone();
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        self.b.seal_block(entry);
        // The environment finds the vmctx through the entry block.
        self.b.ensure_inserted_block();
        // Parameters 0 and 1 are the callee and caller vmctx.
        for (i, p) in ty.params().iter().enumerate() {
            let v = self.b.declare_var(ir_type(*p));
            if crate::runtime::gc::layout::is_traced(*p) {
                self.b.declare_var_needs_stack_map(v);
            }
            let arg = self.b.block_params(entry)[i + 2];
            self.b.def_var(v, arg);
            self.locals.push((v, *p));
        }
        let mut locals_reader = body.get_locals_reader()?;
        for _ in 0..locals_reader.get_count() {
            let offset = locals_reader.original_position();
            let (count, wt) = locals_reader.read()?;
            self.validator.define_locals(offset, count, wt)?;
            let t = crate::module::decode::val_type(wt, &self.env.info.type_heaps);
            for _ in 0..count {
                let v = self.b.declare_var(ir_type(t));
                if crate::runtime::gc::layout::is_traced(t) {
                    self.b.declare_var_needs_stack_map(v);
                }
                let zero = self.zero(t);
                self.b.def_var(v, zero);
                self.locals.push((v, t));
            }
        }
        // Bounds-checked memories start with a known length of zero: the
        // first access reads the real one.
        for m in &self.env.info.memories {
            let bound = m.needs_bounds_checks().then(|| {
                let v = self.b.declare_var(types::I64);
                let zero = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(v, zero);
                v
            });
            self.bounds.push(bound);
        }
        // A function with no loop and no call runs a bounded number of
        // instructions: it needs no epoch check at all.
        if self.env.epoch_interruption && may_run_long(body)? {
            let (limits, counter) = self.env.epoch_pointers(&mut self.b);
            let cached = self.b.declare_var(types::I64);
            let check = EpochCheck {
                limits,
                counter,
                cached,
            };
            self.epoch = Some(check);
            // At entry the deadline is read anyway: one compare suffices.
            let deadline = self.reload_epoch_deadline(check);
            let epoch = self.read_epoch(check);
            self.trap_if_reached(epoch, deadline);
        }
        let exit = self.b.create_block();
        for r in ty.results() {
            self.b.append_block_param(exit, ir_type(*r));
        }
        self.frames.push(Frame {
            kind: FrameKind::Block,
            next: exit,
            height: 0,
            num_params: 0,
            num_results: ty.results().len(),
            next_reached: false,
            reachable_on_entry: true,
            handlers_inside: self.handlers.len(),
        });
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            // Machine code maps back to the module offset of its operator.
            self.b.set_srcloc(ir::SourceLoc::new(offset as u32));
            self.validator.op(offset, &op)?;
            self.op(&op);
        }
        ops.finish()?;
        // The final `end` switched to `exit` and pushed the results.
        if self.reachable {
            let n = ty.results().len();
            let results = self.stack.split_off(self.stack.len() - n);
            self.b.ins().return_(&results);
        }
        self.b.finalize(self.env.frontend);
        Ok(())
    }

    /// With epoch interruption: traps with `Interrupt` once the engine's
    /// epoch reaches the store's deadline. The fast path compares the epoch
    /// with a cached deadline, read at entry
    /// and after every call (where host code may have moved it); when that
    /// passes, the store's deadline is read again and the code traps if it
    /// has passed too.
    fn epoch_check(&mut self) {
        let Some(check) = self.epoch else {
            return;
        };
        let epoch = self.read_epoch(check);
        let deadline = self.b.use_var(check.cached);
        let passed = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        let slow = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(passed, slow, &[], cont, &[]);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let fresh = self.reload_epoch_deadline(check);
        self.trap_if_reached(epoch, fresh);
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Reads the store's deadline into the cached copy and returns it.
    fn reload_epoch_deadline(&mut self, check: EpochCheck) -> Value {
        let fresh = self.b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            check.limits,
            LIMITS_EPOCH_DEADLINE,
        );
        self.b.def_var(check.cached, fresh);
        fresh
    }

    /// After a call: its results go on the stack. A tail call ends the
    /// function (what follows is unreachable).
    fn finish_call(&mut self, results: Vec<Value>, tail: bool) {
        if tail {
            self.reachable = false;
        } else {
            self.stack.extend(results);
            self.after_call();
        }
    }

    /// After a call: host code may have moved the store's deadline (it can
    /// only run inside a call), so the cached copy is read again.
    fn after_call(&mut self) {
        if let Some(check) = self.epoch {
            self.reload_epoch_deadline(check);
        }
    }

    /// The engine's epoch, by an atomic load: never merged with an earlier
    /// read, so a loop sees another thread's increment.
    fn read_epoch(&mut self, check: EpochCheck) -> Value {
        self.b
            .ins()
            .atomic_load(types::I64, MemFlagsData::trusted(), check.counter)
    }

    /// Traps with `Interrupt` when `epoch >= deadline`.
    fn trap_if_reached(&mut self, epoch: Value, deadline: Value) {
        let reached = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        self.b
            .ins()
            .trapnz(reached, super::traps::to_cranelift(TrapCode::Interrupt));
    }

    fn zero(&mut self, t: ValType) -> Value {
        match t {
            ValType::I32 => self.b.ins().iconst(types::I32, 0),
            ValType::F32 => self.b.ins().f32const(Ieee32::with_bits(0)),
            ValType::F64 => self.b.ins().f64const(Ieee64::with_bits(0)),
            ValType::V128 => self.vconst_bytes(&[0; 16]),
            _ => self.b.ins().iconst(types::I64, 0),
        }
    }

    fn pop(&mut self) -> Value {
        self.stack
            .pop()
            .expect("validated: operand stack underflow")
    }
    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }
    fn push(&mut self, v: Value) {
        self.stack.push(v)
    }
    fn peekn(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn block_sig(&self, bt: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (
                vec![],
                vec![crate::module::decode::val_type(t, &self.env.info.type_heaps)],
            ),
            BlockType::FuncType(i) => {
                let f = self.env.info.sig(i);
                (f.params().to_vec(), f.results().to_vec())
            }
        }
    }

    fn new_block(&mut self, tys: &[ValType]) -> ir::Block {
        let bl = self.b.create_block();
        for t in tys {
            self.b.append_block_param(bl, ir_type(*t));
        }
        bl
    }

    /// Branch target and arity of the frame `depth` levels out; marks it reached.
    fn br_target(&mut self, depth: u32) -> (ir::Block, usize) {
        let i = self.frames.len() - 1 - depth as usize;
        let f = &mut self.frames[i];
        match f.kind {
            FrameKind::Loop { header } => (header, f.num_params),
            _ => {
                f.next_reached = true;
                (f.next, f.num_results)
            }
        }
    }

    fn trap(&mut self, code: TrapCode) {
        self.b.ins().trap(super::traps::to_cranelift(code));
    }

    fn op(&mut self, op: &Operator<'_>) {
        if !self.reachable {
            self.dead_op(op);
            return;
        }
        use Operator as O;
        match *op {
            O::Nop => {}
            O::Unreachable => {
                self.trap(TrapCode::Unreachable);
                self.reachable = false;
            }
            O::Block { blockty } => {
                let (params, results) = self.block_sig(blockty);
                let next = self.new_block(&results);
                self.frames.push(Frame {
                    kind: FrameKind::Block,
                    next,
                    height: self.stack.len() - params.len(),
                    num_params: params.len(),
                    num_results: results.len(),
                    next_reached: false,
                    reachable_on_entry: true,
                    handlers_inside: self.handlers.len(),
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_sig(blockty);
                let header = self.new_block(&params);
                let next = self.new_block(&results);
                let args = bargs(self.peekn(params.len()));
                self.b.ins().jump(header, &args);
                let height = self.stack.len() - params.len();
                self.stack.truncate(height);
                self.b.switch_to_block(header);
                self.stack.extend_from_slice(self.b.block_params(header));
                self.epoch_check();
                self.frames.push(Frame {
                    kind: FrameKind::Loop { header },
                    next,
                    height,
                    num_params: params.len(),
                    num_results: results.len(),
                    next_reached: false,
                    reachable_on_entry: true,
                    handlers_inside: self.handlers.len(),
                });
            }
            O::If { blockty } => {
                let cond = self.pop();
                let (params, results) = self.block_sig(blockty);
                let then_block = self.new_block(&params);
                let else_block = self.new_block(&params);
                let next = self.new_block(&results);
                let args = bargs(self.peekn(params.len()));
                self.b
                    .ins()
                    .brif(cond, then_block, &args, else_block, &args);
                self.b.seal_block(then_block);
                self.b.seal_block(else_block);
                let height = self.stack.len() - params.len();
                self.stack.truncate(height);
                self.b.switch_to_block(then_block);
                self.stack
                    .extend_from_slice(self.b.block_params(then_block));
                self.frames.push(Frame {
                    kind: FrameKind::If {
                        else_block,
                        else_seen: false,
                    },
                    next,
                    height,
                    num_params: params.len(),
                    num_results: results.len(),
                    next_reached: false,
                    reachable_on_entry: true,
                    handlers_inside: self.handlers.len(),
                });
            }
            O::TryTable { ref try_table } => self.try_table(try_table),
            O::Try { blockty } => self.legacy_try(blockty),
            O::Catch { tag_index } => self.legacy_catch(Some(tag_index)),
            O::CatchAll => self.legacy_catch(None),
            O::Delegate { relative_depth } => self.delegate(relative_depth),
            O::Rethrow { relative_depth } => {
                let i = self.frames.len() - 1 - relative_depth as usize;
                let FrameKind::LegacyTry {
                    caught: Some((exn, _)),
                    ..
                } = self.frames[i].kind
                else {
                    unreachable!("validated: rethrow names a catch clause")
                };
                self.env
                    .throw(&mut self.b, None, &[], Some(exn), &self.handlers);
                self.reachable = false;
            }
            O::Throw { tag_index } => {
                let tag_ty = self.env.info.tag_type(tag_index);
                let n = tag_ty.params().len();
                let values = self.stack.split_off(self.stack.len() - n);
                self.env
                    .throw(&mut self.b, Some(tag_index), &values, None, &self.handlers);
                self.reachable = false;
            }
            O::ThrowRef => {
                let exn = self.pop();
                self.b.ins().trapz(
                    exn,
                    super::traps::to_cranelift(TrapCode::NullReference),
                );
                self.env
                    .throw(&mut self.b, None, &[], Some(exn), &self.handlers);
                self.reachable = false;
            }
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => {
                let (dest, n) = self.br_target(relative_depth);
                let args = bargs(self.peekn(n));
                self.b.ins().jump(dest, &args);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                let (dest, n) = self.br_target(relative_depth);
                let args = bargs(self.peekn(n));
                let cont = self.b.create_block();
                self.b.ins().brif(cond, dest, &args, cont, &[]);
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
            }
            O::BrOnNull { relative_depth } => {
                let r = self.pop();
                let (dest, n) = self.br_target(relative_depth);
                let args = bargs(self.peekn(n));
                let is_null = self.b.ins().icmp_imm_u(IntCC::Equal, r, 0);
                let cont = self.b.create_block();
                self.b.ins().brif(is_null, dest, &args, cont, &[]);
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                let r = self.pop();
                let (dest, n) = self.br_target(relative_depth);
                // The label takes the values below the reference, then it.
                let mut vals = self.peekn(n - 1).to_vec();
                vals.push(r);
                let args = bargs(&vals);
                let cont = self.b.create_block();
                self.b.ins().brif(r, dest, &args, cont, &[]);
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
            }
            O::RefAsNonNull => {
                let r = self.pop();
                self.b.ins().trapz(
                    r,
                    super::traps::to_cranelift(TrapCode::NullReference),
                );
                self.push(r);
            }
            O::CallRef { type_index } | O::ReturnCallRef { type_index } => {
                let tail = matches!(op, O::ReturnCallRef { .. });
                let fref = self.pop();
                let n = self.env.info.sig(type_index).params().len();
                let args = self.stack.split_off(self.stack.len() - n);
                if !tail {
                    self.declare_stack_roots(self.env.info.sig(type_index).results().len());
                }
                let results =
                    self.env
                        .call_ref(&mut self.b, type_index, fref, &args, tail, &self.handlers);
                self.finish_call(results, tail);
            }
            O::BrTable { ref targets } => {
                let index = self.pop();
                let mut calls = Vec::new();
                let mut arity = 0;
                for t in targets.targets() {
                    let t = t.expect("validated br_table");
                    let (dest, n) = self.br_target(t);
                    arity = n;
                    let args = bargs(self.peekn(n));
                    calls.push(self.b.func.dfg.block_call(dest, &args));
                }
                let (dest, n) = self.br_target(targets.default());
                let _ = arity;
                let args = bargs(self.peekn(n));
                let def = self.b.func.dfg.block_call(dest, &args);
                let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
                self.b.ins().br_table(index, jt);
                self.reachable = false;
            }
            O::Return => {
                let (dest, n) = self.br_target(self.frames.len() as u32 - 1);
                let args = bargs(self.peekn(n));
                self.b.ins().jump(dest, &args);
                self.reachable = false;
            }
            O::Call { function_index } | O::ReturnCall { function_index } => {
                let tail = matches!(op, O::ReturnCall { .. });
                let ty = self.env.info.func_type(function_index).clone();
                let n = ty.params().len();
                let args = self.stack.split_off(self.stack.len() - n);
                if !tail {
                    self.declare_stack_roots(ty.results().len());
                }
                let results =
                    self.env
                        .call(&mut self.b, function_index, &args, tail, &self.handlers);
                self.finish_call(results, tail);
            }
            O::CallIndirect {
                type_index,
                table_index,
            }
            | O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let tail = matches!(op, O::ReturnCallIndirect { .. });
                let index = self.pop();
                let n = self.env.info.sig(type_index).params().len();
                let args = self.stack.split_off(self.stack.len() - n);
                if !tail {
                    self.declare_stack_roots(self.env.info.sig(type_index).results().len());
                }
                let results = self.env.call_indirect(
                    &mut self.b,
                    type_index,
                    table_index,
                    index,
                    &args,
                    tail,
                    &self.handlers,
                );
                self.finish_call(results, tail);
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop();
                let (x, y) = self.pop2();
                let v = self.b.ins().select(c, x, y);
                self.push(v);
            }
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize].0);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::GlobalGet { global_index } => {
                let v = self.env.global_get(&mut self.b, global_index);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                self.env.global_set(&mut self.b, global_index, v);
            }
            O::I32Load { memarg } => self.load(types::I32, memarg, LoadKind::Plain),
            O::I64Load { memarg } => self.load(types::I64, memarg, LoadKind::Plain),
            O::F32Load { memarg } => self.load(types::F32, memarg, LoadKind::Plain),
            O::F64Load { memarg } => self.load(types::F64, memarg, LoadKind::Plain),
            O::I32Load8S { memarg } => self.load(types::I32, memarg, LoadKind::S8),
            O::I32Load8U { memarg } => self.load(types::I32, memarg, LoadKind::U8),
            O::I32Load16S { memarg } => self.load(types::I32, memarg, LoadKind::S16),
            O::I32Load16U { memarg } => self.load(types::I32, memarg, LoadKind::U16),
            O::I64Load8S { memarg } => self.load(types::I64, memarg, LoadKind::S8),
            O::I64Load8U { memarg } => self.load(types::I64, memarg, LoadKind::U8),
            O::I64Load16S { memarg } => self.load(types::I64, memarg, LoadKind::S16),
            O::I64Load16U { memarg } => self.load(types::I64, memarg, LoadKind::U16),
            O::I64Load32S { memarg } => self.load(types::I64, memarg, LoadKind::S32),
            O::I64Load32U { memarg } => self.load(types::I64, memarg, LoadKind::U32),
            O::I32Store { memarg }
            | O::I64Store { memarg }
            | O::F32Store { memarg }
            | O::F64Store { memarg } => self.store(memarg, None),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                self.store(memarg, Some(types::I8))
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.store(memarg, Some(types::I16))
            }
            O::I64Store32 { memarg } => self.store(memarg, Some(types::I32)),
            O::MemorySize { mem } => {
                let v = self.env.memory_size(&mut self.b, mem);
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let m = self.b.ins().iconst(types::I32, mem as i64);
                let r = self
                    .env
                    .libcall(&mut self.b, Libcall::MemoryGrow, &[m, delta]);
                // -1 (failure) narrows to -1.
                let r = if self.env.info.memories[mem as usize].memory64 {
                    r[0]
                } else {
                    self.b.ins().ireduce(types::I32, r[0])
                };
                self.push(r);
            }
            O::MemoryFill { mem } => {
                let len = self.pop();
                let (dst, val) = self.pop2();
                let m = self.b.ins().iconst(types::I32, mem as i64);
                self.env
                    .libcall(&mut self.b, Libcall::MemoryFill, &[m, dst, val, len]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop();
                let (dst, src) = self.pop2();
                let dm = self.b.ins().iconst(types::I32, dst_mem as i64);
                let sm = self.b.ins().iconst(types::I32, src_mem as i64);
                self.env
                    .libcall(&mut self.b, Libcall::MemoryCopy, &[dm, sm, dst, src, len]);
            }
            O::MemoryInit { data_index, mem } => {
                let len = self.pop();
                let (dst, src) = self.pop2();
                let m = self.b.ins().iconst(types::I32, mem as i64);
                let d = self.b.ins().iconst(types::I32, data_index as i64);
                self.env
                    .libcall(&mut self.b, Libcall::MemoryInit, &[m, d, dst, src, len]);
            }
            O::DataDrop { data_index } => {
                let d = self.b.ins().iconst(types::I32, data_index as i64);
                self.env.libcall(&mut self.b, Libcall::DataDrop, &[d]);
            }
            O::TableGet { table } => {
                let i = self.pop();
                let t = self.b.ins().iconst(types::I32, table as i64);
                let r = self.env.libcall(&mut self.b, Libcall::TableGet, &[t, i]);
                self.push(r[0]);
            }
            O::TableSet { table } => {
                let (i, v) = self.pop2();
                let t = self.b.ins().iconst(types::I32, table as i64);
                self.env.libcall(&mut self.b, Libcall::TableSet, &[t, i, v]);
            }
            O::TableSize { table } => {
                let v = self.env.table_size(&mut self.b, table);
                self.push(v);
            }
            O::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let t = self.b.ins().iconst(types::I32, table as i64);
                let r = self
                    .env
                    .libcall(&mut self.b, Libcall::TableGrow, &[t, delta, init]);
                let r = if self.env.info.tables[table as usize].table64 {
                    r[0]
                } else {
                    self.b.ins().ireduce(types::I32, r[0])
                };
                self.push(r);
            }
            O::TableFill { table } => {
                let len = self.pop();
                let (dst, val) = self.pop2();
                let t = self.b.ins().iconst(types::I32, table as i64);
                self.env
                    .libcall(&mut self.b, Libcall::TableFill, &[t, dst, val, len]);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let len = self.pop();
                let (dst, src) = self.pop2();
                let dt = self.b.ins().iconst(types::I32, dst_table as i64);
                let st = self.b.ins().iconst(types::I32, src_table as i64);
                self.env
                    .libcall(&mut self.b, Libcall::TableCopy, &[dt, st, dst, src, len]);
            }
            O::TableInit { elem_index, table } => {
                let len = self.pop();
                let (dst, src) = self.pop2();
                let t = self.b.ins().iconst(types::I32, table as i64);
                let e = self.b.ins().iconst(types::I32, elem_index as i64);
                self.env
                    .libcall(&mut self.b, Libcall::TableInit, &[t, e, dst, src, len]);
            }
            O::ElemDrop { elem_index } => {
                let e = self.b.ins().iconst(types::I32, elem_index as i64);
                self.env.libcall(&mut self.b, Libcall::ElemDrop, &[e]);
            }
            O::RefNull { .. } => {
                let v = self.b.ins().iconst(types::I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let v = self.pop();
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                let r = self.b.ins().uextend(types::I32, c);
                self.push(r);
            }
            O::RefFunc { function_index } => {
                let v = self.env.func_ref(&mut self.b, function_index);
                self.push(v);
            }
            O::I32Const { value } => {
                let v = self.b.ins().iconst(types::I32, value as i64);
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(types::I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }
            _ => self.numeric(op),
        }
    }

    /// Numeric operators: pure functions of the operand stack.
    fn numeric(&mut self, op: &Operator<'_>) {
        use Operator as O;
        use types::{F32, F64, I32, I64};
        macro_rules! bin {
            ($m:ident) => {{
                let (a, b) = self.pop2();
                let v = self.b.ins().$m(a, b);
                self.push(v);
            }};
        }
        macro_rules! un {
            ($m:ident) => {{
                let a = self.pop();
                let v = self.b.ins().$m(a);
                self.push(v);
            }};
        }
        macro_rules! conv {
            ($m:ident, $t:expr) => {{
                let a = self.pop();
                let v = self.b.ins().$m($t, a);
                self.push(v);
            }};
        }
        macro_rules! icmp {
            ($cc:expr) => {{
                let (a, b) = self.pop2();
                let c = self.b.ins().icmp($cc, a, b);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! fcmp {
            ($cc:expr) => {{
                let (a, b) = self.pop2();
                let c = self.b.ins().fcmp($cc, a, b);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! eqz {
            () => {{
                let a = self.pop();
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! sext_from {
            ($small:expr, $t:expr) => {{
                let a = self.pop();
                let n = self.b.ins().ireduce($small, a);
                let v = self.b.ins().sextend($t, n);
                self.push(v);
            }};
        }
        macro_rules! bitcast {
            ($t:expr) => {{
                let a = self.pop();
                let v = self.b.ins().bitcast($t, MemFlagsData::new(), a);
                self.push(v);
            }};
        }
        match *op {
            O::I32Eqz | O::I64Eqz => eqz!(),
            O::I32Eq | O::I64Eq => icmp!(IntCC::Equal),
            O::I32Ne | O::I64Ne => icmp!(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => icmp!(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => icmp!(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => icmp!(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => icmp!(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => icmp!(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => icmp!(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => icmp!(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => icmp!(IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => fcmp!(FloatCC::Equal),
            O::F32Ne | O::F64Ne => fcmp!(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => fcmp!(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => fcmp!(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => fcmp!(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => fcmp!(FloatCC::GreaterThanOrEqual),
            O::I32Clz | O::I64Clz => un!(clz),
            O::I32Ctz | O::I64Ctz => un!(ctz),
            O::I32Popcnt | O::I64Popcnt => un!(popcnt),
            O::I32Add | O::I64Add => bin!(iadd),
            O::I32Sub | O::I64Sub => bin!(isub),
            O::I32Mul | O::I64Mul => bin!(imul),
            O::I32DivS | O::I64DivS => bin!(sdiv),
            O::I32DivU | O::I64DivU => bin!(udiv),
            O::I32RemS | O::I64RemS => bin!(srem),
            O::I32RemU | O::I64RemU => bin!(urem),
            O::I32And | O::I64And => bin!(band),
            O::I32Or | O::I64Or => bin!(bor),
            O::I32Xor | O::I64Xor => bin!(bxor),
            O::I32Shl | O::I64Shl => bin!(ishl),
            O::I32ShrS | O::I64ShrS => bin!(sshr),
            O::I32ShrU | O::I64ShrU => bin!(ushr),
            O::I32Rotl | O::I64Rotl => bin!(rotl),
            O::I32Rotr | O::I64Rotr => bin!(rotr),
            O::F32Abs | O::F64Abs => un!(fabs),
            O::F32Neg | O::F64Neg => un!(fneg),
            O::F32Ceil | O::F64Ceil => un!(ceil),
            O::F32Floor | O::F64Floor => un!(floor),
            O::F32Trunc | O::F64Trunc => un!(trunc),
            O::F32Nearest | O::F64Nearest => un!(nearest),
            O::F32Sqrt | O::F64Sqrt => un!(sqrt),
            O::F32Add | O::F64Add => bin!(fadd),
            O::F32Sub | O::F64Sub => bin!(fsub),
            O::F32Mul | O::F64Mul => bin!(fmul),
            O::F32Div | O::F64Div => bin!(fdiv),
            O::F32Min | O::F64Min => bin!(fmin),
            O::F32Max | O::F64Max => bin!(fmax),
            O::F32Copysign | O::F64Copysign => bin!(fcopysign),
            O::I32WrapI64 => conv!(ireduce, I32),
            O::I32TruncF32S | O::I32TruncF64S => conv!(fcvt_to_sint, I32),
            O::I32TruncF32U | O::I32TruncF64U => conv!(fcvt_to_uint, I32),
            O::I64TruncF32S | O::I64TruncF64S => conv!(fcvt_to_sint, I64),
            O::I64TruncF32U | O::I64TruncF64U => conv!(fcvt_to_uint, I64),
            O::I32TruncSatF32S | O::I32TruncSatF64S => conv!(fcvt_to_sint_sat, I32),
            O::I32TruncSatF32U | O::I32TruncSatF64U => conv!(fcvt_to_uint_sat, I32),
            O::I64TruncSatF32S | O::I64TruncSatF64S => conv!(fcvt_to_sint_sat, I64),
            O::I64TruncSatF32U | O::I64TruncSatF64U => conv!(fcvt_to_uint_sat, I64),
            O::I64ExtendI32S => conv!(sextend, I64),
            O::I64ExtendI32U => conv!(uextend, I64),
            O::F32ConvertI32S | O::F32ConvertI64S => conv!(fcvt_from_sint, F32),
            O::F32ConvertI32U | O::F32ConvertI64U => conv!(fcvt_from_uint, F32),
            O::F64ConvertI32S | O::F64ConvertI64S => conv!(fcvt_from_sint, F64),
            O::F64ConvertI32U | O::F64ConvertI64U => conv!(fcvt_from_uint, F64),
            O::F32DemoteF64 => conv!(fdemote, F32),
            O::F64PromoteF32 => conv!(fpromote, F64),
            O::I32ReinterpretF32 => bitcast!(I32),
            O::I64ReinterpretF64 => bitcast!(I64),
            O::F32ReinterpretI32 => bitcast!(F32),
            O::F64ReinterpretI64 => bitcast!(F64),
            O::I32Extend8S => sext_from!(types::I8, I32),
            O::I32Extend16S => sext_from!(types::I16, I32),
            O::I64Extend8S => sext_from!(types::I8, I64),
            O::I64Extend16S => sext_from!(types::I16, I64),
            O::I64Extend32S => sext_from!(types::I32, I64),
            O::I64Add128 | O::I64Sub128 => {
                // (lo1 hi1 lo2 hi2) -> (lo hi): one 128-bit operation.
                let (lo2, hi2) = self.pop2();
                let (lo1, hi1) = self.pop2();
                let a = self.b.ins().iconcat(lo1, hi1);
                let b = self.b.ins().iconcat(lo2, hi2);
                let r = if matches!(op, O::I64Add128) {
                    self.b.ins().iadd(a, b)
                } else {
                    self.b.ins().isub(a, b)
                };
                let (lo, hi) = self.b.ins().isplit(r);
                self.push(lo);
                self.push(hi);
            }
            O::I64MulWideS | O::I64MulWideU => {
                // (a b) -> (lo hi) of the full 128-bit product.
                let (a, b) = self.pop2();
                let lo = self.b.ins().imul(a, b);
                let hi = if matches!(op, O::I64MulWideS) {
                    self.b.ins().smulhi(a, b)
                } else {
                    self.b.ins().umulhi(a, b)
                };
                self.push(lo);
                self.push(hi);
            }
            _ if self.simd(op) => {}
            _ if self.atomic(op) => {}
            _ if self.gc(op) => {}
            // Everything else was refused by validation (the proposals
            // wasi-rt does not enable).
            ref other => unreachable!("operator {other:?} passed validation but is not enabled"),
        }
    }

    /// Address of an access of `size` bytes whose index is on top of the
    /// stack, as (base value, immediate offset).
    fn mem_addr(&mut self, memarg: &wasmparser::MemArg, size: u32) -> (Value, i32) {
        let index = self.pop();
        let mem = mem_index(memarg);
        match self.bounds[mem as usize] {
            Some(bound) => self.env.checked_heap_addr(
                &mut self.b,
                mem,
                index,
                memarg.offset,
                size,
                bound,
            ),
            None => self.env.heap_addr(&mut self.b, mem, index, memarg.offset),
        }
    }

    fn load(&mut self, ty: ir::Type, memarg: wasmparser::MemArg, kind: LoadKind) {
        let size = match kind {
            LoadKind::Plain => ty.bytes(),
            LoadKind::S8 | LoadKind::U8 => 1,
            LoadKind::S16 | LoadKind::U16 => 2,
            LoadKind::S32 | LoadKind::U32 => 4,
        };
        let (addr, off) = self.mem_addr(&memarg, size);
        let flags = self.heap;
        let ins = self.b.ins();
        let v = match kind {
            LoadKind::Plain => ins.load(ty, flags, addr, off),
            LoadKind::S8 => ins.sload8(ty, flags, addr, off),
            LoadKind::U8 => ins.uload8(ty, flags, addr, off),
            LoadKind::S16 => ins.sload16(ty, flags, addr, off),
            LoadKind::U16 => ins.uload16(ty, flags, addr, off),
            LoadKind::S32 => ins.sload32(flags, addr, off),
            LoadKind::U32 => ins.uload32(flags, addr, off),
        };
        self.push(v);
    }

    fn store(&mut self, memarg: wasmparser::MemArg, narrow: Option<ir::Type>) {
        let value = self.pop();
        let size = narrow.unwrap_or(self.b.func.dfg.value_type(value)).bytes();
        let (addr, off) = self.mem_addr(&memarg, size);
        let flags = self.heap;
        match narrow {
            None => self.b.ins().store(flags, value, addr, off),
            Some(types::I8) => self.b.ins().istore8(flags, value, addr, off),
            Some(types::I16) => self.b.ins().istore16(flags, value, addr, off),
            Some(_) => self.b.ins().istore32(flags, value, addr, off),
        };
    }

    fn else_(&mut self) {
        let reachable = self.reachable;
        let frame = self.frames.last_mut().expect("validated: else inside if");
        let FrameKind::If {
            else_block,
            ref mut else_seen,
        } = frame.kind
        else {
            unreachable!("validated: else matches an if")
        };
        *else_seen = true;
        let (next, height, nres, np) = (
            frame.next,
            frame.height,
            frame.num_results,
            frame.num_params,
        );
        if reachable {
            frame.next_reached = true;
            let args = bargs(&self.stack[self.stack.len() - nres..]);
            self.b.ins().jump(next, &args);
        }
        let _ = np;
        self.stack.truncate(height);
        self.b.switch_to_block(else_block);
        self.stack
            .extend_from_slice(self.b.block_params(else_block));
        // The else branch is reachable when the `if` itself was.
        self.reachable = self.frames.last().is_none_or(|f| f.reachable_on_entry);
    }

    /// `try_table`: a block whose calls and throws go to its catch clauses'
    /// blocks when an exception matches. The catch blocks are built first
    /// (their branch targets are labels outside the `try_table`), then the
    /// body continues in a block of its own.
    fn try_table(&mut self, t: &wasmparser::TryTable) {
        use wasmparser::Catch;
        let (params, results) = self.block_sig(t.ty);
        let next = self.new_block(&results);
        let body = self.new_block(&params);
        let args = bargs(self.peekn(params.len()));
        self.b.ins().jump(body, &args);
        let height = self.stack.len() - params.len();
        let handlers_height = self.handlers.len();
        let mut catch_blocks = Vec::new();
        let mut clauses = Vec::new();
        for c in &t.catches {
            let (tag, label, with_ref) = match *c {
                Catch::One { tag, label } => (Some(tag), label, false),
                Catch::OneRef { tag, label } => (Some(tag), label, true),
                Catch::All { label } => (None, label, false),
                Catch::AllRef { label } => (None, label, true),
            };
            let blk = self.b.create_block();
            let exn = self.b.append_block_param(blk, types::I64);
            self.b.switch_to_block(blk);
            let mut vals = match tag {
                Some(tag) => self.exception_values(exn, tag),
                None => Vec::new(),
            };
            if with_ref {
                // Wasm holds it now: it stays until the store collects.
                self.mark_exposed(exn);
                vals.push(exn);
            } else {
                // Its values are taken: nothing reaches it any more.
                self.env.libcall(&mut self.b, Libcall::ExnRelease, &[exn]);
            }
            let (dest, _) = self.br_target(label);
            self.b.ins().jump(dest, &bargs(&vals));
            catch_blocks.push(blk);
            clauses.push((tag, blk));
        }
        // Innermost last, and within one try_table the first clause is the
        // first to match: pushed in reverse.
        self.handlers.extend(clauses.into_iter().rev());
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        self.stack.truncate(height);
        self.stack.extend_from_slice(self.b.block_params(body));
        self.frames.push(Frame {
            kind: FrameKind::TryTable {
                catch_blocks,
                handlers_height,
            },
            next,
            height,
            num_params: params.len(),
            num_results: results.len(),
            next_reached: false,
            reachable_on_entry: true,
            handlers_inside: self.handlers.len(),
        });
    }

    fn end(&mut self) {
        let frame = self.frames.pop().expect("validated: end matches a frame");
        self.finish_frame(frame, None);
    }

    /// `delegate`: ends a legacy `try` whose body's exceptions go on to
    /// the handlers in scope inside the frame `depth` labels out (with the
    /// function's own label, to the caller).
    fn delegate(&mut self, depth: u32) {
        let frame = self.frames.pop().expect("validated: delegate ends a try");
        let target = self.frames.len() - 1 - depth as usize;
        let handlers = self.frames[target].handlers_inside;
        self.finish_frame(frame, Some(handlers));
    }

    /// Closes `frame` (just popped) at its `end`, or at its `delegate`
    /// that sends exceptions to the first `delegate_to` handlers.
    fn finish_frame(&mut self, mut frame: Frame, delegate_to: Option<usize>) {
        if self.reachable {
            let args = bargs(&self.stack[self.stack.len() - frame.num_results..]);
            self.b.ins().jump(frame.next, &args);
        }
        let mut next_reached = frame.next_reached || self.reachable;
        if let FrameKind::If {
            else_block,
            else_seen: false,
        } = frame.kind
        {
            // An `if` without `else`: the implicit else passes its params on.
            self.b.switch_to_block(else_block);
            let params = bargs(self.b.block_params(else_block));
            self.b.ins().jump(frame.next, &params);
            next_reached |= frame.reachable_on_entry;
        }
        if let FrameKind::Loop { header } = frame.kind {
            self.b.seal_block(header);
        }
        if let FrameKind::TryTable {
            ref catch_blocks,
            handlers_height,
        } = frame.kind
        {
            // No call after this point can reach its catch clauses.
            self.handlers.truncate(handlers_height);
            for blk in catch_blocks {
                self.b.seal_block(*blk);
            }
        }
        if let FrameKind::LegacyTry { .. } = frame.kind {
            // An exception no clause caught (or a delegated one) is
            // thrown on from where the tag tests ended.
            let (exn, rest) = self.close_try_body(&mut frame);
            if let Some(rest) = rest {
                self.b.switch_to_block(rest);
                let handlers = &self.handlers[..delegate_to.unwrap_or(self.handlers.len())];
                self.env.throw(&mut self.b, None, &[], Some(exn), handlers);
            }
        }
        self.stack.truncate(frame.height);
        self.b.switch_to_block(frame.next);
        self.b.seal_block(frame.next);
        self.stack
            .extend_from_slice(self.b.block_params(frame.next));
        self.reachable = next_reached;
        if !next_reached {
            // Nothing reaches the continuation: give it a terminator and
            // skip code until the enclosing frame ends.
            self.trap(TrapCode::Unreachable);
        }
    }

    /// The values exception `exn` (of the module's tag `tag`) carries.
    fn exception_values(&mut self, exn: Value, tag: u32) -> Vec<Value> {
        let flags = MemFlagsData::trusted();
        let base = self.b.ins().load(
            types::I64,
            flags,
            exn,
            crate::runtime::exception::EXN_VALUES,
        );
        let tys = self.env.info.tag_type(tag).params().to_vec();
        tys.iter()
            .enumerate()
            .map(|(i, ty)| self.b.ins().load(ir_type(*ty), flags, base, 16 * i as i32))
            .collect()
    }

    /// Marks exception `exn` as seen by Wasm as a reference: the runtime
    /// then keeps it until the store collects (see `ExnData::exposed`).
    fn mark_exposed(&mut self, exn: Value) {
        let one = self.b.ins().iconst(types::I8, 1);
        self.b.ins().store(
            MemFlagsData::trusted(),
            one,
            exn,
            crate::runtime::exception::EXN_EXPOSED,
        );
    }

    /// Legacy `try`: a block whose calls and throws all land at one
    /// catch-all landing pad; the clauses after the body test the tag.
    fn legacy_try(&mut self, blockty: BlockType) {
        let (params, results) = self.block_sig(blockty);
        let next = self.new_block(&results);
        let landing = self.b.create_block();
        self.b.append_block_param(landing, types::I64);
        let handlers_height = self.handlers.len();
        self.handlers.push((None, landing));
        self.frames.push(Frame {
            kind: FrameKind::LegacyTry {
                landing,
                handlers_height,
                caught: None,
            },
            next,
            height: self.stack.len() - params.len(),
            num_params: params.len(),
            num_results: results.len(),
            next_reached: false,
            reachable_on_entry: true,
            handlers_inside: self.handlers.len(),
        });
    }

    /// Ends the body of the legacy `try` in `frame` (once): its landing
    /// pad leaves the handler stack, which code in its clauses does not
    /// reach. Returns the caught exception and the block where the next
    /// tag test goes.
    fn close_try_body(&mut self, frame: &mut Frame) -> (Value, Option<ir::Block>) {
        let FrameKind::LegacyTry {
            landing,
            handlers_height,
            ref mut caught,
        } = frame.kind
        else {
            unreachable!("only legacy try frames have a try body")
        };
        if let Some(c) = *caught {
            return c;
        }
        // Every call that can land there is in the body, now complete.
        self.handlers.truncate(handlers_height);
        frame.handlers_inside = handlers_height;
        self.b.seal_block(landing);
        let exn = self.b.block_params(landing)[0];
        *caught = Some((exn, Some(landing)));
        (exn, Some(landing))
    }

    /// `catch` (with a tag) or `catch_all` of a legacy `try`: ends the
    /// previous section as `else` does, and starts this clause's block,
    /// entered from the tag test with the exception's values on the stack.
    fn legacy_catch(&mut self, tag: Option<u32>) {
        let mut frame = self.frames.pop().expect("validated: catch follows a try");
        if self.reachable {
            let args = bargs(&self.stack[self.stack.len() - frame.num_results..]);
            self.b.ins().jump(frame.next, &args);
            frame.next_reached = true;
        }
        self.stack.truncate(frame.height);
        let (exn, test) = self.close_try_body(&mut frame);
        let test = test.expect("validated: no clause follows catch_all");
        self.b.switch_to_block(test);
        let clause = self.b.create_block();
        let rest = match tag {
            Some(tag) => {
                let flags = MemFlagsData::trusted();
                let has = self.b.ins().load(
                    types::I64,
                    flags,
                    exn,
                    crate::runtime::exception::EXN_TAG,
                );
                let want = self.env.tag_identity(&mut self.b, tag);
                let matches = self.b.ins().icmp(IntCC::Equal, has, want);
                let rest = self.b.create_block();
                self.b.ins().brif(matches, clause, &[], rest, &[]);
                self.b.seal_block(rest);
                Some(rest)
            }
            None => {
                self.b.ins().jump(clause, &[]);
                None
            }
        };
        self.b.seal_block(clause);
        self.b.switch_to_block(clause);
        // The clause's body may `rethrow` it, from anywhere inside.
        self.mark_exposed(exn);
        if let Some(tag) = tag {
            let vals = self.exception_values(exn, tag);
            self.stack.extend(vals);
        }
        if let FrameKind::LegacyTry { ref mut caught, .. } = frame.kind {
            *caught = Some((exn, rest));
        }
        self.reachable = frame.reachable_on_entry;
        self.frames.push(frame);
    }

    /// Handles an operator in unreachable code: only structure matters.
    fn dead_op(&mut self, op: &Operator<'_>) {
        use Operator as O;
        match op {
            O::Block { .. }
            | O::Loop { .. }
            | O::If { .. }
            | O::TryTable { .. }
            | O::Try { .. } => self.dead_depth += 1,
            O::Else if self.dead_depth == 0 => self.else_(),
            O::Catch { tag_index } if self.dead_depth == 0 => self.legacy_catch(Some(*tag_index)),
            O::CatchAll if self.dead_depth == 0 => self.legacy_catch(None),
            O::Delegate { relative_depth } if self.dead_depth == 0 => self.delegate(*relative_depth),
            // A delegate ends its try as `end` does.
            O::Delegate { .. } => self.dead_depth -= 1,
            O::End if self.dead_depth == 0 => self.end(),
            O::End => self.dead_depth -= 1,
            _ => {}
        }
    }
}

/// Whether a function body contains a loop or a call (only those can make
/// it run for long).
fn may_run_long(body: &FunctionBody<'_>) -> wasmparser::Result<bool> {
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        if matches!(
            ops.read()?,
            Operator::Loop { .. }
                | Operator::Call { .. }
                | Operator::CallIndirect { .. }
                | Operator::ReturnCall { .. }
                | Operator::ReturnCallIndirect { .. }
                | Operator::CallRef { .. }
                | Operator::ReturnCallRef { .. }
        ) {
            return Ok(true);
        }
    }
    Ok(false)
}

enum LoadKind {
    Plain,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
}

/// The memory a load or store addresses (GC array targets are not enabled).
fn mem_index(m: &wasmparser::MemArg) -> u32 {
    match m.target {
        wasmparser::MemArgTarget::Memory(i) => i,
        wasmparser::MemArgTarget::Array(_) => unreachable!("validated: GC is not enabled"),
    }
}
