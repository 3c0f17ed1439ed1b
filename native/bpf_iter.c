/*
 * Kernel BTF lookups and iterator loading shared by tcpstate's BPF programs
 * (bpf_owners.c, bpf_tcp_states.c).
 *
 * A program reads kernel structs through BTF-typed pointers, so the offsets of the fields it
 * reads come from the running kernel's BTF (/sys/kernel/btf/vmlinux, 5–6 MB), streamed
 * through a small buffer: the names are found in the string section first (BTF strings are
 * deduplicated: one offset each), then the types that use them.
 */
#define _GNU_SOURCE
#include "bpf_iter.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BUF (64u << 10)
#define MAX_NAMES 24
#define NAME_MAX_LEN 62

/* String-section offsets of names[0..n) (UINT32_MAX: absent). Strings are NUL-terminated
 * and the section starts with the empty string, so a name is found as "\0name\0".
 * -1 only when the section cannot be read or a name cannot be looked for. */
static int find_strings(int fd, const struct btf_header *h, char *buf, const char *const *names, size_t n, uint32_t *off) {
  char pat[MAX_NAMES][NAME_MAX_LEN + 2];
  size_t plen[MAX_NAMES], longest = 0;
  for (size_t k = 0; k < n; k++) {
    off[k] = UINT32_MAX;
    size_t l = strlen(names[k]);
    if (l == 0 || l > NAME_MAX_LEN) return -1;
    pat[k][0] = 0;
    memcpy(pat[k] + 1, names[k], l);
    pat[k][l + 1] = 0;
    plen[k] = l + 2;
    if (plen[k] > longest) longest = plen[k];
  }
  uint64_t base = (uint64_t)h->hdr_len + h->str_off;
  uint32_t pos = 0; /* string-section offset of buf[0] */
  size_t have = 0;
  while (pos + have < h->str_len) {
    size_t want = BUF - have;
    if (want > h->str_len - pos - have) want = h->str_len - pos - have;
    ssize_t r = pread(fd, buf + have, want, (off_t)(base + pos + have));
    if (r <= 0) return -1;
    have += (size_t)r;
    for (size_t k = 0; k < n; k++) {
      if (off[k] != UINT32_MAX) continue;
      const char *m = memmem(buf, have, pat[k], plen[k]);
      if (m) off[k] = pos + (uint32_t)(m - buf) + 1;
    }
    /* keep the tail a pattern may straddle */
    size_t keep = have < longest - 1 ? have : longest - 1;
    memmove(buf, buf + have - keep, keep);
    pos += (uint32_t)(have - keep);
    have = keep;
  }
  return 0;
}

/* Bytes of kind-specific data after a struct btf_type. */
static size_t extra_bytes(uint32_t info) {
  uint32_t kind = BTF_INFO_KIND(info), vlen = BTF_INFO_VLEN(info);
  switch (kind) {
    case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: return 4;
    case BTF_KIND_ARRAY: return 12;
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_ENUM64: return 12u * vlen;
    case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO: return 8u * vlen;
    default: return 0;
  }
}

/* One word per type id, enough to find the size of a member's type after the pass: an
 * integer or enum as SCALAR | bits << 16 | bit offset << 8 | bytes (BTF_INT_BITS and
 * BTF_INT_OFFSET of an integer's encoding), a typedef or qualifier as the id it names, and
 * anything else as 0 (void: not a scalar). */
#define SCALAR 0x80000000u

static uint32_t type_word(const struct btf_type *t, uint32_t int_enc) {
  switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_INT: return SCALAR | (BTF_INT_BITS(int_enc) & 0xff) << 16 | (BTF_INT_OFFSET(int_enc) & 0xff) << 8 | (t->size & 0xff);
    case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return SCALAR | ((t->size * 8) & 0xff) << 16 | (t->size & 0xff);
    case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: return t->type & ~SCALAR;
    default: return 0;
  }
}

/* Fill w from its member's bit offset, bitfield size (kflag structs) and type. In a struct
 * without kflag a bitfield is an integer type whose encoding is narrower than its bytes. */
