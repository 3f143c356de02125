//! Unix signal handling for traps, the alternate signal stack, and the
//! memory-mapping calls the runtime needs.

use crate::runtime::trap;
use std::cell::Cell;
use std::sync::Once;

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The handlers that were installed before ours, to chain to.
static mut PREVIOUS: [std::mem::MaybeUninit<libc::sigaction>; 4] =
    [std::mem::MaybeUninit::uninit(); 4];
static INSTALL: Once = Once::new();

/// Installs the trap handlers once per process.
pub fn install_handlers() {
    INSTALL.call_once(|| {
        for (i, sig) in SIGNALS.iter().enumerate() {
            // SAFETY: sigaction with a zeroed, fully initialised struct; the
            // previous action is stored before any signal can use it,
            // because `Once` runs this before any Wasm code exists.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                libc::sigemptyset(&mut action.sa_mask);
                let prev = &raw mut PREVIOUS[i];
                if libc::sigaction(*sig, &action, (*prev).as_mut_ptr()) != 0 {
                    panic!("wasi-rt: cannot install the handler for signal {sig}");
                }
            }
        }
    });
}

/// (pc, frame pointer) of the interrupted context.
///
/// # Safety
/// `ctx` must be the `ucontext_t` passed to a signal handler.
unsafe fn pc_and_fp(ctx: *mut libc::c_void) -> (usize, usize) {
    // SAFETY: per the contract, `ctx` points at a valid ucontext_t.
    unsafe {
        let uc = &*(ctx as *const libc::ucontext_t);
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        {
            (
                uc.uc_mcontext.gregs[libc::REG_RIP as usize] as usize,
                uc.uc_mcontext.gregs[libc::REG_RBP as usize] as usize,
            )
        }
        #[cfg(all(target_os = "linux", target_arch = "aarch64"))]
        {
            (uc.uc_mcontext.pc as usize, uc.uc_mcontext.regs[29] as usize)
        }
    }
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    if trap::in_wasm() {
        // SAFETY: `ctx` is the kernel-provided context of this signal.
        let (pc, fp) = unsafe { pc_and_fp(ctx) };
        if let Some(code) = crate::runtime::code::lookup_trap(pc) {
            // SAFETY: the fault is at a known trapping instruction of Wasm
            // code on this thread, which is inside `trap::call`.
            unsafe { trap::raise_from_signal(code, pc, fp) }
        }
    }
    // Not ours: hand it to whoever was installed before us.
    let i = SIGNALS.iter().position(|s| *s == sig).unwrap_or(0);
    // SAFETY: PREVIOUS[i] was initialised by `install_handlers` before our
    // handler could run.
    unsafe {
        let prev = &*(&raw const PREVIOUS[i]).cast::<libc::sigaction>();
        if prev.sa_flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(prev.sa_sigaction);
            f(sig, info, ctx);
        } else if prev.sa_sigaction == libc::SIG_DFL || prev.sa_sigaction == libc::SIG_IGN {
            // Restore the default and return: the faulting instruction runs
            // again and the default action (usually termination) happens.
            libc::sigaction(sig, prev, std::ptr::null_mut());
        } else {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(prev.sa_sigaction);
            f(sig);
        }
    }
}

const ALT_STACK_SIZE: usize = 64 * 1024;

struct AltStack {
    mapping: *mut libc::c_void,
}

impl Drop for AltStack {
    fn drop(&mut self) {
        if !self.mapping.is_null() {
            // SAFETY: disable our alternate stack before unmapping it.
            unsafe {
                let mut ss: libc::stack_t = std::mem::zeroed();
                ss.ss_flags = libc::SS_DISABLE;
                libc::sigaltstack(&ss, std::ptr::null_mut());
                libc::munmap(self.mapping, ALT_STACK_SIZE);
            }
        }
    }
}

thread_local! {
    /// This thread's stack floor once the thread is ready (0: not yet).
    static READY: Cell<usize> = const { Cell::new(0) };
    static ALT_STACK: std::cell::RefCell<Option<AltStack>> = const { std::cell::RefCell::new(None) };
}

