//! Moving bytes between guest memory and the host objects behind guest fds
//! (`fd_read`, `fd_pread`, `fd_write`, `fd_pwrite`, `sock_recv`,
//! `sock_send`). Host files, pipes and sockets read and write guest memory
//! directly (`readv`/`writev` over the guest's iovecs); in-memory objects
//! copy one iovec at a time. Nothing is staged in a host buffer whose size
//! the guest chooses: the iovec list itself is capped by
//! [`GuestMem::iovecs`].

use super::errno::{Errno, WasiResult};
use super::fdtable::{FdEntry, Handle, OutputSink, StdinSource};
use super::guest::GuestMem;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};

/// The kernel's view of checked guest iovecs.
fn host_iovecs(mem: &mut GuestMem<'_>, iovs: &[(u32, u32)]) -> Vec<libc::iovec> {
    iovs.iter()
        .map(|&(ptr, len)| libc::iovec {
            iov_base: mem.host_ptr(ptr).cast(),
            iov_len: len as usize,
        })
        .collect()
}

fn rc(n: isize) -> WasiResult<usize> {
    if n < 0 {
        Err(Errno::last())
    } else {
        Ok(n as usize)
    }
}

fn file_offset(offset: u64) -> WasiResult<libc::off_t> {
    libc::off_t::try_from(offset).map_err(|_| Errno::INVAL)
}

/// `readv`/`preadv` on a host fd straight into guest memory.
fn readv_fd(
    fd: RawFd,
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    offset: Option<u64>,
) -> WasiResult<usize> {
    if iovs.is_empty() {
        return Ok(0);
    }
    let v = host_iovecs(mem, iovs);
    // SAFETY: every iovec lies inside the guest's memory (checked by
    // `GuestMem::iovecs`), which stays mapped and unmoved for the whole
    // WASI call; the kernel writes only within them. There are at most
    // MAX_IOVS entries.
    let n = unsafe {
        match offset {
            Some(off) => libc::preadv(fd, v.as_ptr(), v.len() as i32, file_offset(off)?),
            None => libc::readv(fd, v.as_ptr(), v.len() as i32),
        }
    };
    rc(n)
}

/// `writev`/`pwritev` on a host fd straight from guest memory.
fn writev_fd(
    fd: RawFd,
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    offset: Option<u64>,
) -> WasiResult<usize> {
    if iovs.is_empty() {
        return Ok(0);
    }
    let v = host_iovecs(mem, iovs);
    // SAFETY: as in `readv_fd`; the kernel only reads the iovecs.
    let n = unsafe {
        match offset {
            Some(off) => libc::pwritev(fd, v.as_ptr(), v.len() as i32, file_offset(off)?),
            None => libc::writev(fd, v.as_ptr(), v.len() as i32),
        }
    };
    rc(n)
}

/// `recvmsg` (reading) or `sendmsg` (writing) on a socket, with `flags`.
/// Sending always adds `MSG_NOSIGNAL`: a peer that went away is EPIPE for
/// the guest, never a SIGPIPE that kills the host.
fn socket_msg(
    fd: RawFd,
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    send: bool,
    flags: libc::c_int,
) -> WasiResult<usize> {
    if iovs.is_empty() {
        return Ok(0);
    }
    let mut v = host_iovecs(mem, iovs);
    // SAFETY: a zeroed msghdr is valid (no address, no control data).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = v.as_mut_ptr();
    msg.msg_iovlen = v.len() as _;
    // SAFETY: as in `readv_fd`: the iovecs lie in guest memory that stays
    // mapped for the call.
    let n = unsafe {
        if send {
            libc::sendmsg(fd, &msg, flags | libc::MSG_NOSIGNAL)
        } else {
            libc::recvmsg(fd, &mut msg, flags)
        }
    };
    rc(n)
}

