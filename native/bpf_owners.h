#ifndef TCPSTATE_BPF_OWNERS_H
#define TCPSTATE_BPF_OWNERS_H
#include <stddef.h>
#include <stdint.h>
/* (inode, pid, fd) triples of every socket fd on the machine, from a BPF task_file iterator:
 * 0 with *out (malloc'd, *count entries of uint32_t) or -1 with a reason in why. */
int bpf_socket_owners(uint32_t **out, size_t *count, char *why, size_t whylen);
#endif
