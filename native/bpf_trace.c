/*
 * Every TCP state change as it happens, from BPF programs the addon writes itself (no clang,
 * libbpf or bpftrace): a BTF-typed raw tracepoint on sock:inet_sock_set_state
 * (BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, attach_btf_id of btf_trace_inet_sock_set_state,
 * no tracefs), and fentry programs where a connection enters TIME_WAIT and leaves it, which
 * the tracepoint never reports (the full socket goes FIN_WAIT2 -> CLOSE when a timewait
 * mini-socket replaces it):
 *   inet_twsk_hashdance_schedule(tw, sk, ...)  the timewait socket replaces sk (kind 1)
 *   __inet_twsk_schedule(tw, timeo, rearm)     its timer is (re)armed: a FIN_WAIT2 timewait
 *                                              socket that gets the peer's FIN moves to
 *                                              TIME_WAIT here (kind 2)
 *   inet_twsk_kill(tw)                         it goes away: expiry, reuse, netns exit (kind 3)
 * The timewait hooks are optional (a kernel without them in BTF traces without them: said in
 * the result). Each program writes one fixed 128-byte record to a BPF ring buffer; a failed
 * reserve (buffer full) is counted in a per-CPU array, so lost events are reported, never
 * silently dropped. A thread of the addon waits on the ring buffer (epoll) and hands batches
 * of records to JS through a threadsafe function; the event loop never blocks.
 *
 * Record (little-endian, offsets in bytes):
 *   0 u64 time (CLOCK_MONOTONIC ns)   8 u64 sock address (0: none)   16 u64 timewait address
 *  (the local port of a state change is inet_sport: skc_num is already 0 when a socket closes)
 *  24 u64 socket inode (0: no file)  32 u32 netns inode   36 u32 on-CPU tgid   40 u8 kind
 *  41 u8 old state  42 u8 new state   43 u8 sk_shutdown at the change (kind 0; 0xff unknown)  44 u16 family  46 u16 local port (host order)
 *  48 u16 remote port (network order) 50 u16 sk_err (kinds 0, 1; 0 for a request socket)
 *  52 4 bytes local IPv4  56 4 bytes remote IPv4  60 u8 the peer's FIN came (SOCK_DONE in
 *  sk_flags: tcp_fin sets it; sk_shutdown cannot tell, close() sets RCV_SHUTDOWN too) kinds 0, 1
 *  (0 for a request socket); 0xff: not read
 *  64 16 bytes local IPv6  80 16 bytes remote IPv6  96 char[16] on-CPU comm
 *  112 u64 tcp_sock bytes_acked  120 u64 tcp_sock bytes_received (kinds 0 and 1, read at the
 *  change as tcplife reads them at close; 0 for kinds 2, 3 and a request socket)
 * Old state of kind 1 is the full socket's state, new state the timewait substate; kinds 2
 * and 3 give the substate as new state and 0 as old.
 *
 * Offsets come from kernel BTF (bpf_iter.c) except the four fields inside sock_common's
 * anonymous unions (skc_daddr 0, skc_rcv_saddr 4, skc_dport 12, skc_num 14), which BTF
 * names only inside anonymous types; their layout is fixed since Linux 3.x and is checked
 * against skc_family at 16 and skc_state at 18.
 */
#define _GNU_SOURCE
#include "bpf_trace.h"
#include "bpf_iter.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { K_STATE = 0, K_TW_ENTER = 1, K_TW_SCHED = 2, K_TW_KILL = 3, NPROGS = 4 };
enum { SKC_DADDR = 0, SKC_RCV_SADDR = 4, SKC_DPORT = 12, SKC_NUM = 14 };
/* The ring buffer's default size; traceStart's ringBytes sets another (a power of 2, pages). */
#define RINGBUF_BYTES (8u << 20)
/* Records handed to JS and not yet handled, at most (this many ring buffers' worth), before the
 * ring is left to fill: --buffer-kb bounds memory on both sides. */
#define INFLIGHT_RINGS 4

struct offs {
  int32_t family, state, net, v6d, v6s, proto, socket, file, f_inode, i_ino, net_ns, inum, substate;
  int32_t sport; /* inet_sock's inet_sport: kept when a closing socket's skc_num is cleared */
  int32_t shutdown; /* -1: not a whole byte in this kernel: 0xff written */
  int32_t err, bytes_acked, bytes_received; /* sock's sk_err; tcp_sock's counters (beyond struct sock: read, not loaded) */
  int32_t flags; /* skc_flags, in an anonymous union BTF names only inside it: the 8 bytes between skc_cookie and skc_dontcopy_begin */
};

struct prog_asm {
  struct bpf_insn i[256];
  int n;
  int exit_jumps[16], nexit, lost_jumps[2], nlost;
};

static void emit(struct prog_asm *a, struct bpf_insn x) {
  if (a->n < (int)(sizeof a->i / sizeof a->i[0])) a->i[a->n] = x;
  a->n++;
}

