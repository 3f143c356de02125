//! Stage 4 of the pipeline: WASI preview1 (and the preview0 adapter) as
//! host functions, inside a capability sandbox.
//!
//! ```no_run
//! use wasi_rt::wasi::{OutputBuffer, OutputSink, WasiCtxBuilder};
//! use wasi_rt::{Engine, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, std::fs::read("prog.wasm").unwrap())?;
//! let out = OutputBuffer::new();
//! let mut b = WasiCtxBuilder::new();
//! b.arg("prog").arg("data").env("LANG", "C").preopen_dir("/tmp/data", "data", false);
//! b.stdout(OutputSink::Buffer(out.clone()));
//! let ctx = b.build()?;
//! let mut store = Store::new(&engine);
//! let exit_code = ctx.run(&mut store, &module)?;
//! println!("exit {exit_code}: {}", String::from_utf8_lossy(&out.contents()));
//! # Ok::<(), wasi_rt::Error>(())
//! ```
//!
//! Notes on the host platform: `proc_raise` applies the signal's default
//! action (ignore, or end the program with status 128 + signal), since a
//! guest cannot install handlers; `fd_fdstat_set_flags` with
//! DSYNC/RSYNC/SYNC returns NOTSUP (Linux cannot change them on an open file).

pub mod abi;
mod call;
mod dir;
pub mod errno;
mod fdtable;
mod fs;
mod guest;
mod io;
mod link;
mod misc;
mod path;
mod preview0;
mod state;
pub mod threads;

pub use errno::Errno;
pub use fdtable::{OutputBuffer, OutputSink, StdinSource};

use crate::{Error, Extern, Instance, Module, Store, Trap};
use abi::rights;
use fdtable::{DIR_RIGHTS, FdEntry, FdTable, Handle, SOCKET_RIGHTS, STDIO_RIGHTS};
use state::WasiState;
use std::net::TcpListener;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Configures a WASI program: arguments, environment, preopened
/// directories, stdio, sockets and tracing.
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    preopens: Vec<(PathBuf, String, bool)>,
    stdin: StdinSource,
    stdout: OutputSink,
    stderr: OutputSink,
    listeners: Vec<TcpListener>,
    trace: bool,
    threads: bool,
    on_thread_end: Option<threads::ThreadEndHook>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        WasiCtxBuilder::new()
    }
}

