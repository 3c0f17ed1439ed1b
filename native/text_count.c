/* Counting the socket lines of a `netstat -n` capture (net-tools) in C: the inner loop of
   `tcpstate count FILE` (src/sources/text/netstat.ts, netstatCount). It takes a line exactly when
   netstatCount would (same bytes, same bounds) and stops at the first other line,
   which the JavaScript reads as before; so it changes speed, never an answer or a message.
   State words come from the caller: each one JavaScript's own lookup maps to a state. */
#define _GNU_SOURCE
#include "text_count.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first byte at or after q that is not a space, eight bytes at a time while they lie
   before `end` (columns are padded with runs of spaces). */
static inline long skip_spaces(const uint8_t *b, long q, long end) {
  while (q + 8 <= end) {
    uint64_t w;
    memcpy(&w, b + q, 8);
    w ^= 0x2020202020202020ULL;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    if (w) return q + (__builtin_clzll(w) >> 3);
#else
    if (w) return q + (__builtin_ctzll(w) >> 3);
#endif
    q += 8;
  }
  while (b[q] == ' ') q++;
  return q;
}

/* After p: 1 to 10 digits below 2^32, then a space. Where the space is, or -1. (fast.ts queueAt) */
static long queue_at(const uint8_t *b, long q) {
  long d = q;
  uint64_t v = 0;
  while (b[q] >= '0' && b[q] <= '9') {
    if (q - d >= 10) return -1;
    v = v * 10 + (uint64_t)(b[q] - '0');
    q++;
  }
  return q == d || v > 0xffffffffULL || b[q] != ' ' ? -1 : q;
}

/* 1 to `max` digits at *q, their value in *v; 0 when not that. */
static int digits(const uint8_t *b, long *q, int max, unsigned *v) {
  long d = *q;
  unsigned x = 0;
  while (b[*q] >= '0' && b[*q] <= '9') {
    if (*q - d >= max) return 0;
    x = x * 10 + (unsigned)(b[*q] - '0');
    (*q)++;
  }
  *v = x;
  return *q > d;
}

/* A dotted-quad `addr:port` (port 1 to 5 digits up to 65535, or `*`) ending at a space, LF or
   CR: where it ends, or -1. (fast.ts v4TokenAt) */
static long v4_token_at(const uint8_t *b, long q) {
  unsigned v;
  for (int part = 0; part < 4; part++) {
    if (!digits(b, &q, 3, &v) || v > 255) return -1;
    if (part < 3) {
      if (b[q] != '.') return -1;
      q++;
    }
  }
  if (b[q] != ':') return -1;
  q++;
  if (b[q] == '*') q++;
  else if (!digits(b, &q, 5, &v) || v > 65535) return -1;
  return b[q] == ' ' || b[q] == '\n' || b[q] == '\r' ? q : -1;
}

/* A port: `*` (0), or 1 to 5 digits up to 65535, its value; -1 for anything else (fast.ts portAt). */
static long port_at(const uint8_t *b, long s, long e) {
  if (e - s == 1 && b[s] == '*') return 0;
  unsigned v;
  long q = s;
  return e - s <= 5 && digits(b, &q, 5, &v) && q == e && v <= 65535 ? (long)v : -1;
}

/* Dotted-quad IPv4 filling b[s, e), its 4 bytes into out when given (fast.ts v4At). */
static int v4_at(const uint8_t *b, long s, long e, uint8_t *out) {
  int part = 0, n = 0;
  unsigned v = 0;
  for (long k = s; k < e; k++) {
    uint8_t c = b[k];
    if (c >= '0' && c <= '9') {
      v = v * 10 + (unsigned)(c - '0');
      if (++n > 3 || v > 255) return 0;
    } else if (c == '.' && n > 0 && part < 3) {
      if (out) out[part] = (uint8_t)v;
      part++;
      v = 0;
      n = 0;
    } else return 0;
  }
  if (part != 3 || n == 0) return 0;
  if (out) out[3] = (uint8_t)v;
  return 1;
}

