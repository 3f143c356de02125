"""Garbage-collected values (Wasm 3.0 GC): ``AnyRef`` handles to structs,
arrays and i31s, and the struct and array types the host registers."""

import ctypes
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence

from . import _ffi as ffi
from ._errors import WasmError, check
from ._store import Engine, Store
from ._types import ValType

#: ``packed`` of a field: an ``i8`` or ``i16`` (read and written as ints).
I8, I16 = 8, 16


@dataclass(frozen=True)
class FieldType:
    """A struct field or array element: a value type (``I32`` ... or
    ``ANYREF``, ``EXTERNREF``, ``FUNCREF``: nullable references), or a
    packed ``i8``/``i16`` (``packed=I8`` or ``I16``), and whether it may be
    written."""

    kind: ValType = ValType.I32
    mutable: bool = False
    packed: int = 0

    def _c(self) -> ffi.FieldType:
        if self.packed not in (0, I8, I16):
            raise ValueError(f"packed must be 0, I8 or I16, not {self.packed!r}")
        return ffi.FieldType(int(self.kind), self.packed, bool(self.mutable))

    def _kind(self) -> int:
        return ffi.I32 if self.packed else int(self.kind)


class StructType:
    """A struct type registered with an engine: ``StructType(engine,
    [FieldType(I32, mutable=True), ...])``. Its ``index`` equals that of
    the same type declared by any module of the engine."""

    def __init__(self, engine: Engine, fields: Sequence[FieldType]):
        self.fields: List[FieldType] = list(fields)
        arr = (ffi.FieldType * max(1, len(self.fields)))(*[f._c() for f in self.fields])
        out = ctypes.c_uint32()
        check(ffi.engine_register_struct(engine.ptr, arr, len(self.fields), ctypes.byref(out)))
        self.index = out.value


class ArrayType:
    """An array type registered with an engine: ``ArrayType(engine,
    FieldType(I32, mutable=True))``."""

    def __init__(self, engine: Engine, element: FieldType):
        self.element = element
        c = element._c()
        out = ctypes.c_uint32()
        check(ffi.engine_register_array(engine.ptr, ctypes.byref(c), ctypes.byref(out)))
        self.index = out.value


class AnyRef:
    """A struct, an array or an i31 (the ``anyref`` values of Wasm GC). The
    value stays alive while this object does; ``close()`` lets it go
    sooner."""

    def __init__(self, store: Store, ptr: int):
        """Takes over ``ptr`` (an own ``wasm_ref_t`` of kind ANYREF)."""
        self.store = store
        self._ptr: Optional[int] = ptr

    @classmethod
    def i31(cls, store: Store, value: int) -> "AnyRef":
        """An i31 holding the low 31 bits of ``value``."""
        if not isinstance(value, int) or not -(1 << 31) <= value < (1 << 32):
            raise TypeError(f"an i31 value must be a 32-bit int, not {value!r}")
        return cls(store, ffi.i31_new(store.ptr, ctypes.c_int32(value & 0xFFFFFFFF).value))

    @classmethod
    def new_struct(cls, store: Store, ty: StructType, fields: Sequence[Any]) -> "AnyRef":
        """A new struct of ``ty`` with ``fields`` (Python values) in order."""
        from ._externs import to_val

        if len(fields) != len(ty.fields):
            raise WasmError(f"a struct of {len(ty.fields)} fields cannot be made from {len(fields)} values")
        vals = (ffi.Val * max(1, len(fields)))(*[to_val(store, f._kind(), v) for f, v in zip(ty.fields, fields)])
        out = ctypes.c_void_p()
        check(ffi.struct_new(store.ptr, ty.index, vals, len(fields), ctypes.byref(out)))
        return cls(store, out.value)

    @classmethod
    def new_array(cls, store: Store, ty: ArrayType, init: Any, length: int) -> "AnyRef":
        """A new array of ``ty`` with ``length`` copies of ``init``."""
        from ._externs import to_val

        if not isinstance(length, int) or not 0 <= length < (1 << 32):
            raise ValueError(f"length must be a u32, not {length!r}")
        val = to_val(store, ty.element._kind(), init)
        out = ctypes.c_void_p()
        check(ffi.array_new(store.ptr, ty.index, ctypes.byref(val), length, ctypes.byref(out)))
        return cls(store, out.value)

    def _live(self) -> int:
        if self._ptr is None or self.store.closed:
            raise WasmError("the reference was closed, or its store was")
        return self._ptr

    def close(self) -> None:
        """Lets the collector free the value (when nothing else holds it)."""
        if self._ptr is not None and not self.store.closed:
            ffi.ref_delete(self._ptr)
        self._ptr = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def is_struct(self) -> bool:
        return ffi.ref_is_struct(self._live())

    @property
    def is_array(self) -> bool:
        return ffi.ref_is_array(self._live())

    def i31_value(self, signed: bool = True) -> Optional[int]:
        """The i31's value (sign- or zero-extended), or None if this is not an i31."""
        out = ctypes.c_int32()
        if not ffi.ref_i31_get(self._live(), bool(signed), ctypes.byref(out)):
            return None
        return out.value if signed else out.value & 0xFFFFFFFF

    @property
    def type_index(self) -> Optional[int]:
        """The type index of a struct or array (None for an i31)."""
        out = ctypes.c_uint32()
        return out.value if ffi.ref_gc_type(self._live(), ctypes.byref(out)) else None

    def _read(self, getter, index: int) -> Any:
        from ._externs import from_val

        v = ffi.Val()
        check(getter(self._live(), index, ctypes.byref(v)))
        return from_val(self.store, v, owned=True)

    def _write(self, getter, setter, index: int, value: Any) -> None:
        from ._externs import to_val

        # The slot's kind comes from its current value.
        v = ffi.Val()
        check(getter(self._live(), index, ctypes.byref(v)))
        kind = v.kind
        if kind >= ffi.EXTERNREF and v.of.ref:
            ffi.ref_delete(v.of.ref)
        new = to_val(self.store, kind, value)
        check(setter(self._live(), index, ctypes.byref(new)))

    def field(self, index: int) -> Any:
        """Field ``index`` of a struct (packed fields zero-extended)."""
        return self._read(ffi.struct_get, index)

    def set_field(self, index: int, value: Any) -> None:
        """Writes mutable field ``index`` of a struct."""
        self._write(ffi.struct_get, ffi.struct_set, index, value)

    def __len__(self) -> int:
        """The length of an array."""
        out = ctypes.c_uint32()
        check(ffi.array_len(self._live(), ctypes.byref(out)))
        return out.value

    def __getitem__(self, index: int) -> Any:
        """Element ``index`` of an array."""
        return self._read(ffi.array_get, index)

    def __setitem__(self, index: int, value: Any) -> None:
        """Writes element ``index`` of an array (its elements must be mutable)."""
        self._write(ffi.array_get, ffi.array_set, index, value)

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<AnyRef closed>"
        if self.is_struct:
            return f"<AnyRef struct of type {self.type_index}>"
        if self.is_array:
            return f"<AnyRef array of type {self.type_index}>"
        return f"<AnyRef i31 {self.i31_value()}>"


@dataclass(frozen=True)
class GcStats:
    """A store's GC counters."""

    collections: int
    allocated_objects: int
    live_objects: int
    live_bytes: int
    heap_bytes: int


def stats_of(store: Store) -> GcStats:
    s = ffi.GcStats()
    ffi.store_gc_stats(store.ptr, ctypes.byref(s))
    return GcStats(s.collections, s.allocated_objects, s.live_objects, s.live_bytes, s.heap_bytes)
