/*
 * Process attribution: socket inode -> (pid, fd) from /proc/PID/fd of every pid, on several
 * threads started before the socket dump, so that the scan runs while JS goes on; the caller
 * of fd_scan_finish joins the work at the end. Node's own readlinkSync costs about 2.5x more
 * per fd than this loop.
 */
#define _GNU_SOURCE
#include "fd_scan.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- Process attribution: socket inode → (pid, fd) from /proc/PID/fd, on several threads ----
 *
 * Work comes in two kinds. A pid: open its fd directory and list it (getdents). A job: a
 * listed directory of at least BIG_DIR entries, published so that every thread readlinks
 * CHUNK entries of it at a time; one process holding most sockets (a load balancer) is
 * then spread over every thread instead of leaving the others idle at the end. Threads take
 * job chunks first, then claim the next pid; when neither is left a thread waits (condition
 * variable) while another is still listing a directory, which may become a job, and quits
 * when nobody is. Each thread appends (inode, pid, fd) to its own array; fd_scan_finish merges.
 */

#define BIG_DIR 1024u   /* a directory with this many entries is shared out as a job */
#define CHUNK 256u      /* entries of a job taken at a time: about 1 ms of readlinks */
#define DENTS (32u << 10)

struct triples {
  uint32_t *v;
  size_t n, cap;
};

static int push3(struct triples *t, uint32_t a, uint32_t b, uint32_t c) {
  if (t->n + 3 > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 3 * 4096;
    uint32_t *v = realloc(t->v, cap * sizeof *v);
    if (!v) return -1;
    t->v = v;
    t->cap = cap;
  }
  t->v[t->n++] = a;
  t->v[t->n++] = b;
  t->v[t->n++] = c;
  return 0;
}

/* A big fd directory being read by several threads. Fields after `n` are under scan.mu; the
 * list of fds is read outside it, by chunk. */
struct job {
  int dir;          /* the open /proc/PID/fd */
  uint32_t pid;
  int32_t *fds;     /* its fd numbers, as listed */
  uint32_t n;
  uint32_t taken;   /* entries handed out */
  uint32_t busy;    /* chunks being read; the thread that ends the last one frees the job */
  struct job *next; /* in scan.jobs while entries are left */
};

struct scan;

/* One thread's share: what it found, and its listing buffers. */
struct part {
  struct scan *s;
  struct triples t;
  uint32_t hidden, scanned;
  int err;          /* ENOMEM: the result would be incomplete */
  int32_t *fds;     /* the directory being listed */
  size_t nfds, capfds;
  char *dents;
};

struct scan {
  int root;                    /* the open proc root */
  int32_t *pids;
  size_t npids;
  pthread_mutex_t mu;          /* guards next_pid, cancel, jobs and listing */
  pthread_cond_t cv;           /* a job was published, the last listing ended, or cancel */
  size_t next_pid;             /* index of the next pid to claim */
  int cancel;                  /* stop early (finalizer, out of memory) */
  struct job *jobs;            /* jobs with entries left, newest first */
  unsigned listing;            /* threads listing a directory */
  unsigned nthreads;           /* background threads running */
  unsigned nparts;             /* background threads asked for, + 1 */
  pthread_t *th;
  struct part *parts;          /* nparts: one per thread asked for, the last for fd_scan_finish's caller */
  int state;                   /* 0 running, 1 finished (resources freed) */
};