/* A hex digit's value, or -1. */
static int hex(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 32;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* IPv6 text filling b[s, e): hex groups, one `::`, a dotted-quad tail; its 16 bytes into out
   when given (fast.ts v6At). */
static int v6_at(const uint8_t *b, long s, long e, uint8_t *out) {
  long n = e - s;
  if (n < 2 || n > 45) return 0;
  int count = 0, gap = -1;
  unsigned g[8];
  long k = s;
  if (b[s] == ':') {
    if (b[s + 1] != ':') return 0;
    gap = 0;
    k = s + 2;
  }
  while (k < e) {
    long start = k;
    unsigned v = 0;
    int h;
    while (k < e && (h = hex(b[k])) >= 0) {
      v = v * 16 + (unsigned)h;
      if (++k - start > 4) return 0;
    }
    if (k < e && b[k] == '.') {
      uint8_t tail[4];
      if (count > 6 || !v4_at(b, start, e, tail)) return 0;
      g[count++] = (unsigned)tail[0] << 8 | tail[1];
      g[count++] = (unsigned)tail[2] << 8 | tail[3];
      break;
    }
    if (k == start || count == 8) return 0;
    g[count++] = v;
    if (k == e) break;
    if (b[k] != ':') return 0;
    if (++k == e) return 0;
    if (b[k] == ':') {
      if (gap >= 0) return 0;
      gap = count;
      k++;
    }
  }
  if (gap < 0 ? count != 8 : count > 7) return 0;
  if (out) {
    int zeros = gap < 0 ? 0 : 8 - count;
    for (int i = 0, j = 0; i < 8; i++) {
      unsigned v = gap >= 0 && i >= gap && i < gap + zeros ? 0 : g[j++];
      out[2 * i] = (uint8_t)(v >> 8);
      out[2 * i + 1] = (uint8_t)v;
    }
  }
  return 1;
}

/* An endpoint read at byte level (fast.ts ByteEndpoint). */
struct endpoint {
  uint8_t bytes[16];
  long port;
};

/* An endpoint b[s, e): IPv4, bare IPv6 (`bare6`, netstat) or `[v6]` (`bracket6`, ss), a colon
   and a port: 4 or 6, 0 when not that (fast.ts colonEndpointAt); address and port into ep
   when given. */
static int endpoint_at(const uint8_t *b, long s, long e, int bare6, int bracket6, struct endpoint *ep) {
  long c = e - 1;
  long stop = s > e - 7 ? s : e - 7;
  while (c > stop && b[c] != ':') c--;
  if (c <= s || b[c] != ':') return 0;
  long port = port_at(b, c + 1, e);
  if (port < 0) return 0;
  long as = s, ae = c;
  if (b[s] == '[') {
    if (!bracket6 || b[c - 1] != ']') return 0;
    as = s + 1;
    ae = c - 1;
  }
  int family = 0;
  if (v4_at(b, as, ae, ep ? ep->bytes : NULL)) family = 4;
  else if ((as == s ? bare6 : 1) && v6_at(b, as, ae, ep ? ep->bytes : NULL)) family = 6;
  if (family && ep) ep->port = port;
  return family;
}

/* A port after ss's `*:`: `*` or 1 to 5 digits up to 65535, ending at a space, LF or CR; where
   it ends, or -1 (ss.ts wildcardAt). */
static long wildcard_at(const uint8_t *b, long q) {
  unsigned v;
  if (b[q] == '*') q++;
  else if (!digits(b, &q, 5, &v) || v > 65535) return -1;
  return b[q] == ' ' || b[q] == '\n' || b[q] == '\r' ? q : -1;
}

/* The state word's end (a space, LF or CR), or -1 at another control byte or a byte above
   ASCII. (fast.ts tokenEnd) */
static long token_end(const uint8_t *b, long p, long end) {
  /* Eight bytes at a time while they lie before `end`: the first byte below 0x21, at 0x7f or
     above 0x7f is the first that ends the token or refuses it (each test below flags the
     lowest such byte exactly: a borrow only runs upwards from a flagged byte). */
  while (p + 8 <= end) {
    uint64_t w;
    memcpy(&w, b + p, 8);
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t del = w ^ (0x7f * ones);
    uint64_t m = ((w - 0x21 * ones) & ~w & high) | (w & high) | ((del - ones) & ~del & high);
    if (m) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
      p += __builtin_clzll(m) >> 3;
#else
      p += __builtin_ctzll(m) >> 3;
#endif
      break;
    }
    p += 8;
  }
  for (; p < end; p++) {
    uint8_t c = b[p];
    if (c == ' ' || c == '\n' || c == '\r') return p;
    if (c < 33 || c > 126) return -1;
  }
  return p;
}

