/* rename: files and directories, over existing targets, into and out of
 * subdirectories, and the error cases. Run in an empty directory. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void put(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, text, strlen(text)));
    close(fd);
}

static void cat(const char *path) {
    char buf[128];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("  %s: %s\n", path, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    printf("  %s: \"%s\"\n", path, buf);
}

/* Recursive, sorted listing of the current directory. */
static void tree(const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir %s: %s\n", dir, errname(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        MUST(lstat(path, &st));
        printf("%*s%s%s\n", 2 * depth + 2, "", names[i], S_ISDIR(st.st_mode) ? "/" : "");
        if (S_ISDIR(st.st_mode)) tree(path, depth + 1);
        free(names[i]);
    }
}

int main(void) {
    put("a", "content of a");
    put("b", "content of b");
    MUST(mkdir("d1", 0755));
    MUST(mkdir("d2", 0755));
    MUST(mkdir("full", 0755));
    put("full/x", "x");
    put("d1/inner", "inner");

    puts("== files");
    CHECK("rename a -> a2", rename("a", "a2"));
    cat("a");
    cat("a2");
    CHECK("rename a2 -> b (over existing)", rename("a2", "b"));
    cat("a2");
    cat("b");
    CHECK("rename b -> b (same)", rename("b", "b"));
    cat("b");
    CHECK("rename b -> d1/b (into dir)", rename("b", "d1/b"));
    CHECK("rename d1/b -> ./b2 (out of dir)", rename("d1/b", "./b2"));
    cat("b2");
    CHECK("rename missing -> x", rename("missing", "x"));
    CHECK("rename b2 -> nodir/b2", rename("b2", "nodir/b2"));
    CHECK("rename b2 -> d2 (file over dir)", rename("b2", "d2"));
    CHECK("rename b2 -> b2/x (into a file)", rename("b2", "b2/x"));

    puts("== directories");
    CHECK("rename d1 -> d3", rename("d1", "d3"));
    cat("d3/inner");
    CHECK("rename d3 -> d2 (over empty dir)", rename("d3", "d2"));
    cat("d2/inner");
    CHECK("rename d2 -> full (over non-empty dir)", rename("d2", "full"));
    CHECK("rename d2 -> b2 (dir over file)", rename("d2", "b2"));
    CHECK("rename d2 -> d2/sub (into itself)", rename("d2", "d2/sub"));
    MUST(mkdir("d2/deep", 0755));
    CHECK("rename d2/deep -> full/deep", rename("d2/deep", "full/deep"));
    CHECK("rename full -> d2/full", rename("full", "d2/full"));
    CHECK("rename d2/full/deep/../x -> top", rename("d2/full/deep/../x", "top"));
    CHECK("rename with trailing slash", rename("d2/full/", "full2/"));

    puts("== open files survive rename");
    int fd = open("top", O_RDONLY);
    MUST(fd);
    CHECK("rename top -> top2 while open", rename("top", "top2"));
    char c;
    CHECKV("read from the renamed open file", read(fd, &c, 1));
    close(fd);

    puts("== result");
    tree(".", 0);
    return 0;
}
