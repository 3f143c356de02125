//! Lowers the fixed-width SIMD operators (`v128`) to Cranelift vector IR.
//!
//! Every `v128` on the operand stack, in locals, globals and block
//! parameters is an `I8X16`. An operator reinterprets its operands as the
//! lane shape it works on (a free bitcast) and its result goes back to
//! `I8X16`, so values of any shape meet at control-flow joins.

use super::Translator;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32X4, F64X2, I8, I8X16, I16, I16X8, I32, I32X4, I64, I64X2};
use cranelift_codegen::ir::{ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value};
use wasmparser::Operator;

/// Flags of a bitcast between vector shapes: lanes are little-endian.
fn lanes_le() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl Translator<'_, '_> {
    /// `v` viewed as `ty` (no code when it already has that type).
    fn cast(&mut self, v: Value, ty: Type) -> Value {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, lanes_le(), v)
        }
    }

    /// Pops a `v128` viewed as `ty`.
    fn vpop(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.cast(v, ty)
    }

    /// Pops two `v128`s (the top one second) viewed as `ty`.
    fn vpop2(&mut self, ty: Type) -> (Value, Value) {
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        (a, b)
    }

    /// Pushes a vector result as the canonical `I8X16`.
    fn vpush(&mut self, v: Value) {
        let v = self.cast(v, I8X16);
        self.push(v);
    }

    /// A `v128` constant.
    pub(super) fn vconst_bytes(&mut self, bytes: &[u8; 16]) -> Value {
        self.vconst_typed(I8X16, bytes)
    }

    /// A vector constant of shape `ty`.
    fn vconst_typed(&mut self, ty: Type, bytes: &[u8; 16]) -> Value {
        let c = self
            .b
            .func
            .dfg
            .constants
            .insert(ConstantData::from(bytes.to_vec()));
        self.b.ins().vconst(ty, c)
    }

    /// Lanes of `x` where `mask` (a comparison result) is set, of `y`
    /// elsewhere; all three viewed as `ty`.
    fn select_lanes(&mut self, ty: Type, mask: Value, x: Value, y: Value) -> Value {
        let mask = self.cast(mask, ty);
        self.b.ins().bitselect(mask, x, y)
    }

    /// `a * b + c` (negated product with `negate`), lane-wise: fused
    /// when the CPU has FMA.
    fn relaxed_madd(&mut self, ty: Type, negate: bool) {
        let c = self.vpop(ty);
        let (a, b) = self.vpop2(ty);
        let a = if negate { self.b.ins().fneg(a) } else { a };
        let v = if self.env.cpu.fma {
            self.b.ins().fma(a, b, c)
        } else {
            let p = self.b.ins().fmul(a, b);
            self.b.ins().fadd(p, c)
        };
        self.vpush(v);
    }

    /// Adjacent pairs of `a` (signed bytes) times `b` (7-bit bytes),
    /// summed into 16-bit lanes: one pmaddubsw on x86 (which reads `b` as
    /// unsigned, as the proposal allows for bytes above 127).
    fn relaxed_dot_i16(&mut self, a: Value, b: Value) -> Value {
        if self.env.cpu.x86 {
            return self.b.ins().x86_pmaddubsw(a, b);
        }
        let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
        let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
        let lo = self.b.ins().imul(alo, blo);
        let hi = self.b.ins().imul(ahi, bhi);
        self.b.ins().iadd_pairwise(lo, hi)
    }

    /// Translates one SIMD operator; false when `op` is not one.
    pub(super) fn simd(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        macro_rules! bin {
            ($ty:expr, $m:ident) => {{
                let (a, b) = self.vpop2($ty);
                let v = self.b.ins().$m(a, b);
                self.vpush(v);
            }};
        }
        macro_rules! un {
            ($ty:expr, $m:ident) => {{
                let a = self.vpop($ty);
                let v = self.b.ins().$m(a);
                self.vpush(v);
            }};
        }
        macro_rules! icmp {
            ($ty:expr, $cc:expr) => {{
                let (a, b) = self.vpop2($ty);
                let v = self.b.ins().icmp($cc, a, b);
                self.vpush(v);
            }};
        }
        macro_rules! fcmp {
            ($ty:expr, $cc:expr) => {{
                let (a, b) = self.vpop2($ty);
                let v = self.b.ins().fcmp($cc, a, b);
                self.vpush(v);
            }};
        }
        macro_rules! shift {
            ($ty:expr, $m:ident) => {{
                let amount = self.pop();
                let a = self.vpop($ty);
                // Wasm takes the shift count modulo the lane width.
                let amount = self
                    .b
                    .ins()
                    .band_imm_u(amount, i64::from($ty.lane_bits()) - 1);
                let v = self.b.ins().$m(a, amount);
                self.vpush(v);
            }};
        }
        macro_rules! splat {
            ($ty:expr) => {{
                let x = self.pop();
                let lane = $ty.lane_type();
                let x = if lane == I8 || lane == I16 {
                    self.b.ins().ireduce(lane, x)
                } else {
                    x
                };
                let v = self.b.ins().splat($ty, x);
                self.vpush(v);
            }};
        }
        macro_rules! extract {
            ($ty:expr, $lane:expr, $ext:ident) => {{
                let a = self.vpop($ty);
                let x = self.b.ins().extractlane(a, $lane);
                let x = self.b.ins().$ext(I32, x);
                self.push(x);
            }};
            ($ty:expr, $lane:expr) => {{
                let a = self.vpop($ty);
                let x = self.b.ins().extractlane(a, $lane);
                self.push(x);
            }};
        }
        macro_rules! replace {
            ($ty:expr, $lane:expr) => {{
                let x = self.pop();
                let a = self.vpop($ty);
                let lane = $ty.lane_type();
                let x = if lane == I8 || lane == I16 {
                    self.b.ins().ireduce(lane, x)
                } else {
                    x
                };
                let v = self.b.ins().insertlane(a, x, $lane);
                self.vpush(v);
            }};
        }
        macro_rules! all_true {
            ($ty:expr) => {{
                let a = self.vpop($ty);
                let c = self.b.ins().vall_true(a);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! bitmask {
            ($ty:expr) => {{
                let a = self.vpop($ty);
                let v = self.b.ins().vhigh_bits(I32, a);
                self.push(v);
            }};
        }
        macro_rules! narrow {
            ($ty:expr, $m:ident) => {{
                let (a, b) = self.vpop2($ty);
                let v = self.b.ins().$m(a, b);
                self.vpush(v);
            }};
        }
        macro_rules! widen {
            ($ty:expr, $m:ident) => {{
                let a = self.vpop($ty);
                let v = self.b.ins().$m(a);
                self.vpush(v);
            }};
        }
        macro_rules! extadd_pairwise {
            ($ty:expr, $lo:ident, $hi:ident) => {{
                let a = self.vpop($ty);
                let lo = self.b.ins().$lo(a);
                let hi = self.b.ins().$hi(a);
                let v = self.b.ins().iadd_pairwise(lo, hi);
                self.vpush(v);
            }};
        }
        macro_rules! extmul {
            ($ty:expr, $w:ident) => {{
                let (a, b) = self.vpop2($ty);
                let a = self.b.ins().$w(a);
                let b = self.b.ins().$w(b);
                let v = self.b.ins().imul(a, b);
                self.vpush(v);
            }};
        }
        macro_rules! pminmax {
            ($ty:expr, $min:expr) => {{
                let (a, b) = self.vpop2($ty);
                // pmin: b < a ? b : a; pmax: a < b ? b : a.
                let mask = if $min {
                    self.b.ins().fcmp(FloatCC::LessThan, b, a)
                } else {
                    self.b.ins().fcmp(FloatCC::LessThan, a, b)
                };
                let v = self.select_lanes($ty, mask, b, a);
                self.vpush(v);
            }};
        }
        macro_rules! load_ext {
            ($memarg:expr, $m:ident) => {{
                let (addr, off) = self.mem_addr(&$memarg, 8);
                let v = self.b.ins().$m(self.heap, addr, off);
                self.vpush(v);
            }};
        }
        macro_rules! load_splat {
            ($memarg:expr, $lane:expr, $ty:expr) => {{
                let (addr, off) = self.mem_addr(&$memarg, $lane.bytes());
                let x = self.b.ins().load($lane, self.heap, addr, off);
                let v = self.b.ins().splat($ty, x);
                self.vpush(v);
            }};
        }
        macro_rules! load_zero {
            ($memarg:expr, $lane:expr, $ty:expr) => {{
                let (addr, off) = self.mem_addr(&$memarg, $lane.bytes());
                let x = self.b.ins().load($lane, self.heap, addr, off);
                let v = self.b.ins().scalar_to_vector($ty, x);
                self.vpush(v);
            }};
        }
        macro_rules! load_lane {
            ($memarg:expr, $lane:expr, $ty:expr) => {{
                let a = self.vpop($ty);
                let (addr, off) = self.mem_addr(&$memarg, $ty.lane_bits() / 8);
                let x = self.b.ins().load($ty.lane_type(), self.heap, addr, off);
                let v = self.b.ins().insertlane(a, x, $lane);
                self.vpush(v);
            }};
        }
        macro_rules! store_lane {
            ($memarg:expr, $lane:expr, $ty:expr) => {{
                let a = self.vpop($ty);
                let x = self.b.ins().extractlane(a, $lane);
                let (addr, off) = self.mem_addr(&$memarg, $ty.lane_bits() / 8);
                self.b.ins().store(self.heap, x, addr, off);
            }};
        }
        match *op {
            // Memory.
            O::V128Load { memarg } => {
                let (addr, off) = self.mem_addr(&memarg, 16);
                let v = self.b.ins().load(I8X16, self.heap, addr, off);
                self.vpush(v);
            }
            O::V128Store { memarg } => {
                let v = self.vpop(I8X16);
                let (addr, off) = self.mem_addr(&memarg, 16);
                self.b.ins().store(self.heap, v, addr, off);
            }
            O::V128Load8x8S { memarg } => load_ext!(memarg, sload8x8),
            O::V128Load8x8U { memarg } => load_ext!(memarg, uload8x8),
            O::V128Load16x4S { memarg } => load_ext!(memarg, sload16x4),
            O::V128Load16x4U { memarg } => load_ext!(memarg, uload16x4),
            O::V128Load32x2S { memarg } => load_ext!(memarg, sload32x2),
            O::V128Load32x2U { memarg } => load_ext!(memarg, uload32x2),
            O::V128Load8Splat { memarg } => load_splat!(memarg, I8, I8X16),
            O::V128Load16Splat { memarg } => load_splat!(memarg, I16, I16X8),
            O::V128Load32Splat { memarg } => load_splat!(memarg, I32, I32X4),
            O::V128Load64Splat { memarg } => load_splat!(memarg, I64, I64X2),
            O::V128Load32Zero { memarg } => load_zero!(memarg, I32, I32X4),
            O::V128Load64Zero { memarg } => load_zero!(memarg, I64, I64X2),
            O::V128Load8Lane { memarg, lane } => load_lane!(memarg, lane, I8X16),
            O::V128Load16Lane { memarg, lane } => load_lane!(memarg, lane, I16X8),
            O::V128Load32Lane { memarg, lane } => load_lane!(memarg, lane, I32X4),
            O::V128Load64Lane { memarg, lane } => load_lane!(memarg, lane, I64X2),
            O::V128Store8Lane { memarg, lane } => store_lane!(memarg, lane, I8X16),
            O::V128Store16Lane { memarg, lane } => store_lane!(memarg, lane, I16X8),
            O::V128Store32Lane { memarg, lane } => store_lane!(memarg, lane, I32X4),
            O::V128Store64Lane { memarg, lane } => store_lane!(memarg, lane, I64X2),

            // Constants, lanes, shuffles.
            O::V128Const { value } => {
                let v = self.vconst_bytes(value.bytes());
                self.push(v);
            }
            O::I8x16Shuffle { lanes } => {
                let (a, b) = self.vpop2(I8X16);
                let mask = self
                    .b
                    .func
                    .dfg
                    .immediates
                    .push(ConstantData::from(lanes.to_vec()));
                let v = self.b.ins().shuffle(a, b, mask);
                self.vpush(v);
            }
            O::I8x16Swizzle => bin!(I8X16, swizzle),
            O::I8x16Splat => splat!(I8X16),
            O::I16x8Splat => splat!(I16X8),
            O::I32x4Splat => splat!(I32X4),
            O::I64x2Splat => splat!(I64X2),
            O::F32x4Splat => splat!(F32X4),
            O::F64x2Splat => splat!(F64X2),
            O::I8x16ExtractLaneS { lane } => extract!(I8X16, lane, sextend),
            O::I8x16ExtractLaneU { lane } => extract!(I8X16, lane, uextend),
            O::I16x8ExtractLaneS { lane } => extract!(I16X8, lane, sextend),
            O::I16x8ExtractLaneU { lane } => extract!(I16X8, lane, uextend),
            O::I32x4ExtractLane { lane } => extract!(I32X4, lane),
            O::I64x2ExtractLane { lane } => extract!(I64X2, lane),
            O::F32x4ExtractLane { lane } => extract!(F32X4, lane),
            O::F64x2ExtractLane { lane } => extract!(F64X2, lane),
            O::I8x16ReplaceLane { lane } => replace!(I8X16, lane),
            O::I16x8ReplaceLane { lane } => replace!(I16X8, lane),
            O::I32x4ReplaceLane { lane } => replace!(I32X4, lane),
            O::I64x2ReplaceLane { lane } => replace!(I64X2, lane),
            O::F32x4ReplaceLane { lane } => replace!(F32X4, lane),
            O::F64x2ReplaceLane { lane } => replace!(F64X2, lane),

            // Comparisons.
            O::I8x16Eq => icmp!(I8X16, IntCC::Equal),
            O::I8x16Ne => icmp!(I8X16, IntCC::NotEqual),
            O::I8x16LtS => icmp!(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => icmp!(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => icmp!(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => icmp!(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => icmp!(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => icmp!(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => icmp!(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => icmp!(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => icmp!(I16X8, IntCC::Equal),
            O::I16x8Ne => icmp!(I16X8, IntCC::NotEqual),
            O::I16x8LtS => icmp!(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => icmp!(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => icmp!(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => icmp!(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => icmp!(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => icmp!(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => icmp!(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => icmp!(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => icmp!(I32X4, IntCC::Equal),
            O::I32x4Ne => icmp!(I32X4, IntCC::NotEqual),
            O::I32x4LtS => icmp!(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => icmp!(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => icmp!(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => icmp!(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => icmp!(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => icmp!(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => icmp!(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => icmp!(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => icmp!(I64X2, IntCC::Equal),
            O::I64x2Ne => icmp!(I64X2, IntCC::NotEqual),
            O::I64x2LtS => icmp!(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => icmp!(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => icmp!(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => icmp!(I64X2, IntCC::SignedGreaterThanOrEqual),
            O::F32x4Eq => fcmp!(F32X4, FloatCC::Equal),
            O::F32x4Ne => fcmp!(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => fcmp!(F32X4, FloatCC::LessThan),
            O::F32x4Gt => fcmp!(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => fcmp!(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => fcmp!(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => fcmp!(F64X2, FloatCC::Equal),
            O::F64x2Ne => fcmp!(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => fcmp!(F64X2, FloatCC::LessThan),
            O::F64x2Gt => fcmp!(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => fcmp!(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => fcmp!(F64X2, FloatCC::GreaterThanOrEqual),

            // Bitwise.
            O::V128Not => un!(I8X16, bnot),
            O::V128And => bin!(I8X16, band),
            O::V128AndNot => bin!(I8X16, band_not),
            O::V128Or => bin!(I8X16, bor),
            O::V128Xor => bin!(I8X16, bxor),
            O::V128Bitselect => {
                let c = self.vpop(I8X16);
                let (a, b) = self.vpop2(I8X16);
                let v = self.b.ins().bitselect(c, a, b);
                self.vpush(v);
            }
            O::V128AnyTrue => {
                let a = self.vpop(I8X16);
                let c = self.b.ins().vany_true(a);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }

            // Integer lanes.
            O::I8x16Abs => un!(I8X16, iabs),
            O::I16x8Abs => un!(I16X8, iabs),
            O::I32x4Abs => un!(I32X4, iabs),
            O::I64x2Abs => un!(I64X2, iabs),
            O::I8x16Neg => un!(I8X16, ineg),
            O::I16x8Neg => un!(I16X8, ineg),
            O::I32x4Neg => un!(I32X4, ineg),
            O::I64x2Neg => un!(I64X2, ineg),
            O::I8x16Popcnt => un!(I8X16, popcnt),
            O::I8x16AllTrue => all_true!(I8X16),
            O::I16x8AllTrue => all_true!(I16X8),
            O::I32x4AllTrue => all_true!(I32X4),
            O::I64x2AllTrue => all_true!(I64X2),
            O::I8x16Bitmask => bitmask!(I8X16),
            O::I16x8Bitmask => bitmask!(I16X8),
            O::I32x4Bitmask => bitmask!(I32X4),
            O::I64x2Bitmask => bitmask!(I64X2),
            O::I8x16Shl => shift!(I8X16, ishl),
            O::I8x16ShrS => shift!(I8X16, sshr),
            O::I8x16ShrU => shift!(I8X16, ushr),
            O::I16x8Shl => shift!(I16X8, ishl),
            O::I16x8ShrS => shift!(I16X8, sshr),
            O::I16x8ShrU => shift!(I16X8, ushr),
            O::I32x4Shl => shift!(I32X4, ishl),
            O::I32x4ShrS => shift!(I32X4, sshr),
            O::I32x4ShrU => shift!(I32X4, ushr),
            O::I64x2Shl => shift!(I64X2, ishl),
            O::I64x2ShrS => shift!(I64X2, sshr),
            O::I64x2ShrU => shift!(I64X2, ushr),
            O::I8x16Add => bin!(I8X16, iadd),
            O::I16x8Add => bin!(I16X8, iadd),
            O::I32x4Add => bin!(I32X4, iadd),
            O::I64x2Add => bin!(I64X2, iadd),
            O::I8x16Sub => bin!(I8X16, isub),
            O::I16x8Sub => bin!(I16X8, isub),
            O::I32x4Sub => bin!(I32X4, isub),
            O::I64x2Sub => bin!(I64X2, isub),
            O::I16x8Mul => bin!(I16X8, imul),
            O::I32x4Mul => bin!(I32X4, imul),
            O::I64x2Mul => bin!(I64X2, imul),
            O::I8x16AddSatS => bin!(I8X16, sadd_sat),
            O::I8x16AddSatU => bin!(I8X16, uadd_sat),
            O::I8x16SubSatS => bin!(I8X16, ssub_sat),
            O::I8x16SubSatU => bin!(I8X16, usub_sat),
            O::I16x8AddSatS => bin!(I16X8, sadd_sat),
            O::I16x8AddSatU => bin!(I16X8, uadd_sat),
            O::I16x8SubSatS => bin!(I16X8, ssub_sat),
            O::I16x8SubSatU => bin!(I16X8, usub_sat),
            O::I8x16MinS => bin!(I8X16, smin),
            O::I8x16MinU => bin!(I8X16, umin),
            O::I8x16MaxS => bin!(I8X16, smax),
            O::I8x16MaxU => bin!(I8X16, umax),
            O::I16x8MinS => bin!(I16X8, smin),
            O::I16x8MinU => bin!(I16X8, umin),
            O::I16x8MaxS => bin!(I16X8, smax),
            O::I16x8MaxU => bin!(I16X8, umax),
            O::I32x4MinS => bin!(I32X4, smin),
            O::I32x4MinU => bin!(I32X4, umin),
            O::I32x4MaxS => bin!(I32X4, smax),
            O::I32x4MaxU => bin!(I32X4, umax),
            O::I8x16AvgrU => bin!(I8X16, avg_round),
            O::I16x8AvgrU => bin!(I16X8, avg_round),
            O::I16x8Q15MulrSatS => bin!(I16X8, sqmul_round_sat),
            O::I8x16NarrowI16x8S => narrow!(I16X8, snarrow),
            O::I8x16NarrowI16x8U => narrow!(I16X8, unarrow),
            O::I16x8NarrowI32x4S => narrow!(I32X4, snarrow),
            O::I16x8NarrowI32x4U => narrow!(I32X4, unarrow),
            O::I16x8ExtendLowI8x16S => widen!(I8X16, swiden_low),
            O::I16x8ExtendHighI8x16S => widen!(I8X16, swiden_high),
            O::I16x8ExtendLowI8x16U => widen!(I8X16, uwiden_low),
            O::I16x8ExtendHighI8x16U => widen!(I8X16, uwiden_high),
            O::I32x4ExtendLowI16x8S => widen!(I16X8, swiden_low),
            O::I32x4ExtendHighI16x8S => widen!(I16X8, swiden_high),
            O::I32x4ExtendLowI16x8U => widen!(I16X8, uwiden_low),
            O::I32x4ExtendHighI16x8U => widen!(I16X8, uwiden_high),
            O::I64x2ExtendLowI32x4S => widen!(I32X4, swiden_low),
            O::I64x2ExtendHighI32x4S => widen!(I32X4, swiden_high),
            O::I64x2ExtendLowI32x4U => widen!(I32X4, uwiden_low),
            O::I64x2ExtendHighI32x4U => widen!(I32X4, uwiden_high),
            O::I16x8ExtAddPairwiseI8x16S => extadd_pairwise!(I8X16, swiden_low, swiden_high),
            O::I16x8ExtAddPairwiseI8x16U => extadd_pairwise!(I8X16, uwiden_low, uwiden_high),
            O::I32x4ExtAddPairwiseI16x8S => extadd_pairwise!(I16X8, swiden_low, swiden_high),
            O::I32x4ExtAddPairwiseI16x8U => extadd_pairwise!(I16X8, uwiden_low, uwiden_high),
            O::I16x8ExtMulLowI8x16S => extmul!(I8X16, swiden_low),
            O::I16x8ExtMulHighI8x16S => extmul!(I8X16, swiden_high),
            O::I16x8ExtMulLowI8x16U => extmul!(I8X16, uwiden_low),
            O::I16x8ExtMulHighI8x16U => extmul!(I8X16, uwiden_high),
            O::I32x4ExtMulLowI16x8S => extmul!(I16X8, swiden_low),
            O::I32x4ExtMulHighI16x8S => extmul!(I16X8, swiden_high),
            O::I32x4ExtMulLowI16x8U => extmul!(I16X8, uwiden_low),
            O::I32x4ExtMulHighI16x8U => extmul!(I16X8, uwiden_high),
            O::I64x2ExtMulLowI32x4S => extmul!(I32X4, swiden_low),
            O::I64x2ExtMulHighI32x4S => extmul!(I32X4, swiden_high),
            O::I64x2ExtMulLowI32x4U => extmul!(I32X4, uwiden_low),
            O::I64x2ExtMulHighI32x4U => extmul!(I32X4, uwiden_high),
            O::I32x4DotI16x8S => {
                let (a, b) = self.vpop2(I16X8);
                let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
                let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
                let lo = self.b.ins().imul(alo, blo);
                let hi = self.b.ins().imul(ahi, bhi);
                let v = self.b.ins().iadd_pairwise(lo, hi);
                self.vpush(v);
            }

            // Float lanes.
            O::F32x4Ceil => un!(F32X4, ceil),
            O::F32x4Floor => un!(F32X4, floor),
            O::F32x4Trunc => un!(F32X4, trunc),
            O::F32x4Nearest => un!(F32X4, nearest),
            O::F32x4Abs => un!(F32X4, fabs),
            O::F32x4Neg => un!(F32X4, fneg),
            O::F32x4Sqrt => un!(F32X4, sqrt),
            O::F32x4Add => bin!(F32X4, fadd),
            O::F32x4Sub => bin!(F32X4, fsub),
            O::F32x4Mul => bin!(F32X4, fmul),
            O::F32x4Div => bin!(F32X4, fdiv),
            O::F32x4Min => bin!(F32X4, fmin),
            O::F32x4Max => bin!(F32X4, fmax),
            O::F32x4PMin => pminmax!(F32X4, true),
            O::F32x4PMax => pminmax!(F32X4, false),
            O::F64x2Ceil => un!(F64X2, ceil),
            O::F64x2Floor => un!(F64X2, floor),
            O::F64x2Trunc => un!(F64X2, trunc),
            O::F64x2Nearest => un!(F64X2, nearest),
            O::F64x2Abs => un!(F64X2, fabs),
            O::F64x2Neg => un!(F64X2, fneg),
            O::F64x2Sqrt => un!(F64X2, sqrt),
            O::F64x2Add => bin!(F64X2, fadd),
            O::F64x2Sub => bin!(F64X2, fsub),
            O::F64x2Mul => bin!(F64X2, fmul),
            O::F64x2Div => bin!(F64X2, fdiv),
            O::F64x2Min => bin!(F64X2, fmin),
            O::F64x2Max => bin!(F64X2, fmax),
            O::F64x2PMin => pminmax!(F64X2, true),
            O::F64x2PMax => pminmax!(F64X2, false),

            // Conversions.
            O::I32x4TruncSatF32x4S => {
                let a = self.vpop(F32X4);
                let v = self.b.ins().fcvt_to_sint_sat(I32X4, a);
                self.vpush(v);
            }
            O::I32x4TruncSatF32x4U => {
                let a = self.vpop(F32X4);
                let v = self.b.ins().fcvt_to_uint_sat(I32X4, a);
                self.vpush(v);
            }
            O::F32x4ConvertI32x4S => {
                let a = self.vpop(I32X4);
                let v = self.b.ins().fcvt_from_sint(F32X4, a);
                self.vpush(v);
            }
            O::F32x4ConvertI32x4U => {
                let a = self.vpop(I32X4);
                let v = self.b.ins().fcvt_from_uint(F32X4, a);
                self.vpush(v);
            }
            O::I32x4TruncSatF64x2SZero => {
                let a = self.vpop(F64X2);
                let wide = self.b.ins().fcvt_to_sint_sat(I64X2, a);
                // The backend lowers exactly this shape (a narrow against
                // an I64X2 zero constant).
                let zero = self.vconst_typed(I64X2, &[0; 16]);
                let v = self.b.ins().snarrow(wide, zero);
                self.vpush(v);
            }
            O::I32x4TruncSatF64x2UZero => {
                let a = self.vpop(F64X2);
                let wide = self.b.ins().fcvt_to_uint_sat(I64X2, a);
                let zero = self.vconst_typed(I64X2, &[0; 16]);
                let v = self.b.ins().uunarrow(wide, zero);
                self.vpush(v);
            }
            O::F64x2ConvertLowI32x4S => {
                let a = self.vpop(I32X4);
                let wide = self.b.ins().swiden_low(a);
                let v = self.b.ins().fcvt_from_sint(F64X2, wide);
                self.vpush(v);
            }
            O::F64x2ConvertLowI32x4U => {
                let a = self.vpop(I32X4);
                let wide = self.b.ins().uwiden_low(a);
                let v = self.b.ins().fcvt_from_uint(F64X2, wide);
                self.vpush(v);
            }
            O::F32x4DemoteF64x2Zero => un!(F64X2, fvdemote),
            O::F64x2PromoteLowF32x4 => un!(F32X4, fvpromote_low),

            // Relaxed SIMD: each operator takes the fastest sequence the
            // CPU has among the results the proposal allows (see
            // `CpuSupport`); where nothing faster exists, the deterministic
            // operator it relaxes.
            O::I8x16RelaxedSwizzle if self.env.cpu.x86 => bin!(I8X16, x86_pshufb),
            O::I8x16RelaxedSwizzle => bin!(I8X16, swizzle),
            O::I32x4RelaxedTruncF32x4S if self.env.cpu.x86 => {
                let a = self.vpop(F32X4);
                let v = self.b.ins().x86_cvtt2dq(I32X4, a);
                self.vpush(v);
            }
            O::I32x4RelaxedTruncF32x4S => {
                let a = self.vpop(F32X4);
                let v = self.b.ins().fcvt_to_sint_sat(I32X4, a);
                self.vpush(v);
            }
            O::I32x4RelaxedTruncF32x4U => {
                let a = self.vpop(F32X4);
                let v = self.b.ins().fcvt_to_uint_sat(I32X4, a);
                self.vpush(v);
            }
            O::I32x4RelaxedTruncF64x2SZero => {
                return self.simd(&O::I32x4TruncSatF64x2SZero);
            }
            O::I32x4RelaxedTruncF64x2UZero => {
                return self.simd(&O::I32x4TruncSatF64x2UZero);
            }
            O::F32x4RelaxedMadd => self.relaxed_madd(F32X4, false),
            O::F32x4RelaxedNmadd => self.relaxed_madd(F32X4, true),
            O::F64x2RelaxedMadd => self.relaxed_madd(F64X2, false),
            O::F64x2RelaxedNmadd => self.relaxed_madd(F64X2, true),
            O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => return self.simd(&O::V128Bitselect),
            // x86's minps/maxps: the operand chosen when one is NaN or both
            // are zeros, as pmin/pmax do.
            O::F32x4RelaxedMin => pminmax!(F32X4, true),
            O::F32x4RelaxedMax => pminmax!(F32X4, false),
            O::F64x2RelaxedMin => pminmax!(F64X2, true),
            O::F64x2RelaxedMax => pminmax!(F64X2, false),
            O::I16x8RelaxedQ15mulrS if self.env.cpu.x86 => bin!(I16X8, x86_pmulhrsw),
            O::I16x8RelaxedQ15mulrS => bin!(I16X8, sqmul_round_sat),
            O::I16x8RelaxedDotI8x16I7x16S => {
                let (a, b) = self.vpop2(I8X16);
                let v = self.relaxed_dot_i16(a, b);
                self.vpush(v);
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.vpop(I32X4);
                let (a, b) = self.vpop2(I8X16);
                let pairs = self.relaxed_dot_i16(a, b);
                let lo = self.b.ins().swiden_low(pairs);
                let hi = self.b.ins().swiden_high(pairs);
                let quads = self.b.ins().iadd_pairwise(lo, hi);
                let v = self.b.ins().iadd(quads, c);
                self.vpush(v);
            }
            _ => return false,
        }
        true
    }
}
