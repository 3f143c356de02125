/* A read-only preopen (`--dir-ro DIR::.`). The harness lays out file.txt
 * ("read me\n"), emptydir/, subdir/inner.txt and link -> file.txt. Reads
 * must work; every way of changing the directory must fail. Each line is
 * "read LABEL: ..." (must succeed) or "write LABEL: ..." (must fail); the
 * harness checks the prefixes and that nothing in DIR changed. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static void report(const char *label, long long r) {
    if (r < 0)
        printf("%s: -1 %s (%s)\n", label, errname(errno), strerror(errno));
    else
        printf("%s: ok\n", label);
}

#define TRY(label, expr)                                                    \
    do {                                                                    \
        errno = 0;                                                          \
        long long r_ = (long long)(expr);                                   \
        report(label, r_);                                                  \
    } while (0)

/* Opens PATH with FLAGS; if that works, also tries to write a byte, so a
 * runtime that refuses at write time instead of open time is still seen
 * to refuse. Reports failure if either step fails. */
static void try_write_open(const char *label, const char *path, int flags) {
    errno = 0;
    int fd = open(path, flags, 0644);
    if (fd < 0) {
        report(label, -1);
        return;
    }
    errno = 0;
    ssize_t w = write(fd, "X", 1);
    int saved = errno;
    close(fd);
    errno = saved;
    if (w < 0) {
        printf("%s: open ok, then write -1 %s (%s)\n", label, errname(errno), strerror(errno));
        /* O_TRUNC alone would have changed the file: the harness's
         * snapshot catches that. */
    } else {
        printf("%s: ok (wrote a byte!)\n", label);
    }
}

int main(void) {
    char buf[64];
    struct stat st;

    puts("== reads");
    int fd = open("file.txt", O_RDONLY);
    report("read open file.txt", fd);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        report("read read file.txt", n);
        if (n >= 0) printf("  contents: [%.*s]\n", (int)n, buf);
        errno = 0;
        report("read pread file.txt", pread(fd, buf, 4, 2));
        report("read fstat", fstat(fd, &st));
        errno = 0;
        ssize_t w = write(fd, "X", 1);
        report("write write on the read-only fd", w);
        errno = 0;
        report("write ftruncate on the read-only fd", ftruncate(fd, 0));
        close(fd);
    }
    TRY("read stat subdir/inner.txt", stat("subdir/inner.txt", &st));
    TRY("read stat link", stat("link", &st));
    TRY("read lstat link", lstat("link", &st));
    {
        errno = 0;
        ssize_t n = readlink("link", buf, sizeof buf);
        report("read readlink link", n);
    }
    TRY("read access file.txt R_OK", access("file.txt", R_OK));
    {
        errno = 0;
        DIR *d = opendir(".");
        report("read opendir .", d ? 0 : -1);
        if (d) {
            int n = 0;
            struct dirent *e;
            while ((e = readdir(d)) != NULL)
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
            printf("  %d entries\n", n);
            closedir(d);
        }
    }
    {
        errno = 0;
        DIR *d = opendir("subdir");
        report("read opendir subdir", d ? 0 : -1);
        if (d) closedir(d);
    }

    puts("== writes");
    try_write_open("write open file.txt O_WRONLY", "file.txt", O_WRONLY);
    try_write_open("write open file.txt O_RDWR", "file.txt", O_RDWR);
    try_write_open("write open file.txt O_WRONLY|O_APPEND", "file.txt", O_WRONLY | O_APPEND);
    try_write_open("write open file.txt O_WRONLY|O_TRUNC", "file.txt", O_WRONLY | O_TRUNC);
    try_write_open("write open link O_WRONLY", "link", O_WRONLY);
    try_write_open("write create new.txt", "new.txt", O_WRONLY | O_CREAT);
    try_write_open("write create subdir/new.txt", "subdir/new.txt", O_WRONLY | O_CREAT);
    try_write_open("write create new.txt O_EXCL", "new2.txt", O_WRONLY | O_CREAT | O_EXCL);
    {
        errno = 0;
        FILE *f = fopen("file.txt", "a");
        int ok = f && fputs("appended\n", f) >= 0;
        int closed = f ? fclose(f) : -1;
        report("write fopen file.txt a + fputs + fclose", ok && closed == 0 ? 0 : -1);
    }
    TRY("write mkdir newdir", mkdir("newdir", 0755));
    TRY("write mkdir subdir/newdir", mkdir("subdir/newdir", 0755));
    TRY("write rmdir emptydir", rmdir("emptydir"));
    TRY("write unlink file.txt", unlink("file.txt"));
    TRY("write unlink link", unlink("link"));
    TRY("write unlink subdir/inner.txt", unlink("subdir/inner.txt"));
    TRY("write rename file.txt -> moved.txt", rename("file.txt", "moved.txt"));
    TRY("write rename subdir -> moved_dir", rename("subdir", "moved_dir"));
    TRY("write rename file.txt -> subdir/inner.txt", rename("file.txt", "subdir/inner.txt"));
    TRY("write link file.txt -> hard", link("file.txt", "hard"));
    TRY("write symlink file.txt <- sym", symlink("file.txt", "sym"));
    TRY("write truncate file.txt", truncate("file.txt", 0));
    {
        struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
        TRY("write utimensat file.txt", utimensat(AT_FDCWD, "file.txt", ts, 0));
    }

    puts("== still readable");
    fd = open("file.txt", O_RDONLY);
    report("read open file.txt again", fd);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n >= 0) printf("  contents: [%.*s]\n", (int)n, buf);
        close(fd);
    }
    puts("done");
    return 0;
}
