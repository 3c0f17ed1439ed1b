/*
 * tcpstate's optional native addon: the parts Node cannot do itself.
 *
 *   dump(req, buf, onChunk)  NETLINK_SOCK_DIAG dumps of one protocol (for TCP over both
 *                       families one walk, the old TCPDIAG_GETSOCK request; else one dump
 *                       per family), with the state mask and idiag_ext bits pushed down to
 *                       the kernel. The
 *                       replies are packed, whole messages only, into buf (a Buffer the caller
 *                       owns and reuses, at least 128 KiB); whenever it is nearly full, and at
 *                       the end, onChunk(length) is called synchronously: buf[0..length) holds
 *                       whole netlink messages, overwritten after the call. Nothing is
 *                       decoded here.
 *   netnsEnter(path)    setns() into the network namespace at path; returns an fd of the
 *                       namespace left, for netnsLeave.
 *   netnsLeave(fd)      setns() back and close fd.
 *   scanStart(pids, procRoot, threads)  process attribution: starts `threads` pthreads that
 *                       list /proc/PID/fd of each pid (an Int32Array, copied) under procRoot
 *                       and readlink every entry, while JS goes on; returns a handle (an
 *                       external; its finalizer cancels and joins the threads if scanFinish is
 *                       never called). Big directories are shared out in chunks (see below).
 *   scanFinish(handle)  the calling thread joins the work until none is left, joins the
 *                       threads and returns { triples: Uint32Array of (inode, pid, fd) for
 *                       socket links, hidden (EACCES/EPERM), scanned }; once per handle.
 *                       Node's own readlinkSync costs about 2.5x more per fd than this loop.
 *   bpfOwners()         (inode, pid, fd) of every socket fd, from one BPF task_file iterator
 *                       (bpf_owners.c).
 *   bpfTcpStatesStart(netns?), bpfTcpStatesFinish(handle)  (kernel state, family) byte pairs
 *                       of every TCP socket, from a BPF tcp iterator read on a thread of its
 *                       own (bpf_tcp_states.c; see below).
 *
 * req: { protocol: 6|17, families: number[] (AF_INET 2, AF_INET6 10), states: u32,
 *        ext: u8, netns?: string (path of a namespace file), perFamily?: 1 (no one-walk dump),
 *        parallel?: 1 (TCP over both families: two dumps split by port, one on a helper
 *        thread, when the table is large; see dump_split) }.
 * With req.netns the socket is created inside that namespace and the thread returns at once:
 * a netlink socket stays bound to the namespace it was created in.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <node_api.h>
#include "bpf_owners.h"
#include "bpf_tcp_states.h"
#include "bpf_trace.h"

/* One recv brings at most 32 KiB (the kernel caps a dump skb there); 64 KiB is ample. */
#define RECV_BYTES (64u << 10)

#define CHECK(env, call)                                                        \
  do {                                                                          \
    if ((call) != napi_ok) {                                                    \
      napi_throw_error((env), "ERR_NATIVE", "tcpstate addon: N-API call failed"); \
      return NULL;                                                              \
    }                                                                           \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value m, code, e;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  char cname[32];
  snprintf(cname, sizeof cname, "%s", err == EPERM ? "EPERM" : err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : err == EINVAL ? "EINVAL" : "EIO");
  napi_create_string_utf8(env, cname, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, m, &e);
  napi_value errno_v;
  napi_create_int32(env, err, &errno_v);
  napi_set_named_property(env, e, "errno", errno_v);
  napi_throw(env, e);
  return NULL;
}

static int get_u32_prop(napi_env env, napi_value obj, const char *name, uint32_t *out) {
  napi_value v;
  bool has = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return -1;
  return napi_get_value_uint32(env, v, out) == napi_ok ? 1 : -1;
}

/* Path string of a property or argument into buf; 1 if present, 0 if absent/undefined. */
static int get_path(napi_env env, napi_value v, char *buf, size_t cap) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t == napi_undefined || t == napi_null) return 0;
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, buf, cap, &n) != napi_ok) return -1;
  return n > 0 && n < cap - 1 ? 1 : -1;
}

/* setns() into the network namespace file at path; *orig gets an fd of the one left (for
 * ns_leave). 0, or an errno with *what naming the step that failed. */
