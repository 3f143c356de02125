//! Platform-specific support: signal handling and virtual memory.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;
