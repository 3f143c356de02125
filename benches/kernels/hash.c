/* hash: 32-bit FNV-1a over a deterministic static byte buffer, `rounds` times,
 * each round seeded with the previous round's hash.  len is clamped to
 * 0..HASH_MAX; the buffer is filled from a 32-bit LCG on every call.
 * hash(0, 1) = 2166136261, hash(1 << 20, 1) = 1230075301,
 * hash(1 << 20, 20) = 2977077573. */
#ifdef __wasm__
#define EXPORT(name) __attribute__((export_name(name)))
#else
#define EXPORT(name)
#endif

#define HASH_MAX (1 << 20)
#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static unsigned char data[HASH_MAX];

EXPORT("hash")
unsigned hash(int len, int rounds) {
    if (len > HASH_MAX)
        len = HASH_MAX;
    if (len < 0)
        len = 0;
    unsigned state = 12345u;
    for (int i = 0; i < len; i++) {
        state = state * 1103515245u + 12345u;
        data[i] = (unsigned char)(state >> 16);
    }
    unsigned h = FNV_OFFSET;
    for (int r = 0; r < rounds; r++) {
        unsigned x = h;
        for (int i = 0; i < len; i++) {
            x ^= data[i];
            x *= FNV_PRIME;
        }
        h = x;
    }
    return h;
}