/* After a line's last field at p: only spaces, then LF or CRLF before `end`; where the next
   line starts, or -1 (fast.ts lineRest). */
static long line_rest(const uint8_t *b, long p, long end) {
  while (p < end && b[p] == ' ') p++;
  if (p < end && b[p] == '\r') p++;
  return p < end && b[p] == '\n' ? p + 1 : -1;
}

/* A token of 1 to 10 digits below 2^32 at q (fast.ts tokenEnd, then uintAt): its end, or -1. */
static long uint_token(const uint8_t *b, long q, long end) {
  long t = token_end(b, q, end);
  if (t < 0 || t == q || t - q > 10) return -1;
  uint64_t v = 0;
  for (long k = q; k < t; k++) {
    if (b[k] < '0' || b[k] > '9') return -1;
    v = v * 10 + (uint64_t)(b[k] - '0');
  }
  return v <= 0xffffffffULL ? t : -1;
}

/* The code of the word b[s, e) in `words` (entries: length, code, bytes), or -1. */
static int state_of(const uint8_t *b, long s, long e, const uint8_t *words, size_t nwords) {
  size_t n = (size_t)(e - s);
  for (size_t k = 0; k + 2 <= nwords;) {
    size_t len = words[k];
    if (len == n && k + 2 + len <= nwords && memcmp(words + k + 2, b + s, n) == 0) return words[k + 1];
    k += 2 + len;
  }
  return -1;
}

/* After the state of a `netstat -p` line (a header named PID/Program name, and no User or
   Timer column) at p: spaces, then `-` and only spaces, or a PID, `/` and a name of printable
   ASCII without `(` (a timer-like last field, or anything else, is left to the text parser,
   netstat.ts rowOf), to the line's end. Where the next line starts, or -1. */
/* Does a line netstat.ts classifyFields calls `data` begin at p (net-tools)? Checked strictly,
   as netstat.ts dataLineAt: the text parser joins a line that is not data to the socket line
   before it when the two read as one, so a line is taken only when the next is data. */
static int data_line_at(const uint8_t *b, long p, long end) {
  if (p + 4 >= end || b[p] != 't' || b[p + 1] != 'c' || b[p + 2] != 'p') return 0;
  long q = p + 3;
  int six = b[q] == '6';
  if (six) q++;
  if (b[q] != ' ') return 0;
  while (q < end && b[q] == ' ') q++;
  long d = q;
  uint64_t v = 0;
  while (q < end && b[q] >= '0' && b[q] <= '9' && q - d <= 10) v = v * 10 + (uint64_t)(b[q++] - '0');
  if (q == d || q - d > 10 || v > 0xffffffffULL || q >= end || b[q] != ' ') return 0;
  while (q < end && b[q] == ' ') q++;
  long s = q;
  while (q < end && b[q] > ' ' && b[q] < 127) q++;
  if (q == s || q >= end || b[q] != ' ') return 0;
  while (q < end && b[q] == ' ') q++;
  long a = q;
  int colons = 0;
  for (; q < end && b[q] > ' ' && b[q] < 127; q++) colons += b[q] == ':';
  if (q == a || colons == 0 || (!six && colons > 1)) return 0;
  return q < end && (b[q] == ' ' || b[q] == '\n' || b[q] == '\r');
}

