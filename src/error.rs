//! The one error type of the public API.
//!
//! Every fallible operation returns [`Error`], a boxed [`ErrorKind`] whose
//! `Display` is a precise, one-line message meant for users.

use crate::runtime::trap::Trap;
use std::fmt;

/// What went wrong. Each variant's message says exactly what and, for
/// decoding errors, at which byte offset.
#[derive(Debug)]
pub enum ErrorKind {
    /// The bytes are not a well-formed WebAssembly binary (or text) module.
    Malformed {
        message: String,
        offset: Option<usize>,
    },
    /// The module is well-formed but fails validation.
    Invalid { message: String, offset: usize },
    /// The module uses a feature this engine does not support (yet).
    Unsupported(String),
    /// Instantiation failed to match the module's imports.
    Link(String),
    /// A value, type or handle given to the API does not fit.
    Type(String),
    /// A limit (memory pages, table elements, ...) would be exceeded.
    Limit(String),
    /// Wasm code (or a host function it called) trapped.
    Trap(Trap),
    /// Code generation failed (a bug or an unsupported host).
    Compile(String),
    /// An operating system call failed.
    Io(std::io::Error),
}

/// An error of the wasi-rt API. Small (one pointer) so `Result`s stay cheap.
pub struct Error(Box<ErrorKind>);

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps a kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }
    /// The trap, when this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.0 {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }
    /// Consumes the error, giving back the trap when it is one.
    pub fn into_trap(self) -> Result<Trap, Error> {
        match *self.0 {
            ErrorKind::Trap(t) => Ok(t),
            other => Err(Error::new(other)),
        }
    }
    pub(crate) fn link(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Link(msg.into()))
    }
    pub(crate) fn ty(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Type(msg.into()))
    }
    pub(crate) fn limit(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Limit(msg.into()))
    }
    pub(crate) fn unsupported(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unsupported(msg.into()))
    }
    pub(crate) fn compile(msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Compile(msg.into()))
    }
    /// Converts a wasmparser error: offset kept, malformed vs invalid told
    /// apart by the validator's wording is not reliable, so the caller says.
    pub(crate) fn from_parser(e: wasmparser::BinaryReaderError, invalid: bool) -> Error {
        // Messages quote names from the module, which may hold line breaks
        // and other control characters: escape them, so that an error is
        // always one line.
        let message: String = e
            .message()
            .chars()
            .flat_map(|c| {
                let escaped: Vec<char> = if c.is_control() {
                    c.escape_default().collect()
                } else {
                    vec![c]
                };
                escaped
            })
            .collect();
        // A proposal switched off in the engine's Config::features, or one
        // wasi-rt does not support yet (wasmparser words these in several
        // ways).
        if message.contains("support is not enabled")
            || message.contains("proposal not enabled")
            || message.contains("feature is not enabled")
            || message.contains("not supported without the")
            || message.contains("must be enabled")
            || message.contains("references required")
            || message.contains("is disabled")
        {
            return Error::unsupported(format!(
                "{message} (at byte offset {:#x}): switched off in this engine's \
                 Config::features, or not supported by wasi-rt yet",
                e.offset()
            ));
        }
        if invalid {
            Error::new(ErrorKind::Invalid {
                message,
                offset: e.offset() as usize,
            })
        } else {
            Error::new(ErrorKind::Malformed {
                message,
                offset: Some(e.offset() as usize),
            })
        }
    }
}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Error {
        Error::from_parser(e, false)
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::new(ErrorKind::Trap(t))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Malformed {
                message,
                offset: Some(o),
            } => {
                write!(f, "malformed module: {message} (at byte offset {o:#x})")
            }
            ErrorKind::Malformed {
                message,
                offset: None,
            } => write!(f, "malformed module: {message}"),
            ErrorKind::Invalid { message, offset } => {
                write!(f, "invalid module: {message} (at byte offset {offset:#x})")
            }
            ErrorKind::Unsupported(m) => write!(f, "unsupported: {m}"),
            ErrorKind::Link(m) => write!(f, "link error: {m}"),
            ErrorKind::Type(m) => write!(f, "type error: {m}"),
            ErrorKind::Limit(m) => write!(f, "limit exceeded: {m}"),
            ErrorKind::Trap(t) => write!(f, "{t}"),
            ErrorKind::Compile(m) => write!(f, "compilation failed: {m}"),
            ErrorKind::Io(e) => write!(f, "i/o error: {e}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}
