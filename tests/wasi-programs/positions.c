/* The file position as reads, writes, seeks, appends and flag changes
 * move it (the runtime keeps a regular file's position itself and reads
 * and writes at it; this must look exactly like the kernel's offset).
 * Run in an empty directory. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void show(const char *what, int fd) {
    printf("  %s: at %lld\n", what, (long long)lseek(fd, 0, SEEK_CUR));
}

int main(void) {
    int fd = open("p", O_RDWR | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    puts("== reads and writes move the position");
    MUST(write(fd, "abcdefghij", 10));
    show("after writing 10", fd);
    MUST(lseek(fd, 2, SEEK_SET));
    char buf[16] = {0};
    CHECKV("read 3", read(fd, buf, 3));
    printf("  got %s\n", buf);
    show("after reading 3 from 2", fd);
    MUST(write(fd, "XY", 2));
    show("after writing 2", fd);
    CHECKV("pread 4 at 0", pread(fd, buf, 4, 0));
    show("pread leaves it", fd);
    CHECKV("read to the end", read(fd, buf, sizeof buf));
    CHECKV("read at the end", read(fd, buf, sizeof buf));
    show("at the end", fd);

    puts("== a second descriptor has its own position");
    int other = open("p", O_RDONLY);
    MUST(other);
    CHECKV("read 4 (other)", read(other, buf, 4));
    printf("  got %.4s\n", buf);
    show("first", fd);
    show("other", other);
    close(other);

    puts("== appending");
    int app = open("p", O_WRONLY | O_APPEND);
    MUST(app);
    show("opened for appending", app);
    MUST(write(app, "++", 2));
    show("after an appending write", app);
    MUST(lseek(app, 0, SEEK_SET));
    MUST(write(app, "--", 2));
    show("a write after seeking to 0 still appends", app);
    close(app);

    puts("== switching O_APPEND on and off");
    MUST(lseek(fd, 1, SEEK_SET));
    int fl = fcntl(fd, F_GETFL);
    MUST(fcntl(fd, F_SETFL, fl | O_APPEND));
    show("append on (position kept)", fd);
    MUST(write(fd, "!", 1));
    show("after an appending write", fd);
    MUST(fcntl(fd, F_SETFL, fl));
    show("append off", fd);
    MUST(lseek(fd, 0, SEEK_SET));
    MUST(write(fd, "Q", 1));
    show("a write at 0", fd);
    struct stat st;
    MUST(fstat(fd, &st));
    printf("  size %lld\n", (long long)st.st_size);
    CHECKV("pread all", pread(fd, buf, sizeof buf, 0));
    printf("  contents %.*s\n", (int)st.st_size, buf);

    puts("== stdio on top");
    FILE *f = fopen("p", "r+");
    if (!f) return 1;
    fseek(f, 3, SEEK_SET);
    int ch = getc(f);
    printf("  getc %c, ftell %ld\n", ch, ftell(f));
    fseek(f, -2, SEEK_END);
    ch = getc(f);
    printf("  getc %c, ftell %ld\n", ch, ftell(f));
    fclose(f);
    close(fd);
    return 0;
}
