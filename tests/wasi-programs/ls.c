/* ls DIR: prints the names in DIR (without "." and ".."), sorted, one a
 * line, a "/" after directories; or "ls: cannot open DIR: <reason>" on
 * stderr and exit status 1. */
#include <dirent.h>
#include <sys/stat.h>

#include "common.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: ls DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "ls: cannot open %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
        }
        size_t len = strlen(e->d_name);
        names[n] = malloc(len + 2);
        memcpy(names[n], e->d_name, len + 1);
        if (e->d_type == DT_DIR) strcat(names[n], "/");
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) puts(names[i]);
    return 0;
}
