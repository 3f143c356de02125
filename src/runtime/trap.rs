//! Traps: their codes and messages, backtraces, and the machinery that
//! enters Wasm from the host and unwinds back to that entry on a trap.

use super::vmctx::VMLimits;
use std::cell::{RefCell, UnsafeCell};
use std::fmt;

/// Why Wasm code trapped. Messages follow the WebAssembly spec tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    StackOverflow,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` index beyond the table.
    UndefinedElement,
    /// `call_indirect` through a null entry.
    UninitializedElement,
    BadSignature,
    NullReference,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    Unreachable,
    /// The store's epoch deadline passed (`Config::epoch_interruption`).
    Interrupt,
    /// A Wasm exception no handler caught left Wasm (the trap carries it:
    /// `Trap::exception`).
    UncaughtException,
    /// An atomic access whose address is not a multiple of its size.
    UnalignedAtomic,
    /// `memory.atomic.wait32`/`wait64` on a memory that is not shared.
    WaitOnUnsharedMemory,
    /// `ref.cast` (or `br_on_cast`'s cast) of a value of another type.
    CastFailure,
    /// An array access, copy, fill or init beyond the array's length.
    ArrayOutOfBounds,
    /// An array longer than any GC heap can hold.
    AllocationTooLarge,
    /// The store's GC heap is full, even after a collection.
    OutOfGcMemory,
}

impl TrapCode {
    /// The spec's wording for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::NullReference => "null reference",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::Unreachable => "unreachable",
            TrapCode::Interrupt => "interrupted: the epoch deadline passed",
            TrapCode::UncaughtException => "uncaught exception",
            TrapCode::UnalignedAtomic => "unaligned atomic",
            TrapCode::WaitOnUnsharedMemory => "expected shared memory",
            TrapCode::CastFailure => "cast failure",
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            TrapCode::AllocationTooLarge => "allocation too large",
            TrapCode::OutOfGcMemory => "out of memory: the GC heap is full",
        }
    }
}

/// One frame of a Wasm backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// Function index in its module (imports included).
    pub func_index: u32,
    /// Name from the name section, if any.
    pub func_name: Option<String>,
    /// Module name from the name section, if any.
    pub module_name: Option<String>,
    /// Byte offset, in the module binary, of the operator executing in
    /// this frame (for outer frames: the call), when known.
    pub module_offset: Option<usize>,
    /// The same position relative to the start of the function's body.
    pub func_offset: Option<usize>,
    /// Which module the frame runs (`CompiledModule::id`).
    pub(crate) module_id: usize,
}

/// A trap: raised by Wasm code, or returned by a host function.
#[derive(Clone, Debug)]
pub struct Trap {
    code: Option<TrapCode>,
    message: String,
    frames: Vec<FrameInfo>,
    exit_status: Option<i32>,
    exception: Option<crate::ExnRef>,
}

