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
}

impl Call<'_> {
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
