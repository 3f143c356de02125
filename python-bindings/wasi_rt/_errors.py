"""The exceptions of the package and the conversion of C traps and errors into them."""

import ctypes
import threading
from typing import List, Optional, Tuple

from . import _ffi as ffi


class WasmError(Exception):
    """A module could not be compiled or linked, an object was used after it
    (or its store) was closed, or a call was malformed."""


class Frame:
    """One Wasm frame of a trap's backtrace: the function's index in its
    module and its name, when the module's name section gives one."""

    def __init__(self, func_index: int, func_name: Optional[str]):
        self.func_index = func_index
        self.func_name = func_name

    def __repr__(self) -> str:
        return f"Frame({self.func_index}, {self.func_name!r})"


#: ``Trap.code`` of a call that went deeper than its stack budget
#: (``Engine(max_wasm_stack=...)``, or what its thread had left).
TRAP_STACK_OVERFLOW = 0
#: ``Trap.code`` of a load or store outside its memory.
TRAP_MEMORY_OUT_OF_BOUNDS = 1
#: ``Trap.code`` of a call stopped by its store's epoch deadline.
TRAP_INTERRUPT = 11
#: ``Trap.code`` of a Wasm exception that no handler caught.
TRAP_UNCAUGHT_EXCEPTION = 12
#: ``Trap.code`` of an atomic access at an address not a multiple of its size.
TRAP_UNALIGNED_ATOMIC = 13
#: ``Trap.code`` of ``memory.atomic.wait32``/``wait64`` on a memory that is not shared.
TRAP_WAIT_ON_UNSHARED_MEMORY = 14
#: ``Trap.code`` of ``ref.cast`` (or ``br_on_cast``) of a value of another type.
TRAP_CAST_FAILURE = 15
#: ``Trap.code`` of an array access, copy, fill or init beyond the array's length.
TRAP_ARRAY_OUT_OF_BOUNDS = 16
#: ``Trap.code`` of an array longer than any GC heap can hold.
TRAP_ALLOCATION_TOO_LARGE = 17
#: ``Trap.code`` when the store's GC heap is full, even after a collection.
TRAP_OUT_OF_GC_MEMORY = 18


class Trap(Exception):
    """A trap: ``code`` is one of the ``WASI_RT_TRAP_*`` numbers for Wasm
    traps (None for traps raised by host code), ``message`` the spec's
    wording, ``frames`` the Wasm backtrace, innermost first."""

    def __init__(self, message: str, code: Optional[int], frames: List[Frame]):
        super().__init__(message)
        self.message = message
        self.code = code
        self.frames = frames


class WasiExit(Exception):
    """A WASI program called ``proc_exit`` inside a call that expected it to
    return; ``code`` is its exit status."""

    def __init__(self, code: int):
        super().__init__(f"exited with status {code}")
        self.code = code


def consume_trap(ptr: int) -> Exception:
    """The exception for an own ``wasm_trap_t*``, which is deleted."""
    msg = ffi.ByteVec()
    ffi.trap_message(ptr, ctypes.byref(msg))
    message = ffi.take_bytes(msg).rstrip(b"\0").decode("utf-8", "replace")
    status = ctypes.c_int()
    if ffi.trap_exit_status(ptr, ctypes.byref(status)):
        ffi.trap_delete(ptr)
        return WasiExit(status.value)
    code = ctypes.c_uint8()
    has_code = ffi.trap_code(ptr, ctypes.byref(code))
    frames_vec = ffi.PtrVec()
    ffi.trap_trace(ptr, ctypes.byref(frames_vec))
    frames = []
    for f in frames_vec.items():
        name = ffi.ByteVec()
        named = ffi.frame_func_name(f, ctypes.byref(name))
        frames.append(Frame(ffi.frame_func_index(f), ffi.take_bytes(name).decode() if named else None))
    ffi.frame_vec_delete(ctypes.byref(frames_vec))
    ffi.trap_delete(ptr)
    # wasm.h reports these misuses as traps; to Python they are errors.
    if message.startswith(("type error:", "results vector", "link error:", "limit exceeded:")):
        return WasmError(message)
    return Trap(message, code.value if has_code else None, frames)


# The exceptions Python host functions raised, per thread, with the trap
# message each was turned into. A trap that reaches Python with the message
# of the newest entry is that exception coming back.
_local = threading.local()


def host_failures() -> List[Tuple[str, BaseException]]:
    """This thread's (trap message, exception) pairs, newest last."""
    try:
        return _local.failures
    except AttributeError:
        _local.failures = []
        return _local.failures


def raise_trap(ptr: int):
    """Raises the exception for an own trap: the host function's own
    exception when the trap came from one (chained to the Trap), else the
    Trap, WasiExit or WasmError itself."""
    exc = consume_trap(ptr)
    failures = host_failures()
    if failures:
        message, original = failures[-1]
        # Whatever is left belongs to calls that already ended.
        failures.clear()
        if isinstance(exc, Trap) and exc.code is None and exc.message == message:
            raise original from exc
    raise exc


def error_text(err: int) -> str:
    """The message of an own ``wasi_rt_error_t*``, which is deleted."""
    msg = ffi.ByteVec()
    ffi.error_message(err, ctypes.byref(msg))
    ffi.error_delete(err)
    return ffi.take_bytes(msg).rstrip(b"\0").decode("utf-8", "replace")


def check(err: int) -> None:
    """Raises WasmError for an own ``wasi_rt_error_t*`` that is not NULL."""
    if err:
        raise WasmError(error_text(err))
