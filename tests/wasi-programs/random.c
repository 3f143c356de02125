/* Random bytes: getentropy fills buffers, two draws differ, a large draw
 * looks random. Prints only booleans. */
#include <unistd.h>
#if defined(__GLIBC__)
#include <sys/random.h>
#endif

#include "common.h"

int main(void) {
    unsigned char a[32], b[32];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    int ok = getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0;
    int a_nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++) a_nonzero |= a[i];
    printf("getentropy: ok %d, filled %d, two draws differ %d\n", ok, a_nonzero != 0,
           memcmp(a, b, sizeof a) != 0);

    printf("getentropy 0 bytes: ok %d\n", getentropy(a, 0) == 0);
    unsigned char big[300];
    printf("getentropy 256 bytes: ok %d\n", getentropy(big, 256) == 0);
    errno = 0;
    int r = getentropy(big, sizeof big);
    printf("getentropy 300 bytes: %d %s\n", r, errname(errno));

    /* 64 KiB in 256-byte draws: every byte value shows up, and the mean is
     * about 127.5. */
    static unsigned char buf[65536];
    ok = 1;
    for (size_t off = 0; off < sizeof buf; off += 256) ok &= getentropy(buf + off, 256) == 0;
    int seen[256] = {0};
    unsigned long sum = 0;
    for (size_t i = 0; i < sizeof buf; i++) {
        seen[buf[i]] = 1;
        sum += buf[i];
    }
    int all = 1;
    for (int i = 0; i < 256; i++) all &= seen[i];
    double mean = (double)sum / sizeof buf;
    printf("64 KiB: ok %d, all byte values seen %d, mean near 127.5 %d\n", ok, all,
           mean > 125.0 && mean < 130.0);

    /* Unaligned destination. */
    unsigned char c[41];
    memset(c, 0, sizeof c);
    ok = getentropy(c + 1, 40) == 0;
    int nz = 0;
    for (int i = 1; i < 41; i++) nz |= c[i];
    printf("unaligned: ok %d, filled %d, first byte untouched %d\n", ok, nz != 0, c[0] == 0);
    return 0;
}