static void resolve_member(struct btf_want *w, const uint32_t *word, uint32_t nwords, uint32_t type, uint32_t bitoff, uint32_t bits) {
  for (int hops = 0; hops < 32 && type != 0 && type < nwords && !(word[type] & SCALAR); hops++) type = word[type];
  uint32_t e = type != 0 && type < nwords && (word[type] & SCALAR) ? word[type] : 0;
  uint32_t size = e & 0xff, int_off = (e >> 8) & 0xff, int_bits = (e >> 16) & 0xff;
  if (bits == 0 && size != 0 && (int_bits != size * 8 || int_off != 0)) {
    bits = int_bits;
    bitoff += int_off;
  }
  w->size = size;
  w->bits = bits;
  w->bit = bits ? bitoff % 8 : 0;
  w->off = bits == 0 && bitoff % 8 ? -1 : (int32_t)(bitoff / 8);
}

int btf_lookup(const char *func, int32_t *func_id, struct btf_want *want, size_t nwant, char *why, size_t whylen) {
  /* names: [0] the function, then each want's type and member */
  const char *names[MAX_NAMES];
  uint32_t off[MAX_NAMES];
  /* per want: its member's type id and bit offset, bitfield size (kflag), until resolved */
  uint32_t mtype[MAX_NAMES], mbitoff[MAX_NAMES], mbits[MAX_NAMES];
  size_t n = 1 + 2 * nwant;
  if (n > MAX_NAMES) { snprintf(why, whylen, "too many BTF names"); return -1; }
  names[0] = func;
  for (size_t k = 0; k < nwant; k++) {
    names[1 + 2 * k] = want[k].type;
    names[2 + 2 * k] = want[k].member;
    want[k].off = -1;
    want[k].size = want[k].bits = want[k].bit = 0;
    mtype[k] = UINT32_MAX;
  }
  *func_id = -1;
  int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
  if (fd < 0) { snprintf(why, whylen, "no kernel BTF (/sys/kernel/btf/vmlinux: %s)", strerror(errno)); return -1; }
  struct btf_header h;
  char *buf = malloc(BUF);
  uint32_t *word = NULL, nwords = 0;
  int rc = -1;
  if (!buf || pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || h.magic != BTF_MAGIC || find_strings(fd, &h, buf, names, n, off) < 0) {
    snprintf(why, whylen, "kernel BTF not readable as expected");
    goto out;
  }
  /* every type takes at least a struct btf_type, so this many ids at most */
  nwords = h.type_len / sizeof(struct btf_type) + 2;
  word = malloc((size_t)nwords * sizeof *word);
  if (!word) { snprintf(why, whylen, "out of memory"); goto out; }
  uint64_t base = (uint64_t)h.hdr_len + h.type_off;
  size_t have = 0, at = 0;
  uint32_t read_pos = 0, used = 0;
  uint32_t id = 1;
  word[0] = 0;
  /* Make n bytes available at buf[at]. */
#define NEED(m)                                                                                   \
  do {                                                                                            \
    if (have - at < (m)) {                                                                        \
      memmove(buf, buf + at, have - at);                                                          \
      have -= at;                                                                                 \
      at = 0;                                                                                     \
      size_t w = BUF - have;                                                                      \
      if (w > h.type_len - read_pos) w = h.type_len - read_pos;                                   \
      ssize_t r = w ? pread(fd, buf + have, w, (off_t)(base + read_pos)) : 0;                     \
      if (r < 0) goto bad;                                                                        \
      have += (size_t)r;                                                                          \
      read_pos += (uint32_t)r;                                                                    \
      if (have - at < (m)) goto bad;                                                              \
    }                                                                                             \
  } while (0)
  for (; used < h.type_len; id++) {
    NEED(sizeof(struct btf_type));
    struct btf_type t;
    memcpy(&t, buf + at, sizeof t);
    at += sizeof t;
    used += sizeof t;
    uint32_t kind = BTF_INFO_KIND(t.info);
    int kflag = BTF_INFO_KFLAG(t.info);
    size_t extra = extra_bytes(t.info);
    used += (uint32_t)extra;
    uint32_t int_enc = 0;
    if (kind == BTF_KIND_INT) {
      NEED(4);
      memcpy(&int_enc, buf + at, 4);
      at += 4;
      extra = 0;
    }
    if (id < nwords) word[id] = type_word(&t, int_enc);
    if ((kind == BTF_KIND_FUNC || kind == BTF_KIND_TYPEDEF) && t.name_off == off[0]) *func_id = (int32_t)id; /* a function, or a tracepoint's btf_trace_* typedef */
    /* a struct some want names: its members are matched against those wants */
    int is_wanted = 0;
    if (kind == BTF_KIND_STRUCT)
      for (size_t k = 0; k < nwant; k++) if (t.name_off == off[1 + 2 * k]) is_wanted = 1;
    if (!is_wanted) {
      /* skip: within the buffer, or past it by moving the read position */
      if (have - at >= extra) {
        at += extra;
      } else {
        read_pos += (uint32_t)(extra - (have - at));
        have = at = 0;
      }
      continue;
    }
    for (; extra > 0; extra -= sizeof(struct btf_member)) {
      NEED(sizeof(struct btf_member));
      struct btf_member m;
      memcpy(&m, buf + at, sizeof m);
      for (size_t k = 0; k < nwant; k++) {
        if (t.name_off != off[1 + 2 * k] || m.name_off != off[2 + 2 * k]) continue;
        mtype[k] = m.type;
        mbitoff[k] = kflag ? BTF_MEMBER_BIT_OFFSET(m.offset) : m.offset;
        mbits[k] = kflag ? BTF_MEMBER_BITFIELD_SIZE(m.offset) : 0;
      }
      at += sizeof m;
    }
  }
#undef NEED
  rc = 0;
  for (size_t k = 0; k < nwant; k++) {
    if (mtype[k] != UINT32_MAX) resolve_member(&want[k], word, id < nwords ? id : nwords, mtype[k], mbitoff[k], mbits[k]);
    if (want[k].off < 0 && rc == 0) {
      snprintf(why, whylen, mtype[k] == UINT32_MAX ? "kernel BTF has no %s.%s" : "%s.%s is not at a byte offset in this kernel's BTF", want[k].type, want[k].member);
      rc = -1;
    }
  }
  if (*func_id < 0) {
    snprintf(why, whylen, "kernel BTF has no %s iterator", func);
    rc = -1;
  }
  goto out;
bad:
  snprintf(why, whylen, "kernel BTF truncated");
out:
  free(word);
  free(buf);
  close(fd);
  return rc;
}

