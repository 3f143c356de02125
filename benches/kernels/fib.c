/* fib: naive doubly-recursive Fibonacci.  Exercises calls and returns.
 * fib(30) = 832040, fib(32) = 2178309. */
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(name)))
#else
#define EXPORT(name)
#endif

EXPORT("fib")
int fib(int n) {
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}