static void cancel_scan(struct scan *s) {
  pthread_mutex_lock(&s->mu);
  s->cancel = 1;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

/* Open and list PID's fd directory into p->fds. Returns the directory fd, or -1 (hidden,
 * exited, or not a process). */
static int list_pid(struct scan *s, struct part *p, int32_t pid) {
  char path[32];
  snprintf(path, sizeof path, "%d/fd", pid);
  int d = openat(s->root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) {
    if (errno == EACCES || errno == EPERM) p->hidden++;
    return -1; /* ENOENT: it exited after the pids were listed */
  }
  p->nfds = 0;
  long n;
  while ((n = syscall(SYS_getdents64, d, p->dents, DENTS)) > 0) {
    for (long o = 0; o < n;) {
      struct dirent64 *de = (struct dirent64 *)(p->dents + o);
      o += de->d_reclen;
      const char *c = de->d_name;
      if (*c < '0' || *c > '9') continue;
      uint32_t fd = 0;
      for (; *c >= '0' && *c <= '9'; c++) fd = fd * 10 + (uint32_t)(*c - '0');
      if (p->nfds == p->capfds) {
        size_t cap = p->capfds ? 2 * p->capfds : 4096;
        int32_t *v = realloc(p->fds, cap * sizeof *v);
        if (!v) {
          p->err = ENOMEM;
          close(d);
          return -1;
        }
        p->fds = v;
        p->capfds = cap;
      }
      p->fds[p->nfds++] = (int32_t)fd;
    }
  }
  if (n < 0) {
    if (errno == EACCES || errno == EPERM) p->hidden++;
    close(d);
    return -1;
  }
  p->scanned++;
  return d;
}

/* readlink each of fds[0..n) in dir; socket links become triples. A fd closed since the
 * listing (ENOENT) is skipped. */
static void read_links(struct part *p, int dir, uint32_t pid, const int32_t *fds, size_t n) {
  char name[12], link[64];
  for (size_t i = 0; i < n; i++) {
    uint32_t fd = (uint32_t)fds[i];
    char *e = name + sizeof name - 1;
    *e = 0;
    do *--e = (char)('0' + fd % 10); while ((fd /= 10) != 0);
    ssize_t m = readlinkat(dir, e, link, sizeof link - 1);
    if (m < 10 || memcmp(link, "socket:[", 8) != 0) continue;
    uint64_t ino = 0;
    for (ssize_t j = 8; j < m && link[j] >= '0' && link[j] <= '9'; j++) ino = ino * 10 + (uint64_t)(link[j] - '0');
    if (ino == 0 || ino > 0xffffffffu) continue;
    if (push3(&p->t, (uint32_t)ino, pid, (uint32_t)fds[i]) < 0) {
      p->err = ENOMEM;
      return;
    }
  }
}

static void free_job(struct job *j) {
  close(j->dir);
  free(j->fds);
  free(j);
}

/* Under s->mu: hand out the next chunk [*lo, *hi) of the newest job with entries left. */
static struct job *take_chunk(struct scan *s, uint32_t *lo, uint32_t *hi) {
  struct job *j = s->jobs;
  if (!j) return NULL;
  *lo = j->taken;
  *hi = j->n - j->taken > CHUNK ? j->taken + CHUNK : j->n;
  j->taken = *hi;
  j->busy++;
  if (j->taken == j->n) s->jobs = j->next; /* its last chunk: it leaves the list */
  return j;
}

/* The work loop of every thread, the caller of fd_scan_finish included. Claims are made under
 * s->mu (a few hundred pids and one lock per chunk of about 1 ms: no contention to speak of),
 * so a thread that finds nothing to do knows exactly whether a listing is still under way. */
static void work(struct part *p) {
  struct scan *s = p->s;
  pthread_mutex_lock(&s->mu);
  while (!s->cancel) {
    uint32_t lo, hi;
    struct job *j = take_chunk(s, &lo, &hi);
    if (j) {
      pthread_mutex_unlock(&s->mu);
      read_links(p, j->dir, j->pid, j->fds + lo, hi - lo);
      pthread_mutex_lock(&s->mu);
      if (--j->busy == 0 && j->taken == j->n) free_job(j);
    } else if (s->next_pid < s->npids) {
      int32_t pid = s->pids[s->next_pid++];
      s->listing++;
      pthread_mutex_unlock(&s->mu);
      int d = list_pid(s, p, pid);
      struct job *big = NULL;
      if (d >= 0 && p->nfds >= BIG_DIR && (big = malloc(sizeof *big)) != NULL) {
        *big = (struct job){.dir = d, .pid = (uint32_t)pid, .fds = p->fds, .n = (uint32_t)p->nfds};
        p->fds = NULL; /* the job owns the listing now */
        p->nfds = p->capfds = 0;
      }
      pthread_mutex_lock(&s->mu);
      s->listing--;
      if (big) {
        big->next = s->jobs;
        s->jobs = big;
      }
      if (big || s->listing == 0) pthread_cond_broadcast(&s->cv);
      if (d >= 0 && !big) {
        pthread_mutex_unlock(&s->mu);
        read_links(p, d, (uint32_t)pid, p->fds, p->nfds);
        close(d);
        pthread_mutex_lock(&s->mu);
      }
    } else if (s->listing > 0) {
      /* Nothing to claim, but a directory being listed may still become a job. */
      pthread_cond_wait(&s->cv, &s->mu);
    } else {
      break;
    }
    if (p->err) { /* out of memory: the result would be incomplete; everyone stops */
      s->cancel = 1;
      pthread_cond_broadcast(&s->cv);
    }
  }
  pthread_mutex_unlock(&s->mu);
}

static void *thread_main(void *arg) {
  work(arg);
  return NULL;
}

/* Stop the threads (cancelling first when asked), join them, free everything but the
 * parts' triples (fd_scan_finish hands those over; fd_scan_free frees what is left). */
static void scan_join(struct scan *s, int cancel) {
  if (cancel) cancel_scan(s);
  for (unsigned i = 0; i < s->nthreads; i++) pthread_join(s->th[i], NULL);
  s->nthreads = 0;
  while (s->jobs) { /* left over only after a cancel */
    struct job *j = s->jobs;
    s->jobs = j->next;
    free_job(j);
  }
  close(s->root);
  s->root = -1;
}

void fd_scan_free(struct scan *s) {
  if (s->state == 0) scan_join(s, 1);
  for (unsigned i = 0; s->parts && i < s->nparts; i++) {
    free(s->parts[i].t.v);
    free(s->parts[i].fds);
    free(s->parts[i].dents);
  }
  free(s->parts);
  free(s->th);
  free(s->pids);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  free(s);
}

struct scan *fd_scan_start(const int32_t *pids, size_t npids, const char *root, unsigned threads, int *err,
                           const char **what) {
  if (threads > 64) threads = 64;
  int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    *err = errno;
    *what = root;
    return NULL;
  }
  struct scan *s = calloc(1, sizeof *s);
  if (s) {
    s->root = root_fd;
    s->npids = npids;
    s->nparts = threads + 1;
    s->pids = malloc((npids ? npids : 1) * sizeof *s->pids);
    s->parts = calloc(s->nparts, sizeof *s->parts);
    s->th = calloc(threads ? threads : 1, sizeof *s->th);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
  }
  int ok = s && s->pids && s->parts && s->th;
  for (unsigned i = 0; ok && i < s->nparts; i++) {
    s->parts[i].s = s;
    ok = (s->parts[i].dents = malloc(DENTS)) != NULL;
  }
  if (!ok) {
    if (s) fd_scan_free(s); /* closes root_fd */
    else close(root_fd);
    *err = ENOMEM;
    *what = "scanStart";
    return NULL;
  }
  if (npids) memcpy(s->pids, pids, npids * sizeof *pids);
  /* The threads take no signals (Node's handlers run on its own threads) and need little stack. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256u << 10);
  for (unsigned i = 0; i < threads; i++) /* fewer threads when one cannot start: the caller does the rest */
    if (pthread_create(&s->th[s->nthreads], &attr, thread_main, &s->parts[s->nthreads]) == 0) s->nthreads++;
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return s;
}