#define STI(sz, d, o, imm) INSN(BPF_ST | (sz) | BPF_MEM, d, 0, o, imm)
#define RSHI(d, i) INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
#define JA(o) INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)

static void jump_exit(struct prog_asm *a, struct bpf_insn j) {
  a->exit_jumps[a->nexit++] = a->n;
  emit(a, j);
}

static void ld_map(struct prog_asm *a, int reg, int fd) {
  emit(a, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, fd));
  emit(a, INSN(0, 0, 0, 0, 0));
}

/* The program of one kind. r6 context, r7 the struct sock_common to read (the full socket,
 * or the timewait socket), r8 the timewait socket or 0, r9 the reserved record. */
/* Add 1 to this CPU's slot of a per-CPU array whose u32 key is on the stack at r10 + key_off
 * (nothing when the lookup fails). Clobbers r0-r5. */
static void emit_increment(struct prog_asm *a, int map_fd, int16_t key_off) {
  ld_map(a, 1, map_fd);
  emit(a, MOVR(2, 10));
  emit(a, ADDI(2, key_off));
  emit(a, CALL(BPF_FUNC_map_lookup_elem));
  emit(a, JEQI(0, 0, 3));
  emit(a, LDX(BPF_DW, 1, 0, 0));
  emit(a, ADDI(1, 1));
  emit(a, STX(BPF_DW, 0, 1, 0));
}

/* Per (old, new) state pair, per CPU: the count of changes, made before the ring buffer is
 * asked for room, so counts stay exact when events are lost (and the only output of
 * count-only traces). */
#define COUNT_SLOTS 256

