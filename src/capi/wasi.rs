//! WASI configuration for C hosts, with Wasmtime's `wasi_config_*` names
//! and signatures so code ports without edits, plus wasi-rt's in-memory
//! output capture.

use super::guard;
use super::vec::wasm_byte_vec_t;
use crate::wasi::{OutputBuffer, OutputSink, StdinSource, WasiCtxBuilder};
use std::ffi::{CStr, c_char, c_void};
use std::io::Write;

/// A WASI configuration (opaque): arguments, environment, stdio and
/// preopened directories. By default a program gets no arguments, an empty
/// environment, no stdin (end of file), discarded stdout and stderr, and no
/// directories.
pub struct wasi_config_t {
    pub(crate) builder: WasiCtxBuilder,
}

/// An in-memory buffer that captures a program's stdout or stderr
/// (opaque; see `wasi_rt_config_capture_stdout`).
pub struct wasi_rt_output_t {
    buffer: OutputBuffer,
}

unsafe fn cstr<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null pointer is a NUL-terminated C string (caller contract).
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// A new configuration with the defaults above; own (delete with
/// `wasi_config_delete`, or hand it over to `wasi_rt_linker_define_wasi`).
#[unsafe(no_mangle)]
pub extern "C" fn wasi_config_new() -> *mut wasi_config_t {
    guard(std::ptr::null_mut(), || {
        let mut builder = WasiCtxBuilder::new();
        builder
            .stdin(StdinSource::Null)
            .stdout(OutputSink::Null)
            .stderr(OutputSink::Null);
        Box::into_raw(Box::new(wasi_config_t { builder }))
    })
}

/// Deletes a configuration (own). NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_delete(c: *mut wasi_config_t) {
    if !c.is_null() {
        // SAFETY: owned, from wasi_config_new.
        drop(unsafe { Box::from_raw(c) });
    }
}

/// Sets the program's arguments (copied; `argv[0]` is the program name).
/// False (nothing changed) when an argument is NULL or not UTF-8, or
/// `config` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_argv(
    config: *mut wasi_config_t,
    argc: usize,
    argv: *const *const c_char,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or a live config; `argv` holds `argc` C strings.
        let Some(c) = (unsafe { config.as_mut() }) else {
            return false;
        };
        let mut args = Vec::with_capacity(argc);
        for i in 0..argc {
            // SAFETY: as above.
            match unsafe { cstr(*argv.add(i)) } {
                Some(a) => args.push(a.to_string()),
                None => return false,
            }
        }
        c.builder.set_args(args);
        true
    })
}

/// Uses this process's own arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_inherit_argv(config: *mut wasi_config_t) {
    guard((), || {
        // SAFETY: NULL or a live config.
        if let Some(c) = unsafe { config.as_mut() } {
            c.builder.set_args(std::env::args().collect());
        }
    })
}

/// Sets environment variables (copied; `names` and `values` have `envc`
/// entries). False (nothing changed) when one is NULL or not UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_env(
    config: *mut wasi_config_t,
    envc: usize,
    names: *const *const c_char,
    values: *const *const c_char,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or a live config; arrays of `envc` C strings.
        let Some(c) = (unsafe { config.as_mut() }) else {
            return false;
        };
        let mut pairs = Vec::with_capacity(envc);
        for i in 0..envc {
            // SAFETY: as above.
            match unsafe { (cstr(*names.add(i)), cstr(*values.add(i))) } {
                (Some(k), Some(v)) => pairs.push((k.to_string(), v.to_string())),
                _ => return false,
            }
        }
        for (k, v) in pairs {
            c.builder.env(k, v);
        }
        true
    })
}

/// Passes this process's whole environment through.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_inherit_env(config: *mut wasi_config_t) {
    guard((), || {
        // SAFETY: NULL or a live config.
        if let Some(c) = unsafe { config.as_mut() } {
            c.builder.inherit_env();
        }
    })
}

/// Reads stdin from the file at `path`; false when it cannot be opened.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_stdin_file(
    config: *mut wasi_config_t,
    path: *const c_char,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live arguments.
        let (Some(c), Some(p)) = (unsafe { config.as_mut() }, unsafe { cstr(path) }) else {
            return false;
        };
        match std::fs::File::open(p) {
            Ok(f) => {
                c.builder.stdin(StdinSource::File(f));
                true
            }
            Err(_) => false,
        }
    })
}

