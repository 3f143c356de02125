//! `wasm_trap_t` (a reference object) and `wasm_frame_t` (a plain owned
//! record of one Wasm frame).

use super::engine::wasm_store_t;
use super::guard;
use super::object::StoreCell;
use super::object::{Kind, Object, RefView, obj};
use super::refs::{wasm_instance_t, wasm_trap_t};
use super::vec::{wasm_byte_vec_t, wasm_frame_vec_t};
use crate::{FrameInfo, Trap};
use std::rc::Rc;

/// `wasm_message_t` is a byte vector; trap messages include a final NUL.
pub type wasm_message_t = wasm_byte_vec_t;

/// What a trap object holds: the trap, and for each of its frames the
/// instance that ran it, found when the trap is made (while that instance
/// surely exists) and kept alive as long as the trap.
pub struct TrapData {
    pub trap: Trap,
    instances: Vec<Option<Object>>,
}

/// A new own trap object for `trap` in `store`.
pub(crate) fn new_trap_object(store: &Rc<StoreCell>, trap: Trap) -> *mut wasm_trap_t {
    let instances = trap
        .frames()
        .iter()
        .map(|f| {
            // SAFETY: single-threaded store access, no reference kept.
            let found = unsafe { store.get() }.instances_of_module(f.module_id);
            match found.as_slice() {
                [one] => Some(Object::new(Some(store.clone()), Kind::Instance(*one))),
                _ => None,
            }
        })
        .collect();
    let data = Rc::new(TrapData { trap, instances });
    wasm_trap_t::boxed(Object::new(Some(store.clone()), Kind::Trap(data)))
}

/// A new own trap object for an error that belongs to no store (a call
/// made with no function); it has no frames.
pub(crate) fn new_storeless_trap_object(trap: Trap) -> *mut wasm_trap_t {
    let data = Rc::new(TrapData {
        trap,
        instances: Vec::new(),
    });
    wasm_trap_t::boxed(Object::new(None, Kind::Trap(data)))
}

/// One frame of a Wasm backtrace (opaque; own when returned).
pub struct wasm_frame_t {
    pub(crate) info: FrameInfo,
    /// The instance running the frame, when its store held exactly one
    /// instance of the frame's module when the trap happened.
    instance: Option<Box<Object>>,
}

impl wasm_frame_t {
    fn new(data: &TrapData, i: usize) -> Box<wasm_frame_t> {
        let instance = data.instances[i].as_ref().map(|o| Box::new(o.copy()));
        Box::new(wasm_frame_t {
            info: data.trap.frames()[i].clone(),
            instance,
        })
    }
}

/// A new trap with `message` (borrowed; a trailing NUL is ignored);
/// own (delete with `wasm_trap_delete`). NULL when `store` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_new(
    store: *mut wasm_store_t,
    message: *const wasm_message_t,
) -> *mut wasm_trap_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or live objects.
        let Some(store) = (unsafe { store.as_ref() }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as above.
        let bytes = unsafe { message.as_ref() }.map_or(&[][..], |m| m.as_slice());
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        let trap = Trap::new(String::from_utf8_lossy(bytes).into_owned());
        new_trap_object(&store.cell, trap)
    })
}

/// The trap of a trap object (None for NULL or another kind).
///
/// # Safety
/// `t` is NULL or a live trap.
pub(crate) unsafe fn trap_of<'a>(t: *const wasm_trap_t) -> Option<&'a Trap> {
    // SAFETY: forwarded.
    unsafe { data_of(t) }.map(|d| &d.trap)
}

unsafe fn data_of<'a>(t: *const wasm_trap_t) -> Option<&'a TrapData> {
    // SAFETY: forwarded.
    match unsafe { obj(t) }.map(|o| &o.kind) {
        Some(Kind::Trap(d)) => Some(d),
        _ => None,
    }
}

/// Writes the trap's message, NUL-terminated, into `out` (own: delete it
/// with `wasm_byte_vec_delete`). For NULL arguments nothing is written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_message(t: *const wasm_trap_t, out: *mut wasm_message_t) {
    guard((), || {
        // SAFETY: NULL or live objects; `out` is caller storage.
        let (Some(trap), Some(out)) = (unsafe { trap_of(t) }, unsafe { out.as_mut() }) else {
            return;
        };
        let mut bytes = trap.message().as_bytes().to_vec();
        bytes.push(0);
        *out = wasm_byte_vec_t::from_vec(bytes);
    })
}

