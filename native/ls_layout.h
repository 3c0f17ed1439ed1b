#ifndef TCPSTATE_LS_LAYOUT_H
#define TCPSTATE_LS_LAYOUT_H
#include <stdint.h>

#include "text_count.h"

/* Bytes of each state's entry in ls_geometry.states: its length, then its text. */
#define LS_STATE_BYTES 32

/* A listing's fixed columns (src/render/ls.ts): where each begins in a row and its width
   (Proto, Recv-Q, Send-Q, Local, Foreign, State, User, Inode), and the table's constants. */
struct ls_geometry {
  uint32_t af_inet, proto_udp, close, f_has_queues, f_dualstack, no_uid;
  int extended; /* User and Inode columns (-e): Inode is the last */
  long at[8], w[8];
  const uint8_t *states; /* 256 entries of LS_STATE_BYTES: each state's text as the State column prints it */
};

/* Widen w (Proto's 4 for IPv6, Recv-Q, Send-Q, Local, Foreign, State, User, Inode) to rows
   from..to-1, as ls.ts countWidths does (User and Inode only when extended). */
void ls_widths(const struct text_rows *t, const struct ls_geometry *g, long from, long to, double *w);

/* The first row of from..to-1 wider than its columns (ls.ts LsStream.fits), or to. */
long ls_first_wide(const struct text_rows *t, const struct ls_geometry *g, long from, long to);

/* Rows from..to-1 as lines at b[p] (ls.ts FixedRows.lines), stopping before a row wider than
   its columns or one that would pass `cap`. Returns the position after; *rows: rows written. */
long ls_lines(const struct text_rows *t, const struct ls_geometry *g, long from, long to, uint8_t *b, long p, long cap, long *rows);

#endif