int btf_want_int(const struct btf_want *w, uint32_t size, char *why, size_t whylen) {
  if (w->bits == 0 && w->size == size) return 0;
  if (w->bits) snprintf(why, whylen, "%s.%s is a %u-bit bitfield in this kernel's BTF, not read by this program", w->type, w->member, w->bits);
  else snprintf(why, whylen, "%s.%s is %u bytes in this kernel's BTF, where this program reads %u", w->type, w->member, w->size, size);
  return -1;
}

static int sys_bpf(int cmd, union bpf_attr *a) {
  return (int)syscall(__NR_bpf, cmd, a, sizeof *a);
}

int bpf_iter_link(const struct bpf_insn *prog, size_t ninsn, int32_t func_id, char *why, size_t whylen) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_TRACING;
  a.expected_attach_type = BPF_TRACE_ITER;
  a.insns = (uint64_t)(uintptr_t)prog;
  a.insn_cnt = (uint32_t)ninsn;
  a.license = (uint64_t)(uintptr_t)"GPL";
  a.attach_btf_id = (uint32_t)func_id;
  int pfd = sys_bpf(BPF_PROG_LOAD, &a);
  if (pfd < 0) { snprintf(why, whylen, "BPF program not loaded: %s", strerror(errno)); return -1; }
  memset(&a, 0, sizeof a);
  a.link_create.prog_fd = (uint32_t)pfd;
  a.link_create.attach_type = BPF_TRACE_ITER;
  int lfd = sys_bpf(BPF_LINK_CREATE, &a);
  int e = errno;
  close(pfd);
  if (lfd < 0) { snprintf(why, whylen, "BPF iterator link: %s", strerror(e)); return -1; }
  return lfd;
}

int bpf_iter_create(int link_fd, char *why, size_t whylen) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.iter_create.link_fd = (uint32_t)link_fd;
  int ifd = sys_bpf(BPF_ITER_CREATE, &a);
  if (ifd < 0) snprintf(why, whylen, "BPF iterator: %s", strerror(errno));
  return ifd;
}

int bpf_iter_open(const struct bpf_insn *prog, size_t ninsn, int32_t func_id, char *why, size_t whylen) {
  int lfd = bpf_iter_link(prog, ninsn, func_id, why, whylen);
  if (lfd < 0) return -1;
  int ifd = bpf_iter_create(lfd, why, whylen);
  close(lfd);
  return ifd;
}