/// The innermost Wasm frame of the trap; own (delete with
/// `wasm_frame_delete`), or NULL when the trap has no Wasm frames.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_origin(t: *const wasm_trap_t) -> *mut wasm_frame_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live trap.
        match unsafe { data_of(t) } {
            Some(d) if !d.trap.frames().is_empty() => Box::into_raw(wasm_frame_t::new(d, 0)),
            _ => std::ptr::null_mut(),
        }
    })
}

/// Writes the trap's Wasm frames, innermost first, into `out` (own:
/// delete with `wasm_frame_vec_delete`). Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_trace(t: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    guard((), || {
        // SAFETY: `out` is caller storage; `t` NULL or a live trap.
        let Some(out) = (unsafe { out.as_mut() }) else {
            return;
        };
        // SAFETY: NULL or a live trap.
        let frames = match unsafe { data_of(t) } {
            Some(d) => (0..d.trap.frames().len())
                .map(|i| wasm_frame_t::new(d, i))
                .collect(),
            None => Vec::new(),
        };
        *out = wasm_frame_vec_t::from_boxes(frames);
    })
}

/// Deletes a frame (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_delete(f: *mut wasm_frame_t) {
    if !f.is_null() {
        // SAFETY: owned, from Box::into_raw.
        drop(unsafe { Box::from_raw(f) });
    }
}

/// A copy of a frame; own. NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_copy(f: *const wasm_frame_t) -> *mut wasm_frame_t {
    // SAFETY: NULL or a live frame.
    match unsafe { f.as_ref() } {
        Some(f) => Box::into_raw(Box::new(wasm_frame_t {
            info: f.info.clone(),
            instance: f.instance.as_ref().map(|o| Box::new(o.copy())),
        })),
        None => std::ptr::null_mut(),
    }
}

/// The index of the frame's function in its module (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_func_index(f: *const wasm_frame_t) -> u32 {
    // SAFETY: NULL or a live frame.
    unsafe { f.as_ref() }.map_or(0, |f| f.info.func_index)
}

/// The instance running the frame (borrowed: owned by the frame). Known
/// when the trap's store holds exactly one instance of the frame's module;
/// NULL when several instances share the module's code, or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_instance(f: *const wasm_frame_t) -> *mut wasm_instance_t {
    // SAFETY: NULL or a live frame.
    match unsafe { f.as_ref() }.and_then(|f| f.instance.as_ref()) {
        Some(o) => &**o as *const Object as *mut wasm_instance_t,
        None => std::ptr::null_mut(),
    }
}

/// Byte offset of the frame's current operator from the start of its
/// function's body (0 for NULL or when unknown).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_func_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: NULL or a live frame.
    unsafe { f.as_ref() }
        .and_then(|f| f.info.func_offset)
        .unwrap_or(0)
}

/// Byte offset of the frame's current operator in the module binary (0 for
/// NULL or when unknown).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_module_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: NULL or a live frame.
    unsafe { f.as_ref() }
        .and_then(|f| f.info.module_offset)
        .unwrap_or(0)
}

/// Trap codes reported by `wasi_rt_trap_code`.
pub const WASI_RT_TRAP_STACK_OVERFLOW: u8 = 0;
pub const WASI_RT_TRAP_MEMORY_OUT_OF_BOUNDS: u8 = 1;
pub const WASI_RT_TRAP_TABLE_OUT_OF_BOUNDS: u8 = 2;
pub const WASI_RT_TRAP_UNDEFINED_ELEMENT: u8 = 3;
pub const WASI_RT_TRAP_UNINITIALIZED_ELEMENT: u8 = 4;
pub const WASI_RT_TRAP_BAD_SIGNATURE: u8 = 5;
pub const WASI_RT_TRAP_NULL_REFERENCE: u8 = 6;
pub const WASI_RT_TRAP_INTEGER_OVERFLOW: u8 = 7;
pub const WASI_RT_TRAP_INTEGER_DIVISION_BY_ZERO: u8 = 8;
pub const WASI_RT_TRAP_BAD_CONVERSION_TO_INTEGER: u8 = 9;
pub const WASI_RT_TRAP_UNREACHABLE: u8 = 10;
/// The store's epoch deadline passed (see `wasi_rt_store_set_epoch_deadline`).
pub const WASI_RT_TRAP_INTERRUPT: u8 = 11;
/// A Wasm exception no handler caught left Wasm.
pub const WASI_RT_TRAP_UNCAUGHT_EXCEPTION: u8 = 12;
/// An atomic access at an address that is not a multiple of its size.
pub const WASI_RT_TRAP_UNALIGNED_ATOMIC: u8 = 13;
/// `memory.atomic.wait32`/`wait64` on a memory that is not shared.
pub const WASI_RT_TRAP_WAIT_ON_UNSHARED_MEMORY: u8 = 14;
/// `ref.cast` (or `br_on_cast`) of a value of another type.
pub const WASI_RT_TRAP_CAST_FAILURE: u8 = 15;
/// An array access, copy, fill or init beyond the array's length.
pub const WASI_RT_TRAP_ARRAY_OUT_OF_BOUNDS: u8 = 16;
/// An array longer than any GC heap can hold.
pub const WASI_RT_TRAP_ALLOCATION_TOO_LARGE: u8 = 17;
/// The store's GC heap is full, even after a collection.
pub const WASI_RT_TRAP_OUT_OF_GC_MEMORY: u8 = 18;

