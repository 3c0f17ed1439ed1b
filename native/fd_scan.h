#ifndef TCPSTATE_FD_SCAN_H
#define TCPSTATE_FD_SCAN_H
/* Process attribution: socket inode -> (pid, fd) from /proc/PID/fd, on several threads
 * (fd_scan.c). */
#include <stddef.h>
#include <stdint.h>

struct scan;

/* Start `threads` threads (at most 64) listing /proc/PID/fd of each of pids (copied) under
 * root and reading every link. NULL with *err (an errno; *what names the step) when it
 * cannot start. */
struct scan *fd_scan_start(const int32_t *pids, size_t npids, const char *root, unsigned threads, int *err,
                           const char **what);

/* The calling thread joins the work until none is left, then the threads are joined: 0
 * with *triples (malloc'd, *n uint32_t: inode, pid, fd of every socket link), *hidden
 * (EACCES/EPERM) and *scanned, or an errno. Once per scan (fd_scan_finished). */
int fd_scan_finish(struct scan *s, uint32_t **triples, size_t *n, uint32_t *hidden, uint32_t *scanned);

/* fd_scan_finish has run. */
int fd_scan_finished(const struct scan *s);

/* Cancel and join the threads if still running, free everything. */
void fd_scan_free(struct scan *s);
#endif
