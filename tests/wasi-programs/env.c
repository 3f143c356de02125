/* Environment: prints the whole environment, sorted, then a few chosen
 * variables with getenv, then setenv/unsetenv inside the program. The
 * harness gives both runs exactly the same environment. */
#include "common.h"

extern char **environ;

int main(void) {
    size_t n = 0;
    while (environ[n]) n++;
    char **copy = malloc((n + 1) * sizeof *copy);
    for (size_t i = 0; i < n; i++) copy[i] = environ[i];
    qsort(copy, n, sizeof *copy, cmp_str);
    printf("%zu variables\n", n);
    for (size_t i = 0; i < n; i++) printf("  [%s]\n", copy[i]);

    const char *names[] = {"GREETING", "EMPTY", "WITH_EQUALS", "UNICODE", "INHERITED", "NOT_SET", "PATH"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (v) printf("getenv(%s) = [%s]\n", names[i], v);
        else printf("getenv(%s) = NULL\n", names[i]);
    }
    setenv("NEW_ONE", "fresh", 1);
    setenv("GREETING", "replaced", 1);
    setenv("EMPTY", "not replaced", 0);
    unsetenv("WITH_EQUALS");
    printf("after setenv/unsetenv: NEW_ONE=[%s] GREETING=[%s] EMPTY=[%s] WITH_EQUALS=%s\n",
           getenv("NEW_ONE"), getenv("GREETING"), getenv("EMPTY"),
           getenv("WITH_EQUALS") ? "set" : "NULL");
    return 0;
}
