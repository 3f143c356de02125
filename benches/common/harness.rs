//! Helpers every benchmark with a native baseline shares: the native
//! library, opened with dlopen, and best-of-N timing.

use std::ffi::{CStr, CString, c_void};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

/// The native baseline library, opened with dlopen. Never closed: the
/// function pointers taken from it live until the process exits.
pub struct NativeLib {
    handle: *mut c_void,
    path: String,
}

impl NativeLib {
    pub fn open(path: &Path) -> NativeLib {
        let cpath = CString::new(path.as_os_str().as_bytes()).expect("library path has a NUL byte");
        // SAFETY: a NUL-terminated path; dlopen runs the library's
        // initialisers, which are plain C kernels with none of their own.
        let handle = unsafe { libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            panic!("dlopen({}) failed: {}", path.display(), last_dl_error());
        }
        NativeLib {
            handle,
            path: path.display().to_string(),
        }
    }

    /// Looks up `name` and returns it as the function-pointer type `F`.
    ///
    /// # Safety
    /// `F` must be an `extern "C" fn` type matching the symbol's C signature.
    pub unsafe fn func<F: Copy>(&self, name: &str) -> F {
        assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
        let cname = CString::new(name).unwrap();
        // SAFETY: a live handle from dlopen and a NUL-terminated name.
        let ptr = unsafe { libc::dlsym(self.handle, cname.as_ptr()) };
        if ptr.is_null() {
            panic!("dlsym({}, {name}) failed: {}", self.path, last_dl_error());
        }
        // SAFETY: `F` is a function pointer of pointer size (asserted) with
        // the symbol's signature (this function's contract).
        unsafe { std::mem::transmute_copy::<*mut c_void, F>(&ptr) }
    }
}

fn last_dl_error() -> String {
    // SAFETY: dlerror has no preconditions.
    let msg = unsafe { libc::dlerror() };
    if msg.is_null() {
        "unknown error".to_string()
    } else {
        // SAFETY: non-NULL dlerror results are NUL-terminated strings,
        // valid until the next dl* call; copied out at once.
        unsafe { CStr::from_ptr(msg) }
            .to_string_lossy()
            .into_owned()
    }
}

/// Best wall-clock time of `runs` runs of `f`.
pub fn best_of<E>(runs: usize, mut f: impl FnMut() -> Result<(), E>) -> Result<Duration, E> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}
