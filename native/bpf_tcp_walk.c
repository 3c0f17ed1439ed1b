/*
 * TCP states from the BPF tcp iterator (bpf_tcp_states.c), on a thread of its own: it enters
 * the namespace at nspath (setns moves only that thread), finds the layout in the kernel's
 * BTF, loads the iterator program and reads every (kernel state, family) byte pair (with
 * with_ports, six bytes: and the local and remote ports, u16 in host order) into memory,
 * while JS goes on (the CLI starts it before its code loads).
 */
#define _GNU_SOURCE
#include "bpf_tcp_walk.h"
#include "bpf_tcp_states.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

/* Bytes asked of one read of the iterator. */
#define WALK_READ (64u << 10)

static void *states_main(void *arg) {
  struct states_job *j = arg;
  if (j->want_ns) {
    int fd = open(j->nspath, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { j->err = errno; j->what = j->nspath; return NULL; }
    int r = setns(fd, CLONE_NEWNET);
    int e = errno;
    close(fd);
    if (r < 0) { j->err = e; j->what = "setns"; return NULL; }
  }
  /* An iterator walks the namespace it was created in: this thread's. */
  int ifd = bpf_tcp_states_open(j->with_ports, j->why, sizeof j->why);
  if (ifd < 0) { j->unavailable = 1; return NULL; }
  for (;;) {
    if (j->cap - j->len < WALK_READ) {
      size_t cap = j->cap ? 2 * j->cap : 4 * WALK_READ;
      uint8_t *d = realloc(j->data, cap);
      if (!d) { j->err = ENOMEM; j->what = "the BPF tcp iterator's bytes"; break; }
      j->data = d;
      j->cap = cap;
    }
    ssize_t r = read(ifd, j->data + j->len, WALK_READ);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { j->err = errno; j->what = "reading the BPF tcp iterator"; break; }
    if (r == 0) break;
    j->len += (size_t)r;
  }
  close(ifd);
  return NULL;
}

int tcp_walk_start(struct states_job *j) { return pthread_create(&j->th, NULL, states_main, j); }

void tcp_walk_join(struct states_job *j) {
  if (j->joined) return;
  pthread_join(j->th, NULL);
  j->joined = 1;
}