static long program_rest(const uint8_t *b, long p, long end) {
  if (p >= end || b[p] != ' ') return -1;
  p = skip_spaces(b, p, end);
  long next;
  if (b[p] == '-')
    next = line_rest(b, p + 1, end);
  else {
    long d = p;
    while (b[p] >= '0' && b[p] <= '9') p++;
    if (p == d || b[p] != '/') return -1;
    p++;
    while (b[p] >= 0x20 && b[p] < 0x7f && b[p] != '(') p++;
    if (p < end && b[p] == '\r') p++;
    next = p < end && b[p] == '\n' ? p + 1 : -1;
  }
  return next;
}

/* A `tcp ` or `tcp6 ` line at p (p < end) up to its state: `tcp ` (IPv4 addresses) or `tcp6 `
   (IPv6, or IPv4 for a mapped peer), then Recv-Q, Send-Q, local and foreign endpoints and the
   state word. Its state code, *t the word's end and *six; or -1. Every check stops at the
   line's end, which is before `end`. */
static int netstat_head(const uint8_t *b, long p, long end, int ncounts, const uint8_t *words, size_t nwords, long *t, int *six) {
  if (b[p] != 't' || b[p + 1] != 'c' || b[p + 2] != 'p') return -1;
  *six = b[p + 3] == '6';
  long q = *six ? p + 4 : p + 3;
  if (b[q] != ' ') return -1;
  q = skip_spaces(b, q, end);
  q = queue_at(b, q);
  if (q < 0) return -1;
  q = skip_spaces(b, q, end);
  q = queue_at(b, q);
  if (q < 0) return -1;
  for (int side = 0; side < 2; side++) {
    q = skip_spaces(b, q, end);
    if (*six) {
      long e = token_end(b, q, end);
      q = e > q && endpoint_at(b, q, e, 1, 0, NULL) ? e : -1;
    } else
      q = v4_token_at(b, q);
    if (q < 0 || b[q] != ' ') return -1;
  }
  q = skip_spaces(b, q, end);
  *t = token_end(b, q, end);
  if (*t <= q) return -1;
  int state = state_of(b, q, *t, words, nwords);
  return state < ncounts ? state : -1;
}

long text_count_netstat4(const uint8_t *b, long p, long end, double *counts, int ncounts, const uint8_t *words, size_t nwords, int program, long *lines, int *families) {
  long n = 0, t = 0;
  int fam = 0, six = 0;
  int state = p < end ? netstat_head(b, p, end, ncounts, words, nwords, &t, &six) : -1;
  while (state >= 0) {
    long next = program ? program_rest(b, t, end) : line_rest(b, t, end);
    if (next < 0) break;
    /* Only when the next line is data (data_line_at): the text parser may take any other for
       the rest of this one (a name wrapped; `tcp 0` as User and Inode). A line read up to its
       state is data. */
    long nt = 0;
    int nsix = 0;
    int nstate = next < end ? netstat_head(b, next, end, ncounts, words, nwords, &nt, &nsix) : -1;
    if (nstate < 0 && !data_line_at(b, next, end)) break;
    counts[state]++;
    fam |= six ? 2 : 1;
    n++;
    p = next;
    state = nstate, t = nt, six = nsix;
  }
  *lines = n;
  *families |= fam;
  return p;
}

/* An ss endpoint token at q: IPv4 read in one pass, else up to the token's end as
   colonEndpointAt reads ss's (no bare IPv6; `[v6]` once `bracketed`); where it ends, or -1,
   its family in *fam (ss.ts ssEndpointAt, counting). */
static long ss_endpoint(const uint8_t *b, long q, long end, int bracketed, int *fam) {
  long t = v4_token_at(b, q);
  if (t >= 0) {
    *fam = 4;
    return t;
  }
  t = token_end(b, q, end);
  if (t <= q) return -1;
  *fam = endpoint_at(b, q, t, 0, bracketed, NULL);
  return *fam ? t : -1;
}

