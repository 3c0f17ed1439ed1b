/*
 * NETLINK_SOCK_DIAG dumps of one protocol, with the state mask and idiag_ext bits pushed down
 * to the kernel: for TCP over both families one walk (the old TCPDIAG_GETSOCK request), else
 * one dump per family; a large TCP table split by port over two threads (dump_split). The
 * replies are packed, whole messages only, into the caller's buffer and handed over through
 * its emit callback. With a namespace the sockets are made inside it and the thread returns
 * at once: a netlink socket stays bound to the namespace it was made in.
 */
#define _GNU_SOURCE
#include "sock_diag.h"
#include "netns.h"
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

/* Hand o->buf[0..fill) to the consumer. Returns 0, or -1 when the consumer failed. */
static int flush(struct diag_out *o) {
  if (o->fill == 0) return 0;
  size_t len = o->fill;
  o->fill = 0;
  return o->emit(o->ctx, len);
}

/* The request of one dump: family AF_UNSPEC (0) asks, for TCP, both families in one walk,
 * with an optional inet_diag bytecode filter (bc, up to 32 bytes; one-walk requests only). */
static int send_request(int fd, uint8_t family, uint8_t protocol, uint32_t states, uint8_t ext, uint32_t seq,
                        const uint8_t *bc, int bclen) {
  struct sockaddr_nl nladdr = {.nl_family = AF_NETLINK};
  if (family == AF_UNSPEC) {
    /* The old TCPDIAG_GETSOCK request (struct inet_diag_req) is served with sdiag_family
     * AF_UNSPEC: one walk of the kernel's socket hash for IPv4 and IPv6 together. Two
     * SOCK_DIAG_BY_FAMILY dumps (what ss does) walk the whole hash twice, since IPv4 and
     * IPv6 TCP sockets share it (net/ipv4/inet_diag.c, inet_diag_dump_compat). */
    struct {
      struct nlmsghdr nlh;
      struct inet_diag_req r;
      struct nlattr a;
      uint8_t bc[32];
    } req;
    memset(&req, 0, sizeof req);
    size_t len = sizeof(struct nlmsghdr) + sizeof(struct inet_diag_req);
    if (bclen > 0) {
      req.a.nla_type = INET_DIAG_REQ_BYTECODE;
      req.a.nla_len = (uint16_t)(sizeof(struct nlattr) + (size_t)bclen);
      memcpy(req.bc, bc, (size_t)bclen);
      len += sizeof(struct nlattr) + (size_t)bclen;
    }
    req.nlh.nlmsg_len = (uint32_t)len;
    req.nlh.nlmsg_type = TCPDIAG_GETSOCK;
    req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nlh.nlmsg_seq = seq;
    req.r.idiag_family = AF_INET; /* not read by the kernel for a dump */
    req.r.idiag_states = states;
    req.r.idiag_ext = ext;
    return sendto(fd, &req, len, 0, (struct sockaddr *)&nladdr, sizeof nladdr) < 0 ? errno : 0;
  }
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof req);
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = seq;
  req.r.sdiag_family = family;
  req.r.sdiag_protocol = protocol;
  req.r.idiag_states = states;
  req.r.idiag_ext = ext;
  return sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&nladdr, sizeof nladdr) < 0 ? errno : 0;
}

/* Walk the headers of n received bytes (JS decodes everything): do they end the dump? */
static int ends_dump(const uint8_t *p, size_t n) {
  size_t off = 0;
  while (off + sizeof(struct nlmsghdr) <= n) {
    const struct nlmsghdr *h = (const struct nlmsghdr *)(p + off);
    if (h->nlmsg_len < sizeof(struct nlmsghdr) || off + h->nlmsg_len > n) break;
    if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return 1;
    off += NLMSG_ALIGN(h->nlmsg_len);
  }
  return 0;
}

/* dump_one's answer when a one-walk request was refused before any socket came. */
#define REFUSED (-2)

/* One dump for (family, protocol). Returns 0, an errno (>0), REFUSED (family AF_UNSPEC
 * only, nothing handed over), or -1 with a JS exception. */
