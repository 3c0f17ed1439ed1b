/*
 * Socket owners from one BPF iterator instead of a readlink per /proc/PID/fd entry.
 *
 * A "task_file" iterator program (BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER) visits every open
 * file of every process once, in the kernel, and writes (tgid, fd, inode) for each socket
 * (inode mode S_IFSOCK) to the iterator's seq_file; reading the iterator fd streams them.
 * At 90k sockets that is ~20 ms against ~390 ms of readlinks (3.5 µs each on the test VM).
 *
 * The program reads struct file, inode and task_struct fields directly (BTF-typed pointers),
 * so their offsets are taken from the running kernel's BTF (/sys/kernel/btf/vmlinux),
 * streamed through a small buffer: the names are found in the string section first, then the
 * types that use them. The iterator context (struct bpf_iter__task_file) and
 * bpf_iter_meta keep their pointers in 8-byte slots (__bpf_md_ptr), a fixed layout.
 *
 * Anything missing (no BTF, no CAP_BPF/CAP_PERFMON, a verifier that says no, a pid namespace
 * other than the initial one, whose pids would not match /proc) is reported as a reason and
 * the caller scans /proc instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bpf_owners.h"

enum { S_FUNC, S_TASK, S_FILE, S_INODE, S_TGID, S_FINODE, S_INO, S_MODE, NSTR };
static const char *const STR[NSTR] = {"bpf_iter_task_file", "task_struct", "file", "inode", "tgid", "f_inode", "i_ino", "i_mode"};

struct layout {
  int32_t func_id;
  int32_t tgid, f_inode, i_ino, i_mode; /* byte offsets */
};

#define BUF (64u << 10)

