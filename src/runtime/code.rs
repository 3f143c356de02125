//! Executable code in memory, and the process-wide registry of loaded
//! code that the trap handler and backtraces consult: which addresses hold
//! Wasm functions, which instructions may trap and with what code, and
//! which module operator each instruction came from.

use crate::error::{Error, Result};
use crate::runtime::trap::TrapCode;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Where a Wasm function's code sits, for backtraces.
#[derive(Clone, Copy, Debug)]
pub struct FuncRange {
    pub start: u32,
    pub end: u32,
    pub func_index: u32,
}

/// What an exception handler of a call site does, in order (the first
/// match wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandlerRec {
    /// The vmctx that tag indices refer to is at this offset from the
    /// call's stack pointer.
    Context(u32),
    /// Exceptions with the module's tag `tag` resume at `target` (a code
    /// offset).
    Tag { tag: u32, target: u32 },
    /// Every exception resumes at `target`.
    Default(u32),
}

/// A call that may be unwound into: where it returns, how far its stack
/// pointer is below the frame pointer, and its handlers
/// (`handlers[start..end]` of the code's `handlers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallSite {
    pub ret: u32,
    pub frame_offset: u32,
    pub start: u32,
    pub end: u32,
}

/// The stack map of one call: while the caller is stopped there, its
/// stack pointer is its frame pointer minus `span`, and the 8-byte slots
/// at `slots[start..end]` (offsets from that stack pointer) hold the GC
/// references live across the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackMapRec {
    pub ret: u32,
    pub span: u32,
    pub start: u32,
    pub end: u32,
}

/// What the trap handler and backtraces need to know about loaded code.
#[derive(Debug, Default)]
pub struct CodeInfo {
    /// Sorted (offset, trap code).
    pub traps: Vec<(u32, TrapCode)>,
    /// Sorted by start; only Wasm functions (not trampolines).
    pub funcs: Vec<FuncRange>,
    /// (code offset, module byte offset of the operator), sorted.
    pub srclocs: Vec<(u32, u32)>,
    /// Calls inside `try_table` scopes, sorted by return offset.
    pub call_sites: Vec<CallSite>,
    /// Their handlers.
    pub handlers: Vec<HandlerRec>,
    /// Calls with live GC references, sorted by return offset.
    pub stack_maps: Vec<StackMapRec>,
    /// Their slots.
    pub stack_slots: Vec<u32>,
    /// Names and body offsets, shared by every piece of a module's code.
    pub module: Arc<ModuleCodeInfo>,
}

/// What every piece of one module's code shares: names for backtraces and
/// the identity of the module.
#[derive(Debug, Default)]
pub struct ModuleCodeInfo {
    /// Identifies the module (see `CompiledModule::id`): the same for
    /// every piece of its code, whether compiled at once or lazily.
    pub id: usize,
    /// Module byte offset of each defined function's body, by function index.
    pub body_offsets: std::collections::HashMap<u32, u32>,
    pub module_name: Option<String>,
    pub func_names: std::collections::HashMap<u32, String>,
}

/// A read+execute mapping holding placed, relocated code.
pub struct CodeMemory {
    ptr: *mut u8,
    len: usize,
    registered: bool,
}

// SAFETY: the mapping is immutable (read+execute) once created; sharing the
// pointer across threads only allows executing and reading it.
unsafe impl Send for CodeMemory {}
unsafe impl Sync for CodeMemory {}

/// A fresh read+write anonymous private mapping of `len` bytes.
fn map_writable(len: usize) -> Result<*mut libc::c_void> {
    // SAFETY: anonymous private mapping; the result is checked.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return Err(Error::new(crate::ErrorKind::Io(std::io::Error::last_os_error())));
    }
    Ok(ptr)
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

