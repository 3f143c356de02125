//! The C API (`wasm.h`), called exactly as a C host calls it: raw
//! pointers, vectors and out-parameters. Each test follows one of the
//! standard example programs (hello, callback, global, memory, table,
//! trap, multi, reflect, start, finalize) with assertions.

use std::ffi::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicI32, Ordering};
use wasi_rt::capi::engine::*;
use wasi_rt::capi::error::*;
use wasi_rt::capi::r#extern::*;
use wasi_rt::capi::func::*;
use wasi_rt::capi::global::*;
use wasi_rt::capi::instance::*;
use wasi_rt::capi::linker::*;
use wasi_rt::capi::memory::*;
use wasi_rt::capi::module::*;
use wasi_rt::capi::refs::*;
use wasi_rt::capi::table::*;
use wasi_rt::capi::trap::*;
use wasi_rt::capi::types::*;
use wasi_rt::capi::val::*;
use wasi_rt::capi::vec::*;

/// Engine + store, deleted in the standard order at the end.
struct Host {
    engine: *mut wasm_engine_t,
    store: *mut wasm_store_t,
}

impl Host {
    fn new() -> Host {
        let engine = wasm_engine_new();
        assert!(!engine.is_null());
        // SAFETY: a live engine.
        let store = unsafe { wasm_store_new(engine) };
        assert!(!store.is_null());
        Host { engine, store }
    }
    fn module(&self, wat: &str) -> *mut wasm_module_t {
        let mut bytes = wasm_byte_vec_t::from_vec(wat::parse_str(wat).unwrap());
        // SAFETY: live store and vector.
        let m = unsafe { wasm_module_new(self.store, &bytes) };
        // SAFETY: our vector.
        unsafe { wasm_byte_vec_delete(&mut bytes) };
        assert!(!m.is_null(), "module compiles");
        m
    }
    fn instantiate(
        &self,
        m: *mut wasm_module_t,
        imports: Vec<*mut wasm_extern_t>,
    ) -> (*mut wasm_instance_t, *mut wasm_trap_t) {
        let mut trap = null_mut();
        let imports = wasm_extern_vec_t::from_raw_vec(imports);
        // SAFETY: live objects; the vector only borrows the externs.
        let inst = unsafe { wasm_instance_new(self.store, m, &imports, &mut trap) };
        // The array is left to leak: deleting the vector would delete the
        // externs, which the caller still owns (C hosts use a stack array).
        let _ = imports;
        (inst, trap)
    }
    fn exports(&self, inst: *mut wasm_instance_t) -> wasm_extern_vec_t {
        let mut out = wasm_extern_vec_t::empty();
        // SAFETY: live instance, caller storage.
        unsafe { wasm_instance_exports(inst, &mut out) };
        out
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        // SAFETY: ours.
        unsafe {
            wasm_store_delete(self.store);
            wasm_engine_delete(self.engine);
        }
    }
}

fn i32_val(v: i32) -> wasm_val_t {
    wasm_val_t {
        kind: WASM_I32,
        of: wasm_val_union { i32: v },
    }
}

fn message(trap: *mut wasm_trap_t) -> String {
    let mut m = wasm_byte_vec_t::empty();
    // SAFETY: a live trap; our vector.
    unsafe { wasm_trap_message(trap, &mut m) };
    let s = String::from_utf8_lossy(m.as_slice()).into_owned();
    // SAFETY: ours.
    unsafe { wasm_byte_vec_delete(&mut m) };
    s
}

static HELLO_CALLS: AtomicI32 = AtomicI32::new(0);

unsafe extern "C" fn hello_callback(
    _args: *const wasm_val_vec_t,
    _results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    HELLO_CALLS.fetch_add(1, Ordering::SeqCst);
    null_mut()
}

#[test]
fn hello_host_function_is_called_through_an_export() {
    let h = Host::new();
    let m = h.module(
        r#"(module (func $hello (import "" "hello")) (func (export "run") (call $hello)))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let ty = wasm_functype_new(
            &mut wasm_valtype_vec_t::empty(),
            &mut wasm_valtype_vec_t::empty(),
        );
        let f = wasm_func_new(h.store, ty, Some(hello_callback));
        wasm_functype_delete(ty);
        let (inst, trap) = h.instantiate(m, vec![wasm_func_as_extern(f)]);
        assert!(trap.is_null() && !inst.is_null());
        wasm_func_delete(f); // imports may go right after instantiation
        let mut exports = h.exports(inst);
        assert_eq!(exports.as_slice().len(), 1);
        let run = wasm_extern_as_func(exports.as_slice()[0]);
        assert!(!run.is_null());
        wasm_module_delete(m);
        wasm_instance_delete(inst);
        // Exports stay callable after the instance and module are gone.
        let before = HELLO_CALLS.load(Ordering::SeqCst);
        let trap = wasm_func_call(run, &wasm_val_vec_t::empty(), &mut wasm_val_vec_t::empty());
        assert!(trap.is_null());
        assert_eq!(HELLO_CALLS.load(Ordering::SeqCst), before + 1);
        wasm_extern_vec_delete(&mut exports);
    }
}

unsafe extern "C" fn add_with_env(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: the runtime passes vectors sized to the signature.
    unsafe {
        let env = &*(env as *const AtomicI32);
        env.fetch_add(1, Ordering::SeqCst);
        let a = (*args).as_slice();
        let sum = a[0].of.i32 + a[1].of.i32;
        (*results).as_mut_slice()[0] = i32_val(sum);
    }
    null_mut()
}

