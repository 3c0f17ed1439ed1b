#ifndef TCPSTATE_BPF_TCP_STATES_H
#define TCPSTATE_BPF_TCP_STATES_H
#include <stddef.h>
/* An iterator over the TCP sockets of the calling thread's network namespace that yields two
 * bytes per socket, (kernel state, address family): its fd, or -1 with a reason in why. The
 * state of a timewait socket is its substate (TIME_WAIT or FIN_WAIT2), as ss shows it; 0 for
 * one whose substate the kernel would not give (see bpf_tcp_states.c). With with_ports, six
 * bytes: those two, then the local and the remote port (u16 each, host order). */
int bpf_tcp_states_open(int with_ports, char *why, size_t whylen);
#endif
