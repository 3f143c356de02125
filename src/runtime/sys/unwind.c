/* The host -> Wasm boundary: wasi_rt_enter() records a jump buffer and calls
 * an entry trampoline; wasi_rt_unwind() returns to the innermost
 * wasi_rt_enter() of this thread, making it return 1. Only Wasm frames (and
 * Rust frames that own nothing) lie between the two. */
#include <setjmp.h>
#include <stddef.h>

typedef void (*wasi_rt_trampoline)(void *vmctx, void *code, void *slots);

static __thread sigjmp_buf *wasi_rt_current = NULL;

int wasi_rt_enter(wasi_rt_trampoline f, void *vmctx, void *code, void *slots) {
    sigjmp_buf buf;
    sigjmp_buf *volatile prev = wasi_rt_current;
    /* savemask = 0: handlers are installed with SA_NODEFER, so the signal
     * mask is never changed by a trap and need not be restored. */
    if (sigsetjmp(buf, 0) != 0) {
        wasi_rt_current = prev;
        return 1;
    }
    wasi_rt_current = &buf;
    f(vmctx, code, slots);
    wasi_rt_current = prev;
    return 0;
}

void wasi_rt_unwind(void) {
    siglongjmp(*wasi_rt_current, 1);
}

int wasi_rt_in_wasm(void) {
    return wasi_rt_current != NULL;
}
