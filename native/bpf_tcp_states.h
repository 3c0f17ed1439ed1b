#ifndef TCPSTATE_BPF_TCP_STATES_H
#define TCPSTATE_BPF_TCP_STATES_H
#include <stddef.h>
/* An iterator over the TCP sockets of the calling thread's network namespace that yields two
 * bytes per socket, (kernel state, address family): its fd, or -1 with a reason in why. */
int bpf_tcp_states_open(char *why, size_t whylen);
#endif
