/* SIMD: loops the compiler vectorizes (built with -msimd128 for wasm32 and
 * with the same -O3 natively) and GCC/Clang vector types used directly:
 * integer and float lane arithmetic, comparisons and selects, saturation,
 * min/max, widening, byte scans, and reductions. Every result is printed,
 * so the wasm build must agree with the native one lane for lane. */
#include <stdint.h>

#include "common.h"

typedef int32_t v4i __attribute__((vector_size(16)));
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef int16_t v8i16 __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v2d __attribute__((vector_size(16)));

#define N 4099

static int32_t a[N], b[N], c[N];
static uint8_t bytes[N];
static int16_t s16[N];
static float fa[N], fb[N];
static double da[N];

static uint64_t hash32(const int32_t *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint32_t)p[i]) * 1099511628211ull;
    return h;
}

int main(void) {
    uint32_t seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (int32_t)seed;
        seed = seed * 1103515245u + 12345u;
        b[i] = (int32_t)(seed >> 3) - (1 << 27);
        bytes[i] = (uint8_t)(seed >> 13);
        s16[i] = (int16_t)(seed >> 7);
        fa[i] = (float)(int32_t)seed / 65536.0f;
        fb[i] = (float)(i % 97) - 48.5f;
        da[i] = (double)a[i] * 0.001;
    }

    /* Integer lanes: add, mul, shifts, min/max, compare-select. */
    for (int i = 0; i < N; i++) c[i] = a[i] + b[i] * 3;
    printf("add/mul %llu\n", (unsigned long long)hash32(c, N));
    for (int i = 0; i < N; i++) c[i] = (a[i] >> 3) ^ (int32_t)((uint32_t)b[i] << 5) ^ (int32_t)((uint32_t)a[i] >> 7);
    printf("shifts %llu\n", (unsigned long long)hash32(c, N));
    for (int i = 0; i < N; i++) c[i] = a[i] < b[i] ? a[i] : b[i];
    printf("min %llu\n", (unsigned long long)hash32(c, N));
    for (int i = 0; i < N; i++) c[i] = a[i] > 0 ? a[i] - b[i] : -a[i];
    printf("select %llu\n", (unsigned long long)hash32(c, N));
    for (int i = 0; i < N; i++) c[i] = a[i] < 0 ? -a[i] : a[i];
    printf("abs %llu\n", (unsigned long long)hash32(c, N));

    /* Bytes: saturating add, count, max. */
    uint32_t count = 0, maxb = 0, satsum = 0;
    for (int i = 0; i < N; i++) {
        unsigned s = bytes[i] + 100u;
        satsum += s > 255 ? 255 : s;
        count += bytes[i] == 'e';
        maxb = bytes[i] > maxb ? bytes[i] : maxb;
    }
    printf("bytes: saturated sum %u, count %u, max %u\n", satsum, count, maxb);

    /* Widening: 16-bit products summed in 32 and 64 bits. */
    int64_t dot = 0;
    int32_t wide = 0;
    for (int i = 0; i < N; i++) {
        dot += (int32_t)s16[i] * s16[N - 1 - i];
        wide += s16[i];
    }
    printf("dot16 %lld, sum16 %d\n", (long long)dot, wide);

    /* Floats: elementwise, in source order, so both builds round alike. */
    for (int i = 0; i < N; i++) fa[i] = fa[i] * 0.5f + fb[i];
    double fsum = 0;
    for (int i = 0; i < N; i++) fsum += fa[i];
    printf("floats %.9g\n", fsum);
    for (int i = 0; i < N; i++) da[i] = da[i] * da[i] - 3.0 * da[i];
    double dsum = 0;
    for (int i = 0; i < N; i++) dsum += da[i];
    printf("doubles %.17g\n", dsum);

    /* Vector types written directly. */
    v4i x = {1, -2, 3, INT32_MAX}, y = {10, 20, -30, 1};
    v4i z = x * y + (x >> 1) - (y & 7);
    v4i m = x > y;
    printf("v4i %d %d %d %d | mask %d %d %d %d\n", z[0], z[1], z[2], z[3], m[0], m[1], m[2], m[3]);
    v16u8 p = {0, 1, 2, 3, 250, 251, 252, 253, 128, 127, 64, 63, 32, 31, 16, 15};
    v16u8 q = p + (v16u8){10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    printf("v16u8");
    for (int i = 0; i < 16; i++) printf(" %u", q[i]);
    printf("\n");
    v8i16 r = {-32768, -1, 0, 1, 32767, 1000, -1000, 7};
    r = r * 3 - (r >> 2);
    printf("v8i16");
    for (int i = 0; i < 8; i++) printf(" %d", r[i]);
    printf("\n");
    v4f f = {1.5f, -2.25f, 1e30f, -0.0f};
    f = f * f - f / 2.0f;
    printf("v4f %.9g %.9g %.9g %.9g\n", f[0], f[1], f[2], f[3]);
    v2d d = {1.0 / 3.0, -1e300};
    d = d * 3.0 + d;
    printf("v2d %.17g %.17g\n", d[0], d[1]);
    return 0;
}
