//! WASI file and directory functions: `fd_*` and `path_*`.

use super::abi::*;
use super::call::Call;
use super::dir::DirStream;
use super::errno::{Errno, WasiResult};
use super::fdtable::{DIR_RIGHTS, FILE_RIGHTS, FdEntry, Handle, OpenFile};
use super::io;
use super::path::{self, Resolved};
use std::ffi::CString;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::FileTypeExt;

/// The WASI file type of a host file type.
pub fn filetype_of(t: &std::fs::FileType) -> u8 {
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if t.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if t.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

fn filetype_of_mode(mode: libc::mode_t) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => filetype::DIRECTORY,
        libc::S_IFREG => filetype::REGULAR_FILE,
        libc::S_IFLNK => filetype::SYMBOLIC_LINK,
        libc::S_IFCHR => filetype::CHARACTER_DEVICE,
        libc::S_IFBLK => filetype::BLOCK_DEVICE,
        libc::S_IFSOCK => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

/// A file's status, in WASI's terms.
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

fn ts(sec: i64, nsec: i64) -> u64 {
    (sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(nsec as u64)
}

impl Filestat {
    fn from_stat(st: &libc::stat) -> Filestat {
        Filestat {
            dev: st.st_dev,
            ino: st.st_ino,
            filetype: filetype_of_mode(st.st_mode),
            nlink: st.st_nlink,
            size: st.st_size as u64,
            atim: ts(st.st_atime, st.st_atime_nsec),
            mtim: ts(st.st_mtime, st.st_mtime_nsec),
            ctim: ts(st.st_ctime, st.st_ctime_nsec),
        }
    }
    /// Writes the preview1 layout (64 bytes).
    pub fn write(&self, c: &mut Call<'_>, ptr: u32) -> WasiResult<()> {
        c.mem.check_record(ptr, 64, 8)?;
        c.mem.write_u64(ptr, self.dev)?;
        c.mem.write_u64(ptr + 8, self.ino)?;
        c.mem.slice_mut(ptr + 16, 8)?.fill(0);
        c.mem.write_u8(ptr + 16, self.filetype)?;
        c.mem.write_u64(ptr + 24, self.nlink)?;
        c.mem.write_u64(ptr + 32, self.size)?;
        c.mem.write_u64(ptr + 40, self.atim)?;
        c.mem.write_u64(ptr + 48, self.mtim)?;
        c.mem.write_u64(ptr + 56, self.ctim)?;
        c.wrote("filetype", self.filetype);
        c.wrote("size", self.size);
        Ok(())
    }
}

fn fstat(fd: RawFd) -> WasiResult<libc::stat> {
    // SAFETY: zeroed out-buffer, fd owned by the table.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err(Errno::last());
    }
    Ok(st)
}

fn check(rc: libc::c_int) -> WasiResult<()> {
    if rc != 0 { Err(Errno::last()) } else { Ok(()) }
}

/// A directory fd of the table with the `needed` rights.
fn dir_fd<'a>(c: &'a Call<'_>, fd: u32, needed: u64) -> WasiResult<BorrowedFd<'a>> {
    let e = c.st.fds.get(fd)?;
    let Handle::Dir { fd: dfd, .. } = &e.handle else {
        return Err(Errno::NOTDIR);
    };
    e.require(needed)?;
    Ok(dfd.as_fd_borrowed())
}

trait Borrow {
    fn as_fd_borrowed(&self) -> BorrowedFd<'_>;
}
impl Borrow for OwnedFd {
    fn as_fd_borrowed(&self) -> BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.as_fd()
    }
}

/// A path argument: at most `path::MAX_PATH` bytes (NAMETOOLONG, checked
/// before anything is copied), UTF-8.
fn guest_path(c: &Call<'_>, ptr: u32, len: u32) -> WasiResult<String> {
    if len as usize > path::MAX_PATH {
        c.mem.slice(ptr, len)?;
        return Err(Errno::NAMETOOLONG);
    }
    Ok(c.mem.str(ptr, len)?.to_string())
}

