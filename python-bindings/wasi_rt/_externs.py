"""Functions, memories, globals and tables, and the conversion of Python
values to and from Wasm values.

Values: i32 and i64 take Python ints (wrapped to the width, as Wasm does);
f32 and f64 take ints or floats; funcref takes a ``Func`` or None; externref
takes any Python object (None is the null reference), which comes back out
of Wasm as the same object.
"""

import ctypes
import weakref
from typing import Any, Callable, Dict, List, Optional

from . import _ffi as ffi
from ._errors import WasmError, error_text, host_failures, raise_trap
from ._store import Store, _Owned
from ._types import (
    FuncType,
    GlobalType,
    MemoryType,
    TableType,
    TagType,
    ValType,
    externtype_from_c,
    functype_from_c,
    functype_to_c,
    globaltype_from_c,
    globaltype_to_c,
    memorytype_from_c,
    memorytype_to_c,
    tabletype_from_c,
    tabletype_to_c,
)


def check_int(value: Any, bits: int) -> int:
    """``value`` if it is an int that fits ``bits`` bits, signed or unsigned
    (ctypes then wraps it to the signed width, as Wasm reads it)."""
    if not isinstance(value, int):
        raise TypeError(f"an i{bits} value must be an int, not {type(value).__name__}")
    if not -(1 << (bits - 1)) <= value < (1 << bits):
        raise OverflowError(f"{value} does not fit in i{bits}")
    return value


def check_u64(value: Any, what: str) -> int:
    """``value`` if it is an int from 0 to 2**64 - 1."""
    if not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value < (1 << 64):
        raise ValueError(f"{what} must be from 0 to 2**64 - 1, not {value}")
    return value


def expect(value: Any, cls: type, what: str) -> Any:
    """``value`` if it is a ``cls``; TypeError otherwise."""
    if not isinstance(value, cls):
        raise TypeError(f"{what} must be a {cls.__name__}, not {type(value).__name__}")
    return value


def check_float(value: Any, name: str) -> Any:
    if not isinstance(value, (int, float)):
        raise TypeError(f"an {name} value must be a float, not {type(value).__name__}")
    return value


_V128_ERROR = "v128 values cannot pass through the C API"
_EXNREF_ERROR = "exnref values (exceptions) cannot pass through the C API"


def to_val(store: Store, kind: int, value: Any) -> ffi.Val:
    """A C value of ``kind`` for ``value``. References in it are borrowed:
    valid while ``value`` (and the store) live."""
    v = ffi.Val()
    v.kind = kind
    if kind == ffi.I32:
        v.of.i32 = check_int(value, 32)
    elif kind == ffi.I64:
        v.of.i64 = check_int(value, 64)
    elif kind == ffi.F32:
        v.of.f32 = check_float(value, "f32")
    elif kind == ffi.F64:
        v.of.f64 = check_float(value, "f64")
    elif kind == ffi.FUNCREF:
        if value is None:
            v.of.ref = None
        elif isinstance(value, Func):
            if value.store is not store:
                raise WasmError("the function belongs to another store")
            v.of.ref = ffi.func_as_ref(value._live())
        else:
            raise TypeError(f"a funcref value must be a Func or None, not {type(value).__name__}")
    elif kind == ffi.EXTERNREF:
        v.of.ref = None if value is None else store.extern_ref(value)
    elif kind == ffi.ANYREF:
        from ._gc import AnyRef

        if value is None:
            v.of.ref = None
        elif isinstance(value, AnyRef):
            if value.store is not store:
                raise WasmError("the reference belongs to another store")
            v.of.ref = value._live()
        else:
            raise TypeError(f"an anyref value must be an AnyRef or None, not {type(value).__name__}")
    elif kind == ffi.V128:
        raise WasmError(_V128_ERROR)
    elif kind == ffi.EXNREF:
        raise WasmError(_EXNREF_ERROR)
    else:
        raise WasmError(f"unknown value kind {kind}")
    return v


