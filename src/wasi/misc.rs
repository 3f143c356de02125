//! WASI functions that are not about files: args and environment, clocks,
//! randomness, polling, process control and sockets.

use super::abi::*;
use super::call::{Call, WAIT_SLICE_MS};
use super::errno::{Errno, WasiResult};
use super::fdtable::{FdEntry, Handle, SOCKET_RIGHTS};
use super::io;
use std::os::fd::AsRawFd;

fn write_strings(c: &mut Call<'_>, strings: &[String], ptrs: u32, buf: u32) -> WasiResult<()> {
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        c.mem.write_u32(ptrs + 4 * i as u32, at)?;
        let bytes = s.as_bytes();
        let len = bytes.len() as u32;
        c.mem.slice_mut(at, len + 1)?[..bytes.len()].copy_from_slice(bytes);
        c.mem.write_u8(at + len, 0)?;
        at += len + 1;
    }
    Ok(())
}

fn sizes(c: &mut Call<'_>, strings: &[String], count_ptr: u32, size_ptr: u32) -> WasiResult<()> {
    let size: usize = strings.iter().map(|s| s.len() + 1).sum();
    c.out_u32("count", count_ptr, strings.len() as u32)?;
    c.out_u32("buf_size", size_ptr, size as u32)
}

/// `args_get(argv, argv_buf)`
pub fn args_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let args = c.st.args.clone();
    write_strings(c, &args, a[0] as u32, a[1] as u32)
}

/// `args_sizes_get(argc, argv_buf_size)`
pub fn args_sizes_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let args = c.st.args.clone();
    sizes(c, &args, a[0] as u32, a[1] as u32)
}

/// `environ_get(environ, environ_buf)`
pub fn environ_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let env = c.st.env.clone();
    write_strings(c, &env, a[0] as u32, a[1] as u32)
}

/// `environ_sizes_get(count, buf_size)`
pub fn environ_sizes_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let env = c.st.env.clone();
    sizes(c, &env, a[0] as u32, a[1] as u32)
}

fn host_clock(id: u32) -> WasiResult<libc::clockid_t> {
    Ok(match id {
        clockid::REALTIME => libc::CLOCK_REALTIME,
        clockid::MONOTONIC => libc::CLOCK_MONOTONIC,
        clockid::PROCESS_CPUTIME_ID => libc::CLOCK_PROCESS_CPUTIME_ID,
        clockid::THREAD_CPUTIME_ID => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::INVAL),
    })
}

/// The current time of a WASI clock, in nanoseconds.
pub fn now(id: u32) -> WasiResult<u64> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime into a local timespec.
    if unsafe { libc::clock_gettime(host_clock(id)?, &mut t) } != 0 {
        return Err(Errno::last());
    }
    Ok(t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64)
}

/// `clock_res_get(id, resolution)`
pub fn clock_res_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_getres into a local timespec.
    if unsafe { libc::clock_getres(host_clock(a[0] as u32)?, &mut t) } != 0 {
        return Err(Errno::last());
    }
    let res = (t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64).max(1);
    c.out_u64("resolution", a[1] as u32, res)
}

/// `clock_time_get(id, precision, time)`
pub fn clock_time_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[2] as u32, 8, 8)?;
    let t = now(a[0] as u32)?;
    c.out_u64("time", a[2] as u32, t)
}

/// `random_get(buf, buf_len)`
pub fn random_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let buf = c.mem.slice_mut(a[0] as u32, a[1] as u32)?;
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: getrandom into a writable guest slice of that length.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr() as *mut libc::c_void, rest.len(), 0) };
        if n < 0 {
            let e = Errno::last();
            if e == Errno::INTR {
                continue;
            }
            return Err(e);
        }
        done += n as usize;
    }
    Ok(())
}

/// `sched_yield()`
pub fn sched_yield(_c: &mut Call<'_>, _a: &[u64]) -> WasiResult<()> {
    std::thread::yield_now();
    Ok(())
}

/// `proc_exit(code)`: ends the program; the embedder receives the code.
pub fn proc_exit(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.exit = Some(a[0] as u32 as i32);
    Ok(())
}

