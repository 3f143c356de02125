"""wasi-rt for Python: compile and run WebAssembly and WASI programs.

Objects own C handles and free them exactly once: on ``close()``, when
leaving a ``with`` block, or when garbage-collected. Errors are exceptions:
``WasmError`` (compiling, linking, bad arguments), ``Trap`` (a Wasm or host
trap, with its code, message and Wasm frames) and ``WasiExit`` (a WASI
program's exit code, raised by calls that end in ``proc_exit``).
"""

import ctypes
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from . import _ffi as ffi

__all__ = [
    "Engine",
    "Store",
    "Module",
    "Instance",
    "Func",
    "Memory",
    "Global",
    "WasmError",
    "Trap",
    "Frame",
    "WasiExit",
    "run_wasi",
    "Linker",
    "Table",
    "WasiConfig",
    "Output",
    "I32",
    "I64",
    "F32",
    "F64",
]

I32, I64, F32, F64 = ffi.I32, ffi.I64, ffi.F32, ffi.F64


class WasmError(Exception):
    """A module could not be compiled or linked, or a call was malformed."""


class Frame:
    """One Wasm frame of a trap's backtrace."""

    def __init__(self, func_index: int, func_name: Optional[str]):
        self.func_index = func_index
        self.func_name = func_name

    def __repr__(self) -> str:
        return f"Frame({self.func_index}, {self.func_name!r})"


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
    """A WASI program called ``proc_exit``."""

    def __init__(self, code: int):
        super().__init__(f"exited with status {code}")
        self.code = code


def _consume_trap(ptr: int) -> Exception:
    """Turns an own ``wasm_trap_t*`` into an exception and deletes it."""
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
    if message.startswith("type error:") or message.startswith("results vector"):
        return WasmError(message)
    return Trap(message, code.value if has_code else None, frames)


class _Owned:
    """Owns one C handle, deleted once."""

    _delete = None

    def __init__(self, ptr: int):
        if not ptr:
            raise WasmError(f"cannot create {type(self).__name__}")
        self._ptr = ptr

    @property
    def ptr(self) -> int:
        if self._ptr is None:
            raise WasmError(f"{type(self).__name__} was closed")
        return self._ptr

    def close(self) -> None:
        """Frees the C handle (again: nothing)."""
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
    """A compilation environment; share one between stores."""

    _delete = staticmethod(ffi.engine_delete)

    def __init__(self):
        super().__init__(ffi.engine_new())


class Store(_Owned):
    """Owns instances and everything created in them. Once it is closed,
    using anything created in it raises WasmError."""

    _delete = staticmethod(ffi.store_delete)

    def __init__(self, engine: Engine):
        self.engine = engine
        super().__init__(ffi.store_new(engine.ptr))

    @property
    def closed(self) -> bool:
        return self._ptr is None


def _source(source: Union[bytes, str]) -> bytes:
    return source.encode() if isinstance(source, str) else bytes(source)


