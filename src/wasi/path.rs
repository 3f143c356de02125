//! Sandboxed path resolution. A guest path is resolved one component at a
//! time beneath a directory fd: `..` may not climb above that directory,
//! absolute paths are refused, and symlinks are expanded by us (never by
//! the kernel) under the same rules. Every intermediate directory is
//! opened with `O_NOFOLLOW`, so a symlink swapped in concurrently cannot
//! redirect the walk.

use super::errno::{Errno, WasiResult};
use std::collections::VecDeque;
use std::ffi::CString;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// Symlink expansions allowed in one resolution (as Linux's MAXSYMLINKS).
const MAX_SYMLINKS: u32 = 40;

/// The result of resolving a path: a directory and a final name in it.
pub struct Resolved<'a> {
    root: BorrowedFd<'a>,
    /// Directories opened while walking; the last is the parent.
    opened: Vec<OwnedFd>,
    /// The final component (`.` when the path names the directory itself).
    pub name: CString,
    /// Whether the path ended with `/` (the target must be a directory).
    pub trailing_slash: bool,
}

impl Resolved<'_> {
    /// The directory that holds `name`.
    pub fn dir(&self) -> RawFd {
        self.opened
            .last()
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
    let mut buf = vec![0u8; 4096];
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
    buf.truncate(n as usize);
    Ok(Some(buf))
}

fn split(path: &[u8]) -> VecDeque<Vec<u8>> {
    path.split(|b| *b == b'/')
        .filter(|c| !c.is_empty())
        .map(|c| c.to_vec())
        .collect()
}

/// Resolves `path` beneath `root`. With `follow_last`, a symlink in the
/// final position is expanded too; otherwise the final name is returned as
/// is (the caller acts on the link itself).
pub fn resolve<'a>(
    root: BorrowedFd<'a>,
    path: &str,
    follow_last: bool,
) -> WasiResult<Resolved<'a>> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.as_bytes().contains(&0) {
        return Err(Errno::INVAL);
    }
    if path.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    let trailing_slash = path.ends_with('/');
    let mut queue = split(path.as_bytes());
    let mut r = Resolved {
        root,
        opened: Vec::new(),
        name: cstr(b".")?,
        trailing_slash,
    };
    let mut expansions = 0;
    while let Some(comp) = queue.pop_front() {
        let last = queue.is_empty();
        match comp.as_slice() {
            b"." => {
                if last {
                    r.name = cstr(b".")?;
                }
                continue;
            }
            b".." => {
                if r.opened.pop().is_none() {
                    return Err(Errno::NOTCAPABLE);
                }
                if last {
                    r.name = cstr(b".")?;
                }
                continue;
            }
            _ => {}
        }
        let name = cstr(&comp)?;
        if last && !follow_last && !trailing_slash {
            r.name = name;
            return Ok(r);
        }
        if let Some(target) = symlink_target(r.dir(), &name)? {
            expansions += 1;
            if expansions > MAX_SYMLINKS {
                return Err(Errno::LOOP);
            }
            if target.starts_with(b"/") {
                return Err(Errno::NOTCAPABLE);
            }
            let mut parts = split(&target);
            if target.ends_with(b"/") || (last && trailing_slash) {
                parts.push_back(b".".to_vec());
            }
            if parts.is_empty() {
                parts.push_back(b".".to_vec());
            }
            while let Some(p) = parts.pop_back() {
                queue.push_front(p);
            }
            continue;
        }
        if last {
            r.name = name;
            return Ok(r);
        }
        // SAFETY: valid fd and C string; the result is checked.
        let fd = unsafe {
            libc::openat(
                r.dir(),
                name.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(Errno::last());
        }
        // SAFETY: `fd` was just opened and is owned by nobody else.
        r.opened.push(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    Ok(r)
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