/* String-section offsets of the names (BTF strings are deduplicated: one offset each). */
static int find_strings(int fd, const struct btf_header *h, char *buf, uint32_t *off) {
  for (int k = 0; k < NSTR; k++) off[k] = UINT32_MAX;
  uint64_t base = (uint64_t)h->hdr_len + h->str_off;
  uint32_t pos = 0; /* string-section offset of buf[0] */
  size_t carry = 0;
  while (pos + carry < h->str_len) {
    size_t want = BUF - carry;
    if (want > h->str_len - pos - carry) want = h->str_len - pos - carry;
    ssize_t n = pread(fd, buf + carry, want, (off_t)(base + pos + carry));
    if (n <= 0) return -1;
    size_t len = carry + (size_t)n, s = 0;
    for (size_t i = 0; i < len; i++) {
      if (buf[i] != 0) continue;
      for (int k = 0; k < NSTR; k++)
        if (off[k] == UINT32_MAX && strlen(STR[k]) == i - s && memcmp(buf + s, STR[k], i - s) == 0) off[k] = pos + (uint32_t)s;
      s = i + 1;
    }
    if (s == 0) return -1; /* a string longer than the buffer: not BTF as known */
    carry = len - s;
    memmove(buf, buf + s, carry);
    pos += (uint32_t)s;
  }
  for (int k = 0; k < NSTR; k++) if (off[k] == UINT32_MAX) return -1;
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

static int read_layout(struct layout *l, char *why, size_t whylen) {
  int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
  if (fd < 0) { snprintf(why, whylen, "no kernel BTF (/sys/kernel/btf/vmlinux: %s)", strerror(errno)); return -1; }
  struct btf_header h;
  char *buf = malloc(BUF);
  uint32_t off[NSTR];
  int rc = -1;
  if (!buf || pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || h.magic != BTF_MAGIC || find_strings(fd, &h, buf, off) < 0) {
    snprintf(why, whylen, "kernel BTF not readable as expected");
    goto out;
  }
  *l = (struct layout){.func_id = -1, .tgid = -1, .f_inode = -1, .i_ino = -1, .i_mode = -1};
  uint64_t base = (uint64_t)h.hdr_len + h.type_off;
  size_t have = 0, at = 0;
  uint32_t read_pos = 0, used = 0;
  int32_t id = 1;
  /* Make n bytes available at buf[at]. */
#define NEED(n)                                                                                   \
  do {                                                                                            \
    if (have - at < (n)) {                                                                        \
      memmove(buf, buf + at, have - at);                                                          \
      have -= at;                                                                                 \
      at = 0;                                                                                     \
      size_t w = BUF - have;                                                                      \
      if (w > h.type_len - read_pos) w = h.type_len - read_pos;                                   \
      ssize_t r = w ? pread(fd, buf + have, w, (off_t)(base + read_pos)) : 0;                     \
      if (r < 0) goto bad;                                                                        \
      have += (size_t)r;                                                                          \
      read_pos += (uint32_t)r;                                                                    \
      if (have - at < (n)) goto bad;                                                              \
    }                                                                                             \
  } while (0)
  while (used < h.type_len) {
    NEED(sizeof(struct btf_type));
    struct btf_type t;
    memcpy(&t, buf + at, sizeof t);
    at += sizeof t;
    used += sizeof t;
    uint32_t kind = BTF_INFO_KIND(t.info);
    int kflag = BTF_INFO_KFLAG(t.info);
    if (kind == BTF_KIND_FUNC && t.name_off == off[S_FUNC]) l->func_id = id;
    int which = -1;
    if (kind == BTF_KIND_STRUCT)
      which = t.name_off == off[S_TASK] ? S_TASK : t.name_off == off[S_FILE] ? S_FILE : t.name_off == off[S_INODE] ? S_INODE : -1;
    for (size_t extra = extra_bytes(t.info); extra > 0;) {
      size_t step = kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION ? sizeof(struct btf_member) : extra;
      NEED(step);
      if (which >= 0) {
        struct btf_member m;
        memcpy(&m, buf + at, sizeof m);
        uint32_t bits = kflag ? BTF_MEMBER_BIT_OFFSET(m.offset) : m.offset;
        int32_t byte = bits % 8 ? -1 : (int32_t)(bits / 8);
        if (which == S_TASK && m.name_off == off[S_TGID]) l->tgid = byte;
        if (which == S_FILE && m.name_off == off[S_FINODE]) l->f_inode = byte;
        if (which == S_INODE && m.name_off == off[S_INO]) l->i_ino = byte;
        if (which == S_INODE && m.name_off == off[S_MODE]) l->i_mode = byte;
      }
      at += step;
      used += (uint32_t)step;
      extra -= step;
    }
    id++;
  }
#undef NEED
  if (l->func_id < 0 || l->tgid < 0 || l->f_inode < 0 || l->i_ino < 0 || l->i_mode < 0) {
    snprintf(why, whylen, "kernel BTF lacks the task_file iterator or a field it reads");
    goto out;
  }
  rc = 0;
  goto out;
bad:
  snprintf(why, whylen, "kernel BTF truncated");
out:
  free(buf);
  close(fd);
  return rc;
}

static int sys_bpf(int cmd, union bpf_attr *a) {
  return (int)syscall(__NR_bpf, cmd, a, sizeof *a);
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX(sz, d, s, o) INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define MOVR(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOVI(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADDI(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ANDI(d, i) INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define JEQI(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNEI(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* struct bpf_iter__task_file: meta, task, fd, file in 8-byte slots; bpf_iter_meta: seq first. */
enum { CTX_META = 0, CTX_TASK = 8, CTX_FD = 16, CTX_FILE = 24, META_SEQ = 0 };

int bpf_socket_owners(uint32_t **out, size_t *count, char *why, size_t whylen) {
  *out = NULL;
  *count = 0;
  struct stat st;
  /* tgid is the pid in the initial namespace; in another one /proc shows other numbers. */
  if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino != 0xEFFFFFFCu) {
    snprintf(why, whylen, "not in the initial pid namespace");
    return -1;
  }
  struct layout l;
  if (read_layout(&l, why, whylen) < 0) return -1;
  /* Per file: skip unless file, task and inode are there and the inode is a socket; then
   * write {tgid u32, fd u32, ino u64} from the stack. Every failed test jumps to the exit. */
  struct bpf_insn prog[] = {
      MOVR(6, 1),
      LDX(BPF_DW, 7, 6, CTX_FILE),
      JEQI(7, 0, 19),
      LDX(BPF_DW, 2, 6, CTX_TASK),
      JEQI(2, 0, 17),
      LDX(BPF_DW, 4, 7, (int16_t)l.f_inode),
      JEQI(4, 0, 15),
      LDX(BPF_H, 5, 4, (int16_t)l.i_mode),
      ANDI(5, 0xF000),
      JNEI(5, 0xC000, 12), /* S_IFSOCK */
      LDX(BPF_W, 3, 2, (int16_t)l.tgid),
      STX(BPF_W, 10, 3, -16),
      LDX(BPF_W, 3, 6, CTX_FD),
      STX(BPF_W, 10, 3, -12),
      LDX(BPF_DW, 3, 4, (int16_t)l.i_ino),
      STX(BPF_DW, 10, 3, -8),
      LDX(BPF_DW, 1, 6, CTX_META),
      LDX(BPF_DW, 1, 1, META_SEQ),
      MOVR(2, 10),
      ADDI(2, -16),
      MOVI(3, 16),
      CALL(BPF_FUNC_seq_write),
      MOVI(0, 0), /* the exit: every jump above lands here */
      EXIT(),
  };
  if (l.tgid > INT16_MAX || l.f_inode > INT16_MAX || l.i_ino > INT16_MAX || l.i_mode > INT16_MAX) {
    snprintf(why, whylen, "kernel structure offsets out of range");
    return -1;
  }
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_TRACING;
  a.expected_attach_type = BPF_TRACE_ITER;
  a.insns = (uint64_t)(uintptr_t)prog;
  a.insn_cnt = sizeof prog / sizeof prog[0];
  a.license = (uint64_t)(uintptr_t)"GPL";
  a.attach_btf_id = (uint32_t)l.func_id;
  int pfd = sys_bpf(BPF_PROG_LOAD, &a);
  if (pfd < 0) { snprintf(why, whylen, "BPF program not loaded: %s", strerror(errno)); return -1; }
  memset(&a, 0, sizeof a);
  a.link_create.prog_fd = (uint32_t)pfd;
  a.link_create.attach_type = BPF_TRACE_ITER;
  int lfd = sys_bpf(BPF_LINK_CREATE, &a);
  int e = errno;
  close(pfd);
  if (lfd < 0) { snprintf(why, whylen, "BPF iterator link: %s", strerror(e)); return -1; }
  memset(&a, 0, sizeof a);
  a.iter_create.link_fd = (uint32_t)lfd;
  int ifd = sys_bpf(BPF_ITER_CREATE, &a);
  e = errno;
  close(lfd);
  if (ifd < 0) { snprintf(why, whylen, "BPF iterator: %s", strerror(e)); return -1; }
  size_t cap = 3 * 4096, n = 0;
  uint32_t *t = malloc(cap * sizeof *t);
  char *rb = malloc(BUF);
  int rc = 0;
  size_t have = 0;
  for (;;) {
    if (!t || !rb) { snprintf(why, whylen, "out of memory"); rc = -1; break; }
    ssize_t r = read(ifd, rb + have, BUF - have);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { snprintf(why, whylen, "reading the BPF iterator: %s", strerror(errno)); rc = -1; break; }
    have += (size_t)r;
    size_t k = 0;
    for (; k + 16 <= have; k += 16) {
      uint32_t pid, fdn;
      uint64_t ino;
      memcpy(&pid, rb + k, 4);
      memcpy(&fdn, rb + k + 4, 4);
      memcpy(&ino, rb + k + 8, 8);
      if (ino == 0 || ino > 0xffffffffu) continue; /* tcpstate keeps 32-bit socket inodes, as /proc shows them */
      if (n + 3 > cap) {
        uint32_t *g = realloc(t, 2 * cap * sizeof *t);
        if (!g) { free(t); t = NULL; break; }
        t = g;
        cap *= 2;
      }
      t[n++] = (uint32_t)ino;
      t[n++] = pid;
      t[n++] = fdn;
    }
    if (!t) continue; /* reported at the top of the loop */
    memmove(rb, rb + k, have - k);
    have -= k;
    if (r == 0) break;
  }
  free(rb);
  close(ifd);
  if (rc < 0) { free(t); return -1; }
  *out = t;
  *count = n;
  return 0;
}