def from_val(store: Store, v: ffi.Val, owned: bool) -> Any:
    """The Python value of a C value. With ``owned``, a reference in ``v``
    is taken over (deleted, or kept by the returned Func); otherwise it is
    borrowed and copied where needed."""
    kind = v.kind
    if kind == ffi.I32:
        return v.of.i32
    if kind == ffi.I64:
        return v.of.i64
    if kind == ffi.F32:
        return v.of.f32
    if kind == ffi.F64:
        return v.of.f64
    if kind == ffi.V128:
        raise WasmError(_V128_ERROR)
    if kind == ffi.EXNREF:
        raise WasmError(_EXNREF_ERROR)
    ref = v.of.ref
    if not ref:
        return None
    if kind == ffi.FUNCREF:
        func = ffi.ref_as_func(ref)
        return Func._wrap(store, func if owned else ffi.func_copy(func))
    if kind == ffi.ANYREF:
        from ._gc import AnyRef

        return AnyRef(store, ref if owned else ffi.ref_copy(ref))
    obj = store.extern_obj(ref)
    if owned:
        ffi.ref_delete(ref)
    return obj


class _Extern(_Owned):
    """An extern of a store, owning its own C handle: deleted once on
    ``close()``, ``with`` exit or garbage collection (an instance's exports
    also when the instance is closed). It refers to nothing but its store,
    so it is never part of a reference cycle and is freed on the thread
    that drops it."""

    _as_extern: Optional[Callable[[int], int]] = None

    def _init(self, store: Store, ptr: int) -> None:
        self.store = store
        _Owned.__init__(self, ptr)

    def _live(self) -> int:
        """The C pointer, if this object and its store are open."""
        return self.ptr

    def _extern(self) -> int:
        """A borrowed ``wasm_extern_t*`` view of this object."""
        return type(self)._as_extern(self._live())


# Host functions: the C function's env is a key. The callable itself is
# kept by its Store (``Store._host_funcs``), so a callable that refers back
# to the store's objects forms a cycle Python's garbage collector can free;
# this table only maps keys to their store, weakly. The C finalizer drops
# the key when the store lets the function go.
_HOST_FUNCS: Dict[int, "weakref.ReferenceType[Store]"] = {}
_NEXT_KEY = [1]

# Traps made by host functions belong to this private store, so making one
# works even after the caller's store was closed.
_TRAP_STORE: List[int] = []


def _new_trap(text: str) -> int:
    if not _TRAP_STORE:
        engine = ffi.engine_new()
        _TRAP_STORE.extend([ffi.store_new(engine), engine])
    msg = ffi.byte_vec(text.encode("utf-8", "replace"))
    trap = ffi.trap_new(_TRAP_STORE[0], ctypes.byref(msg))
    ffi.byte_vec_delete(ctypes.byref(msg))
    return trap


def _call_host(key: int, args, results) -> None:
    store_ref = _HOST_FUNCS.get(key)
    store = store_ref() if store_ref is not None else None
    if store is None or store.closed:
        raise WasmError("the store of this host function was closed")
    fn, result_kinds = store._host_funcs[key]
    a = args.contents
    out = fn(*[from_val(store, a.data[i], owned=False) for i in range(a.size)])
    n = len(result_kinds)
    if n == 1:
        out = (out,)
    elif n == 0:
        if out is not None:
            raise TypeError(f"the host function returned {type(out).__name__} but has no results")
        out = ()
    elif not isinstance(out, (tuple, list)) or len(out) != n:
        raise TypeError(f"the host function must return a sequence of {n} values")
    data = results.contents.data
    for i, (k, value) in enumerate(zip(result_kinds, out)):
        v = to_val(store, k, value)
        if k == ffi.FUNCREF or k == ffi.EXTERNREF:
            v.of.ref = ffi.ref_copy(v.of.ref) if v.of.ref else None  # results are own
        data[i] = v


@ffi.CALLBACK
def _host_trampoline(env, args, results):
    # Nothing may escape a ctypes callback (C would read an undefined
    # result): every failure becomes a trap, and the exception is kept to
    # be re-raised where the Python call into Wasm returns.
    try:
        _call_host(env or 0, args, results)
        return None
    except BaseException as e:
        try:
            text = f"Python host function raised {type(e).__name__}: {e}"
        except BaseException:
            text = f"Python host function raised {type(e).__name__}"
        try:
            host_failures().append((text, e))
            return _new_trap(text)
        except BaseException:
            return _new_trap("Python host function failed")


