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
 * silently dropped (bpf_trace_ring.c reads the ring; bpf_trace.c is the Node-API glue).
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
#include "bpf_trace_prog.h"
#include "bpf_iter.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { SKC_DADDR = 0, SKC_RCV_SADDR = 4, SKC_DPORT = 12, SKC_NUM = 14 };

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

int trace_assemble(struct prog_asm *a, int kind, const struct offs *o, int rb, int lost, int counts, int count_only, uint32_t netns, uint16_t family) {
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

int trace_sys_bpf(int cmd, union bpf_attr *a) {
  return (int)syscall(__NR_bpf, cmd, a, sizeof *a);
}

int trace_load_attach(struct prog_asm *a, int kind, int32_t btf_id, int *prog_fd, char *why, size_t whylen) {
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
    int pfd = trace_sys_bpf(BPF_PROG_LOAD, &at);
    if (pfd >= 0) {
      memset(&at, 0, sizeof at);
      at.raw_tracepoint.prog_fd = (uint32_t)pfd;
      int lfd = trace_sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &at);
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

int trace_find_offsets(struct offs *o, int32_t ids[NPROGS], char *why, size_t whylen) {
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
