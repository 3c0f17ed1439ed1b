#ifndef TCPSTATE_BPF_ITER_H
#define TCPSTATE_BPF_ITER_H
/* What tcpstate's BPF iterator programs share: kernel BTF lookups, instruction macros, and
 * loading a program as an iterator whose fd streams what the program writes. */
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* A struct member a program reads, and what the kernel's BTF says of it. A program loads a
 * member with an instruction of one width, so it checks size and bits before it does. */
struct btf_want {
  const char *type;
  const char *member;
  /* Byte offset in the struct (of the byte holding its first bit, for a bitfield); -1 until found. */
  int32_t off;
  /* Bytes of the member's type, through typedefs and qualifiers, when that is an integer, an
   * enum or a pointer; 0 for anything else (a struct, an array). */
  uint32_t size;
  /* A bitfield's width in bits and its first bit within byte off (BTF's numbering); 0 and 0
   * for a whole member. */
  uint32_t bits, bit;
};

#define BTF_WANT(t, m) {.type = (t), .member = (m), .off = -1}

/* The BTF id of the iterator function `func` ("bpf_iter_tcp") and what `want` says, from
 * /sys/kernel/btf/vmlinux, streamed through 64 KiB: 0, or -1 with a reason naming what is
 * missing in why. */
int btf_lookup(const char *func, int32_t *func_id, struct btf_want *want, size_t nwant, char *why, size_t whylen);

/* Is w a whole (not bitfield) integer of exactly size bytes? If not, a reason in why. */
int btf_want_int(const struct btf_want *w, uint32_t size, char *why, size_t whylen);

/* Load prog as a BPF_TRACE_ITER program for the iterator func_id and create an iterator
 * (in the calling thread's network namespace, for network iterators): its fd, or -1 with
 * a reason in why. */
int bpf_iter_open(const struct bpf_insn *prog, size_t ninsn, int32_t func_id, char *why, size_t whylen);

/* The two halves of bpf_iter_open: the program loaded and linked (the link's fd, kept to make
 * many iterators), and an iterator of a link, walking the calling thread's namespace. */
int bpf_iter_link(const struct bpf_insn *prog, size_t ninsn, int32_t func_id, char *why, size_t whylen);
int bpf_iter_create(int link_fd, char *why, size_t whylen);

/* Offsets no program can encode (a 16-bit instruction field) are refused. */
#define BPF_OFF_OK(x) ((x) >= 0 && (x) <= INT16_MAX)

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX(sz, d, s, o) INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define MOVR(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOVI(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADDI(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ANDI(d, i) INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define JEQI(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNEI(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
/* network to host order (a byte swap on little-endian hosts, nothing on big-endian) */
#define BE16(d) INSN(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, 16)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The program's call that writes len bytes at r10 + off (the stack) to the iterator's seq_file:
 * r6 must hold the context. Six instructions. */
#define SEQ_WRITE_FROM_STACK(off, len) \
  LDX(BPF_DW, 1, 6, CTX_META), LDX(BPF_DW, 1, 1, META_SEQ), MOVR(2, 10), ADDI(2, off), MOVI(3, len), CALL(BPF_FUNC_seq_write)

/* Every iterator context starts with bpf_iter_meta in an 8-byte slot; the meta, with the
 * seq_file first. Both are fixed layouts (__bpf_md_ptr), not kernel-version dependent. */
enum { CTX_META = 0, META_SEQ = 0 };
#endif