static int assemble(struct prog_asm *a, int kind, const struct offs *o, int rb, int lost, int counts, int count_only, uint32_t netns, uint16_t family) {
  memset(a, 0, sizeof *a);
  emit(a, MOVR(6, 1));
  if (kind == K_STATE) {
    emit(a, LDX(BPF_DW, 7, 6, 0));
    emit(a, MOVI(8, 0));
  } else if (kind == K_TW_ENTER) {
    emit(a, LDX(BPF_DW, 8, 6, 0));
    emit(a, LDX(BPF_DW, 7, 6, 8));
  } else {
    emit(a, LDX(BPF_DW, 8, 6, 0));
    emit(a, LDX(BPF_DW, 7, 6, 0));
  }
  if (kind == K_STATE || kind == K_TW_ENTER) {
    /* SCTP and MPTCP share the tracepoint */
    emit(a, LDX(BPF_H, 1, 7, (int16_t)o->proto));
    jump_exit(a, JNEI(1, 6, 0));
  }
  emit(a, LDX(BPF_H, 1, 7, (int16_t)o->family));
  if (family) jump_exit(a, JNEI(1, family, 0));
  emit(a, LDX(BPF_DW, 1, 7, (int16_t)o->net));
  emit(a, LDX(BPF_W, 1, 1, (int16_t)(o->net_ns + o->inum)));
  emit(a, STX(BPF_W, 10, 1, -8));
  if (netns) jump_exit(a, INSN(BPF_JMP32 | BPF_JNE | BPF_K, 1, 0, 0, (int32_t)netns));
  if (kind == K_STATE) {
    emit(a, LDX(BPF_DW, 1, 6, 8));
    emit(a, LDX(BPF_DW, 2, 6, 16));
    emit(a, INSN(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 4));
    emit(a, INSN(BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 0, 0));
    emit(a, STX(BPF_W, 10, 1, -16));
    emit_increment(a, counts, -16);
    if (count_only) {
      /* nothing else: the rest would be unreachable, which the verifier refuses */
      int exit_at = a->n;
      emit(a, MOVI(0, 0));
      emit(a, EXIT());
      if (a->n > (int)(sizeof a->i / sizeof a->i[0])) return -1;
      for (int k = 0; k < a->nexit; k++) a->i[a->exit_jumps[k]].off = (int16_t)(exit_at - a->exit_jumps[k] - 1);
      return a->n;
    }
  }
  ld_map(a, 1, rb);
  emit(a, MOVI(2, TRACE_EVENT_BYTES));
  emit(a, MOVI(3, 0));
  emit(a, CALL(BPF_FUNC_ringbuf_reserve));
  a->lost_jumps[a->nlost++] = a->n;
  emit(a, JEQI(0, 0, 0));
  emit(a, MOVR(9, 0));
  emit(a, CALL(BPF_FUNC_ktime_get_ns));
  emit(a, STX(BPF_DW, 9, 0, 0));
  if (kind == K_STATE || kind == K_TW_ENTER) {
    emit(a, STX(BPF_DW, 9, 7, 8));
    emit(a, LDX(BPF_DW, 1, 7, (int16_t)o->socket));
    emit(a, LDX(BPF_DW, 1, 1, (int16_t)o->file));
    emit(a, LDX(BPF_DW, 1, 1, (int16_t)o->f_inode));
    emit(a, LDX(BPF_DW, 1, 1, (int16_t)o->i_ino));
    emit(a, STX(BPF_DW, 9, 1, 24));
  } else {
    emit(a, STI(BPF_DW, 9, 8, 0));
    emit(a, STI(BPF_DW, 9, 24, 0));
  }
  emit(a, STX(BPF_DW, 9, 8, 16));
  emit(a, LDX(BPF_W, 1, 10, -8));
  emit(a, STX(BPF_W, 9, 1, 32));
  emit(a, CALL(BPF_FUNC_get_current_pid_tgid));
  emit(a, RSHI(0, 32));
  emit(a, STX(BPF_W, 9, 0, 36));
  emit(a, STI(BPF_B, 9, 40, kind));
  if (kind == K_STATE) {
    emit(a, LDX(BPF_DW, 1, 6, 8));
    emit(a, STX(BPF_B, 9, 1, 41));
    emit(a, LDX(BPF_DW, 1, 6, 16));
    emit(a, STX(BPF_B, 9, 1, 42));
  } else {
    if (kind == K_TW_ENTER) {
      emit(a, LDX(BPF_B, 1, 7, (int16_t)o->state));
      emit(a, STX(BPF_B, 9, 1, 41));
    } else {
      emit(a, STI(BPF_B, 9, 41, 0));
    }
    emit(a, LDX(BPF_B, 1, 8, (int16_t)o->substate));
    emit(a, STX(BPF_B, 9, 1, 42));
  }
  if (kind == K_STATE && o->shutdown >= 0) {
    emit(a, LDX(BPF_B, 1, 7, (int16_t)o->shutdown));
    emit(a, STX(BPF_B, 9, 1, 43));
  } else {
    emit(a, STI(BPF_B, 9, 43, kind == K_STATE ? 0xff : 0));
  }
  emit(a, LDX(BPF_H, 1, 7, (int16_t)o->family));
  emit(a, STX(BPF_H, 9, 1, 44));
  if (kind == K_STATE) {
    /* tcp_set_state(TCP_CLOSE) unbinds (skc_num = 0) before the tracepoint runs; inet_sport
     * keeps the port, as the tracepoint's own sport field does */
    /* inet_sock lies beyond struct sock, the pointer's BTF type: read it, not load it */
    emit(a, MOVR(1, 9));
    emit(a, ADDI(1, 46));
    emit(a, MOVI(2, 2));
    emit(a, MOVR(3, 7));
    emit(a, ADDI(3, o->sport));
    emit(a, CALL(BPF_FUNC_probe_read_kernel));
    emit(a, LDX(BPF_H, 1, 9, 46));
    emit(a, BE16(1));
  } else {
    emit(a, LDX(BPF_H, 1, 7, SKC_NUM));
  }
  emit(a, STX(BPF_H, 9, 1, 46));
  emit(a, LDX(BPF_H, 1, 7, SKC_DPORT));
  emit(a, STX(BPF_H, 9, 1, 48));
  emit(a, STI(BPF_H, 9, 50, 0));
  emit(a, STI(BPF_W, 9, 60, kind == K_STATE || kind == K_TW_ENTER ? 0 : 0xff));
  emit(a, STI(BPF_DW, 9, 112, 0));
  emit(a, STI(BPF_DW, 9, 120, 0));
  if (kind == K_STATE || kind == K_TW_ENTER) {
    /* a request socket (TCP_NEW_SYN_RECV, 12) is no tcp_sock: its error and counters stay 0 */
    int skips[2], nskip = 0;
    if (kind == K_STATE) {
      emit(a, LDX(BPF_DW, 1, 6, 8));
      skips[nskip++] = a->n;
      emit(a, JEQI(1, 12, 0));
      emit(a, LDX(BPF_DW, 1, 6, 16));
      skips[nskip++] = a->n;
      emit(a, JEQI(1, 12, 0));
    }
    emit(a, LDX(BPF_W, 1, 7, (int16_t)o->err));
    emit(a, STX(BPF_H, 9, 1, 50));
    emit(a, LDX(BPF_DW, 1, 7, (int16_t)o->flags));
    emit(a, RSHI(1, 1)); /* SOCK_DONE is bit 1 (SOCK_DEAD 0) */
    emit(a, ANDI(1, 1));
    emit(a, STX(BPF_B, 9, 1, 60));
    emit(a, MOVR(1, 9));
    emit(a, ADDI(1, 112));
    emit(a, MOVI(2, 8));
    emit(a, MOVR(3, 7));
    emit(a, ADDI(3, o->bytes_acked));
    emit(a, CALL(BPF_FUNC_probe_read_kernel));
    emit(a, MOVR(1, 9));
    emit(a, ADDI(1, 120));
    emit(a, MOVI(2, 8));
    emit(a, MOVR(3, 7));
    emit(a, ADDI(3, o->bytes_received));
    emit(a, CALL(BPF_FUNC_probe_read_kernel));
    for (int k = 0; k < nskip; k++) a->i[skips[k]].off = (int16_t)(a->n - skips[k] - 1);
  }
  emit(a, LDX(BPF_W, 1, 7, SKC_RCV_SADDR));
  emit(a, STX(BPF_W, 9, 1, 52));
  emit(a, LDX(BPF_W, 1, 7, SKC_DADDR));
  emit(a, STX(BPF_W, 9, 1, 56));
  emit(a, LDX(BPF_DW, 1, 7, (int16_t)o->v6s));
  emit(a, STX(BPF_DW, 9, 1, 64));
  emit(a, LDX(BPF_DW, 1, 7, (int16_t)(o->v6s + 8)));
  emit(a, STX(BPF_DW, 9, 1, 72));
  emit(a, LDX(BPF_DW, 1, 7, (int16_t)o->v6d));
  emit(a, STX(BPF_DW, 9, 1, 80));
  emit(a, LDX(BPF_DW, 1, 7, (int16_t)(o->v6d + 8)));
  emit(a, STX(BPF_DW, 9, 1, 88));
  emit(a, MOVR(1, 9));
  emit(a, ADDI(1, 96));
  emit(a, MOVI(2, 16));
  emit(a, CALL(BPF_FUNC_get_current_comm));
  emit(a, MOVR(1, 9));
  emit(a, MOVI(2, 0));
  emit(a, CALL(BPF_FUNC_ringbuf_submit));
  int exit_at = a->n;
  emit(a, MOVI(0, 0));
  emit(a, EXIT());
  /* the buffer was full: count it in this CPU's slot */
  int lost_at = a->n;
  emit(a, STI(BPF_W, 10, -12, 0));
  emit_increment(a, lost, -12);
  jump_exit(a, JA(0));
  if (a->n > (int)(sizeof a->i / sizeof a->i[0])) return -1;
  for (int k = 0; k < a->nexit; k++) a->i[a->exit_jumps[k]].off = (int16_t)(exit_at - a->exit_jumps[k] - 1);
  for (int k = 0; k < a->nlost; k++) a->i[a->lost_jumps[k]].off = (int16_t)(lost_at - a->lost_jumps[k] - 1);
  return a->n;
}