fn resolve_at<'a>(
    c: &'a Call<'_>,
    fd: u32,
    needed: u64,
    p: &str,
    follow: bool,
) -> WasiResult<Resolved<'a>> {
    let root = dir_fd(c, fd, needed)?;
    path::resolve(root, p, follow)
}

fn file_mut<'a>(c: &'a mut Call<'_>, fd: u32, needed: u64) -> WasiResult<&'a mut FdEntry> {
    let e = c.st.fds.get_mut(fd)?;
    e.require(needed)?;
    Ok(e)
}

fn host_fd(e: &FdEntry) -> WasiResult<RawFd> {
    e.raw_fd().ok_or(Errno::BADF)
}

/// `fd_advise(fd, offset, len, advice)`
pub fn fd_advise(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = file_mut(c, a[0] as u32, rights::FD_ADVISE)?;
    let advice = match a[3] as u8 {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(Errno::INVAL),
    };
    let fd = host_fd(e)?;
    // SAFETY: plain syscall on an fd we own.
    let rc = unsafe { libc::posix_fadvise(fd, a[1] as i64, a[2] as i64, advice) };
    if rc != 0 {
        Err(Errno::from_host(rc))
    } else {
        Ok(())
    }
}

/// `fd_allocate(fd, offset, len)`
pub fn fd_allocate(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = file_mut(c, a[0] as u32, rights::FD_ALLOCATE)?;
    let Handle::File(f) = &e.handle else {
        return Err(Errno::BADF);
    };
    // SAFETY: plain syscall on an fd we own.
    let rc = unsafe { libc::posix_fallocate(f.as_raw_fd(), a[1] as i64, a[2] as i64) };
    if rc != 0 {
        Err(Errno::from_host(rc))
    } else {
        Ok(())
    }
}

/// `fd_close(fd)`
pub fn fd_close(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.st.fds.remove(a[0] as u32).map(drop)
}

/// `fd_datasync(fd)`
pub fn fd_datasync(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = file_mut(c, a[0] as u32, rights::FD_DATASYNC)?;
    let Handle::File(f) = &e.handle else {
        return Err(Errno::BADF);
    };
    Ok(f.sync_data()?)
}

/// `fd_sync(fd)`
pub fn fd_sync(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = file_mut(c, a[0] as u32, rights::FD_SYNC)?;
    match &e.handle {
        Handle::File(f) => Ok(f.sync_all()?),
        // SAFETY: fsync on a directory fd we own.
        Handle::Dir { fd, .. } => check(unsafe { libc::fsync(fd.as_raw_fd()) }),
        _ => Err(Errno::BADF),
    }
}

/// `fd_fdstat_get(fd, stat_ptr)`
pub fn fd_fdstat_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let ptr = a[1] as u32;
    let e = c.st.fds.get(a[0] as u32)?;
    let (ft, flags, base, inh) = (e.filetype(), e.flags, e.base, e.inheriting);
    c.mem.check_record(ptr, 24, 8)?;
    c.mem.slice_mut(ptr, 24)?.fill(0);
    c.mem.write_u8(ptr, ft)?;
    c.mem.write_u16(ptr + 2, flags)?;
    c.mem.write_u64(ptr + 8, base)?;
    c.mem.write_u64(ptr + 16, inh)?;
    c.wrote("filetype", ft);
    c.wrote("flags", flags);
    Ok(())
}