@ffi.FINALIZER
def _host_finalizer(env):
    _HOST_FUNCS.pop(env or 0, None)


class Func(_Extern):
    """A function: a Wasm export, or a Python callable made callable from
    Wasm with ``Func(store, FuncType(...), callable)``.

    Calling it takes one Python value per parameter and returns None, the
    single result, or a tuple of results. A trap raises Trap; an exception
    raised by a host function on the way is re-raised as itself."""

    _delete = staticmethod(ffi.func_delete)
    _as_extern = staticmethod(ffi.func_as_extern)

    def __init__(self, store: Store, ty: FuncType, fn: Callable):
        """A host function of type ``ty`` calling ``fn``. An exception ``fn``
        raises traps the Wasm caller and is re-raised in Python. ``fn`` is
        kept until the store is closed."""
        expect(store, Store, "store")
        expect(ty, FuncType, "ty")
        if not callable(fn):
            raise TypeError(f"a host function must be callable, not {type(fn).__name__}")
        key = _NEXT_KEY[0]
        _NEXT_KEY[0] += 1
        cty = functype_to_c(ty)
        try:
            ptr = ffi.func_new_with_env(store.ptr, cty, _host_trampoline, key, _host_finalizer)
        finally:
            ffi.functype_delete(cty)
        if ptr:
            store._host_funcs[key] = (fn, tuple(int(r) for r in ty.results))
            _HOST_FUNCS[key] = weakref.ref(store)
        self._init(store, ptr)
        self._set_type(ty)

    @classmethod
    def _wrap(cls, store: Store, ptr: int) -> "Func":
        """A Func owning ``ptr``, an own ``wasm_func_t*``."""
        self = cls.__new__(cls)
        self._init(store, ptr)
        cty = ffi.func_type(ptr)
        self._set_type(functype_from_c(cty))
        ffi.functype_delete(cty)
        return self

    def _set_type(self, ty: FuncType) -> None:
        self.type = ty
        # Argument and result vectors live with the function: a call writes
        # each argument straight into its slot. (A store is used by one
        # thread at a time; a nested call of the same function from a host
        # function is fine, as arguments are read on entry and results are
        # read before the outer call writes its own.)
        n_in, n_out = len(ty.params), len(ty.results)
        self._n_in = n_in
        self._has_v128 = ValType.V128 in ty.params or ValType.V128 in ty.results
        ins = (ffi.Val * max(n_in, 1))()
        outs = (ffi.Val * max(n_out, 1))()
        self._buffers = (ins, outs)
        self._vin = ctypes.byref(ffi.ValVec(n_in, ins))
        self._vout_vec = ffi.ValVec(n_out, outs)
        self._vout = ctypes.byref(self._vout_vec)
        self._setters = [self._setter(ins, i, int(k)) for i, k in enumerate(ty.params)]
        self._getters = [self._getter(outs, i, int(k)) for i, k in enumerate(ty.results)]

    _SCALARS = {ffi.I32: ctypes.c_int32, ffi.I64: ctypes.c_int64, ffi.F32: ctypes.c_float, ffi.F64: ctypes.c_double}

    def _slot(self, array, i: int, kind: int):
        array[i].kind = kind
        scalar = self._SCALARS.get(kind, ctypes.c_void_p)
        return scalar.from_buffer(array, i * ctypes.sizeof(ffi.Val) + ffi.Val.of.offset)

    def _setter(self, array, i: int, kind: int):
        slot = self._slot(array, i, kind)
        if kind == ffi.I32 or kind == ffi.I64:
            bits = 32 if kind == ffi.I32 else 64
            low, high = -(1 << (bits - 1)), 1 << bits

            def set_int(value):
                if value.__class__ is not int and not isinstance(value, int):
                    raise TypeError(f"an i{bits} value must be an int, not {type(value).__name__}")
                if not low <= value < high:
                    raise OverflowError(f"{value} does not fit in i{bits}")
                slot.value = value

            return set_int
        if kind == ffi.F32 or kind == ffi.F64:
            name = str(ValType(kind))

            def set_float(value):
                slot.value = check_float(value, name)

            return set_float
        store = self.store

        def set_ref(value):
            slot.value = to_val(store, kind, value).of.ref

        return set_ref

    def _getter(self, array, i: int, kind: int):
        slot = self._slot(array, i, kind)
        if kind in self._SCALARS:
            return lambda: slot.value
        store, val = self.store, array[i]
        return lambda: from_val(store, val, owned=True)

    def __call__(self, *args):
        if self._has_v128:
            raise WasmError(_V128_ERROR)
        if len(args) != self._n_in:
            raise WasmError(f"expected {self._n_in} arguments, got {len(args)}")
        for set_arg, value in zip(self._setters, args):
            set_arg(value)
        raw = self._ptr
        if raw is None or self.store._ptr is None:
            raw = self._live()  # raises the right WasmError
        trap = ffi.func_call(raw, self._vin, self._vout)
        if trap:
            raise_trap(trap)
        getters = self._getters
        if len(getters) == 1:
            return getters[0]()
        if not getters:
            return None
        return tuple(get() for get in getters)

    def __repr__(self) -> str:
        return f"<Func {self.type}>"


