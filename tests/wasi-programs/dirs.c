/* Directories: mkdir/rmdir, nested directories, readdir (listing sorted
 * before printing, with entry types), many entries (several fd_readdir
 * calls), long names, rewinddir, errors. Run in an empty directory. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static char type_char(unsigned char t) {
    switch (t) {
    case DT_REG: return 'f';
    case DT_DIR: return 'd';
    case DT_LNK: return 'l';
    case DT_UNKNOWN: return '?';
    default: return 'o';
    }
}

/* Prints the sorted entries of PATH (without "." and ".."), with types. */
static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: %s\n", path, errname(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
        }
        size_t len = strlen(e->d_name);
        names[n] = malloc(len + 3);
        names[n][0] = type_char(e->d_type);
        names[n][1] = ' ';
        memcpy(names[n] + 2, e->d_name, len + 1);
        n++;
    }
    if (errno) printf("readdir %s: %s\n", path, errname(errno));
    closedir(d);
    /* sort by name, not by type character */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1] + 2, names[j] + 2) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    printf("%s: %zu entries\n", path, n);
    for (size_t i = 0; i < n; i++) {
        printf("  %s\n", names[i]);
        free(names[i]);
    }
    free(names);
}

static void touch(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    close(fd);
}

int main(void) {
    puts("== mkdir / rmdir");
    CHECK("mkdir a", mkdir("a", 0755));
    CHECK("mkdir a again", mkdir("a", 0755));
    CHECK("mkdir a/b", mkdir("a/b", 0755));
    CHECK("mkdir a/b/c", mkdir("a/b/c", 0755));
    CHECK("mkdir x/y (missing parent)", mkdir("x/y", 0755));
    touch("a/file");
    CHECK("mkdir a/file/sub (parent is file)", mkdir("a/file/sub", 0755));
    CHECK("mkdir over file", mkdir("a/file", 0755));
    CHECK("mkdir with trailing slash", mkdir("t/", 0755));
    CHECK("rmdir with trailing slash", rmdir("t/"));
    rmdir("t"); /* in case the line above failed: keep the rest comparable */
    CHECK("rmdir a (not empty)", rmdir("a"));
    CHECK("rmdir a/file (a file)", rmdir("a/file"));
    CHECK("rmdir missing", rmdir("missing"));
    CHECK("unlink a/b (a dir)", unlink("a/b"));
    CHECK("rmdir a/b/c", rmdir("a/b/c"));
    CHECK("rmdir a/b/c again", rmdir("a/b/c"));
    CHECK("mkdir a/b/./c2", mkdir("a/b/./c2", 0755));
    CHECK("mkdir a/b/c2/../c3", mkdir("a/b/c2/../c3", 0755));

    puts("== listing");
    touch("a/b/c2/deep.txt");
    touch("z.txt");
    touch("A.txt");
    touch("m.txt");
    MUST(mkdir("emptydir", 0755));
    list(".");
    list("a");
    list("a/b");
    list("a/b/c2");
    list("emptydir");
    list("a/file");
    list("nope");

    puts("== many entries");
    MUST(mkdir("many", 0755));
    char name[300];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "many/entry-%03d-%s", i,
                 i % 3 == 0 ? "with-a-rather-long-name-to-fill-the-readdir-buffer-quickly"
                            : "short");
        if (i % 10 == 0) MUST(mkdir(name, 0755));
        else touch(name);
    }
    {
        DIR *d = opendir("many");
        if (!d) {
            printf("opendir many: %s\n", errname(errno));
        } else {
            int count = 0, dirs = 0, files = 0, dots = 0;
            unsigned long sum = 0;
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) { dots++; continue; }
                count++;
                if (e->d_type == DT_DIR) dirs++;
                if (e->d_type == DT_REG) files++;
                int idx = atoi(e->d_name + 6);
                sum += (unsigned long)idx * idx;
            }
            printf("count=%d dirs=%d files=%d sumsq=%lu\n", count, dirs, files, sum);
            rewinddir(d);
            int again = 0;
            while ((e = readdir(d)) != NULL)
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) again++;
            printf("after rewinddir: %d\n", again);
            closedir(d);
        }
    }

    puts("== long names");
    char longname[256];
    memset(longname, 'n', 255);
    longname[255] = 0;
    touch(longname);
    CHECK("access 255-char name", access(longname, F_OK));
    CHECK("unlink 255-char name", unlink(longname));
    char toolong[300];
    memset(toolong, 'n', 299);
    toolong[299] = 0;
    CHECK("create 299-char name", open(toolong, O_WRONLY | O_CREAT, 0644));

    puts("== fdopendir / openat-relative");
    int dfd = open("a/b", O_RDONLY | O_DIRECTORY);
    MUST(dfd);
    int fd = openat(dfd, "c2/deep.txt", O_RDONLY);
    CHECK("openat(dir, c2/deep.txt)", fd);
    if (fd >= 0) close(fd);
    CHECK("mkdirat(dir, c4)", mkdirat(dfd, "c4", 0755));
    struct stat st;
    CHECK("fstatat(dir, c4)", fstatat(dfd, "c4", &st, 0));
    printf("  c4 is dir: %d\n", S_ISDIR(st.st_mode));
    CHECK("unlinkat(dir, c4, AT_REMOVEDIR)", unlinkat(dfd, "c4", AT_REMOVEDIR));
    DIR *d = fdopendir(dfd);
    if (!d) {
        printf("fdopendir: %s\n", errname(errno));
        close(dfd);
    } else {
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
        printf("fdopendir entries: %d\n", n);
        closedir(d);
    }

    puts("== cleanup");
    CHECK("unlink a/b/c2/deep.txt", unlink("a/b/c2/deep.txt"));
    CHECK("rmdir a/b/c2", rmdir("a/b/c2"));
    CHECK("rmdir a/b/c3", rmdir("a/b/c3"));
    CHECK("rmdir a/b", rmdir("a/b"));
    CHECK("unlink a/file", unlink("a/file"));
    CHECK("rmdir a", rmdir("a"));
    list(".");
    return 0;
}
