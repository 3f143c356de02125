/* Hard links: link, link counts, shared contents, unlink of one name,
 * errors. Run in an empty directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void nlink(const char *path) {
    struct stat st;
    if (stat(path, &st) < 0)
        printf("  %s: %s\n", path, errname(errno));
    else
        printf("  %s: nlink=%lu size=%lld\n", path, (unsigned long)st.st_nlink,
               (long long)st.st_size);
}

int main(void) {
    int fd = open("orig", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, "shared", 6));
    close(fd);
    MUST(mkdir("sub", 0755));

    nlink("orig");
    CHECK("link orig -> second", link("orig", "second"));
    nlink("orig");
    nlink("second");
    CHECK("link orig -> sub/third", link("orig", "sub/third"));
    nlink("orig");
    CHECK("linkat second -> sub/../fourth", linkat(AT_FDCWD, "second", AT_FDCWD, "sub/../fourth", 0));
    nlink("fourth");

    struct stat a, b;
    MUST(stat("orig", &a));
    MUST(stat("sub/third", &b));
    printf("same inode: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);

    fd = open("sub/third", O_WRONLY | O_APPEND);
    MUST(fd);
    MUST(write(fd, "+more", 5));
    close(fd);
    char buf[32] = {0};
    fd = open("orig", O_RDONLY);
    MUST(fd);
    MUST(read(fd, buf, sizeof buf - 1));
    close(fd);
    printf("orig after write through sub/third: \"%s\"\n", buf);

    CHECK("unlink orig", unlink("orig"));
    nlink("orig");
    nlink("second");
    CHECK("unlink second", unlink("second"));
    CHECK("unlink fourth", unlink("fourth"));
    nlink("sub/third");

    puts("== errors");
    CHECK("link missing -> x", link("missing", "x"));
    CHECK("link sub/third -> sub (exists)", link("sub/third", "sub"));
    fd = open("other", O_WRONLY | O_CREAT, 0644);
    close(fd);
    CHECK("link sub/third -> other (exists)", link("sub/third", "other"));
    CHECK("link sub -> subdirlink (a directory)", link("sub", "subdirlink"));
    CHECK("link sub/third -> nodir/x", link("sub/third", "nodir/x"));

    puts("== unlink the last name of an open file");
    fd = open("sub/third", O_RDONLY);
    MUST(fd);
    CHECK("unlink sub/third", unlink("sub/third"));
    memset(buf, 0, sizeof buf);
    CHECKV("read after unlink", read(fd, buf, sizeof buf - 1));
    printf("  \"%s\"\n", buf);
    MUST(fstat(fd, &a));
    printf("  fstat nlink=%lu\n", (unsigned long)a.st_nlink);
    close(fd);
    nlink("sub/third");
    return 0;
}
