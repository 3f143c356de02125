//! Directory listing for `fd_readdir`: an open host directory stream kept
//! with the guest's fd, so that listing a directory page by page costs
//! constant time per entry. A WASI cookie is the count of entries before
//! the next one (small numbers: wasi-libc's `telldir` keeps a cookie in a
//! 32-bit `long`, which the host's own 64-bit positions would not fit). The
//! stream records the host position after every `CHECKPOINT`th entry, so
//! resuming at any cookie is one `seekdir` and fewer than `CHECKPOINT`
//! reads.

use super::abi::filetype;
use super::errno::{Errno, WasiResult};
use std::ffi::CStr;
use std::os::fd::RawFd;

/// One directory entry as `fd_readdir` reports it.
pub struct DirEntry<'a> {
    /// The cookie of the entry after this one.
    pub next: u64,
    pub ino: u64,
    pub filetype: u8,
    pub name: &'a [u8],
}

/// Host positions are recorded after every `CHECKPOINT`th entry.
const CHECKPOINT: u64 = 32;

/// An open directory stream and the cookie it stands at.
pub struct DirStream {
    dir: *mut libc::DIR,
    /// The cookie of the next entry `readdir` would return: the count of
    /// entries before it.
    at: u64,
    /// `positions[k]`: the host position after `(k + 1) * CHECKPOINT`
    /// entries.
    positions: Vec<libc::c_long>,
}

// SAFETY: the stream is owned by one fd entry, which lives behind the WASI
// state's mutex: it is used by one thread at a time, and glibc's DIR has
// no affinity to the thread that opened it.
unsafe impl Send for DirStream {}

impl Drop for DirStream {
    fn drop(&mut self) {
        // SAFETY: `dir` came from fdopendir and is closed once, here.
        unsafe { libc::closedir(self.dir) };
    }
}

impl DirStream {
    /// A stream over the directory `dirfd` (which may be an `O_PATH` fd),
    /// at its start. It has its own descriptor, so the guest's fd keeps
    /// its state.
    pub fn open(dirfd: RawFd) -> WasiResult<DirStream> {
        // SAFETY: openat and fdopendir on descriptors we own; on success
        // the DIR stream owns `fd`, on failure it is closed here.
        unsafe {
            let fd = libc::openat(
                dirfd,
                c".".as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            );
            if fd < 0 {
                return Err(Errno::last());
            }
            let dir = libc::fdopendir(fd);
            if dir.is_null() {
                let e = Errno::last();
                libc::close(fd);
                return Err(e);
            }
            Ok(DirStream {
                dir,
                at: 0,
                positions: Vec::new(),
            })
        }
    }

    /// Moves to `cookie` (0: the start, which also sees entries added
    /// since the stream was opened), unless the stream stands there.
    pub fn seek(&mut self, cookie: u64) -> WasiResult<()> {
        if cookie == self.at && cookie != 0 {
            return Ok(());
        }
        if cookie == 0 {
            // SAFETY: a live stream.
            unsafe { libc::rewinddir(self.dir) };
            self.at = 0;
            self.positions.clear();
            return Ok(());
        }
        // From the nearest recorded position at or before `cookie`, unless
        // the stream itself is nearer.
        let k = (cookie / CHECKPOINT).min(self.positions.len() as u64);
        let from = k * CHECKPOINT;
        if !(self.at <= cookie && self.at >= from) {
            // SAFETY: a live stream; the position came from this stream.
            unsafe {
                if k == 0 {
                    libc::rewinddir(self.dir);
                } else {
                    libc::seekdir(self.dir, self.positions[k as usize - 1]);
                }
            }
            self.at = from;
        }
        while self.at < cookie {
            if self.next_entry()?.is_none() {
                break;
            }
        }
        Ok(())
    }

    /// The next entry, or `None` at the end.
    pub fn next_entry(&mut self) -> WasiResult<Option<DirEntry<'_>>> {
        // SAFETY: a live stream. errno is cleared first, since readdir
        // reports both the end and an error as NULL. The entry stays valid
        // until the next readdir on this stream, which needs `&mut self`.
        unsafe {
            *libc::__errno_location() = 0;
            let ent = libc::readdir(self.dir);
            if ent.is_null() {
                let err = *libc::__errno_location();
                return if err == 0 {
                    Ok(None)
                } else {
                    Err(Errno::from_host(err))
                };
            }
            let ent = &*ent;
            let name = CStr::from_ptr(ent.d_name.as_ptr()).to_bytes();
            let ft = match ent.d_type {
                libc::DT_DIR => filetype::DIRECTORY,
                libc::DT_REG => filetype::REGULAR_FILE,
                libc::DT_LNK => filetype::SYMBOLIC_LINK,
                libc::DT_CHR => filetype::CHARACTER_DEVICE,
                libc::DT_BLK => filetype::BLOCK_DEVICE,
                libc::DT_SOCK => filetype::SOCKET_STREAM,
                _ => filetype::UNKNOWN,
            };
            self.at += 1;
            if self.at % CHECKPOINT == 0 && self.at / CHECKPOINT > self.positions.len() as u64 {
                self.positions.push(ent.d_off as libc::c_long);
            }
            Ok(Some(DirEntry {
                next: self.at,
                ino: ent.d_ino as u64,
                filetype: ft,
                name,
            }))
        }
    }
}
