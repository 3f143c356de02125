/* Standard streams: formatted output, very large writes through stdio and
 * through write(2), partial writes handled, stderr kept apart from
 * stdout, reading stdin to the end. The harness feeds stdin. */
#include <unistd.h>

#include "common.h"

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            fprintf(stderr, "write: %s\n", errname(errno));
            exit(3);
        }
        p += w;
        n -= (size_t)w;
    }
}

int main(void) {
    printf("ints: %d %i %u %ld %lld %x %X %o %5d|%-5d|%05d\n", -42, 7, 3000000000u, -1234567890L,
           -9000000000000000000LL, 255, 0xBEEF, 8, 42, 42, 42);
    printf("floats: %f %.3f %e %g %g %g %.0f %10.4f\n", 3.14159, 2.0 / 3, 12345.678, 0.0001, 1e20,
           100.0, 2.5, -1.5);
    printf("strings: [%s] [%10s] [%-10s] [%.3s] [%c]\n", "abc", "right", "left", "truncate", 'Z');
    printf("percent: 100%%\n");
    fprintf(stderr, "this goes to stderr\n");
    fflush(stdout);

    /* 1 MiB through stdio. */
    static char line[1025];
    unsigned long long h = 5381;
    for (int i = 0; i < 1024; i++) {
        for (int j = 0; j < 1023; j++) line[j] = 'a' + (i + j) % 26;
        line[1023] = '\n';
        line[1024] = 0;
        fputs(line, stdout);
        for (int j = 0; j < 1024; j++) h = h * 33 + (unsigned char)line[j];
    }
    printf("stdio 1 MiB hash %llu\n", h);
    fflush(stdout);

    /* 4 MiB with one write(2) call (looping on partial writes). */
    size_t big = 4u << 20;
    char *buf = malloc(big);
    for (size_t i = 0; i < big; i++) buf[i] = (i % 64 == 63) ? '\n' : "0123456789abcdef"[i % 16];
    write_all(1, buf, big);
    printf("wrote 4 MiB with write\n");
    fflush(stdout);

    /* 256 KiB on stderr. */
    write_all(2, buf, 256 * 1024);
    fprintf(stderr, "\nend of stderr\n");
    free(buf);

    /* Unbuffered single characters. */
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < 100; i++) putchar('0' + i % 10);
    putchar('\n');

    /* stdin to the end. */
    size_t total = 0, lines = 0;
    int c;
    while ((c = getchar()) != EOF) {
        total++;
        if (c == '\n') lines++;
    }
    printf("stdin: %zu bytes, %zu lines, eof %d, error %d\n", total, lines, feof(stdin), ferror(stdin));
    printf("getchar after eof: %d\n", getchar());
    return 0;
}
