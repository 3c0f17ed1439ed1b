#ifndef TCPSTATE_TEXT_COUNT_H
#define TCPSTATE_TEXT_COUNT_H
#include <stddef.h>
#include <stdint.h>

/* Count the `tcp` and `tcp6` lines of a net-tools `netstat -n` capture in b[p, end) (whole lines,
   the last ending in LF or CR at end - 1) into counts[state], as src/sources/text/netstat.ts
   netstatCount does, stopping at the first other line. `words`: entries of
   (length, state code, bytes) for the state words. Returns where it stopped; *lines: lines counted;
   *families: or-ed with 1 for a `tcp` line counted, 2 for `tcp6`. */
long text_count_netstat4(const uint8_t *b, long p, long end, double *counts, int ncounts, const uint8_t *words, size_t nwords, long *lines, int *families);

#endif
