//! Sandboxed path resolution. A guest path is resolved one component at a
//! time beneath a directory fd: `..` may not climb above that directory,
//! absolute paths are refused, and symlinks are expanded by us (never by
//! the kernel) under the same rules. Every intermediate directory is
//! opened with `O_NOFOLLOW`, so a symlink swapped in concurrently cannot
//! redirect the walk.

use super::errno::{Errno, WasiResult};
use std::ffi::CString;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// Symlink expansions allowed in one resolution (as Linux's MAXSYMLINKS).
const MAX_SYMLINKS: u32 = 40;
/// Longest guest path accepted, in bytes (Linux's `PATH_MAX`, which counts
/// the terminating NUL); longer ones fail with NAMETOOLONG before any work.
pub const MAX_PATH: usize = 4095;
/// Directories of the walk kept open: the deepest `OPEN_LEVELS`, and every
/// `CHECKPOINT`th level. A `..` that climbs above the deepest ones reopens
/// its directory by walking down again from the nearest one still open
/// (at most `CHECKPOINT` steps). Keeps a path of thousands of components
/// from holding thousands of host fds.
const OPEN_LEVELS: usize = 16;
const CHECKPOINT: usize = 64;

/// The result of resolving a path: a directory and a final name in it.
pub struct Resolved<'a> {
    root: BorrowedFd<'a>,
    /// The directory that holds `name` (`None`: the root itself).
    parent: Option<OwnedFd>,
    /// The final component (`.` when the path names the directory itself).
    pub name: CString,
    /// Whether the path ended with `/` (the target must be a directory).
    pub trailing_slash: bool,
}

impl Resolved<'_> {
    /// The directory that holds `name`.
    pub fn dir(&self) -> RawFd {
        self.parent
            .as_ref()
            .map_or(self.root.as_raw_fd(), |f| f.as_raw_fd())
    }
}

fn cstr(s: &[u8]) -> WasiResult<CString> {
    CString::new(s).map_err(|_| Errno::INVAL)
}

