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
 *
 * This file is the Node-API glue alone: arguments checked, work handed to sock_diag.c,
 * netns.c, fd_scan.c, bpf_owners.c and bpf_tcp_walk.c (and bpf_trace.c for trace), results
 * and errors made into JS values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <node_api.h>
#include "bpf_owners.h"
#include "bpf_tcp_walk.h"
#include "bpf_trace.h"
#include "fd_scan.h"
#include "netns.h"
#include "sock_diag.h"
#include "ls_layout.h"
#include "text_count.h"

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
/* onChunk and its env, for emit_chunk. */
struct chunk_ctx {
  napi_env env;
  napi_value cb;
};

/* Hand buf[0..len) to JS: onChunk(len). -1 with a JS exception pending. */
static int emit_chunk(void *ctx, size_t len) {
  struct chunk_ctx *c = ctx;
  napi_value global, arg, ret;
  napi_get_global(c->env, &global);
  napi_create_uint32(c->env, (uint32_t)len, &arg);
  if (napi_call_function(c->env, global, c->cb, 1, &arg, &ret) != napi_ok) return -1;
  return 0;
}

static napi_value Dump(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct diag_out o = {0};
  bool isbuf = false;
  if (argc < 3 || napi_is_buffer(env, argv[1], &isbuf) != napi_ok || !isbuf ||
      napi_get_buffer_info(env, argv[1], (void **)&o.buf, &o.cap) != napi_ok || o.cap < 2 * RECV_BYTES) {
    napi_throw_type_error(env, NULL, "dump(req, buffer of at least 128 KiB, onChunk)");
    return NULL;
  }
  o.cap &= ~(size_t)3;
  napi_value req = argv[0];
  struct chunk_ctx ctx = {env, argv[2]};
  o.emit = emit_chunk;
  o.ctx = &ctx;
  uint32_t protocol = IPPROTO_TCP, states = 0xffffffffu, ext = 0;
  if (get_u32_prop(env, req, "protocol", &protocol) < 0 || get_u32_prop(env, req, "states", &states) < 0 ||
      get_u32_prop(env, req, "ext", &ext) < 0) {
    napi_throw_type_error(env, NULL, "dump: protocol, states and ext must be numbers");
    return NULL;
  }
  struct diag_req r = {.protocol = (uint8_t)protocol, .states = states, .ext = (uint8_t)ext};
  napi_value fams;
  bool has = false;
  napi_has_named_property(env, req, "families", &has);
  if (has) {
    CHECK(env, napi_get_named_property(env, req, "families", &fams));
    uint32_t len = 0;
    CHECK(env, napi_get_array_length(env, fams, &len));
    for (uint32_t i = 0; i < len && r.nfam < 2; i++) {
      napi_value v;
      uint32_t f;
      CHECK(env, napi_get_element(env, fams, i, &v));
      CHECK(env, napi_get_value_uint32(env, v, &f));
      if (f != AF_INET && f != AF_INET6) {
        napi_throw_range_error(env, NULL, "dump: families must be AF_INET (2) or AF_INET6 (10)");
        return NULL;
      }
      r.families[r.nfam++] = (uint8_t)f;
    }
  } else {
    r.families[0] = AF_INET;
    r.families[1] = AF_INET6;
    r.nfam = 2;
  }
  /* perFamily: one dump per family even for TCP (tests compare both ways). */
  uint32_t one_per_family = 0, parallel = 0;
  if (get_u32_prop(env, req, "perFamily", &one_per_family) < 0) one_per_family = 0;
  if (get_u32_prop(env, req, "parallel", &parallel) < 0) parallel = 0;
  r.per_family = one_per_family != 0;
  r.parallel = parallel != 0;
  char nspath[4096];
  napi_has_named_property(env, req, "netns", &has);
  if (has) {
    napi_value v;
    CHECK(env, napi_get_named_property(env, req, "netns", &v));
    int want_ns = get_path(env, v, nspath, sizeof nspath);
    if (want_ns < 0) {
      napi_throw_type_error(env, NULL, "dump: netns must be a path");
      return NULL;
    }
    if (want_ns) r.netns = nspath;
  }
  const char *what = NULL;
  int rc = sock_diag_dump(&r, &o, &what);
  if (rc > 0) return throw_errno(env, what, rc);
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

/* A malloc'd block handed to JS as an ArrayBuffer is freed with it. */
static void free_block(napi_env env, void *data, void *hint) { free(data); }

/* A Uint32Array (or Uint8Array: bytes) over n elements of the malloc'd v, which it owns from
 * now on (freed here when it cannot be made: then NULL with an error thrown). */
static napi_value owned_array(napi_env env, void *v, size_t n, napi_typedarray_type type, size_t size) {
  napi_value ab, arr;
  if (n == 0) {
    free(v);
    void *data;
    CHECK(env, napi_create_arraybuffer(env, 0, &data, &ab));
  } else if (napi_create_external_arraybuffer(env, v, n * size, free_block, NULL, &ab) != napi_ok) {
    /* A runtime without external buffers: copy. */
    napi_value pending;
    bool is = false;
    if (napi_is_exception_pending(env, &is) == napi_ok && is) napi_get_and_clear_last_exception(env, &pending);
    void *data;
    if (napi_create_arraybuffer(env, n * size, &data, &ab) != napi_ok) {
      free(v);
      return throw_errno(env, "handing the result to JS", ENOMEM);
    }
    memcpy(data, v, n * size);
    free(v);
  }
  CHECK(env, napi_create_typedarray(env, type, n, ab, 0, &arr));
  return arr;
}

static void scan_finalize(napi_env env, void *data, void *hint) { fd_scan_free(data); }

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
  int err = 0;
  const char *what = NULL;
  struct scan *s = fd_scan_start(pids, npids, root, threads, &err, &what);
  if (!s) return throw_errno(env, what, err);
  napi_value ext;
  if (napi_create_external(env, s, scan_finalize, NULL, &ext) != napi_ok) {
    fd_scan_free(s);
    return throw_errno(env, "scanStart", ENOMEM);
  }
  napi_type_tag_object(env, ext, &SCAN_TAG);
  return ext;
}

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
  if (fd_scan_finished(s)) {
    napi_throw_error(env, "ERR_SCAN_FINISHED", "scanFinish: this scan was already finished");
    return NULL;
  }
  uint32_t *v = NULL, hidden = 0, scanned = 0;
  size_t total = 0;
  int err = fd_scan_finish(s, &v, &total, &hidden, &scanned);
  if (err) return throw_errno(env, "scanFinish", err);
  napi_value arr = owned_array(env, v, total, napi_uint32_array, sizeof *v), out, x;
  if (!arr) return NULL;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, napi_set_named_property(env, out, "triples", arr));
  CHECK(env, napi_create_uint32(env, hidden, &x));
  CHECK(env, napi_set_named_property(env, out, "hidden", x));
  CHECK(env, napi_create_uint32(env, scanned, &x));
  CHECK(env, napi_set_named_property(env, out, "scanned", x));
  return out;
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
  return owned_array(env, t, n, napi_uint32_array, sizeof *t);
}