/// Makes sure handlers are installed and this thread has an alternate
/// signal stack large enough for our handler. Returns the lowest address
/// of this thread's stack (1 when the system cannot tell).
pub fn ensure_thread_ready() -> usize {
    let floor = READY.with(|r| r.get());
    if floor != 0 {
        return floor;
    }
    install_handlers();
    // SAFETY: querying and setting this thread's alternate signal stack;
    // the mapping we install is owned by a thread-local that frees it.
    unsafe {
        let mut old: libc::stack_t = std::mem::zeroed();
        libc::sigaltstack(std::ptr::null(), &mut old);
        if old.ss_flags & libc::SS_DISABLE != 0 || old.ss_size < ALT_STACK_SIZE / 2 {
            let mapping = libc::mmap(
                std::ptr::null_mut(),
                ALT_STACK_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if mapping != libc::MAP_FAILED {
                let ss = libc::stack_t {
                    ss_sp: mapping,
                    ss_flags: 0,
                    ss_size: ALT_STACK_SIZE,
                };
                libc::sigaltstack(&ss, std::ptr::null_mut());
                ALT_STACK.with(|a| *a.borrow_mut() = Some(AltStack { mapping }));
            }
        }
    }
    let floor = stack_floor().unwrap_or(1);
    READY.with(|r| r.set(floor));
    floor
}

/// The lowest usable address of the calling thread's stack (above its
/// guard page), from the thread's attributes.
fn stack_floor() -> Option<usize> {
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is
    // read and destroyed afterwards; the out-parameters are plain locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (rc == 0 && !addr.is_null()).then_some(addr as usize)
    }
}

/// A `PROT_NONE` reservation of address space whose first `accessible`
/// bytes are readable and writable.
pub struct Reservation {
    pub base: *mut u8,
    pub len: usize,
    accessible: usize,
}

// SAFETY: a reservation is plain address space owned by this value; nothing
// in it is tied to the thread that mapped it.
unsafe impl Send for Reservation {}

impl Reservation {
    /// Reserves `len` bytes of inaccessible address space.
    pub fn new(len: usize) -> std::io::Result<Reservation> {
        // SAFETY: anonymous mapping request; the result is checked.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Reservation {
            base: p as *mut u8,
            len,
            accessible: 0,
        })
    }

    /// Makes exactly `[0, len)` readable and writable (`len` a multiple of
    /// the OS page size, at most the reservation's length): the part
    /// beyond it becomes inaccessible again. No system call when `len` is
    /// already the accessible length.
    pub fn set_accessible(&mut self, len: usize) -> std::io::Result<()> {
        assert!(len <= self.len, "accessible length beyond the reservation");
        let (from, to, prot) = match len.cmp(&self.accessible) {
            std::cmp::Ordering::Equal => return Ok(()),
            std::cmp::Ordering::Greater => {
                (self.accessible, len, libc::PROT_READ | libc::PROT_WRITE)
            }
            std::cmp::Ordering::Less => (len, self.accessible, libc::PROT_NONE),
        };
        // SAFETY: [from, to) lies inside our own reservation.
        let rc =
            unsafe { libc::mprotect(self.base.add(from) as *mut libc::c_void, to - from, prot) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        self.accessible = len;
        Ok(())
    }

    /// How many bytes from the start are readable and writable.
    pub fn accessible(&self) -> usize {
        self.accessible
    }

    /// Drops the contents of the accessible bytes: they read as zero from
    /// now on, and their physical pages go back to the OS.
    pub fn discard_contents(&mut self) -> std::io::Result<()> {
        if self.accessible == 0 {
            return Ok(());
        }
        // SAFETY: the range is our own private anonymous mapping, which
        // MADV_DONTNEED refills with zero pages on the next access.
        let rc = unsafe {
            libc::madvise(
                self.base as *mut libc::c_void,
                self.accessible,
                libc::MADV_DONTNEED,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the reservation this value owns.
        unsafe {
            libc::munmap(self.base as *mut libc::c_void, self.len);
        }
    }
}
