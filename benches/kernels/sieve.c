/* sieve: Sieve of Eratosthenes over a static byte buffer.
 * Returns the number of primes p with 2 <= p < n (n is clamped to SIEVE_MAX).
 * sieve(1000) = 168, sieve(1000000) = 78498, sieve(1 << 20) = 82025. */
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(name)))
#else
#define EXPORT(name)
#endif

#define SIEVE_MAX (1 << 20)

static unsigned char composite[SIEVE_MAX];

EXPORT("sieve")
int sieve(int n) {
    if (n > SIEVE_MAX)
        n = SIEVE_MAX;
    if (n < 3)
        return 0;
    for (int i = 0; i < n; i++)
        composite[i] = 0;
    int count = 0;
    for (int i = 2; i < n; i++) {
        if (composite[i])
            continue;
        count++;
        /* i * i may overflow int only for i > 46340, far beyond sqrt(SIEVE_MAX). */
        if (i <= n / i)
            for (int j = i * i; j < n; j += i)
                composite[j] = 1;
    }
    return count;
}
