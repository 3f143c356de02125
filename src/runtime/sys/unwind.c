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

/* wasi_rt_lazy_entry: where a lazily compiled function's jump slot points
 * until its code exists. The function's thunk loads the module's lazy
 * code table into r10 and the function's index into r11 (neither carries
 * an argument in the Wasm calling convention) and jumps here. The
 * argument registers (rdi, rsi, rdx, rcx, r8, r9, xmm0-7) are saved,
 * wasi_rt_lazy_compile(table, index) returns the function's code (it
 * compiles it first if nobody has, and raises a trap if that fails),
 * the arguments are restored and the code is jumped to: the caller's
 * return address and stack arguments are untouched, so the function
 * runs exactly as if it had been called directly. The callee-saved
 * registers are the same in both conventions, and the C function keeps
 * them. */
#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl wasi_rt_lazy_entry\n"
    ".hidden wasi_rt_lazy_entry\n"
    ".type wasi_rt_lazy_entry,@function\n"
    "wasi_rt_lazy_entry:\n"
    "    push %rbp\n"
    "    mov %rsp, %rbp\n"
    "    sub $176, %rsp\n"
    "    mov %rdi, 0(%rsp)\n"
    "    mov %rsi, 8(%rsp)\n"
    "    mov %rdx, 16(%rsp)\n"
    "    mov %rcx, 24(%rsp)\n"
    "    mov %r8, 32(%rsp)\n"
    "    mov %r9, 40(%rsp)\n"
    "    movdqu %xmm0, 48(%rsp)\n"
    "    movdqu %xmm1, 64(%rsp)\n"
    "    movdqu %xmm2, 80(%rsp)\n"
    "    movdqu %xmm3, 96(%rsp)\n"
    "    movdqu %xmm4, 112(%rsp)\n"
    "    movdqu %xmm5, 128(%rsp)\n"
    "    movdqu %xmm6, 144(%rsp)\n"
    "    movdqu %xmm7, 160(%rsp)\n"
    "    mov %r10, %rdi\n"
    "    mov %r11d, %esi\n"
    "    call wasi_rt_lazy_compile\n"
    "    mov %rax, %r11\n"
    "    mov 0(%rsp), %rdi\n"
    "    mov 8(%rsp), %rsi\n"
    "    mov 16(%rsp), %rdx\n"
    "    mov 24(%rsp), %rcx\n"
    "    mov 32(%rsp), %r8\n"
    "    mov 40(%rsp), %r9\n"
    "    movdqu 48(%rsp), %xmm0\n"
    "    movdqu 64(%rsp), %xmm1\n"
    "    movdqu 80(%rsp), %xmm2\n"
    "    movdqu 96(%rsp), %xmm3\n"
    "    movdqu 112(%rsp), %xmm4\n"
    "    movdqu 128(%rsp), %xmm5\n"
    "    movdqu 144(%rsp), %xmm6\n"
    "    movdqu 160(%rsp), %xmm7\n"
    "    mov %rbp, %rsp\n"
    "    pop %rbp\n"
    "    jmp *%r11\n"
    ".size wasi_rt_lazy_entry, .-wasi_rt_lazy_entry\n");
#endif
