#ifndef TCPSTATE_BPF_TRACE_RING_H
#define TCPSTATE_BPF_TRACE_RING_H
/* A running trace (bpf_trace_ring.c): the programs of bpf_trace_prog.c attached, their ring
 * buffer read on a thread of its own, records handed over in batches. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf_trace_prog.h"

/* Records read from the ring and the lost count at that time; the consumer frees data and
 * the batch, and calls trace_batch_done. */
struct batch {
  uint8_t *data;
  size_t len;
  uint64_t lost;
};

struct trace {
  int rb_fd, lost_fd, counts_fd, links[NPROGS], progs[NPROGS], epfd;
  int ncpus;
  void *cons, *prod; /* the ring buffer's consumer page and producer page + data */
  size_t prod_len;
  uint32_t rb_bytes;
  long page;
  pthread_t th;
  int started;
  atomic_int stop;
  atomic_size_t inflight; /* bytes handed over and not yet taken */
  uint64_t lost_reported;
  /* Takes a batch (from the ring's thread): 0, or -1 when it cannot (the batch stays the
   * caller's). */
  int (*hand)(void *ctx, struct batch *b);
  void *ctx;
  /* Why each hook is not attached ("not in this kernel's BTF", the verifier's words). */
  char missing[NPROGS][256];
};

/* The maps, the ring buffer and the programs, attached (ring_bytes 0: the default; netns,
 * family and count_only as trace_assemble takes them). NULL with a reason in why: the
 * state-change tracepoint could not be attached, or anything else failed; the timewait hooks
 * are optional (t->links[k] < 0, t->missing[k] says why). */
struct trace *trace_open(uint32_t ring_bytes, uint32_t netns, uint16_t family, int count_only, char *why, size_t whylen);

/* Start the thread that hands batches to t->hand (set hand and ctx first): 0 or -1. */
int trace_run(struct trace *t);

/* Detach the programs, hand over what the ring holds, stop the thread. Again is a no-op. */
void trace_stop(struct trace *t);

/* The consumer has taken a batch of len bytes. */
void trace_batch_done(struct trace *t, size_t len);

/* Changes counted for state pair key (old * 16 + new), summed over CPUs. */
uint64_t trace_count(const struct trace *t, uint32_t key);

/* trace_stop, then close and unmap everything, free t. */
void trace_free(struct trace *t);
#endif