static int sys_bpf(int cmd, union bpf_attr *a) {
  return (int)syscall(__NR_bpf, cmd, a, sizeof *a);
}

/* Load and attach one program; the link fd, or -1 with the verifier's last words in why. */
/* Load and attach; the link's fd, and in *prog_fd the program's (kept: its recursion misses are lost events). */
static int load_attach(struct prog_asm *a, int kind, int32_t btf_id, int *prog_fd, char *why, size_t whylen) {
  union bpf_attr at;
  static char log[1 << 16];
  for (int pass = 0; pass < 2; pass++) {
    memset(&at, 0, sizeof at);
    at.prog_type = BPF_PROG_TYPE_TRACING;
    at.expected_attach_type = kind == K_STATE ? BPF_TRACE_RAW_TP : BPF_TRACE_FENTRY;
    at.insns = (uint64_t)(uintptr_t)a->i;
    at.insn_cnt = (uint32_t)a->n;
    at.license = (uint64_t)(uintptr_t)"GPL";
    at.attach_btf_id = (uint32_t)btf_id;
    if (pass == 1) {
      log[0] = 0;
      at.log_level = 1;
      at.log_buf = (uint64_t)(uintptr_t)log;
      at.log_size = sizeof log;
    }
    int pfd = sys_bpf(BPF_PROG_LOAD, &at);
    if (pfd >= 0) {
      memset(&at, 0, sizeof at);
      at.raw_tracepoint.prog_fd = (uint32_t)pfd;
      int lfd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &at);
      int e = errno;
      if (lfd < 0) {
        close(pfd);
        snprintf(why, whylen, "BPF program not attached: %s", strerror(e));
      } else {
        *prog_fd = pfd;
      }
      return lfd;
    }
    if (pass == 1 && errno != EINVAL && errno != EACCES && log[0] == 0) {
      snprintf(why, whylen, "BPF program not loaded: %s", strerror(errno));
      return -1;
    }
  }
  /* the last non-empty line of the verifier's log says why */
  size_t l = strlen(log);
  while (l > 0 && log[l - 1] == '\n') log[--l] = 0;
  const char *last = strrchr(log, '\n');
  snprintf(why, whylen, "BPF program refused by the verifier: %s", last ? last + 1 : log);
  return -1;
}

