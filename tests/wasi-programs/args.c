/* Arguments: prints argc and every argument after argv[0] (argv[0] is the
 * path of the program, which differs between the native and wasm runs). */
#include "common.h"

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    printf("argv[0] present: %d\n", argv[0] != NULL && argv[0][0] != 0);
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] (%zu bytes) = [%s]\n", i, strlen(argv[i]), argv[i]);
    }
    printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
    return 0;
}