long text_count_ss(const uint8_t *b, long p, long end, double *counts, int ncounts, const uint8_t *words, size_t nwords, int bracketed, long *lines, int *families) {
  long n = 0;
  int fam = 0;
  while (p < end) {
    /* STATE RECVQ SENDQ LOCAL PEER and nothing after (ss.ts ssBytes, counting); every check
       stops at the line's end (LF or CR), which is before `end`. */
    if (b[p] < 'A' || b[p] > 'Z') break;
    long t = token_end(b, p, end);
    if (t <= p || b[t] != ' ') break;
    int state = state_of(b, p, t, words, nwords);
    if (state < 0 || state >= ncounts) break;
    long q = skip_spaces(b, t, end);
    t = uint_token(b, q, end);
    if (t < 0) break;
    q = skip_spaces(b, t, end);
    t = uint_token(b, q, end);
    if (t < 0) break;
    q = skip_spaces(b, t, end);
    long next;
    int family;
    if (bracketed && b[q] == '*' && b[q + 1] == ':') {
      /* Once `[v6]:port` settled the style, a listener on `*:PORT` to `*:*` is dual-stack IPv6. */
      t = wildcard_at(b, q + 2);
      if (t < 0 || b[t] != ' ') break;
      q = skip_spaces(b, t, end);
      if (b[q] != '*' || b[q + 1] != ':' || b[q + 2] != '*') break;
      next = line_rest(b, q + 3, end);
      family = 6;
    } else {
      int lf, rf;
      t = ss_endpoint(b, q, end, bracketed, &lf);
      if (t < 0) break;
      q = skip_spaces(b, t, end);
      t = ss_endpoint(b, q, end, bracketed, &rf);
      if (t < 0) break;
      next = line_rest(b, t, end);
      family = lf == 6 || rf == 6 ? 6 : 4;
    }
    /* Counted only when the next line begins a socket: any other may be this one's continuation. */
    if (next < 0 || next >= end || b[next] < 'A' || b[next] > 'Z') break;
    counts[state]++;
    fam |= family == 6 ? 2 : 1;
    n++;
    p = next;
  }
  *lines = n;
  *families |= fam;
  return p;
}

/* /proc/net/tcp's white space (proc-net.ts skipWs): at least one space or tab, then more, not
   reaching `e`; where the field starts, or -1. */
static long proc_ws(const uint8_t *b, long p, long e) {
  if (p >= e || (b[p] != ' ' && b[p] != '\t')) return -1;
  while (p < e && (b[p] == ' ' || b[p] == '\t')) p++;
  return p < e ? p : -1;
}

/* 1 to `max` hex digits at p before `e` (proc-net.ts hexField): where they end, or -1; the
   value's low 32 bits in *v when given. */
static long proc_hex(const uint8_t *b, long p, long e, int max, uint32_t *v) {
  long s = p;
  uint32_t x = 0;
  int h;
  while (p < e && (h = hex(b[p])) >= 0) {
    x = x * 16 + (uint32_t)h;
    p++;
  }
  if (p == s || p - s > max) return -1;
  if (v) *v = x;
  return p;
}

/* A decimal field below 2^32 at p, ended by white space or `e` (proc-net.ts decField): where
   it ends, or -1. */
static long proc_dec(const uint8_t *b, long p, long e) {
  long s = p;
  uint64_t v = 0;
  if (b[p] == '-') return -1;
  while (p < e && b[p] >= '0' && b[p] <= '9') {
    if (p - s >= 10) return -1;
    v = v * 10 + (uint64_t)(b[p] - '0');
    p++;
  }
  if (p == s || v > 0xffffffffULL) return -1;
  return p < e && b[p] != ' ' && b[p] != '\t' ? -1 : p;
}

