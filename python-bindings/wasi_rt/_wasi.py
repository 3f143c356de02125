"""WASI configuration (arguments, environment, stdio, preopened
directories) and ``run_wasi``, which runs a command in one call."""

import ctypes
import threading
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

from . import _ffi as ffi
from ._errors import WasmError
from ._instance import Linker
from ._store import Engine, Module, Store, _Owned, c_string


class Output:
    """The captured stdout or stderr of a WASI program."""

    def __init__(self, ptr: int):
        if not ptr:
            raise WasmError("cannot capture output")
        self._ptr = ptr

    def contents(self) -> bytes:
        """Everything written so far."""
        v = ffi.ByteVec()
        ffi.output_contents(self._ptr, ctypes.byref(v))
        return ffi.take_bytes(v)

    def limit(self, max_bytes: Optional[int]) -> "Output":
        """Keeps at most ``max_bytes`` (``None``: no cap, the default). Once
        full, the program's writes to the stream fail (EFBIG) and
        ``overflowed`` turns true."""
        if max_bytes is None:
            ffi.output_limit(self._ptr, ctypes.c_size_t(-1).value)
        elif isinstance(max_bytes, int) and not isinstance(max_bytes, bool) and 0 <= max_bytes < (1 << 63):
            ffi.output_limit(self._ptr, max_bytes)
        else:
            raise ValueError(f"max_bytes must be a number of bytes or None, not {max_bytes!r}")
        return self

    @property
    def overflowed(self) -> bool:
        """Whether the program wrote more than the limit, so output was lost."""
        return bool(ffi.output_overflowed(self._ptr))

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            ffi.output_delete(ptr)


def _strings(values: Sequence[str], what: str):
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of str, not a single {type(values).__name__}")
    encoded = [c_string(v, what) for v in values]
    return (ctypes.c_char_p * max(len(encoded), 1))(*encoded)


