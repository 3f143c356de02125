//! The state of one WASI program: its fd table, arguments and environment.

use super::fdtable::FdTable;

/// Shared by all WASI functions of one program (behind a mutex).
pub struct WasiState {
    pub fds: FdTable,
    pub args: Vec<String>,
    pub env: Vec<String>,
    /// Print every call to stderr.
    pub trace: bool,
}