/* bpfTcpStatesStart(netns?, withPorts?) starts the walk of bpf_tcp_walk.c and returns a
 * handle; bpfTcpStatesFinish(handle) waits for it and returns the bytes as a Uint8Array, or
 * throws: code ERR_BPF_UNAVAILABLE with the reason when the iterator cannot run here (no BTF,
 * not root), an errno error otherwise. */
static void free_states_job(napi_env env, void *data, void *hint) {
  struct states_job *j = data;
  tcp_walk_join(j);
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
  int e = tcp_walk_start(j);
  if (e) {
    free(j);
    return throw_errno(env, "pthread_create", e);
  }
  napi_value ext;
  if (napi_create_external(env, j, free_states_job, NULL, &ext) != napi_ok) {
    tcp_walk_join(j);
    free(j->data);
    free(j);
    napi_throw_error(env, "ERR_NATIVE", "tcpstate addon: N-API call failed");
    return NULL;
  }
  return ext;
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
  tcp_walk_join(j);
  if (j->unavailable) {
    napi_throw_error(env, "ERR_BPF_UNAVAILABLE", j->why);
    return NULL;
  }
  if (j->err) return throw_errno(env, j->what, j->err);
  uint8_t *d = j->data;
  j->data = NULL; /* the ArrayBuffer owns it now */
  return owned_array(env, d, j->len, napi_uint8_array, 1);
}