static int find_offsets(struct offs *o, int32_t ids[NPROGS], char *why, size_t whylen) {
  struct btf_want g1[] = {
      BTF_WANT("sock_common", "skc_family"), BTF_WANT("sock_common", "skc_state"), BTF_WANT("sock_common", "skc_net"),
      BTF_WANT("sock_common", "skc_v6_daddr"), BTF_WANT("sock_common", "skc_v6_rcv_saddr"), BTF_WANT("sock", "sk_protocol"),
      BTF_WANT("sock", "sk_socket"), BTF_WANT("inet_sock", "inet_sport"),
  };
  if (btf_lookup("btf_trace_inet_sock_set_state", &ids[K_STATE], g1, 8, why, whylen) < 0) return -1;
  if (btf_want_int(&g1[0], 2, why, whylen) < 0 || btf_want_int(&g1[1], 1, why, whylen) < 0 || btf_want_int(&g1[5], 2, why, whylen) < 0 ||
      btf_want_int(&g1[7], 2, why, whylen) < 0) return -1;
  if (g1[0].off != 16 || g1[1].off != 18) {
    snprintf(why, whylen, "struct sock_common is not laid out as this program reads it (skc_family at %d, skc_state at %d)", g1[0].off, g1[1].off);
    return -1;
  }
  struct btf_want g2[] = {
      BTF_WANT("socket", "file"), BTF_WANT("file", "f_inode"), BTF_WANT("inode", "i_ino"), BTF_WANT("net", "ns"),
      BTF_WANT("ns_common", "inum"), BTF_WANT("inet_timewait_sock", "tw_substate"),
  };
  char why2[200];
  if (btf_lookup("inet_twsk_hashdance_schedule", &ids[K_TW_ENTER], g2, 6, why2, sizeof why2) < 0) {
    /* the offsets are needed; the function is optional */
    for (int k = 0; k < 6; k++)
      if (g2[k].off < 0) { snprintf(why, whylen, "%s", why2); return -1; }
    ids[K_TW_ENTER] = -1;
  }
  if (btf_want_int(&g2[2], 8, why, whylen) < 0 || btf_want_int(&g2[4], 4, why, whylen) < 0 || btf_want_int(&g2[5], 1, why, whylen) < 0) return -1;
  struct btf_want g3[] = {BTF_WANT("sock", "sk_shutdown"), BTF_WANT("sock", "sk_err"), BTF_WANT("tcp_sock", "bytes_acked"), BTF_WANT("tcp_sock", "bytes_received"),
                          BTF_WANT("sock_common", "skc_cookie"), BTF_WANT("sock_common", "skc_dontcopy_begin")};
  if (btf_lookup("__inet_twsk_schedule", &ids[K_TW_SCHED], g3, 6, why2, sizeof why2) < 0) ids[K_TW_SCHED] = -1;
  if (g3[4].off < 0 || g3[5].off != g3[4].off + 16) {
    snprintf(why, whylen, "struct sock_common is not laid out as this program reads it (skc_cookie at %d, skc_dontcopy_begin at %d: skc_flags not between)", g3[4].off, g3[5].off);
    return -1;
  }
  /* the counters tcplife reads at close (both since Linux 4.1) */
  for (int k = 1; k < 4; k++)
    if (g3[k].off < 0) { snprintf(why, whylen, "kernel BTF has no %s.%s", g3[k].type, g3[k].member); return -1; }
  if (btf_want_int(&g3[1], 4, why, whylen) < 0 || btf_want_int(&g3[2], 8, why, whylen) < 0 || btf_want_int(&g3[3], 8, why, whylen) < 0) return -1;
  int32_t shutdown = g3[0].off >= 0 && btf_want_int(&g3[0], 1, why2, sizeof why2) == 0 && BPF_OFF_OK(g3[0].off) ? g3[0].off : -1;
  if (btf_lookup("inet_twsk_kill", &ids[K_TW_KILL], NULL, 0, why2, sizeof why2) < 0) ids[K_TW_KILL] = -1;
  *o = (struct offs){.family = g1[0].off, .state = g1[1].off, .net = g1[2].off, .v6d = g1[3].off, .v6s = g1[4].off, .proto = g1[5].off,
                     .socket = g1[6].off, .file = g2[0].off, .f_inode = g2[1].off, .i_ino = g2[2].off, .net_ns = g2[3].off, .inum = g2[4].off,
                     .substate = g2[5].off, .shutdown = shutdown, .sport = g1[7].off,
                     .err = g3[1].off, .bytes_acked = g3[2].off, .bytes_received = g3[3].off, .flags = g3[4].off + 8};
  int32_t all[] = {o->family, o->state, o->net, o->v6d + 8, o->v6s + 8, o->proto, o->socket, o->file, o->f_inode, o->i_ino, o->net_ns + o->inum, o->substate, o->sport, o->err, o->bytes_acked, o->bytes_received, o->flags};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
    if (!BPF_OFF_OK(all[k])) { snprintf(why, whylen, "kernel structure offsets out of range"); return -1; }
  return 0;
}

/* ---- the running trace ---- */

struct trace {
  int rb_fd, lost_fd, counts_fd, links[NPROGS], progs[NPROGS], epfd;
  int ncpus;
  void *cons, *prod; /* the ring buffer's consumer page and producer page + data */
  size_t prod_len;
  uint32_t rb_bytes;
  long page;
  pthread_t th;
  int started;
  atomic_int stop;
  atomic_size_t inflight; /* bytes handed to JS and not yet delivered */
  napi_threadsafe_function tsfn;
  uint64_t lost_reported;
};

struct batch {
  uint8_t *data;
  size_t len;
  uint64_t lost;
};