impl CodeMemory {
    /// Copies `image` into fresh memory, lets `patch` apply relocations
    /// (given the final base address), then makes it executable.
    pub fn new(
        image: &[u8],
        patch: impl FnOnce(&mut [u8], usize) -> Result<()>,
    ) -> Result<CodeMemory> {
        let ps = page_size();
        let len = image.len().max(1).div_ceil(ps) * ps;
        let ptr = map_writable(len)?;
        let mem = CodeMemory {
            ptr: ptr as *mut u8,
            len,
            registered: false,
        };
        // SAFETY: the mapping is `len >= image.len()` bytes, writable, and
        // owned by `mem` alone until it is returned.
        let slice = unsafe { std::slice::from_raw_parts_mut(mem.ptr, len) };
        slice[..image.len()].copy_from_slice(image);
        patch(slice, mem.ptr as usize)?;
        // SAFETY: same mapping; switching it to read+execute.
        let rc = unsafe { libc::mprotect(ptr, len, libc::PROT_READ | libc::PROT_EXEC) };
        if rc != 0 {
            return Err(Error::new(crate::ErrorKind::Io(
                std::io::Error::last_os_error(),
            )));
        }
        Ok(mem)
    }

    /// Address of the first byte.
    pub fn base(&self) -> usize {
        self.ptr as usize
    }

    /// Records this code (with its trap table) for the trap handler.
    pub fn register(&mut self, info: Arc<CodeInfo>) {
        let mut reg = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
        reg.insert(self.base(), (self.base() + self.len, info));
        self.registered = true;
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        if self.registered {
            let mut reg = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
            reg.remove(&self.base());
        }
        // SAFETY: unmapping the mapping this value owns; no code in it can
        // run any more (every instance holding it is gone).
        unsafe {
            libc::munmap(self.ptr as *mut libc::c_void, self.len);
        }
    }
}

/// Stable entry points for functions whose code is made later (lazy
/// compilation), on x86-64. Entry `i` is a jump through slot `i`; each slot
/// starts out pointing at thunk `i`, which loads the table's context into
/// `r10` and `i` into `r11` and jumps to the handler (see
/// `wasi_rt_lazy_entry`). `set_target` points a slot at the function's
/// code once it exists; entries never move, so their addresses can be
/// handed out (exports, tables, references) before any code exists.
///
/// Layout, one mapping: entries (16 bytes each) and thunks (32 bytes
/// each), read+execute; then the slots (8 bytes each), the context cell
/// and the handler cell, read+write.
pub struct JumpTable {
    ptr: *mut u8,
    len: usize,
    count: usize,
    /// Offset of the slots.
    slots: usize,
}

// SAFETY: the executable part never changes after `new`; the slots and
// cells are only written with atomic stores, and read by the processor as
// jump targets.
unsafe impl Send for JumpTable {}
unsafe impl Sync for JumpTable {}

const ENTRY_SIZE: usize = 16;
const THUNK_SIZE: usize = 32;