/* textCount(kind, buf, pos, end, counts, words, out): a reader's piece counted in C
   (src/sources/text/native-count.ts): kind 0 `netstat -n` (text_count_netstat4), 1 `ss -tan`,
   2 `ss -tan` once `[v6]:port` was seen (text_count_ss), 3 `/proc/net/tcp` (text_count_proc),
   4 `netstat -np` (text_count_netstat4 with a program column); returns the lines counted, out[0]
   where it stopped, out[1] or-ed with the families seen (1 IPv4, 2 IPv6); for /proc, out[2..5]
   added to: IPv4 and IPv6 lines, their bytes. */
static napi_value TextCount(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) {
    napi_throw_type_error(env, "ERR_NATIVE", "textCount: seven arguments");
    return NULL;
  }
  napi_typedarray_type type;
  size_t len, nc, nw, no;
  void *b, *c, *w, *o;
  int32_t kind;
  int64_t pos, end;
  CHECK(env, napi_get_value_int32(env, argv[0], &kind));
  if (kind < 0 || kind > 4) goto bad;
  CHECK(env, napi_get_typedarray_info(env, argv[1], &type, &len, &b, NULL, NULL));
  if (type != napi_uint8_array) goto bad;
  CHECK(env, napi_get_value_int64(env, argv[2], &pos));
  CHECK(env, napi_get_value_int64(env, argv[3], &end));
  CHECK(env, napi_get_typedarray_info(env, argv[4], &type, &nc, &c, NULL, NULL));
  if (type != napi_float64_array || nc < 16) goto bad;
  CHECK(env, napi_get_typedarray_info(env, argv[5], &type, &nw, &w, NULL, NULL));
  if (type != napi_uint8_array) goto bad;
  CHECK(env, napi_get_typedarray_info(env, argv[6], &type, &no, &o, NULL, NULL));
  if (type != napi_float64_array || no < 2) goto bad;
  /* Every scan stops at a line end: the run must end in one (LF, or a CR whose LF is in the next piece). */
  if (pos < 0 || end > (int64_t)len || pos > end || (end > pos && ((uint8_t *)b)[end - 1] != '\n' && ((uint8_t *)b)[end - 1] != '\r')) goto bad;
  long lines = 0;
  int families = (int)((double *)o)[1];
  long at;
  if (kind == 3) {
    /* /proc/net/tcp: `words` is 256 state codes by kernel state number, then PROC_LINE_MAX (u32, little-endian). */
    if (nw < 260 || no < 6) goto bad;
    const uint8_t *m = w;
    long line_max = (long)((uint32_t)m[256] | (uint32_t)m[257] << 8 | (uint32_t)m[258] << 16 | (uint32_t)m[259] << 24);
    at = text_count_proc(b, (long)pos, (long)end, c, m, line_max, &lines, &families, (double *)o + 2);
  } else if (kind == 0 || kind == 4)
    at = text_count_netstat4(b, (long)pos, (long)end, c, (int)nc, w, nw, kind == 4, &lines, &families);
  else
    at = text_count_ss(b, (long)pos, (long)end, c, (int)nc, w, nw, kind == 2, &lines, &families);
  ((double *)o)[0] = (double)at;
  ((double *)o)[1] = families;
  napi_value r;
  CHECK(env, napi_create_int32(env, (int32_t)lines, &r)); /* a piece's lines: small integers, as V8 keeps them */
  return r;
bad:
  napi_throw_type_error(env, "ERR_NATIVE", "textCount: bad arguments");
  return NULL;
}

/* One column of textRows' `cols`: a typed array of `want` type with at least `min` elements. */
static void *column(napi_env env, napi_value cols, uint32_t k, napi_typedarray_type want, size_t min) {
  napi_value v;
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (napi_get_element(env, cols, k, &v) != napi_ok || napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok) return NULL;
  return type == want && len >= min ? data : NULL;
}