static int possible_cpus(void) {
  FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
  int n = 0;
  if (f) {
    int a, b;
    char c;
    while (fscanf(f, "%d", &a) == 1) {
      b = a;
      if (fscanf(f, "%c", &c) == 1 && c == '-') {
        if (fscanf(f, "%d", &b) != 1) break;
        if (fscanf(f, "%c", &c) != 1) c = 0;
      }
      n = b + 1 > n ? b + 1 : n;
      if (c != ',') break;
    }
    fclose(f);
  }
  return n > 0 ? n : (int)sysconf(_SC_NPROCESSORS_CONF);
}

/* A per-CPU array's slot `key`, summed over CPUs (0 when it cannot be read). */
static uint64_t percpu_sum(const struct trace *t, int fd, uint32_t key) {
  uint64_t vals[1024] = {0}, sum = 0;
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_fd = (uint32_t)fd;
  a.key = (uint64_t)(uintptr_t)&key;
  a.value = (uint64_t)(uintptr_t)vals;
  if (t->ncpus <= 1024 && sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) == 0)
    for (int k = 0; k < t->ncpus; k++) sum += vals[k];
  return sum;
}

static uint64_t read_lost(struct trace *t) {
  union bpf_attr a;
  uint64_t sum = percpu_sum(t, t->lost_fd, 0);
  /* a hook that fires while one of ours runs on the same CPU (a softirq's state change
   * interrupting a system call's) is skipped by the kernel and counted as the program's
   * recursion miss: an event lost as surely as one the full ring refused */
  for (int k = 0; k < NPROGS; k++) {
    if (t->progs[k] < 0) continue;
    struct bpf_prog_info info;
    memset(&info, 0, sizeof info);
    memset(&a, 0, sizeof a);
    a.info.bpf_fd = (uint32_t)t->progs[k];
    a.info.info_len = sizeof info;
    a.info.info = (uint64_t)(uintptr_t)&info;
    if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0) sum += info.recursion_misses;
  }
  return sum;
}

static void trace_free(struct trace *t) {
  for (int k = 0; k < NPROGS; k++) {
    if (t->links[k] >= 0) close(t->links[k]);
    if (t->progs[k] >= 0) close(t->progs[k]);
  }
  if (t->cons) munmap(t->cons, (size_t)t->page);
  if (t->prod) munmap(t->prod, t->prod_len);
  if (t->epfd >= 0) close(t->epfd);
  if (t->rb_fd >= 0) close(t->rb_fd);
  if (t->lost_fd >= 0) close(t->lost_fd);
  if (t->counts_fd >= 0) close(t->counts_fd);
  free(t);
}

static void call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  struct trace *t = ctx;
  struct batch *b = data;
  atomic_fetch_sub(&t->inflight, b->len + 1);
  if (!env) { free(b->data); free(b); return; }
  napi_value buf, lost, argv[2], global, ret;
  void *copy;
  if (napi_create_buffer_copy(env, b->len, b->data, &copy, &buf) == napi_ok && napi_create_double(env, (double)b->lost, &lost) == napi_ok &&
      napi_get_global(env, &global) == napi_ok) {
    argv[0] = buf;
    argv[1] = lost;
    napi_call_function(env, global, cb, 2, argv, &ret);
  }
  free(b->data);
  free(b);
}

/* Hand buffered records (and the lost count) to JS; 0, or -1 when JS is too far behind. */
static int deliver(struct trace *t, uint8_t **buf, size_t *len, size_t *cap, int force) {
  uint64_t lost = read_lost(t);
  if (*len == 0 && lost == t->lost_reported && !force) return 0;
  struct batch *b = malloc(sizeof *b);
  if (!b) return -1;
  b->data = *buf;
  b->len = *len;
  b->lost = lost;
  atomic_fetch_add(&t->inflight, *len + 1);
  if (napi_call_threadsafe_function(t->tsfn, b, napi_tsfn_nonblocking) != napi_ok) {
    atomic_fetch_sub(&t->inflight, *len + 1);
    free(b);
    return -1;
  }
  t->lost_reported = lost;
  *buf = NULL;
  *len = *cap = 0;
  return 0;
}

static void *trace_main(void *arg) {
  struct trace *t = arg;
  volatile uint64_t *cons_pos = t->cons;
  volatile uint64_t *prod_pos = t->prod;
  uint8_t *data = (uint8_t *)t->prod + t->page;
  const uint64_t mask = t->rb_bytes - 1;
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    /* the last pass after stop drains what the ring still holds */
    int stopping = atomic_load(&t->stop);
    /* JS behind: leave records in the ring; when it fills, the kernel counts what is lost */
    /* bounded by bytes, not batches: at high rates batches are small and many */
    if (!stopping && atomic_load(&t->inflight) > (size_t)t->rb_bytes * INFLIGHT_RINGS) {
      usleep(5000);
      continue;
    }
    struct epoll_event ev;
    if (!stopping) epoll_wait(t->epfd, &ev, 1, 100);
    uint64_t cons = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
    uint64_t prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);
    while (cons < prod && len < (1u << 20)) {
      uint32_t *hdr = (uint32_t *)(data + (cons & mask));
      uint32_t l = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
      if (l & BPF_RINGBUF_BUSY_BIT) break;
      uint32_t rl = l & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
      if (!(l & BPF_RINGBUF_DISCARD_BIT) && rl == TRACE_EVENT_BYTES) {
        if (cap - len < rl) {
          size_t nc = cap ? 2 * cap : 64 * TRACE_EVENT_BYTES;
          uint8_t *g = realloc(buf, nc);
          if (!g) break;
          buf = g;
          cap = nc;
        }
        memcpy(buf + len, (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, rl);
        len += rl;
      }
      cons += (rl + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
      __atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
    }
    deliver(t, &buf, &len, &cap, 0);
    if (stopping) break;
  }
  free(buf);
  return NULL;
}

