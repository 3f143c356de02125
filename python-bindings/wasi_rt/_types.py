"""Value, function, global, memory and table types, import and export
descriptions, and their conversion to and from the C type objects."""

import ctypes
import enum
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple, Union

from . import _ffi as ffi


class ValType(enum.IntEnum):
    """The type of a Wasm value. ``str()`` gives its text-format name."""

    I32 = ffi.I32
    I64 = ffi.I64
    F32 = ffi.F32
    F64 = ffi.F64
    #: Modules may use it; its values cannot cross the C API (calls with
    #: v128 parameters or results raise WasmError).
    V128 = ffi.V128
    EXTERNREF = ffi.EXTERNREF
    FUNCREF = ffi.FUNCREF
    #: Exception references (exception handling). Like v128, modules may
    #: use them but their values cannot cross the C API.
    EXNREF = ffi.EXNREF
    #: References of the GC proposal (``anyref``, ``eqref``, structs,
    #: arrays, i31s): ``AnyRef`` values, or None.
    ANYREF = ffi.ANYREF

    def __str__(self) -> str:
        return self.name.lower()

    @property
    def is_ref(self) -> bool:
        """Whether this is a reference type (funcref, externref, exnref or anyref)."""
        return self in (ValType.EXTERNREF, ValType.FUNCREF, ValType.EXNREF, ValType.ANYREF)


@dataclass(frozen=True)
class FuncType:
    """Parameter and result types of a function."""

    params: Tuple[ValType, ...] = ()
    results: Tuple[ValType, ...] = ()

    def __init__(self, params: Sequence[ValType] = (), results: Sequence[ValType] = ()):
        object.__setattr__(self, "params", tuple(ValType(p) for p in params))
        object.__setattr__(self, "results", tuple(ValType(r) for r in results))

    def __str__(self) -> str:
        parts = ["func"]
        if self.params:
            parts.append(f"(param {' '.join(map(str, self.params))})")
        if self.results:
            parts.append(f"(result {' '.join(map(str, self.results))})")
        return f"({' '.join(parts)})"


@dataclass(frozen=True)
class GlobalType:
    """The content type of a global and whether Wasm (and the host) may set it."""

    content: ValType
    mutable: bool = False

    def __str__(self) -> str:
        return f"(global (mut {self.content}))" if self.mutable else f"(global {self.content})"


@dataclass(frozen=True)
class MemoryType:
    """Limits of a memory in pages (``maximum`` is None when unbounded);
    ``memory64`` for i64 addresses, ``shared`` for a memory shared between
    threads (needs a maximum), ``page_size_log2`` 16 for 64 KiB pages or 0
    for 1-byte pages."""

    minimum: int
    maximum: Optional[int] = None
    memory64: bool = False
    shared: bool = False
    page_size_log2: int = 16

    @property
    def page_size(self) -> int:
        """Bytes in one page."""
        return 1 << self.page_size_log2

    def __str__(self) -> str:
        parts = ["memory"]
        if self.memory64:
            parts.append("i64")
        parts.append(str(self.minimum))
        if self.maximum is not None:
            parts.append(str(self.maximum))
        if self.shared:
            parts.append("shared")
        if self.page_size_log2 != 16:
            parts.append(f"(pagesize {self.page_size})")
        return "(" + " ".join(parts) + ")"


@dataclass(frozen=True)
class TableType:
    """The element type of a table and its limits in elements; ``table64``
    for i64 indices."""

    element: ValType
    minimum: int
    maximum: Optional[int] = None
    table64: bool = False

    def __str__(self) -> str:
        index = "i64 " if self.table64 else ""
        return f"(table {index}{self.minimum}{'' if self.maximum is None else f' {self.maximum}'} {self.element})"


@dataclass(frozen=True)
class TagType:
    """The type of a tag (exception handling): the types of the values an
    exception with the tag carries."""

    params: Tuple[ValType, ...] = ()

    def __init__(self, params: Sequence[ValType] = ()):
        object.__setattr__(self, "params", tuple(ValType(p) for p in params))

    def __str__(self) -> str:
        if not self.params:
            return "(tag)"
        return f"(tag (param {' '.join(map(str, self.params))}))"


ExternType = Union[FuncType, GlobalType, MemoryType, TableType, TagType]


@dataclass(frozen=True)
class ImportType:
    """One import of a module: where it comes from and the type it must have."""

    module: str
    name: str
    type: ExternType = field(repr=True)


@dataclass(frozen=True)
class ExportType:
    """One export of a module: its name and type."""

    name: str
    type: ExternType


def _kinds(vec_ptr) -> Tuple[ValType, ...]:
    return tuple(ValType(ffi.valtype_kind(t)) for t in vec_ptr.contents.items())


def functype_from_c(ptr: int) -> FuncType:
    """The FuncType of a borrowed ``wasm_functype_t*``."""
    return FuncType(_kinds(ffi.functype_params(ptr)), _kinds(ffi.functype_results(ptr)))


def globaltype_from_c(ptr: int) -> GlobalType:
    content = ValType(ffi.valtype_kind(ffi.globaltype_content(ptr)))
    return GlobalType(content, ffi.globaltype_mutability(ptr) == 1)