long text_count_proc(const uint8_t *b, long p, long end, double *counts, const uint8_t *codes, long line_max, long *lines, int *families, double *per) {
  long n = 0;
  int fam = 0;
  while (p < end) {
    /* As proc.ts procBytes takes a line: `N: ADDR:PORT ` (8 or 32 hex digits) and printable
       ASCII to the LF, no CR. */
    long q = p, k;
    while (q < end && b[q] == ' ') q++;
    long d = q;
    while (q < end && b[q] >= '0' && b[q] <= '9') q++;
    if (q == d || b[q] != ':') break;
    q++;
    long sp = q;
    while (q < end && b[q] == ' ') q++;
    if (q == sp) break;
    long h = q;
    while (q < end && hex(b[q]) >= 0) q++;
    long width = q - h;
    if ((width != 8 && width != 32) || b[q] != ':') break;
    for (k = 1; k <= 4 && hex(b[q + k]) >= 0; k++) {
    }
    if (k <= 4 || b[q + 5] != ' ') break; /* the port: 4 hex digits, then a space */
    const uint8_t *lf = memchr(b + q, '\n', (size_t)(end - q));
    if (!lf) break;
    long e = (long)(lf - b);
    for (k = q; k < e && b[k] >= 32 && b[k] <= 126; k++) {
    }
    if (k < e || e - p > line_max) break; /* a control byte or DEL; a line over PROC_LINE_MAX */
    /* As proc-net.ts ProcNetParser.line reads it without an error or a warning: every field
       after the local address, up to the inode; what follows is not read. */
    q = h + width + 1;
    q = proc_hex(b, q, e, 4, NULL);
    long words = width / 8;
    if (q < 0 || (q = proc_ws(b, q, e)) < 0) break;
    for (k = 0; k < words * 8 && q + k < e && hex(b[q + k]) >= 0; k++) {
    }
    if (k < words * 8) break;
    q += words * 8;
    if (q >= e || b[q] != ':') break;
    q = proc_hex(b, q + 1, e, 4, NULL);
    uint32_t st;
    if (q < 0 || (q = proc_ws(b, q, e)) < 0 || (q = proc_hex(b, q, e, 2, &st)) < 0) break;
    int code = codes[st & 0xff];
    if (code == 0) break; /* UNKNOWN: the parser warns */
    if ((q = proc_ws(b, q, e)) < 0 || (q = proc_hex(b, q, e, 8, NULL)) < 0 || q >= e || b[q] != ':') break;
    if ((q = proc_hex(b, q + 1, e, 8, NULL)) < 0) break;
    if ((q = proc_ws(b, q, e)) < 0 || (q = proc_hex(b, q, e, 2, NULL)) < 0 || q >= e || b[q] != ':') break;
    if ((q = proc_hex(b, q + 1, e, 16, NULL)) < 0) break;
    if ((q = proc_ws(b, q, e)) < 0 || (q = proc_hex(b, q, e, 8, NULL)) < 0) break;
    int ok = 1;
    for (int f = 0; f < 3 && ok; f++) ok = (q = proc_ws(b, q, e)) >= 0 && (q = proc_dec(b, q, e)) >= 0;
    if (!ok) break;
    counts[code]++;
    fam |= width == 8 ? 1 : 2;
    per[width == 8 ? 0 : 1]++;
    per[width == 8 ? 2 : 3] += (double)(e + 1 - p);
    n++;
    p = e + 1;
  }
  *lines = n;
  *families |= fam;
  return p;
}

/* A token of 1 to 10 digits below 2^32 at q: its end, or -1; its value in *v (fast.ts tokenEnd, uintAt). */
static long uint_value(const uint8_t *b, long q, long end, uint32_t *v) {
  long t = uint_token(b, q, end);
  if (t < 0) return -1;
  uint64_t x = 0;
  for (long k = q; k < t; k++) x = x * 10 + (uint64_t)(b[k] - '0');
  *v = (uint32_t)x;
  return t;
}

/* An endpoint into a row's 16 address bytes as a row of `family` stores it (fast.ts storeAt). */
static void store_at(uint8_t *out, const struct endpoint *ep, int epfamily, int family) {
  if (family == 4) {
    memcpy(out, ep->bytes, 4);
    memset(out + 4, 0, 12);
  } else if (epfamily == 4) {
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, ep->bytes, 4);
  } else memcpy(out, ep->bytes, 16);
}