static const napi_type_tag TRACE_TAG = {0x7463707374617465ull, 0x7472616365212121ull};

static void trace_finalize(napi_env env, void *data, void *hint) {
  struct trace *t = data;
  if (t->started) {
    atomic_store(&t->stop, 1);
    pthread_join(t->th, NULL);
    t->started = 0;
  }
  trace_free(t);
}

static int get_u32(napi_env env, napi_value obj, const char *name, uint32_t *out) {
  bool has;
  napi_value v;
  *out = 0;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return -1;
  napi_valuetype ty;
  if (napi_typeof(env, v, &ty) != napi_ok) return -1;
  if (ty == napi_undefined) return 0;
  return napi_get_value_uint32(env, v, out) == napi_ok ? 0 : -1;
}

static napi_value unavailable(napi_env env, const char *why) {
  napi_throw_error(env, "ERR_BPF_UNAVAILABLE", why);
  return NULL;
}

/* traceStart({netns?: inode, family?: 2|10, ringBytes?}, onBatch(records: Buffer, lost: number)) → handle.
 * Returns {handle, hooks: names of the programs attached, missing: "name: why" of the
 * optional timewait hooks that are not}. */
napi_value TraceStart(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint32_t netns = 0, family = 0, rb_bytes = 0, count_only = 0;
  napi_valuetype ty;
  long page = sysconf(_SC_PAGESIZE);
  if (argc < 2 || napi_typeof(env, argv[1], &ty) != napi_ok || ty != napi_function || get_u32(env, argv[0], "netns", &netns) < 0 ||
      get_u32(env, argv[0], "family", &family) < 0 || (family != 0 && family != 2 && family != 10) || get_u32(env, argv[0], "ringBytes", &rb_bytes) < 0 || get_u32(env, argv[0], "countOnly", &count_only) < 0 ||
      (rb_bytes != 0 && ((rb_bytes & (rb_bytes - 1)) != 0 || rb_bytes > (1u << 30)))) {
    napi_throw_type_error(env, NULL, "traceStart({netns?: inode, family?: 2 | 10, ringBytes?: power of 2 up to 1 GiB}, onBatch)");
    return NULL;
  }
  char why[256];
  struct offs o;
  int32_t ids[NPROGS];
  if (find_offsets(&o, ids, why, sizeof why) < 0) return unavailable(env, why);
  struct trace *t = calloc(1, sizeof *t);
  if (!t) return unavailable(env, "out of memory");
  t->rb_fd = t->lost_fd = t->counts_fd = t->epfd = -1;
  for (int k = 0; k < NPROGS; k++) t->links[k] = t->progs[k] = -1;
  t->page = page;
  t->rb_bytes = rb_bytes ? rb_bytes : RINGBUF_BYTES;
  if (t->rb_bytes < (uint32_t)page) t->rb_bytes = (uint32_t)page; /* the kernel's least */
  t->ncpus = possible_cpus();
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_RINGBUF;
  a.max_entries = t->rb_bytes;
  t->rb_fd = sys_bpf(BPF_MAP_CREATE, &a);
  if (t->rb_fd < 0) { snprintf(why, sizeof why, "BPF ring buffer not created: %s", strerror(errno)); goto fail; }
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_PERCPU_ARRAY;
  a.key_size = 4;
  a.value_size = 8;
  a.max_entries = 1;
  t->lost_fd = sys_bpf(BPF_MAP_CREATE, &a);
  if (t->lost_fd < 0) { snprintf(why, sizeof why, "BPF lost-event counter not created: %s", strerror(errno)); goto fail; }
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_PERCPU_ARRAY;
  a.key_size = 4;
  a.value_size = 8;
  a.max_entries = COUNT_SLOTS;
  t->counts_fd = sys_bpf(BPF_MAP_CREATE, &a);
  if (t->counts_fd < 0) { snprintf(why, sizeof why, "BPF transition counters not created: %s", strerror(errno)); goto fail; }
  t->cons = mmap(NULL, (size_t)t->page, PROT_READ | PROT_WRITE, MAP_SHARED, t->rb_fd, 0);
  if (t->cons == MAP_FAILED) { t->cons = NULL; snprintf(why, sizeof why, "BPF ring buffer not mapped: %s", strerror(errno)); goto fail; }
  t->prod_len = (size_t)t->page + 2 * (size_t)t->rb_bytes;
  t->prod = mmap(NULL, t->prod_len, PROT_READ, MAP_SHARED, t->rb_fd, t->page);
  if (t->prod == MAP_FAILED) { t->prod = NULL; snprintf(why, sizeof why, "BPF ring buffer not mapped: %s", strerror(errno)); goto fail; }
  t->epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN};
  if (t->epfd < 0 || epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->rb_fd, &ev) < 0) { snprintf(why, sizeof why, "epoll: %s", strerror(errno)); goto fail; }
  static struct prog_asm pa;
  char missing[NPROGS][256];
  for (int k = 0; k < NPROGS; k++) {
    snprintf(missing[k], sizeof missing[k], "not in this kernel's BTF");
    if (ids[k] < 0) continue;
    if (assemble(&pa, k, &o, t->rb_fd, t->lost_fd, t->counts_fd, count_only != 0, netns, (uint16_t)family) < 0) { snprintf(why, sizeof why, "BPF program too long"); goto fail; }
    char w2[256];
    t->links[k] = load_attach(&pa, k, ids[k], &t->progs[k], w2, sizeof w2);
    if (t->links[k] < 0 && k == K_STATE) { snprintf(why, sizeof why, "%s", w2); goto fail; }
    snprintf(missing[k], sizeof missing[k], "%s", w2);
  }
  napi_value name, ext, hooks, s;
  if (napi_create_string_utf8(env, "tcpstate trace", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, t, call_js, &t->tsfn) != napi_ok) {
    snprintf(why, sizeof why, "cannot create the threadsafe function");
    goto fail;
  }
  if (pthread_create(&t->th, NULL, trace_main, t) != 0) {
    napi_release_threadsafe_function(t->tsfn, napi_tsfn_abort);
    snprintf(why, sizeof why, "cannot start the ring buffer thread");
    goto fail;
  }
  t->started = 1;
  if (napi_create_external(env, t, trace_finalize, NULL, &ext) != napi_ok) return NULL;
  napi_type_tag_object(env, ext, &TRACE_TAG);
  napi_value obj;
  napi_create_object(env, &obj);
  napi_set_named_property(env, obj, "handle", ext);
  napi_create_array(env, &hooks);
  static const char *names[NPROGS] = {"inet_sock_set_state", "inet_twsk_hashdance_schedule", "__inet_twsk_schedule", "inet_twsk_kill"};
  uint32_t nh = 0;
  for (int k = 0; k < NPROGS; k++) {
    if (t->links[k] < 0) continue;
    napi_create_string_utf8(env, names[k], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, hooks, nh++, s);
  }
  napi_set_named_property(env, obj, "hooks", hooks);
  napi_value miss;
  napi_create_array(env, &miss);
  nh = 0;
  for (int k = 0; k < NPROGS; k++) {
    if (t->links[k] >= 0) continue;
    char m[300];
    snprintf(m, sizeof m, "%s: %s", names[k], missing[k]);
    napi_create_string_utf8(env, m, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, miss, nh++, s);
  }
  napi_set_named_property(env, obj, "missing", miss);
  return obj;
