/* The fixed columns of `tcpstate ls` (Proto to State, or to Inode with -e) laid out in C, byte
   for byte as src/render/ls.ts lays them out (FixedRows.lines, countWidths, LsStream.fits) for
   rows without names. The JavaScript stays the reference: test/render/ls-native.test.ts
   compares the two on random tables. */
#include "ls_layout.h"

#include <string.h>

enum { PROTO, RECVQ, SENDQ, LOCAL, REMOTE, STATE, USER, INODE };

static int digits(uint32_t n) {
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  return n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
}

static const char PAIRS[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The `d` digits of n at b (d = digits(n)); the position after. */
static uint8_t *put_uint(uint8_t *b, uint32_t n, int d) {
  uint8_t *end = b + d, *q = end;
  while (n >= 100) {
    uint32_t r = n % 100;
    n /= 100;
    *--q = (uint8_t)PAIRS[2 * r + 1];
    *--q = (uint8_t)PAIRS[2 * r];
  }
  if (n >= 10) {
    *--q = (uint8_t)PAIRS[2 * n + 1];
    *--q = (uint8_t)PAIRS[2 * n];
  } else
    *--q = (uint8_t)('0' + n);
  return end;
}

static int octet_digits(uint8_t o) { return o >= 100 ? 3 : o >= 10 ? 2 : 1; }

/* `a.b.c.d:port` (port 0 as `*`): its length. */
static int ipv4_len(const uint8_t *a, uint16_t port) {
  return octet_digits(a[0]) + octet_digits(a[1]) + octet_digits(a[2]) + octet_digits(a[3]) + 4 + (port == 0 ? 1 : digits(port));
}

static uint8_t *put_ipv4(uint8_t *b, const uint8_t *a) {
  for (int i = 0; i < 4; i++) {
    b = put_uint(b, a[i], octet_digits(a[i]));
    if (i < 3) *b++ = '.';
  }
  return b;
}

static uint8_t *put_port(uint8_t *b, uint16_t port) {
  *b++ = ':';
  if (port == 0) {
    *b++ = '*';
    return b;
  }
  return put_uint(b, port, digits(port));
}

static int port_len(uint16_t port) { return port == 0 ? 2 : 1 + digits(port); }

static int is_mapped(const uint8_t *a) {
  for (int i = 0; i < 10; i++)
    if (a[i]) return 0;
  return a[10] == 0xff && a[11] == 0xff;
}

static int is_any6(const uint8_t *a) {
  for (int i = 0; i < 16; i++)
    if (a[i]) return 0;
  return 1;
}

static unsigned group(const uint8_t *a, int i) { return (unsigned)a[2 * i] << 8 | a[2 * i + 1]; }

/* The longest run of two or more zero groups (the first when runs tie): *start, *end; none: 8, 8. */
static void zero_run(const uint8_t *a, int *start, int *end) {
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (group(a, i)) {
      i++;
      continue;
    }
    int j = i;
    while (j < 8 && !group(a, j)) j++;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  *start = best < 0 ? 8 : best;
  *end = best < 0 ? 8 : best + best_len;
}

static int group_len(unsigned g) { return g >= 0x1000 ? 4 : g >= 0x100 ? 3 : g >= 0x10 ? 2 : 1; }

/* row-bytes.ts ipv6AddrLength. */
static int ipv6_len(const uint8_t *a) {
  int start, end;
  zero_run(a, &start, &end);
  int run = start < 8;
  int n = !run ? 7 : 2 + (start > 1 ? start - 1 : 0) + (8 - end - 1 > 0 ? 8 - end - 1 : 0);
  for (int i = 0; i < 8; i++)
    if (i < start || i >= end) n += group_len(group(a, i));
  return n;
}

static uint8_t *put_group(uint8_t *b, unsigned g) {
  static const char hex[] = "0123456789abcdef";
  if (g >= 0x1000) *b++ = (uint8_t)hex[g >> 12];
  if (g >= 0x100) *b++ = (uint8_t)hex[(g >> 8) & 15];
  if (g >= 0x10) *b++ = (uint8_t)hex[(g >> 4) & 15];
  *b++ = (uint8_t)hex[g & 15];
  return b;
}

/* row-bytes.ts putIpv6Addr. */
static uint8_t *put_ipv6(uint8_t *b, const uint8_t *a) {
  int start, end;
  zero_run(a, &start, &end);
  for (int i = 0; i < start; i++) {
    if (i > 0) *b++ = ':';
    b = put_group(b, group(a, i));
  }
  if (start == 8) return b;
  *b++ = ':';
  *b++ = ':';
  for (int i = end; i < 8; i++) {
    if (i > end) *b++ = ':';
    b = put_group(b, group(a, i));
  }
  return b;
}

/* ls.ts endpointLength (a row without names). */
static int endpoint_len(const struct text_rows *t, const struct ls_geometry *g, const uint8_t *addr, uint16_t port, long i) {
  const uint8_t *a = addr + i * 16;
  if (t->family[i] == g->af_inet) return ipv4_len(a, port);
  if (is_mapped(a)) return 9 + ipv4_len(a + 12, port);
  if ((t->flags[i] & g->f_dualstack) && is_any6(a)) return 1 + port_len(port);
  return 2 + ipv6_len(a) + port_len(port);
}

/* ls.ts putEndpoints (IPv4) and putEndpoint6. */
static void put_endpoint(uint8_t *b, const struct text_rows *t, const struct ls_geometry *g, const uint8_t *addr, uint16_t port, long i) {
  const uint8_t *a = addr + i * 16;
  if (t->family[i] == g->af_inet)
    b = put_ipv4(b, a);
  else if (is_mapped(a)) {
    memcpy(b, "[::ffff:", 8);
    b = put_ipv4(b + 8, a + 12);
    *b++ = ']';
  } else if ((t->flags[i] & g->f_dualstack) && is_any6(a))
    *b++ = '*';
  else {
    *b++ = '[';
    b = put_ipv6(b, a);
    *b++ = ']';
  }
  put_port(b, port);
}

static int udp_close(const struct text_rows *t, const struct ls_geometry *g, long i) { return t->state[i] == g->close && t->proto[i] == g->proto_udp; }

static int state_len(const struct ls_geometry *g, uint8_t s) { return g->states[s * LS_STATE_BYTES]; }

static int uid_len(const struct text_rows *t, const struct ls_geometry *g, long i) { return t->uid[i] == g->no_uid ? 1 : digits(t->uid[i]); }

static void widen(double *w, int k, double v) {
  if (v > w[k]) w[k] = v;
}

void ls_widths(const struct text_rows *t, const struct ls_geometry *g, long from, long to, double *w) {
  for (long i = from; i < to; i++) {
    if (t->family[i] != g->af_inet) w[PROTO] = 4;
    if (t->flags[i] & g->f_has_queues) {
      widen(w, RECVQ, digits(t->recvq[i]));
      widen(w, SENDQ, digits(t->sendq[i]));
    }
    widen(w, LOCAL, endpoint_len(t, g, t->laddr, t->lport[i], i));
    widen(w, REMOTE, endpoint_len(t, g, t->raddr, t->rport[i], i));
    if (!udp_close(t, g, i)) widen(w, STATE, state_len(g, t->state[i]));
    if (g->extended) {
      widen(w, USER, uid_len(t, g, i));
      widen(w, INODE, digits(t->inode[i]));
    }
  }
}

/* ls.ts LsStream.fits for a listing without cells after the fixed ones. */
static int fits(const struct text_rows *t, const struct ls_geometry *g, long i) {
  const long *w = g->w;
  if ((t->flags[i] & g->f_has_queues) && (digits(t->recvq[i]) > w[RECVQ] || digits(t->sendq[i]) > w[SENDQ])) return 0;
  if (endpoint_len(t, g, t->laddr, t->lport[i], i) > w[LOCAL] || endpoint_len(t, g, t->raddr, t->rport[i], i) > w[REMOTE]) return 0;
  if (g->extended && (state_len(g, t->state[i]) > w[STATE] || uid_len(t, g, i) > w[USER])) return 0;
  return 1;
}

long ls_first_wide(const struct text_rows *t, const struct ls_geometry *g, long from, long to) {
  for (long i = from; i < to; i++)
    if (!fits(t, g, i)) return i;
  return to;
}

static uint8_t *put_queue(uint8_t *end, const struct text_rows *t, const struct ls_geometry *g, uint32_t q, long i) {
  if (!(t->flags[i] & g->f_has_queues)) {
    end[-1] = '-';
    return end;
  }
  int d = digits(q);
  return put_uint(end - d, q, d);
}

long ls_lines(const struct text_rows *t, const struct ls_geometry *g, long from, long to, uint8_t *b, long p, long cap, long *rows) {
  const long *at = g->at;
  long i = from;
  for (; i < to; i++) {
    /* A row wider than its columns is laid out by JavaScript (its cells overlap as there). */
    if (!fits(t, g, i)) break;
    int udp = udp_close(t, g, i);
    long len = g->extended ? at[INODE] + digits(t->inode[i]) : !udp ? at[STATE] + state_len(g, t->state[i]) : at[REMOTE] + endpoint_len(t, g, t->raddr, t->rport[i], i);
    /* Every cell but the last ends before the last begins (the row fits), so within the line. */
    if (p + len + 1 > cap) break;
    uint8_t *r = b + p;
    memset(r, ' ', (size_t)len);
    int v4 = t->family[i] == g->af_inet, isudp = t->proto[i] == g->proto_udp;
    r[0] = isudp ? 'u' : 't';
    r[1] = isudp ? 'd' : 'c';
    r[2] = 'p';
    if (!v4) r[3] = '6';
    put_queue(r + at[RECVQ] + g->w[RECVQ], t, g, t->recvq[i], i);
    put_queue(r + at[SENDQ] + g->w[SENDQ], t, g, t->sendq[i], i);
    put_endpoint(r + at[LOCAL], t, g, t->laddr, t->lport[i], i);
    put_endpoint(r + at[REMOTE], t, g, t->raddr, t->rport[i], i);
    if (!udp) memcpy(r + at[STATE], g->states + t->state[i] * LS_STATE_BYTES + 1, (size_t)state_len(g, t->state[i]));
    if (g->extended) {
      if (t->uid[i] == g->no_uid)
        r[at[USER]] = '-';
      else
        put_uint(r + at[USER], t->uid[i], digits(t->uid[i]));
      put_uint(r + at[INODE], t->inode[i], digits(t->inode[i]));
    }
    r[len] = '\n';
    p += len + 1;
  }
  *rows = i - from;
  return p;
}