int fd_scan_finished(const struct scan *s) { return s->state != 0; }

int fd_scan_finish(struct scan *s, uint32_t **triples, size_t *n, uint32_t *hidden, uint32_t *scanned) {
  struct part *mine = &s->parts[s->nparts - 1];
  work(mine);
  scan_join(s, 0);
  s->state = 1;
  size_t total = 0, most = 0;
  uint32_t h = 0, sc = 0;
  int err = 0;
  for (unsigned i = 0; i < s->nparts; i++) {
    struct part *p = &s->parts[i];
    total += p->t.n;
    if (p->t.n > s->parts[most].t.n) most = i;
    h += p->hidden;
    sc += p->scanned;
    if (p->err) err = p->err;
  }
  if (err) return err;
  /* The largest part grows in place (realloc of a big block remaps, no copy) to hold the
   * others, and is handed over as is: no fresh zeroed buffer to touch and copy into. */
  uint32_t *v = NULL;
  if (total > 0) {
    v = realloc(s->parts[most].t.v, total * sizeof *v);
    if (!v) return ENOMEM;
    size_t off = s->parts[most].t.n;
    s->parts[most].t.v = NULL;
    for (unsigned i = 0; i < s->nparts; i++) {
      struct part *p = &s->parts[i];
      if (i == most || !p->t.n) continue;
      memcpy(v + off, p->t.v, p->t.n * sizeof *v);
      off += p->t.n;
    }
  }
  for (unsigned i = 0; i < s->nparts; i++) { /* the rest is not needed until fd_scan_free */
    free(s->parts[i].t.v);
    s->parts[i].t = (struct triples){0};
  }
  *triples = v;
  *n = total;
  *hidden = h;
  *scanned = sc;
  return 0;
}