impl Trap {
    /// A trap raised by host code with a message.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap {
            code: None,
            message: message.into(),
            frames: Vec::new(),
            exit_status: None,
            exception: None,
        }
    }
    /// A Wasm exception, for a host function to throw: Wasm handlers up the
    /// stack catch it like one thrown by `throw` (make it with
    /// `ExnRef::new`). If none does, the call into Wasm fails with an
    /// "uncaught exception" trap carrying it.
    pub fn throw(exception: crate::ExnRef) -> Trap {
        Trap {
            code: Some(TrapCode::UncaughtException),
            message: TrapCode::UncaughtException.message().to_string(),
            frames: Vec::new(),
            exit_status: None,
            exception: Some(exception),
        }
    }
    /// The exception, when this is an uncaught exception (or one a host
    /// function throws).
    pub fn exception(&self) -> Option<crate::ExnRef> {
        self.exception
    }
    /// A trap that asks the embedder to end the program with `status`
    /// (what WASI's `proc_exit` raises).
    pub fn exit(status: i32) -> Trap {
        Trap {
            code: None,
            message: format!("exited with status {status}"),
            frames: Vec::new(),
            exit_status: Some(status),
            exception: None,
        }
    }
    pub(crate) fn from_code(code: TrapCode, frames: Vec<FrameInfo>) -> Trap {
        Trap {
            code: Some(code),
            message: code.message().to_string(),
            frames,
            exit_status: None,
            exception: None,
        }
    }
    /// The trap code, for traps raised by Wasm code.
    pub fn code(&self) -> Option<TrapCode> {
        self.code
    }
    /// The message (for Wasm traps, the spec's wording).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The Wasm backtrace, innermost frame first.
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }
    /// Replaces the backtrace.
    pub(crate) fn set_frames(&mut self, frames: Vec<FrameInfo>) {
        self.frames = frames;
    }

    /// The exit status, when this trap is a request to exit.
    pub fn exit_status(&self) -> Option<i32> {
        self.exit_status
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.message)?;
        if !self.frames.is_empty() {
            write!(f, "\nwasm backtrace:")?;
            for (i, fr) in self.frames.iter().enumerate() {
                write!(f, "\n  {i:>2}: ")?;
                if let Some(m) = &fr.module_name {
                    write!(f, "{m}!")?;
                }
                match &fr.func_name {
                    Some(n) => write!(f, "{n}")?,
                    None => write!(f, "<wasm function {}>", fr.func_index)?,
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

const MAX_FRAMES: usize = 64;

/// What the signal handler records about a fault (plain data: no
/// allocation or destructor, so it is safe to write from a handler).
struct SignalRecord {
    code: Option<TrapCode>,
    pcs: [usize; MAX_FRAMES],
    npcs: usize,
}

thread_local! {
    static SIGNAL_RECORD: UnsafeCell<SignalRecord> = const {
        UnsafeCell::new(SignalRecord { code: None, pcs: [0; MAX_FRAMES], npcs: 0 })
    };
    static HOST_TRAP: RefCell<Option<Trap>> = const { RefCell::new(None) };
}

unsafe extern "C" {
    fn wasi_rt_enter(f: usize, vmctx: *mut u8, code: *const u8, slots: *mut u128) -> libc::c_int;
    fn wasi_rt_unwind() -> !;
    fn wasi_rt_in_wasm() -> libc::c_int;
}

/// Whether this thread is currently inside a call into Wasm.
pub fn in_wasm() -> bool {
    // SAFETY: reads a thread-local pointer.
    unsafe { wasi_rt_in_wasm() != 0 }
}

/// Called by the signal handler for a fault at `pc` (frame pointer `fp`)
/// that lies in Wasm code with trap `code`: records it and unwinds.
///
/// # Safety
/// Must only be called on the faulting thread, from the signal handler,
/// while `in_wasm()` holds.
pub unsafe fn raise_from_signal(code: TrapCode, pc: usize, fp: usize) -> ! {
    SIGNAL_RECORD.with(|r| {
        // SAFETY: only this thread touches its record, and no other
        // reference to it is live (the handler interrupted Wasm code).
        let r = unsafe { &mut *r.get() };
        r.code = Some(code);
        r.pcs[0] = pc;
        r.npcs = 1;
        // SAFETY: `fp` is the interrupted Wasm frame's frame pointer.
        unsafe {
            walk_wasm_frames(fp, MAX_FRAMES - 1, |ret| {
                r.pcs[r.npcs] = ret;
                r.npcs += 1;
            })
        };
    });
    // SAFETY: in_wasm() holds, so a jump buffer is registered.
    unsafe { wasi_rt_unwind() }
}

/// Raises `trap` (from a host function or a libcall) to the innermost entry.
///
/// # Safety
/// Every frame between here and the entry must be a Wasm frame or a Rust
/// frame that owns nothing needing drop.
pub unsafe fn raise(trap: Trap) -> ! {
    HOST_TRAP.with(|h| *h.borrow_mut() = Some(trap));
    // SAFETY: per the contract, only frames without destructors are skipped.
    unsafe { wasi_rt_unwind() }
}

/// The Wasm frames above the frame whose frame pointer is `fp` (a
/// trampoline's), innermost first.
///
/// # Safety
/// `fp` must be a live frame pointer of this thread whose caller chain
/// consists of frames compiled with frame pointers.
pub(crate) unsafe fn backtrace_from(fp: usize) -> Vec<FrameInfo> {
    let mut pcs = Vec::new();
    // SAFETY: forwarded.
    unsafe { walk_wasm_frames(fp, MAX_FRAMES, |ret| pcs.push(ret - 1)) };
    pcs.into_iter().filter_map(frame_info).collect()
}

/// Calls `f` with the return address of each Wasm frame above the frame
/// whose frame pointer is `fp`, innermost first, at most `limit` times.
/// Allocates nothing, so the signal handler can use it.
///
/// # Safety
/// `fp` must be a live frame pointer of this thread whose callers were
/// compiled with frame pointers (each frame stores the caller's frame
/// pointer and the return address above it).
unsafe fn walk_wasm_frames(mut fp: usize, limit: usize, mut f: impl FnMut(usize)) {
    let mut n = 0;
    while n < limit && fp != 0 && fp.is_multiple_of(8) {
        // SAFETY: per the contract.
        let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        if !super::code::is_wasm_pc(ret) {
            break;
        }
        f(ret);
        n += 1;
        if next <= fp {
            break;
        }
        fp = next;
    }
}

/// Describes the Wasm code at `pc`.
fn frame_info(pc: usize) -> Option<FrameInfo> {
    let d = super::code::describe_pc(pc)?;
    let func_offset = d
        .module_offset
        .zip(d.body_offset)
        .map(|(m, b)| m.saturating_sub(b) as usize);
    Some(FrameInfo {
        func_index: d.func_index,
        func_name: d.func_name,
        module_name: d.module_name,
        module_offset: d.module_offset.map(|o| o as usize),
        func_offset,
        module_id: d.module_id,
    })
}

fn take_trap() -> Trap {
    if let Some(t) = HOST_TRAP.with(|h| h.borrow_mut().take()) {
        return t;
    }
    SIGNAL_RECORD.with(|r| {
        // SAFETY: no handler is running for this thread now.
        let r = unsafe { &mut *r.get() };
        let code = r.code.take().unwrap_or(TrapCode::Unreachable);
        let frames = r.pcs[..r.npcs]
            .iter()
            .enumerate()
            .filter_map(|(i, pc)| {
                // Return addresses point after the call: look one byte back.
                let pc = if i == 0 { *pc } else { pc - 1 };
                frame_info(pc)
            })
            .collect();
        r.npcs = 0;
        Trap::from_code(code, frames)
    })
}

/// Stack kept free below the deepest Wasm frame for the host functions Wasm
/// calls (WASI, callbacks) and for unwinding: Wasm code never uses the last
/// 64 KiB of its thread's stack.
pub const HOST_STACK_RESERVE: usize = 64 * 1024;

/// Calls Wasm through an entry trampoline, turning a trap into `Err`.
///
/// # Safety
/// `trampoline` must be the entry trampoline for the signature of `code`,
/// `vmctx` the callee's context, and `slots` must hold the arguments and
/// have room for the results.
pub unsafe fn call(
    limits: *mut VMLimits,
    max_stack: usize,
    trampoline: usize,
    vmctx: *mut u8,
    code: *const u8,
    slots: *mut u128,
) -> Result<(), Trap> {
    let floor = super::sys::ensure_thread_ready();
    let marker = 0u8;
    let sp = &marker as *const u8 as usize;
    // SAFETY: `limits` belongs to the store the caller borrows mutably.
    let outermost = unsafe { (*limits).stack_limit == 0 };
    if outermost {
        // Wasm may go `max_stack` below this point, but never into the
        // last `HOST_STACK_RESERVE` bytes of the thread's real stack, so a
        // small host thread gets "call stack exhausted", not SIGSEGV. (A
        // limit above `sp` makes the first Wasm prologue trap at once.)
        let limit = sp
            .saturating_sub(max_stack)
            .max(floor.saturating_add(HOST_STACK_RESERVE));
        // SAFETY: as above.
        unsafe { (*limits).stack_limit = limit };
    }
    // SAFETY: the caller guarantees the trampoline/signature contract.
    let rc = unsafe { wasi_rt_enter(trampoline, vmctx, code, slots) };
    if outermost {
        // SAFETY: as above.
        unsafe { (*limits).stack_limit = 0 };
    }
    if rc == 0 { Ok(()) } else { Err(take_trap()) }
}