class Memory(_Extern):
    """A linear memory: an export, or ``Memory(store, MemoryType(...))``."""

    _delete = staticmethod(ffi.memory_delete)
    _as_extern = staticmethod(ffi.memory_as_extern)

    def __init__(self, store: Store, ty: MemoryType):
        expect(store, Store, "store")
        cty = memorytype_to_c(expect(ty, MemoryType, "ty"))
        try:
            ptr = ffi.memory_new(store.ptr, cty)
        finally:
            ffi.memorytype_delete(cty)
        self._init(store, ptr)

    @classmethod
    def _wrap(cls, store: Store, ptr: int) -> "Memory":
        self = cls.__new__(cls)
        self._init(store, ptr)
        return self

    @property
    def type(self) -> MemoryType:
        """The memory's type, with its current size as the minimum."""
        cty = ffi.memory_type(self._live())
        ty = memorytype_from_c(cty)
        ffi.memorytype_delete(cty)
        return ty

    @property
    def shared(self) -> Optional["SharedMemory"]:
        """For a shared memory, a SharedMemory handle other threads' stores
        can import; None otherwise."""
        ptr = ffi.memory_sharedmemory(self._live())
        return SharedMemory._wrap(ptr) if ptr else None

    @property
    def size(self) -> int:
        """Size in pages (64 KiB, or 1 byte for a ``page_size_log2=0`` memory)."""
        return ffi.memory_size64(self._live())

    @property
    def data_size(self) -> int:
        """Size in bytes."""
        return ffi.memory_data_size(self._live())

    def grow(self, pages: int) -> int:
        """Grows by ``pages``; returns the old size. Raises WasmError beyond the maximum."""
        check_u64(pages, "pages")
        old = ctypes.c_uint64()
        if not ffi.memory_grow64(self._live(), pages, ctypes.byref(old)):
            raise WasmError(f"cannot grow memory by {pages} pages")
        return old.value

    def _check(self, offset: int, length: int) -> int:
        if not isinstance(offset, int) or not isinstance(length, int):
            raise TypeError("offset and length must be ints")
        size = self.data_size
        if offset < 0 or length < 0 or offset + length > size:
            raise WasmError(f"memory access {offset}+{length} is out of bounds ({size} bytes)")
        return ffi.memory_data(self._live())

    def read(self, offset: int, length: int) -> bytes:
        """A copy of ``length`` bytes at ``offset``; WasmError when out of bounds."""
        return ctypes.string_at(self._check(offset, length) + offset, length)

    def write(self, offset: int, data: bytes) -> None:
        """Copies ``data`` to ``offset``; WasmError (nothing written) when out of bounds."""
        data = bytes(data)
        ctypes.memmove(self._check(offset, len(data)) + offset, data, len(data))

    def view(self) -> memoryview:
        """The memory's bytes without copying, as they are now: the view
        keeps the memory alive (even past its instance and store) and does
        not see pages added by a later ``grow``."""
        raw = self._live()
        size = ffi.memory_data_size(raw)
        array = (ctypes.c_char * size).from_address(ffi.memory_data(raw))
        array._keep = _Keep(ffi.memory_copy(raw), ffi.memory_delete)
        return memoryview(array).cast("B")


