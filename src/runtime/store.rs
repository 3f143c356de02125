//! The store: owner of every instance, function, memory, table, global and
//! extern reference created in it. Handles are (store id, index) pairs
//! checked against the store they are used with.

use super::func::FuncData;
use super::global::GlobalData;
use super::instance::InstanceData;
use super::memory::MemoryData;
use super::table::TableData;
use super::vmctx::VMLimits;
use crate::engine::Engine;
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// Everything a store owns. Boxed so compiled code and host contexts can
/// hold its address.
pub struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub limits: VMLimits,
    pub funcs: Vec<FuncData>,
    pub memories: Vec<Box<MemoryData>>,
    pub tables: Vec<Box<TableData>>,
    pub globals: Vec<Box<GlobalData>>,
    pub instances: Vec<Box<InstanceData>>,
    pub externs: Vec<Box<dyn Any + Send + Sync>>,
    /// The `Store` currently running Wasm, for host functions' `Caller`.
    pub current: *mut Store,
}

/// A collection of Wasm objects that live and die together. Not `Sync`:
/// one thread uses a store at a time (it may move between threads).
pub struct Store {
    pub(crate) inner: Box<StoreInner>,
}

// SAFETY: a store is used by one thread at a time (`&mut` for every call);
// its raw pointers only point into memory the store itself owns.
unsafe impl Send for Store {}

impl Store {
    /// An empty store for modules of `engine`.
    pub fn new(engine: &Engine) -> Store {
        Store {
            inner: Box::new(StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                limits: VMLimits { stack_limit: 0 },
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                externs: Vec::new(),
                current: std::ptr::null_mut(),
            }),
        }
    }

    /// The engine this store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Panics with a clear message when a handle from another store is used.
    pub(crate) fn check(&self, store_id: u64) {
        assert_eq!(
            store_id, self.inner.id,
            "wasi-rt: object used with a store it does not belong to"
        );
    }

    /// The instances whose module's code starts at `code_base`.
    pub(crate) fn instances_of_code(&self, code_base: usize) -> Vec<crate::Instance> {
        self.inner
            .instances
            .iter()
            .filter(|i| i.module.compiled().code.base() == code_base)
            .map(|i| crate::Instance {
                store_id: self.inner.id,
                index: i.index,
            })
            .collect()
    }

    /// Whether a handle with `store_id` belongs to this store.
    pub fn owns(&self, store_id: u64) -> bool {
        self.inner.id == store_id
    }
}

/// An opaque host value that Wasm code can hold as an `externref`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Wraps `data` so it can be passed to Wasm as an `externref`.
    pub fn new(store: &mut Store, data: impl Any + Send + Sync) -> ExternRef {
        store.inner.externs.push(Box::new(data));
        ExternRef {
            store_id: store.inner.id,
            index: store.inner.externs.len() as u32 - 1,
        }
    }
    /// The host data this reference wraps.
    pub fn data<'a>(&self, store: &'a Store) -> &'a (dyn Any + Send + Sync) {
        store.check(self.store_id);
        &*store.inner.externs[self.index as usize]
    }
    pub(crate) fn to_raw(self) -> u64 {
        self.index as u64 + 1
    }
    pub(crate) fn from_raw(store: &StoreInner, raw: u64) -> Option<ExternRef> {
        (raw != 0).then(|| ExternRef {
            store_id: store.id,
            index: (raw - 1) as u32,
        })
    }
}
