//! The on-disk code cache: one file per (module binary, engine
//! fingerprint), holding the machine code compiled for it in the
//! precompiled format, so the next process that loads the same module
//! with the same settings skips compiling.
//!
//! Entries are named after a BLAKE3 hash of the module binary and the
//! engine's fingerprint; loading checks the entry's checksum and
//! fingerprint and that it holds exactly this binary, so a corrupt,
//! truncated or foreign entry is ignored (and replaced), never run.
//! Entries are written to a temporary file in the directory and renamed
//! into place, so concurrent writers never leave a torn file. A read
//! marks its entry as recently used (its modification time); after a
//! write the least recently used entries are removed until the directory
//! fits the size limit.
//!
//! Like precompiled files, entries are machine code run as it is: the
//! directory must be writable only by the user running wasi-rt.

use crate::error::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};

/// File name suffix of cache entries.
const SUFFIX: &str = ".wrcache";

/// Where the code cache lives and how big it may grow (`Config::cache`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// The directory (created when missing). `None`: the user's cache
    /// directory, `$XDG_CACHE_HOME/wasi-rt` or `$HOME/.cache/wasi-rt`.
    pub directory: Option<PathBuf>,
    /// Size limit of all entries together, in bytes (default 1 GiB); the
    /// least recently used entries go first.
    pub max_size: u64,
}

impl Default for CacheConfig {
    fn default() -> CacheConfig {
        CacheConfig {
            directory: None,
            max_size: 1 << 30,
        }
    }
}

impl CacheConfig {
    /// The directory this configuration uses; an error when it names none
    /// and neither `XDG_CACHE_HOME` nor `HOME` is set.
    pub fn resolved_directory(&self) -> Result<PathBuf> {
        if let Some(d) = &self.directory {
            return Ok(d.clone());
        }
        let from = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from);
        from("XDG_CACHE_HOME")
            .or_else(|| from("HOME").map(|h| h.join(".cache")))
            .map(|d| d.join("wasi-rt"))
            .ok_or_else(|| {
                Error::new(ErrorKind::Io(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no cache directory: neither XDG_CACHE_HOME nor HOME is set",
                )))
            })
    }
}

/// What a cache directory holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: u64,
    pub bytes: u64,
}

/// One entry's place: the file for a module binary under an engine.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    path: PathBuf,
    dir: PathBuf,
    max_size: u64,
}

impl CacheEntry {
    /// The entry for `binary` compiled by an engine with `fingerprint`.
    pub fn new(config: &CacheConfig, binary: &[u8], fingerprint: &str) -> Result<CacheEntry> {
        let dir = config.resolved_directory()?;
        let mut h = blake3::Hasher::new();
        h.update(&(fingerprint.len() as u64).to_le_bytes());
        h.update(fingerprint.as_bytes());
        h.update(binary);
        let name = format!("{}{SUFFIX}", &h.finalize().to_hex()[..40]);
        Ok(CacheEntry {
            path: dir.join(name),
            dir,
            max_size: config.max_size,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry's bytes, if it exists (marking it recently used).
    pub fn read(&self) -> Option<Vec<u8>> {
        let bytes = std::fs::read(&self.path).ok()?;
        if let Ok(f) = std::fs::File::options().write(true).open(&self.path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        Some(bytes)
    }

    /// Removes the entry (a bad one).
    pub fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    /// Writes the entry atomically (a temporary file renamed into place),
    /// then evicts the least recently used entries beyond the size limit
    /// (never this one).
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        let io = |e: std::io::Error| Error::new(ErrorKind::Io(e));
        if bytes.len() as u64 > self.max_size {
            return Ok(()); // would evict everything, itself included
        }
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let tmp = self.dir.join(format!(
            ".tmp-{}-{:?}-{}",
            std::process::id(),
            std::thread::current().id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e));
        }
        evict(&self.dir, self.max_size, &self.path);
        Ok(())
    }
}

/// The entries of `dir`: (path, size, last use).
fn entries(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.filter_map(|e| {
        let e = e.ok()?;
        let name = e.file_name();
        if !name.to_string_lossy().ends_with(SUFFIX) {
            return None;
        }
        let meta = e.metadata().ok()?;
        meta.is_file()
            .then(|| (e.path(), meta.len(), meta.modified().unwrap_or(std::time::UNIX_EPOCH)))
    })
    .collect()
}

/// Temporary files older than this were left by a writer that died.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the least recently used entries of `dir` (never `keep`) until
/// they total at most `max_size` bytes, and temporary files a writer left
/// behind long ago.
fn evict(dir: &Path, max_size: u64, keep: &Path) {
    remove_temporaries(dir, STALE_TEMPORARY);
    let mut all = entries(dir);
    let mut total: u64 = all.iter().map(|e| e.1).sum();
    all.sort_by_key(|e| e.2);
    for (path, size, _) in all {
        if total <= max_size {
            break;
        }
        if path != keep && std::fs::remove_file(&path).is_ok() {
            total -= size;
        }
    }
}

/// Removes the temporary files of `dir` last written more than `age` ago.
fn remove_temporaries(dir: &Path, age: std::time::Duration) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    let now = std::time::SystemTime::now();
    for e in read.flatten() {
        let old = e.file_name().to_string_lossy().starts_with(".tmp-")
            && e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= age);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// How many entries the cache of `config` holds and their total size.
pub fn stats(config: &CacheConfig) -> Result<CacheStats> {
    let all = entries(&config.resolved_directory()?);
    Ok(CacheStats {
        entries: all.len() as u64,
        bytes: all.iter().map(|e| e.1).sum(),
    })
}

/// Removes every entry of the cache of `config` (and leftover temporary
/// files); returns how many entries went.
pub fn clear(config: &CacheConfig) -> Result<u64> {
    let dir = config.resolved_directory()?;
    let mut removed = 0;
    for (path, _, _) in entries(&dir) {
        if std::fs::remove_file(path).is_ok() {
            removed += 1;
        }
    }
    remove_temporaries(&dir, std::time::Duration::ZERO);
    Ok(removed)
}