/// `proc_raise(sig)`: a guest has no signal handlers, so a signal takes
/// its default action on the program: CHLD, CONT, URG and WINCH are
/// ignored, the stop signals are no-ops (there is no job control), and
/// every other signal ends the program with exit status 128 + sig, as a
/// shell reports a process killed by a signal. Unknown signals are EINVAL.
pub fn proc_raise(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    const NONE: u64 = 0;
    const CHLD: u64 = 16;
    const CONT: u64 = 17;
    const STOP: u64 = 18;
    const TTOU: u64 = 21;
    const URG: u64 = 22;
    const WINCH: u64 = 27;
    const LAST: u64 = 30;
    match a[0] {
        NONE | CHLD | CONT | URG | WINCH => Ok(()),
        STOP..=TTOU => Ok(()),
        sig @ 1..=LAST => {
            c.exit = Some(128 + sig as i32);
            Ok(())
        }
        _ => Err(Errno::INVAL),
    }
}

/// A subscription of `poll_oneoff`, decoded.
pub enum Sub {
    /// (userdata, clock id, timeout, absolute)
    Clock(u64, u32, u64, bool),
    /// (userdata, fd, event type)
    Fd(u64, u32, u8),
}

/// An event of `poll_oneoff`: (userdata, errno, type, nbytes, flags).
pub type Event = (u64, Errno, u8, u64, u16);

/// Waits for the subscriptions and returns the events that happened.
pub fn poll(c: &mut Call<'_>, subs: &[Sub]) -> WasiResult<Vec<Event>> {
    if subs.is_empty() {
        return Err(Errno::INVAL);
    }
    let mut events = Vec::new();
    let mut deadline: Option<(u64, u64)> = None; // (nanoseconds to wait, userdata)
    let mut pollfds = Vec::new();
    let mut polled = Vec::new();
    for s in subs {
        match *s {
            Sub::Clock(ud, id, timeout, abs) => {
                let wait = if abs {
                    timeout.saturating_sub(now(id).map_err(|_| Errno::INVAL)?)
                } else {
                    now(id).map_err(|_| Errno::INVAL)?;
                    timeout
                };
                if deadline.is_none_or(|(d, _)| wait < d) {
                    deadline = Some((wait, ud));
                }
            }
            Sub::Fd(ud, fd, ty) => {
                let entry = match c.st.fds.get(fd) {
                    Ok(e) => e,
                    Err(e) => {
                        events.push((ud, e, ty, 0, 0));
                        continue;
                    }
                };
                if entry.require(rights::POLL_FD_READWRITE).is_err()
                    && entry
                        .require(if ty == eventtype::FD_READ {
                            rights::FD_READ
                        } else {
                            rights::FD_WRITE
                        })
                        .is_err()
                {
                    events.push((ud, Errno::NOTCAPABLE, ty, 0, 0));
                    continue;
                }
                match entry.raw_fd() {
                    // In-memory streams are always ready.
                    None => events.push((ud, Errno::SUCCESS, ty, 0, 0)),
                    Some(hfd) => {
                        let ev = if ty == eventtype::FD_READ {
                            libc::POLLIN
                        } else {
                            libc::POLLOUT
                        };
                        pollfds.push(libc::pollfd {
                            fd: hfd,
                            events: ev,
                            revents: 0,
                        });
                        polled.push((ud, ty, hfd));
                    }
                }
            }
        }
    }
    if !events.is_empty() {
        // Something is ready already: report without waiting.
        let timeout = 0;
        poll_host(&mut pollfds, timeout)?;
    } else if pollfds.is_empty() {
        if let Some((wait, ud)) = deadline {
            sleep(c, std::time::Duration::from_nanos(wait))?;
            events.push((ud, Errno::SUCCESS, eventtype::CLOCK, 0, 0));
        }
        return Ok(events);
    } else {
        let n = poll_until(c, &mut pollfds, deadline.map(|(w, _)| w))?;
        if n == 0 {
            if let Some((_, ud)) = deadline {
                events.push((ud, Errno::SUCCESS, eventtype::CLOCK, 0, 0));
            }
            return Ok(events);
        }
    }
    for (p, (ud, ty, hfd)) in pollfds.iter().zip(polled) {
        if p.revents == 0 {
            continue;
        }
        let hangup = p.revents & libc::POLLHUP != 0;
        let mut nbytes: libc::c_int = 0;
        if ty == eventtype::FD_READ {
            // SAFETY: FIONREAD into a local int; failure just leaves 0.
            unsafe { libc::ioctl(hfd, libc::FIONREAD, &mut nbytes) };
        }
        let err = if p.revents & libc::POLLNVAL != 0 {
            Errno::BADF
        } else {
            Errno::SUCCESS
        };
        events.push((
            ud,
            err,
            ty,
            nbytes.max(0) as u64,
            if hangup { EVENT_FD_READWRITE_HANGUP } else { 0 },
        ));
    }
    Ok(events)
}

