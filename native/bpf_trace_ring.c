/*
 * A running trace: the maps (ring buffer, lost-event and per-state-pair counters), the
 * programs of bpf_trace_prog.c attached, and a thread that waits on the ring buffer (epoll)
 * and hands batches of records to a consumer (bpf_trace.c gives them to JS through a
 * threadsafe function); the event loop never blocks.
 */
#define _GNU_SOURCE
#include "bpf_trace_ring.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

/* The ring buffer's default size; traceStart's ringBytes sets another (a power of 2, pages). */
#define RINGBUF_BYTES (8u << 20)
/* Records handed over and not yet taken, at most (this many ring buffers' worth), before the
 * ring is left to fill: --buffer-kb bounds memory on both sides. */
#define INFLIGHT_RINGS 4

static int possible_cpus(void) {
  FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
  int n = 0;
  if (f) {
    int a, b;
    char c;
    while (fscanf(f, "%d", &a) == 1) {
      b = a;
      if (fscanf(f, "%c", &c) == 1 && c == '-') {
        if (fscanf(f, "%d", &b) != 1) break;
        if (fscanf(f, "%c", &c) != 1) c = 0;
      }
      n = b + 1 > n ? b + 1 : n;
      if (c != ',') break;
    }
    fclose(f);
  }
  return n > 0 ? n : (int)sysconf(_SC_NPROCESSORS_CONF);
}

/* A per-CPU array's slot `key`, summed over CPUs (0 when it cannot be read). */
static uint64_t percpu_sum(const struct trace *t, int fd, uint32_t key) {
  uint64_t vals[1024] = {0}, sum = 0;
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_fd = (uint32_t)fd;
  a.key = (uint64_t)(uintptr_t)&key;
  a.value = (uint64_t)(uintptr_t)vals;
  if (t->ncpus <= 1024 && trace_sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) == 0)
    for (int k = 0; k < t->ncpus; k++) sum += vals[k];
  return sum;
}

static uint64_t read_lost(struct trace *t) {
  union bpf_attr a;
  uint64_t sum = percpu_sum(t, t->lost_fd, 0);
  /* a hook that fires while one of ours runs on the same CPU (a softirq's state change
   * interrupting a system call's) is skipped by the kernel and counted as the program's
   * recursion miss: an event lost as surely as one the full ring refused */
  for (int k = 0; k < NPROGS; k++) {
    if (t->progs[k] < 0) continue;
    struct bpf_prog_info info;
    memset(&info, 0, sizeof info);
    memset(&a, 0, sizeof a);
    a.info.bpf_fd = (uint32_t)t->progs[k];
    a.info.info_len = sizeof info;
    a.info.info = (uint64_t)(uintptr_t)&info;
    if (trace_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0) sum += info.recursion_misses;
  }
  return sum;
}

void trace_free(struct trace *t) {
  trace_stop(t);
  for (int k = 0; k < NPROGS; k++) {
    if (t->links[k] >= 0) close(t->links[k]);
    if (t->progs[k] >= 0) close(t->progs[k]);
  }
  if (t->cons) munmap(t->cons, (size_t)t->page);
  if (t->prod) munmap(t->prod, t->prod_len);
  if (t->epfd >= 0) close(t->epfd);
  if (t->rb_fd >= 0) close(t->rb_fd);
  if (t->lost_fd >= 0) close(t->lost_fd);
  if (t->counts_fd >= 0) close(t->counts_fd);
  free(t);
}

/* Hand buffered records (and the lost count) over; 0, or -1 when the consumer cannot take them. */
static int deliver(struct trace *t, uint8_t **buf, size_t *len, size_t *cap, int force) {
  uint64_t lost = read_lost(t);
  if (*len == 0 && lost == t->lost_reported && !force) return 0;
  struct batch *b = malloc(sizeof *b);
  if (!b) return -1;
  b->data = *buf;
  b->len = *len;
  b->lost = lost;
  atomic_fetch_add(&t->inflight, *len + 1);
  if (t->hand(t->ctx, b) != 0) {
    atomic_fetch_sub(&t->inflight, *len + 1);
    free(b);
    return -1;
  }
  t->lost_reported = lost;
  *buf = NULL;
  *len = *cap = 0;
  return 0;
}

static void *trace_main(void *arg) {
  struct trace *t = arg;
  volatile uint64_t *cons_pos = t->cons;
  volatile uint64_t *prod_pos = t->prod;
  uint8_t *data = (uint8_t *)t->prod + t->page;
  const uint64_t mask = t->rb_bytes - 1;
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    /* the last pass after stop drains what the ring still holds */
    int stopping = atomic_load(&t->stop);
    /* the consumer behind: leave records in the ring; when it fills, the kernel counts what is lost */
    /* bounded by bytes, not batches: at high rates batches are small and many */
    if (!stopping && atomic_load(&t->inflight) > (size_t)t->rb_bytes * INFLIGHT_RINGS) {
      usleep(5000);
      continue;
    }
    struct epoll_event ev;
    if (!stopping) epoll_wait(t->epfd, &ev, 1, 100);
    uint64_t cons = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
    uint64_t prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);
    while (cons < prod && len < (1u << 20)) {
      uint32_t *hdr = (uint32_t *)(data + (cons & mask));
      uint32_t l = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
      if (l & BPF_RINGBUF_BUSY_BIT) break;
      uint32_t rl = l & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
      if (!(l & BPF_RINGBUF_DISCARD_BIT) && rl == TRACE_EVENT_BYTES) {
        if (cap - len < rl) {
          size_t nc = cap ? 2 * cap : 64 * TRACE_EVENT_BYTES;
          uint8_t *g = realloc(buf, nc);
          if (!g) break;
          buf = g;
          cap = nc;
        }
        memcpy(buf + len, (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, rl);
        len += rl;
      }
      cons += (rl + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
      __atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
    }
    deliver(t, &buf, &len, &cap, 0);
    if (stopping) break;
  }
  free(buf);
  return NULL;
}

