/* Sandbox escape attempts. Run only under wasi-rt, with the sandbox
 * directory preopened as "." (`--dir SANDBOX::.`). The harness lays out:
 *
 *   ROOT/outside              a file outside the sandbox
 *   ROOT/outside_dir/inner    a directory (and file) outside the sandbox
 *   ROOT/SANDBOX/inside.txt   a file inside
 *   ROOT/SANDBOX/sub/deeper/  nested directories inside
 *   ROOT/SANDBOX/a/b/         more nested directories
 *   ROOT/SANDBOX/link_up         -> ../outside
 *   ROOT/SANDBOX/link_updir      -> ../outside_dir
 *   ROOT/SANDBOX/link_dotdot     -> ..
 *   ROOT/SANDBOX/link_etc        -> /etc
 *   ROOT/SANDBOX/link_abs_dir    -> ROOT/outside_dir (absolute)
 *   ROOT/SANDBOX/link_chain      -> link_up
 *   ROOT/SANDBOX/link_new_out    -> ../created_outside (dangling)
 *   ROOT/SANDBOX/sub/link_upup   -> ../../outside
 *
 * Each attempt prints one line, "LABEL: ok" or
 * "LABEL: -1 errno=N NAME (strerror)", and the harness checks the
 * expected errno for each label and that nothing outside the sandbox
 * changed. A few in-sandbox controls are expected to succeed, so that a
 * runtime that refuses everything does not pass. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __wasi__
#include <wasi/api.h>
#endif

#include "common.h"

static void report(const char *label, long long r) {
    if (r < 0)
        printf("%s: -1 errno=%d %s (%s)\n", label, errno, errname(errno), strerror(errno));
    else
        printf("%s: ok\n", label);
}

#define TRY(label, expr)                                                    \
    do {                                                                    \
        errno = 0;                                                          \
        long long r_ = (long long)(expr);                                   \
        report(label, r_);                                                  \
    } while (0)

/* open() that closes what it opened; reports like TRY. */
static void try_open(const char *label, const char *path, int flags) {
    errno = 0;
    int fd = open(path, flags, 0644);
    report(label, fd);
    if (fd >= 0) close(fd);
}

static void try_openat(const char *label, int dirfd, const char *path, int flags) {
    errno = 0;
    int fd = openat(dirfd, path, flags, 0644);
    report(label, fd);
    if (fd >= 0) close(fd);
}

static void try_opendir(const char *label, const char *path) {
    errno = 0;
    DIR *d = opendir(path);
    report(label, d ? 0 : -1);
    if (d) closedir(d);
}

static void try_stat(const char *label, const char *path) {
    struct stat st;
    errno = 0;
    report(label, stat(path, &st));
}