class Module(_Owned):
    """A compiled module, from its binary or text form."""

    _delete = staticmethod(ffi.module_delete)

    def __init__(self, engine: Engine, source: Union[bytes, str], _serialized: bool = False):
        self.engine = engine
        self._store = Store(engine)
        data = ffi.byte_vec(_source(source))
        make = ffi.module_deserialize if _serialized else ffi.module_new
        ptr = make(self._store.ptr, ctypes.byref(data))
        ffi.byte_vec_delete(ctypes.byref(data))
        if not ptr:
            what = "serialized module" if _serialized else "module"
            raise WasmError(f"the {what} is malformed or invalid")
        super().__init__(ptr)

    def serialize(self) -> bytes:
        """Bytes that ``Module.deserialize`` turns back into this module."""
        out = ffi.ByteVec()
        ffi.module_serialize(self.ptr, ctypes.byref(out))
        return ffi.take_bytes(out)

    @classmethod
    def deserialize(cls, engine: Engine, data: bytes) -> "Module":
        """A module from ``serialize()`` output; other bytes raise WasmError."""
        return cls(engine, data, _serialized=True)

    @classmethod
    def from_file(cls, engine: Engine, path: Union[str, Path]) -> "Module":
        return cls(engine, Path(path).read_bytes())

    @staticmethod
    def validate(engine: Engine, source: Union[bytes, str]) -> bool:
        with Store(engine) as store:
            data = ffi.byte_vec(_source(source))
            ok = ffi.module_validate(store.ptr, ctypes.byref(data))
            ffi.byte_vec_delete(ctypes.byref(data))
            return bool(ok)

    @property
    def imports(self) -> List[Tuple[str, str, str]]:
        """(module, name, kind) of each import."""
        vec = ffi.PtrVec()
        ffi.module_imports(self.ptr, ctypes.byref(vec))
        out = [
            (
                ffi.importtype_module(t).contents.to_bytes().decode(),
                ffi.importtype_name(t).contents.to_bytes().decode(),
                _KINDS[ffi.externtype_kind(ffi.importtype_type(t))],
            )
            for t in vec.items()
        ]
        ffi.importtype_vec_delete(ctypes.byref(vec))
        return out

    @property
    def exports(self) -> List[Tuple[str, str]]:
        """(name, kind) of each export."""
        vec = ffi.PtrVec()
        ffi.module_exports(self.ptr, ctypes.byref(vec))
        out = [
            (ffi.exporttype_name(t).contents.to_bytes().decode(), _KINDS[ffi.externtype_kind(ffi.exporttype_type(t))])
            for t in vec.items()
        ]
        ffi.exporttype_vec_delete(ctypes.byref(vec))
        return out


_KINDS = {ffi.EXTERN_FUNC: "func", ffi.EXTERN_GLOBAL: "global", ffi.EXTERN_TABLE: "table", ffi.EXTERN_MEMORY: "memory"}


def _to_val(kind: int, value) -> ffi.Val:
    v = ffi.Val()
    v.kind = kind
    if kind == ffi.I32:
        v.of.i32 = ctypes.c_int32(int(value)).value
    elif kind == ffi.I64:
        v.of.i64 = ctypes.c_int64(int(value)).value
    elif kind == ffi.F32:
        v.of.f32 = float(value)
    elif kind == ffi.F64:
        v.of.f64 = float(value)
    else:
        raise WasmError("reference arguments are not supported yet")
    return v


def _from_val(v: ffi.Val):
    return {ffi.I32: lambda: v.of.i32, ffi.I64: lambda: v.of.i64, ffi.F32: lambda: v.of.f32, ffi.F64: lambda: v.of.f64}.get(
        v.kind, lambda: None
    )()


class Func:
    """An exported function; call it with Python numbers."""

    def __init__(self, instance: "Instance", ptr: int):
        self._instance = instance
        self._ptr = ptr
        ty = ffi.func_type(ptr)
        self.params = [ffi.valtype_kind(t) for t in ffi.functype_params(ty).contents.items()]
        self.results = [ffi.valtype_kind(t) for t in ffi.functype_results(ty).contents.items()]
        ffi.functype_delete(ty)

    def __call__(self, *args):
        if len(args) != len(self.params):
            raise WasmError(f"expected {len(self.params)} arguments, got {len(args)}")
        n_in, n_out = len(self.params), len(self.results)
        ins = (ffi.Val * max(n_in, 1))(*[_to_val(k, a) for k, a in zip(self.params, args)])
        outs = (ffi.Val * max(n_out, 1))()
        vin = ffi.ValVec(n_in, ins)
        vout = ffi.ValVec(n_out, outs)
        trap = ffi.func_call(self._instance.live(self._ptr), ctypes.byref(vin), ctypes.byref(vout))
        if trap:
            _raise_trap(trap)
        values = [_from_val(outs[i]) for i in range(n_out)]
        if n_out == 0:
            return None
        return values[0] if n_out == 1 else tuple(values)


