#ifndef TCPSTATE_TEXT_COUNT_H
#define TCPSTATE_TEXT_COUNT_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Count the `tcp` and `tcp6` lines of a net-tools `netstat -n` capture in b[p, end) (whole lines,
   the last ending in LF or CR at end - 1) into counts[state], as src/sources/text/netstat.ts
   netstatCount does, stopping at the first other line. `words`: entries of
   (length, state code, bytes) for the state words; `program`: a `netstat -p` capture's lines (a
   PID/Program name column after State, each line counted only when the next is a socket line).
   Returns where it stopped; *lines: lines counted; *families: or-ed with 1 for a `tcp` line
   counted, 2 for `tcp6`. */
long text_count_netstat4(const uint8_t *b, long p, long end, double *counts, int ncounts, const uint8_t *words, size_t nwords, int program, long *lines, int *families);

/* Count the socket lines of an iproute2 `ss -tan` capture in b[p, end) as src/sources/text/ss.ts
   counts them at byte level (each only when the next line begins a socket), stopping at the
   first other line; `bracketed`: the capture has shown `[v6]:port`. As text_count_netstat4
   otherwise. */
long text_count_ss(const uint8_t *b, long p, long end, double *counts, int ncounts, const uint8_t *words, size_t nwords, int bracketed, long *lines, int *families);

/* Count the TCP lines of a `/proc/net/tcp` or `tcp6` capture in b[p, end) as proc.ts and
   proc-net.ts read them without an error or a warning, into counts[codes[st]] (codes: the
   kernel's state number to tcpstate's code, 0 where it warns; line_max: proc-net.ts
   PROC_LINE_MAX), stopping at the first other line; per[0], per[1]: IPv4 and IPv6 lines counted,
   per[2], per[3]: their bytes (added to). As text_count_netstat4 otherwise. */
long text_count_proc(const uint8_t *b, long p, long end, double *counts, const uint8_t *codes, long line_max, long *lines, int *families, double *per);

/* The columns of a SocketTable (src/model/table.ts) that a text row fills, and its constants. */
struct text_rows {
  uint8_t *proto, *family, *state, *flags, *laddr, *raddr, *timer;
  uint16_t *lport, *rport;
  uint32_t *recvq, *sendq, *timer_ms, *retrans, *probes, *uid, *inode;
  uint32_t proto_tcp, f_has_queues, no_uid, no_time, f_dualstack;
};

/* Rows of a net-tools `netstat -n` capture's lines in b[p, end) into rows at, at + 1, ... (at
   most `room`), each as src/sources/text/netstat.ts netstatBytes adds it, stopping at the
   first other line. Returns where it stopped; *lines: rows added. */
long text_rows_netstat(const uint8_t *b, long p, long end, const uint8_t *words, size_t nwords, const struct text_rows *o, long at, long room, long *lines);

/* Rows of an iproute2 `ss -tan` capture's socket lines in b[p, end) as src/sources/text/ss.ts
   ssBytes reads them for rows (`bracketed`: the capture has shown `[v6]:port`, and then also
   `*:PORT` to `*:*` as ss.ts one() reads it in that style), each taken only
   when the next line begins a socket (so no continuation of it follows); as text_rows_netstat
   otherwise. */
long text_rows_ss(const uint8_t *b, long p, long end, const uint8_t *words, size_t nwords, int bracketed, const struct text_rows *o, long at, long room, long *lines);

/* A range of a capture file (from `from`, a line start) counted on a thread, as
   text_count_netstat4 (kind 0) or text_count_ss (1; 2 `bracketed`) count, until its first
   line not taken. */
struct text_count_range {
  int kind;
  int fd; /* the caller's; the thread reads a dup of it */
  long from;
  uint8_t words[512]; /* (length, code, bytes) entries */
  size_t nwords;
  /* Results, once joined: where it stopped (a line start), lines, counts, families (1 IPv4, 2 IPv6), a read error. */
  long stop, lines;
  double counts[16];
  int families, err;
  int cancel, started;
  pthread_t thread;
};

/* Start the thread (fd, from, words, nwords set; the rest zeroed); 0 or an errno value. */
int text_count_range_start(struct text_count_range *r);
/* Wait for it (no-op when not running). */
void text_count_range_join(struct text_count_range *r);
/* Ask it to stop and wait. */
void text_count_range_cancel(struct text_count_range *r);

#endif