static FINALIZED: AtomicI32 = AtomicI32::new(0);
unsafe extern "C" fn count_finalize(_env: *mut c_void) {
    FINALIZED.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn callback_with_env_adds_and_its_finalizer_runs() {
    let calls = Box::new(AtomicI32::new(0));
    let before = FINALIZED.load(Ordering::SeqCst);
    {
        let h = Host::new();
        let m = h.module(
            r#"(module (import "" "add" (func $add (param i32 i32) (result i32)))
                 (func (export "run") (param i32) (result i32) (call $add (local.get 0) (i32.const 10))))"#,
        );
        // SAFETY: the C API used as documented.
        unsafe {
            let ty = wasm_functype_t::new(wasi_rt::FuncType::new(
                [wasi_rt::ValType::I32, wasi_rt::ValType::I32],
                [wasi_rt::ValType::I32],
            ));
            let env = &*calls as *const AtomicI32 as *mut c_void;
            let f = wasm_func_new_with_env(
                h.store,
                &*ty,
                Some(add_with_env),
                env,
                Some(count_finalize),
            );
            assert_eq!(
                (wasm_func_param_arity(f), wasm_func_result_arity(f)),
                (2, 1)
            );
            let (inst, _) = h.instantiate(m, vec![wasm_func_as_extern(f)]);
            let mut exports = h.exports(inst);
            let run = wasm_extern_as_func(exports.as_slice()[0]);
            let args = wasm_val_vec_t::from_vec(vec![i32_val(32)]);
            let mut results = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
            assert!(wasm_func_call(run, &args, &mut results).is_null());
            assert_eq!(results.as_slice()[0].of.i32, 42);
            // Direct call of the host function from the host, too.
            let args2 = wasm_val_vec_t::from_vec(vec![i32_val(1), i32_val(2)]);
            assert!(wasm_func_call(f, &args2, &mut results).is_null());
            assert_eq!(results.as_slice()[0].of.i32, 3);
            for mut v in [args, results, args2] {
                wasm_val_vec_delete(&mut v);
            }
            wasm_extern_vec_delete(&mut exports);
            wasm_func_delete(f);
            wasm_instance_delete(inst);
            wasm_module_delete(m);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
    assert_eq!(
        FINALIZED.load(Ordering::SeqCst),
        before + 1,
        "finalizer ran when the store went"
    );
}

#[test]
fn globals_are_read_and_written_from_both_sides() {
    let h = Host::new();
    let m = h.module(
        r#"(module (import "" "g" (global $g (mut i32)))
             (func (export "get") (result i32) (global.get $g))
             (func (export "set") (param i32) (global.set $g (local.get 0))))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let ty = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_VAR);
        let g = wasm_global_new(h.store, ty, &i32_val(5));
        assert!(!g.is_null());
        wasm_globaltype_delete(ty);
        let (inst, _) = h.instantiate(m, vec![wasm_global_as_extern(g)]);
        let mut exports = h.exports(inst);
        let get = wasm_extern_as_func(exports.as_slice()[0]);
        let set = wasm_extern_as_func(exports.as_slice()[1]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(wasm_func_call(get, &wasm_val_vec_t::empty(), &mut out).is_null());
        assert_eq!(out.as_slice()[0].of.i32, 5);
        wasm_global_set(g, &i32_val(7));
        assert!(wasm_func_call(get, &wasm_val_vec_t::empty(), &mut out).is_null());
        assert_eq!(out.as_slice()[0].of.i32, 7);
        let mut args = wasm_val_vec_t::from_vec(vec![i32_val(9)]);
        assert!(wasm_func_call(set, &args, &mut wasm_val_vec_t::empty()).is_null());
        let mut v = i32_val(0);
        wasm_global_get(g, &mut v);
        assert_eq!((v.kind, v.of.i32), (WASM_I32, 9));
        // Immutable globals refuse writes.
        let cty = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
        let c = wasm_global_new(h.store, cty, &i32_val(1));
        wasm_global_set(c, &i32_val(2));
        wasm_global_get(c, &mut v);
        assert_eq!(v.of.i32, 1);
        wasm_globaltype_delete(cty);
        wasm_global_delete(c);
        wasm_val_vec_delete(&mut out);
        wasm_val_vec_delete(&mut args);
        wasm_extern_vec_delete(&mut exports);
        wasm_global_delete(g);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

#[test]
fn memory_bytes_size_and_growth() {
    let h = Host::new();
    let m = h.module(
        r#"(module (memory (export "memory") 2 3) (data (i32.const 0x1000) "\01\02\03\04")
             (func (export "load") (param i32) (result i32) (i32.load8_s (local.get 0))))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let (inst, _) = h.instantiate(m, vec![]);
        let mut exports = h.exports(inst);
        let mem = wasm_extern_as_memory(exports.as_slice()[0]);
        assert!(!mem.is_null());
        assert_eq!(wasm_memory_size(mem), 2);
        assert_eq!(wasm_memory_data_size(mem), 0x20000);
        let data = wasm_memory_data(mem);
        assert_eq!(*data.add(0x1003), 4);
        *data.add(0x1002) = 42;
        let load = wasm_extern_as_func(exports.as_slice()[1]);
        let args = wasm_val_vec_t::from_vec(vec![i32_val(0x1002)]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(wasm_func_call(load, &args, &mut out).is_null());
        assert_eq!(out.as_slice()[0].of.i32, 42);
        assert!(wasm_memory_grow(mem, 1));
        assert!(!wasm_memory_grow(mem, 1), "maximum is 3 pages");
        assert_eq!(wasm_memory_size(mem), 3);
        // Out-of-bounds load traps with a message.
        let oob = wasm_val_vec_t::from_vec(vec![i32_val(0x30000)]);
        let trap = wasm_func_call(load, &oob, &mut out);
        assert!(!trap.is_null());
        assert!(message(trap).starts_with("out of bounds memory access"));
        wasm_trap_delete(trap);
        // A host-made memory.
        let limits = wasm_limits_t::new(1, Some(2));
        let mty = wasm_memorytype_new(&limits);
        let hm = wasm_memory_new(h.store, mty);
        assert_eq!(wasm_memory_size(hm), 1);
        wasm_memorytype_delete(mty);
        wasm_memory_delete(hm);
        for mut v in [args, out, oob] {
            wasm_val_vec_delete(&mut v);
        }
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

#[test]
fn tables_hold_functions_and_grow_from_the_host() {
    let h = Host::new();
    let m = h.module(
        r#"(module (table (export "table") 2 10 funcref) (elem (i32.const 1) $f)
             (func $f (export "f") (result i32) (i32.const 7))
             (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let (inst, _) = h.instantiate(m, vec![]);
        let mut exports = h.exports(inst);
        let table = wasm_extern_as_table(exports.as_slice()[0]);
        let f = wasm_extern_as_func(exports.as_slice()[1]);
        let call = wasm_extern_as_func(exports.as_slice()[2]);
        assert_eq!(wasm_table_size(table), 2);
        assert!(wasm_table_get(table, 0).is_null(), "element 0 is null");
        let r1 = wasm_table_get(table, 1);
        assert!(!r1.is_null());
        assert!(wasm_func_same(wasm_ref_as_func(r1), f));
        wasm_ref_delete(r1);
        // Put `f` at 0 from the host and call through the table.
        assert!(wasm_table_set(table, 0, wasm_func_as_ref(f)));
        let args = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(wasm_func_call(call, &args, &mut out).is_null());
        assert_eq!(out.as_slice()[0].of.i32, 7);
        assert!(wasm_table_grow(table, 3, null_mut()));
        assert_eq!(wasm_table_size(table), 5);
        assert!(!wasm_table_grow(table, 6, null_mut()), "maximum is 10");
        assert!(!wasm_table_set(table, 99, null_mut()), "out of bounds");
        // A null entry traps the indirect call.
        let a3 = wasm_val_vec_t::from_vec(vec![i32_val(3)]);
        let trap = wasm_func_call(call, &a3, &mut out);
        assert!(message(trap).starts_with("uninitialized element"));
        wasm_trap_delete(trap);
        for mut v in [args, out, a3] {
            wasm_val_vec_delete(&mut v);
        }
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

unsafe extern "C" fn fail_callback(
    _args: *const wasm_val_vec_t,
    _results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    TRAP_STORE.with(|s| {
        let msg = wasm_byte_vec_t::from_vec(b"callback abort\0".to_vec());
        // SAFETY: the store of the running test; our message vector.
        let t = unsafe { wasm_trap_new(s.get(), &msg) };
        let mut msg = msg;
        // SAFETY: ours.
        unsafe { wasm_byte_vec_delete(&mut msg) };
        t
    })
}

thread_local! {
    static TRAP_STORE: std::cell::Cell<*mut wasm_store_t> = const { std::cell::Cell::new(null_mut()) };
}

#[test]
fn traps_from_host_and_wasm_carry_messages_and_frames() {
    let h = Host::new();
    TRAP_STORE.with(|s| s.set(h.store));
    let m = h.module(
        r#"(module (func $fail (import "" "fail") (result i32))
             (func (export "callback") (result i32) (call $fail))
             (func (export "unreachable") (result i32) (unreachable)))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let ty = wasm_functype_t::new(wasi_rt::FuncType::new([], [wasi_rt::ValType::I32]));
        let f = wasm_func_new(h.store, &*ty, Some(fail_callback));
        let (inst, _) = h.instantiate(m, vec![wasm_func_as_extern(f)]);
        let mut exports = h.exports(inst);
        // Called with an empty results vector, as trap.c does.
        let t1 = wasm_func_call(
            wasm_extern_as_func(exports.as_slice()[0]),
            &wasm_val_vec_t::empty(),
            &mut wasm_val_vec_t::empty(),
        );
        assert_eq!(message(t1), "callback abort\0");
        // A host trap carries the Wasm frames that called the host.
        let o1 = wasm_trap_origin(t1);
        assert!(!o1.is_null(), "host traps have a Wasm origin");
        assert_eq!(
            wasm_frame_func_index(o1),
            1,
            "the export that called the import"
        );
        wasm_frame_delete(o1);
        let t2 = wasm_func_call(
            wasm_extern_as_func(exports.as_slice()[1]),
            &wasm_val_vec_t::empty(),
            &mut wasm_val_vec_t::empty(),
        );
        assert_eq!(message(t2), "unreachable\0");
        let origin = wasm_trap_origin(t2);
        assert!(!origin.is_null());
        assert_eq!(wasm_frame_func_index(origin), 2);
        assert!(wasm_frame_module_offset(origin) > 0 && wasm_frame_func_offset(origin) > 0);
        // The frame knows its instance (the only instance of this module).
        assert!(wasm_instance_same(wasm_frame_instance(origin), inst));
        let mut trace = wasm_frame_vec_t::empty();
        wasm_trap_trace(t2, &mut trace);
        assert_eq!(trace.as_slice().len(), 1);
        wasm_frame_vec_delete(&mut trace);
        wasm_frame_delete(origin);
        wasm_trap_delete(t1);
        wasm_trap_delete(t2);
        wasm_extern_vec_delete(&mut exports);
        wasm_func_delete(f);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

#[test]
fn multi_value_calls_return_every_result() {
    let h = Host::new();
    let m = h.module(r#"(module (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0))"#);
    // SAFETY: the C API used as documented.
    unsafe {
        let (inst, _) = h.instantiate(m, vec![]);
        let mut exports = h.exports(inst);
        let f = wasm_extern_as_func(exports.as_slice()[0]);
        let args = wasm_val_vec_t::from_vec(vec![
            i32_val(1),
            wasm_val_t {
                kind: WASM_I64,
                of: wasm_val_union { i64: 2 },
            },
        ]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0), i32_val(0)]);
        assert!(wasm_func_call(f, &args, &mut out).is_null());
        let o = out.as_slice();
        assert_eq!(
            (o[0].kind, o[0].of.i64, o[1].kind, o[1].of.i32),
            (WASM_I64, 2, WASM_I32, 1)
        );
        // Wrong argument types are a trap with a message, not a crash.
        let bad = wasm_val_vec_t::from_vec(vec![i32_val(1), i32_val(2)]);
        let t = wasm_func_call(f, &bad, &mut out);
        assert!(!t.is_null());
        assert!(message(t).contains("argument"), "{}", message(t));
        wasm_trap_delete(t);
        for mut v in [args, out, bad] {
            wasm_val_vec_delete(&mut v);
        }
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

#[test]
fn reflect_describes_imports_and_exports() {
    let h = Host::new();
    let m = h.module(
        r#"(module (import "env" "f" (func (param i32) (result f64)))
             (func (export "func") (param i32 i64))
             (global (export "global") (mut f32) (f32.const 0))
             (table (export "table") 1 5 funcref) (memory (export "memory") 1))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let mut imports = wasm_importtype_vec_t::empty();
        wasm_module_imports(m, &mut imports);
        assert_eq!(imports.as_slice().len(), 1);
        let it = &*imports.as_slice()[0];
        assert_eq!((it.module(), it.name()), (&b"env"[..], &b"f"[..]));
        wasm_importtype_vec_delete(&mut imports);
        let mut exports = wasm_exporttype_vec_t::empty();
        wasm_module_exports(m, &mut exports);
        let kinds: Vec<u8> = exports
            .as_slice()
            .iter()
            .map(|e| (**e).externtype().kind())
            .collect();
        assert_eq!(
            kinds,
            [
                WASM_EXTERN_FUNC,
                WASM_EXTERN_GLOBAL,
                WASM_EXTERN_TABLE,
                WASM_EXTERN_MEMORY
            ]
        );
        wasm_exporttype_vec_delete(&mut exports);
        let (inst, _) = h.instantiate(m, vec![null_mut()]);
        assert!(inst.is_null(), "a NULL import is refused, not a crash");
        // Extern types of live exports.
        let m2 =
            h.module(r#"(module (func (export "f") (param i32 i32) (result i32) (local.get 0)))"#);
        let (inst, _) = h.instantiate(m2, vec![]);
        let mut ex = h.exports(inst);
        let e = ex.as_slice()[0];
        assert_eq!(wasm_extern_kind(e), WASM_EXTERN_FUNC);
        let et = wasm_extern_type(e);
        let ft = wasm_externtype_as_functype(et);
        assert_eq!(
            wasm_functype_params(ft).as_ref().unwrap().as_slice().len(),
            2
        );
        wasm_externtype_delete(et);
        wasm_extern_vec_delete(&mut ex);
        wasm_instance_delete(inst);
        wasm_module_delete(m2);
        wasm_module_delete(m);
    }
}

#[test]
fn start_function_trap_comes_back_through_the_trap_argument() {
    let h = Host::new();
    let m = h.module(r#"(module (func $s (unreachable)) (start $s))"#);
    let (inst, trap) = h.instantiate(m, vec![]);
    assert!(inst.is_null());
    assert!(!trap.is_null());
    assert_eq!(message(trap), "unreachable\0");
    // SAFETY: ours.
    unsafe {
        wasm_trap_delete(trap);
        wasm_module_delete(m);
    }
}

#[test]
fn malformed_modules_and_null_arguments_fail_cleanly() {
    let h = Host::new();
    let mut bad = wasm_byte_vec_t::from_vec(b"\0asm\x01\0\0\0\xff".to_vec());
    // SAFETY: the C API used as documented, plus deliberate NULLs.
    unsafe {
        assert!(wasm_module_new(h.store, &bad).is_null());
        assert!(!wasm_module_validate(h.store, &bad));
        assert!(wasm_module_new(null_mut(), &bad).is_null());
        assert!(wasm_module_new(h.store, null()).is_null());
        wasm_byte_vec_delete(&mut bad);
        assert_eq!(wasm_memory_size(null()), 0);
        assert!(wasm_instance_new(h.store, null(), null(), null_mut()).is_null());
        wasm_instance_delete(null_mut());
        assert!(wasm_store_new(null_mut()).is_null());
    }
}

#[test]
fn calling_null_or_a_non_function_returns_a_trap() {
    let h = Host::new();
    // SAFETY: the C API used as documented, plus a deliberate NULL and a
    // memory passed where a function belongs.
    unsafe {
        let trap = wasm_func_call(null(), null(), null_mut());
        assert!(!trap.is_null(), "a NULL function must not be a success");
        assert!(message(trap).contains("func is NULL"), "{}", message(trap));
        wasm_trap_delete(trap);

        let limits = wasm_limits_t::new(1, None);
        let mty = wasm_memorytype_new(&limits);
        let mem = wasm_memory_new(h.store, mty);
        wasm_memorytype_delete(mty);
        let not_a_func = mem as *const wasm_func_t;
        let trap = wasm_func_call(not_a_func, null(), null_mut());
        assert!(!trap.is_null());
        assert!(message(trap).contains("not a function"), "{}", message(trap));
        wasm_trap_delete(trap);
        wasm_memory_delete(mem);
    }
}

#[test]
fn a_vector_too_large_to_allocate_is_empty_not_an_abort() {
    for size in [usize::MAX, usize::MAX / 2, 1 << 60] {
        let mut v = wasm_byte_vec_t::empty();
        // SAFETY: caller storage.
        unsafe { wasm_byte_vec_new_uninitialized(&mut v, size) };
        assert_eq!(v.size, 0, "size {size}");
        assert!(v.data.is_null());
        let mut vals = wasm_val_vec_t::empty();
        // SAFETY: caller storage.
        unsafe { wasm_val_vec_new_uninitialized(&mut vals, size) };
        assert_eq!(vals.size, 0, "size {size}");
    }
    let mut ok = wasm_byte_vec_t::empty();
    // SAFETY: caller storage, then our own vector.
    unsafe {
        wasm_byte_vec_new_uninitialized(&mut ok, 4096);
        assert_eq!(ok.size, 4096);
        assert!(ok.as_slice().iter().all(|b| *b == 0));
        wasm_byte_vec_delete(&mut ok);
    }
}

#[test]
fn a_functype_vector_with_a_size_and_no_array_is_refused() {
    let mut params = wasm_valtype_vec_t {
        size: 2,
        data: null_mut(),
    };
    let mut results = wasm_valtype_vec_t::empty();
    // SAFETY: a deliberately malformed vector; nothing is read through it.
    let ty = unsafe { wasm_functype_new(&mut params, &mut results) };
    assert!(ty.is_null());
}

static LIVE: AtomicI32 = AtomicI32::new(0);
unsafe extern "C" fn finalize_instance(_data: *mut c_void) {
    LIVE.fetch_sub(1, Ordering::SeqCst);
}

#[test]
fn host_info_finalizers_run_for_every_instance() {
    {
        let h = Host::new();
        let m = h.module(r#"(module (func (export "f")) (func (export "g")))"#);
        // SAFETY: the C API used as documented.
        unsafe {
            for i in 0..10_000 {
                let (inst, trap) = h.instantiate(m, vec![]);
                assert!(trap.is_null());
                LIVE.fetch_add(1, Ordering::SeqCst);
                wasm_instance_set_host_info_with_finalizer(
                    inst,
                    i as *mut c_void,
                    Some(finalize_instance),
                );
                assert_eq!(wasm_instance_get_host_info(inst) as usize, i);
                // Another reference to the same instance sees the same info.
                let copy = wasm_instance_copy(inst);
                assert_eq!(wasm_instance_get_host_info(copy) as usize, i);
                wasm_instance_delete(copy);
                wasm_instance_delete(inst);
            }
            wasm_module_delete(m);
        }
    }
    assert_eq!(
        LIVE.load(Ordering::SeqCst),
        0,
        "every finalizer ran when the store went"
    );
}

#[test]
fn serialized_modules_come_back_and_shared_modules_cross_threads() {
    let h = Host::new();
    let m = h.module(r#"(module (func (export "seven") (result i32) (i32.const 7)))"#);
    // SAFETY: the C API used as documented.
    unsafe {
        let mut bytes = wasm_byte_vec_t::empty();
        wasm_module_serialize(m, &mut bytes);
        assert!(!bytes.as_slice().is_empty());
        let back = wasm_module_deserialize(h.store, &bytes);
        assert!(!back.is_null());
        wasm_byte_vec_delete(&mut bytes);
        let mut junk = wasm_byte_vec_t::from_vec(b"not a module".to_vec());
        assert!(wasm_module_deserialize(h.store, &junk).is_null());
        wasm_byte_vec_delete(&mut junk);
        let (inst, _) = h.instantiate(back, vec![]);
        let mut ex = h.exports(inst);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(
            wasm_func_call(
                wasm_extern_as_func(ex.as_slice()[0]),
                &wasm_val_vec_t::empty(),
                &mut out
            )
            .is_null()
        );
        assert_eq!(out.as_slice()[0].of.i32, 7);
        wasm_val_vec_delete(&mut out);
        wasm_extern_vec_delete(&mut ex);
        wasm_instance_delete(inst);
        wasm_module_delete(back);

        // Share with another thread, which obtains it in its own store.
        let shared = wasm_module_share(m) as usize;
        let engine = h.engine as usize;
        let got = std::thread::spawn(move || {
            let store = wasm_store_new(engine as *mut wasm_engine_t);
            let m = wasm_module_obtain(store, shared as *const _);
            assert!(!m.is_null());
            let mut trap = null_mut();
            let inst = wasm_instance_new(store, m, &wasm_extern_vec_t::empty(), &mut trap);
            let mut ex = wasm_extern_vec_t::empty();
            wasm_instance_exports(inst, &mut ex);
            let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
            assert!(
                wasm_func_call(
                    wasm_extern_as_func(ex.as_slice()[0]),
                    &wasm_val_vec_t::empty(),
                    &mut out
                )
                .is_null()
            );
            let v = out.as_slice()[0].of.i32;
            wasm_val_vec_delete(&mut out);
            wasm_extern_vec_delete(&mut ex);
            wasm_instance_delete(inst);
            wasm_module_delete(m);
            wasm_store_delete(store);
            v
        })
        .join()
        .unwrap();
        assert_eq!(got, 7);
        wasm_shared_module_delete(shared as *mut _);
        wasm_module_delete(m);
    }
}

#[test]
fn foreign_objects_travel_through_wasm_as_externref() {
    let h = Host::new();
    let m = h.module(
        r#"(module (table (export "table") 2 externref)
             (func (export "id") (param externref) (result externref) (local.get 0))
             (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0))))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let (inst, _) = h.instantiate(m, vec![]);
        let mut ex = h.exports(inst);
        let table = wasm_extern_as_table(ex.as_slice()[0]);
        let id = wasm_extern_as_func(ex.as_slice()[1]);
        let is_null = wasm_extern_as_func(ex.as_slice()[2]);
        let foreign = wasi_rt::capi::foreign::wasm_foreign_new(h.store);
        wasm_foreign_set_host_info(foreign, 0x1234 as *mut c_void);
        // Through a function and back: the same object.
        let arg = wasm_val_t {
            kind: WASM_EXTERNREF,
            of: wasm_val_union {
                ref_: wasm_foreign_as_ref(foreign),
            },
        };
        let args = wasm_val_vec_t::from_vec(vec![arg]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(wasm_func_call(id, &args, &mut out).is_null());
        let back = out.as_slice()[0];
        assert_eq!(back.kind, WASM_EXTERNREF);
        assert!(wasm_ref_same(back.of.ref_, wasm_foreign_as_ref(foreign)));
        assert_eq!(
            wasm_ref_get_host_info(back.of.ref_) as usize,
            0x1234,
            "host info belongs to the object"
        );
        assert!(!wasm_ref_as_foreign(back.of.ref_).is_null());
        // Through a table and back.
        assert!(wasm_table_set(table, 1, wasm_foreign_as_ref(foreign)));
        let r = wasm_table_get(table, 1);
        assert!(wasm_ref_same(r, wasm_foreign_as_ref(foreign)));
        wasm_ref_delete(r);
        assert!(wasm_table_get(table, 0).is_null(), "unset entries are null");
        // A null externref.
        let null_arg = wasm_val_vec_t::from_vec(vec![wasm_val_t {
            kind: WASM_EXTERNREF,
            of: wasm_val_union { ref_: null_mut() },
        }]);
        let mut flag = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(wasm_func_call(is_null, &null_arg, &mut flag).is_null());
        assert_eq!(flag.as_slice()[0].of.i32, 1);
        assert_eq!(wasm_foreign_get_host_info(foreign) as usize, 0x1234);
        // The arguments only borrowed the foreign object: free the arrays'
        // values without deleting it.
        let _ = args;
        for mut v in [out, null_arg, flag] {
            wasm_val_vec_delete(&mut v);
        }
        wasm_foreign_delete(foreign);
        wasm_extern_vec_delete(&mut ex);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

static FREED: AtomicI32 = AtomicI32::new(0);
unsafe extern "C" fn count_freed(_data: *mut c_void) {
    FREED.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn instances_nothing_refers_to_are_freed_with_their_memory() {
    let h = Host::new();
    // Each instance reserves 8 GiB of address space for its memory: 20,000
    // of them only fit in the 128 TiB address space if freed instances
    // give their reservations back.
    let m = h.module(r#"(module (memory (export "memory") 1) (data (i32.const 0) "x") (func (export "f") (result i32) (i32.load8_u (i32.const 0))))"#);
    let before = FREED.load(Ordering::SeqCst);
    // SAFETY: the C API used as documented.
    unsafe {
        for _ in 0..20_000 {
            let (inst, trap) = h.instantiate(m, vec![]);
            assert!(
                !inst.is_null() && trap.is_null(),
                "instantiation keeps working"
            );
            wasm_instance_set_host_info_with_finalizer(inst, null_mut(), Some(count_freed));
            let mut ex = h.exports(inst);
            let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
            assert!(
                wasm_func_call(
                    wasm_extern_as_func(ex.as_slice()[1]),
                    &wasm_val_vec_t::empty(),
                    &mut out
                )
                .is_null()
            );
            assert_eq!(out.as_slice()[0].of.i32, 120);
            wasm_val_vec_delete(&mut out);
            wasm_extern_vec_delete(&mut ex);
            wasm_instance_delete(inst);
        }
        // Finalizers ran as the instances went, not at the end.
        assert_eq!(FREED.load(Ordering::SeqCst) - before, 20_000);
        wasm_module_delete(m);
    }
}

#[test]
fn an_instance_another_imports_from_is_kept() {
    let h = Host::new();
    let a = h.module(
        r#"(module (memory 1) (data (i32.const 0) "\07") (func (export "seven") (result i32) (i32.load8_u (i32.const 0))))"#,
    );
    let b = h.module(r#"(module (import "a" "seven" (func $s (result i32))) (func (export "call") (result i32) (call $s)))"#);
    // SAFETY: the C API used as documented.
    unsafe {
        let (ia, _) = h.instantiate(a, vec![]);
        let mut ea = h.exports(ia);
        let (ib, _) = h.instantiate(b, vec![ea.as_slice()[0]]);
        // Every handle to `a` goes; `b` still calls into it.
        wasm_extern_vec_delete(&mut ea);
        wasm_instance_delete(ia);
        let mut eb = h.exports(ib);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(
            wasm_func_call(
                wasm_extern_as_func(eb.as_slice()[0]),
                &wasm_val_vec_t::empty(),
                &mut out
            )
            .is_null()
        );
        assert_eq!(out.as_slice()[0].of.i32, 7);
        wasm_val_vec_delete(&mut out);
        wasm_extern_vec_delete(&mut eb);
        wasm_instance_delete(ib);
        wasm_module_delete(a);
        wasm_module_delete(b);
    }
}

#[test]
fn an_instance_whose_function_sits_in_a_host_table_is_kept() {
    let h = Host::new();
    let a = h.module(r#"(module (memory 1) (data (i32.const 0) "\2a") (func (export "f") (result i32) (i32.load8_u (i32.const 0))))"#);
    let b = h.module(
        r#"(module (import "" "t" (table 1 funcref))
             (func (export "call") (result i32) (call_indirect (result i32) (i32.const 0))))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let limits = wasm_limits_t::new(1, None);
        let tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &limits);
        let table = wasm_table_new(h.store, tt, null_mut());
        wasm_tabletype_delete(tt);
        let (ia, _) = h.instantiate(a, vec![]);
        let mut ea = h.exports(ia);
        assert!(wasm_table_set(
            table,
            0,
            wasm_func_as_ref(wasm_extern_as_func(ea.as_slice()[0]))
        ));
        wasm_extern_vec_delete(&mut ea);
        wasm_instance_delete(ia);
        // `a` has no handle left, but the table holds its function, whose
        // code reads `a`'s memory.
        let (ib, _) = h.instantiate(b, vec![wasm_table_as_extern(table)]);
        let mut eb = h.exports(ib);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(
            wasm_func_call(
                wasm_extern_as_func(eb.as_slice()[0]),
                &wasm_val_vec_t::empty(),
                &mut out
            )
            .is_null()
        );
        assert_eq!(out.as_slice()[0].of.i32, 42);
        wasm_val_vec_delete(&mut out);
        wasm_extern_vec_delete(&mut eb);
        wasm_instance_delete(ib);
        wasm_table_delete(table);
        wasm_module_delete(a);
        wasm_module_delete(b);
    }
}

#[test]
fn an_instance_that_stores_its_function_in_an_imported_global_is_kept() {
    let h = Host::new();
    let a = h.module(
        r#"(module (import "" "g" (global $g (mut funcref)))
             (memory 1) (data (i32.const 0) "\2b")
             (func $f (result i32) (i32.load8_u (i32.const 0))) (elem declare func $f)
             (func (export "publish") (global.set $g (ref.func $f))))"#,
    );
    let b = h.module(
        r#"(module (import "" "g" (global $g (mut funcref))) (table 1 funcref)
             (func (export "call") (result i32)
               (table.set (i32.const 0) (global.get $g))
               (call_indirect (result i32) (i32.const 0))))"#,
    );
    // SAFETY: the C API used as documented.
    unsafe {
        let gt = wasm_globaltype_new(wasm_valtype_new(WASM_FUNCREF), WASM_VAR);
        let null = wasm_val_t {
            kind: WASM_FUNCREF,
            of: wasm_val_union { ref_: null_mut() },
        };
        let g = wasm_global_new(h.store, gt, &null);
        wasm_globaltype_delete(gt);
        let (ia, _) = h.instantiate(a, vec![wasm_global_as_extern(g)]);
        let mut ea = h.exports(ia);
        assert!(
            wasm_func_call(
                wasm_extern_as_func(ea.as_slice()[0]),
                &wasm_val_vec_t::empty(),
                &mut wasm_val_vec_t::empty()
            )
            .is_null()
        );
        wasm_extern_vec_delete(&mut ea);
        wasm_instance_delete(ia);
        let (ib, _) = h.instantiate(b, vec![wasm_global_as_extern(g)]);
        let mut eb = h.exports(ib);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(
            wasm_func_call(
                wasm_extern_as_func(eb.as_slice()[0]),
                &wasm_val_vec_t::empty(),
                &mut out
            )
            .is_null()
        );
        assert_eq!(out.as_slice()[0].of.i32, 43);
        wasm_val_vec_delete(&mut out);
        wasm_extern_vec_delete(&mut eb);
        wasm_instance_delete(ib);
        wasm_global_delete(g);
        wasm_module_delete(a);
        wasm_module_delete(b);
    }
}

#[test]
fn every_frame_of_a_start_trap_knows_its_instance() {
    let h = Host::new();
    let m = h.module(r#"(module (func $inner unreachable) (func $s (call $inner)) (start $s))"#);
    let (inst, trap) = h.instantiate(m, vec![]);
    assert!(inst.is_null() && !trap.is_null());
    // SAFETY: the C API used as documented.
    unsafe {
        let origin = wasm_trap_origin(trap);
        let first = wasm_frame_instance(origin);
        assert!(!first.is_null());
        wasm_frame_delete(origin);
        // Frames made later (after the first one is gone) still know it.
        let mut trace = wasm_frame_vec_t::empty();
        wasm_trap_trace(trap, &mut trace);
        assert_eq!(trace.as_slice().len(), 2);
        for f in trace.as_slice() {
            assert!(!wasm_frame_instance(*f).is_null());
        }
        wasm_frame_vec_delete(&mut trace);
        wasm_trap_delete(trap);
        wasm_module_delete(m);
    }
}

static THREAD_CALLS: AtomicI32 = AtomicI32::new(0);
unsafe extern "C" fn count_call(
    _args: *const wasm_val_vec_t,
    _results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    THREAD_CALLS.fetch_add(1, Ordering::SeqCst);
    null_mut()
}

#[test]
fn threads_share_an_engine_and_a_module_each_with_its_own_store() {
    let engine = wasm_engine_new() as usize;
    let wasm = wat::parse_str(
        r#"(module (import "" "hello" (func $h)) (global (export "id") (mut i32) (i32.const 0))
             (func (export "run") (param i32) (global.set 0 (local.get 0)) (call $h)))"#,
    )
    .unwrap();
    // SAFETY: the C API used as documented; each thread uses its own store.
    let shared = unsafe {
        let store = wasm_store_new(engine as *mut wasm_engine_t);
        let mut bytes = wasm_byte_vec_t::from_vec(wasm);
        let m = wasm_module_new(store, &bytes);
        wasm_byte_vec_delete(&mut bytes);
        let shared = wasm_module_share(m) as usize;
        wasm_module_delete(m);
        wasm_store_delete(store);
        shared
    };
    let before = THREAD_CALLS.load(Ordering::SeqCst);
    let threads: Vec<_> = (0..4)
        .map(|id| {
            // SAFETY: each thread makes its own store from the shared
            // (thread-safe) engine and module, as the C API allows.
            std::thread::spawn(move || unsafe {
                let store = wasm_store_new(engine as *mut wasm_engine_t);
                let m = wasm_module_obtain(store, shared as *const _);
                let ty = wasm_functype_t::new(wasi_rt::FuncType::new([], []));
                let f = wasm_func_new(store, &*ty, Some(count_call));
                let imports = wasm_extern_vec_t::from_raw_vec(vec![wasm_func_as_extern(f)]);
                let mut trap = null_mut();
                let inst = wasm_instance_new(store, m, &imports, &mut trap);
                assert!(!inst.is_null());
                let mut ex = wasm_extern_vec_t::empty();
                wasm_instance_exports(inst, &mut ex);
                let run = wasm_extern_as_func(ex.as_slice()[1]);
                for _ in 0..100 {
                    let args = wasm_val_vec_t::from_vec(vec![i32_val(id)]);
                    assert!(wasm_func_call(run, &args, &mut wasm_val_vec_t::empty()).is_null());
                    let mut args = args;
                    wasm_val_vec_delete(&mut args);
                }
                let mut v = i32_val(-1);
                wasm_global_get(wasm_extern_as_global(ex.as_slice()[0]), &mut v);
                assert_eq!(v.of.i32, id, "each thread sees its own instance");
                wasm_extern_vec_delete(&mut ex);
                wasm_instance_delete(inst);
                let mut imports = imports; // deletes `f` with the vector
                wasm_extern_vec_delete(&mut imports);
                wasm_module_delete(m);
                wasm_store_delete(store);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(THREAD_CALLS.load(Ordering::SeqCst) - before, 400);
    // SAFETY: ours.
    unsafe {
        wasm_shared_module_delete(shared as *mut _);
        wasm_engine_delete(engine as *mut wasm_engine_t);
    }
}

#[test]
fn externref_globals_hold_foreign_objects_and_their_host_info() {
    let h = Host::new();
    // SAFETY: the C API used as documented.
    unsafe {
        let gt = wasm_globaltype_new(wasm_valtype_new(WASM_EXTERNREF), WASM_VAR);
        let null = wasm_val_t {
            kind: WASM_EXTERNREF,
            of: wasm_val_union { ref_: null_mut() },
        };
        let g = wasm_global_new(h.store, gt, &null);
        wasm_globaltype_delete(gt);
        let foreign = wasi_rt::capi::foreign::wasm_foreign_new(h.store);
        wasm_foreign_set_host_info(foreign, 7 as *mut c_void);
        let v = wasm_val_t {
            kind: WASM_EXTERNREF,
            of: wasm_val_union {
                ref_: wasm_foreign_as_ref(foreign),
            },
        };
        wasm_global_set(g, &v);
        let mut out = null;
        wasm_global_get(g, &mut out);
        assert!(wasm_ref_same(out.of.ref_, wasm_foreign_as_ref(foreign)));
        assert_eq!(wasm_ref_get_host_info(out.of.ref_) as usize, 7);
        wasm_val_delete(&mut out);
        wasm_foreign_delete(foreign);
        wasm_global_delete(g);
    }
}

#[test]
fn a_command_run_by_a_linker_is_freed_once_it_ends() {
    let h = Host::new();
    let m = h.module(r#"(module (memory (export "memory") 1) (data (i32.const 0) "x") (func (export "_start")))"#);
    // SAFETY: the C API used as documented.
    unsafe {
        let linker = wasi_rt_linker_new(h.store);
        // 20,000 runs only fit in the address space if each run's
        // instance (and its 8 GiB memory reservation) is freed.
        for _ in 0..20_000 {
            let mut code = -1;
            let mut trap = null_mut();
            let err = wasi_rt_linker_run(linker, m, &mut code, &mut trap);
            assert!(err.is_null() && trap.is_null(), "the run succeeds");
            assert_eq!(code, 0);
        }
        wasi_rt_linker_delete(linker);
        wasm_module_delete(m);
    }
}

/// The linker and store a host function deletes while they run it.
static DOOMED: std::sync::Mutex<Option<(usize, usize)>> = std::sync::Mutex::new(None);

unsafe extern "C" fn delete_linker_and_store(
    _args: *const wasm_val_vec_t,
    _results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    let (linker, store) = DOOMED.lock().unwrap().take().expect("set by the test");
    // SAFETY: both are live; the runtime must not use them after this.
    unsafe {
        wasi_rt_linker_delete(linker as *mut wasi_rt_linker_t);
        wasm_store_delete(store as *mut wasm_store_t);
    }
    null_mut()
}

#[test]
fn a_host_function_may_delete_the_linker_and_store_running_it() {
    let engine = wasm_engine_new();
    let wat = r#"(module (import "env" "f" (func $f)) (memory 1)
        (func $start (call $f) (i32.store (i32.const 0) (i32.const 1)) (call $f2))
        (func $f2 (i32.store (i32.const 8) (i32.const 2)))
        (start $start))"#;
    // SAFETY: the C API used as documented.
    unsafe {
        for use_run in [false, true] {
            let store = wasm_store_new(engine);
            let text = if use_run {
                wat.replace("(start $start)", r#"(export "_start" (func $start))"#)
            } else {
                wat.to_string()
            };
            let mut bytes = wasm_byte_vec_t::from_vec(wat::parse_str(&text).unwrap());
            let m = wasm_module_new(store, &bytes);
            wasm_byte_vec_delete(&mut bytes);
            let ty = wasm_functype_new(
                &mut wasm_valtype_vec_t::empty(),
                &mut wasm_valtype_vec_t::empty(),
            );
            let f = wasm_func_new(store, ty, Some(delete_linker_and_store));
            wasm_functype_delete(ty);
            let linker = wasi_rt_linker_new(store);
            assert!(
                wasi_rt_linker_define(
                    linker,
                    c"env".as_ptr(),
                    c"f".as_ptr(),
                    wasm_func_as_extern(f)
                )
                .is_null()
            );
            wasm_func_delete(f);
            *DOOMED.lock().unwrap() = Some((linker as usize, store as usize));
            let mut trap = null_mut();
            let err = if use_run {
                let mut code = -1;
                let e = wasi_rt_linker_run(linker, m, &mut code, &mut trap);
                assert_eq!(code, 0);
                e
            } else {
                let mut inst = null_mut();
                let e = wasi_rt_linker_instantiate(linker, m, &mut inst, &mut trap);
                assert!(!inst.is_null());
                wasm_instance_delete(inst);
                e
            };
            assert!(
                err.is_null() && trap.is_null(),
                "the Wasm code finished normally"
            );
            wasm_module_delete(m);
        }
        wasm_engine_delete(engine);
    }
}

#[test]
fn v128_functions_are_refused_by_wasm_func_call_with_a_type_error() {
    let h = Host::new();
    let m = h.module(r#"(module (func (export "id") (param v128) (result v128) local.get 0))"#);
    // SAFETY: the C API used as documented.
    unsafe {
        let (inst, trap) = h.instantiate(m, vec![]);
        assert!(trap.is_null() && !inst.is_null());
        let mut ex = h.exports(inst);
        let f = wasm_extern_as_func(ex.as_slice()[0]);
        let args = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        let trap = wasm_func_call(f, &args, &mut out);
        assert!(!trap.is_null());
        let msg = message(trap);
        assert!(
            msg.contains("v128") && msg.starts_with("type error"),
            "{msg}"
        );
        wasm_trap_delete(trap);
        let mut args = args;
        wasm_val_vec_delete(&mut args);
        wasm_val_vec_delete(&mut out);
        wasm_extern_vec_delete(&mut ex);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

#[test]
fn an_epoch_deadline_interrupts_a_spinning_guest_through_the_c_api() {
    // SAFETY: the C API used as documented; the engine is shared with the
    // ticking thread, which only increments its epoch.
    unsafe {
        let config = wasm_config_new();
        wasi_rt_engine_config_epoch_interruption(config, true);
        let engine = wasm_engine_new_with_config(config);
        let store = wasm_store_new(engine);
        let mut bytes = wasm_byte_vec_t::from_vec(
            wat::parse_str(r#"(module (func (export "spin") (loop $l (br $l))))"#).unwrap(),
        );
        let m = wasm_module_new(store, &bytes);
        wasm_byte_vec_delete(&mut bytes);
        let mut trap = null_mut();
        let inst = wasm_instance_new(store, m, &wasm_extern_vec_t::empty(), &mut trap);
        assert!(!inst.is_null());
        let mut ex = wasm_extern_vec_t::empty();
        wasm_instance_exports(inst, &mut ex);
        let spin = wasm_extern_as_func(ex.as_slice()[0]);
        wasi_rt_store_set_epoch_deadline(store, 1);
        let e = engine as usize;
        let ticker = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            wasi_rt_engine_increment_epoch(e as *const wasm_engine_t);
        });
        let trap = wasm_func_call(spin, &wasm_val_vec_t::empty(), &mut wasm_val_vec_t::empty());
        ticker.join().unwrap();
        assert!(!trap.is_null(), "the call was interrupted");
        let mut code = 0u8;
        assert!(wasi_rt_trap_code(trap, &mut code));
        assert_eq!(code, WASI_RT_TRAP_INTERRUPT);
        wasm_trap_delete(trap);
        wasm_extern_vec_delete(&mut ex);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
        wasm_store_delete(store);
        wasm_engine_delete(engine);
    }
}

fn error_text(e: *mut wasi_rt_error_t) -> String {
    let mut m = wasm_byte_vec_t::empty();
    // SAFETY: a live error, deleted here; our vector.
    unsafe {
        wasi_rt_error_message(e, &mut m);
        wasi_rt_error_delete(e);
    }
    let s = String::from_utf8_lossy(m.as_slice())
        .trim_end_matches('\0')
        .to_string();
    // SAFETY: ours.
    unsafe { wasm_byte_vec_delete(&mut m) };
    s
}

#[test]
fn a_precompiled_module_loads_without_compiling_through_the_c_api() {
    let h = Host::new();
    let mut wasm = wasm_byte_vec_t::from_vec(
        br#"(module (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))"#.to_vec(),
    );
    // SAFETY: the C API used as documented; the bytes come from
    // wasi_rt_module_precompile just before.
    unsafe {
        let mut code = wasm_byte_vec_t::empty();
        let err = wasi_rt_module_precompile(h.engine, &wasm, &mut code);
        assert!(err.is_null());
        let mut m = null_mut();
        assert!(wasi_rt_module_from_precompiled(h.store, &code, &mut m).is_null());
        let (inst, trap) = h.instantiate(m, vec![]);
        assert!(trap.is_null() && !inst.is_null());
        let mut ex = h.exports(inst);
        let args = wasm_val_vec_t::from_vec(vec![i32_val(21)]);
        let mut out = wasm_val_vec_t::from_vec(vec![i32_val(0)]);
        assert!(wasm_func_call(wasm_extern_as_func(ex.as_slice()[0]), &args, &mut out).is_null());
        assert_eq!(out.as_slice()[0].of.i32, 42);
        // Not precompiled: the module's own binary is refused.
        let mut m2 = null_mut();
        let err = wasi_rt_module_from_precompiled(h.store, &wasm, &mut m2);
        assert!(m2.is_null());
        assert!(error_text(err).contains("not a precompiled wasi-rt module"));
        // An invalid module cannot be precompiled; NULLs are errors.
        let mut bad = wasm_byte_vec_t::from_vec(b"(module (func (result i32)))".to_vec());
        let mut unused = wasm_byte_vec_t::empty();
        assert!(
            error_text(wasi_rt_module_precompile(h.engine, &bad, &mut unused)).contains("invalid")
        );
        let null_engine = wasi_rt_module_precompile(null(), &bad, &mut unused);
        assert!(error_text(null_engine).contains("NULL argument"));
        let mut args = args;
        wasm_val_vec_delete(&mut args);
        wasm_val_vec_delete(&mut out);
        wasm_byte_vec_delete(&mut bad);
        wasm_byte_vec_delete(&mut code);
        wasm_byte_vec_delete(&mut wasm);
        wasm_extern_vec_delete(&mut ex);
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

#[test]
fn a_store_memory_limit_refuses_an_instance_that_does_not_fit() {
    let h = Host::new();
    let m = h.module(r#"(module (memory 2))"#);
    // SAFETY: the C API used as documented.
    unsafe {
        wasi_rt_store_limit_memory(h.store, 65536);
        let (inst, trap) = h.instantiate(m, vec![]);
        assert!(inst.is_null() && !trap.is_null());
        assert!(message(trap).contains("memory limit of 65536 bytes"));
        wasm_trap_delete(trap);
        wasi_rt_store_limit_memory(h.store, u64::MAX);
        let (inst, trap) = h.instantiate(m, vec![]);
        assert!(!inst.is_null() && trap.is_null(), "no cap any more");
        wasm_instance_delete(inst);
        wasm_module_delete(m);
    }
}

/// Resident memory of this process, in bytes.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn creating_and_deleting_instances_in_one_store_keeps_its_size_flat() {
    // A module of 1,000 functions, a memory, a table and a global: every
    // instance of it takes store slots for all of them.
    let funcs = "(func (result i32) (i32.const 7))".repeat(1000);
    let h = Host::new();
    let m = h.module(&format!(
        "(module (memory 1) (table 4 funcref) (global (mut i32) (i32.const 0)) {funcs})"
    ));
    let cycle = || {
        let (inst, trap) = h.instantiate(m, vec![]);
        assert!(trap.is_null() && !inst.is_null());
        // SAFETY: ours.
        unsafe { wasm_instance_delete(inst) };
    };
    for _ in 0..200 {
        cycle();
    }
    let before = rss();
    for _ in 0..3000 {
        cycle();
    }
    let grown = rss().saturating_sub(before);
    // Without reuse, 3,000 instances kept about 125 bytes per function:
    // 375 MB.
    assert!(grown < 16 << 20, "RSS grew by {} KiB", grown >> 10);
    // SAFETY: ours.
    unsafe { wasm_module_delete(m) };
}
