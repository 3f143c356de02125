//! `wasi_unstable` (preview0): a thin adapter over preview1. It differs in
//! the filestat layout (32-bit `nlink`), the `whence` numbering of
//! `fd_seek`, and the clock subscription of `poll_oneoff` (which carries an
//! extra `identifier`). Everything else is shared.

use super::abi::{SUBSCRIPTION_CLOCK_ABSTIME, eventtype};
use super::call::Call;
use super::errno::{Errno, WasiResult};
use super::fs::Filestat;
use super::misc::{Sub, poll, write_events};

/// Writes the preview0 filestat (56 bytes).
pub fn write_filestat(c: &mut Call<'_>, st: &Filestat, ptr: u32) -> WasiResult<()> {
    c.mem.check_record(ptr, 56, 8)?;
    c.mem.slice_mut(ptr, 56)?.fill(0);
    c.mem.write_u64(ptr, st.dev)?;
    c.mem.write_u64(ptr + 8, st.ino)?;
    c.mem.write_u8(ptr + 16, st.filetype)?;
    c.mem
        .write_u32(ptr + 20, st.nlink.min(u32::MAX as u64) as u32)?;
    c.mem.write_u64(ptr + 24, st.size)?;
    c.mem.write_u64(ptr + 32, st.atim)?;
    c.mem.write_u64(ptr + 40, st.mtim)?;
    c.mem.write_u64(ptr + 48, st.ctim)?;
    c.wrote("filetype", st.filetype);
    c.wrote("size", st.size);
    Ok(())
}

/// `fd_seek(fd, offset, whence, newoffset)` with preview0 whence
/// (CUR=0, END=1, SET=2).
pub fn fd_seek(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let whence = match a[2] as u8 {
        0 => 1,
        1 => 2,
        2 => 0,
        _ => return Err(Errno::INVAL),
    };
    c.mem.check_record(a[3] as u32, 8, 8)?;
    let n = super::fs::seek(c, a[0] as u32, a[1] as i64, whence)?;
    c.out_u64("newoffset", a[3] as u32, n)
}

/// `poll_oneoff` with 56-byte preview0 subscriptions.
pub fn poll_oneoff(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let (inp, out, n, nevents) = (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32);
    c.mem
        .check_record(inp, n.checked_mul(56).ok_or(Errno::FAULT)?, 8)?;
    c.mem
        .check_record(out, n.checked_mul(32).ok_or(Errno::FAULT)?, 8)?;
    c.mem.check_record(nevents, 4, 4)?;
    let mut subs = Vec::new();
    for i in 0..n {
        let p = inp + 56 * i;
        let ud = c.mem.read_u64(p)?;
        subs.push(match c.mem.read_u8(p + 8)? {
            eventtype::CLOCK => Sub::Clock(
                ud,
                c.mem.read_u32(p + 24)?,
                c.mem.read_u64(p + 32)?,
                c.mem.read_u16(p + 48)? & SUBSCRIPTION_CLOCK_ABSTIME != 0,
            ),
            t @ (eventtype::FD_READ | eventtype::FD_WRITE) => {
                Sub::Fd(ud, c.mem.read_u32(p + 16)?, t)
            }
            _ => return Err(Errno::INVAL),
        });
    }
    let events = poll(c, &subs)?;
    write_events(c, out, nevents, &events)
}
