//! The table of WASI functions (name, parameters, implementation) and the
//! host functions made from it for a module's imports, with the call trace.

use super::call::{Call, Deadline};
use super::errno::{Errno, WasiResult};
use super::guest::GuestMem;
use super::state::WasiState;
use super::{fs, misc, preview0};
use crate::{Caller, Func, FuncType, Store, Trap, Val, ValType};
use std::sync::{Arc, Mutex};

/// How a parameter is shown in the trace.
#[derive(Clone, Copy)]
pub enum P {
    /// i32 shown in decimal.
    I32,
    /// i32 guest pointer shown in hex.
    Ptr,
    /// i64 shown in decimal.
    I64,
}

type Impl = fn(&mut Call<'_>, &[u64]) -> WasiResult<()>;

/// One WASI function.
pub struct Def {
    pub name: &'static str,
    pub params: &'static [(&'static str, P)],
    pub imp: Impl,
}

macro_rules! defs {
    ($($name:ident => $imp:path : [$($p:ident : $t:ident),*]),* $(,)?) => {
        &[$(Def { name: stringify!($name), params: &[$((stringify!($p), P::$t)),*], imp: $imp }),*]
    };
}

/// Every function of `wasi_snapshot_preview1`.
pub const PREVIEW1: &[Def] = defs! {
    args_get => misc::args_get: [argv: Ptr, argv_buf: Ptr],
    args_sizes_get => misc::args_sizes_get: [argc: Ptr, argv_buf_size: Ptr],
    environ_get => misc::environ_get: [environ: Ptr, environ_buf: Ptr],
    environ_sizes_get => misc::environ_sizes_get: [count: Ptr, buf_size: Ptr],
    clock_res_get => misc::clock_res_get: [id: I32, resolution: Ptr],
    clock_time_get => misc::clock_time_get: [id: I32, precision: I64, time: Ptr],
    fd_advise => fs::fd_advise: [fd: I32, offset: I64, len: I64, advice: I32],
    fd_allocate => fs::fd_allocate: [fd: I32, offset: I64, len: I64],
    fd_close => fs::fd_close: [fd: I32],
    fd_datasync => fs::fd_datasync: [fd: I32],
    fd_fdstat_get => fs::fd_fdstat_get: [fd: I32, stat: Ptr],
    fd_fdstat_set_flags => fs::fd_fdstat_set_flags: [fd: I32, flags: I32],
    fd_fdstat_set_rights => fs::fd_fdstat_set_rights: [fd: I32, rights_base: I64, rights_inheriting: I64],
    fd_filestat_get => fs::fd_filestat_get: [fd: I32, buf: Ptr],
    fd_filestat_set_size => fs::fd_filestat_set_size: [fd: I32, size: I64],
    fd_filestat_set_times => fs::fd_filestat_set_times: [fd: I32, atim: I64, mtim: I64, fst_flags: I32],
    fd_pread => fs::fd_pread: [fd: I32, iovs: Ptr, iovs_len: I32, offset: I64, nread: Ptr],
    fd_prestat_get => fs::fd_prestat_get: [fd: I32, buf: Ptr],
    fd_prestat_dir_name => fs::fd_prestat_dir_name: [fd: I32, path: Ptr, path_len: I32],
    fd_pwrite => fs::fd_pwrite: [fd: I32, iovs: Ptr, iovs_len: I32, offset: I64, nwritten: Ptr],
    fd_read => fs::fd_read: [fd: I32, iovs: Ptr, iovs_len: I32, nread: Ptr],
    fd_readdir => fs::fd_readdir: [fd: I32, buf: Ptr, buf_len: I32, cookie: I64, bufused: Ptr],
    fd_renumber => fs::fd_renumber: [fd: I32, to: I32],
    fd_seek => fs::fd_seek: [fd: I32, offset: I64, whence: I32, newoffset: Ptr],
    fd_sync => fs::fd_sync: [fd: I32],
    fd_tell => fs::fd_tell: [fd: I32, offset: Ptr],
    fd_write => fs::fd_write: [fd: I32, iovs: Ptr, iovs_len: I32, nwritten: Ptr],
    path_create_directory => fs::path_create_directory: [fd: I32, path: Ptr, path_len: I32],
    path_filestat_get => fs::path_filestat_get: [fd: I32, flags: I32, path: Ptr, path_len: I32, buf: Ptr],
    path_filestat_set_times => fs::path_filestat_set_times: [fd: I32, flags: I32, path: Ptr, path_len: I32, atim: I64, mtim: I64, fst_flags: I32],
    path_link => fs::path_link: [old_fd: I32, old_flags: I32, old_path: Ptr, old_path_len: I32, new_fd: I32, new_path: Ptr, new_path_len: I32],
    path_open => fs::path_open: [fd: I32, dirflags: I32, path: Ptr, path_len: I32, oflags: I32, fs_rights_base: I64, fs_rights_inheriting: I64, fdflags: I32, opened_fd: Ptr],
    path_readlink => fs::path_readlink: [fd: I32, path: Ptr, path_len: I32, buf: Ptr, buf_len: I32, bufused: Ptr],
    path_remove_directory => fs::path_remove_directory: [fd: I32, path: Ptr, path_len: I32],
    path_rename => fs::path_rename: [fd: I32, old_path: Ptr, old_path_len: I32, new_fd: I32, new_path: Ptr, new_path_len: I32],
    path_symlink => fs::path_symlink: [old_path: Ptr, old_path_len: I32, fd: I32, new_path: Ptr, new_path_len: I32],
    path_unlink_file => fs::path_unlink_file: [fd: I32, path: Ptr, path_len: I32],
    poll_oneoff => misc::poll_oneoff: [in_: Ptr, out: Ptr, nsubscriptions: I32, nevents: Ptr],
    proc_exit => misc::proc_exit: [rval: I32],
    proc_raise => misc::proc_raise: [sig: I32],
    random_get => misc::random_get: [buf: Ptr, buf_len: I32],
    sched_yield => misc::sched_yield: [],
    sock_accept => misc::sock_accept: [fd: I32, flags: I32, result_fd: Ptr],
    sock_recv => misc::sock_recv: [fd: I32, ri_data: Ptr, ri_data_len: I32, ri_flags: I32, ro_datalen: Ptr, ro_flags: Ptr],
    sock_send => misc::sock_send: [fd: I32, si_data: Ptr, si_data_len: I32, si_flags: I32, so_datalen: Ptr],
    sock_shutdown => misc::sock_shutdown: [fd: I32, how: I32],
};