fail:
  trace_free(t);
  return unavailable(env, why);
}

/* The trace of a call's first argument (a handle from traceStart), or NULL with a TypeError
 * naming the call. */
static struct trace *trace_arg(napi_env env, napi_callback_info info, const char *usage) {
  size_t argc = 1;
  napi_value argv[1];
  struct trace *t = NULL;
  bool tagged = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_check_object_type_tag(env, argv[0], &TRACE_TAG, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, argv[0], (void **)&t) != napi_ok || !t) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return t;
}

/* traceCounts(handle) → Float64Array(256): changes per (old state × 16 + new state) since
 * the start, summed over CPUs (counted in the kernel, lost events included). */
napi_value TraceCounts(napi_env env, napi_callback_info info) {
  struct trace *t = trace_arg(env, info, "traceCounts(handle from traceStart)");
  if (!t) return NULL;
  napi_value ab, arr;
  double *out;
  if (napi_create_arraybuffer(env, COUNT_SLOTS * sizeof(double), (void **)&out, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, COUNT_SLOTS, ab, 0, &arr) != napi_ok) return NULL;
  for (uint32_t key = 0; key < COUNT_SLOTS; key++) out[key] = (double)percpu_sum(t, t->counts_fd, key);
  return arr;
}

/* traceStop(handle): detach the programs, deliver what the ring holds, stop the thread and
 * let the event loop go. Again is a no-op. */
napi_value TraceStop(napi_env env, napi_callback_info info) {
  struct trace *t = trace_arg(env, info, "traceStop(handle from traceStart)");
  if (!t) return NULL;
  if (t->started) {
    for (int k = 0; k < NPROGS; k++)
      if (t->links[k] >= 0) { close(t->links[k]); t->links[k] = -1; }
    atomic_store(&t->stop, 1);
    pthread_join(t->th, NULL);
    t->started = 0;
    napi_release_threadsafe_function(t->tsfn, napi_tsfn_release);
  }
  return NULL;
}