impl WasiCtxBuilder {
    /// No arguments, empty environment, no preopens; stdio inherited.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            preopens: Vec::new(),
            stdin: StdinSource::Inherit,
            stdout: OutputSink::Inherit,
            stderr: OutputSink::Inherit,
            listeners: Vec::new(),
            trace: false,
            threads: true,
            on_thread_end: None,
        }
    }
    /// Appends one argument (the first is the program name).
    pub fn arg(&mut self, a: impl Into<String>) -> &mut Self {
        self.args.push(a.into());
        self
    }
    /// Replaces the arguments.
    pub fn set_args(&mut self, args: Vec<String>) -> &mut Self {
        self.args = args;
        self
    }
    /// Appends arguments.
    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }
    /// Sets an environment variable.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }
    /// Passes one variable of the host's environment through, if set.
    pub fn inherit_env_var(&mut self, key: &str) -> &mut Self {
        if let Ok(v) = std::env::var(key) {
            self.env(key, v);
        }
        self
    }
    /// Passes the host's whole environment through.
    pub fn inherit_env(&mut self) -> &mut Self {
        for (k, v) in std::env::vars() {
            self.env(k, v);
        }
        self
    }
    /// Grants the guest the host directory `host` under the name `guest`;
    /// read-only when `readonly`. Preopens get fds 3, 4, ... in order.
    pub fn preopen_dir(
        &mut self,
        host: impl Into<PathBuf>,
        guest: impl Into<String>,
        readonly: bool,
    ) -> &mut Self {
        self.preopens.push((host.into(), guest.into(), readonly));
        self
    }
    /// Where stdin comes from (default: the host's stdin).
    pub fn stdin(&mut self, s: StdinSource) -> &mut Self {
        self.stdin = s;
        self
    }
    /// Where stdout goes (default: the host's stdout).
    pub fn stdout(&mut self, s: OutputSink) -> &mut Self {
        self.stdout = s;
        self
    }
    /// Where stderr goes (default: the host's stderr).
    pub fn stderr(&mut self, s: OutputSink) -> &mut Self {
        self.stderr = s;
        self
    }
    /// Hands a listening socket to the guest (after the preopens) for `sock_accept`.
    pub fn tcp_listener(&mut self, l: TcpListener) -> &mut Self {
        self.listeners.push(l);
        self
    }
    /// Prints every WASI call to stderr with its arguments and results.
    pub fn trace(&mut self, on: bool) -> &mut Self {
        self.trace = on;
        self
    }
    /// Serves wasi-threads (`wasi::thread-spawn` and the shared memory it
    /// needs); on by default. Off, such a program is a link error naming
    /// it.
    pub fn threads(&mut self, on: bool) -> &mut Self {
        self.threads = on;
        self
    }
    /// Called (on the spawned thread) when a wasi-threads thread ends the
    /// program with `proc_exit` or a trap, before the other threads are
    /// told. A command-line host exits the process there, as Wasmtime's
    /// does; without a hook the program ends as [`WasiCtx::command_exit`]
    /// describes.
    pub fn on_thread_end(
        &mut self,
        hook: impl Fn(&threads::GroupExit) + Send + Sync + 'static,
    ) -> &mut Self {
        self.on_thread_end = Some(Arc::new(hook));
        self
    }

    /// Opens the preopened directories and builds the context. Fails with
    /// a clear message when a directory cannot be opened.
    pub fn build(self) -> crate::Result<WasiCtx> {
        let mut fds = FdTable::default();
        fds.insert_at(
            0,
            FdEntry {
                handle: Handle::Stdin {
                    source: self.stdin,
                    pos: 0,
                },
                base: STDIO_RIGHTS & !rights::FD_WRITE,
                inheriting: 0,
                flags: 0,
            },
        );
        fds.insert_at(
            1,
            FdEntry {
                handle: Handle::Output {
                    sink: self.stdout,
                    host_fd: 1,
                },
                base: STDIO_RIGHTS & !rights::FD_READ,
                inheriting: 0,
                flags: 0,
            },
        );
        fds.insert_at(
            2,
            FdEntry {
                handle: Handle::Output {
                    sink: self.stderr,
                    host_fd: 2,
                },
                base: STDIO_RIGHTS & !rights::FD_READ,
                inheriting: 0,
                flags: 0,
            },
        );
        for (host, guest, readonly) in self.preopens {
            let c = std::ffi::CString::new(host.as_os_str().as_bytes())
                .map_err(|_| {
                    Error::new(crate::ErrorKind::Io(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("directory {} has a NUL byte", host.display()),
                    )))
                })?;
            // SAFETY: open with a valid C string; the result is checked.
            let fd = unsafe {
                libc::open(
                    c.as_ptr(),
                    libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
                )
            };
            if fd < 0 {
                let e = std::io::Error::last_os_error();
                return Err(Error::new(crate::ErrorKind::Io(std::io::Error::new(
                    e.kind(),
                    format!("cannot open directory {}: {e}", host.display()),
                ))));
            }
            // SAFETY: freshly opened and owned by nobody else.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            let (mut base, mut inheriting) = (DIR_RIGHTS, rights::ALL);
            if readonly {
                base &= !rights::WRITING;
                inheriting &= !rights::WRITING;
            }
            fds.push(FdEntry {
                handle: Handle::Dir {
                    fd,
                    preopen: Some(guest),
                    listing: None,
                },
                base,
                inheriting,
                flags: 0,
            })
            .map_err(|_| Error::limit("too many preopened directories"))?;
        }
        for l in self.listeners {
            fds.push(FdEntry {
                handle: Handle::Listener(l),
                base: SOCKET_RIGHTS,
                inheriting: SOCKET_RIGHTS,
                flags: 0,
            })
            .map_err(|_| Error::limit("too many sockets"))?;
        }
        let env = self
            .env
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        Ok(WasiCtx {
            state: Arc::new(Mutex::new(WasiState {
                fds,
                args: self.args,
                env,
                trace: self.trace,
            })),
            group: Arc::new(Mutex::new(None)),
            threads: self.threads,
            on_thread_end: self.on_thread_end,
        })
    }
}

