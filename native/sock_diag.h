#ifndef TCPSTATE_SOCK_DIAG_H
#define TCPSTATE_SOCK_DIAG_H
/* NETLINK_SOCK_DIAG dumps into a caller's buffer (sock_diag.c); nothing is decoded here. */
#include <stddef.h>
#include <stdint.h>

/* One recv brings at most 32 KiB (the kernel caps a dump skb there); 64 KiB is ample. */
#define RECV_BYTES (64u << 10)

/* Where replies go: whole netlink messages packed into buf (cap a multiple of 4, at least
 * 2 * RECV_BYTES); emit(ctx, len) is called whenever it is nearly full and at the end, with
 * buf[0..len) to take before it is overwritten. emit returns 0, or -1 to stop the dump. */
struct diag_out {
  uint8_t *buf;
  size_t cap;
  size_t fill;
  int (*emit)(void *ctx, size_t len);
  void *ctx;
};

/* What to dump: protocol (6|17), families (AF_INET, AF_INET6; nfam of them), the kernel
 * state mask and idiag_ext bits pushed down, netns (a namespace file's path, or NULL: this
 * thread's), per_family (no one-walk TCP dump), parallel (a large TCP table split by port
 * over two threads). */
struct diag_req {
  uint8_t protocol;
  uint8_t families[2];
  uint32_t nfam;
  uint32_t states;
  uint8_t ext;
  const char *netns;
  int per_family, parallel;
};

/* Dump r into o. Returns 0; an errno (> 0) with *what naming the step that failed; or -1
 * when o->emit stopped it. */
int sock_diag_dump(const struct diag_req *r, struct diag_out *o, const char **what);
#endif