static int ns_enter(const char *path, int *orig, const char **what) {
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
static int ns_leave(int orig) {
  int r = setns(orig, CLONE_NEWNET);
  int e = errno;
  close(orig);
  return r < 0 ? e : 0;
}

#define NS_BACK_FAILED "setns back to the original network namespace"

struct out {
  uint8_t *buf;
  size_t cap;
  size_t fill;
};

/* Hand buf[0..fill) to JS. Returns 0, or -1 with a JS exception pending. */
static int flush(napi_env env, napi_value cb, struct out *o) {
  if (o->fill == 0) return 0;
  napi_value global, arg, ret;
  napi_get_global(env, &global);
  napi_create_uint32(env, (uint32_t)o->fill, &arg);
  o->fill = 0;
  if (napi_call_function(env, global, cb, 1, &arg, &ret) != napi_ok) return -1;
  return 0;
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
static int dump_one(napi_env env, napi_value cb, int fd, uint8_t family, uint8_t protocol,
                    uint32_t states, uint8_t ext, uint32_t seq, struct out *o) {
  int err = send_request(fd, family, protocol, states, ext, seq, NULL, 0);
  if (err) return err;
  int first = 1;
  for (;;) {
    if (o->fill + RECV_BYTES > o->cap && flush(env, cb, o) < 0) return -1;
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
static int drain_side(napi_env env, napi_value cb, struct side *b, struct out *o, int *slot, int wait) {
  for (;;) {
    pthread_mutex_lock(&b->mu);
    while (wait && !b->full[*slot] && !b->done) pthread_cond_wait(&b->cv, &b->mu);
    int ready = b->full[*slot];
    size_t len = b->len[*slot];
    pthread_mutex_unlock(&b->mu);
    if (!ready) return 0;
    if (len > 0) {
      if (flush(env, cb, o) < 0) return -1;
      memcpy(o->buf, b->buf[*slot], len);
      o->fill = len;
      if (flush(env, cb, o) < 0) return -1;
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
static int dump_split(napi_env env, napi_value cb, int fd, int fd_probe, int fd_b, uint32_t states, uint8_t ext,
                      uint32_t seq, struct out *o) {
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
    if (o->fill + RECV_BYTES > o->cap && flush(env, cb, o) < 0) { rc = -1; break; }
    ssize_t n = recv(fd, o->buf + o->fill, RECV_BYTES, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { rc = n < 0 ? errno : EIO; break; }
    int done = ends_dump(o->buf + o->fill, (size_t)n);
    o->fill += (size_t)n;
    while (o->fill & 3) o->buf[o->fill++] = 0;
    if (done) break;
    if (drain_side(env, cb, &b, o, &slot, 0) < 0) { rc = -1; break; }
  }
  if (rc == 0 && flush(env, cb, o) < 0) rc = -1;
  if (rc == 0 && drain_side(env, cb, &b, o, &slot, 1) < 0) rc = -1;
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

static napi_value Dump(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct out o = {0};
  bool isbuf = false;
  if (argc < 3 || napi_is_buffer(env, argv[1], &isbuf) != napi_ok || !isbuf ||
      napi_get_buffer_info(env, argv[1], (void **)&o.buf, &o.cap) != napi_ok || o.cap < 2 * RECV_BYTES) {
    napi_throw_type_error(env, NULL, "dump(req, buffer of at least 128 KiB, onChunk)");
    return NULL;
  }
  o.cap &= ~(size_t)3;
  napi_value req = argv[0], cb = argv[2];
  uint32_t protocol = IPPROTO_TCP, states = 0xffffffffu, ext = 0;
  if (get_u32_prop(env, req, "protocol", &protocol) < 0 || get_u32_prop(env, req, "states", &states) < 0 ||
      get_u32_prop(env, req, "ext", &ext) < 0) {
    napi_throw_type_error(env, NULL, "dump: protocol, states and ext must be numbers");
    return NULL;
  }
  uint8_t families[2];
  uint32_t nfam = 0;
  napi_value fams;
  bool has = false;
  napi_has_named_property(env, req, "families", &has);
  if (has) {
    CHECK(env, napi_get_named_property(env, req, "families", &fams));
    uint32_t len = 0;
    CHECK(env, napi_get_array_length(env, fams, &len));
    for (uint32_t i = 0; i < len && nfam < 2; i++) {
      napi_value v;
      uint32_t f;
      CHECK(env, napi_get_element(env, fams, i, &v));
      CHECK(env, napi_get_value_uint32(env, v, &f));
      if (f != AF_INET && f != AF_INET6) {
        napi_throw_range_error(env, NULL, "dump: families must be AF_INET (2) or AF_INET6 (10)");
        return NULL;
      }
      families[nfam++] = (uint8_t)f;
    }
  } else {
    families[0] = AF_INET;
    families[1] = AF_INET6;
    nfam = 2;
  }
  /* perFamily: one dump per family even for TCP (tests compare both ways). */
  uint32_t one_per_family = 0, parallel = 0;
  if (get_u32_prop(env, req, "perFamily", &one_per_family) < 0) one_per_family = 0;
  if (get_u32_prop(env, req, "parallel", &parallel) < 0) parallel = 0;
  char nspath[4096];
  int want_ns = 0;
  napi_has_named_property(env, req, "netns", &has);
  if (has) {
    napi_value v;
    CHECK(env, napi_get_named_property(env, req, "netns", &v));
    want_ns = get_path(env, v, nspath, sizeof nspath);
    if (want_ns < 0) {
      napi_throw_type_error(env, NULL, "dump: netns must be a path");
      return NULL;
    }
  }
  int orig = -1;
  if (want_ns) {
    const char *what;
    int e = ns_enter(nspath, &orig, &what);
    if (e) return throw_errno(env, what, e);
  }
  int split = parallel && nfam == 2 && protocol == IPPROTO_TCP && !one_per_family;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  int sock_err = fd < 0 ? errno : 0;
  /* The split dump's sockets are made here too: a netlink socket dumps the namespace it was made in. */
  int fd_probe = split ? socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG) : -1;
  int fd_b = split ? socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG) : -1;
  if (fd_probe < 0 || fd_b < 0) split = 0;
  if (want_ns) {
    int e = ns_leave(orig);
    if (e) {
      if (fd >= 0) close(fd);
      if (fd_probe >= 0) close(fd_probe);
      if (fd_b >= 0) close(fd_b);
      return throw_errno(env, NS_BACK_FAILED, e);
    }
  }
  if (fd < 0) {
    if (fd_probe >= 0) close(fd_probe);
    if (fd_b >= 0) close(fd_b);
    return throw_errno(env, "socket(AF_NETLINK, NETLINK_SOCK_DIAG)", sock_err);
  }

  int rc = 0;
  uint32_t first = 0;
  if (split) {
    rc = dump_split(env, cb, fd, fd_probe, fd_b, states, (uint8_t)ext, 0x54530000u | (IPPROTO_TCP << 8), &o);
    if (rc != REFUSED) first = nfam;
    else rc = 0;
  }
  if (fd_probe >= 0) close(fd_probe);
  if (fd_b >= 0) close(fd_b);
  if (first == 0 && nfam == 2 && protocol == IPPROTO_TCP && !one_per_family) {
    rc = dump_one(env, cb, fd, AF_UNSPEC, (uint8_t)protocol, states, (uint8_t)ext, 0x54530000u | (IPPROTO_TCP << 8), &o);
    if (rc == REFUSED) rc = 0;
    else first = nfam;
  }
  for (uint32_t i = first; i < nfam && rc == 0; i++)
    rc = dump_one(env, cb, fd, families[i], (uint8_t)protocol, states, (uint8_t)ext,
                  /* "TS", protocol, family: replies echo it, so a recording knows its protocol */
                  0x54530000u | ((protocol & 0xff) << 8) | families[i], &o);
  if (rc == 0 && flush(env, cb, &o) < 0) rc = -1;
  close(fd);
  if (rc > 0) return throw_errno(env, "sock_diag dump", rc);
  return NULL; /* rc == -1: the JS exception from onChunk propagates */
}

static napi_value NetnsEnter(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[4096];
  if (argc < 1 || get_path(env, argv[0], path, sizeof path) != 1) {
    napi_throw_type_error(env, NULL, "netnsEnter(path)");
    return NULL;
  }
  int orig;
  const char *what;
  int e = ns_enter(path, &orig, &what);
  if (e) return throw_errno(env, what, e);
  napi_value out;
  CHECK(env, napi_create_int32(env, orig, &out));
  return out;
}

static napi_value NetnsLeave(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "netnsLeave(fd)");
    return NULL;
  }
  int e = ns_leave(fd);
  if (e) return throw_errno(env, NS_BACK_FAILED, e);
  return NULL;
}

static int32_t *typed_i32(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type t;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, &data, &ab, &off) != napi_ok || t != napi_int32_array) return NULL;
  return (int32_t *)data;
}

/* ---- Process attribution: socket inode → (pid, fd) from /proc/PID/fd, on several threads ----
 *
 * Work comes in two kinds. A pid: open its fd directory and list it (getdents). A job: a
 * listed directory of at least BIG_DIR entries, published so that every thread readlinks
 * CHUNK entries of it at a time; one process holding most sockets (a load balancer) is
 * then spread over every thread instead of leaving the others idle at the end. Threads take
 * job chunks first, then claim the next pid; when neither is left a thread waits (condition
 * variable) while another is still listing a directory, which may become a job, and quits
 * when nobody is. Each thread appends (inode, pid, fd) to its own array; scanFinish merges.
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
  struct part *parts;          /* nparts: one per thread asked for, the last for scanFinish's caller */
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

/* The work loop of every thread, the caller of scanFinish included. Claims are made under
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
 * parts' triples (scanFinish hands those over; scan_free frees what is left). */
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

static void scan_free(napi_env env, void *data, void *hint) {
  struct scan *s = data;
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

static const napi_type_tag SCAN_TAG = {0x7463707374617465ull, 0x7363616e66647321ull}; /* "tcpstate" "scanfds!" */

static napi_value ScanStart(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t npids = 0;
  int32_t *pids = argc >= 3 ? typed_i32(env, argv[0], &npids) : NULL;
  char root[4096];
  uint32_t threads = 0;
  if (!pids || get_path(env, argv[1], root, sizeof root) != 1 || napi_get_value_uint32(env, argv[2], &threads) != napi_ok) {
    napi_throw_type_error(env, NULL, "scanStart(pids: Int32Array, procRoot: string, threads: number)");
    return NULL;
  }
  if (threads > 64) threads = 64;
  int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return throw_errno(env, root, errno);
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
    if (s) scan_free(env, s, NULL); /* closes root_fd */
    else close(root_fd);
    return throw_errno(env, "scanStart", ENOMEM);
  }
  if (npids) memcpy(s->pids, pids, npids * sizeof *pids);
  napi_value ext;
  if (napi_create_external(env, s, scan_free, NULL, &ext) != napi_ok) {
    scan_free(env, s, NULL);
    return throw_errno(env, "scanStart", ENOMEM);
  }
  napi_type_tag_object(env, ext, &SCAN_TAG);
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
  return ext;
}

static void free_buffer(napi_env env, void *data, void *hint) { free(data); }

static napi_value ScanFinish(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool tagged = false;
  struct scan *s = NULL;
  if (argc < 1 || napi_check_object_type_tag(env, argv[0], &SCAN_TAG, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || !s) {
    napi_throw_type_error(env, NULL, "scanFinish(handle from scanStart)");
    return NULL;
  }
  if (s->state != 0) {
    napi_throw_error(env, "ERR_SCAN_FINISHED", "scanFinish: this scan was already finished");
    return NULL;
  }
  struct part *mine = &s->parts[s->nparts - 1];
  work(mine);
  scan_join(s, 0);
  s->state = 1;
  size_t total = 0, most = 0;
  uint32_t hidden = 0, scanned = 0;
  int err = 0;
  for (unsigned i = 0; i < s->nparts; i++) {
    struct part *p = &s->parts[i];
    total += p->t.n;
    if (p->t.n > s->parts[most].t.n) most = i;
    hidden += p->hidden;
    scanned += p->scanned;
    if (p->err) err = p->err;
  }
  if (err) return throw_errno(env, "scanFinish", err);
  /* The largest part grows in place (realloc of a big block remaps, no copy) to hold the
   * others, and is handed to JS as is: no fresh zeroed buffer to touch and copy into. */
  napi_value ab = NULL;
  if (total == 0) {
    void *data;
    CHECK(env, napi_create_arraybuffer(env, 0, &data, &ab));
  } else {
    uint32_t *v = realloc(s->parts[most].t.v, total * sizeof *v);
    if (!v) return throw_errno(env, "scanFinish", ENOMEM);
    size_t off = s->parts[most].t.n;
    s->parts[most].t.v = NULL;
    for (unsigned i = 0; i < s->nparts; i++) {
      struct part *p = &s->parts[i];
      if (i == most || !p->t.n) continue;
      memcpy(v + off, p->t.v, p->t.n * sizeof *v);
      off += p->t.n;
    }
    if (napi_create_external_arraybuffer(env, v, total * sizeof *v, free_buffer, NULL, &ab) != napi_ok) {
      /* A runtime without external buffers: copy. */
      napi_value pending;
      bool is = false;
      if (napi_is_exception_pending(env, &is) == napi_ok && is) napi_get_and_clear_last_exception(env, &pending);
      void *data;
      if (napi_create_arraybuffer(env, total * sizeof *v, &data, &ab) != napi_ok) {
        free(v);
        return throw_errno(env, "scanFinish", ENOMEM);
      }
      memcpy(data, v, total * sizeof *v);
      free(v);
    }
  }
  for (unsigned i = 0; i < s->nparts; i++) { /* the rest is not needed until the finalizer */
    free(s->parts[i].t.v);
    s->parts[i].t = (struct triples){0};
  }
  napi_value arr, out, x;
  CHECK(env, napi_create_typedarray(env, napi_uint32_array, total, ab, 0, &arr));
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, napi_set_named_property(env, out, "triples", arr));
  CHECK(env, napi_create_uint32(env, hidden, &x));
  CHECK(env, napi_set_named_property(env, out, "hidden", x));
  CHECK(env, napi_create_uint32(env, scanned, &x));
  CHECK(env, napi_set_named_property(env, out, "scanned", x));
  return out;
}

static void free_triples(napi_env env, void *data, void *hint) {
  free(data);
}

/* bpfOwners() → Uint32Array of (inode, pid, fd) for every socket fd (native/bpf_owners.c);
 * throws an error with code ERR_BPF_UNAVAILABLE and the reason when the iterator cannot run. */
static napi_value BpfOwners(napi_env env, napi_callback_info info) {
  uint32_t *t;
  size_t n;
  char why[200];
  if (bpf_socket_owners(&t, &n, why, sizeof why) < 0) {
    napi_throw_error(env, "ERR_BPF_UNAVAILABLE", why);
    return NULL;
  }
  napi_value ab, arr;
  if (n == 0) {
    free(t);
    void *data;
    CHECK(env, napi_create_arraybuffer(env, 0, &data, &ab));
  } else if (napi_create_external_arraybuffer(env, t, n * sizeof *t, free_triples, NULL, &ab) != napi_ok) {
    free(t);
    napi_throw_error(env, "ERR_BPF_UNAVAILABLE", "cannot hand the triples to JS");
    return NULL;
  }
  CHECK(env, napi_create_typedarray(env, napi_uint32_array, n, ab, 0, &arr));
  return arr;
}

/* ---- TCP states from the BPF tcp iterator, on a thread of its own ----
 *
 * bpfTcpStatesStart(netns?, withPorts?) starts a thread that enters the namespace at path netns (setns
 * moves only that thread), finds the layout in the kernel's BTF, loads the iterator program
 * and reads every (kernel state, family) byte pair (with withPorts, six bytes: and the local
 * and remote ports, u16 in host order) into memory, while JS goes on (the CLI
 * starts it before its code loads); bpfTcpStatesFinish(handle) waits for it and returns the
 * bytes as a Uint8Array, or throws: code ERR_BPF_UNAVAILABLE with the reason when the
 * iterator cannot run here (no BTF, not root), an errno error otherwise. */
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
    if (j->cap - j->len < RECV_BYTES) {
      size_t cap = j->cap ? 2 * j->cap : 4 * RECV_BYTES;
      uint8_t *d = realloc(j->data, cap);
      if (!d) { j->err = ENOMEM; j->what = "the BPF tcp iterator's bytes"; break; }
      j->data = d;
      j->cap = cap;
    }
    ssize_t r = read(ifd, j->data + j->len, RECV_BYTES);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { j->err = errno; j->what = "reading the BPF tcp iterator"; break; }
    if (r == 0) break;
    j->len += (size_t)r;
  }
  close(ifd);
  return NULL;
}