/// Serves these bytes as stdin; takes over `binary` (own; it is emptied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_stdin_bytes(
    config: *mut wasi_config_t,
    binary: *mut wasm_byte_vec_t,
) {
    guard((), || {
        // SAFETY: NULL or live arguments; the vector is ours now.
        let (Some(c), Some(b)) = (unsafe { config.as_mut() }, unsafe { binary.as_mut() }) else {
            return;
        };
        let bytes = b.as_slice().to_vec();
        // SAFETY: an own vector.
        unsafe { super::vec::wasm_byte_vec_delete(b) };
        c.builder.stdin(StdinSource::Bytes(bytes));
    })
}

/// Uses this process's stdin.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_inherit_stdin(config: *mut wasi_config_t) {
    guard((), || {
        // SAFETY: NULL or a live config.
        if let Some(c) = unsafe { config.as_mut() } {
            c.builder.stdin(StdinSource::Inherit);
        }
    })
}

fn create(path: *const c_char) -> Option<std::fs::File> {
    // SAFETY: NULL or a C string.
    std::fs::File::create(unsafe { cstr(path) }?).ok()
}

/// Writes stdout to the file at `path` (created or truncated); false when
/// it cannot be opened.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_stdout_file(
    config: *mut wasi_config_t,
    path: *const c_char,
) -> bool {
    // SAFETY: NULL or a live config.
    unsafe { set_output_file(config, path, true) }
}

/// Writes stderr to the file at `path`; false when it cannot be opened.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_stderr_file(
    config: *mut wasi_config_t,
    path: *const c_char,
) -> bool {
    // SAFETY: NULL or a live config.
    unsafe { set_output_file(config, path, false) }
}

/// Points stdout (or stderr) of `config` at a new file at `path`.
///
/// # Safety
/// `config` is NULL or a live config; `path` NULL or a C string.
unsafe fn set_output_file(config: *mut wasi_config_t, path: *const c_char, stdout: bool) -> bool {
    guard(false, || {
        // SAFETY: forwarded.
        let (Some(c), Some(f)) = (unsafe { config.as_mut() }, create(path)) else {
            return false;
        };
        if stdout {
            c.builder.stdout(OutputSink::File(f));
        } else {
            c.builder.stderr(OutputSink::File(f));
        }
        true
    })
}

/// Uses this process's stdout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_inherit_stdout(config: *mut wasi_config_t) {
    guard((), || {
        // SAFETY: NULL or a live config.
        if let Some(c) = unsafe { config.as_mut() } {
            c.builder.stdout(OutputSink::Inherit);
        }
    })
}

/// Uses this process's stderr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_inherit_stderr(config: *mut wasi_config_t) {
    guard((), || {
        // SAFETY: NULL or a live config.
        if let Some(c) = unsafe { config.as_mut() } {
            c.builder.stderr(OutputSink::Inherit);
        }
    })
}

/// The callback of `wasi_config_set_stdout_custom`: returns the number of
/// bytes it took, or a negative OS error code.
pub type wasi_output_callback_t =
    Option<unsafe extern "C" fn(*mut c_void, *const u8, usize) -> isize>;

struct CallbackWriter {
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> isize,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the writer is used by the one thread running the program; the
// host's data pointer is only handed back to the host's callback.
unsafe impl Send for CallbackWriter {}

impl Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the host's callback with a valid buffer.
        let n = unsafe { (self.callback)(self.data, buf.as_ptr(), buf.len()) };
        if n < 0 {
            Err(std::io::Error::from_raw_os_error(-n as i32))
        } else {
            Ok(n as usize)
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for CallbackWriter {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            // SAFETY: the finalizer the host registered for `data`.
            unsafe { f(self.data) };
        }
    }
}

fn custom(
    callback: wasi_output_callback_t,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<OutputSink> {
    Some(OutputSink::Writer(Box::new(CallbackWriter {
        callback: callback?,
        data,
        finalizer,
    })))
}

/// Sends stdout to `callback(data, bytes, len)`; `finalizer(data)` (may be
/// NULL) runs when the program's state is dropped. Ignored for a NULL
/// callback or config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_stdout_custom(
    config: *mut wasi_config_t,
    callback: wasi_output_callback_t,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: NULL or a live config.
    unsafe { set_custom(config, callback, data, finalizer, true) }
}

/// Sends stderr to a callback, as `wasi_config_set_stdout_custom`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_set_stderr_custom(
    config: *mut wasi_config_t,
    callback: wasi_output_callback_t,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: NULL or a live config.
    unsafe { set_custom(config, callback, data, finalizer, false) }
}