/// `fd_fdstat_set_flags(fd, flags)`
pub fn fd_fdstat_set_flags(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let flags = a[1] as u16;
    let e = file_mut(c, a[0] as u32, rights::FD_FDSTAT_SET_FLAGS)?;
    if flags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
        // Linux cannot change the sync flags of an open file.
        return Err(Errno::NOTSUP);
    }
    if let Handle::File(f) = &mut e.handle {
        // The kernel's offset is the position again (an appending file
        // needs it; a file that stops appending picks it up lazily).
        f.sync_position()?;
    }
    if let Some(fd) = e.raw_fd().filter(|_| {
        matches!(
            e.handle,
            Handle::File(_) | Handle::Stream(_) | Handle::Listener(_)
        )
    }) {
        // SAFETY: fcntl on an fd we own.
        let cur = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if cur < 0 {
            return Err(Errno::last());
        }
        let mut new = cur & !(libc::O_APPEND | libc::O_NONBLOCK);
        if flags & fdflags::APPEND != 0 {
            new |= libc::O_APPEND;
        }
        if flags & fdflags::NONBLOCK != 0 {
            new |= libc::O_NONBLOCK;
        }
        // SAFETY: as above.
        check(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
    }
    e.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights may only shrink.
pub fn fd_fdstat_set_rights(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = c.st.fds.get_mut(a[0] as u32)?;
    let (base, inh) = (a[1], a[2]);
    if base & !e.base != 0 || inh & !e.inheriting != 0 {
        return Err(Errno::NOTCAPABLE);
    }
    e.base = base;
    e.inheriting = inh;
    Ok(())
}

/// `fd_filestat_get(fd, buf)`
pub fn fd_filestat_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let st = {
        let e = c.st.fds.get(a[0] as u32)?;
        e.require(rights::FD_FILESTAT_GET)?;
        match e.raw_fd() {
            Some(fd) => {
                let mut s = Filestat::from_stat(&fstat(fd)?);
                s.filetype = e.filetype();
                s
            }
            None => Filestat {
                dev: 0,
                ino: 0,
                filetype: e.filetype(),
                nlink: 1,
                size: 0,
                atim: 0,
                mtim: 0,
                ctim: 0,
            },
        }
    };
    c.write_filestat(&st, a[1] as u32)
}

/// `fd_filestat_set_size(fd, size)`
pub fn fd_filestat_set_size(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = file_mut(c, a[0] as u32, rights::FD_FILESTAT_SET_SIZE)?;
    let Handle::File(f) = &e.handle else {
        return Err(Errno::BADF);
    };
    Ok(f.set_len(a[1])?)
}

fn timespecs(atim: u64, mtim: u64, flags: u16) -> WasiResult<[libc::timespec; 2]> {
    if flags & fstflags::ATIM != 0 && flags & fstflags::ATIM_NOW != 0
        || flags & fstflags::MTIM != 0 && flags & fstflags::MTIM_NOW != 0
    {
        return Err(Errno::INVAL);
    }
    let one = |t: u64, set: u16, now: u16| {
        if flags & now != 0 {
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_NOW,
            }
        } else if flags & set != 0 {
            libc::timespec {
                tv_sec: (t / 1_000_000_000) as i64,
                tv_nsec: (t % 1_000_000_000) as i64,
            }
        } else {
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_OMIT,
            }
        }
    };
    Ok([
        one(atim, fstflags::ATIM, fstflags::ATIM_NOW),
        one(mtim, fstflags::MTIM, fstflags::MTIM_NOW),
    ])
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`
pub fn fd_filestat_set_times(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = file_mut(c, a[0] as u32, rights::FD_FILESTAT_SET_TIMES)?;
    let fd = host_fd(e)?;
    let t = timespecs(a[1], a[2], a[3] as u16)?;
    // SAFETY: futimens with a two-element array, on an fd we own.
    check(unsafe { libc::futimens(fd, t.as_ptr()) })
}

/// `fd_read`/`fd_pread`: the descriptor and its rights first, then the
/// iovecs, then the transfer straight into guest memory.
fn read_iovs(c: &mut Call<'_>, fd: u32, iovs: u32, n: u32, offset: Option<u64>) -> WasiResult<u32> {
    let e = c.st.fds.get_mut(fd)?;
    e.require(rights::FD_READ | if offset.is_some() { rights::FD_SEEK } else { 0 })?;
    if let Some(host) = e.raw_fd().filter(|_| offset.is_none()) {
        c.wait_fd(host, libc::POLLIN)?;
    }
    let e = c.st.fds.get_mut(fd)?;
    let iovs = c.mem.iovecs(iovs, n)?;
    Ok(io::read(e, &mut c.mem, &iovs, offset)? as u32)
}

/// `fd_write`/`fd_pwrite`, in the same order as `read_iovs`.
fn write_iovs(
    c: &mut Call<'_>,
    fd: u32,
    iovs: u32,
    n: u32,
    offset: Option<u64>,
) -> WasiResult<u32> {
    let e = c.st.fds.get_mut(fd)?;
    e.require(rights::FD_WRITE | if offset.is_some() { rights::FD_SEEK } else { 0 })?;
    if let Some(host) = e.raw_fd().filter(|_| offset.is_none()) {
        c.wait_fd(host, libc::POLLOUT)?;
    }
    let e = c.st.fds.get_mut(fd)?;
    let iovs = c.mem.iovecs(iovs, n)?;
    Ok(io::write(e, &mut c.mem, &iovs, offset)? as u32)
}

/// `fd_read(fd, iovs, iovs_len, nread)`
pub fn fd_read(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[3] as u32, 4, 4)?;
    let n = read_iovs(c, a[0] as u32, a[1] as u32, a[2] as u32, None)?;
    c.out_u32("nread", a[3] as u32, n)
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread)`
pub fn fd_pread(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[4] as u32, 4, 4)?;
    let n = read_iovs(c, a[0] as u32, a[1] as u32, a[2] as u32, Some(a[3]))?;
    c.out_u32("nread", a[4] as u32, n)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)`
pub fn fd_write(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[3] as u32, 4, 4)?;
    let n = write_iovs(c, a[0] as u32, a[1] as u32, a[2] as u32, None)?;
    c.out_u32("nwritten", a[3] as u32, n)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten)`