/// A configured WASI program state, shared by the host functions it makes.
#[derive(Clone)]
pub struct WasiCtx {
    state: Arc<Mutex<WasiState>>,
    /// The threads of the program (wasi-threads), once an instance
    /// imported a shared memory.
    group: Arc<Mutex<Option<Arc<threads::ThreadGroup>>>>,
    /// Whether wasi-threads is served.
    threads: bool,
    on_thread_end: Option<threads::ThreadEndHook>,
}

impl WasiCtx {
    /// Host functions for every import of `module`, in order. Imports from
    /// `wasi_snapshot_preview1` and `wasi_unstable` are served by this
    /// context; any other import is a link error naming it.
    ///
    /// A module built for wasi-threads imports a shared memory (any module
    /// and name) and `wasi::thread-spawn`: the first such instance makes
    /// the program's shared memory (of the imported type) and every thread
    /// it spawns gets the same memory and this context.
    pub fn imports(&self, store: &mut Store, module: &Module) -> crate::Result<Vec<Extern>> {
        self.imports_in(store, module, None)
    }

    /// As `imports`, for a thread of `group` (`None`: a new program).
    pub(crate) fn imports_in(
        &self,
        store: &mut Store,
        module: &Module,
        group: Option<Arc<threads::ThreadGroup>>,
    ) -> crate::Result<Vec<Extern>> {
        let shared_import = module.imports().find_map(|i| match i.ty() {
            crate::ExternType::Memory(t) if t.shared => Some(*t),
            _ => None,
        });
        if !self.threads && WasiCtx::uses_threads(module) {
            return Err(Error::link(
                "the module uses wasi-threads (wasi::thread-spawn), which is switched off",
            ));
        }
        let group = match (group, shared_import) {
            (Some(g), _) => Some(g),
            (None, Some(ty)) => {
                let g = threads::ThreadGroup::new(module, ty, self.on_thread_end.clone())?;
                *self.group.lock().unwrap_or_else(|e| e.into_inner()) = Some(g.clone());
                Some(g)
            }
            (None, None) => None,
        };
        let mut out = Vec::new();
        for imp in module.imports() {
            if let Some((def, preview0)) = link::lookup(imp.module(), imp.name()) {
                let f = link::host_func(store, def, preview0, self.state.clone())?;
                out.push(Extern::Func(f));
                continue;
            }
            let item = match (imp.module(), imp.name(), imp.ty(), &group) {
                (_, _, crate::ExternType::Memory(t), Some(g)) if t.shared => {
                    Extern::Memory(g.memory_in(store)?)
                }
                ("wasi", "thread-spawn", _, Some(g)) => {
                    Extern::Func(g.spawn_func(store, self.clone())?)
                }
                ("wasi", "thread-spawn", _, None) => {
                    return Err(Error::link(
                        "wasi::thread-spawn needs the module to import a shared memory",
                    ));
                }
                _ => {
                    return Err(Error::link(format!(
                        "unknown import {}::{} (only WASI functions, wasi::thread-spawn and \
                         a shared memory can be provided)",
                        imp.module(),
                        imp.name()
                    )));
                }
            };
            out.push(item);
        }
        Ok(out)
    }

    /// The host function for one WASI import, or `None` when
    /// `module::name` is not a WASI function.
    pub fn import(
        &self,
        store: &mut Store,
        module: &str,
        name: &str,
    ) -> Option<crate::Result<Extern>> {
        let (def, preview0) = link::lookup(module, name)?;
        Some(link::host_func(store, def, preview0, self.state.clone()).map(Extern::Func))
    }

    /// Instantiates `module` with WASI imports. A reactor (a module that
    /// exports `_initialize` and no `_start`) is initialised, as
    /// [`initialize_reactor`] describes.
    pub fn instantiate(&self, store: &mut Store, module: &Module) -> crate::Result<Instance> {
        let imports = self.imports(store, module)?;
        let instance = Instance::new(store, module, &imports)?;
        initialize_reactor(store, module, &instance)?;
        Ok(instance)
    }

