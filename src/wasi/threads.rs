//! wasi-threads: `wasi::thread-spawn(start_arg) -> tid` starts a host
//! thread running a new instance of the same module, in a store of its own,
//! on the same shared memory and the same WASI state, and calls its export
//! `wasi_thread_start(tid, start_arg)`.
//!
//! The threads of one program form a group: the shared memory the first
//! instance imported, the module, the next thread id, and how the program
//! ended when a spawned thread called `proc_exit` or trapped (the first
//! such end wins; the run reports it once its main thread returns).

use crate::{Engine, Error, Func, FuncType, Memory, MemoryType, Module, SharedMemory, Store, Trap, Val, ValType};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};

/// The most threads one program may start: thread ids are positive and
/// below 2^29, as wasi-threads requires.
const MAX_TID: i32 = 0x1FFF_FFFF;

/// The WASI `errno` `thread-spawn` returns (negated) when it cannot start
/// a thread: `EAGAIN`.
const EAGAIN: i32 = 6;

/// Stack of a spawned host thread: room for the Wasm stack budget and the
/// host functions below it.
const THREAD_STACK: usize = 8 << 20;

/// What a host runs when a spawned thread ends the program (see
/// `WasiCtxBuilder::on_thread_end`).
pub type ThreadEndHook = Arc<dyn Fn(&GroupExit) + Send + Sync>;

/// How a spawned thread ended the program.
#[derive(Clone, Debug)]
pub enum GroupExit {
    /// `proc_exit(code)`.
    Exit(i32),
    /// A trap or an instantiation failure, with its message.
    Failed(String),
}

/// The threads of one WASI program.
pub struct ThreadGroup {
    engine: Engine,
    module: Module,
    pub(crate) memory: SharedMemory,
    next_tid: AtomicI32,
    exit: Mutex<Option<GroupExit>>,
    /// Set when a thread ended the program: every thread's waits end.
    ended: Arc<AtomicBool>,
    on_end: Option<ThreadEndHook>,
}

impl ThreadGroup {
    /// A group for `module`, whose shared memory (of type `ty`) it makes.
    pub fn new(
        module: &Module,
        ty: MemoryType,
        on_end: Option<ThreadEndHook>,
    ) -> crate::Result<Arc<ThreadGroup>> {
        Ok(Arc::new(ThreadGroup {
            engine: module.engine().clone(),
            module: module.clone(),
            memory: SharedMemory::new(module.engine(), ty)?,
            next_tid: AtomicI32::new(1),
            exit: Mutex::new(None),
            ended: Arc::new(AtomicBool::new(false)),
            on_end,
        }))
    }

    /// How a spawned thread ended the program, if one did.
    pub fn exit(&self) -> Option<GroupExit> {
        self.exit.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn record(&self, how: GroupExit) {
        if let Some(hook) = &self.on_end {
            hook(&how);
        }
        self.exit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(how);
        self.ended.store(true, Ordering::Release);
    }

    /// Runs `f` on this thread with its `memory.atomic.wait`s ending (as
    /// an `Interrupt` trap) once another thread of the group has ended the
    /// program: so the main thread, typically waiting to join its
    /// workers, does not wait for ever on one that trapped.
    pub fn cancellable<R>(&self, f: impl FnOnce() -> R) -> R {
        let before = crate::runtime::parking::set_cancel(Some(self.ended.clone()));
        let r = f();
        crate::runtime::parking::set_cancel(before);
        r
    }

    /// This store's handle to the group's memory.
    pub fn memory_in(&self, store: &mut Store) -> crate::Result<Memory> {
        Memory::from_shared(store, &self.memory)
    }

    /// The `thread-spawn` host function for a store; `ctx` serves the new
    /// threads' WASI imports.
    pub fn spawn_func(self: &Arc<Self>, store: &mut Store, ctx: super::WasiCtx) -> crate::Result<Func> {
        let group = self.clone();
        Func::new(
            store,
            FuncType::new([ValType::I32], [ValType::I32]),
            move |_caller, params, results| {
                let start_arg = match params.first() {
                    Some(Val::I32(a)) => *a,
                    _ => return Err(Trap::new("thread-spawn takes an i32")),
                };
                results[0] = Val::I32(group.spawn(&ctx, start_arg));
                Ok(())
            },
        )
    }

    /// Starts a thread; returns its id, or `-EAGAIN` when none can start.
    fn spawn(self: &Arc<Self>, ctx: &super::WasiCtx, start_arg: i32) -> i32 {
        if self.exit().is_some() {
            return -EAGAIN;
        }
        let tid = self.next_tid.fetch_add(1, Ordering::Relaxed);
        if !(1..=MAX_TID).contains(&tid) {
            return -EAGAIN;
        }
        let (group, ctx) = (self.clone(), ctx.clone());
        let started = std::thread::Builder::new()
            .name(format!("wasi-thread-{tid}"))
            .stack_size(THREAD_STACK)
            .spawn(move || {
                if let Err(e) = group.cancellable(|| group.run_thread(&ctx, tid, start_arg)) {
                    let how = match super::exit_code(&e) {
                        Some(code) => GroupExit::Exit(code),
                        None => GroupExit::Failed(format!("thread {tid}: {e}")),
                    };
                    group.record(how);
                }
            });
        match started {
            Ok(_) => tid,
            Err(_) => -EAGAIN,
        }
    }

    fn run_thread(self: &Arc<Self>, ctx: &super::WasiCtx, tid: i32, start_arg: i32) -> crate::Result<()> {
        let mut store = Store::new(&self.engine);
        let imports = ctx.imports_in(&mut store, &self.module, Some(self.clone()))?;
        let instance = crate::Instance::new(&mut store, &self.module, &imports)?;
        let start = instance
            .get_func(&store, "wasi_thread_start")
            .ok_or_else(|| Error::link("the module exports no wasi_thread_start function"))?;
        start.call(&mut store, &[Val::I32(tid), Val::I32(start_arg)], &mut [])
    }
}