/* A SocketTable's columns (textRows' `cols`, below) with room for `rows` rows into *t; 0 when they are not. */
static int table_columns(napi_env env, napi_value cols, size_t rows, struct text_rows *t) {
  void *u8[7];
  for (uint32_t k = 0; k < 7; k++)
    if (!(u8[k] = column(env, cols, k, napi_uint8_array, k == 4 || k == 5 ? rows * 16 : rows))) return 0;
  t->proto = u8[0], t->family = u8[1], t->state = u8[2], t->flags = u8[3], t->laddr = u8[4], t->raddr = u8[5], t->timer = u8[6];
  if (!(t->lport = column(env, cols, 7, napi_uint16_array, rows)) || !(t->rport = column(env, cols, 8, napi_uint16_array, rows))) return 0;
  uint32_t *u32[7];
  for (uint32_t k = 0; k < 7; k++)
    if (!(u32[k] = column(env, cols, 9 + k, napi_uint32_array, rows))) return 0;
  t->recvq = u32[0], t->sendq = u32[1], t->timer_ms = u32[2], t->retrans = u32[3], t->probes = u32[4], t->uid = u32[5], t->inode = u32[6];
  double *k = column(env, cols, 16, napi_float64_array, 5);
  if (!k) return 0;
  t->proto_tcp = (uint32_t)k[0], t->f_has_queues = (uint32_t)k[1], t->no_uid = (uint32_t)k[2], t->no_time = (uint32_t)k[3], t->f_dualstack = (uint32_t)k[4];
  return 1;
}

/* textRows(buf, pos, end, words, cols, at, room, out[, kind]): rows of a piece into a
   SocketTable's columns from row `at` (at most `room`): kind 0 (the default) `netstat -n`
   (text_rows_netstat), 1 `ss -tan`, 2 `ss -tan` once `[v6]:port` was seen (text_rows_ss). cols: proto, family,
   state, flags, laddr, raddr, timer (Uint8Array), lport, rport (Uint16Array), recvQ, sendQ,
   timerMs, retrans, probes, uid, inode (Uint32Array), then a Float64Array of PROTO_TCP,
   F_HAS_QUEUES, NO_UID, NO_TIME, F_DUALSTACK. Returns the rows added, out[0] where it stopped. */
static napi_value TextRows(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type type;
  size_t len, nw, no;
  void *b, *w, *o;
  int64_t pos, end, at, room;
  if (argc < 8 || napi_get_typedarray_info(env, argv[0], &type, &len, &b, NULL, NULL) != napi_ok || type != napi_uint8_array) goto bad;
  if (napi_get_value_int64(env, argv[1], &pos) != napi_ok || napi_get_value_int64(env, argv[2], &end) != napi_ok) goto bad;
  if (napi_get_typedarray_info(env, argv[3], &type, &nw, &w, NULL, NULL) != napi_ok || type != napi_uint8_array) goto bad;
  if (napi_get_value_int64(env, argv[5], &at) != napi_ok || napi_get_value_int64(env, argv[6], &room) != napi_ok || at < 0 || room < 0) goto bad;
  if (napi_get_typedarray_info(env, argv[7], &type, &no, &o, NULL, NULL) != napi_ok || type != napi_float64_array || no < 1) goto bad;
  if (pos < 0 || end > (int64_t)len || pos > end || (end > pos && ((uint8_t *)b)[end - 1] != '\n' && ((uint8_t *)b)[end - 1] != '\r')) goto bad;
  struct text_rows t;
  if (!table_columns(env, argv[4], (size_t)(at + room), &t)) goto bad;
  int32_t kind = 0;
  if (argc > 8 && (napi_get_value_int32(env, argv[8], &kind) != napi_ok || kind < 0 || kind > 2)) goto bad;
  long lines = 0;
  ((double *)o)[0] = (double)(kind == 0 ? text_rows_netstat(b, (long)pos, (long)end, w, nw, &t, (long)at, (long)room, &lines)
                                        : text_rows_ss(b, (long)pos, (long)end, w, nw, kind == 2, &t, (long)at, (long)room, &lines));
  napi_value r;
  CHECK(env, napi_create_int32(env, (int32_t)lines, &r)); /* a piece's lines: small integers, as V8 keeps them */
  return r;
bad:
  napi_throw_type_error(env, "ERR_NATIVE", "textRows: bad arguments");
  return NULL;
}

/* The arguments every ls* function begins with: (cols, geometry, states, from, to). cols as
   textRows'; geometry a Float64Array of AF_INET, PROTO_UDP, CLOSE, F_HAS_QUEUES, F_DUALSTACK,
   NO_UID, extended (0 or 1), then at[8] and w[8]; states 256 * LS_STATE_BYTES bytes. */