/// Points stdout (or stderr) of `config` at a host callback.
///
/// # Safety
/// `config` is NULL or a live config.
unsafe fn set_custom(
    config: *mut wasi_config_t,
    callback: wasi_output_callback_t,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
    stdout: bool,
) {
    guard((), || {
        // SAFETY: forwarded.
        let (Some(c), Some(sink)) = (
            unsafe { config.as_mut() },
            custom(callback, data, finalizer),
        ) else {
            return;
        };
        if stdout {
            c.builder.stdout(sink);
        } else {
            c.builder.stderr(sink);
        }
    })
}

/// Grants the host directory `host_path` to the program as `guest_path`;
/// read-write when `fs_mutable`, read-only otherwise. False when the
/// directory cannot be opened or an argument is NULL or not UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_config_preopen_dir(
    config: *mut wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    fs_mutable: bool,
) -> bool {
    guard(false, || {
        // SAFETY: NULL or live arguments.
        let (Some(c), Some(host), Some(guest)) = (
            unsafe { config.as_mut() },
            unsafe { cstr(host_path) },
            unsafe { cstr(guest_path) },
        ) else {
            return false;
        };
        if !std::path::Path::new(host).is_dir() {
            return false;
        }
        c.builder.preopen_dir(host, guest, !fs_mutable);
        true
    })
}

/// Serves wasi-threads programs (`wasi::thread-spawn`; on by default) or,
/// with `enable` false, refuses them at link time with an error naming it.
/// Nothing happens for a NULL config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_config_wasi_threads(config: *mut wasi_config_t, enable: bool) {
    // SAFETY: NULL or a live config (C contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.builder.threads(enable);
    }
}

/// Captures the program's stdout in memory: returns an own buffer (delete
/// with `wasi_rt_output_delete`) that fills as the program writes. NULL for
/// a NULL config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_config_capture_stdout(
    config: *mut wasi_config_t,
) -> *mut wasi_rt_output_t {
    // SAFETY: NULL or a live config.
    unsafe { capture(config, true) }
}

/// Captures the program's stderr in memory, as `wasi_rt_config_capture_stdout`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_config_capture_stderr(
    config: *mut wasi_config_t,
) -> *mut wasi_rt_output_t {
    // SAFETY: NULL or a live config.
    unsafe { capture(config, false) }
}

unsafe fn capture(config: *mut wasi_config_t, stdout: bool) -> *mut wasi_rt_output_t {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live config.
        let Some(c) = (unsafe { config.as_mut() }) else {
            return std::ptr::null_mut();
        };
        let buffer = OutputBuffer::new();
        if stdout {
            c.builder.stdout(OutputSink::Buffer(buffer.clone()));
        } else {
            c.builder.stderr(OutputSink::Buffer(buffer.clone()));
        }
        Box::into_raw(Box::new(wasi_rt_output_t { buffer }))
    })
}

/// Copies what was captured so far into `out` (own: delete with
/// `wasm_byte_vec_delete`). Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_output_contents(
    o: *const wasi_rt_output_t,
    out: *mut wasm_byte_vec_t,
) {
    guard((), || {
        // SAFETY: caller storage; NULL or a live buffer.
        let Some(out) = (unsafe { out.as_mut() }) else {
            return;
        };
        let bytes = unsafe { o.as_ref() }.map_or(Vec::new(), |o| o.buffer.contents());
        *out = wasm_byte_vec_t::from_vec(bytes);
    })
}

/// Caps what capture buffer `o` holds at `max_bytes` (`SIZE_MAX`: no cap,
/// the default). Once full, the program's writes to the stream fail with
/// `EFBIG` (one that only partly fits is cut short) and
/// `wasi_rt_output_overflowed` turns true. Bytes already held stay. NULL is
/// ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_output_limit(o: *const wasi_rt_output_t, max_bytes: usize) {
    // SAFETY: NULL or a live buffer.
    if let Some(o) = unsafe { o.as_ref() } {
        o.buffer
            .set_limit((max_bytes != usize::MAX).then_some(max_bytes));
    }
}

/// Whether the program wrote more than capture buffer `o` may hold (see
/// `wasi_rt_output_limit`), so some output was lost. False for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_output_overflowed(o: *const wasi_rt_output_t) -> bool {
    // SAFETY: NULL or a live buffer.
    unsafe { o.as_ref() }.is_some_and(|o| o.buffer.overflowed())
}

/// Deletes a capture buffer (own); the program may keep writing into its
/// own copy. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasi_rt_output_delete(o: *mut wasi_rt_output_t) {
    if !o.is_null() {
        // SAFETY: owned, from wasi_rt_config_capture_*.
        drop(unsafe { Box::from_raw(o) });
    }
}