def memorytype_from_c(ptr: int) -> MemoryType:
    m = ctypes.c_uint64()
    maximum = m.value if ffi.memorytype_maximum(ptr, ctypes.byref(m)) else None
    return MemoryType(
        ffi.memorytype_minimum(ptr),
        maximum,
        memory64=bool(ffi.memorytype_is64(ptr)),
        shared=bool(ffi.memorytype_isshared(ptr)),
        page_size_log2=ffi.memorytype_page_size_log2(ptr),
    )


def tabletype_from_c(ptr: int) -> TableType:
    element = ValType(ffi.valtype_kind(ffi.tabletype_element(ptr)))
    m = ctypes.c_uint64()
    maximum = m.value if ffi.tabletype_maximum(ptr, ctypes.byref(m)) else None
    return TableType(element, ffi.tabletype_minimum(ptr), maximum, table64=bool(ffi.tabletype_is64(ptr)))


def externtype_from_c(ptr: int) -> ExternType:
    """The type described by a borrowed ``wasm_externtype_t*``."""
    kind = ffi.externtype_kind(ptr)
    if kind == ffi.EXTERN_FUNC:
        return functype_from_c(ffi.externtype_as_functype(ptr))
    if kind == ffi.EXTERN_GLOBAL:
        return globaltype_from_c(ffi.externtype_as_globaltype(ptr))
    if kind == ffi.EXTERN_MEMORY:
        return memorytype_from_c(ffi.externtype_as_memorytype(ptr))
    if kind == ffi.EXTERN_TAG:
        return TagType(_kinds(ffi.externtype_tag_params(ptr)))
    return tabletype_from_c(ffi.externtype_as_tabletype(ptr))


def _valtype_vec(kinds: Sequence[ValType]) -> ffi.PtrVec:
    v = ffi.PtrVec()
    if kinds:
        arr = (ctypes.c_void_p * len(kinds))(*[ffi.valtype_new(int(k)) for k in kinds])
        ffi.valtype_vec_new(ctypes.byref(v), len(kinds), arr)
    else:
        ffi.valtype_vec_new_empty(ctypes.byref(v))
    return v


def _c_limits(minimum: int, maximum: Optional[int]) -> Tuple[int, bool, int]:
    """(minimum, has a maximum, maximum) checked as u64s."""
    if not isinstance(minimum, int) or not (maximum is None or isinstance(maximum, int)):
        raise TypeError("limits must be ints (maximum: an int or None)")
    if not 0 <= minimum < 1 << 64 or (maximum is not None and not 0 <= maximum < 1 << 64):
        raise ValueError(f"invalid limits: minimum {minimum}, maximum {maximum}")
    return minimum, maximum is not None, 0 if maximum is None else maximum


def _made(err: int, out: ctypes.c_void_p) -> int:
    """The type a ``wasi_rt_*type_new`` wrote, or ValueError with its message."""
    if err:
        from ._errors import error_text

        raise ValueError(error_text(err))
    return out.value


def functype_to_c(ty: FuncType) -> int:
    """A new own ``wasm_functype_t*`` for ``ty``."""
    ps, rs = _valtype_vec(ty.params), _valtype_vec(ty.results)
    return ffi.functype_new(ctypes.byref(ps), ctypes.byref(rs))


def globaltype_to_c(ty: GlobalType) -> int:
    return ffi.globaltype_new(ffi.valtype_new(int(ty.content)), 1 if ty.mutable else 0)


def memorytype_to_c(ty: MemoryType) -> int:
    lo, has_max, hi = _c_limits(ty.minimum, ty.maximum)
    if not isinstance(ty.page_size_log2, int) or not 0 <= ty.page_size_log2 < 256:
        raise ValueError(f"invalid page_size_log2 {ty.page_size_log2!r}")
    out = ctypes.c_void_p()
    err = ffi.memorytype_new64(
        lo, has_max, hi, bool(ty.memory64), bool(ty.shared), ty.page_size_log2, ctypes.byref(out)
    )
    return _made(err, out)


def tabletype_to_c(ty: TableType) -> int:
    if not ValType(ty.element).is_ref:
        raise ValueError(f"a table holds references, not {ty.element}")
    lo, has_max, hi = _c_limits(ty.minimum, ty.maximum)
    out = ctypes.c_void_p()
    err = ffi.tabletype_new64(ffi.valtype_new(int(ty.element)), lo, has_max, hi, bool(ty.table64), ctypes.byref(out))
    return _made(err, out)


def imports_of(module_ptr: int) -> List[ImportType]:
    vec = ffi.PtrVec()
    ffi.module_imports(module_ptr, ctypes.byref(vec))
    out = [
        ImportType(
            ffi.importtype_module(t).contents.to_bytes().decode(),
            ffi.importtype_name(t).contents.to_bytes().decode(),
            externtype_from_c(ffi.importtype_type(t)),
        )
        for t in vec.items()
    ]
    ffi.importtype_vec_delete(ctypes.byref(vec))
    return out


def exports_of(module_ptr: int) -> List[ExportType]:
    vec = ffi.PtrVec()
    ffi.module_exports(module_ptr, ctypes.byref(vec))
    out = [
        ExportType(ffi.exporttype_name(t).contents.to_bytes().decode(), externtype_from_c(ffi.exporttype_type(t)))
        for t in vec.items()
    ]
    ffi.exporttype_vec_delete(ctypes.byref(vec))
    return out