    /// Runs a WASI command: instantiates `module` and calls `_start`.
    /// Returns the exit code: 0 when `_start` returns, `n` after
    /// `proc_exit(n)`. A trap is an error.
    pub fn run(&self, store: &mut Store, module: &Module) -> crate::Result<i32> {
        if !module.exports().any(|e| e.name() == "_start") {
            return Err(Error::link(
                "the module has no _start function to run (use --invoke NAME to call an export)",
            ));
        }
        let result = self
            .instantiate(store, module)
            .and_then(|inst| self.call_start(store, &inst));
        self.command_exit(result)
    }

    /// Calls `instance`'s `_start` as [`call_start`] does; for a
    /// wasi-threads program, its waits end once a spawned thread has ended
    /// the program (see [`WasiCtx::command_exit`]).
    pub fn call_start(&self, store: &mut Store, instance: &Instance) -> crate::Result<()> {
        let group = self.group.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match group {
            Some(g) => g.cancellable(|| call_start(store, instance)),
            None => call_start(store, instance),
        }
    }

    /// The exit code of a command of this context whose `_start` ended
    /// with `result`, as [`command_exit`]; but when a thread it spawned
    /// (wasi-threads) had ended the program with `proc_exit` or a trap
    /// first (the main thread then returned, or was stopped in a wait),
    /// that is how it ended.
    pub fn command_exit(&self, result: crate::Result<()>) -> crate::Result<i32> {
        let main_exited = result.as_ref().err().and_then(exit_code).is_some();
        if !main_exited {
            let group = self.group.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(how) = group.and_then(|g| g.exit()) {
                return match how {
                    threads::GroupExit::Exit(code) => Ok(code),
                    threads::GroupExit::Failed(msg) => Err(Error::from(Trap::new(msg))),
                };
            }
        }
        command_exit(result)
    }

    /// Whether `module` is built for wasi-threads: it imports
    /// `wasi::thread-spawn`.
    pub fn uses_threads(module: &Module) -> bool {
        module
            .imports()
            .any(|i| i.module() == "wasi" && i.name() == "thread-spawn")
    }
}

/// Calls a command's `_start`.
pub fn call_start(store: &mut Store, instance: &Instance) -> crate::Result<()> {
    let start = instance
        .get_func(store, "_start")
        .ok_or_else(|| Error::link("_start is not a function"))?;
    start.call(store, &[], &mut [])
}

/// The exit code of a command that ended with `result`: 0 when it
/// returned, `n` after `proc_exit(n)`; any other error is passed on.
pub fn command_exit(result: crate::Result<()>) -> crate::Result<i32> {
    match result {
        Ok(()) => Ok(0),
        Err(e) => exit_code(&e).ok_or(e),
    }
}

/// Calls `_initialize` when `module` is a WASI reactor: it exports
/// `_initialize` (taking and returning nothing) and no `_start`. A reactor
/// built from C sets up its C library there (constructors, stdio), so it
/// must run before any other export. Commands and other modules are left
/// alone.
pub fn initialize_reactor(
    store: &mut Store,
    module: &Module,
    instance: &Instance,
) -> crate::Result<()> {
    if module.exports().any(|e| e.name() == "_start") {
        return Ok(());
    }
    let Some(init) = instance.get_func(store, "_initialize") else {
        return Ok(());
    };
    let ty = init.ty(store);
    if !ty.params().is_empty() || !ty.results().is_empty() {
        return Ok(());
    }
    init.call(store, &[], &mut [])
}

/// The exit code when `err` is a WASI `proc_exit`, not a failure.
pub fn exit_code(err: &Error) -> Option<i32> {
    err.as_trap().and_then(|t| t.exit_status())
}

/// The status a host process should exit with for a guest's exit code: a
/// process status holds 8 bits, so 0 to 255 pass through and every other
/// code (negative, or above 255, which the OS would cut to its low byte:
/// `proc_exit(256)` would read as success) becomes 1. A non-zero code
/// never becomes 0.
pub fn process_exit_status(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(1)
}
