"""wasi-rt for Python: compile and run WebAssembly and WASI programs.

Objects own C handles and free them exactly once: on ``close()``, when
leaving a ``with`` block, or when garbage-collected. Errors are exceptions:
``WasmError`` (compiling, linking, closed objects, malformed calls),
``Trap`` (a Wasm or host trap, with its code, message and Wasm frames) and
``WasiExit`` (a WASI program's exit code, raised by calls that end in
``proc_exit``). Wrong Python types for Wasm values raise ``TypeError``.

    engine = wasi_rt.Engine()
    store = wasi_rt.Store(engine)
    inst = wasi_rt.Instance(store, wasi_rt.Module(engine, wat_or_wasm))
    inst["add"](1, 2)
"""

from ._errors import (
    TRAP_INTERRUPT,
    TRAP_MEMORY_OUT_OF_BOUNDS,
    TRAP_STACK_OVERFLOW,
    TRAP_UNALIGNED_ATOMIC,
    TRAP_UNCAUGHT_EXCEPTION,
    TRAP_WAIT_ON_UNSHARED_MEMORY,
    TRAP_CAST_FAILURE,
    TRAP_ARRAY_OUT_OF_BOUNDS,
    TRAP_ALLOCATION_TOO_LARGE,
    TRAP_OUT_OF_GC_MEMORY,
    Frame,
    Trap,
    WasiExit,
    WasmError,
)
from ._externs import Func, Global, Memory, SharedMemory, Table, Tag
from ._gc import I8, I16, AnyRef, ArrayType, FieldType, GcStats, StructType
from ._instance import Instance, Linker
from ._store import Engine, Module, Store
from ._types import ExportType, FuncType, GlobalType, ImportType, MemoryType, TableType, TagType, ValType
from ._wasi import Output, WasiConfig, run_wasi

I32, I64, F32, F64, V128 = ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128
EXTERNREF, FUNCREF, EXNREF, ANYREF = ValType.EXTERNREF, ValType.FUNCREF, ValType.EXNREF, ValType.ANYREF

__all__ = [
    "Engine",
    "Store",
    "Module",
    "Instance",
    "Linker",
    "Func",
    "Memory",
    "Global",
    "SharedMemory",
    "Table",
    "Tag",
    "AnyRef",
    "StructType",
    "ArrayType",
    "FieldType",
    "GcStats",
    "I8",
    "I16",
    "ANYREF",
    "ValType",
    "FuncType",
    "GlobalType",
    "MemoryType",
    "TableType",
    "TagType",
    "ImportType",
    "ExportType",
    "WasiConfig",
    "Output",
    "run_wasi",
    "WasmError",
    "Trap",
    "Frame",
    "WasiExit",
    "TRAP_INTERRUPT",
    "TRAP_MEMORY_OUT_OF_BOUNDS",
    "TRAP_STACK_OVERFLOW",
    "TRAP_UNALIGNED_ATOMIC",
    "TRAP_UNCAUGHT_EXCEPTION",
    "TRAP_WAIT_ON_UNSHARED_MEMORY",
    "TRAP_CAST_FAILURE",
    "TRAP_ARRAY_OUT_OF_BOUNDS",
    "TRAP_ALLOCATION_TOO_LARGE",
    "TRAP_OUT_OF_GC_MEMORY",
    "I32",
    "I64",
    "F32",
    "F64",
    "V128",
    "EXTERNREF",
    "FUNCREF",
    "EXNREF",
]
