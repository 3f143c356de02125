/* lseek SET/CUR/END, seeking past the end (holes), pread/pwrite (which
 * leave the offset alone), stdio fseek/ftell, errors. Run in an empty
 * directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void dump(int fd, off_t at, size_t n) {
    char buf[64];
    ssize_t r = pread(fd, buf, n, at);
    if (r < 0) {
        printf("  pread: %s\n", errname(errno));
        return;
    }
    printf("  [%lld..+%zd]: ", (long long)at, r);
    for (ssize_t i = 0; i < r; i++) putchar(buf[i] ? buf[i] : '.');
    putchar('\n');
}

int main(void) {
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, "0123456789abcdef", 16));

    puts("== lseek");
    CHECKV("tell", lseek(fd, 0, SEEK_CUR));
    CHECKV("SET 4", lseek(fd, 4, SEEK_SET));
    char c[4];
    CHECKV("read 2", read(fd, c, 2));
    printf("  got %.2s\n", c);
    CHECKV("CUR +3", lseek(fd, 3, SEEK_CUR));
    CHECKV("read 1", read(fd, c, 1));
    printf("  got %.1s\n", c);
    CHECKV("CUR -5", lseek(fd, -5, SEEK_CUR));
    CHECKV("read 1", read(fd, c, 1));
    printf("  got %.1s\n", c);
    CHECKV("END 0", lseek(fd, 0, SEEK_END));
    CHECKV("END -3", lseek(fd, -3, SEEK_END));
    CHECKV("read 4", read(fd, c, 4));
    printf("  got %.3s\n", c);
    CHECKV("SET -1", lseek(fd, -1, SEEK_SET));
    CHECKV("tell after failed seek", lseek(fd, 0, SEEK_CUR));
    CHECKV("CUR -100", lseek(fd, -100, SEEK_CUR));
    CHECKV("seek closed fd", lseek(999, 0, SEEK_SET));

    puts("== holes");
    CHECKV("SET 32 (past end)", lseek(fd, 32, SEEK_SET));
    struct stat st;
    MUST(fstat(fd, &st));
    printf("  size before write: %lld\n", (long long)st.st_size);
    CHECKV("write XY", write(fd, "XY", 2));
    MUST(fstat(fd, &st));
    printf("  size after write: %lld\n", (long long)st.st_size);
    dump(fd, 12, 30);
    CHECKV("END +1000000 then write", lseek(fd, 1000000, SEEK_END));
    MUST(write(fd, "Z", 1));
    MUST(fstat(fd, &st));
    printf("  size: %lld\n", (long long)st.st_size);
    dump(fd, 1000030, 10);

    puts("== pread/pwrite");
    CHECKV("SET 2", lseek(fd, 2, SEEK_SET));
    CHECKV("pwrite at 10", pwrite(fd, "PQ", 2, 10));
    CHECKV("tell (unchanged)", lseek(fd, 0, SEEK_CUR));
    CHECKV("pread at 8", pread(fd, c, 4, 8));
    printf("  got %.4s\n", c);
    CHECKV("tell (unchanged)", lseek(fd, 0, SEEK_CUR));
    CHECKV("read 2 (from offset 2)", read(fd, c, 2));
    printf("  got %.2s\n", c);
    CHECKV("pread past end", pread(fd, c, 4, 5000000));
    CHECKV("pread negative offset", pread(fd, c, 4, -1));
    CHECKV("pwrite past end", pwrite(fd, "E", 1, 1000100));
    MUST(fstat(fd, &st));
    printf("  size: %lld\n", (long long)st.st_size);
    close(fd);

    puts("== O_APPEND and pwrite");
    fd = open("g", O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
    MUST(fd);
    MUST(write(fd, "abc", 3));
    CHECKV("tell", lseek(fd, 0, SEEK_CUR));
    CHECKV("SET 0", lseek(fd, 0, SEEK_SET));
    CHECKV("read 1", read(fd, c, 1));
    printf("  got %.1s\n", c);
    MUST(write(fd, "d", 1));
    CHECKV("tell after append write", lseek(fd, 0, SEEK_CUR));
    dump(fd, 0, 10);
    close(fd);

    puts("== stdio");
    FILE *f = fopen("h", "w+");
    if (!f) return 1;
    fputs("hello, stdio world", f);
    printf("ftell: %ld\n", ftell(f));
    printf("fseek SET 7: %d\n", fseek(f, 7, SEEK_SET));
    char buf[32] = {0};
    size_t n = fread(buf, 1, 5, f);
    printf("fread: %zu \"%s\"\n", n, buf);
    int sr = fseek(f, -5, SEEK_END);
    printf("fseek END -5: %d ftell %ld\n", sr, ftell(f));
    rewind(f);
    long pos = ftell(f);
    int ch = getc(f);
    printf("after rewind: ftell %ld getc %c\n", pos, ch);
    fclose(f);

    puts("== seek on a pipe-like stream");
    errno = 0;
    off_t r = lseek(1, 0, SEEK_CUR);
    printf("lseek(stdout): %s\n", r < 0 ? errname(errno) : "ok");
    return 0;
}
