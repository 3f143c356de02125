//! The guest's file descriptor table: guest fd → host object + rights.

use super::abi::{filetype, rights};
use super::errno::{Errno, WasiResult};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex};

/// Where the guest's stdin comes from.
pub enum StdinSource {
    /// The host process's stdin.
    Inherit,
    /// Always at end of file.
    Null,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
    /// A host file.
    File(File),
}

/// An in-memory sink for stdout or stderr, readable by the host after (or
/// during) the run. Clones share the buffer. A buffer made with
/// [`OutputBuffer::with_limit`] holds at most that many bytes: a write that
/// finds it full fails with `FBIG` (one that only partly fits is cut
/// short), and [`OutputBuffer::overflowed`] tells the host output was lost.
#[derive(Clone, Default)]
pub struct OutputBuffer(Arc<Mutex<BufferState>>);

#[derive(Default)]
struct BufferState {
    bytes: Vec<u8>,
    limit: Option<usize>,
    overflowed: bool,
}

impl OutputBuffer {
    /// An empty buffer with no cap.
    pub fn new() -> OutputBuffer {
        OutputBuffer::default()
    }
    /// An empty buffer that holds at most `max_bytes`.
    pub fn with_limit(max_bytes: usize) -> OutputBuffer {
        let b = OutputBuffer::default();
        b.set_limit(Some(max_bytes));
        b
    }
    /// Caps what the buffer holds from now on (`None`: no cap). Bytes
    /// already held stay.
    pub fn set_limit(&self, max_bytes: Option<usize>) {
        self.lock().limit = max_bytes;
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, BufferState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().bytes.clone()
    }
    /// Whether a write was refused or cut short because the buffer was full.
    pub fn overflowed(&self) -> bool {
        self.lock().overflowed
    }
    /// Appends what fits of `bytes`; returns how much that was.
    pub(crate) fn push(&self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut st = self.lock();
        let room = st.limit.map_or(usize::MAX, |l| l.saturating_sub(st.bytes.len()));
        let n = bytes.len().min(room);
        if n < bytes.len() {
            st.overflowed = true;
            if n == 0 {
                return Err(std::io::Error::from_raw_os_error(libc::EFBIG));
            }
        }
        st.bytes
            .try_reserve(n)
            .map_err(|_| std::io::Error::from_raw_os_error(libc::ENOMEM))?;
        st.bytes.extend_from_slice(&bytes[..n]);
        Ok(n)
    }
}

/// Where the guest's stdout or stderr goes.
pub enum OutputSink {
    /// The host process's stdout (or stderr).
    Inherit,
    /// Discarded.
    Null,
    /// An in-memory buffer.
    Buffer(OutputBuffer),
    /// A host file.
    File(File),
    /// Any writer the embedder supplies (e.g. a callback).
    Writer(Box<dyn Write + Send>),
}

/// The host object behind a guest fd.
pub enum Handle {
    Stdin {
        source: StdinSource,
        pos: usize,
    },
    Output {
        sink: OutputSink,
        host_fd: RawFd,
    },
    File(OpenFile),
    /// A directory; `preopen` is its guest name when it was preopened.
    Dir {
        fd: OwnedFd,
        preopen: Option<String>,
        /// The stream `fd_readdir` lists it with, once it has been listed.
        listing: Option<super::dir::DirStream>,
    },
    Listener(TcpListener),
    Stream(TcpStream),
}

/// A regular file (or device) the guest opened, with the guest's own
/// file position: `fd_seek` and `fd_tell` only update it, and `fd_read`
/// and `fd_write` use `preadv`/`pwritev` at it, so a program that seeks
/// before every read (as SQLite does) makes one system call per read, not
/// two. The kernel's offset is left behind meanwhile; files opened for
/// appending, whose writes go wherever the kernel's end of file is, keep
/// using the kernel's offset (`pos` stays `None`).
pub struct OpenFile {
    pub file: File,
    /// The guest's position, when it is kept here; `None`: the kernel's
    /// offset is the position.
    pos: Option<u64>,
    /// A regular file (devices, FIFOs and the like keep the kernel's
    /// offset: they may not support positioned reads).
    regular: bool,
}