static int dump_one(int fd, uint8_t family, uint8_t protocol,
                    uint32_t states, uint8_t ext, uint32_t seq, struct diag_out *o) {
  int err = send_request(fd, family, protocol, states, ext, seq, NULL, 0);
  if (err) return err;
  int first = 1;
  for (;;) {
    if (o->fill + RECV_BYTES > o->cap && flush(o) < 0) return -1;
    ssize_t n = recv(fd, o->buf + o->fill, RECV_BYTES, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    struct nlmsghdr *h0 = (struct nlmsghdr *)(o->buf + o->fill);
    if (family == AF_UNSPEC && first && (size_t)n >= sizeof *h0 + sizeof(int) && h0->nlmsg_type == NLMSG_ERROR &&
        *(int *)NLMSG_DATA(h0) < 0)
      return REFUSED; /* a kernel without the old request: the caller asks per family */
    first = 0;
    int done = ends_dump(o->buf + o->fill, (size_t)n);
    o->fill += (size_t)n;
    while (o->fill & 3) o->buf[o->fill++] = 0; /* keep messages 4-aligned */
    if (done) return 0;
  }
}

/*
 * Two dumps at once, for a large TCP table on a machine with a spare core: the sockets are
 * split by port between two one-walk requests, each with an inet_diag bytecode filter, one
 * dumped on this thread and one on a helper thread. The kernel fills the messages of each on
 * its own CPU; only the walk of the hash (about a third of a dump's cost) is done twice.
 *
 * The split: e = the larger of a socket's two ports (on a server the client's ephemeral
 * port, on a client its own), A = e >= M, B = e < M, where M is the median e of a sample:
 * the first replies of a probe dump (a few hundred sockets from the first hash buckets, which
 * the hash spreads over ports), listeners left out. A table whose sample already ends the
 * dump is small, and is dumped once.
 */
#define PAR_BUF (256u << 10)

struct side {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int fd;
  uint8_t *buf[2];
  size_t len[2];
  int full[2];
  int done, err;
  uint32_t states, seq;
  uint8_t ext;
  uint8_t bc[32];
  int bclen;
};

static uint8_t *put_op(uint8_t *p, uint8_t code, uint8_t yes, uint16_t no) {
  struct inet_diag_bc_op op = {.code = code, .yes = yes, .no = no};
  memcpy(p, &op, sizeof op);
  return p + sizeof op;
}

/* A: sport >= m || dport >= m (JMP skips the second test when the first holds). */
static int bc_high(uint8_t *p, uint16_t m) {
  uint8_t *q = p;
  q = put_op(q, INET_DIAG_BC_S_GE, 8, 12);
  q = put_op(q, INET_DIAG_BC_NOP, 0, m);
  q = put_op(q, INET_DIAG_BC_JMP, 4, 12);
  q = put_op(q, INET_DIAG_BC_D_GE, 8, 12);
  q = put_op(q, INET_DIAG_BC_NOP, 0, m);
  return (int)(q - p);
}

/* B: sport <= m-1 && dport <= m-1. */
static int bc_low(uint8_t *p, uint16_t m) {
  uint8_t *q = p;
  q = put_op(q, INET_DIAG_BC_S_LE, 8, 20);
  q = put_op(q, INET_DIAG_BC_NOP, 0, (uint16_t)(m - 1));
  q = put_op(q, INET_DIAG_BC_D_LE, 8, 12);
  q = put_op(q, INET_DIAG_BC_NOP, 0, (uint16_t)(m - 1));
  return (int)(q - p);
}

static int cmp_u16(const void *a, const void *b) {
  return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The split port from a probe dump, or 0 when the table is small or cannot be split. */
static uint16_t probe_split(int fd, uint32_t states, uint32_t seq) {
  static __thread uint8_t rb[RECV_BYTES];
  uint32_t st = states & ~(1u << 10); /* no listeners: they come first and are few */
  if (!st) return 0;
  if (send_request(fd, AF_UNSPEC, IPPROTO_TCP, st, 0, seq, NULL, 0) != 0) return 0;
  /* The first reply is small (the kernel sizes it before the first recv), so read up to three. */
  static __thread uint16_t e[3 * RECV_BYTES / 88];
  size_t k = 0;
  for (int r = 0; r < 3 && k < 256; r++) {
    ssize_t n = recv(fd, rb, sizeof rb, 0);
    if (n <= 0) return 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)rb; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return 0; /* small: one dump */
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)) || k == sizeof e / sizeof e[0]) continue;
      struct inet_diag_msg *m = NLMSG_DATA(h);
      uint16_t sp = ntohs(m->id.idiag_sport), dp = ntohs(m->id.idiag_dport);
      e[k++] = sp > dp ? sp : dp;
    }
  }
  if (k < 64) return 0;
  qsort(e, k, sizeof e[0], cmp_u16);
  return e[k / 2];
}

