/* setns() of the calling thread into a network namespace and back: what the dumps, the walks
 * and netnsEnter/netnsLeave share. */
#define _GNU_SOURCE
#include "netns.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

/* setns() into the network namespace file at path; *orig gets an fd of the one left (for
 * ns_leave). 0, or an errno with *what naming the step that failed. */
int ns_enter(const char *path, int *orig, const char **what) {
  *orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (*orig < 0) { *what = "open /proc/thread-self/ns/net"; return errno; }
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int e = errno;
    close(*orig);
    *what = path;
    return e;
  }
  int r = setns(target, CLONE_NEWNET);
  int e = errno;
  close(target);
  if (r < 0) {
    close(*orig);
    *what = "setns";
    return e;
  }
  return 0;
}

/* setns() back to the namespace ns_enter left, closing its fd: 0 or an errno. Staying in the
 * wrong namespace would make every later read lie, so callers stop on an error. */
int ns_leave(int orig) {
  int r = setns(orig, CLONE_NEWNET);
  int e = errno;
  close(orig);
  return r < 0 ? e : 0;
}