impl OpenFile {
    /// A file at position 0 (as `path_open` opens one); `regular` says
    /// whether it is a regular file.
    pub fn new(file: File, regular: bool) -> OpenFile {
        OpenFile {
            file,
            pos: regular.then_some(0),
            regular,
        }
    }

    /// Whether reads, writes and seeks use the guest's own position, for
    /// an entry with WASI fd `flags`: regular files not opened for
    /// appending.
    pub fn guest_position(&self, flags: u16) -> bool {
        self.regular && flags & super::abi::fdflags::APPEND == 0
    }

    /// The guest's position (reading the kernel's once if need be).
    pub fn position(&mut self) -> WasiResult<u64> {
        if let Some(p) = self.pos {
            return Ok(p);
        }
        // SAFETY: lseek on an fd this value owns.
        let p = unsafe { libc::lseek(self.file.as_raw_fd(), 0, libc::SEEK_CUR) };
        let p = u64::try_from(p).map_err(|_| Errno::last())?;
        self.pos = Some(p);
        Ok(p)
    }

    /// Sets the guest's position.
    pub fn set_position(&mut self, p: u64) {
        self.pos = Some(p);
    }

    /// Runs `transfer(fd, position)` (a positioned read or write that
    /// returns how many bytes it moved) and moves the position past them.
    pub fn at_position(&mut self, transfer: impl FnOnce(RawFd, u64) -> WasiResult<usize>) -> WasiResult<usize> {
        let at = self.position()?;
        let n = transfer(self.file.as_raw_fd(), at)?;
        self.set_position(at + n as u64);
        Ok(n)
    }

    /// Hands the position back to the kernel (before the file's append
    /// flag changes, or when it must be the kernel's for another reason).
    pub fn sync_position(&mut self) -> WasiResult<()> {
        if let Some(p) = self.pos {
            let off = libc::off_t::try_from(p).map_err(|_| Errno::INVAL)?;
            // SAFETY: lseek on an fd this value owns.
            if unsafe { libc::lseek(self.file.as_raw_fd(), off, libc::SEEK_SET) } < 0 {
                return Err(Errno::last());
            }
            self.pos = None;
        }
        Ok(())
    }
}

impl std::ops::Deref for OpenFile {
    type Target = File;
    fn deref(&self) -> &File {
        &self.file
    }
}

/// One open guest fd.
pub struct FdEntry {
    pub handle: Handle,
    pub base: u64,
    pub inheriting: u64,
    pub flags: u16,
}

/// Rights of regular files opened with everything allowed.
pub const FILE_RIGHTS: u64 = rights::FD_DATASYNC
    | rights::FD_READ
    | rights::FD_SEEK
    | rights::FD_FDSTAT_SET_FLAGS
    | rights::FD_SYNC
    | rights::FD_TELL
    | rights::FD_WRITE
    | rights::FD_ADVISE
    | rights::FD_ALLOCATE
    | rights::FD_FILESTAT_GET
    | rights::FD_FILESTAT_SET_SIZE
    | rights::FD_FILESTAT_SET_TIMES
    | rights::POLL_FD_READWRITE;
/// Rights of directories opened with everything allowed.
pub const DIR_RIGHTS: u64 = rights::ALL
    & !(rights::FD_READ
        | rights::FD_WRITE
        | rights::FD_SEEK
        | rights::FD_TELL
        | rights::FD_ALLOCATE
        | rights::FD_FILESTAT_SET_SIZE
        | rights::SOCK_ACCEPT
        | rights::SOCK_SHUTDOWN);
/// Rights of stdio streams.
pub const STDIO_RIGHTS: u64 = rights::FD_READ
    | rights::FD_WRITE
    | rights::FD_FDSTAT_SET_FLAGS
    | rights::FD_FILESTAT_GET
    | rights::POLL_FD_READWRITE;