/* The helper thread: dump side B into two buffers handed over in turn. */
static void *side_main(void *arg) {
  struct side *b = arg;
  int err = send_request(b->fd, AF_UNSPEC, IPPROTO_TCP, b->states, b->ext, b->seq, b->bc, b->bclen);
  int slot = 0, done = err != 0;
  while (!done) {
    pthread_mutex_lock(&b->mu);
    while (b->full[slot]) pthread_cond_wait(&b->cv, &b->mu);
    pthread_mutex_unlock(&b->mu);
    size_t fill = 0;
    while (!done && fill + RECV_BYTES <= PAR_BUF) {
      ssize_t n = recv(b->fd, b->buf[slot] + fill, RECV_BYTES, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) { err = n < 0 ? errno : EIO; done = 1; break; }
      done = ends_dump(b->buf[slot] + fill, (size_t)n);
      fill += (size_t)n;
      while (fill & 3) b->buf[slot][fill++] = 0;
    }
    pthread_mutex_lock(&b->mu);
    b->len[slot] = fill;
    b->full[slot] = 1;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    slot ^= 1;
  }
  pthread_mutex_lock(&b->mu);
  b->err = err;
  b->done = 1;
  pthread_cond_broadcast(&b->cv);
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* Hand side B's full buffers to JS: all that are ready, or (wait) until B has finished. */
static int drain_side(struct side *b, struct diag_out *o, int *slot, int wait) {
  for (;;) {
    pthread_mutex_lock(&b->mu);
    while (wait && !b->full[*slot] && !b->done) pthread_cond_wait(&b->cv, &b->mu);
    int ready = b->full[*slot];
    size_t len = b->len[*slot];
    pthread_mutex_unlock(&b->mu);
    if (!ready) return 0;
    if (len > 0) {
      if (flush(o) < 0) return -1;
      memcpy(o->buf, b->buf[*slot], len);
      o->fill = len;
      if (flush(o) < 0) return -1;
    }
    pthread_mutex_lock(&b->mu);
    b->full[*slot] = 0;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    *slot ^= 1;
  }
}

/*
 * The split dump. Returns 0 when done, REFUSED when it did not run (small table, no split,
 * no thread): the caller dumps once. Else an errno or -1 (JS exception).
 */
static int dump_split(int fd, int fd_probe, int fd_b, uint32_t states, uint8_t ext,
                      uint32_t seq, struct diag_out *o) {
  uint16_t m = probe_split(fd_probe, states, seq);
  if (m < 2) return REFUSED;
  struct side b;
  memset(&b, 0, sizeof b);
  b.fd = fd_b;
  b.states = states;
  b.ext = ext;
  b.seq = seq;
  b.bclen = bc_low(b.bc, m);
  b.buf[0] = malloc(PAR_BUF);
  b.buf[1] = malloc(PAR_BUF);
  if (!b.buf[0] || !b.buf[1]) { free(b.buf[0]); free(b.buf[1]); return REFUSED; }
  pthread_mutex_init(&b.mu, NULL);
  pthread_cond_init(&b.cv, NULL);
  pthread_t th;
  if (pthread_create(&th, NULL, side_main, &b) != 0) {
    free(b.buf[0]); free(b.buf[1]);
    return REFUSED;
  }
  uint8_t bc[32];
  int bclen = bc_high(bc, m);
  int rc = send_request(fd, AF_UNSPEC, IPPROTO_TCP, states, ext, seq, bc, bclen);
  int slot = 0;
  while (rc == 0) {
    if (o->fill + RECV_BYTES > o->cap && flush(o) < 0) { rc = -1; break; }
    ssize_t n = recv(fd, o->buf + o->fill, RECV_BYTES, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { rc = n < 0 ? errno : EIO; break; }
    int done = ends_dump(o->buf + o->fill, (size_t)n);
    o->fill += (size_t)n;
    while (o->fill & 3) o->buf[o->fill++] = 0;
    if (done) break;
    if (drain_side(&b, o, &slot, 0) < 0) { rc = -1; break; }
  }
  if (rc == 0 && flush(o) < 0) rc = -1;
  if (rc == 0 && drain_side(&b, o, &slot, 1) < 0) rc = -1;
  if (rc != 0) {
    /* Stop the helper: closing its socket ends its recv; then release it from any wait. */
    shutdown(fd_b, SHUT_RDWR);
    pthread_mutex_lock(&b.mu);
    b.full[0] = b.full[1] = 0;
    pthread_cond_broadcast(&b.cv);
    pthread_mutex_unlock(&b.mu);
    for (;;) {
      pthread_mutex_lock(&b.mu);
      int d = b.done;
      b.full[0] = b.full[1] = 0;
      pthread_cond_broadcast(&b.cv);
      if (!d) pthread_cond_wait(&b.cv, &b.mu);
      pthread_mutex_unlock(&b.mu);
      if (d) break;
    }
  }
  pthread_join(th, NULL);
  if (rc == 0 && b.err) rc = b.err;
  pthread_mutex_destroy(&b.mu);
  pthread_cond_destroy(&b.cv);
  free(b.buf[0]);
  free(b.buf[1]);
  return rc;
}

/* Dump r into o: sockets made (in r->netns when given), then the split, one-walk or
 * per-family dumps. */
int sock_diag_dump(const struct diag_req *r, struct diag_out *o, const char **what) {
  int orig = -1;
  if (r->netns) {
    int e = ns_enter(r->netns, &orig, what);
    if (e) return e;
  }
  int split = r->parallel && r->nfam == 2 && r->protocol == IPPROTO_TCP && !r->per_family;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  int sock_err = fd < 0 ? errno : 0;
  /* The split dump's sockets are made here too: a netlink socket dumps the namespace it was made in. */
  int fd_probe = split ? socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG) : -1;
  int fd_b = split ? socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG) : -1;
  if (fd_probe < 0 || fd_b < 0) split = 0;
  if (r->netns) {
    int e = ns_leave(orig);
    if (e) {
      if (fd >= 0) close(fd);
      if (fd_probe >= 0) close(fd_probe);
      if (fd_b >= 0) close(fd_b);
      *what = NS_BACK_FAILED;
      return e;
    }
  }
  if (fd < 0) {
    if (fd_probe >= 0) close(fd_probe);
    if (fd_b >= 0) close(fd_b);
    *what = "socket(AF_NETLINK, NETLINK_SOCK_DIAG)";
    return sock_err;
  }

  int rc = 0;
  uint32_t first = 0;
  if (split) {
    rc = dump_split(fd, fd_probe, fd_b, r->states, r->ext, 0x54530000u | (IPPROTO_TCP << 8), o);
    if (rc != REFUSED) first = r->nfam;
    else rc = 0;
  }
  if (fd_probe >= 0) close(fd_probe);
  if (fd_b >= 0) close(fd_b);
  if (first == 0 && r->nfam == 2 && r->protocol == IPPROTO_TCP && !r->per_family) {
    rc = dump_one(fd, AF_UNSPEC, r->protocol, r->states, r->ext, 0x54530000u | (IPPROTO_TCP << 8), o);
    if (rc == REFUSED) rc = 0;
    else first = r->nfam;
  }
  for (uint32_t i = first; i < r->nfam && rc == 0; i++)
    rc = dump_one(fd, r->families[i], r->protocol, r->states, r->ext,
                  /* "TS", protocol, family: replies echo it, so a recording knows its protocol */
                  0x54530000u | ((uint32_t)r->protocol << 8) | r->families[i], o);
  if (rc == 0 && flush(o) < 0) rc = -1;
  close(fd);
  if (rc > 0) *what = "sock_diag dump";
  return rc;
}