/// Sleeps for `d`, in slices when the store has an epoch deadline, so a
/// deadline that passes ends the sleep (INTR, with `c.interrupted` set).
fn sleep(c: &mut Call<'_>, d: std::time::Duration) -> WasiResult<()> {
    let Some(deadline) = &c.deadline else {
        std::thread::sleep(d);
        return Ok(());
    };
    let end = std::time::Instant::now() + d;
    loop {
        if deadline.passed() {
            c.interrupted = true;
            return Err(Errno::INTR);
        }
        let left = end.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(std::time::Duration::from_millis(WAIT_SLICE_MS)));
    }
}

/// `poll` on `fds` for at most `wait_ns` (`None`: no limit), in slices
/// when the store has an epoch deadline, as `sleep`. Returns the number of
/// ready fds (0: the time ran out).
fn poll_until(c: &mut Call<'_>, fds: &mut [libc::pollfd], wait_ns: Option<u64>) -> WasiResult<i32> {
    let to_ms = |ns: u64| ns.div_ceil(1_000_000).min(i32::MAX as u64) as i32;
    let Some(deadline) = &c.deadline else {
        return poll_host(fds, wait_ns.map_or(-1, to_ms));
    };
    let end = wait_ns.map(|w| std::time::Instant::now() + std::time::Duration::from_nanos(w));
    loop {
        if deadline.passed() {
            c.interrupted = true;
            return Err(Errno::INTR);
        }
        let slice = match end {
            Some(end) => {
                let left = end.saturating_duration_since(std::time::Instant::now());
                to_ms(left.as_nanos().min(u64::MAX as u128) as u64)
            }
            None => i32::MAX,
        };
        let n = poll_host(fds, slice.min(WAIT_SLICE_MS as i32))?;
        if n > 0 || end.is_some_and(|end| std::time::Instant::now() >= end) {
            return Ok(n);
        }
    }
}

fn poll_host(fds: &mut [libc::pollfd], timeout: i32) -> WasiResult<i32> {
    loop {
        // SAFETY: poll over a slice of pollfd we own.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) };
        if n >= 0 {
            return Ok(n);
        }
        let e = Errno::last();
        if e != Errno::INTR {
            return Err(e);
        }
    }
}

