//! The mapping between Wasm trap codes and Cranelift's trap codes, used when
//! emitting code and when decoding a fault.

use crate::runtime::trap::TrapCode;
use cranelift_codegen::ir;

const UNREACHABLE: u8 = 1;
const TABLE_OUT_OF_BOUNDS: u8 = 2;
const UNDEFINED_ELEMENT: u8 = 3;
const UNINITIALIZED_ELEMENT: u8 = 4;
const BAD_SIGNATURE: u8 = 5;
const NULL_REFERENCE: u8 = 6;
const INTERRUPT: u8 = 7;
const UNCAUGHT_EXCEPTION: u8 = 8;
const UNALIGNED_ATOMIC: u8 = 9;
const WAIT_ON_UNSHARED_MEMORY: u8 = 10;
const CAST_FAILURE: u8 = 11;
const ARRAY_OUT_OF_BOUNDS: u8 = 12;
const ALLOCATION_TOO_LARGE: u8 = 13;
const OUT_OF_GC_MEMORY: u8 = 14;

fn user(c: u8) -> ir::TrapCode {
    ir::TrapCode::unwrap_user(c)
}

/// The Cranelift trap code emitted for `code`.
pub fn to_cranelift(code: TrapCode) -> ir::TrapCode {
    match code {
        TrapCode::StackOverflow => ir::TrapCode::STACK_OVERFLOW,
        TrapCode::IntegerOverflow => ir::TrapCode::INTEGER_OVERFLOW,
        TrapCode::MemoryOutOfBounds => ir::TrapCode::HEAP_OUT_OF_BOUNDS,
        TrapCode::IntegerDivisionByZero => ir::TrapCode::INTEGER_DIVISION_BY_ZERO,
        TrapCode::BadConversionToInteger => ir::TrapCode::BAD_CONVERSION_TO_INTEGER,
        TrapCode::Unreachable => user(UNREACHABLE),
        TrapCode::TableOutOfBounds => user(TABLE_OUT_OF_BOUNDS),
        TrapCode::UndefinedElement => user(UNDEFINED_ELEMENT),
        TrapCode::UninitializedElement => user(UNINITIALIZED_ELEMENT),
        TrapCode::BadSignature => user(BAD_SIGNATURE),
        TrapCode::NullReference => user(NULL_REFERENCE),
        TrapCode::Interrupt => user(INTERRUPT),
        TrapCode::UncaughtException => user(UNCAUGHT_EXCEPTION),
        TrapCode::UnalignedAtomic => user(UNALIGNED_ATOMIC),
        TrapCode::WaitOnUnsharedMemory => user(WAIT_ON_UNSHARED_MEMORY),
        TrapCode::CastFailure => user(CAST_FAILURE),
        TrapCode::ArrayOutOfBounds => user(ARRAY_OUT_OF_BOUNDS),
        TrapCode::AllocationTooLarge => user(ALLOCATION_TOO_LARGE),
        TrapCode::OutOfGcMemory => user(OUT_OF_GC_MEMORY),
    }
}

/// Every trap code, in a fixed order (their numbers in precompiled code).
pub const ALL: [TrapCode; 19] = [
    TrapCode::StackOverflow,
    TrapCode::IntegerOverflow,
    TrapCode::MemoryOutOfBounds,
    TrapCode::IntegerDivisionByZero,
    TrapCode::BadConversionToInteger,
    TrapCode::Unreachable,
    TrapCode::TableOutOfBounds,
    TrapCode::UndefinedElement,
    TrapCode::UninitializedElement,
    TrapCode::BadSignature,
    TrapCode::NullReference,
    TrapCode::Interrupt,
    TrapCode::UncaughtException,
    TrapCode::UnalignedAtomic,
    TrapCode::WaitOnUnsharedMemory,
    TrapCode::CastFailure,
    TrapCode::ArrayOutOfBounds,
    TrapCode::AllocationTooLarge,
    TrapCode::OutOfGcMemory,
];

/// The Wasm trap code a Cranelift trap record stands for.
pub fn from_cranelift(code: ir::TrapCode) -> Option<TrapCode> {
    ALL.into_iter().find(|c| to_cranelift(*c) == code)
}