static int ls_args(napi_env env, napi_value *argv, struct text_rows *t, struct ls_geometry *g, long *from, long *to) {
  napi_typedarray_type type;
  size_t n;
  void *d;
  int64_t f, e;
  if (napi_get_value_int64(env, argv[3], &f) != napi_ok || napi_get_value_int64(env, argv[4], &e) != napi_ok || f < 0 || e < f) return 0;
  if (!table_columns(env, argv[0], (size_t)e, t)) return 0;
  if (napi_get_typedarray_info(env, argv[1], &type, &n, &d, NULL, NULL) != napi_ok || type != napi_float64_array || n < 23) return 0;
  const double *k = d;
  g->af_inet = (uint32_t)k[0], g->proto_udp = (uint32_t)k[1], g->close = (uint32_t)k[2], g->f_has_queues = (uint32_t)k[3];
  g->f_dualstack = (uint32_t)k[4], g->no_uid = (uint32_t)k[5], g->extended = k[6] != 0;
  for (int j = 0; j < 8; j++) {
    g->at[j] = (long)k[7 + j], g->w[j] = (long)k[15 + j];
    if (g->w[j] < 0 || g->w[j] > 1 << 20) return 0;
  }
  /* Columns one after the other, each wide enough for what is always written in it, so that
     every cell of a row that fits lies within its line (ls_lines writes nothing else). */
  for (int j = 0; j < 8; j++)
    if (g->at[j] != (j == 0 ? 0 : g->at[j - 1] + g->w[j - 1] + 1)) return 0;
  if (g->w[0] < 4 || g->w[1] < 1 || g->w[2] < 1 || g->w[6] < 1) return 0;
  if (napi_get_typedarray_info(env, argv[2], &type, &n, &d, NULL, NULL) != napi_ok || type != napi_uint8_array || n < 256 * LS_STATE_BYTES) return 0;
  g->states = d;
  for (int s = 0; s < 256; s++)
    if (g->states[s * LS_STATE_BYTES] >= LS_STATE_BYTES) return 0;
  *from = (long)f, *to = (long)e;
  return 1;
}

/* lsWidths(cols, geometry, states, from, to, w): w (a Float64Array of 8) widened to the rows (ls_widths). */
static napi_value LsWidths(napi_env env, napi_callback_info info) {
  size_t argc = 6, n;
  napi_value argv[6];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct text_rows t;
  struct ls_geometry g;
  long from, to;
  napi_typedarray_type type;
  void *w;
  if (argc < 6 || !ls_args(env, argv, &t, &g, &from, &to) || napi_get_typedarray_info(env, argv[5], &type, &n, &w, NULL, NULL) != napi_ok ||
      type != napi_float64_array || n < 8) {
    napi_throw_type_error(env, "ERR_NATIVE", "lsWidths: bad arguments");
    return NULL;
  }
  ls_widths(&t, &g, from, to, w);
  return NULL;
}

/* lsFirstWide(cols, geometry, states, from, to): the first row wider than its columns, or `to` (ls_first_wide). */
static napi_value LsFirstWide(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct text_rows t;
  struct ls_geometry g;
  long from, to;
  if (argc < 5 || !ls_args(env, argv, &t, &g, &from, &to)) {
    napi_throw_type_error(env, "ERR_NATIVE", "lsFirstWide: bad arguments");
    return NULL;
  }
  napi_value r;
  CHECK(env, napi_create_int64(env, ls_first_wide(&t, &g, from, to), &r));
  return r;
}

/* lsLines(cols, geometry, states, from, to, buf, pos, out): rows as lines at buf[pos] (ls_lines);
   returns the rows written, out[0] the position after them. */