pub fn fd_pwrite(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[4] as u32, 4, 4)?;
    let n = write_iovs(c, a[0] as u32, a[1] as u32, a[2] as u32, Some(a[3]))?;
    c.out_u32("nwritten", a[4] as u32, n)
}

/// Seeks with preview1 `whence` numbering (SET=0, CUR=1, END=2).
pub fn seek(c: &mut Call<'_>, fd: u32, offset: i64, whence: u8) -> WasiResult<u64> {
    let needed = if offset == 0 && whence == 1 {
        rights::FD_TELL
    } else {
        rights::FD_SEEK | rights::FD_TELL
    };
    let e = c.st.fds.get_mut(fd)?;
    if e.base & needed == 0 {
        return Err(Errno::NOTCAPABLE);
    }
    let pos = match whence {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(Errno::INVAL),
    };
    let flags = e.flags;
    match &mut e.handle {
        Handle::File(f) if !f.guest_position(flags) => Ok(f.file.seek(pos)?),
        Handle::File(f) => {
            // The guest's position moves; the kernel's stays (see OpenFile).
            let base = match pos {
                SeekFrom::Start(_) => 0,
                SeekFrom::Current(_) => f.position()?,
                SeekFrom::End(_) => f.file.metadata()?.len(),
            };
            let new = base
                .checked_add_signed(offset)
                .filter(|n| *n <= i64::MAX as u64)
                .ok_or(Errno::INVAL)?;
            f.set_position(new);
            Ok(new)
        }
        Handle::Dir { .. } => Err(Errno::BADF),
        _ => Err(Errno::SPIPE),
    }
}

/// `fd_seek(fd, offset, whence, newoffset)`
pub fn fd_seek(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[3] as u32, 8, 8)?;
    let n = seek(c, a[0] as u32, a[1] as i64, a[2] as u8)?;
    c.out_u64("newoffset", a[3] as u32, n)
}

/// `fd_tell(fd, offset)`
pub fn fd_tell(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    c.mem.check_record(a[1] as u32, 8, 8)?;
    let n = seek(c, a[0] as u32, 0, 1)?;
    c.out_u64("offset", a[1] as u32, n)
}

/// `fd_prestat_get(fd, buf)`
pub fn fd_prestat_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = c.st.fds.get(a[0] as u32)?;
    let Handle::Dir {
        preopen: Some(name),
        ..
    } = &e.handle
    else {
        return Err(Errno::BADF);
    };
    let len = name.len() as u32;
    let ptr = a[1] as u32;
    c.mem.check_record(ptr, 8, 4)?;
    c.mem.slice_mut(ptr, 8)?.fill(0);
    c.mem.write_u8(ptr, PREOPENTYPE_DIR)?;
    c.mem.write_u32(ptr + 4, len)?;
    c.wrote("name_len", len);
    Ok(())
}

