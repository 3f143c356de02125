/* Exit codes: `exit N` calls exit(N), `return N` returns N from main,
 * `_exit N` calls _Exit(N). Output written before exit() must be flushed;
 * output written before _Exit() is written with write(2) so both builds
 * agree. */
#include <unistd.h>

#include "common.h"

static void bye(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exit exit|return|_exit N\n");
        return 2;
    }
    int n = atoi(argv[2]);
    atexit(bye);
    printf("about to %s %d\n", argv[1], n); /* buffered: flushed by exit */
    fprintf(stderr, "stderr before %s\n", argv[1]);
    if (!strcmp(argv[1], "exit")) exit(n);
    if (!strcmp(argv[1], "_exit")) {
        fflush(stdout);
        _Exit(n);
    }
    return n;
}
