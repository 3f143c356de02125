/* Symbolic links inside the directory: symlink, readlink, stat (follows)
 * vs lstat (does not), opening and listing through links, relative links
 * from subdirectories, dangling links, loops, O_NOFOLLOW, unlink of a link.
 * Run in an empty directory. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static const char *kind(mode_t m) {
    return S_ISREG(m) ? "regular" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" : "other";
}

static void both(const char *path) {
    struct stat st;
    if (stat(path, &st) < 0)
        printf("  stat  %s: %s\n", path, errname(errno));
    else if (S_ISDIR(st.st_mode))
        printf("  stat  %s: %s\n", path, kind(st.st_mode));
    else
        printf("  stat  %s: %s size=%lld\n", path, kind(st.st_mode), (long long)st.st_size);
    if (lstat(path, &st) < 0)
        printf("  lstat %s: %s\n", path, errname(errno));
    else if (S_ISDIR(st.st_mode))
        printf("  lstat %s: %s\n", path, kind(st.st_mode));
    else
        printf("  lstat %s: %s size=%lld\n", path, kind(st.st_mode), (long long)st.st_size);
}

static void rl(const char *path) {
    char buf[256];
    errno = 0;
    ssize_t n = readlink(path, buf, sizeof buf);
    if (n < 0)
        printf("  readlink %s: %s\n", path, errname(errno));
    else
        printf("  readlink %s: \"%.*s\" (%zd)\n", path, (int)n, buf, n);
}

static void cat(const char *path) {
    char buf[128];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("  cat %s: %s\n", path, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    printf("  cat %s: \"%s\"\n", path, buf);
}

int main(void) {
    int fd = open("target.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, "the target\n", 11));
    close(fd);
    MUST(mkdir("dir", 0755));
    MUST(mkdir("dir/sub", 0755));
    fd = open("dir/sub/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, "deep", 4));
    close(fd);

    puts("== create and read links");
    CHECK("symlink target.txt <- lnk", symlink("target.txt", "lnk"));
    CHECK("symlink dir <- dlnk", symlink("dir", "dlnk"));
    CHECK("symlink ../target.txt <- dir/up", symlink("../target.txt", "dir/up"));
    CHECK("symlink sub/file <- dir/down", symlink("sub/file", "dir/down"));
    CHECK("symlink nothing-here <- dangling", symlink("nothing-here", "dangling"));
    CHECK("symlink loop2 <- loop1", symlink("loop2", "loop1"));
    CHECK("symlink loop1 <- loop2", symlink("loop1", "loop2"));
    CHECK("symlink lnk <- chain", symlink("lnk", "chain"));
    CHECK("symlink x <- lnk (exists)", symlink("x", "lnk"));
    CHECK("symlink x <- nodir/l", symlink("x", "nodir/l"));
    rl("lnk");
    rl("dlnk");
    rl("dir/up");
    rl("dangling");
    rl("chain");
    rl("target.txt");
    rl("missing");
    {
        char small[4];
        ssize_t n = readlink("lnk", small, sizeof small);
        printf("  readlink into 4 bytes: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), small);
    }

    puts("== stat vs lstat");
    both("lnk");
    both("dlnk");
    both("dir/up");
    both("dir/down");
    both("dangling");
    both("loop1");
    both("chain");
    both("dlnk/sub/file");

    puts("== through links");
    cat("lnk");
    cat("chain");
    cat("dir/up");
    cat("dir/down");
    cat("dlnk/sub/file");
    cat("dlnk/up");
    cat("dangling");
    cat("loop1");
    CHECK("open lnk O_NOFOLLOW", open("lnk", O_RDONLY | O_NOFOLLOW));
    CHECK("open target.txt O_NOFOLLOW", fd = open("target.txt", O_RDONLY | O_NOFOLLOW));
    if (fd >= 0) close(fd);
    fd = open("dangling", O_WRONLY | O_CREAT, 0644);
    CHECK("open dangling O_CREAT (creates the target)", fd);
    if (fd >= 0) close(fd);
    both("nothing-here");
    CHECK("mkdir dlnk/made", mkdir("dlnk/made", 0755));
    both("dir/made");
    DIR *d = opendir("dlnk");
    if (!d) {
        printf("opendir dlnk: %s\n", errname(errno));
    } else {
        char *names[32];
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && n < 32)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                names[n++] = strdup(e->d_name);
        closedir(d);
        qsort(names, n, sizeof *names, cmp_str);
        printf("opendir dlnk:");
        for (int i = 0; i < n; i++) printf(" %s", names[i]);
        printf("\n");
    }
    struct stat st;
    CHECK("fstatat lnk AT_SYMLINK_NOFOLLOW", fstatat(AT_FDCWD, "lnk", &st, AT_SYMLINK_NOFOLLOW));
    printf("  %s\n", kind(st.st_mode));
    struct timespec ts[2] = {{1000000000, 0}, {1100000000, 0}};
    CHECK("utimensat lnk (follows)", utimensat(AT_FDCWD, "lnk", ts, 0));
    MUST(stat("target.txt", &st));
    printf("  target mtime=%lld\n", (long long)st.st_mtim.tv_sec);

    puts("== remove and rename links");
    CHECK("rename lnk -> lnk2", rename("lnk", "lnk2"));
    rl("lnk2");
    cat("lnk2");
    CHECK("unlink lnk2", unlink("lnk2"));
    both("lnk2");
    both("target.txt");
    CHECK("rmdir dlnk (a link to a dir)", rmdir("dlnk"));
    CHECK("unlink dlnk", unlink("dlnk"));
    both("dir");
    CHECK("unlink dangling", unlink("dangling"));
    CHECK("unlink loop1", unlink("loop1"));
    both("loop2");
    return 0;
}