/// `fd_prestat_dir_name(fd, path, path_len)`
pub fn fd_prestat_dir_name(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let e = c.st.fds.get(a[0] as u32)?;
    let Handle::Dir {
        preopen: Some(name),
        ..
    } = &e.handle
    else {
        return Err(Errno::BADF);
    };
    let name = name.clone();
    if (a[2] as usize) < name.len() {
        return Err(Errno::NAMETOOLONG);
    }
    c.mem
        .slice_mut(a[1] as u32, name.len() as u32)?
        .copy_from_slice(name.as_bytes());
    c.wrote("path", &name);
    Ok(())
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused)`: entries from `cookie`
/// on, each a 24-byte header and its name, until the buffer is full (the
/// last one cut short if it does not fit, as the ABI specifies). The
/// directory stream stays open with the fd, so the next call resumes where
/// this one stopped.
pub fn fd_readdir(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let (buf, buf_len, cookie, used_ptr) = (a[1] as u32, a[2] as u32, a[3], a[4] as u32);
    let e = c.st.fds.get_mut(a[0] as u32)?;
    if !matches!(e.handle, Handle::Dir { .. }) {
        return Err(Errno::NOTDIR);
    }
    e.require(rights::FD_READDIR)?;
    let Handle::Dir { fd, listing, .. } = &mut e.handle else {
        return Err(Errno::NOTDIR);
    };
    c.mem.check_record(used_ptr, 4, 4)?;
    c.mem.slice(buf, buf_len)?;
    if listing.is_none() {
        *listing = Some(DirStream::open(fd.as_raw_fd())?);
    }
    let stream = listing.as_mut().expect("opened above");
    stream.seek(cookie)?;
    let mut used = 0u32;
    while used < buf_len {
        let Some(ent) = stream.next_entry()? else {
            break;
        };
        let mut header = [0u8; 24];
        header[..8].copy_from_slice(&ent.next.to_le_bytes());
        header[8..16].copy_from_slice(&ent.ino.to_le_bytes());
        header[16..20].copy_from_slice(&(ent.name.len() as u32).to_le_bytes());
        header[20] = ent.filetype;
        for part in [&header[..], ent.name] {
            let n = (part.len() as u32).min(buf_len - used);
            c.mem
                .slice_mut(buf + used, n)?
                .copy_from_slice(&part[..n as usize]);
            used += n;
        }
    }
    c.out_u32("bufused", used_ptr, used)
}

/// `fd_renumber(from, to)`
///
/// `from` must be open; `to` may be open (it is closed first) or not, as
/// in Wasmtime: programs emulate `dup2` with it (yosys's ABC moves stdout
/// aside and back this way).
pub fn fd_renumber(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let (from, to) = (a[0] as u32, a[1] as u32);
    if from == to {
        return c.st.fds.get(from).map(|_| ());
    }
    let e = c.st.fds.remove(from)?;
    // Replacing `to` drops (closes) what it held.
    c.st.fds.insert_at(to, e);
    Ok(())
}

/// `path_create_directory(fd, path, path_len)`
pub fn path_create_directory(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let p = guest_path(c, a[1] as u32, a[2] as u32)?;
    let r = resolve_at(c, a[0] as u32, rights::PATH_CREATE_DIRECTORY, &p, false)?;
    // SAFETY: *at syscall relative to a directory fd of the sandbox.
    check(unsafe { libc::mkdirat(r.dir(), r.name.as_ptr(), 0o777) })
}

/// Status of the resolved name. `resolve` already followed (confined) a
/// final symlink when asked to, so the name itself is examined.
fn stat_at(r: &Resolved<'_>) -> WasiResult<libc::stat> {
    // SAFETY: fstatat relative to a sandbox directory, never following.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    check(unsafe { libc::fstatat(r.dir(), r.name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) })?;
    Ok(st)
}

/// `path_filestat_get(fd, flags, path, path_len, buf)`
pub fn path_filestat_get(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let follow = a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0;
    let p = guest_path(c, a[2] as u32, a[3] as u32)?;
    let st = {
        let r = resolve_at(c, a[0] as u32, rights::PATH_FILESTAT_GET, &p, follow)?;
        Filestat::from_stat(&stat_at(&r)?)
    };
    c.write_filestat(&st, a[4] as u32)
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`
pub fn path_filestat_set_times(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let follow = a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0;
    let p = guest_path(c, a[2] as u32, a[3] as u32)?;
    let t = timespecs(a[4], a[5], a[6] as u16)?;
    let r = resolve_at(c, a[0] as u32, rights::PATH_FILESTAT_SET_TIMES, &p, follow)?;
    // SAFETY: utimensat relative to a sandbox directory, never following.
    check(unsafe {
        libc::utimensat(
            r.dir(),
            r.name.as_ptr(),
            t.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)`
pub fn path_link(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let follow = a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0;
    let old = guest_path(c, a[2] as u32, a[3] as u32)?;
    let new = guest_path(c, a[5] as u32, a[6] as u32)?;
    let ro = resolve_at(c, a[0] as u32, rights::PATH_LINK_SOURCE, &old, follow)?;
    let rn = resolve_at(c, a[4] as u32, rights::PATH_LINK_TARGET, &new, false)?;
    // SAFETY: linkat between two sandbox directories, not following.
    check(unsafe { libc::linkat(ro.dir(), ro.name.as_ptr(), rn.dir(), rn.name.as_ptr(), 0) })
}

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, opened_fd)`
pub fn path_open(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let dirfd = a[0] as u32;
    let follow = a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0;
    let p = guest_path(c, a[2] as u32, a[3] as u32)?;
    let (of, fdf) = (a[4] as u16, a[7] as u16);
    let out = a[8] as u32;
    c.mem.check_record(out, 4, 4)?;
    let dir = c.st.fds.get(dirfd)?;
    let inheriting = dir.inheriting;
    let mut needed = rights::PATH_OPEN;
    if of & oflags::CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if of & oflags::TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    let base = a[5] & inheriting;
    let inh = a[6] & inheriting;
    let wants_write =
        base & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0
            || fdf & fdflags::APPEND != 0;
    if fdf & fdflags::APPEND != 0 && inheriting & rights::FD_WRITE == 0 {
        return Err(Errno::NOTCAPABLE);
    }
    let wants_read = base & (rights::FD_READ | rights::FD_READDIR) != 0 || !wants_write;
    let mut flags = libc::O_CLOEXEC | libc::O_NOFOLLOW | libc::O_NOCTTY;
    // A directory is only ever opened for reading: write rights do not
    // apply to it (they are masked to directory rights below).
    let wants_write = wants_write && of & oflags::DIRECTORY == 0;
    flags |= match (wants_read || !wants_write, wants_write) {
        (true, true) => libc::O_RDWR,
        (false, true) => libc::O_WRONLY,
        _ => libc::O_RDONLY,
    };
    if of & oflags::CREAT != 0 {
        flags |= libc::O_CREAT;
    }
    if of & oflags::EXCL != 0 {
        flags |= libc::O_EXCL;
    }
    if of & oflags::TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    if of & oflags::DIRECTORY != 0 {
        flags |= libc::O_DIRECTORY;
    }
    if fdf & fdflags::APPEND != 0 {
        flags |= libc::O_APPEND;
    }
    if fdf & fdflags::NONBLOCK != 0 {
        flags |= libc::O_NONBLOCK;
    }
    if fdf & fdflags::DSYNC != 0 {
        flags |= libc::O_DSYNC;
    }
    if fdf & (fdflags::SYNC | fdflags::RSYNC) != 0 {
        flags |= libc::O_SYNC;
    }
    let fd = {
        let r = resolve_at(c, dirfd, needed, &p, follow)?;
        if r.trailing_slash {
            flags |= libc::O_DIRECTORY;
        }
        // SAFETY: openat relative to a sandbox directory with O_NOFOLLOW.
        let fd = unsafe { libc::openat(r.dir(), r.name.as_ptr(), flags, 0o666) };
        if fd < 0 {
            return Err(Errno::last());
        }
        // SAFETY: freshly opened, owned by nobody else.
        unsafe { OwnedFd::from_raw_fd(fd) }
    };
    let st = fstat(fd.as_raw_fd())?;
    let entry = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
        FdEntry {
            handle: Handle::Dir {
                fd,
                preopen: None,
                listing: None,
            },
            base: base & DIR_RIGHTS,
            inheriting: inh,
            flags: fdf,
        }
    } else {
        FdEntry {
            handle: Handle::File({
                let mut f = OpenFile::new(File::from(fd), st.st_mode & libc::S_IFMT == libc::S_IFREG);
                if !f.guest_position(fdf) {
                    // Appending writes go to the kernel's end of file: its
                    // offset stays the position.
                    f.sync_position()?;
                }
                f
            }),
            base: base & FILE_RIGHTS,
            inheriting: inh,
            flags: fdf,
        }
    };
    let new = c.st.fds.push(entry)?;
    c.out_u32("opened_fd", out, new)
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)`
pub fn path_readlink(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let p = guest_path(c, a[1] as u32, a[2] as u32)?;
    let (buf, buf_len, used) = (a[3] as u32, a[4] as u32, a[5] as u32);
    c.mem.check_record(used, 4, 4)?;
    let target = {
        let r = resolve_at(c, a[0] as u32, rights::PATH_READLINK, &p, false)?;
        let mut t = vec![0u8; 4096];
        // SAFETY: readlinkat into a buffer of the given size.
        let n = unsafe {
            libc::readlinkat(
                r.dir(),
                r.name.as_ptr(),
                t.as_mut_ptr() as *mut libc::c_char,
                t.len(),
            )
        };
        if n < 0 {
            return Err(Errno::last());
        }
        t.truncate(n as usize);
        t
    };
    let n = target.len().min(buf_len as usize);
    c.mem
        .slice_mut(buf, n as u32)?
        .copy_from_slice(&target[..n]);
    c.out_u32("bufused", used, n as u32)
}

/// `path_remove_directory(fd, path, path_len)`
pub fn path_remove_directory(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let p = guest_path(c, a[1] as u32, a[2] as u32)?;
    let r = resolve_at(c, a[0] as u32, rights::PATH_REMOVE_DIRECTORY, &p, false)?;
    if r.name.as_bytes() == b"." {
        return Err(Errno::INVAL);
    }
    // SAFETY: unlinkat relative to a sandbox directory.
    check(unsafe { libc::unlinkat(r.dir(), r.name.as_ptr(), libc::AT_REMOVEDIR) })
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)`
pub fn path_rename(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let old = guest_path(c, a[1] as u32, a[2] as u32)?;
    let new = guest_path(c, a[4] as u32, a[5] as u32)?;
    let ro = resolve_at(c, a[0] as u32, rights::PATH_RENAME_SOURCE, &old, false)?;
    let rn = resolve_at(c, a[3] as u32, rights::PATH_RENAME_TARGET, &new, false)?;
    // SAFETY: renameat between two sandbox directories.
    check(unsafe { libc::renameat(ro.dir(), ro.name.as_ptr(), rn.dir(), rn.name.as_ptr()) })
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)`
pub fn path_symlink(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let target = guest_path(c, a[0] as u32, a[1] as u32)?;
    let new = guest_path(c, a[3] as u32, a[4] as u32)?;
    path::check_symlink_target(&target)?;
    let t = CString::new(target).map_err(|_| Errno::INVAL)?;
    let r = resolve_at(c, a[2] as u32, rights::PATH_SYMLINK, &new, false)?;
    // SAFETY: symlinkat relative to a sandbox directory.
    check(unsafe { libc::symlinkat(t.as_ptr(), r.dir(), r.name.as_ptr()) })
}

/// `path_unlink_file(fd, path, path_len)`
pub fn path_unlink_file(c: &mut Call<'_>, a: &[u64]) -> WasiResult<()> {
    let p = guest_path(c, a[1] as u32, a[2] as u32)?;
    let r = resolve_at(c, a[0] as u32, rights::PATH_UNLINK_FILE, &p, false)?;
    if r.trailing_slash {
        return Err(Errno::NOTDIR);
    }
    // SAFETY: unlinkat relative to a sandbox directory.
    check(unsafe { libc::unlinkat(r.dir(), r.name.as_ptr(), 0) })
}