int main(int argc, char **argv) {
    /* argv[1] is the host's absolute path of ROOT, for the absolute-path
     * attempts (so that a broken runtime would write only under ROOT,
     * where the harness looks). */
    if (argc != 2) {
        printf("usage: escape ROOT\n");
        return 2;
    }
    const char *root = argv[1];
    char root_outside[1024], root_created[1024], root_newdir[1024], root_x[1024], root_link[1024];
    snprintf(root_outside, sizeof root_outside, "%s/outside", root);
    snprintf(root_created, sizeof root_created, "%s/created_abs", root);
    snprintf(root_newdir, sizeof root_newdir, "%s/newdir_abs", root);
    snprintf(root_x, sizeof root_x, "%s/x_abs", root);
    snprintf(root_link, sizeof root_link, "%s/newlink_abs", root);
    struct stat st;
    struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};

    /* Controls: these stay inside the sandbox and must work. */
    try_open("control open inside.txt", "inside.txt", O_RDONLY);
    try_open("control open sub/../inside.txt", "sub/../inside.txt", O_RDONLY);
    try_open("control open sub/deeper/../../inside.txt", "sub/deeper/../../inside.txt", O_RDONLY);
    try_stat("control stat .", ".");
    try_stat("control stat sub/..", "sub/..");
    try_opendir("control opendir sub/deeper/../..", "sub/deeper/../..");
    TRY("control lstat link_up", lstat("link_up", &st));
    {
        char buf[64];
        errno = 0;
        ssize_t n = readlink("link_up", buf, sizeof buf);
        report("control readlink link_up", n);
        if (n >= 0) printf("  link_up -> %.*s\n", (int)n, buf);
    }

    /* Plain ".." paths. */
    try_open("open ../outside", "../outside", O_RDONLY);
    try_open("open ./../outside", "./../outside", O_RDONLY);
    try_open("open .//..//outside", ".//..//outside", O_RDONLY);
    try_open("open sub/../../outside", "sub/../../outside", O_RDONLY);
    try_open("open sub/./../../outside", "sub/./../../outside", O_RDONLY);
    try_open("open sub/deeper/../../../outside", "sub/deeper/../../../outside", O_RDONLY);
    try_open("open a/../../outside", "a/../../outside", O_RDONLY);
    try_open("open ..", "..", O_RDONLY);
    try_open("open ../outside_dir/inner", "../outside_dir/inner", O_RDONLY);
    try_open("open ../outside O_WRONLY|O_TRUNC", "../outside", O_WRONLY | O_TRUNC);
    try_open("open ../outside O_WRONLY|O_APPEND", "../outside", O_WRONLY | O_APPEND);
    try_open("create ../created_outside", "../created_outside", O_WRONLY | O_CREAT);
    try_open("create ../outside_dir/created", "../outside_dir/created", O_WRONLY | O_CREAT);
    {
        char deep[2048] = "sub/deeper";
        for (int i = 0; i < 60; i++) strcat(deep, "/..");
        strcat(deep, "/outside");
        try_open("open sub/deeper + 60x/.. + /outside", deep, O_RDONLY);
        char deep2[2048] = "";
        for (int i = 0; i < 30; i++) strcat(deep2, "sub/deeper/../../");
        strcat(deep2, "../outside");
        try_open("open 30x sub/deeper/../../ + ../outside", deep2, O_RDONLY);
    }
    try_stat("stat ..", "..");
    try_stat("stat ../outside", "../outside");
    try_stat("stat sub/../..", "sub/../..");
    try_opendir("opendir ..", "..");
    try_opendir("opendir sub/../..", "sub/../..");
    try_opendir("opendir ../outside_dir", "../outside_dir");
    TRY("access ../outside", access("../outside", F_OK));

    /* Absolute paths. wasi-libc maps an absolute path onto the preopen
     * whose name is a prefix of it; "." is a prefix of everything, so
     * "/etc/passwd" names SANDBOX/etc/passwd, which does not exist. */
    try_open("open /etc/passwd", "/etc/passwd", O_RDONLY);
    try_open("open /outside", "/outside", O_RDONLY);
    try_open("open ROOT/outside", root_outside, O_RDONLY);
    try_open("create ROOT/created_abs", root_created, O_WRONLY | O_CREAT);
    TRY("mkdir ROOT/newdir_abs", mkdir(root_newdir, 0755));
    try_open("open /../outside", "/../outside", O_RDONLY);
    try_open("open /..", "/..", O_RDONLY);
    try_stat("stat /../outside_dir", "/../outside_dir");

    /* Names that only look odd: no ".." component, so they are just
     * missing names inside the sandbox. */
    try_open("open ...", "...", O_RDONLY);
    try_open("open ..../outside", "..../outside", O_RDONLY);
    try_open("open ..\\outside", "..\\outside", O_RDONLY);
    try_open("open sub/...", "sub/...", O_RDONLY);
    try_open("open .. outside", ".. outside", O_RDONLY);

    /* Symlinks the harness made, pointing out. */
    try_open("open link_up", "link_up", O_RDONLY);
    try_open("open link_chain", "link_chain", O_RDONLY);
    try_open("open sub/link_upup", "sub/link_upup", O_RDONLY);
    try_open("open link_updir/inner", "link_updir/inner", O_RDONLY);
    try_open("open link_dotdot/outside", "link_dotdot/outside", O_RDONLY);
    try_open("open link_etc/passwd", "link_etc/passwd", O_RDONLY);
    try_open("open link_abs_dir/inner", "link_abs_dir/inner", O_RDONLY);
    try_open("open link_up O_WRONLY|O_TRUNC", "link_up", O_WRONLY | O_TRUNC);
    try_open("create through dangling link_new_out", "link_new_out", O_WRONLY | O_CREAT);
    try_open("create link_updir/created", "link_updir/created", O_WRONLY | O_CREAT);
    try_open("create link_abs_dir/created", "link_abs_dir/created", O_WRONLY | O_CREAT);
    try_stat("stat link_up", "link_up");
    try_stat("stat link_etc", "link_etc");
    try_stat("stat link_dotdot", "link_dotdot");
    try_stat("stat link_updir/inner", "link_updir/inner");
    try_opendir("opendir link_updir", "link_updir");
    try_opendir("opendir link_dotdot", "link_dotdot");
    try_opendir("opendir link_etc", "link_etc");
    TRY("mkdir link_updir/newdir", mkdir("link_updir/newdir", 0755));
    TRY("mkdir link_abs_dir/newdir", mkdir("link_abs_dir/newdir", 0755));
    TRY("mkdir link_dotdot/newdir", mkdir("link_dotdot/newdir", 0755));
    TRY("unlink link_updir/inner", unlink("link_updir/inner"));
    TRY("truncate link_up", truncate("link_up", 0));
    TRY("utimensat link_up (follow)", utimensat(AT_FDCWD, "link_up", ts, 0));
    TRY("rename inside.txt -> link_updir/moved", rename("inside.txt", "link_updir/moved"));
    TRY("rename link_updir/inner -> stolen", rename("link_updir/inner", "stolen"));
    TRY("link inside.txt -> link_updir/hard", link("inside.txt", "link_updir/hard"));
    TRY("linkat link_up -> hard_follow (AT_SYMLINK_FOLLOW)",
        linkat(AT_FDCWD, "link_up", AT_FDCWD, "hard_follow", AT_SYMLINK_FOLLOW));
    TRY("symlink x -> link_updir/newlink", symlink("x", "link_updir/newlink"));

    /* Symlinks the program makes itself. Making a link whose text points
     * out is harmless (the text is just a string) and may succeed or be
     * refused; following it must fail. */
    TRY("make symlink mk_up -> ../outside", symlink("../outside", "mk_up"));
    TRY("make symlink mk_etc -> /etc", symlink("/etc", "mk_etc"));
    TRY("make symlink mk_dir -> ../outside_dir", symlink("../outside_dir", "mk_dir"));
    try_open("open mk_up", "mk_up", O_RDONLY);
    try_open("open mk_etc/passwd", "mk_etc/passwd", O_RDONLY);
    try_open("create mk_dir/created", "mk_dir/created", O_WRONLY | O_CREAT);
    try_stat("stat mk_up", "mk_up");
    TRY("mkdir mk_dir/newdir", mkdir("mk_dir/newdir", 0755));

    /* Modifying things outside through "..". */
    TRY("mkdir ../newdir", mkdir("../newdir", 0755));
    TRY("mkdir sub/../../newdir", mkdir("sub/../../newdir", 0755));
    TRY("rmdir ../outside_dir", rmdir("../outside_dir"));
    TRY("unlink ../outside", unlink("../outside"));
    TRY("unlink ../outside_dir/inner", unlink("../outside_dir/inner"));
    TRY("rename inside.txt -> ../x", rename("inside.txt", "../x"));
    TRY("rename sub -> ../subout", rename("sub", "../subout"));
    TRY("rename ../outside -> stolen", rename("../outside", "stolen"));
    TRY("rename ../outside_dir -> stolen_dir", rename("../outside_dir", "stolen_dir"));
    TRY("link inside.txt -> ../x", link("inside.txt", "../x"));
    TRY("link ../outside -> hard", link("../outside", "hard"));
    TRY("symlink inside.txt -> ../newlink", symlink("inside.txt", "../newlink"));
    TRY("truncate ../outside", truncate("../outside", 0));
    TRY("utimensat ../outside", utimensat(AT_FDCWD, "../outside", ts, 0));
    TRY("utimensat ../outside_dir", utimensat(AT_FDCWD, "../outside_dir", ts, 0));
    {
        char buf[64];
        errno = 0;
        report("readlink ../outside", readlink("../outside", buf, sizeof buf));
    }

    /* Relative to descriptors: the preopen itself (fd 3) and a
     * subdirectory. The runtime gets these paths as they are, with no
     * help from the libc. */
    int sub = open("sub", O_RDONLY | O_DIRECTORY);
    if (sub < 0) {
        printf("FATAL open sub: %s\n", errname(errno));
        return 99;
    }
    try_openat("control openat(sub, deeper/..)", sub, "deeper/..", O_RDONLY);
    /* These stay inside the preopen but leave the directory that "sub"
     * names: a runtime may treat every directory descriptor as its own
     * sandbox (as Wasmtime does) or allow it. */
    try_openat("openat(sub, ../inside.txt)", sub, "../inside.txt", O_RDONLY);
    try_openat("openat(sub, deeper/../../inside.txt)", sub, "deeper/../../inside.txt", O_RDONLY);
    try_openat("openat(sub, ../../outside)", sub, "../../outside", O_RDONLY);
    try_openat("openat(sub, ../..)", sub, "../..", O_RDONLY);
    try_openat("openat(sub, link_upup)", sub, "link_upup", O_RDONLY);
    try_openat("openat(3, ../outside)", 3, "../outside", O_RDONLY);
    try_openat("openat(3, ..)", 3, "..", O_RDONLY | O_DIRECTORY);
    try_openat("createat(3, ../created_outside)", 3, "../created_outside", O_WRONLY | O_CREAT);
    TRY("fstatat(sub, ../..)", fstatat(sub, "../..", &st, 0));
    TRY("mkdirat(sub, ../../newdir)", mkdirat(sub, "../../newdir", 0755));
    TRY("unlinkat(sub, ../../outside)", unlinkat(sub, "../../outside", 0));
    TRY("renameat(sub, ../inside.txt, sub, ../../x)", renameat(sub, "../inside.txt", sub, "../../x"));
    TRY("symlinkat(x, sub, ../../newlink)", symlinkat("x", sub, "../../newlink"));
    {
        /* A directory descriptor reached through "..": if this worked, it
         * would be a handle on ROOT. */
        errno = 0;
        int up = openat(sub, "../..", O_RDONLY | O_DIRECTORY);
        report("openat(sub, ../.., O_DIRECTORY)", up);
        if (up >= 0) {
            try_openat("  then openat(up, outside)", up, "outside", O_RDONLY);
            close(up);
        }
    }

