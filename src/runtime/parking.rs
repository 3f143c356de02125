//! `memory.atomic.wait32`/`wait64` and `memory.atomic.notify`: threads
//! waiting on an address of a shared memory, and wake-ups, process-wide.
//!
//! Waiters queue per host address (shared memories never move, so the
//! address names the same Wasm location in every store). The value check
//! and the enqueueing happen under the same lock that `notify` takes, so a
//! notify between a waiter's check and its sleep cannot be lost.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What a wait ended with: the values Wasm sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitResult {
    /// Woken by a notify.
    Ok = 0,
    /// The memory did not hold the expected value.
    NotEqual = 1,
    /// The timeout passed first.
    TimedOut = 2,
    /// The program this thread belongs to ended meanwhile (see
    /// `set_cancel`): the wait is abandoned.
    Cancelled = 3,
}

/// How often a cancellable wait looks at its flag.
const CANCEL_POLL: Duration = Duration::from_millis(20);

thread_local! {
    /// Set while this thread runs a program whose other threads can end
    /// it: its waits end (`Cancelled`) once the flag is set.
    static CANCEL: std::cell::RefCell<Option<Arc<AtomicBool>>> = const { std::cell::RefCell::new(None) };
}

/// Makes this thread's waits end once `flag` is set (`None`: never);
/// returns the previous setting.
pub fn set_cancel(flag: Option<Arc<AtomicBool>>) -> Option<Arc<AtomicBool>> {
    CANCEL.with(|c| std::mem::replace(&mut *c.borrow_mut(), flag))
}

fn cancelled(flag: &Option<Arc<AtomicBool>>) -> bool {
    flag.as_ref().is_some_and(|f| f.load(Ordering::Acquire))
}

struct Waiter {
    /// Set by `notify`; read and written with `LOT` locked.
    woken: AtomicBool,
    cv: Condvar,
}

type Lot = HashMap<usize, VecDeque<Arc<Waiter>>>;

fn lot() -> MutexGuard<'static, Lot> {
    static LOT: LazyLock<Mutex<Lot>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    // A poisoned lot only means a waiter panicked; the map is consistent.
    LOT.lock().unwrap_or_else(|e| e.into_inner())
}

/// The value at `addr` now, 32- or 64-bit.
///
/// # Safety
/// `addr` is aligned and inside a live shared memory.
unsafe fn load(addr: usize, wide: bool) -> u64 {
    // SAFETY: the caller's contract; shared memory is accessed atomically.
    unsafe {
        if wide {
            AtomicU64::from_ptr(addr as *mut u64).load(Ordering::SeqCst)
        } else {
            u64::from(AtomicU32::from_ptr(addr as *mut u32).load(Ordering::SeqCst))
        }
    }
}

/// Waits at `addr` while it holds `expected` (32-bit unless `wide`), until
/// notified or `timeout` passes (`None`: forever). With `stop`, the wait
/// also ends (`Cancelled`) once `stop()` is true (looked at every 20 ms):
/// the store's epoch deadline, so a guest waiting for ever still stops.
///
/// # Safety
/// `addr` is aligned and inside a shared memory that outlives the wait.
pub unsafe fn wait(
    addr: usize,
    expected: u64,
    wide: bool,
    timeout: Option<Duration>,
    stop: Option<&dyn Fn() -> bool>,
) -> WaitResult {
    let deadline = timeout.map(|t| Instant::now().checked_add(t));
    let flag = CANCEL.with(|c| c.borrow().clone());
    let polled = flag.is_some() || stop.is_some();
    let cancel = || cancelled(&flag) || stop.is_some_and(|s| s());
    if cancel() {
        return WaitResult::Cancelled;
    }
    let mut guard = lot();
    // SAFETY: the caller's contract.
    if unsafe { load(addr, wide) } != expected {
        return WaitResult::NotEqual;
    }
    let me = Arc::new(Waiter {
        woken: AtomicBool::new(false),
        cv: Condvar::new(),
    });
    guard.entry(addr).or_default().push_back(me.clone());
    loop {
        if me.woken.load(Ordering::Relaxed) {
            return WaitResult::Ok;
        }
        let now = Instant::now();
        let (timed_out, is_cancelled) = (
            matches!(deadline, Some(Some(at)) if now >= at),
            cancel(),
        );
        if timed_out || is_cancelled {
            // Leave the queue: a later notify must not count us.
            if let Some(q) = guard.get_mut(&addr) {
                q.retain(|w| !Arc::ptr_eq(w, &me));
                if q.is_empty() {
                    guard.remove(&addr);
                }
            }
            return if is_cancelled {
                WaitResult::Cancelled
            } else {
                WaitResult::TimedOut
            };
        }
        // No timeout, or one too far to represent: forever, looking at the
        // cancel flag now and then when there is one.
        let mut slice = match deadline {
            Some(Some(at)) => Some(at - now),
            _ => None,
        };
        if polled {
            slice = Some(slice.map_or(CANCEL_POLL, |s| s.min(CANCEL_POLL)));
        }
        guard = match slice {
            None => me.cv.wait(guard).unwrap_or_else(|e| e.into_inner()),
            Some(d) => me.cv.wait_timeout(guard, d).unwrap_or_else(|e| e.into_inner()).0,
        };
    }
}

/// Wakes up to `count` threads waiting at `addr`, oldest first; returns
/// how many it woke.
pub fn notify(addr: usize, count: u32) -> u32 {
    let mut guard = lot();
    let Some(q) = guard.get_mut(&addr) else {
        return 0;
    };
    let mut woken = 0;
    while woken < count {
        let Some(w) = q.pop_front() else { break };
        w.woken.store(true, Ordering::Relaxed);
        w.cv.notify_one();
        woken += 1;
    }
    if q.is_empty() {
        guard.remove(&addr);
    }
    woken
}
