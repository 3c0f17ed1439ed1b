#ifndef TCPSTATE_BPF_TRACE_PROG_H
#define TCPSTATE_BPF_TRACE_PROG_H
/* trace's BPF programs, written as instructions here (bpf_trace_prog.c): the hooks, the
 * kernel offsets they read, assembling, loading and attaching. */
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of one event record (layout in bpf_trace_prog.c, decoded in src/trace/events.ts). */
#define TRACE_EVENT_BYTES 128

/* The hooks: the state-change tracepoint, then the timewait functions (optional). */
enum { K_STATE = 0, K_TW_ENTER = 1, K_TW_SCHED = 2, K_TW_KILL = 3, NPROGS = 4 };

/* Per (old, new) state pair, per CPU: the count of changes, made before the ring buffer is
 * asked for room, so counts stay exact when events are lost (and the only output of
 * count-only traces). */
#define COUNT_SLOTS 256

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

/* The kernel offsets the programs read and the BTF ids of the hooks (-1: an optional hook
 * this kernel lacks): 0, or -1 with a reason in why. */
int trace_find_offsets(struct offs *o, int32_t ids[NPROGS], char *why, size_t whylen);

/* The program of one hook kind into a, writing to ring buffer rb (a failed reserve counted
 * in lost), counting state pairs in counts; count_only: no records; netns (inode) and family
 * (2, 10): only those, 0 for any. The number of instructions, or -1 when too long. */
int trace_assemble(struct prog_asm *a, int kind, const struct offs *o, int rb, int lost, int counts, int count_only,
                   uint32_t netns, uint16_t family);

/* Load and attach; the link's fd, and in *prog_fd the program's (kept: its recursion misses
 * are lost events); or -1 with the verifier's last words in why. */
int trace_load_attach(struct prog_asm *a, int kind, int32_t btf_id, int *prog_fd, char *why, size_t whylen);

/* The bpf(2) system call. */
int trace_sys_bpf(int cmd, union bpf_attr *a);
#endif