static void free_states_job(napi_env env, void *data, void *hint) {
  struct states_job *j = data;
  if (!j->joined) pthread_join(j->th, NULL);
  free(j->data);
  free(j);
}

static napi_value BpfTcpStatesStart(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct states_job *j = calloc(1, sizeof *j);
  if (!j) return throw_errno(env, "bpfTcpStatesStart", ENOMEM);
  j->want_ns = argc >= 1 ? get_path(env, argv[0], j->nspath, sizeof j->nspath) : 0;
  bool ports = false;
  if (argc >= 2 && napi_get_value_bool(env, argv[1], &ports) != napi_ok) ports = false;
  j->with_ports = ports;
  if (j->want_ns < 0) {
    free(j);
    napi_throw_type_error(env, NULL, "bpfTcpStatesStart(netns?): netns must be a path");
    return NULL;
  }
  int e = pthread_create(&j->th, NULL, states_main, j);
  if (e) {
    free(j);
    return throw_errno(env, "pthread_create", e);
  }
  napi_value ext;
  if (napi_create_external(env, j, free_states_job, NULL, &ext) != napi_ok) {
    pthread_join(j->th, NULL);
    free(j->data);
    free(j);
    napi_throw_error(env, "ERR_NATIVE", "tcpstate addon: N-API call failed");
    return NULL;
  }
  return ext;
}