impl JumpTable {
    /// A table of `count` entries whose thunks jump to `handler` with
    /// `context` in `r10`.
    pub fn new(count: usize, context: usize, handler: usize) -> Result<JumpTable> {
        let ps = page_size();
        let exec = (count * (ENTRY_SIZE + THUNK_SIZE)).max(1).div_ceil(ps) * ps;
        let data = (count * 8 + 16).div_ceil(ps) * ps;
        let len = exec + data;
        if len > i32::MAX as usize {
            return Err(Error::limit(format!("{count} functions are too many to compile lazily")));
        }
        let ptr = map_writable(len)?;
        let table = JumpTable {
            ptr: ptr as *mut u8,
            len,
            count,
            slots: exec,
        };
        // SAFETY: the mapping is `len` bytes, writable, and owned by
        // `table` alone until it is returned.
        let mem = unsafe { std::slice::from_raw_parts_mut(table.ptr, len) };
        mem[..exec].fill(0xcc); // int3 between the instructions
        let context_cell = exec + count * 8;
        let handler_cell = context_cell + 8;
        // rip-relative displacement from the end of an instruction at
        // `next` to `target` (all inside one mapping under 2 GiB).
        let rel = |next: usize, target: usize| (target as i64 - next as i64) as i32;
        for i in 0..count {
            let e = i * ENTRY_SIZE;
            let slot = exec + i * 8;
            // jmp qword ptr [rip + slot]
            mem[e..e + 2].copy_from_slice(&[0xff, 0x25]);
            mem[e + 2..e + 6].copy_from_slice(&rel(e + 6, slot).to_le_bytes());
            let t = count * ENTRY_SIZE + i * THUNK_SIZE;
            // mov r11d, i
            mem[t..t + 2].copy_from_slice(&[0x41, 0xbb]);
            mem[t + 2..t + 6].copy_from_slice(&(i as u32).to_le_bytes());
            // mov r10, qword ptr [rip + context_cell]
            mem[t + 6..t + 9].copy_from_slice(&[0x4c, 0x8b, 0x15]);
            mem[t + 9..t + 13].copy_from_slice(&rel(t + 13, context_cell).to_le_bytes());
            // jmp qword ptr [rip + handler_cell]
            mem[t + 13..t + 15].copy_from_slice(&[0xff, 0x25]);
            mem[t + 15..t + 19].copy_from_slice(&rel(t + 19, handler_cell).to_le_bytes());
            let thunk = table.ptr as usize + t;
            mem[slot..slot + 8].copy_from_slice(&thunk.to_le_bytes());
        }
        mem[context_cell..context_cell + 8].copy_from_slice(&context.to_le_bytes());
        mem[handler_cell..handler_cell + 8].copy_from_slice(&handler.to_le_bytes());
        // SAFETY: the executable part of the mapping this value owns.
        let rc = unsafe { libc::mprotect(ptr, exec, libc::PROT_READ | libc::PROT_EXEC) };
        if rc != 0 {
            return Err(Error::new(crate::ErrorKind::Io(std::io::Error::last_os_error())));
        }
        Ok(table)
    }

    /// The address to call for function `i` (`i < count`).
    pub fn entry(&self, i: usize) -> usize {
        assert!(i < self.count);
        self.ptr as usize + i * ENTRY_SIZE
    }

    /// Sets the context the thunks pass (before any entry is called).
    pub fn set_context(&self, context: usize) {
        self.cell(self.count).store(context, std::sync::atomic::Ordering::Release);
    }

    /// Points entry `i` at `code` from now on.
    pub fn set_target(&self, i: usize, code: usize) {
        assert!(i < self.count);
        self.cell(i).store(code, std::sync::atomic::Ordering::Release);
    }

    /// The `k`th 8-byte cell of the data part (slot `k`, or the context
    /// cell for `k == count`).
    fn cell(&self, k: usize) -> &std::sync::atomic::AtomicUsize {
        // SAFETY: the cell lies in the read+write part of the mapping,
        // 8-byte aligned (the part starts on a page), and lives as long
        // as `self`; it is only accessed atomically.
        unsafe { &*(self.ptr.add(self.slots + k * 8) as *const std::sync::atomic::AtomicUsize) }
    }
}

impl Drop for JumpTable {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping this value owns; no code can jump
        // through it any more (its module is gone).
        unsafe {
            libc::munmap(self.ptr as *mut libc::c_void, self.len);
        }
    }
}

type Registry = BTreeMap<usize, (usize, Arc<CodeInfo>)>;
static REGISTRY: RwLock<Registry> = RwLock::new(BTreeMap::new());

fn with_code<R>(pc: usize, f: impl FnOnce(usize, &CodeInfo) -> Option<R>) -> Option<R> {
    // Only read by the thread that faulted inside Wasm code; writers never
    // run Wasm code while holding the lock, so this cannot deadlock.
    let reg = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
    let (start, (end, info)) = reg.range(..=pc).next_back()?;
    if pc >= *end {
        return None;
    }
    f(*start, info)
}