/// Copies guest iovecs, in order, into `write` (an in-memory writer), one
/// iovec at a time; stops at the first short write. An error after some
/// bytes went through ends the call with the count so far.
fn write_each(
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    mut write: impl FnMut(&[u8]) -> std::io::Result<usize>,
) -> WasiResult<usize> {
    let mut done = 0;
    for &(ptr, len) in iovs {
        let r = write(mem.slice(ptr, len)?);
        match r {
            Ok(n) => {
                done += n;
                if n < len as usize {
                    break;
                }
            }
            Err(_) if done > 0 => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

/// Reads from the object behind `e` into the guest's iovecs (at `offset`
/// for `fd_pread`). Returns the bytes read; 0 is end of file.
pub fn read(
    e: &mut FdEntry,
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    offset: Option<u64>,
) -> WasiResult<usize> {
    if let Some(off) = offset {
        return match &e.handle {
            Handle::File(f) => readv_fd(f.as_raw_fd(), mem, iovs, Some(off)),
            Handle::Dir { .. } => Err(Errno::ISDIR),
            _ => Err(Errno::SPIPE),
        };
    }
    match &mut e.handle {
        Handle::Stdin { source, pos } => match source {
            StdinSource::Inherit => readv_fd(libc::STDIN_FILENO, mem, iovs, None),
            StdinSource::File(f) => readv_fd(f.as_raw_fd(), mem, iovs, None),
            StdinSource::Null => Ok(0),
            StdinSource::Bytes(b) => {
                let mut done = 0;
                for &(ptr, len) in iovs {
                    let n = (len as usize).min(b.len() - *pos);
                    mem.slice_mut(ptr, n as u32)?
                        .copy_from_slice(&b[*pos..*pos + n]);
                    *pos += n;
                    done += n;
                    if *pos == b.len() {
                        break;
                    }
                }
                Ok(done)
            }
        },
        Handle::File(f) if !f.guest_position(e.flags) => readv_fd(f.as_raw_fd(), mem, iovs, None),
        Handle::File(f) => f.at_position(|fd, at| readv_fd(fd, mem, iovs, Some(at))),
        Handle::Stream(s) => socket_msg(s.as_raw_fd(), mem, iovs, false, 0),
        Handle::Dir { .. } => Err(Errno::ISDIR),
        Handle::Output { .. } | Handle::Listener(_) => Err(Errno::BADF),
    }
}

/// Writes the guest's iovecs to the object behind `e` (at `offset` for
/// `fd_pwrite`). Returns the bytes written, which may be fewer than asked.
pub fn write(
    e: &mut FdEntry,
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    offset: Option<u64>,
) -> WasiResult<usize> {
    if let Some(off) = offset {
        return match &e.handle {
            Handle::File(f) => writev_fd(f.as_raw_fd(), mem, iovs, Some(off)),
            Handle::Dir { .. } => Err(Errno::ISDIR),
            _ => Err(Errno::SPIPE),
        };
    }
    match &mut e.handle {
        Handle::Output { sink, host_fd } => match sink {
            OutputSink::Inherit => {
                // Whatever the host wrote through Rust's buffered stdout
                // goes first, so the two stay in order.
                if *host_fd == libc::STDOUT_FILENO {
                    let mut out = std::io::stdout().lock();
                    out.flush()?;
                    writev_fd(*host_fd, mem, iovs, None)
                } else {
                    let _err = std::io::stderr().lock();
                    writev_fd(*host_fd, mem, iovs, None)
                }
            }
            OutputSink::Null => Ok(iovs.iter().map(|v| v.1 as usize).sum()),
            OutputSink::Buffer(b) => write_each(mem, iovs, |bytes| b.push(bytes)),
            OutputSink::File(f) => writev_fd(f.as_raw_fd(), mem, iovs, None),
            OutputSink::Writer(w) => write_each(mem, iovs, |bytes| w.write(bytes)),
        },
        Handle::File(f) if !f.guest_position(e.flags) => writev_fd(f.as_raw_fd(), mem, iovs, None),
        Handle::File(f) => f.at_position(|fd, at| writev_fd(fd, mem, iovs, Some(at))),
        Handle::Stream(s) => socket_msg(s.as_raw_fd(), mem, iovs, true, 0),
        Handle::Dir { .. } => Err(Errno::ISDIR),
        Handle::Stdin { .. } | Handle::Listener(_) => Err(Errno::BADF),
    }
}

/// `sock_recv` on the stream behind `e` with host `recvmsg` flags.
pub fn recv(
    e: &mut FdEntry,
    mem: &mut GuestMem<'_>,
    iovs: &[(u32, u32)],
    flags: libc::c_int,
) -> WasiResult<usize> {
    let Handle::Stream(s) = &e.handle else {
        return Err(Errno::NOTSOCK);
    };
    socket_msg(s.as_raw_fd(), mem, iovs, false, flags)
}

/// `sock_send` on the stream behind `e`.
pub fn send(e: &mut FdEntry, mem: &mut GuestMem<'_>, iovs: &[(u32, u32)]) -> WasiResult<usize> {
    let Handle::Stream(s) = &e.handle else {
        return Err(Errno::NOTSOCK);
    };
    socket_msg(s.as_raw_fd(), mem, iovs, true, 0)
}
