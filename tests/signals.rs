//! wasi-rt's trap handler claims only faults in Wasm code: a host's own
//! SIGSEGV handler, installed before the engine, still gets every other fault.
//! (One test per process: signal dispositions are process-wide.)

use std::sync::atomic::{AtomicUsize, Ordering};
use wasi_rt::{Engine, Instance, Module, Store, TrapCode};

static HOST_HANDLER_CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn host_handler(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    HOST_HANDLER_CALLS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: `info` is the kernel's siginfo for this SIGSEGV; making the
    // faulting page writable lets the faulting store run again and succeed.
    unsafe {
        let addr = (*info).si_addr() as usize & !4095;
        libc::mprotect(
            addr as *mut libc::c_void,
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
        );
    }
}

#[test]
fn host_fault_handler_installed_first_still_handles_host_faults() {
    // SAFETY: installing a SIGSEGV handler for this test process.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = host_handler as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut()),
            0
        );
    }

    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory 1) (func (export "oob") (result i32) (i32.load (i32.const 65536))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let oob = inst.get_func(&store, "oob").unwrap();
    let err = oob
        .call(&mut store, &[], &mut [wasi_rt::Val::I32(0)])
        .unwrap_err();
    assert_eq!(
        err.as_trap().and_then(|t| t.code()),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        HOST_HANDLER_CALLS.load(Ordering::SeqCst),
        0,
        "a Wasm trap is not the host's business"
    );

    // A fault in host code goes to the host's handler, which repairs it.
    // SAFETY: a private page we own; the store faults once, the handler
    // makes the page writable, and the store is retried.
    unsafe {
        let page = libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        ) as *mut u32;
        assert_ne!(page as *mut libc::c_void, libc::MAP_FAILED);
        std::ptr::write_volatile(page, 1234);
        assert_eq!(std::ptr::read_volatile(page), 1234);
        libc::munmap(page as *mut libc::c_void, 4096);
    }
    assert_eq!(HOST_HANDLER_CALLS.load(Ordering::SeqCst), 1);

    // And Wasm traps keep working afterwards.
    let err = oob
        .call(&mut store, &[], &mut [wasi_rt::Val::I32(0)])
        .unwrap_err();
    assert_eq!(
        err.as_trap().and_then(|t| t.code()),
        Some(TrapCode::MemoryOutOfBounds)
    );
}
