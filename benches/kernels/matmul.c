/* matmul: dense n x n double matrix multiply, C = A * B (n clamped to 1..MAT_MAX).
 * Entries of A and B are small multiples of 1/4 and 1/8, so every product and
 * partial sum is exactly representable: the checksum is bit-identical whatever
 * the compiler, target or summation order.
 * matmul(2) = -0.65625, matmul(128) = -20.84375. */
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(name)))
#else
#define EXPORT(name)
#endif

#define MAT_MAX 128

static double a[MAT_MAX * MAT_MAX];
static double b[MAT_MAX * MAT_MAX];
static double c[MAT_MAX * MAT_MAX];

EXPORT("matmul")
double matmul(int n) {
    if (n > MAT_MAX)
        n = MAT_MAX;
    if (n < 1)
        return 0.0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 11 - 5) * 0.25;
            b[i * n + j] = (double)((i * 5 + j * 13) % 17 - 8) * 0.125;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (int k = 0; k < n; k++)
                sum += a[i * n + k] * b[k * n + j];
            c[i * n + j] = sum;
        }
    }
    double checksum = 0.0;
    for (int i = 0; i < n * n; i++)
        checksum += c[i];
    return checksum;
}
