/* bytes: a byte-stream kernel the compiler vectorizes (built for wasm with
 * -msimd128: the SIMD kernel). Over a deterministic 1 MiB buffer, `rounds`
 * times: the sum of absolute differences between the buffer and itself
 * shifted by 16 bytes, the number of bytes above a threshold, and the
 * largest byte, all mixed into one result. len is clamped to 16..BYTES_MAX. */
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(name)))
#else
#define EXPORT(name)
#endif

#define BYTES_MAX (1 << 20)

static unsigned char buf[BYTES_MAX];

EXPORT("bytes")
unsigned bytes(int len, int rounds) {
    if (len > BYTES_MAX)
        len = BYTES_MAX;
    if (len < 16)
        len = 16;
    unsigned state = 777u;
    for (int i = 0; i < len; i++) {
        state = state * 1103515245u + 12345u;
        buf[i] = (unsigned char)(state >> 16);
    }
    unsigned result = 0;
    for (int r = 0; r < rounds; r++) {
        unsigned sad = 0, above = 0;
        unsigned char top = 0;
        unsigned char threshold = (unsigned char)(100 + r);
        for (int i = 0; i + 16 < len; i++) {
            int d = buf[i] - buf[i + 16];
            sad += (unsigned)(d < 0 ? -d : d);
        }
        for (int i = 0; i < len; i++) {
            above += buf[i] > threshold;
            top = buf[i] > top ? buf[i] : top;
        }
        result = result * 31u + sad + above * 7u + top;
    }
    return result;
}
