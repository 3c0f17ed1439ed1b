#ifndef TCPSTATE_BPF_ITER_H
#define TCPSTATE_BPF_ITER_H
/* What tcpstate's BPF iterator programs share: kernel BTF lookups, instruction macros, and
 * loading a program as an iterator whose fd streams what the program writes. */
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* A struct member whose byte offset a program needs; off is -1 until found. */
struct btf_want {
  const char *type;
  const char *member;
  int32_t off;
};

/* The BTF id of the iterator function `func` ("bpf_iter_tcp") and the offsets of `want`,
 * from /sys/kernel/btf/vmlinux, streamed through 64 KiB: 0, or -1 with a reason in why. */
int btf_lookup(const char *func, int32_t *func_id, struct btf_want *want, size_t nwant, char *why, size_t whylen);

/* Load prog as a BPF_TRACE_ITER program for the iterator func_id and create an iterator
 * (in the calling thread's network namespace, for network iterators): its fd, or -1 with
 * a reason in why. */
int bpf_iter_open(const struct bpf_insn *prog, size_t ninsn, int32_t func_id, char *why, size_t whylen);

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