/// The functions whose preview0 (`wasi_unstable`) form differs.
const PREVIEW0_OVERRIDES: &[Def] = defs! {
    fd_seek => preview0::fd_seek: [fd: I32, offset: I64, whence: I32, newoffset: Ptr],
    poll_oneoff => preview0::poll_oneoff: [in_: Ptr, out: Ptr, nsubscriptions: I32, nevents: Ptr],
};

/// The definition of `name` in WASI module `module`, if it is one.
pub fn lookup(module: &str, name: &str) -> Option<(&'static Def, bool)> {
    let preview0 = match module {
        "wasi_snapshot_preview1" => false,
        "wasi_unstable" => true,
        _ => return None,
    };
    let over = if preview0 {
        PREVIEW0_OVERRIDES.iter().find(|d| d.name == name)
    } else {
        None
    };
    let def = over.or_else(|| PREVIEW1.iter().find(|d| d.name == name))?;
    // preview0 has no sockets.
    if preview0 && def.name.starts_with("sock_") {
        return None;
    }
    Some((def, preview0))
}

/// The Wasm type of a definition: all params i32/i64, result errno i32
/// (`proc_exit` returns nothing).
pub fn func_type(def: &Def) -> FuncType {
    let params = def.params.iter().map(|(_, p)| match p {
        P::I64 => ValType::I64,
        _ => ValType::I32,
    });
    let results: &[ValType] = if def.name == "proc_exit" {
        &[]
    } else {
        &[ValType::I32]
    };
    FuncType::new(params, results.iter().copied())
}

fn show_args(def: &Def, a: &[u64]) -> String {
    let parts: Vec<String> = def
        .params
        .iter()
        .zip(a)
        .map(|((n, p), v)| match p {
            P::Ptr => format!("{}={:#x}", n.trim_end_matches('_'), v),
            P::I32 => format!("{}={}", n, *v as u32 as i32),
            P::I64 => format!("{}={}", n, *v as i64),
        })
        .collect();
    parts.join(", ")
}

/// Makes the host function for `def`, serving `state`.
pub fn host_func(
    store: &mut Store,
    def: &'static Def,
    preview0: bool,
    state: Arc<Mutex<WasiState>>,
) -> crate::Result<Func> {
    let ty = func_type(def);
    Func::new(
        store,
        ty,
        move |mut caller: Caller<'_>, params: &[Val], results: &mut [Val]| {
            let mut args = [0u64; 10];
            for (slot, v) in args.iter_mut().zip(params) {
                *slot = match v {
                    Val::I32(x) => *x as u32 as u64,
                    Val::I64(x) => *x as u64,
                    _ => 0,
                };
            }
            let args = &args[..params.len()];
            let memory = caller
                .get_export("memory")
                .and_then(|e| e.into_memory())
                .ok_or_else(|| {
                    Trap::new(format!(
                        "WASI function {} needs an exported memory",
                        def.name
                    ))
                })?;
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            let tracing = st.trace;
            let deadline = caller.store().epoch_deadline().map(|at| Deadline {
                engine: caller.store().engine().clone(),
                at,
            });
            let bytes = memory.data_mut(caller.store());
            let mut call = Call {
                st: &mut st,
                mem: GuestMem::new(bytes),
                trace: tracing.then(Vec::new),
                preview0,
                exit: None,
                deadline,
                interrupted: false,
            };
            let r = (def.imp)(&mut call, args);
            let errno = match r {
                Ok(()) => Errno::SUCCESS,
                Err(e) => e,
            };
            let (exit, written) = (call.exit, call.trace.take());
            // A deadline that passed while the call blocked (or ran) stops
            // the program here, as it would at the next loop in Wasm.
            let interrupted = call.interrupted
                || exit.is_none() && call.deadline.as_ref().is_some_and(Deadline::passed);
            drop(call);
            if let Some(written) = written {
                let mut line = format!("{}({})", def.name, show_args(def, args));
                if let Some(code) = exit {
                    line.push_str(&format!(" -> exit({code})"));
                } else {
                    line.push_str(" -> ");
                    for (n, v) in &written {
                        line.push_str(&format!("{n}={v}, "));
                    }
                    line.push_str(&format!("errno={}", errno.name()));
                }
                eprintln!("{line}");
            }
            if let Some(code) = exit {
                return Err(Trap::exit(code));
            }
            if interrupted {
                return Err(Trap::from_code(crate::TrapCode::Interrupt, Vec::new()));
            }
            if let Some(r) = results.first_mut() {
                *r = Val::I32(errno.0 as i32);
            }
            Ok(())
        },
    )
}
