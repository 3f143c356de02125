/* A WASI reactor (built with -mexec-model=reactor): no main; the host calls
 * its exports after `_initialize` has run the C library's set-up and this
 * file's constructor. Without that, `greeting` would still be NULL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *greeting;

__attribute__((constructor)) static void set_up(void) { greeting = strdup("ready"); }

/* Prints "<greeting> <n>" and returns strlen(greeting) + n, or -1 when the
 * constructor has not run. */
__attribute__((export_name("greet"))) int greet(int n) {
    printf("%s %d\n", greeting ? greeting : "(not initialised)", n);
    fflush(stdout);
    return greeting ? (int)strlen(greeting) + n : -1;
}
