/* ftruncate and truncate: grow (zero fill), shrink, to zero; the file
 * offset is not moved; errors. Run in an empty directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void show(int fd) {
    struct stat st;
    MUST(fstat(fd, &st));
    char buf[64];
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    MUST(n);
    printf("  size=%lld content=\"", (long long)st.st_size);
    for (ssize_t i = 0; i < n; i++) putchar(buf[i] ? buf[i] : '0');
    puts("\"");
}

int main(void) {
    int fd = open("t", O_RDWR | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, "abcdefghij", 10));
    show(fd);
    CHECK("ftruncate 4 (shrink)", ftruncate(fd, 4));
    show(fd);
    CHECKV("offset stays", lseek(fd, 0, SEEK_CUR));
    CHECK("ftruncate 20 (grow)", ftruncate(fd, 20));
    show(fd);
    CHECKV("write at offset 10", write(fd, "XY", 2));
    show(fd);
    CHECK("ftruncate 0", ftruncate(fd, 0));
    show(fd);
    CHECK("ftruncate -1", ftruncate(fd, -1));
    CHECK("ftruncate 1 MiB", ftruncate(fd, 1 << 20));
    struct stat st;
    MUST(fstat(fd, &st));
    printf("  size=%lld\n", (long long)st.st_size);
    char buf[16];
    CHECKV("pread in the hole", pread(fd, buf, 16, 500000));
    int zeros = 1;
    for (int i = 0; i < 16; i++) zeros &= buf[i] == 0;
    printf("  all zero: %d\n", zeros);
    close(fd);

    fd = open("t", O_RDONLY);
    MUST(fd);
    /* POSIX allows EBADF or EINVAL here (Linux says EINVAL). */
    errno = 0;
    int r = ftruncate(fd, 5);
    printf("ftruncate on read-only fd: %d %s\n", r,
           r == 0 ? "OK" : (errno == EBADF || errno == EINVAL) ? "EBADF-or-EINVAL" : errname(errno));
    close(fd);
    CHECK("ftruncate on closed fd", ftruncate(fd, 5));

    puts("== truncate by path");
    CHECK("truncate t 7", truncate("t", 7));
    MUST(stat("t", &st));
    printf("  size=%lld\n", (long long)st.st_size);
    CHECK("truncate missing", truncate("missing", 7));
    MUST(mkdir("d", 0755));
    CHECK("truncate a directory", truncate("d", 0));

    puts("== O_TRUNC through stdio");
    FILE *f = fopen("t", "w");
    if (!f) return 1;
    fclose(f);
    MUST(stat("t", &st));
    printf("  size=%lld\n", (long long)st.st_size);
    return 0;
}
