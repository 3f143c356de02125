//! One WASI call in progress: the state, the guest's memory, and (when
//! tracing) the values written back to the guest.

use super::errno::WasiResult;
use super::fs::Filestat;
use super::guest::GuestMem;
use super::state::WasiState;
use std::fmt::Display;

/// Everything a WASI function implementation works with.
pub struct Call<'a> {
    pub st: &'a mut WasiState,
    pub mem: GuestMem<'a>,
    /// Values written back, recorded only when tracing.
    pub trace: Option<Vec<(&'static str, String)>>,
    /// Whether the caller imported `wasi_unstable` (preview0 layouts).
    pub preview0: bool,
    /// Set by `proc_exit`.
    pub exit: Option<i32>,
    /// The store's epoch deadline, when one is set: blocking waits are cut
    /// into slices and end once it passes.
    pub deadline: Option<Deadline>,
    /// Set when a wait ended because the deadline passed: the call then
    /// traps with "interrupted" instead of returning.
    pub interrupted: bool,
}

/// A store's epoch deadline, seen from a host function.
pub struct Deadline {
    pub engine: crate::Engine,
    pub at: u64,
}

impl Deadline {
    /// Whether the engine's epoch has reached the deadline.
    pub fn passed(&self) -> bool {
        self.engine.current_epoch() >= self.at
    }
}

/// The longest a blocking wait sleeps before it looks at the deadline.
pub const WAIT_SLICE_MS: u64 = 50;

impl Call<'_> {
    /// Waits until host fd `fd` has one of `events` (a `poll` mask) or
    /// the deadline passes (then `interrupted` is set and the result is
    /// INTR). Without a deadline it returns at once: the operation itself
    /// then blocks, as the guest asked.
    pub fn wait_fd(&mut self, fd: std::os::fd::RawFd, events: i16) -> WasiResult<()> {
        let Some(deadline) = &self.deadline else {
            return Ok(());
        };
        loop {
            if deadline.passed() {
                self.interrupted = true;
                return Err(super::errno::Errno::INTR);
            }
            let mut p = libc::pollfd {
                fd,
                events,
                revents: 0,
            };
            // SAFETY: poll over one pollfd we own.
            let n = unsafe { libc::poll(&mut p, 1, WAIT_SLICE_MS as i32) };
            if n != 0 {
                // Ready, or an error the operation itself will report.
                return Ok(());
            }
        }
    }

    /// Records a value written back (for the trace; free when not tracing).
    pub fn wrote(&mut self, name: &'static str, v: impl Display) {
        if let Some(t) = &mut self.trace {
            t.push((name, v.to_string()));
        }
    }
    /// Writes a `u32` result to the guest and records it.
    pub fn out_u32(&mut self, name: &'static str, ptr: u32, v: u32) -> WasiResult<()> {
        self.mem.write_u32(ptr, v)?;
        self.wrote(name, v);
        Ok(())
    }
    /// Writes a `u64` result to the guest and records it.
    pub fn out_u64(&mut self, name: &'static str, ptr: u32, v: u64) -> WasiResult<()> {
        self.mem.write_u64(ptr, v)?;
        self.wrote(name, v);
        Ok(())
    }
    /// Writes a filestat in the layout of the module being served.
    pub fn write_filestat(&mut self, st: &Filestat, ptr: u32) -> WasiResult<()> {
        if self.preview0 {
            super::preview0::write_filestat(self, st, ptr)
        } else {
            st.write(self, ptr)
        }
    }
}
