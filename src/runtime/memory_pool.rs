//! A process-wide cache of linear-memory reservations.
//!
//! Reserving 8 GiB of address space and unmapping it again costs more than
//! everything else in a small instantiation (page tables are built and torn
//! down each time). A memory that dies gives its reservation back here
//! with its contents discarded (`MADV_DONTNEED`: zero on the next touch,
//! physical pages returned) and its accessible length kept (up to 1 MiB),
//! so the next small memory of the same size needs no system call at all
//! to start.

use super::sys::Reservation;
use std::sync::Mutex;

/// At most this many idle reservations are kept: 8 TiB of the 128 TiB user
/// address space, and no physical memory beyond their page tables.
const CAPACITY: usize = 1024;

/// An idle reservation keeps at most this much accessible (and counted
/// against the system's commit limit); a larger memory's is made
/// inaccessible again when it comes back.
const KEEP_ACCESSIBLE: usize = 1 << 20;

static IDLE: Mutex<Vec<Reservation>> = Mutex::new(Vec::new());

fn idle() -> std::sync::MutexGuard<'static, Vec<Reservation>> {
    // A panic while holding the lock cannot leave the Vec inconsistent.
    IDLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A zero-filled reservation of `len` bytes: an idle one, else a new one.
/// Its accessible length is whatever it had; the caller sets it.
pub fn take(len: usize) -> std::io::Result<Reservation> {
    let reused = {
        let mut idle = idle();
        let found = idle.iter().rposition(|r| r.len == len);
        found.map(|i| idle.swap_remove(i))
    };
    match reused {
        Some(r) => Ok(r),
        None => Reservation::new(len),
    }
}

/// Takes back a reservation nothing refers to any more. It is unmapped
/// instead when the cache is full or its contents cannot be discarded.
pub fn give_back(mut r: Reservation) {
    if r.discard_contents().is_err() {
        return;
    }
    if r.accessible() > KEEP_ACCESSIBLE && r.set_accessible(0).is_err() {
        return;
    }
    let mut idle = idle();
    if idle.len() < CAPACITY {
        idle.push(r);
    }
}
