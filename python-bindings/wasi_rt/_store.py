"""Engines, stores and compiled modules: the objects everything else lives in."""

import ctypes
import os
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _ffi as ffi
from ._errors import WasmError, error_text
from ._types import ExportType, ImportType, exports_of, imports_of


class _Owned:
    """Owns one C handle and deletes it exactly once: on ``close()``, when a
    ``with`` block ends, or when garbage-collected."""

    _delete = None

    def __init__(self, ptr: int):
        if not ptr:
            raise WasmError(f"cannot create {type(self).__name__}")
        self._ptr = ptr

    @property
    def ptr(self) -> int:
        """The C handle; WasmError once this object or its store is closed."""
        if self._ptr is None:
            raise WasmError(f"the {type(self).__name__} was closed")
        store = getattr(self, "store", None)
        if store is not None and store._ptr is None:
            raise WasmError(f"the store of this {type(self).__name__} was closed")
        return self._ptr

    @property
    def closed(self) -> bool:
        """Whether ``close()`` has run (or the object was taken over)."""
        return getattr(self, "_ptr", None) is None

    def close(self) -> None:
        """Frees the C handle; closing again does nothing."""
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            type(self)._delete(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


class Engine(_Owned):
    """A compilation environment; share one between stores and modules.

    With ``epoch_interruption=True``, compiled code checks the engine's
    epoch at every function entry and loop iteration, so a store's epoch
    deadline (``Store.set_epoch_deadline``) stops Wasm code that runs too
    long: it raises Trap with code ``TRAP_INTERRUPT``. ``increment_epoch``
    advances the epoch from any thread, e.g. a ``threading.Timer``.

    ``max_wasm_stack`` (bytes, default 512 KiB) bounds the stack Wasm code
    may use below the call that entered it; deeper recursion raises Trap
    with code ``TRAP_STACK_OVERFLOW``. Wasm runs on the calling thread's
    stack and never uses its last 64 KiB, so on a small thread (see
    ``threading.stack_size``) the budget is what the thread has left:
    give threads that call Wasm at least 128 KiB of free stack.

    ``features`` switches Wasm features on or off by name (every feature
    wasi-rt supports is on by default), e.g. ``{"tail_call": False}``:
    "simd", "multi_memory", "extended_const", "tail_call", "relaxed_simd",
    "function_references", "exceptions", "legacy_exceptions", "memory64",
    "custom_page_sizes", "threads", "wide_arithmetic", "gc".

    ``gc_heap_limit`` (bytes, default 1 GiB) caps each store's GC heap;
    an allocation that finds it full after a collection raises Trap with
    code ``TRAP_OUT_OF_GC_MEMORY``.

    ``profiler="perfmap"`` appends every module's functions to
    ``/tmp/perf-PID.map``, so ``perf report`` names them;
    ``profiler="jitdump"`` writes them with their machine code to
    ``/tmp/jit-PID.dump``, for ``perf inject --jit`` and ``perf annotate``.

    ``lazy_compilation=True`` compiles each function on its first call:
    creating a module only validates it, so a big program starts at once;
    ``background_compilation`` (default True) lets low-priority threads
    compile the functions nobody has called yet. The default is off, or
    what the environment variable ``WASI_RT_LAZY_COMPILATION`` says.

    ``cache=True`` (the user's cache directory) or ``cache="DIR"`` loads
    compiled code from the on-disk code cache instead of compiling and
    saves what is compiled there (at most ``cache_max_size`` bytes, the
    least recently used entries going first; default 1 GiB)."""

    _delete = staticmethod(ffi.engine_delete)

    def __init__(
        self,
        epoch_interruption: bool = False,
        max_wasm_stack: Optional[int] = None,
        features: Optional[Dict[str, bool]] = None,
        gc_heap_limit: Optional[int] = None,
        profiler: Optional[str] = None,
        lazy_compilation: Optional[bool] = None,
        background_compilation: bool = True,
        cache: Union[bool, str, "os.PathLike[str]", None] = None,
        cache_max_size: int = 0,
    ):
        self.epoch_interruption = bool(epoch_interruption)
        if max_wasm_stack is not None and (
            not isinstance(max_wasm_stack, int) or isinstance(max_wasm_stack, bool) or not 0 <= max_wasm_stack < (1 << 63)
        ):
            raise ValueError(f"max_wasm_stack must be a number of bytes, not {max_wasm_stack!r}")
        config = ffi.config_new()
        ffi.config_epoch_interruption(config, self.epoch_interruption)
        if max_wasm_stack is not None:
            ffi.config_max_wasm_stack(config, max_wasm_stack)
        if gc_heap_limit is not None:
            if not isinstance(gc_heap_limit, int) or isinstance(gc_heap_limit, bool) or not 0 <= gc_heap_limit < (1 << 64):
                ffi.config_delete(config)
                raise ValueError(f"gc_heap_limit must be a number of bytes, not {gc_heap_limit!r}")
            ffi.config_gc_heap_limit(config, gc_heap_limit)
        if lazy_compilation is not None:
            ffi.config_lazy_compilation(config, bool(lazy_compilation), bool(background_compilation))
        if cache is not None and cache is not False:
            if not isinstance(cache_max_size, int) or isinstance(cache_max_size, bool) or not 0 <= cache_max_size < (1 << 64):
                ffi.config_delete(config)
                raise ValueError(f"cache_max_size must be a number of bytes, not {cache_max_size!r}")
            directory = None if cache is True else c_string(os.fspath(cache), "cache directory")
            if not ffi.config_cache(config, directory, cache_max_size):
                ffi.config_delete(config)
                raise ValueError(f"bad cache directory {cache!r}")
        if profiler is not None and not ffi.config_profiler(config, c_string(profiler, "profiler")):
            ffi.config_delete(config)
            raise ValueError(f"unknown profiler {profiler!r} (perfmap, jitdump or none)")
        for name, on in (features or {}).items():
            if not ffi.config_wasm_feature(config, c_string(name, "feature name"), bool(on)):
                ffi.config_delete(config)
                raise ValueError(f"unknown Wasm feature {name!r}")
        super().__init__(ffi.engine_new_with_config(config))  # takes the config

    def increment_epoch(self) -> None:
        """Advances the epoch by one. Safe from any thread while Wasm runs."""
        ffi.engine_increment_epoch(self.ptr)


class Store(_Owned):
    """Owns instances and everything created in them. Once it is closed,
    using anything created in it raises WasmError."""

    _delete = staticmethod(ffi.store_delete)

    def __init__(self, engine: Engine):
        if not isinstance(engine, Engine):
            raise TypeError(f"engine must be an Engine, not {type(engine).__name__}")
        self.engine = engine
        super().__init__(ffi.store_new(engine.ptr))
        # Python objects passed to Wasm as externrefs: each gets one
        # wasm_foreign_t whose host info is its key here. They are kept
        # until the store is closed.
        self._externs: Dict[int, Any] = {}
        self._foreign_of: Dict[int, Tuple[int, int]] = {}
        # The callables of host functions made in this store, by key.
        self._host_funcs: Dict[int, Tuple[Callable, Tuple[int, ...]]] = {}

    def set_epoch_deadline(self, ticks: int) -> None:
        """Wasm code in this store traps once the engine's epoch is ``ticks``
        beyond its current value (engines made with
        ``epoch_interruption=True``). The default is never; a deadline that
        has passed stops every later call until it is set again."""
        if not isinstance(ticks, int) or not 0 <= ticks < (1 << 64):
            raise ValueError(f"ticks must be an int from 0 to 2**64 - 1, not {ticks!r}")
        ffi.store_set_epoch_deadline(self.ptr, ticks)

    def limit_memory(self, max_bytes: Optional[int]) -> None:
        """Caps the linear memory all memories of this store hold together
        (None: no cap). A ``memory.grow`` past it returns -1 in Wasm,
        ``Memory.grow`` raises WasmError, and instantiating a module whose
        memories do not fit raises WasmError. Memory already held is kept."""
        if max_bytes is None:
            ffi.store_limit_memory(self.ptr, (1 << 64) - 1)
            return
        if not isinstance(max_bytes, int) or not 0 <= max_bytes < (1 << 64) - 1:
            raise ValueError(f"max_bytes must be None or an int from 0 to 2**64 - 2, not {max_bytes!r}")
        ffi.store_limit_memory(self.ptr, max_bytes)

    def gc(self) -> None:
        """Collects garbage now: frees every struct and array that no
        global, table, running Wasm frame or live AnyRef holds."""
        ffi.store_gc(self.ptr)

    @property
    def gc_stats(self) -> Any:
        """The GC counters (a ``GcStats``)."""
        from ._gc import stats_of

        return stats_of(self)

    def set_gc_heap_limit(self, max_bytes: int) -> None:
        """Caps this store's GC heap (only before its first allocation)."""
        from ._errors import check

        check(ffi.store_set_gc_heap_limit(self.ptr, max_bytes))

    def extern_ref(self, obj: Any) -> int:
        """A borrowed ``wasm_ref_t*`` standing for ``obj`` in this store;
        the same one each time for the same object."""
        known = self._foreign_of.get(id(obj))
        if known is None:
            foreign = ffi.foreign_new(self.ptr)
            if not foreign:
                raise WasmError("cannot create an externref")
            key = len(self._externs) + 1
            ffi.foreign_set_host_info(foreign, key)
            self._externs[key] = obj
            known = self._foreign_of[id(obj)] = (key, foreign)
        return ffi.foreign_as_ref(known[1])

    def extern_obj(self, ref: int) -> Any:
        """The Python object a borrowed externref ``wasm_ref_t*`` stands for."""
        return self._externs.get(ffi.ref_get_host_info(ref) or 0)

    def close(self) -> None:
        """Deletes the store: everything made in it refuses further use,
        and the Python objects it kept for Wasm (externrefs, host-function
        callables) are let go."""
        for _, foreign in getattr(self, "_foreign_of", {}).values():
            ffi.foreign_delete(foreign)
        self._foreign_of = {}
        self._externs = {}
        self._host_funcs = {}
        super().close()


def _source(source: Union[bytes, str]) -> bytes:
    if isinstance(source, str):
        return source.encode()
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    raise TypeError(f"a module is bytes (binary) or str (text), not {type(source).__name__}")


def c_string(value: Any, what: str) -> bytes:
    """``value`` (a str, or a path for paths) as a C string; TypeError for
    other types, ValueError when it holds a NUL character."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} must not contain NUL characters: {value!r}")
    return value.encode()


class Module(_Owned):
    """A compiled module, from its binary or text (``.wat``) form. Modules
    belong to an engine, not a store: instantiate one in many stores."""

    _delete = staticmethod(ffi.module_delete)

    def __init__(self, engine: Engine, source: Union[bytes, str], _serialized: bool = False, _ptr: int = 0):
        self.engine = engine
        ptr = _ptr
        if not ptr and _serialized:
            data = ffi.byte_vec(_source(source))
            # The C API deserializes "in" a store, but a module belongs to
            # the engine only: the store is not needed afterwards.
            with Store(engine) as store:
                ptr = ffi.module_deserialize(store.ptr, ctypes.byref(data))
            ffi.byte_vec_delete(ctypes.byref(data))
            if not ptr:
                raise WasmError("the serialized module is malformed or invalid")
        elif not ptr:
            data = ffi.byte_vec(_source(source))
            out = ctypes.c_void_p()
            err = ffi.module_new_checked(engine.ptr, ctypes.byref(data), ctypes.byref(out))
            ffi.byte_vec_delete(ctypes.byref(data))
            if err:
                raise WasmError(error_text(err))
            ptr = out.value
        super().__init__(ptr)
        self._imports = imports_of(ptr)
        self._exports = exports_of(ptr)

    @property
    def compiled_functions(self) -> Tuple[int, int]:
        """(functions with machine code, functions defined): equal unless
        the engine compiles lazily."""
        compiled, total = ctypes.c_size_t(), ctypes.c_size_t()
        ffi.module_compiled_functions(self.ptr, ctypes.byref(compiled), ctypes.byref(total))
        return compiled.value, total.value

    def update_cache(self) -> bool:
        """Saves the machine code compiled so far to the engine's code cache
        if it grew since it was loaded or saved; returns whether it wrote."""
        wrote = ctypes.c_bool()
        err = ffi.module_update_cache(self.ptr, ctypes.byref(wrote))
        if err:
            raise WasmError(error_text(err))
        return wrote.value

    @property
    def loaded_from_cache(self) -> bool:
        """Whether the machine code came from the engine's code cache."""
        return bool(ffi.module_loaded_from_cache(self.ptr))

    def compile_all(self) -> None:
        """Compiles every function that has no machine code yet (with lazy
        compilation); raises WasmError if one cannot be compiled."""
        err = ffi.module_compile_all(self.ptr)
        if err:
            raise WasmError(error_text(err))

    def serialize(self) -> bytes:
        """Bytes that ``Module.deserialize`` turns back into this module."""
        out = ffi.ByteVec()
        ffi.module_serialize(self.ptr, ctypes.byref(out))
        return ffi.take_bytes(out)

    @classmethod
    def deserialize(cls, engine: Engine, data: bytes) -> "Module":
        """A module from ``serialize()`` output; other bytes raise WasmError."""
        return cls(engine, data, _serialized=True)

    @staticmethod
    def precompile(engine: Engine, source: Union[bytes, str]) -> bytes:
        """Compiles ``source`` and returns its machine code, which
        ``Module.from_precompiled`` loads without compiling (same wasi-rt
        version, CPU and engine settings). Raises WasmError for a bad module."""
        data = ffi.byte_vec(_source(source))
        out = ffi.ByteVec()
        err = ffi.module_precompile(engine.ptr, ctypes.byref(data), ctypes.byref(out))
        ffi.byte_vec_delete(ctypes.byref(data))
        if err:
            raise WasmError(error_text(err))
        return ffi.take_bytes(out)

    @classmethod
    def from_precompiled(cls, engine: Engine, data: bytes, *, trusted: bool) -> "Module":
        """Loads ``Module.precompile`` output without compiling. Its machine
        code runs as it is, so pass ``trusted=True`` only for bytes from a
        source nobody else can write; anything else raises ValueError.
        Bytes that are not precompiled, are cut short, or were made with
        other settings raise WasmError."""
        if trusted is not True:
            raise ValueError("from_precompiled runs the machine code it is given: pass trusted=True for trusted bytes")
        raw = ffi.byte_vec(_source(data))
        ptr = ctypes.c_void_p()
        with Store(engine) as store:
            err = ffi.module_from_precompiled(store.ptr, ctypes.byref(raw), ctypes.byref(ptr))
        ffi.byte_vec_delete(ctypes.byref(raw))
        if err:
            raise WasmError(error_text(err))
        return cls(engine, b"", _ptr=ptr.value)

    @classmethod
    def from_file(cls, engine: Engine, path: Union[str, Path]) -> "Module":
        """The module in a ``.wasm`` or ``.wat`` file; a missing file raises OSError."""
        return cls(engine, Path(path).read_bytes())

    @staticmethod
    def validate(engine: Engine, source: Union[bytes, str]) -> bool:
        """Whether ``source`` is a valid module this engine can compile."""
        source = _source(source)
        with Store(engine) as store:
            data = ffi.byte_vec(source)
            ok = ffi.module_validate(store.ptr, ctypes.byref(data))
            ffi.byte_vec_delete(ctypes.byref(data))
            return bool(ok)

    @property
    def imports(self) -> List[ImportType]:
        """Each import's module, name and type, in order."""
        return list(self._imports)

    @property
    def exports(self) -> List[ExportType]:
        """Each export's name and type, in order."""
        return list(self._exports)
