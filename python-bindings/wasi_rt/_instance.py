"""Instances, and the linker that resolves imports by name to create them."""

import ctypes
from collections.abc import Mapping
from typing import Dict, Iterator, Optional, Sequence, Union

from . import _ffi as ffi
from ._errors import WasmError, check, raise_trap
from ._externs import Func, Global, Memory, Table, Tag, _Extern, expect
from ._store import Module, Store, _Owned, c_string
from ._types import FuncType

Extern = Union[Func, Memory, Global, Table, Tag]

# For each extern kind: its class, the view of a wasm_extern_t* as it, and
# the copy that makes the wrapper's own handle.
_WRAPPERS = {
    ffi.EXTERN_FUNC: (Func, ffi.extern_as_func, ffi.func_copy),
    ffi.EXTERN_MEMORY: (Memory, ffi.extern_as_memory, ffi.memory_copy),
    ffi.EXTERN_GLOBAL: (Global, ffi.extern_as_global, ffi.global_copy),
    ffi.EXTERN_TABLE: (Table, ffi.extern_as_table, ffi.table_copy),
    ffi.EXTERN_TAG: (Tag, lambda ext: ext, ffi.extern_copy),
}


class Instance(_Owned, Mapping):
    """An instance of a module in a store. It is a read-only mapping from
    export names to ``Func``, ``Memory``, ``Global``, ``Table`` and ``Tag`` objects,
    which stay usable while the instance and its store are open (an
    export kept after the instance is dropped keeps working).

    ``Instance(store, module, imports)`` instantiates with ``imports`` given
    in the module's import order; ``Linker`` resolves them by name instead.
    A trap in the start function raises Trap; a missing or mismatched
    import raises WasmError."""

    _delete = staticmethod(ffi.instance_delete)

    def __init__(self, store: Store, module: Module, imports: Sequence[Extern] = (), _ptr: Optional[int] = None):
        self.store = expect(store, Store, "store")
        self.module = expect(module, Module, "module")
        ptr = _ptr
        if ptr is None:
            if isinstance(imports, (str, bytes)):
                raise TypeError("imports must be a sequence of Func, Memory, Global, Table or Tag")
            if len(imports) != len(module.imports):
                raise WasmError(f"the module has {len(module.imports)} imports, {len(imports)} were given")
            for item in imports:
                if not isinstance(item, _Extern):
                    raise TypeError(f"an import must be a Func, Memory, Global, Table or Tag, not {type(item).__name__}")
                if item.store is not store:
                    raise WasmError("an import belongs to another store")
            arr = (ctypes.c_void_p * max(len(imports), 1))(*[i._extern() for i in imports])
            vec = ffi.PtrVec(len(imports), arr)
            trap = ctypes.c_void_p()
            ptr = ffi.instance_new(store.ptr, module.ptr, ctypes.byref(vec), ctypes.byref(trap))
            if not ptr:
                if trap.value:
                    raise_trap(trap.value)
                raise WasmError("cannot instantiate the module")
        super().__init__(ptr)
        # Each export gets its own handle, so exports and instance do not
        # refer to each other (no cycle: both are freed by reference
        # counting, on the thread that drops them).
        vec = ffi.PtrVec()
        ffi.instance_exports(ptr, ctypes.byref(vec))
        self._exports: Dict[str, Extern] = {}
        for export, ext in zip(module.exports, vec.items()):
            cls, view, copy = _WRAPPERS[ffi.extern_kind(ext)]
            self._exports[export.name] = cls._wrap(store, copy(view(ext)))
        ffi.extern_vec_delete(ctypes.byref(vec))

    @property
    def exports(self) -> Dict[str, Extern]:
        """The exports by name (a copy of the mapping)."""
        return dict(self._exports)

    def __getitem__(self, name: str) -> Extern:
        return self._exports[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._exports)

    def __len__(self) -> int:
        return len(self._exports)

    # Mapping's equality compares contents; an instance is only equal to itself.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def close(self) -> None:
        """Closes the instance and its exports: using them afterwards raises WasmError."""
        for item in getattr(self, "_exports", {}).values():
            item.close()
        super().close()

    def __del__(self):
        # Dropped, not closed: exports the program still holds keep working.
        _Owned.close(self)


class Linker(_Owned):
    """Resolves imports by name: host functions, other instances' exports,
    WASI; then ``instantiate`` or ``run``."""

    _delete = staticmethod(ffi.linker_delete)

    def __init__(self, store: Store):
        self.store = expect(store, Store, "store")
        super().__init__(ffi.linker_new(store.ptr))

    def define(self, module: str, name: str, item: Extern) -> None:
        """Defines ``module::name`` as ``item``, an object of this store."""
        if not isinstance(item, _Extern):
            raise TypeError(f"cannot define a {type(item).__name__}: expected Func, Memory, Global, Table or Tag")
        if item.store is not self.store:
            raise WasmError("the item belongs to another store")
        module_name, item_name = c_string(module, "module"), c_string(name, "name")
        check(ffi.linker_define(self.ptr, module_name, item_name, item._extern()))

    def define_func(self, module: str, name: str, ty: FuncType, fn) -> Func:
        """Defines ``module::name`` as the Python callable ``fn`` of type
        ``ty`` and returns the new Func. An exception ``fn`` raises traps the
        Wasm code and is re-raised from the Python call that entered Wasm."""
        func = Func(self.store, ty, fn)
        self.define(module, name, func)
        return func

    def define_instance(self, module: str, instance: Instance) -> None:
        """Defines every export of ``instance`` under the module name ``module``."""
        expect(instance, Instance, "instance")
        if instance.store is not self.store:
            raise WasmError("the instance belongs to another store")
        check(ffi.linker_define_instance(self.ptr, c_string(module, "module"), instance.ptr))

    def define_wasi(self, config) -> None:
        """Serves WASI imports with ``config`` (a WasiConfig, taken over: it is closed)."""
        if not hasattr(config, "_take"):
            raise TypeError(f"config must be a WasiConfig, not {type(config).__name__}")
        ptr = self.ptr
        check(ffi.linker_define_wasi(ptr, config._take()))

    def run(self, module: Module) -> int:
        """Runs a WASI command (its ``_start``) and returns its exit code. A
        trap raises Trap; a missing import or ``_start`` raises WasmError."""
        expect(module, Module, "module")
        code = ctypes.c_int(0)
        trap = ctypes.c_void_p()
        check(ffi.linker_run(self.ptr, module.ptr, ctypes.byref(code), ctypes.byref(trap)))
        if trap.value:
            raise_trap(trap.value)
        return code.value

    def instantiate(self, module: Module) -> Instance:
        """A new instance of ``module`` with its imports resolved by name."""
        expect(module, Module, "module")
        inst = ctypes.c_void_p()
        trap = ctypes.c_void_p()
        check(ffi.linker_instantiate(self.ptr, module.ptr, ctypes.byref(inst), ctypes.byref(trap)))
        if trap.value:
            raise_trap(trap.value)
        return Instance(self.store, module, _ptr=inst.value)
