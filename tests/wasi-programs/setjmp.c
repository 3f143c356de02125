/* setjmp/longjmp as C programs use them for error recovery (Lua, CPython,
 * libpng, SQLite's shell): a stack of protected calls, errors raised from
 * deep recursion, nested handlers, a recursive-descent parser that
 * recovers from syntax errors, and many jumps in a row. Built for Wasm,
 * longjmp becomes a Wasm exception. */

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- protected calls ---------------------------------------------------- */

struct handler {
    jmp_buf buf;
    struct handler *prev;
};

static struct handler *top;
static char message[128];

static void raise_error(const char *what, long long value) {
    snprintf(message, sizeof message, "%s (%lld)", what, value);
    longjmp(top->buf, 1);
}

/* Calls fn(arg); 1 with *out set, or 0 with `message` set after an error. */
static int pcall(long long (*fn)(long long), long long arg, long long *out) {
    struct handler h;
    h.prev = top;
    top = &h;
    int ok = 0;
    if (setjmp(h.buf) == 0) {
        *out = fn(arg);
        ok = 1;
    }
    top = h.prev;
    return ok;
}

static long long factorial(long long n) {
    if (n < 0) raise_error("negative factorial", n);
    if (n > 20) raise_error("factorial overflows", n);
    return n <= 1 ? 1 : n * factorial(n - 1);
}

static long long sum_down(long long n) {
    if (n == 0) raise_error("reached the bottom", 0);
    return n + sum_down(n - 1);
}

/* An error inside a protected call inside a protected call: the inner
 * handler catches it and the outer call goes on. */
static long long nested(long long n) {
    long long inner = 0;
    if (!pcall(factorial, -n, &inner)) printf("  inner caught: %s\n", message);
    if (n > 3) raise_error("outer fails too", n);
    return inner + 100 * n;
}

/* --- a parser that recovers from syntax errors ---------------------------- */

static const char *src;
static jmp_buf parse_error;
static int error_at;
static const char *input_start;

static void fail(void) {
    error_at = (int)(src - input_start);
    longjmp(parse_error, 1);
}

static void skip(void) {
    while (*src == ' ') src++;
}

static long long expr(void);

static long long atom(void) {
    skip();
    if (*src == '(') {
        src++;
        long long v = expr();
        skip();
        if (*src != ')') fail();
        src++;
        return v;
    }
    if (*src == '-') {
        src++;
        return -atom();
    }
    if (*src < '0' || *src > '9') fail();
    long long v = 0;
    while (*src >= '0' && *src <= '9') v = v * 10 + (*src++ - '0');
    return v;
}

static long long term(void) {
    long long v = atom();
    for (;;) {
        skip();
        if (*src == '*') {
            src++;
            v *= atom();
        } else if (*src == '/') {
            src++;
            long long d = atom();
            if (d == 0) fail();
            v /= d;
        } else {
            return v;
        }
    }
}

static long long expr(void) {
    long long v = term();
    for (;;) {
        skip();
        if (*src == '+') {
            src++;
            v += term();
        } else if (*src == '-') {
            src++;
            v -= term();
        } else {
            return v;
        }
    }
}

static void evaluate(const char *text) {
    /* A heap buffer allocated before the jump and freed after it. */
    char *copy = malloc(strlen(text) + 1);
    strcpy(copy, text);
    src = input_start = copy;
    if (setjmp(parse_error) == 0) {
        long long v = expr();
        skip();
        if (*src) fail();
        printf("  %-24s = %lld\n", text, v);
    } else {
        printf("  %-24s : error at column %d\n", text, error_at);
    }
    free(copy);
}

/* --- many jumps ------------------------------------------------------------ */

static jmp_buf loop_env;

static void dive(int depth, int target) {
    if (depth == target) longjmp(loop_env, depth + 1);
    dive(depth + 1, target);
}

int main(void) {
    long long out = 0;
    static const long long args[] = {5, -3, 20, 21, 0};
    printf("factorials:\n");
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        if (pcall(factorial, args[i], &out))
            printf("  %lld! = %lld\n", args[i], out);
        else
            printf("  %lld!: error: %s\n", args[i], message);
    }

    printf("deep recursion:\n");
    if (!pcall(sum_down, 5000, &out)) printf("  caught: %s\n", message);

    printf("nested handlers:\n");
    for (long long n = 2; n <= 4; n++) {
        if (pcall(nested, n, &out))
            printf("  nested(%lld) = %lld\n", n, out);
        else
            printf("  nested(%lld): error: %s\n", n, message);
    }

    printf("parser:\n");
    evaluate("1 + 2 * 3");
    evaluate("(1 + 2) * 3");
    evaluate("2 * (3 + 4) - -5");
    evaluate("10 / (5 - 5)");
    evaluate("(1 + 2");
    evaluate("7 + * 2");
    evaluate("100 / 7 / 2");

    printf("longjmp with value 0:\n");
    jmp_buf zero;
    volatile int passes = 0;
    int r = setjmp(zero);
    passes++;
    if (passes == 1) longjmp(zero, 0);
    printf("  setjmp returned %d after %d passes\n", r, passes);

    printf("many jumps:\n");
    volatile long long total = 0;
    volatile int count = 0;
    for (int i = 0; i < 20000; i++) {
        int v = setjmp(loop_env);
        if (v == 0) {
            dive(0, i % 64);
        } else {
            total += v;
            count++;
        }
    }
    printf("  %d jumps, total %lld\n", count, total);
    return 0;
}