class Memory:
    """An exported linear memory."""

    def __init__(self, instance: "Instance", ptr: int):
        self._instance = instance
        self._ptr = ptr

    @property
    def size(self) -> int:
        """Size in 64 KiB pages."""
        return ffi.memory_size(self._instance.live(self._ptr))

    @property
    def data_size(self) -> int:
        return ffi.memory_data_size(self._instance.live(self._ptr))

    def grow(self, pages: int) -> int:
        """Grows by ``pages``; returns the old size. Raises WasmError beyond the maximum."""
        old = self.size
        if not ffi.memory_grow(self._instance.live(self._ptr), pages):
            raise WasmError(f"cannot grow memory by {pages} pages")
        return old

    def _check(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.data_size:
            raise WasmError(f"memory access {offset}+{length} is out of bounds ({self.data_size} bytes)")

    def read(self, offset: int, length: int) -> bytes:
        self._check(offset, length)
        return ctypes.string_at(ffi.memory_data(self._instance.live(self._ptr)) + offset, length)

    def view(self) -> memoryview:
        """The memory's bytes without copying, valid until the memory grows
        (or its instance or store is closed)."""
        size = self.data_size
        base = ffi.memory_data(self._instance.live(self._ptr))
        return memoryview((ctypes.c_char * size).from_address(base)).cast("B")

    def write(self, offset: int, data: bytes) -> None:
        self._check(offset, len(data))
        ctypes.memmove(ffi.memory_data(self._instance.live(self._ptr)) + offset, data, len(data))


class Global:
    """An exported global."""

    def __init__(self, instance: "Instance", ptr: int):
        self._instance = instance
        self._ptr = ptr

    @property
    def value(self):
        v = ffi.Val()
        ffi.global_get(self._instance.live(self._ptr), ctypes.byref(v))
        return _from_val(v)


class Table:
    """An exported table."""

    def __init__(self, instance: "Instance", ptr: int):
        self._instance = instance
        self._ptr = ptr

    @property
    def size(self) -> int:
        return ffi.table_size(self._instance.live(self._ptr))

    def grow(self, delta: int) -> int:
        """Grows by ``delta`` null elements; returns the old size. Raises
        WasmError beyond the maximum."""
        old = self.size
        if not ffi.table_grow(self._instance.live(self._ptr), delta, None):
            raise WasmError(f"cannot grow table by {delta} elements")
        return old


class Instance(_Owned):
    """An instance of a module in a store. ``exports`` maps names to
    ``Func``, ``Memory`` and ``Global`` objects."""

    _delete = staticmethod(ffi.instance_delete)

    def __init__(self, store: Store, module: Module, _ptr: Optional[int] = None):
        self.store = store
        self.module = module
        ptr = _ptr
        if ptr is None:
            imports = ffi.PtrVec(0, None)
            trap = ctypes.c_void_p()
            ptr = ffi.instance_new(store.ptr, module.ptr, ctypes.byref(imports), ctypes.byref(trap))
            if not ptr:
                raise (_consume_trap(trap.value) if trap.value else WasmError("cannot instantiate the module"))
        super().__init__(ptr)
        self._vec = ffi.PtrVec()
        ffi.instance_exports(ptr, ctypes.byref(self._vec))
        self.exports: Dict[str, object] = {}
        for (name, _), ext in zip(module.exports, self._vec.items()):
            kind = ffi.extern_kind(ext)
            if kind == ffi.EXTERN_FUNC:
                self.exports[name] = Func(self, ffi.extern_as_func(ext))
            elif kind == ffi.EXTERN_MEMORY:
                self.exports[name] = Memory(self, ffi.extern_as_memory(ext))
            elif kind == ffi.EXTERN_GLOBAL:
                self.exports[name] = Global(self, ffi.extern_as_global(ext))
            elif kind == ffi.EXTERN_TABLE:
                self.exports[name] = Table(self, ffi.extern_as_table(ext))

    def __getitem__(self, name: str):
        return self.exports[name]

    def live(self, ptr: int) -> int:
        """``ptr`` if this instance and its store are still open."""
        if self._ptr is None:
            raise WasmError("the instance was closed")
        if self.store.closed:
            raise WasmError("the store of this instance was closed")
        return ptr

    def close(self) -> None:
        vec = getattr(self, "_vec", None)
        if vec is not None and getattr(self, "_ptr", None):
            ffi.extern_vec_delete(ctypes.byref(vec))
        super().close()


class Output:
    """Captured stdout or stderr of a WASI program."""

    def __init__(self, ptr: int):
        self._ptr = ptr

    def contents(self) -> bytes:
        v = ffi.ByteVec()
        ffi.output_contents(self._ptr, ctypes.byref(v))
        return ffi.take_bytes(v)

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            ffi.output_delete(ptr)


class WasiConfig(_Owned):
    """WASI settings: arguments, environment, stdio and preopened
    directories. By default a program gets nothing: no arguments, an empty
    environment, no stdin, discarded output, no directories. Handed to
    ``Linker.define_wasi``, which takes it over."""

    _delete = staticmethod(ffi.wasi_config_delete)

    def __init__(self):
        super().__init__(ffi.wasi_config_new())

    def argv(self, args: Sequence[str]) -> "WasiConfig":
        arr = (ctypes.c_char_p * max(len(args), 1))(*[a.encode() for a in args])
        if not ffi.wasi_config_set_argv(self.ptr, len(args), arr):
            raise WasmError("an argument is not valid")
        return self

    def env(self, variables: Dict[str, str]) -> "WasiConfig":
        names = (ctypes.c_char_p * max(len(variables), 1))(*[k.encode() for k in variables])
        values = (ctypes.c_char_p * max(len(variables), 1))(*[v.encode() for v in variables.values()])
        if not ffi.wasi_config_set_env(self.ptr, len(variables), names, values):
            raise WasmError("an environment variable is not valid")
        return self

    def inherit_argv(self) -> "WasiConfig":
        ffi.wasi_config_inherit_argv(self.ptr)
        return self

    def inherit_env(self) -> "WasiConfig":
        ffi.wasi_config_inherit_env(self.ptr)
        return self

    def inherit_stdio(self) -> "WasiConfig":
        ffi.wasi_config_inherit_stdin(self.ptr)
        ffi.wasi_config_inherit_stdout(self.ptr)
        ffi.wasi_config_inherit_stderr(self.ptr)
        return self

    def stdin_bytes(self, data: bytes) -> "WasiConfig":
        v = ffi.byte_vec(data)
        ffi.wasi_config_set_stdin_bytes(self.ptr, ctypes.byref(v))
        return self

    def stdin_file(self, path: Union[str, Path]) -> "WasiConfig":
        if not ffi.wasi_config_set_stdin_file(self.ptr, str(path).encode()):
            raise WasmError(f"cannot open {path}")
        return self

    def stdout_file(self, path: Union[str, Path]) -> "WasiConfig":
        if not ffi.wasi_config_set_stdout_file(self.ptr, str(path).encode()):
            raise WasmError(f"cannot create {path}")
        return self

    def stderr_file(self, path: Union[str, Path]) -> "WasiConfig":
        if not ffi.wasi_config_set_stderr_file(self.ptr, str(path).encode()):
            raise WasmError(f"cannot create {path}")
        return self

    def capture_stdout(self) -> Output:
        return Output(ffi.capture_stdout(self.ptr))

    def capture_stderr(self) -> Output:
        return Output(ffi.capture_stderr(self.ptr))

    def preopen_dir(self, host: Union[str, Path], guest: str, readonly: bool = False) -> "WasiConfig":
        if not ffi.wasi_config_preopen_dir(self.ptr, str(host).encode(), guest.encode(), not readonly):
            raise WasmError(f"cannot open directory {host}")
        return self

    def _take(self) -> int:
        ptr, self._ptr = self.ptr, None
        return ptr


# Host functions: each Python callable is kept here under a key passed to C
# as the function's env; the finalizer drops it when the store lets go.
_HOST_FUNCS: Dict[int, tuple] = {}
_NEXT_KEY = [1]
# The exception a host function raised, re-raised where the call began.
_PENDING: List[BaseException] = []


@ffi.CALLBACK
def _host_trampoline(env, args, results):
    store_ptr, fn, result_kinds = _HOST_FUNCS[env or 0]
    try:
        vals = [_from_val(args.contents.data[i]) for i in range(args.contents.size)]
        out = fn(*vals)
        if len(result_kinds) == 1:
            out = (out,)
        elif not result_kinds:
            out = ()
        for i, (k, v) in enumerate(zip(result_kinds, out)):
            results.contents.data[i] = _to_val(k, v)
        return None
    except BaseException as e:  # re-raised by the caller of the Wasm code
        _PENDING.append(e)
        msg = ffi.byte_vec(f"Python host function raised {type(e).__name__}: {e}".encode())
        trap = ffi.trap_new(store_ptr, ctypes.byref(msg))
        ffi.byte_vec_delete(ctypes.byref(msg))
        return trap


@ffi.FINALIZER
def _host_finalizer(env):
    _HOST_FUNCS.pop(env or 0, None)


def _raise_trap(ptr: int):
    exc = _consume_trap(ptr)
    if _PENDING:
        raise _PENDING.pop() from exc
    raise exc


class Linker(_Owned):
    """Resolves imports by name: Python callables as host functions, then
    ``instantiate``."""

    _delete = staticmethod(ffi.linker_delete)

    def __init__(self, store: Store):
        self.store = store
        super().__init__(ffi.linker_new(store.ptr))

    def define_func(self, module: str, name: str, params: Sequence[int], results: Sequence[int], fn) -> None:
        """Defines ``module::name`` as the Python callable ``fn`` taking
        ``params`` and returning ``results`` (I32, I64, F32, F64). An
        exception ``fn`` raises traps the Wasm code and is re-raised from
        the Python call that entered Wasm."""

        def vec(kinds):
            v = ffi.PtrVec()
            if kinds:
                arr = (ctypes.c_void_p * len(kinds))(*[ffi.valtype_new(k) for k in kinds])
                ffi.valtype_vec_new(ctypes.byref(v), len(kinds), arr)
            else:
                ffi.valtype_vec_new_empty(ctypes.byref(v))
            return v

        ps, rs = vec(params), vec(results)
        ty = ffi.functype_new(ctypes.byref(ps), ctypes.byref(rs))
        key = _NEXT_KEY[0]
        _NEXT_KEY[0] += 1
        _HOST_FUNCS[key] = (self.store.ptr, fn, list(results))
        f = ffi.func_new_with_env(self.store.ptr, ty, _host_trampoline, key, _host_finalizer)
        ffi.functype_delete(ty)
        err = ffi.linker_define(self.ptr, module.encode(), name.encode(), ffi.func_as_extern(f))
        ffi.func_delete(f)
        if err:
            raise WasmError(_error_text(err))

    def define_wasi(self, config: WasiConfig) -> None:
        """Serves WASI imports with ``config`` (taken over: it is closed)."""
        err = ffi.linker_define_wasi(self.ptr, config._take())
        if err:
            raise WasmError(_error_text(err))

    def run(self, module: Module) -> int:
        """Runs a WASI command; returns its exit code. A trap raises Trap."""
        code = ctypes.c_int(0)
        trap = ctypes.c_void_p()
        err = ffi.linker_run(self.ptr, module.ptr, ctypes.byref(code), ctypes.byref(trap))
        if err:
            raise WasmError(_error_text(err))
        if trap.value:
            _raise_trap(trap.value)
        return code.value

    def instantiate(self, module: Module) -> Instance:
        inst = ctypes.c_void_p()
        trap = ctypes.c_void_p()
        err = ffi.linker_instantiate(self.ptr, module.ptr, ctypes.byref(inst), ctypes.byref(trap))
        if err:
            raise WasmError(_error_text(err))
        if trap.value:
            _raise_trap(trap.value)
        return Instance(self.store, module, _ptr=inst.value)


def _error_text(err: int) -> str:
    msg = ffi.ByteVec()
    ffi.error_message(err, ctypes.byref(msg))
    ffi.error_delete(err)
    return ffi.take_bytes(msg).rstrip(b"\0").decode("utf-8", "replace")


def run_wasi(
    program: Union[str, Path, bytes, Module],
    args: Sequence[str] = (),
    env: Optional[Dict[str, str]] = None,
    dirs: Optional[Dict[str, Union[str, Path]]] = None,
    readonly_dirs: Optional[Dict[str, Union[str, Path]]] = None,
    stdin: bytes = b"",
    engine: Optional[Engine] = None,
) -> Tuple[int, bytes, bytes]:
    """Runs a WASI command and returns (exit code, stdout, stderr).

    ``program`` is a path, module bytes/text, or a ``Module``; ``dirs`` and
    ``readonly_dirs`` map guest names to host directories. A trap raises
    ``Trap``; a bad program, directory or import raises ``WasmError``.
    """
    engine = engine or (program.engine if isinstance(program, Module) and hasattr(program, "engine") else Engine())
    if isinstance(program, Module):
        module = program
    elif isinstance(program, (str, Path)) and not str(program).lstrip().startswith("("):
        module = Module.from_file(engine, program)
    else:
        module = Module(engine, program)
    store = Store(engine)
    config = ffi.wasi_config_new()
    argv = (ctypes.c_char_p * max(len(args), 1))(*[a.encode() for a in args])
    ffi.wasi_config_set_argv(config, len(args), argv)
    env = env or {}
    names = (ctypes.c_char_p * max(len(env), 1))(*[k.encode() for k in env])
    values = (ctypes.c_char_p * max(len(env), 1))(*[v.encode() for v in env.values()])
    ffi.wasi_config_set_env(config, len(env), names, values)
    for guest, host in (dirs or {}).items():
        if not ffi.wasi_config_preopen_dir(config, str(host).encode(), guest.encode(), True):
            ffi.wasi_config_delete(config)
            raise WasmError(f"cannot open directory {host}")
    for guest, host in (readonly_dirs or {}).items():
        if not ffi.wasi_config_preopen_dir(config, str(host).encode(), guest.encode(), False):
            ffi.wasi_config_delete(config)
            raise WasmError(f"cannot open directory {host}")
    data = ffi.byte_vec(stdin)
    ffi.wasi_config_set_stdin_bytes(config, ctypes.byref(data))
    out = ffi.capture_stdout(config)
    err = ffi.capture_stderr(config)
    linker = ffi.linker_new(store.ptr)
    try:
        e = ffi.linker_define_wasi(linker, config)
        if e:
            raise WasmError(_error_text(e))
        code = ctypes.c_int(0)
        trap = ctypes.c_void_p()
        e = ffi.linker_run(linker, module.ptr, ctypes.byref(code), ctypes.byref(trap))
        if e:
            raise WasmError(_error_text(e))
        if trap.value:
            raise _consume_trap(trap.value)

        def contents(o):
            v = ffi.ByteVec()
            ffi.output_contents(o, ctypes.byref(v))
            return ffi.take_bytes(v)

        return code.value, contents(out), contents(err)
    finally:
        ffi.linker_delete(linker)
        ffi.output_delete(out)
        ffi.output_delete(err)
        store.close()
