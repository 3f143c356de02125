/* poll(): readiness of stdin (a pipe holding some bytes whose writer has
 * closed), stdout (a pipe) and a regular file, printed as booleans; a
 * poll with only a timeout; select() on stdout. The harness feeds
 * "line one\nline two\n" on stdin. */
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    /* WASI's poll_oneoff may return as soon as one subscription is ready,
     * so each readiness question is asked on its own. */
    struct pollfd p[2];
    p[0].fd = 1;
    p[0].events = POLLOUT;
    p[0].revents = 0;
    int n = poll(p, 1, 5000);
    printf("poll stdout: returned 1 %d, writable %d, no error bits %d\n", n == 1,
           (p[0].revents & POLLOUT) != 0, !(p[0].revents & (POLLERR | POLLNVAL)));
    p[0].fd = 0;
    p[0].events = POLLIN;
    p[0].revents = 0;
    n = poll(p, 1, 5000);
    printf("poll stdin: returned 1 %d, readable %d, no error bits %d\n", n == 1,
           (p[0].revents & POLLIN) != 0, !(p[0].revents & (POLLERR | POLLNVAL)));
    p[0].fd = 0;
    p[0].events = POLLIN;
    p[0].revents = 0;
    p[1].fd = 1;
    p[1].events = POLLOUT;
    p[1].revents = 0;
    n = poll(p, 2, 5000);
    printf("poll stdin+stdout: at least one ready %d, stdout writable or stdin readable %d\n",
           n >= 1, (p[0].revents & POLLIN) || (p[1].revents & POLLOUT));

    char buf[256];
    size_t got = 0;
    ssize_t r;
    while ((r = read(0, buf + got, sizeof buf - 1 - got)) > 0) got += r;
    buf[got] = 0;
    printf("stdin: %zu bytes: [%s]\n", got, buf);

    int fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, "data", 4));
    p[0].fd = fd;
    p[0].events = POLLIN;
    p[0].revents = 0;
    n = poll(p, 1, 1000);
    printf("poll regular file for reading: returned 1 %d, readable %d\n", n == 1,
           (p[0].revents & POLLIN) != 0);
    p[0].events = POLLOUT;
    p[0].revents = 0;
    n = poll(p, 1, 1000);
    printf("poll regular file for writing: returned 1 %d, writable %d\n", n == 1,
           (p[0].revents & POLLOUT) != 0);
    close(fd);

    long long t0 = now_ns();
    n = poll(NULL, 0, 25);
    long long el = now_ns() - t0;
    printf("poll timeout only 25ms: returned 0 %d, elapsed >= 25ms %d, < 5s %d\n", n == 0,
           el >= 25000000LL, el < 5000000000LL);

    t0 = now_ns();
    n = poll(NULL, 0, 0);
    printf("poll timeout 0: returned 0 %d\n", n == 0);

    t0 = now_ns();
    struct timeval tv = {0, 20000};
    n = select(0, NULL, NULL, NULL, &tv);
    el = now_ns() - t0;
    printf("select timeout only 20ms: returned 0 %d, elapsed >= 20ms %d\n", n == 0, el >= 20000000LL);

    fd_set wr;
    FD_ZERO(&wr);
    FD_SET(1, &wr);
    tv.tv_sec = 1;
    tv.tv_usec = 0;
    n = select(2, NULL, &wr, NULL, &tv);
    printf("select stdout writable: returned 1 %d, set %d\n", n == 1, FD_ISSET(1, &wr) != 0);

    t0 = now_ns();
    struct timespec req = {0, 30000000};
    nanosleep(&req, NULL);
    el = now_ns() - t0;
    printf("nanosleep 30ms: elapsed >= 30ms %d\n", el >= 30000000LL);
    return 0;
}