static napi_value LsLines(napi_env env, napi_callback_info info) {
  size_t argc = 8, n, no;
  napi_value argv[8];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct text_rows t;
  struct ls_geometry g;
  long from, to, rows = 0;
  napi_typedarray_type type;
  void *b, *o;
  int64_t pos;
  if (argc < 8 || !ls_args(env, argv, &t, &g, &from, &to) || napi_get_typedarray_info(env, argv[5], &type, &n, &b, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || napi_get_value_int64(env, argv[6], &pos) != napi_ok || pos < 0 || pos > (int64_t)n ||
      napi_get_typedarray_info(env, argv[7], &type, &no, &o, NULL, NULL) != napi_ok || type != napi_float64_array || no < 1) {
    napi_throw_type_error(env, "ERR_NATIVE", "lsLines: bad arguments");
    return NULL;
  }
  ((double *)o)[0] = (double)ls_lines(&t, &g, from, to, b, (long)pos, (long)n, &rows);
  napi_value r;
  CHECK(env, napi_create_int32(env, (int32_t)rows, &r));
  return r;
}

static void free_range(napi_env env, void *data, void *hint) {
  struct text_count_range *r = data;
  text_count_range_cancel(r);
  free(r);
}

static const napi_type_tag RANGE_TAG = {0x7463707374617465ull, 0x6e6574737461742eull}; /* "tcpstate" "netstat." */

/* textCountStart(kind, fd, from, words): the lines of fd from `from` counted on a thread
   (text_count_range; kind as textCount's); a handle for textCountFinish. */
static napi_value TextCountStart(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t kind, fd;
  int64_t from;
  napi_typedarray_type type;
  size_t nw;
  void *w;
  if (argc < 4 || napi_get_value_int32(env, argv[0], &kind) != napi_ok || napi_get_value_int32(env, argv[1], &fd) != napi_ok ||
      napi_get_value_int64(env, argv[2], &from) != napi_ok || napi_get_typedarray_info(env, argv[3], &type, &nw, &w, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || kind < 0 || kind > 2 || fd < 0 || from < 0 || nw > sizeof ((struct text_count_range *)0)->words) {
    napi_throw_type_error(env, "ERR_NATIVE", "textCountStart(kind, fd, from, words)");
    return NULL;
  }
  struct text_count_range *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, "textCountStart", ENOMEM);
  r->kind = kind;
  r->fd = fd;
  r->from = (long)from;
  memcpy(r->words, w, nw);
  r->nwords = nw;
  int e = text_count_range_start(r);
  if (e) {
    free(r);
    return throw_errno(env, "textCountStart", e);
  }
  napi_value ext;
  if (napi_create_external(env, r, free_range, NULL, &ext) != napi_ok) {
    text_count_range_cancel(r);
    free(r);
    napi_throw_error(env, "ERR_NATIVE", "tcpstate addon: N-API call failed");
    return NULL;
  }
  napi_type_tag_object(env, ext, &RANGE_TAG);
  return ext;
}

/* textCountFinish(handle): wait for the thread; a Float64Array of stop, lines, families,
   read error (1 or 0), then 16 counts. Again: the same. */
static napi_value TextCountFinish(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool tagged = false;
  struct text_count_range *r = NULL;
  if (argc < 1 || napi_check_object_type_tag(env, argv[0], &RANGE_TAG, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, argv[0], (void **)&r) != napi_ok || !r) {
    napi_throw_type_error(env, "ERR_NATIVE", "textCountFinish(handle from textCountStart)");
    return NULL;
  }
  text_count_range_join(r);
  napi_value ab, arr;
  void *data;
  CHECK(env, napi_create_arraybuffer(env, 20 * sizeof(double), &data, &ab));
  double *d = data;
  d[0] = (double)r->stop;
  d[1] = (double)r->lines;
  d[2] = r->families;
  d[3] = r->err;
  memcpy(d + 4, r->counts, sizeof r->counts);
  CHECK(env, napi_create_typedarray(env, napi_float64_array, 20, ab, 0, &arr));
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
      {"textCount", NULL, TextCount, NULL, NULL, NULL, napi_default, NULL},
      {"textRows", NULL, TextRows, NULL, NULL, NULL, napi_default, NULL},
      {"textCountStart", NULL, TextCountStart, NULL, NULL, NULL, napi_default, NULL},
      {"textCountFinish", NULL, TextCountFinish, NULL, NULL, NULL, napi_default, NULL},
      {"lsWidths", NULL, LsWidths, NULL, NULL, NULL, napi_default, NULL},
      {"lsFirstWide", NULL, LsFirstWide, NULL, NULL, NULL, napi_default, NULL},
      {"lsLines", NULL, LsLines, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