class SharedMemory(_Owned):
    """A memory shared between threads: ``SharedMemory(engine,
    MemoryType(1, 16, shared=True))``. Give each thread its own Store and
    import ``shared.memory(store)`` there; every store sees the same bytes
    and growth by any of them. Calls into Wasm release the GIL, so
    instances on several Python threads run at once."""

    _delete = staticmethod(ffi.sharedmemory_delete)

    def __init__(self, engine: Any, ty: MemoryType):
        from ._store import Engine

        expect(engine, Engine, "engine")
        cty = memorytype_to_c(expect(ty, MemoryType, "ty"))
        out = ctypes.c_void_p()
        try:
            err = ffi.sharedmemory_new(engine.ptr, cty, ctypes.byref(out))
        finally:
            ffi.memorytype_delete(cty)
        if err:
            raise WasmError(error_text(err))
        _Owned.__init__(self, out.value)

    @classmethod
    def _wrap(cls, ptr: int) -> "SharedMemory":
        self = cls.__new__(cls)
        _Owned.__init__(self, ptr)
        return self

    @property
    def size(self) -> int:
        """Size in pages."""
        return ffi.sharedmemory_size(self.ptr)

    @property
    def data_size(self) -> int:
        """Size in bytes."""
        return ffi.sharedmemory_data_size(self.ptr)

    def grow(self, pages: int) -> int:
        """Grows by ``pages``; returns the old size. Raises WasmError beyond the maximum."""
        check_u64(pages, "pages")
        old = ctypes.c_uint64()
        if not ffi.sharedmemory_grow(self.ptr, pages, ctypes.byref(old)):
            raise WasmError(f"cannot grow the shared memory by {pages} pages")
        return old.value

    def read(self, offset: int, length: int) -> bytes:
        """A copy of ``length`` bytes at ``offset`` (other threads may be
        writing them); WasmError when out of bounds."""
        if not isinstance(offset, int) or not isinstance(length, int):
            raise TypeError("offset and length must be ints")
        size = self.data_size
        if offset < 0 or length < 0 or offset + length > size:
            raise WasmError(f"memory access {offset}+{length} is out of bounds ({size} bytes)")
        return ctypes.string_at(ffi.sharedmemory_data(self.ptr) + offset, length)

    def memory(self, store: Store) -> "Memory":
        """This memory as a Memory of ``store``, to import there."""
        expect(store, Store, "store")
        ptr = ffi.sharedmemory_to_memory(store.ptr, self.ptr)
        if not ptr:
            raise WasmError("the shared memory does not fit in the store's memory limit")
        return Memory._wrap(store, ptr)


class _Keep:
    """Owns a C handle for as long as something refers to it."""

    def __init__(self, ptr: int, delete: Callable[[int], None]):
        self._ptr, self._delete = ptr, delete

    def __del__(self):
        ptr, self._ptr = self._ptr, None
        if ptr:
            self._delete(ptr)


class Global(_Extern):
    """A global: an export, or ``Global(store, GlobalType(...), value)``."""

    _delete = staticmethod(ffi.global_delete)
    _as_extern = staticmethod(ffi.global_as_extern)

    def __init__(self, store: Store, ty: GlobalType, value: Any):
        expect(store, Store, "store")
        v = to_val(store, int(expect(ty, GlobalType, "ty").content), value)
        cty = globaltype_to_c(ty)
        try:
            ptr = ffi.global_new(store.ptr, cty, ctypes.byref(v))
        finally:
            ffi.globaltype_delete(cty)
        self._init(store, ptr)
        self.type = ty

    @classmethod
    def _wrap(cls, store: Store, ptr: int) -> "Global":
        self = cls.__new__(cls)
        self._init(store, ptr)
        cty = ffi.global_type(ptr)
        self.type = globaltype_from_c(cty)
        ffi.globaltype_delete(cty)
        return self

    @property
    def value(self) -> Any:
        """The current value; setting it raises WasmError for an immutable
        global and TypeError for a value of the wrong type."""
        v = ffi.Val()
        ffi.global_get(self._live(), ctypes.byref(v))
        return from_val(self.store, v, owned=True)

    @value.setter
    def value(self, value: Any) -> None:
        if not self.type.mutable:
            raise WasmError("the global is immutable")
        v = to_val(self.store, int(self.type.content), value)
        ffi.global_set(self._live(), ctypes.byref(v))

    def __repr__(self) -> str:
        return f"<Global {self.type}>"