/// The trap code of the instruction at `pc`, if it is a trapping
/// instruction of registered Wasm code. Safe to call from a signal handler
/// of a thread running Wasm code (no allocation).
pub fn lookup_trap(pc: usize) -> Option<TrapCode> {
    with_code(pc, |start, info| {
        let off = (pc - start) as u32;
        let i = info.traps.binary_search_by_key(&off, |t| t.0).ok()?;
        Some(info.traps[i].1)
    })
}

/// Calls `f` with the call site returning to `ret` (a return address):
/// `None` when `ret` is not in a Wasm function; otherwise `f`'s result for
/// the call's handlers, with what the runtime needs to resume at one (the
/// code base, the frame offset and the handler list), or for `None` when
/// the call has none. One registry lookup, no allocation.
pub fn with_call_site<R>(
    ret: usize,
    f: impl FnOnce(Option<(usize, u32, &[HandlerRec])>) -> R,
) -> Option<R> {
    with_code(ret, |start, info| {
        let off = (ret - start) as u32;
        find_func(info, off)?;
        let site = info
            .call_sites
            .binary_search_by_key(&off, |c| c.ret)
            .ok()
            .and_then(|i| {
                let c = info.call_sites[i];
                let handlers = info.handlers.get(c.start as usize..c.end as usize)?;
                Some((start, c.frame_offset, handlers))
            });
        Some(f(site))
    })
}

/// Calls `f(span, slots)` with the stack map of the call returning to
/// `ret` (no slots when nothing is live across it); `None` when `ret` is
/// not in a Wasm function.
pub fn with_stack_map<R>(ret: usize, f: impl FnOnce(u32, &[u32]) -> R) -> Option<R> {
    with_code(ret, |start, info| {
        let off = (ret - start) as u32;
        find_func(info, off)?;
        let rec = info
            .stack_maps
            .binary_search_by_key(&off, |m| m.ret)
            .ok()
            .map(|i| info.stack_maps[i]);
        Some(match rec {
            Some(m) => f(
                m.span,
                info.stack_slots
                    .get(m.start as usize..m.end as usize)
                    .unwrap_or(&[]),
            ),
            None => f(0, &[]),
        })
    })
}

/// Whether `pc` lies inside a registered Wasm function (not a trampoline).
pub fn is_wasm_pc(pc: usize) -> bool {
    with_code(pc, |start, info| {
        find_func(info, (pc - start) as u32).map(|_| ())
    })
    .is_some()
}

fn find_func(info: &CodeInfo, off: u32) -> Option<FuncRange> {
    let i = info.funcs.partition_point(|f| f.start <= off);
    let f = *info.funcs.get(i.checked_sub(1)?)?;
    (off < f.end).then_some(f)
}

/// What a backtrace reports about the Wasm code at `pc`.
pub struct PcInfo {
    pub func_index: u32,
    pub func_name: Option<String>,
    pub module_name: Option<String>,
    /// Module byte offset of the operator at `pc`, when known.
    pub module_offset: Option<u32>,
    /// Module byte offset of the function's body.
    pub body_offset: Option<u32>,
    /// Identifies the module (`CompiledModule::id`).
    pub module_id: usize,
}

/// Describes the Wasm function and operator at `pc`.
pub fn describe_pc(pc: usize) -> Option<PcInfo> {
    with_code(pc, |start, info| {
        let off = (pc - start) as u32;
        let f = find_func(info, off)?;
        let i = info.srclocs.partition_point(|s| s.0 <= off);
        let module_offset = i
            .checked_sub(1)
            .map(|i| info.srclocs[i])
            .filter(|s| s.0 >= f.start)
            .map(|s| s.1);
        Some(PcInfo {
            func_index: f.func_index,
            func_name: info.module.func_names.get(&f.func_index).cloned(),
            module_name: info.module.module_name.clone(),
            module_offset,
            body_offset: info.module.body_offsets.get(&f.func_index).copied(),
            module_id: info.module.id,
        })
    })
}