#ifdef __wasi__
    /* The raw WASI calls, which get absolute paths as they are (wasi-libc
     * rewrites absolute paths before they reach the runtime, see above).
     * fd 3 is the preopened sandbox. */
    {
        __wasi_fd_t fd;
        __wasi_filestat_t fst;
        __wasi_errno_t e;
        __wasi_rights_t all = ((__wasi_rights_t)1 << 30) - 1; /* every defined right */
        uint8_t buf[64];
        __wasi_size_t used;
#define RAW(label, call)                                                    \
    do {                                                                    \
        e = (call);                                                         \
        errno = e;                                                          \
        report(label, e ? -1 : 0);                                          \
    } while (0)
        RAW("control raw path_open(3, inside.txt)",
            __wasi_path_open(3, 0, "inside.txt", 0, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, /etc/passwd)", __wasi_path_open(3, 0, "/etc/passwd", 0, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, /)", __wasi_path_open(3, 0, "/", __WASI_OFLAGS_DIRECTORY, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, //etc)", __wasi_path_open(3, 0, "//etc", __WASI_OFLAGS_DIRECTORY, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, ../outside)", __wasi_path_open(3, 0, "../outside", 0, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, link_up, follow)",
            __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_up", 0, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, ROOT/outside)", __wasi_path_open(3, 0, root_outside, 0, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_open(3, ROOT/created_abs, creat)",
            __wasi_path_open(3, 0, root_created, __WASI_OFLAGS_CREAT, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        RAW("raw path_filestat_get(3, /etc)", __wasi_path_filestat_get(3, 0, "/etc", &fst));
        RAW("raw path_filestat_get(3, ..)", __wasi_path_filestat_get(3, 0, "..", &fst));
        RAW("raw path_create_directory(3, ROOT/newdir_abs)", __wasi_path_create_directory(3, root_newdir));
        RAW("raw path_create_directory(3, ../newdir)", __wasi_path_create_directory(3, "../newdir"));
        RAW("raw path_remove_directory(3, ../outside_dir)", __wasi_path_remove_directory(3, "../outside_dir"));
        RAW("raw path_unlink_file(3, ../outside)", __wasi_path_unlink_file(3, "../outside"));
        RAW("raw path_rename(3, inside.txt, 3, ROOT/x_abs)", __wasi_path_rename(3, "inside.txt", 3, root_x));
        RAW("raw path_rename(3, ../outside, 3, stolen)", __wasi_path_rename(3, "../outside", 3, "stolen"));
        RAW("raw path_link(3, /etc/passwd, 3, hard_abs)",
            __wasi_path_link(3, 0, "/etc/passwd", 3, "hard_abs"));
        RAW("raw path_link(3, inside.txt, 3, ../hard)", __wasi_path_link(3, 0, "inside.txt", 3, "../hard"));
        RAW("raw path_symlink(inside.txt, 3, ../newlink)", __wasi_path_symlink("inside.txt", 3, "../newlink"));
        RAW("raw path_symlink(x, 3, ROOT/newlink_abs)", __wasi_path_symlink("x", 3, root_link));
        RAW("raw path_readlink(3, /etc/passwd)", __wasi_path_readlink(3, "/etc/passwd", buf, sizeof buf, &used));
        RAW("raw path_filestat_set_times(3, ../outside)",
            __wasi_path_filestat_set_times(3, 0, "../outside", 1, 1,
                                           __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
        /* Not a directory, or not a descriptor at all: another errno is the
         * right answer here. */
        RAW("raw path_open(1000, inside.txt) (no such fd)",
            __wasi_path_open(1000, 0, "inside.txt", 0, all, all, 0, &fd));
        if (!e) (void)__wasi_fd_close(fd);
        __wasi_prestat_t pre;
        RAW("raw fd_prestat_get(4) (no second preopen)", __wasi_fd_prestat_get(4, &pre));
#undef RAW
    }
#endif
    close(sub);

    /* The sandbox must still work after all that. */
    try_open("control open inside.txt at the end", "inside.txt", O_RDONLY);
    TRY("control mkdir made_inside", mkdir("made_inside", 0755));
    TRY("control rmdir made_inside", rmdir("made_inside"));
    puts("done");
    return 0;
}
