/* Helpers shared by the WASI test programs.
 *
 * Every program prints deterministic text so that the output of the
 * native build and of the wasm32-wasi build run under wasi-rt can be
 * compared byte for byte. Errno values differ between glibc and
 * wasi-libc, so errors are printed by symbolic name, never by number. */
#ifndef WASI_TEST_COMMON_H
#define WASI_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((unused)) static const char *errname(int e) {
    switch (e) {
    case 0: return "OK";
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(EIO) E(EBADF) E(EACCES) E(EEXIST) E(EXDEV)
    E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(EFBIG) E(ENOSPC)
    E(ESPIPE) E(EROFS) E(EMLINK) E(ENAMETOOLONG) E(ENOTEMPTY) E(ELOOP)
    E(ENOSYS) E(EBUSY) E(EFAULT) E(ERANGE) E(EAGAIN) E(EINTR)
    E(EOVERFLOW) E(ENOTSUP)
#if defined(EOPNOTSUPP) && EOPNOTSUPP != ENOTSUP
    E(EOPNOTSUPP)
#endif
#ifdef ENOTCAPABLE
    E(ENOTCAPABLE)
#endif
#undef E
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno%d", e);
        return buf;
    }
    }
}

/* Reports the result of a call that returns -1 and sets errno on failure. */
#define CHECK(label, expr)                                                  \
    do {                                                                    \
        errno = 0;                                                          \
        long long check_r_ = (long long)(expr);                                       \
        if (check_r_ < 0)                                                   \
            printf("%s: -1 %s\n", (label), errname(errno));                 \
        else                                                                \
            printf("%s: ok\n", (label));                                    \
    } while (0)

/* Like CHECK but prints the (non-negative) return value too. */
#define CHECKV(label, expr)                                                 \
    do {                                                                    \
        errno = 0;                                                          \
        long long check_r_ = (long long)(expr);                                       \
        if (check_r_ < 0)                                                   \
            printf("%s: -1 %s\n", (label), errname(errno));                 \
        else                                                                \
            printf("%s: %lld\n", (label), check_r_);                         \
    } while (0)

/* Aborts the program (exit 99) when a setup step fails: the rest of the
 * output would not mean anything. */
#define MUST(expr)                                                          \
    do {                                                                    \
        errno = 0;                                                          \
        if ((long long)(expr) < 0) {                                             \
            printf("FATAL %s:%d: %s: %s\n", __FILE__, __LINE__, #expr,      \
                   errname(errno));                                         \
            fflush(stdout);                                                 \
            exit(99);                                                       \
        }                                                                   \
    } while (0)

__attribute__((unused)) static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#endif
