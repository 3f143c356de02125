//! Stage 3 of the pipeline: what runs. Stores own instances and their
//! memories, tables, globals and functions; traps unwind to the host.

pub mod code;
pub mod exception;
pub mod func;
pub mod gc;
pub mod global;
pub mod instance;
pub mod libcalls;
pub mod libcalls_list;
pub mod memory;
pub mod memory_pool;
pub mod parking;
pub mod profiling;
pub mod store;
pub mod sys;
pub mod table;
pub mod trap;
pub mod val;
pub mod vmctx;