/// Rights of sockets.
pub const SOCKET_RIGHTS: u64 = rights::FD_READ
    | rights::FD_WRITE
    | rights::FD_FDSTAT_SET_FLAGS
    | rights::FD_FILESTAT_GET
    | rights::POLL_FD_READWRITE
    | rights::SOCK_SHUTDOWN
    | rights::SOCK_ACCEPT;

impl FdEntry {
    /// Fails unless the fd holds all of `needed`: with EBADF when a file
    /// lacks a read or write right (as POSIX reports a file not opened for
    /// that), with ENOTCAPABLE otherwise.
    pub fn require(&self, needed: u64) -> WasiResult<()> {
        let missing = needed & !self.base;
        if missing == 0 {
            return Ok(());
        }
        let io =
            rights::FD_READ | rights::FD_WRITE | rights::FD_FILESTAT_SET_SIZE | rights::FD_ALLOCATE;
        if matches!(self.handle, Handle::File(_)) && missing & io == missing {
            return Err(Errno::BADF);
        }
        Err(Errno::NOTCAPABLE)
    }

    /// The host fd behind this entry, when there is one.
    pub fn raw_fd(&self) -> Option<RawFd> {
        match &self.handle {
            Handle::Stdin {
                source: StdinSource::Inherit,
                ..
            } => Some(0),
            Handle::Stdin {
                source: StdinSource::File(f),
                ..
            } => Some(f.as_raw_fd()),
            Handle::Stdin { .. } => None,
            Handle::Output {
                sink: OutputSink::Inherit,
                host_fd,
            } => Some(*host_fd),
            Handle::Output {
                sink: OutputSink::File(f),
                ..
            } => Some(f.as_raw_fd()),
            Handle::Output { .. } => None,
            Handle::File(f) => Some(f.as_raw_fd()),
            Handle::Dir { fd, .. } => Some(fd.as_raw_fd()),
            Handle::Listener(l) => Some(l.as_raw_fd()),
            Handle::Stream(s) => Some(s.as_raw_fd()),
        }
    }

    /// The WASI file type of this entry.
    pub fn filetype(&self) -> u8 {
        match &self.handle {
            Handle::Dir { .. } => filetype::DIRECTORY,
            Handle::Listener(_) | Handle::Stream(_) => filetype::SOCKET_STREAM,
            Handle::File(f) => match f.metadata() {
                Ok(m) => super::fs::filetype_of(&m.file_type()),
                Err(_) => filetype::UNKNOWN,
            },
            Handle::Stdin {
                source: StdinSource::File(_),
                ..
            }
            | Handle::Output {
                sink: OutputSink::File(_),
                ..
            } => filetype::REGULAR_FILE,
            _ => filetype::CHARACTER_DEVICE,
        }
    }
}

/// The table itself.
#[derive(Default)]
pub struct FdTable {
    entries: BTreeMap<u32, FdEntry>,
}

impl FdTable {
    pub fn get(&self, fd: u32) -> WasiResult<&FdEntry> {
        self.entries.get(&fd).ok_or(Errno::BADF)
    }
    pub fn get_mut(&mut self, fd: u32) -> WasiResult<&mut FdEntry> {
        self.entries.get_mut(&fd).ok_or(Errno::BADF)
    }
    /// Inserts at the lowest free fd.
    pub fn push(&mut self, e: FdEntry) -> WasiResult<u32> {
        let mut fd = 0u32;
        for k in self.entries.keys() {
            if *k != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::MFILE)?;
        }
        self.entries.insert(fd, e);
        Ok(fd)
    }
    pub fn insert_at(&mut self, fd: u32, e: FdEntry) {
        self.entries.insert(fd, e);
    }
    pub fn remove(&mut self, fd: u32) -> WasiResult<FdEntry> {
        self.entries.remove(&fd).ok_or(Errno::BADF)
    }
}