/* Row i: a TCP socket of `family` with queues (fast.ts addQueuedRow), the rest as SocketTable.add() leaves it. */
static void queued_row(const struct text_rows *o, long i, int family, int state, const struct endpoint *l, int lf, const struct endpoint *r, int rf, uint32_t rq, uint32_t sq) {
  o->proto[i] = (uint8_t)o->proto_tcp;
  o->family[i] = (uint8_t)family;
  o->state[i] = (uint8_t)state;
  o->flags[i] = (uint8_t)o->f_has_queues;
  store_at(o->laddr + i * 16, l, lf, family);
  store_at(o->raddr + i * 16, r, rf, family);
  o->lport[i] = (uint16_t)l->port;
  o->rport[i] = (uint16_t)r->port;
  o->recvq[i] = rq;
  o->sendq[i] = sq;
  o->uid[i] = o->no_uid;
  o->timer_ms[i] = o->no_time;
  o->timer[i] = 0;
  o->retrans[i] = 0;
  o->probes[i] = 0;
  o->inode[i] = 0;
}

long text_rows_netstat(const uint8_t *b, long p, long end, const uint8_t *words, size_t nwords, const struct text_rows *o, long at, long room, long *lines) {
  long n = 0;
  struct endpoint l, r;
  while (p < end && n < room) {
    /* `tcp[6] RECVQ SENDQ LOCAL FOREIGN STATE` (netstat.ts netstatBytes, net-tools); every check
       stops at the line's end (LF or CR), which is before `end`. */
    if (b[p] != 't' || b[p + 1] != 'c' || b[p + 2] != 'p') break;
    long q = p + 3;
    int said = 4;
    if (b[q] == '6') {
      said = 6;
      q++;
    }
    if (b[q] != ' ') break;
    uint32_t rq, sq;
    q = skip_spaces(b, q, end);
    long t = uint_value(b, q, end, &rq);
    if (t < 0) break;
    q = skip_spaces(b, t, end);
    t = uint_value(b, q, end, &sq);
    if (t < 0) break;
    q = skip_spaces(b, t, end);
    t = token_end(b, q, end);
    int lf = t > q ? endpoint_at(b, q, t, said == 6, 0, &l) : 0;
    if (!lf) break;
    q = skip_spaces(b, t, end);
    t = token_end(b, q, end);
    int rf = t > q ? endpoint_at(b, q, t, said == 6, 0, &r) : 0;
    if (!rf) break;
    q = skip_spaces(b, t, end);
    t = token_end(b, q, end);
    if (t <= q) break;
    int state = state_of(b, q, t, words, nwords);
    if (state < 0) break;
    long next = line_rest(b, t, end);
    if (next < 0) break;
    /* Only when the next line is a tcp line too: any other may be the rest of this one, wrapped. */
    if (!data_line_at(b, next, end)) break;
    queued_row(o, at + n, said, state, &l, lf, &r, rf, rq, sq);
    n++;
    p = next;
  }
  *lines = n;
  return p;
}

