// WASI functions that the per-area programs do not reach through libc.
// Run under wasi-rt only (some calls have no native equivalent); the test
// compares the output with a fixed expectation.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

// proc_raise is not declared by wasi-libc's headers any more.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int raw_proc_raise(int sig);

#define CHECK(what, cond) printf("%s: %s\n", what, (cond) ? "ok" : "FAILED")

int main(void) {
  int fd = open("misc.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK("open", fd >= 0);
  CHECK("fd_advise", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
  CHECK("fd_allocate", posix_fallocate(fd, 0, 4096) == 0);
  struct stat st;
  CHECK("fd_allocate grew the file", fstat(fd, &st) == 0 && st.st_size == 4096);
  CHECK("fd_write", write(fd, "abcdef", 6) == 6);
  CHECK("fd_datasync", fdatasync(fd) == 0);
  CHECK("fd_sync", fsync(fd) == 0);
  __wasi_filesize_t pos = 0;
  CHECK("fd_tell", __wasi_fd_tell(fd, &pos) == 0 && pos == 6);

  // Times: set explicit times on the fd, then on the path.
  struct timespec times[2] = {{1000000000, 0}, {1200000000, 5}};
  CHECK("fd_filestat_set_times", futimens(fd, times) == 0);
  CHECK("fd_filestat_get mtime", fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1200000000);
  struct timespec later[2] = {{1300000000, 0}, {1400000000, 0}};
  CHECK("path_filestat_set_times", utimensat(AT_FDCWD, "misc.txt", later, 0) == 0);
  CHECK("path_filestat_get mtime", stat("misc.txt", &st) == 0 && st.st_mtim.tv_sec == 1400000000 && st.st_atim.tv_sec == 1300000000);

  // Flags: switch to append mode, a write lands at the end.
  CHECK("fd_fdstat_set_flags", fcntl(fd, F_SETFL, O_APPEND) == 0);
  CHECK("fcntl reads back O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  lseek(fd, 0, SEEK_SET);
  write(fd, "Z", 1);
  CHECK("append wrote at the end", fstat(fd, &st) == 0 && st.st_size == 4097);

  // Rights only shrink.
  __wasi_fdstat_t fs;
  CHECK("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs) == 0 && fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  __wasi_rights_t fewer = fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE;
  CHECK("fd_fdstat_set_rights drops write", __wasi_fd_fdstat_set_rights(fd, fewer, fs.fs_rights_inheriting) == 0);
  { ssize_t w = write(fd, "x", 1); int en = errno; /* wasi-libc reports ENOTCAPABLE from fd_write as EBADF */ CHECK("write now refused", w == -1 && (en == EBADF || en == ENOTCAPABLE)); }
  CHECK("rights cannot grow back", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, fs.fs_rights_inheriting) == __WASI_ERRNO_NOTCAPABLE);

  // Renumber: move the fd onto another open fd's number.
  int other = open("other.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK("fd_renumber", __wasi_fd_renumber(fd, other) == 0);
  CHECK("old number is closed", __wasi_fd_tell(fd, &pos) == __WASI_ERRNO_BADF);
  CHECK("new number is the file", __wasi_fd_tell(other, &pos) == 0);
  CHECK("renumber onto a closed fd moves it there", __wasi_fd_renumber(other, 999) == 0 && __wasi_fd_tell(999, &pos) == 0);
  CHECK("the old number is free", __wasi_fd_tell(other, &pos) == __WASI_ERRNO_BADF);
  CHECK("renumber of a closed fd is EBADF", __wasi_fd_renumber(other, 999) == __WASI_ERRNO_BADF);
  close(999);

  CHECK("sched_yield", sched_yield() == 0);
  CHECK("proc_raise of an ignored signal (CHLD)", raw_proc_raise(16) == 0);
  CHECK("proc_raise of an unknown signal", raw_proc_raise(99) == __WASI_ERRNO_INVAL);
  __wasi_timestamp_t res = 0;
  CHECK("clock_res_get", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res) == 0 && res > 0);
  CHECK("clock_res_get bad clock", __wasi_clock_res_get(99, &res) == __WASI_ERRNO_INVAL);
  struct timespec cpu;
  CHECK("process cputime", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0);
  CHECK("thread cputime", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0);

  // Absolute clock sleep through poll_oneoff.
  struct timespec now, after;
  clock_gettime(CLOCK_MONOTONIC, &now);
  struct timespec until = now;
  until.tv_nsec += 20000000;
  if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
  CHECK("absolute clock_nanosleep", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
  clock_gettime(CLOCK_MONOTONIC, &after);
  long long waited = (after.tv_sec - now.tv_sec) * 1000000000LL + (after.tv_nsec - now.tv_nsec);
  CHECK("slept at least 20ms", waited >= 20000000);

  // Readdir across many fd_readdir calls (cookies), and seekdir.
  mkdir("many", 0755);
  char name[64];
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "many/file-with-a-longish-name-%03d", i);
    close(open(name, O_WRONLY | O_CREAT, 0644));
  }
  DIR *d = opendir("many");
  int count = 0;
  long mark = -1;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (++count == 150) mark = telldir(d);
  }
  CHECK("fd_readdir sees all 302 entries", count == 302);
  seekdir(d, mark);
  int rest = 0;
  while ((e = readdir(d))) rest++;
  CHECK("seekdir resumes at the cookie", rest == 152);
  closedir(d);
  return 0;
}
