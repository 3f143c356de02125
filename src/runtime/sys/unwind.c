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

/* wasi_rt_resume(pc, sp, fp, payload): continues at an exception handler of
 * a Wasm frame: the exnref in the first payload register, zero in the
 * second, the frame's stack and frame pointers, then a jump to the handler.
 * No other register is restored: every call that has handlers uses the
 * Wasm calling convention, under which Cranelift treats all registers as
 * clobbered on the exceptional edge. The frames skipped (the runtime's
 * search, Wasm callees) own nothing that needs releasing. */
#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl wasi_rt_resume\n"
    ".hidden wasi_rt_resume\n"
    ".type wasi_rt_resume,@function\n"
    "wasi_rt_resume:\n"
    "    mov %rdx, %rbp\n"
    "    mov %rsi, %rsp\n"
    "    mov %rcx, %rax\n"
    "    xor %edx, %edx\n"
    "    jmp *%rdi\n"
    ".size wasi_rt_resume, .-wasi_rt_resume\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".globl wasi_rt_resume\n"
    ".hidden wasi_rt_resume\n"
    ".type wasi_rt_resume,%function\n"
    "wasi_rt_resume:\n"
    "    mov x29, x2\n"
    "    mov sp, x1\n"
    "    mov x16, x0\n"
    "    mov x0, x3\n"
    "    mov x1, xzr\n"
    "    br x16\n"
    ".size wasi_rt_resume, .-wasi_rt_resume\n");
#else
#error "wasi-rt: no exception resume routine for this architecture"
#endif

/* wasi_rt_gc_alloc(vmctx, type, size, len, array): the GC allocator's
 * entry from compiled code. It makes a frame record (frame pointer and
 * return address, as every Wasm frame has) and passes its frame pointer to
 * wasi_rt_gc_alloc_slow as the sixth argument: the collector starts its
 * walk of the Wasm stack there. Written in assembly so the frame exists
 * exactly as described whatever the C compiler's options. */
#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl wasi_rt_gc_alloc\n"
    ".hidden wasi_rt_gc_alloc\n"
    ".type wasi_rt_gc_alloc,@function\n"
    "wasi_rt_gc_alloc:\n"
    "    push %rbp\n"
    "    mov %rsp, %rbp\n"
    "    mov %rbp, %r9\n"
    "    call wasi_rt_gc_alloc_slow\n"
    "    pop %rbp\n"
    "    ret\n"
    ".size wasi_rt_gc_alloc, .-wasi_rt_gc_alloc\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".globl wasi_rt_gc_alloc\n"
    ".hidden wasi_rt_gc_alloc\n"
    ".type wasi_rt_gc_alloc,%function\n"
    "wasi_rt_gc_alloc:\n"
    "    stp x29, x30, [sp, #-16]!\n"
    "    mov x29, sp\n"
    "    mov x5, x29\n"
    "    bl wasi_rt_gc_alloc_slow\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    ".size wasi_rt_gc_alloc, .-wasi_rt_gc_alloc\n");
#endif
