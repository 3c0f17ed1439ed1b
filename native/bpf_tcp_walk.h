#ifndef TCPSTATE_BPF_TCP_WALK_H
#define TCPSTATE_BPF_TCP_WALK_H
/* The BPF tcp iterator read on a thread of its own (bpf_tcp_walk.c). */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct states_job {
  pthread_t th;
  int joined;
  char nspath[4096];
  int want_ns;
  int with_ports; /* six bytes per socket with its ports, not two */
  uint8_t *data;
  size_t len, cap;
  int err; /* errno of what failed, with what */
  const char *what;
  int unavailable; /* the iterator cannot run: why says so */
  char why[200];
};

/* Start reading the iterator on a thread (j zeroed but for nspath, want_ns, with_ports):
 * 0, or the errno of pthread_create. */
int tcp_walk_start(struct states_job *j);

/* Wait for the thread (once; j->joined). Then j->unavailable (j->why says why), j->err (with
 * j->what), or j->data[0..len) holds the bytes. */
void tcp_walk_join(struct states_job *j);
#endif