/// Writes events (32 bytes each) and the count.
pub fn write_events(c: &mut Call<'_>, out: u32, nevents: u32, events: &[Event]) -> WasiResult<()> {
    for (i, (ud, err, ty, nbytes, flags)) in events.iter().enumerate() {
        let p = out + 32 * i as u32;
        c.mem.slice_mut(p, 32)?.fill(0);
        c.mem.write_u64(p, *ud)?;
        c.mem.write_u16(p + 8, err.0)?;
        c.mem.write_u8(p + 10, *ty)?;
        c.mem.write_u64(p + 16, *nbytes)?;
        c.mem.write_u16(p + 24, *flags)?;
    }
    c.out_u32("nevents", nevents, events.len() as u32)
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)` (48-byte subscriptions)
pub fn poll_oneoff(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let (inp, out, n, nevents) = (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32);
    c.mem
        .check_record(inp, n.checked_mul(48).ok_or(Errno::FAULT)?, 8)?;
    c.mem
        .check_record(out, n.checked_mul(32).ok_or(Errno::FAULT)?, 8)?;
    c.mem.check_record(nevents, 4, 4)?;
    let mut subs = Vec::new();
    for i in 0..n {
        let p = inp + 48 * i;
        let ud = c.mem.read_u64(p)?;
        subs.push(match c.mem.read_u8(p + 8)? {
            eventtype::CLOCK => Sub::Clock(
                ud,
                c.mem.read_u32(p + 16)?,
                c.mem.read_u64(p + 24)?,
                c.mem.read_u16(p + 40)? & SUBSCRIPTION_CLOCK_ABSTIME != 0,
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

/// `sock_accept(fd, flags, result_fd)`
pub fn sock_accept(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let out = a[2] as u32;
    c.mem.check_record(out, 4, 4)?;
    let flags = a[1] as u16;
    if flags & !fdflags::NONBLOCK != 0 {
        return Err(Errno::INVAL);
    }
    let e = c.st.fds.get(a[0] as u32)?;
    e.require(rights::SOCK_ACCEPT)?;
    let Handle::Listener(l) = &e.handle else {
        return Err(Errno::NOTSOCK);
    };
    let lfd = l.as_raw_fd();
    c.wait_fd(lfd, libc::POLLIN)?;
    let e = c.st.fds.get(a[0] as u32)?;
    let Handle::Listener(l) = &e.handle else {
        return Err(Errno::NOTSOCK);
    };
    let (stream, _) = l.accept()?;
    stream.set_nonblocking(flags & fdflags::NONBLOCK != 0)?;
    let fd = c.st.fds.push(FdEntry {
        handle: Handle::Stream(stream),
        base: SOCKET_RIGHTS & !rights::SOCK_ACCEPT,
        inheriting: 0,
        flags,
    })?;
    c.out_u32("fd", out, fd)
}

/// `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags)`
pub fn sock_recv(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let (iovs, n, riflags, datalen, roflags) = (
        a[1] as u32,
        a[2] as u32,
        a[3] as u16,
        a[4] as u32,
        a[5] as u32,
    );
    let e = c.st.fds.get_mut(a[0] as u32)?;
    e.require(rights::FD_READ)?;
    if let Some(fd) = e.raw_fd() {
        c.wait_fd(fd, libc::POLLIN)?;
    }
    let e = c.st.fds.get_mut(a[0] as u32)?;
    c.mem.check_record(datalen, 4, 4)?;
    c.mem.check_record(roflags, 2, 2)?;
    let iovs = c.mem.iovecs(iovs, n)?;
    let mut flags = 0;
    if riflags & RECV_PEEK != 0 {
        flags |= libc::MSG_PEEK;
    }
    if riflags & RECV_WAITALL != 0 {
        flags |= libc::MSG_WAITALL;
    }
    let got = io::recv(e, &mut c.mem, &iovs, flags)?;
    c.mem.write_u16(roflags, 0)?;
    c.out_u32("datalen", datalen, got as u32)
}

/// `sock_send(fd, si_data, si_data_len, si_flags, so_datalen)`
pub fn sock_send(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let (iovs, n, out) = (a[1] as u32, a[2] as u32, a[4] as u32);
    let e = c.st.fds.get_mut(a[0] as u32)?;
    e.require(rights::FD_WRITE)?;
    if let Some(fd) = e.raw_fd() {
        c.wait_fd(fd, libc::POLLOUT)?;
    }
    let e = c.st.fds.get_mut(a[0] as u32)?;
    c.mem.check_record(out, 4, 4)?;
    let iovs = c.mem.iovecs(iovs, n)?;
    let k = io::send(e, &mut c.mem, &iovs)?;
    c.out_u32("datalen", out, k as u32)
}

/// `sock_shutdown(fd, how)`
pub fn sock_shutdown(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let how = match a[1] as u8 {
        SHUT_RD => libc::SHUT_RD,
        SHUT_WR => libc::SHUT_WR,
        x if x == SHUT_RD | SHUT_WR => libc::SHUT_RDWR,
        _ => return Err(Errno::INVAL),
    };
    let e = c.st.fds.get(a[0] as u32)?;
    e.require(rights::SOCK_SHUTDOWN)?;
    let Handle::Stream(s) = &e.handle else {
        return Err(Errno::NOTSOCK);
    };
    // SAFETY: shutdown on a socket we own.
    if unsafe { libc::shutdown(s.as_raw_fd(), how) } != 0 {
        return Err(Errno::last());
    }
    Ok(())
}