long text_rows_ss(const uint8_t *b, long p, long end, const uint8_t *words, size_t nwords, int bracketed, const struct text_rows *o, long at, long room, long *lines) {
  long n = 0;
  struct endpoint l, r;
  while (p < end && n < room) {
    /* STATE RECVQ SENDQ LOCAL PEER and nothing after (ss.ts ssBytes, making rows); every check
       stops at the line's end (LF or CR), which is before `end`. */
    if (b[p] < 'A' || b[p] > 'Z') break;
    long t = token_end(b, p, end);
    if (t <= p || b[t] != ' ') break;
    int state = state_of(b, p, t, words, nwords);
    if (state < 0) break;
    uint32_t rq, sq;
    long q = skip_spaces(b, t, end);
    t = uint_value(b, q, end, &rq);
    if (t < 0) break;
    q = skip_spaces(b, t, end);
    t = uint_value(b, q, end, &sq);
    if (t < 0) break;
    q = skip_spaces(b, t, end);
    if (bracketed && b[q] == '*' && b[q + 1] == ':') {
      /* Once `[v6]:port` settled the style, `*:PORT` to `*:*` is a dual-stack IPv6 listener
         (ss.ts one(): any addresses, the peer's port 0). */
      t = wildcard_at(b, q + 2);
      if (t < 0 || b[t] != ' ') break;
      long port = 0;
      for (long k = q + 2; k < t && b[k] != '*'; k++) port = port * 10 + (b[k] - '0');
      q = skip_spaces(b, t, end);
      if (b[q] != '*' || b[q + 1] != ':' || b[q + 2] != '*') break;
      long next = line_rest(b, q + 3, end);
      if (next < 0 || next >= end || b[next] < 'A' || b[next] > 'Z') break;
      memset(&l, 0, sizeof l);
      memset(&r, 0, sizeof r);
      l.port = port;
      queued_row(o, at + n, 6, state, &l, 6, &r, 6, rq, sq);
      o->flags[at + n] |= (uint8_t)o->f_dualstack;
      n++;
      p = next;
      continue;
    }
    t = token_end(b, q, end);
    int lf = t > q ? endpoint_at(b, q, t, 0, bracketed, &l) : 0;
    if (!lf) break;
    q = skip_spaces(b, t, end);
    t = token_end(b, q, end);
    int rf = t > q ? endpoint_at(b, q, t, 0, bracketed, &r) : 0;
    if (!rf) break;
    long next = line_rest(b, t, end);
    /* Only when the next line begins a socket: any other may be this one's continuation. */
    if (next < 0 || next >= end || b[next] < 'A' || b[next] > 'Z') break;
    queued_row(o, at + n, lf == 6 || rf == 6 ? 6 : 4, state, &l, lf, &r, rf, rq, sq);
    n++;
    p = next;
  }
  *lines = n;
  return p;
}

/* A range of a file counted on a thread of its own: pieces read with pread into a buffer of
   its own, each counted up to its last LF, until a line is not taken, the file ends (a last
   line without LF is left), a piece holds no LF, or the job is cancelled (as count-range.ts
   counts a range in JavaScript). */
static void *range_main(void *arg) {
  struct text_count_range *r = arg;
  const size_t cap = 1 << 20;
  uint8_t *buf = malloc(cap);
  long pos = r->from;
  if (!buf) {
    r->err = 1;
    r->stop = pos;
    return NULL;
  }
  while (!__atomic_load_n(&r->cancel, __ATOMIC_RELAXED)) {
    size_t got = 0;
    while (got < cap) {
      ssize_t n = pread(r->fd, buf + got, cap - got, (off_t)(pos + (long)got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) r->err = 1;
      if (n <= 0) break;
      got += (size_t)n;
    }
    const uint8_t *lf = got ? memrchr(buf, '\n', got) : NULL;
    if (!lf) break;
    long end = (long)(lf - buf) + 1, lines = 0;
    long at = r->kind == 0 ? text_count_netstat4(buf, 0, end, r->counts, 16, r->words, r->nwords, 0, &lines, &r->families)
                           : text_count_ss(buf, 0, end, r->counts, 16, r->words, r->nwords, r->kind == 2, &lines, &r->families);
    r->lines += lines;
    pos += at;
    /* Stopped before the piece's last line: done. At it, read on from it with the next piece
       (ss counts a line only when it sees the next), unless nothing was counted. */
    if (at < end && (lines == 0 || (const uint8_t *)memchr(buf + at, '\n', (size_t)(end - at)) + 1 != buf + end)) break;
  }
  free(buf);
  r->stop = pos;
  return NULL;
}

int text_count_range_start(struct text_count_range *r) {
  r->fd = dup(r->fd);
  if (r->fd < 0) return errno;
  int e = pthread_create(&r->thread, NULL, range_main, r);
  if (e) {
    close(r->fd);
    return e;
  }
  r->started = 1;
  return 0;
}

void text_count_range_join(struct text_count_range *r) {
  if (!r->started) return;
  pthread_join(r->thread, NULL);
  close(r->fd);
  r->started = 0;
}

void text_count_range_cancel(struct text_count_range *r) {
  __atomic_store_n(&r->cancel, 1, __ATOMIC_RELAXED);
  text_count_range_join(r);
}