class Table(_Extern):
    """A table of references: an export, or ``Table(store, TableType(...), init)``.
    Elements are read and written with ``table[i]``; an index out of bounds
    raises IndexError."""

    _delete = staticmethod(ffi.table_delete)
    _as_extern = staticmethod(ffi.table_as_extern)

    def __init__(self, store: Store, ty: TableType, init: Any = None):
        expect(store, Store, "store")
        expect(ty, TableType, "ty")
        if not ValType(ty.element).is_ref:
            raise ValueError(f"a table holds references, not {ty.element}")
        v = to_val(store, int(ty.element), init)
        cty = tabletype_to_c(ty)
        try:
            ptr = ffi.table_new(store.ptr, cty, v.of.ref)
        finally:
            ffi.tabletype_delete(cty)
        self._init(store, ptr)
        self._element = int(ty.element)

    @classmethod
    def _wrap(cls, store: Store, ptr: int) -> "Table":
        self = cls.__new__(cls)
        self._init(store, ptr)
        self._element = int(self.type.element)
        return self

    @property
    def type(self) -> TableType:
        """The table's type, with its current size as the minimum."""
        cty = ffi.table_type(self._live())
        ty = tabletype_from_c(cty)
        ffi.tabletype_delete(cty)
        return ty

    @property
    def size(self) -> int:
        """Number of elements."""
        return ffi.table_size64(self._live())

    def __len__(self) -> int:
        return self.size

    def _index(self, index: int) -> int:
        if not isinstance(index, int):
            raise TypeError(f"table indices must be ints, not {type(index).__name__}")
        size = self.size
        i = index + size if -size <= index < 0 else index
        if not 0 <= i < size:
            raise IndexError(f"table index {index} out of range ({size} elements)")
        return i

    def __getitem__(self, index: int) -> Any:
        """Element ``index``: a Func or None (funcref), a Python object or None (externref)."""
        ref = ffi.table_get(self._live(), self._index(index))
        v = ffi.Val()
        v.kind = self._element
        v.of.ref = ref
        return from_val(self.store, v, owned=True)

    def __setitem__(self, index: int, value: Any) -> None:
        v = to_val(self.store, self._element, value)
        if not ffi.table_set(self._live(), self._index(index), v.of.ref):
            raise WasmError(f"cannot set table element {index}")

    def grow(self, delta: int, init: Any = None) -> int:
        """Grows by ``delta`` elements set to ``init``; returns the old size.
        Raises WasmError beyond the maximum."""
        check_u64(delta, "delta")
        old = ctypes.c_uint64()
        v = to_val(self.store, self._element, init)
        if not ffi.table_grow64(self._live(), delta, v.of.ref, ctypes.byref(old)):
            raise WasmError(f"cannot grow table by {delta} elements")
        return old.value

    def __repr__(self) -> str:
        return f"<Table {self.type}>"


class Tag(_Extern):
    """A tag (exception handling): an export, or ``Tag(store, TagType(...))``
    for a module that imports one. Exceptions themselves stay inside Wasm;
    one that no handler catches raises Trap with code
    ``TRAP_UNCAUGHT_EXCEPTION``."""

    _delete = staticmethod(ffi.extern_delete)
    _as_extern = staticmethod(lambda ptr: ptr)

    def __init__(self, store: Store, ty: TagType):
        expect(store, Store, "store")
        cty = functype_to_c(FuncType(expect(ty, TagType, "ty").params))
        try:
            ptr = ffi.tag_new(store.ptr, cty)
        finally:
            ffi.functype_delete(cty)
        if not ptr:
            raise WasmError("cannot create the tag")
        self._init(store, ptr)
        self.type = ty

    @classmethod
    def _wrap(cls, store: Store, ptr: int) -> "Tag":
        """A Tag owning ``ptr``, an own ``wasm_extern_t*`` of a tag."""
        self = cls.__new__(cls)
        self._init(store, ptr)
        cty = ffi.extern_type(ptr)
        self.type = externtype_from_c(cty)
        ffi.externtype_delete(cty)
        return self

    def __repr__(self) -> str:
        return f"<Tag {self.type}>"