class WasiConfig(_Owned):
    """WASI settings: arguments, environment, stdio and preopened
    directories. By default a program gets nothing: no arguments, an empty
    environment, an empty stdin, discarded output, no directories. Setters
    return the config, so calls chain. ``Linker.define_wasi`` takes it over."""

    _delete = staticmethod(ffi.wasi_config_delete)

    def __init__(self):
        super().__init__(ffi.wasi_config_new())

    def argv(self, args: Sequence[str]) -> "WasiConfig":
        """The program's arguments, ``argv[0]`` (its name) first."""
        argv = _strings(args, "argv")
        if not ffi.wasi_config_set_argv(self.ptr, len(args), argv):
            raise WasmError("an argument is not valid")
        return self

    def env(self, variables: Dict[str, str]) -> "WasiConfig":
        """The program's environment (replacing any inherited one)."""
        if not isinstance(variables, dict):
            raise TypeError(f"env must be a dict of str to str, not {type(variables).__name__}")
        names, values = _strings(list(variables), "env names"), _strings(list(variables.values()), "env values")
        if any("=" in k or not k for k in variables):
            raise ValueError("environment variable names must be non-empty and contain no '='")
        if not ffi.wasi_config_set_env(self.ptr, len(variables), names, values):
            raise WasmError("an environment variable is not valid")
        return self

    def inherit_argv(self) -> "WasiConfig":
        """This process's arguments."""
        ffi.wasi_config_inherit_argv(self.ptr)
        return self

    def inherit_env(self) -> "WasiConfig":
        """This process's environment."""
        ffi.wasi_config_inherit_env(self.ptr)
        return self

    def wasi_threads(self, enable: bool) -> "WasiConfig":
        """Serve wasi-threads programs (on by default); off, linking one
        raises WasmError naming it."""
        ffi.config_wasi_threads(self.ptr, bool(enable))
        return self

    def inherit_stdin(self) -> "WasiConfig":
        """stdin reads this process's stdin."""
        ffi.wasi_config_inherit_stdin(self.ptr)
        return self

    def inherit_stdout(self) -> "WasiConfig":
        """stdout writes to this process's stdout (file descriptor 1)."""
        ffi.wasi_config_inherit_stdout(self.ptr)
        return self

    def inherit_stderr(self) -> "WasiConfig":
        """stderr writes to this process's stderr (file descriptor 2)."""
        ffi.wasi_config_inherit_stderr(self.ptr)
        return self

    def inherit_stdio(self) -> "WasiConfig":
        """This process's stdin, stdout and stderr."""
        return self.inherit_stdin().inherit_stdout().inherit_stderr()

    def stdin_bytes(self, data: bytes) -> "WasiConfig":
        """stdin reads ``data``, then end of file."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"stdin data must be bytes, not {type(data).__name__}")
        v = ffi.byte_vec(bytes(data))
        ffi.wasi_config_set_stdin_bytes(self.ptr, ctypes.byref(v))
        return self

    def stdin_file(self, path: Union[str, Path]) -> "WasiConfig":
        """stdin reads the file at ``path``; WasmError when it cannot be opened."""
        return self._file(ffi.wasi_config_set_stdin_file, path, "open")

    def stdout_file(self, path: Union[str, Path]) -> "WasiConfig":
        """stdout goes to the file at ``path`` (created or truncated)."""
        return self._file(ffi.wasi_config_set_stdout_file, path, "create")

    def stderr_file(self, path: Union[str, Path]) -> "WasiConfig":
        """stderr goes to the file at ``path`` (created or truncated)."""
        return self._file(ffi.wasi_config_set_stderr_file, path, "create")

    def _file(self, setter, path: Union[str, Path], verb: str) -> "WasiConfig":
        if not setter(self.ptr, c_string(path, "path")):
            raise WasmError(f"cannot {verb} {path}")
        return self

    def capture_stdout(self, max_bytes: Optional[int] = None) -> Output:
        """stdout is kept in memory, at most ``max_bytes`` of it (see
        ``Output.limit``); read it from the returned Output."""
        return Output(ffi.capture_stdout(self.ptr)).limit(max_bytes)

    def capture_stderr(self, max_bytes: Optional[int] = None) -> Output:
        """stderr is kept in memory, as ``capture_stdout``."""
        return Output(ffi.capture_stderr(self.ptr)).limit(max_bytes)

    def preopen_dir(self, host: Union[str, Path], guest: str, readonly: bool = False) -> "WasiConfig":
        """Gives the program the host directory ``host`` as ``guest``; it can
        reach nothing outside it. WasmError when ``host`` is not a directory."""
        host_path, guest_name = c_string(host, "host"), c_string(guest, "guest")
        if not ffi.wasi_config_preopen_dir(self.ptr, host_path, guest_name, not readonly):
            raise WasmError(f"cannot open directory {host}")
        return self

    def _take(self) -> int:
        ptr, self._ptr = self.ptr, None
        return ptr


def run_wasi(
    program: Union[str, Path, bytes, Module],
    args: Sequence[str] = (),
    env: Optional[Dict[str, str]] = None,
    dirs: Optional[Dict[str, Union[str, Path]]] = None,
    readonly_dirs: Optional[Dict[str, Union[str, Path]]] = None,
    stdin: bytes = b"",
    engine: Optional[Engine] = None,
    timeout: Optional[float] = None,
    max_output: Optional[int] = 64 << 20,
) -> Tuple[int, bytes, bytes]:
    """Runs a WASI command and returns (exit code, stdout, stderr).

    ``program`` is a path to a ``.wasm``/``.wat`` file, module bytes or
    text, or a ``Module``; ``args`` are its arguments (``argv[0]`` first);
    ``dirs`` and ``readonly_dirs`` map guest names to host directories.
    With ``timeout`` (seconds), a program still running then is stopped
    with a Trap of code ``TRAP_INTERRUPT`` at its next loop iteration or
    call, or within 50 ms when it is blocked in a WASI call (a sleep, a
    read from a socket or pipe). This needs an engine made with
    ``epoch_interruption=True``; one is made when no engine or Module is
    given. stdout and stderr are captured up to ``max_output`` bytes each
    (default 64 MiB; ``None``: no cap): past it the program's writes fail
    and ``run_wasi`` raises ``WasmError`` once the program has ended. A
    trap raises ``Trap``; a bad program, directory or import raises
    ``WasmError``.
    """
    if isinstance(program, Module):
        module = program
        engine = program.engine
    else:
        engine = engine or Engine(epoch_interruption=timeout is not None)
        if isinstance(program, (str, Path)) and not str(program).lstrip().startswith("("):
            module = Module.from_file(engine, program)
        else:
            module = Module(engine, program)
    config = WasiConfig().argv(args if isinstance(args, (str, bytes)) else list(args))
    config.env(env or {}).stdin_bytes(stdin)
    for guest, host in (dirs or {}).items():
        config.preopen_dir(host, guest)
    for guest, host in (readonly_dirs or {}).items():
        config.preopen_dir(host, guest, readonly=True)
    if timeout is not None and not engine.epoch_interruption:
        raise WasmError("a timeout needs an engine made with epoch_interruption=True")
    out, err = config.capture_stdout(max_output), config.capture_stderr(max_output)
    with Store(engine) as store, Linker(store) as linker:
        linker.define_wasi(config)
        timer = None
        if timeout is not None:
            # Every tick of this engine's epoch stops this run: other stores
            # of the engine with deadlines of their own are moved on too.
            store.set_epoch_deadline(1)
            timer = threading.Timer(float(timeout), engine.increment_epoch)
            timer.daemon = True
            timer.start()
        try:
            code = linker.run(module)
        finally:
            if timer is not None:
                timer.cancel()
        for name, output in (("stdout", out), ("stderr", err)):
            if output.overflowed:
                raise WasmError(
                    f"the program wrote more than max_output={max_output} bytes to {name}; "
                    "the rest was refused (raise max_output, or pass None for no cap)"
                )
        return code, out.contents(), err.contents()
