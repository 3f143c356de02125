//! `memory.atomic.wait32`/`wait64` and `memory.atomic.notify`: threads
//! waiting on an address of a shared memory, and wake-ups, process-wide.
//!
//! Waiters queue per host address (shared memories never move, so the
//! address names the same Wasm location in every store). The value check
//! and the enqueueing happen under the same lock that `notify` takes, so a
//! notify between a waiter's check and its sleep cannot be lost.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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
}

struct Waiter {
    woken: std::cell::Cell<bool>,
    cv: Condvar,
}

// SAFETY: `woken` is only read or written with `LOT` locked.
unsafe impl Sync for Waiter {}
// SAFETY: as above.
unsafe impl Send for Waiter {}

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
/// notified or `timeout` passes (`None`: forever).
///
/// # Safety
/// `addr` is aligned and inside a shared memory that outlives the wait.
pub unsafe fn wait(addr: usize, expected: u64, wide: bool, timeout: Option<Duration>) -> WaitResult {
    let deadline = timeout.map(|t| Instant::now().checked_add(t));
    let mut guard = lot();
    // SAFETY: the caller's contract.
    if unsafe { load(addr, wide) } != expected {
        return WaitResult::NotEqual;
    }
    let me = Arc::new(Waiter {
        woken: std::cell::Cell::new(false),
        cv: Condvar::new(),
    });
    guard.entry(addr).or_default().push_back(me.clone());
    loop {
        if me.woken.get() {
            return WaitResult::Ok;
        }
        guard = match deadline {
            // No timeout, or one too far to represent: forever.
            None | Some(None) => me.cv.wait(guard).unwrap_or_else(|e| e.into_inner()),
            Some(Some(at)) => {
                let now = Instant::now();
                if now >= at {
                    // Leave the queue: a later notify must not count us.
                    if let Some(q) = guard.get_mut(&addr) {
                        q.retain(|w| !Arc::ptr_eq(w, &me));
                        if q.is_empty() {
                            guard.remove(&addr);
                        }
                    }
                    return WaitResult::TimedOut;
                }
                me.cv.wait_timeout(guard, at - now).unwrap_or_else(|e| e.into_inner()).0
            }
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
        w.woken.set(true);
        w.cv.notify_one();
        woken += 1;
    }
    if q.is_empty() {
        guard.remove(&addr);
    }
    woken
}