static void free_bytes(napi_env env, void *data, void *hint) {
  free(data);
}

static napi_value BpfTcpStatesFinish(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct states_job *j = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&j) != napi_ok || !j) {
    napi_throw_type_error(env, NULL, "bpfTcpStatesFinish(handle from bpfTcpStatesStart)");
    return NULL;
  }
  if (j->joined) {
    napi_throw_error(env, "ERR_SCAN_FINISHED", "bpfTcpStatesFinish: this walk was already taken");
    return NULL;
  }
  pthread_join(j->th, NULL);
  j->joined = 1;
  if (j->unavailable) {
    napi_throw_error(env, "ERR_BPF_UNAVAILABLE", j->why);
    return NULL;
  }
  if (j->err) return throw_errno(env, j->what, j->err);
  napi_value ab, arr;
  if (j->len == 0) {
    void *d;
    CHECK(env, napi_create_arraybuffer(env, 0, &d, &ab));
  } else {
    if (napi_create_external_arraybuffer(env, j->data, j->len, free_bytes, NULL, &ab) != napi_ok) {
      napi_throw_error(env, "ERR_NATIVE", "tcpstate addon: N-API call failed");
      return NULL;
    }
    j->data = NULL; /* the ArrayBuffer owns it now */
  }
  CHECK(env, napi_create_typedarray(env, napi_uint8_array, j->len, ab, 0, &arr));
  return arr;
}

