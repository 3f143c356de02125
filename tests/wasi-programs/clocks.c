/* Clocks: prints only booleans, so the output does not depend on the time
 * of day or on the speed of the machine. */
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static long long ns(const struct timespec *t) {
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void) {
    struct timespec a, b, r;

    int ok = clock_gettime(CLOCK_MONOTONIC, &a) == 0;
    int nondecreasing = 1;
    for (int i = 0; i < 10000; i++) {
        ok &= clock_gettime(CLOCK_MONOTONIC, &b) == 0;
        if (ns(&b) < ns(&a)) nondecreasing = 0;
        a = b;
    }
    printf("monotonic: gettime ok %d, non-decreasing over 10000 reads %d\n", ok, nondecreasing);
    printf("monotonic: tv_nsec in range %d\n", b.tv_nsec >= 0 && b.tv_nsec < 1000000000);

    ok = clock_gettime(CLOCK_REALTIME, &a) == 0;
    printf("realtime: gettime ok %d, after 2020 %d, before 2200 %d, tv_nsec in range %d\n", ok,
           a.tv_sec > 1577836800, a.tv_sec < 7258118400LL, a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    time_t t = time(NULL);
    printf("time(): close to realtime %d\n", t >= a.tv_sec - 5 && t <= a.tv_sec + 5);
    struct timeval tv;
    ok = gettimeofday(&tv, NULL) == 0;
    printf("gettimeofday: ok %d, close to realtime %d, tv_usec in range %d\n", ok,
           tv.tv_sec >= a.tv_sec - 5 && tv.tv_sec <= a.tv_sec + 5,
           tv.tv_usec >= 0 && tv.tv_usec < 1000000);

    ok = clock_getres(CLOCK_MONOTONIC, &r) == 0;
    printf("getres monotonic: ok %d, > 0 %d, <= 1s %d\n", ok, ns(&r) > 0, ns(&r) <= 1000000000LL);
    ok = clock_getres(CLOCK_REALTIME, &r) == 0;
    printf("getres realtime: ok %d, > 0 %d, <= 1s %d\n", ok, ns(&r) > 0, ns(&r) <= 1000000000LL);

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = {0, 10 * 1000000};
    ok = nanosleep(&req, NULL) == 0;
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long el = ns(&b) - ns(&a);
    printf("nanosleep 10ms: ok %d, elapsed >= 10ms %d, < 5s %d\n", ok, el >= 10000000LL, el < 5000000000LL);

    clock_gettime(CLOCK_MONOTONIC, &a);
    ok = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0;
    clock_gettime(CLOCK_MONOTONIC, &b);
    el = ns(&b) - ns(&a);
    printf("clock_nanosleep 10ms: ok %d, elapsed >= 10ms %d\n", ok, el >= 10000000LL);

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec until = a;
    until.tv_nsec += 15000000;
    if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
    ok = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep absolute +15ms: ok %d, reached %d\n", ok, ns(&b) >= ns(&until));

    clock_gettime(CLOCK_MONOTONIC, &a);
    ok = usleep(12000) == 0;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("usleep 12ms: ok %d, elapsed >= 12ms %d\n", ok, ns(&b) - ns(&a) >= 12000000LL);

    req.tv_nsec = 0;
    ok = nanosleep(&req, NULL) == 0;
    printf("nanosleep 0: ok %d\n", ok);
    req.tv_nsec = -1;
    errno = 0;
    int rr = nanosleep(&req, NULL);
    printf("nanosleep negative: %d %s\n", rr, errname(errno));

    return 0;
}