struct trace *trace_open(uint32_t ring_bytes, uint32_t netns, uint16_t family, int count_only, char *why, size_t whylen) {
  struct offs o;
  int32_t ids[NPROGS];
  if (trace_find_offsets(&o, ids, why, whylen) < 0) return NULL;
  struct trace *t = calloc(1, sizeof *t);
  if (!t) { snprintf(why, whylen, "out of memory"); return NULL; }
  t->rb_fd = t->lost_fd = t->counts_fd = t->epfd = -1;
  for (int k = 0; k < NPROGS; k++) t->links[k] = t->progs[k] = -1;
  t->page = sysconf(_SC_PAGESIZE);
  t->rb_bytes = ring_bytes ? ring_bytes : RINGBUF_BYTES;
  if (t->rb_bytes < (uint32_t)t->page) t->rb_bytes = (uint32_t)t->page; /* the kernel's least */
  t->ncpus = possible_cpus();
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_RINGBUF;
  a.max_entries = t->rb_bytes;
  t->rb_fd = trace_sys_bpf(BPF_MAP_CREATE, &a);
  if (t->rb_fd < 0) { snprintf(why, whylen, "BPF ring buffer not created: %s", strerror(errno)); goto fail; }
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_PERCPU_ARRAY;
  a.key_size = 4;
  a.value_size = 8;
  a.max_entries = 1;
  t->lost_fd = trace_sys_bpf(BPF_MAP_CREATE, &a);
  if (t->lost_fd < 0) { snprintf(why, whylen, "BPF lost-event counter not created: %s", strerror(errno)); goto fail; }
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_PERCPU_ARRAY;
  a.key_size = 4;
  a.value_size = 8;
  a.max_entries = COUNT_SLOTS;
  t->counts_fd = trace_sys_bpf(BPF_MAP_CREATE, &a);
  if (t->counts_fd < 0) { snprintf(why, whylen, "BPF transition counters not created: %s", strerror(errno)); goto fail; }
  t->cons = mmap(NULL, (size_t)t->page, PROT_READ | PROT_WRITE, MAP_SHARED, t->rb_fd, 0);
  if (t->cons == MAP_FAILED) { t->cons = NULL; snprintf(why, whylen, "BPF ring buffer not mapped: %s", strerror(errno)); goto fail; }
  t->prod_len = (size_t)t->page + 2 * (size_t)t->rb_bytes;
  t->prod = mmap(NULL, t->prod_len, PROT_READ, MAP_SHARED, t->rb_fd, t->page);
  if (t->prod == MAP_FAILED) { t->prod = NULL; snprintf(why, whylen, "BPF ring buffer not mapped: %s", strerror(errno)); goto fail; }
  t->epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN};
  if (t->epfd < 0 || epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->rb_fd, &ev) < 0) { snprintf(why, whylen, "epoll: %s", strerror(errno)); goto fail; }
  static struct prog_asm pa;
  for (int k = 0; k < NPROGS; k++) {
    snprintf(t->missing[k], sizeof t->missing[k], "not in this kernel's BTF");
    if (ids[k] < 0) continue;
    if (trace_assemble(&pa, k, &o, t->rb_fd, t->lost_fd, t->counts_fd, count_only != 0, netns, family) < 0) { snprintf(why, whylen, "BPF program too long"); goto fail; }
    char w2[256];
    t->links[k] = trace_load_attach(&pa, k, ids[k], &t->progs[k], w2, sizeof w2);
    if (t->links[k] < 0 && k == K_STATE) { snprintf(why, whylen, "%s", w2); goto fail; }
    snprintf(t->missing[k], sizeof t->missing[k], "%s", w2);
  }
  return t;
fail:
  trace_free(t);
  return NULL;
}

int trace_run(struct trace *t) {
  if (pthread_create(&t->th, NULL, trace_main, t) != 0) return -1;
  t->started = 1;
  return 0;
}

void trace_stop(struct trace *t) {
  if (!t->started) return;
  for (int k = 0; k < NPROGS; k++)
    if (t->links[k] >= 0) { close(t->links[k]); t->links[k] = -1; }
  atomic_store(&t->stop, 1);
  pthread_join(t->th, NULL);
  t->started = 0;
}

void trace_batch_done(struct trace *t, size_t len) { atomic_fetch_sub(&t->inflight, len + 1); }

uint64_t trace_count(const struct trace *t, uint32_t key) { return percpu_sum(t, t->counts_fd, key); }