/* Give the pages of freed blocks in every malloc arena back to the system (malloc_trim(0)
   releases free pages inside arenas too, not only at their tops). */
static napi_value MallocTrim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(env, napi_get_boolean(env, malloc_trim(0) == 1, &r));
  return r;
}

NAPI_MODULE_INIT() {
  /* Every walk and dump grows its buffers on a thread of its own, and glibc raises the mmap
     threshold to the largest block freed (up to 32 MB), after which such buffers come from
     per-thread arenas that keep their peak: a long-running sampler's RSS crept up in steps
     (bench/RESULTS-soak.md). A fixed threshold keeps blocks of 256 KiB and more in mmap,
     returned to the system when freed. Process-wide, set once; harmless for a CLI run. */
  static int malloc_tuned;
  if (!malloc_tuned) { malloc_tuned = 1; mallopt(M_MMAP_THRESHOLD, 256 * 1024); }
  napi_property_descriptor props[] = {
      {"dump", NULL, Dump, NULL, NULL, NULL, napi_default, NULL},
      {"netnsEnter", NULL, NetnsEnter, NULL, NULL, NULL, napi_default, NULL},
      {"netnsLeave", NULL, NetnsLeave, NULL, NULL, NULL, napi_default, NULL},
      {"scanStart", NULL, ScanStart, NULL, NULL, NULL, napi_default, NULL},
      {"scanFinish", NULL, ScanFinish, NULL, NULL, NULL, napi_default, NULL},
      {"bpfOwners", NULL, BpfOwners, NULL, NULL, NULL, napi_default, NULL},
      {"bpfTcpStatesStart", NULL, BpfTcpStatesStart, NULL, NULL, NULL, napi_default, NULL},
      {"bpfTcpStatesFinish", NULL, BpfTcpStatesFinish, NULL, NULL, NULL, napi_default, NULL},
      {"traceStart", NULL, TraceStart, NULL, NULL, NULL, napi_default, NULL},
      {"traceStop", NULL, TraceStop, NULL, NULL, NULL, napi_default, NULL},
      {"traceCounts", NULL, TraceCounts, NULL, NULL, NULL, napi_default, NULL},
      {"mallocTrim", NULL, MallocTrim, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