/// Whether `name` in `dir` is a symlink; its target when it is.
fn symlink_target(dir: RawFd, name: &CString) -> WasiResult<Option<Vec<u8>>> {
    // SAFETY: zeroed stat buffer, valid C string and fd.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
    if rc != 0 {
        let e = Errno::last();
        // A missing final component is the caller's business (e.g. O_CREAT).
        return if e == Errno::NOENT { Ok(None) } else { Err(e) };
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFLNK {
        return Ok(None);
    }
    let mut buf = vec![0u8; MAX_PATH + 1];
    // SAFETY: buffer of the given length, valid fd and name.
    let n = unsafe {
        libc::readlinkat(
            dir,
            name.as_ptr(),
            buf.as_mut_ptr() as *mut libc::c_char,
            buf.len(),
        )
    };
    if n < 0 {
        return Err(Errno::last());
    }
    if n as usize > MAX_PATH {
        // The target filled the buffer: it may have been cut.
        return Err(Errno::NAMETOOLONG);
    }
    buf.truncate(n as usize);
    Ok(Some(buf))
}

/// Opens the directory `name` beneath `dir`, refusing symlinks.
fn open_dir(dir: RawFd, name: &CString) -> WasiResult<OwnedFd> {
    // SAFETY: valid fd and C string; the result is checked.
    let fd = unsafe {
        libc::openat(
            dir,
            name.as_ptr(),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(Errno::last());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The directories entered so far, below the root: their names (in one
/// buffer) and, for the deepest `OPEN_LEVELS`, an open fd.
struct Walk<'a> {
    root: BorrowedFd<'a>,
    names: Vec<u8>,
    /// Per level: where its name ends in `names`, and its fd if kept.
    levels: Vec<(usize, Option<OwnedFd>)>,
}

impl Walk<'_> {
    fn name(&self, level: usize) -> &[u8] {
        let start = if level == 0 { 0 } else { self.levels[level - 1].0 };
        &self.names[start..self.levels[level].0]
    }

    fn fd_of(&self, level: Option<usize>) -> RawFd {
        match level {
            None => self.root.as_raw_fd(),
            Some(l) => self.levels[l]
                .1
                .as_ref()
                .map_or(-1, |f| f.as_raw_fd()),
        }
    }

    /// The directory the walk is in.
    fn dir(&self) -> RawFd {
        self.fd_of(self.levels.len().checked_sub(1))
    }

    /// Enters the directory `name` of the current one.
    fn enter(&mut self, name: &CString) -> WasiResult<()> {
        let fd = open_dir(self.dir(), name)?;
        self.names.extend_from_slice(name.as_bytes());
        self.levels.push((self.names.len(), Some(fd)));
        if let Some(old) = self.levels.len().checked_sub(OPEN_LEVELS + 1)
            && old % CHECKPOINT != CHECKPOINT - 1
        {
            self.levels[old].1 = None;
        }
        Ok(())
    }

    /// `..`: back to the parent, which must not be above the root.
    fn leave(&mut self) -> WasiResult<()> {
        self.levels.pop().ok_or(Errno::NOTCAPABLE)?;
        let end = self.levels.last().map_or(0, |l| l.0);
        self.names.truncate(end);
        let Some(top) = self.levels.len().checked_sub(1) else {
            return Ok(());
        };
        if self.levels[top].1.is_some() {
            return Ok(());
        }
        // Reopen by walking down the recorded names from the nearest level
        // still open. Every step opens a plain name beneath a directory
        // already inside the sandbox, so the result is inside it too.
        let open = (0..top).rev().find(|l| self.levels[*l].1.is_some());
        let start = open.map_or(0, |l| l + 1);
        let mut from = self.fd_of(open);
        let mut _unkept: Option<OwnedFd> = None;
        for level in start..=top {
            let name = cstr(self.name(level))?;
            let fd = open_dir(from, &name)?;
            from = fd.as_raw_fd();
            if level + OPEN_LEVELS > top {
                self.levels[level].1 = Some(fd);
            } else {
                // Needed only to open the next level; closed after that.
                _unkept = Some(fd);
            }
        }
        Ok(())
    }
}

/// Resolves `path` beneath `root`. With `follow_last`, a symlink in the
/// final position is expanded too; otherwise the final name is returned as
/// is (the caller acts on the link itself). Memory and open fds stay
/// bounded whatever the path: it is at most `MAX_PATH` bytes, each symlink
/// target too, and only the deepest directories stay open.
pub fn resolve<'a>(
    root: BorrowedFd<'a>,
    path: &str,
    follow_last: bool,
) -> WasiResult<Resolved<'a>> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.len() > MAX_PATH {
        return Err(Errno::NAMETOOLONG);
    }
    if path.as_bytes().contains(&0) {
        return Err(Errno::INVAL);
    }
    if path.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    let trailing_slash = path.ends_with('/');
    // What is left to walk; a symlink's target replaces its component.
    let mut rest: Vec<u8> = path.as_bytes().to_vec();
    let mut pos = 0;
    let mut walk = Walk {
        root,
        names: Vec::new(),
        levels: Vec::new(),
    };
    let mut name = cstr(b".")?;
    let mut expansions = 0;
    loop {
        while rest.get(pos) == Some(&b'/') {
            pos += 1;
        }
        if pos == rest.len() {
            break;
        }
        let start = pos;
        while pos < rest.len() && rest[pos] != b'/' {
            pos += 1;
        }
        let end = pos;
        while rest.get(pos) == Some(&b'/') {
            pos += 1;
        }
        let last = pos == rest.len();
        match &rest[start..end] {
            b"." => {
                if last {
                    name = cstr(b".")?;
                }
                continue;
            }
            b".." => {
                walk.leave()?;
                if last {
                    name = cstr(b".")?;
                }
                continue;
            }
            _ => {}
        }
        let comp = cstr(&rest[start..end])?;
        if last && !follow_last && !trailing_slash {
            name = comp;
            break;
        }
        if let Some(target) = symlink_target(walk.dir(), &comp)? {
            expansions += 1;
            if expansions > MAX_SYMLINKS {
                return Err(Errno::LOOP);
            }
            if target.starts_with(b"/") {
                return Err(Errno::NOTCAPABLE);
            }
            // The target, then what followed the link.
            let mut next = target;
            if next.is_empty() {
                next.push(b'.');
            }
            if next.ends_with(b"/") || (last && trailing_slash) {
                next.extend_from_slice(b"/.");
            }
            if !last {
                next.push(b'/');
                next.extend_from_slice(&rest[pos..]);
            }
            rest = next;
            pos = 0;
            continue;
        }
        if last {
            name = comp;
            break;
        }
        walk.enter(&comp)?;
    }
    let parent = walk.levels.pop().map(|(_, fd)| fd);
    let parent = match parent {
        Some(Some(fd)) => Some(fd),
        Some(None) => unreachable!("the deepest level is always open"),
        None => None,
    };
    Ok(Resolved {
        root,
        parent,
        name,
        trailing_slash,
    })
}

/// Symlink contents are stored as given, but a target that is absolute can
/// only ever lead outside the sandbox: such links are refused.
pub fn check_symlink_target(target: &str) -> WasiResult<()> {
    if target.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    if target.as_bytes().contains(&0) {
        return Err(Errno::INVAL);
    }
    Ok(())
}