/// When the trap was raised by Wasm code (not by a host function), stores
/// its `WASI_RT_TRAP_*` code in `*code` and returns true; false otherwise
/// or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_trap_code(t: *const wasm_trap_t, code: *mut u8) -> bool {
    use crate::TrapCode as C;
    // SAFETY: NULL or a live trap.
    let Some(c) = unsafe { trap_of(t) }.and_then(|t| t.code()) else {
        return false;
    };
    let v = match c {
        C::StackOverflow => WASI_RT_TRAP_STACK_OVERFLOW,
        C::MemoryOutOfBounds => WASI_RT_TRAP_MEMORY_OUT_OF_BOUNDS,
        C::TableOutOfBounds => WASI_RT_TRAP_TABLE_OUT_OF_BOUNDS,
        C::UndefinedElement => WASI_RT_TRAP_UNDEFINED_ELEMENT,
        C::UninitializedElement => WASI_RT_TRAP_UNINITIALIZED_ELEMENT,
        C::BadSignature => WASI_RT_TRAP_BAD_SIGNATURE,
        C::NullReference => WASI_RT_TRAP_NULL_REFERENCE,
        C::IntegerOverflow => WASI_RT_TRAP_INTEGER_OVERFLOW,
        C::IntegerDivisionByZero => WASI_RT_TRAP_INTEGER_DIVISION_BY_ZERO,
        C::BadConversionToInteger => WASI_RT_TRAP_BAD_CONVERSION_TO_INTEGER,
        C::Unreachable => WASI_RT_TRAP_UNREACHABLE,
        C::Interrupt => WASI_RT_TRAP_INTERRUPT,
        C::UncaughtException => WASI_RT_TRAP_UNCAUGHT_EXCEPTION,
        C::UnalignedAtomic => WASI_RT_TRAP_UNALIGNED_ATOMIC,
        C::WaitOnUnsharedMemory => WASI_RT_TRAP_WAIT_ON_UNSHARED_MEMORY,
        C::CastFailure => WASI_RT_TRAP_CAST_FAILURE,
        C::ArrayOutOfBounds => WASI_RT_TRAP_ARRAY_OUT_OF_BOUNDS,
        C::AllocationTooLarge => WASI_RT_TRAP_ALLOCATION_TOO_LARGE,
        C::OutOfGcMemory => WASI_RT_TRAP_OUT_OF_GC_MEMORY,
    };
    if !code.is_null() {
        // SAFETY: caller storage.
        unsafe { *code = v };
    }
    true
}

/// When the trap is a WASI `proc_exit`, stores the exit status in
/// `*status` and returns true; false otherwise or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_trap_exit_status(t: *const wasm_trap_t, status: *mut i32) -> bool {
    // SAFETY: NULL or a live trap.
    let Some(s) = unsafe { trap_of(t) }.and_then(|t| t.exit_status()) else {
        return false;
    };
    if !status.is_null() {
        // SAFETY: caller storage.
        unsafe { *status = s };
    }
    true
}

/// Writes the name of the frame's function (from the name section) into
/// `out` (own: delete with `wasm_byte_vec_delete`; not NUL-terminated) and
/// returns true; false when the module names no such function or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_frame_func_name(
    f: *const wasm_frame_t,
    out: *mut wasm_byte_vec_t,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live arguments.
        let (Some(f), Some(out)) = (unsafe { f.as_ref() }, unsafe { out.as_mut() }) else {
            return false;
        };
        match &f.info.func_name {
            Some(n) => {
                *out = wasm_byte_vec_t::from_vec(n.as_bytes().to_vec());
                true
            }
            None => false,
        }
    })
}
