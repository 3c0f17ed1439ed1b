#ifndef TCPSTATE_BPF_TCP_STATES_H
#define TCPSTATE_BPF_TCP_STATES_H
#include <stddef.h>
/* An iterator over the TCP sockets of the calling thread's network namespace that yields two
 * bytes per socket, (kernel state, address family): its fd, or -1 with a reason in why. The
 * state of a timewait socket is its substate (TIME_WAIT or FIN_WAIT2), as ss shows it; 0 for
 * one whose substate the kernel would not give (see bpf_tcp_states.c). */
int bpf_tcp_states_open(char *why, size_t whylen);
#endif
