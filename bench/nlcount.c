/*
 * The reference tcpstate's count is held to: a plain C sock_diag dump of TCP over IPv4 and
 * IPv6 that counts sockets by state, nothing else. Prints the counts and, on stderr, the
 * time from before the first request to after the last reply ("inproc MS").
 *
 * It asks the way tcpstate does, with the old TCPDIAG_GETSOCK request, which the kernel
 * serves with one walk of its socket hash for both families; `nlcount --per-family` makes
 * two SOCK_DIAG_BY_FAMILY dumps instead (what ss does), walking the hash twice.
 */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[64 << 10];

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  int per_family = argc > 1 && strcmp(argv[1], "--per-family") == 0;
  double t0 = now();
  long counts[16] = {0};
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) { perror("socket"); return 1; }
  int fams[2] = {AF_INET, AF_INET6};
  for (int f = 0; f < (per_family ? 2 : 1); f++) {
    if (per_family) {
      struct { struct nlmsghdr nlh; struct inet_diag_req_v2 r; } req;
      memset(&req, 0, sizeof req);
      req.nlh.nlmsg_len = sizeof req;
      req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
      req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
      req.r.sdiag_family = fams[f];
      req.r.sdiag_protocol = IPPROTO_TCP;
      req.r.idiag_states = ~0u & ~(1u << 13);
      if (send(fd, &req, sizeof req, 0) < 0) { perror("send"); return 1; }
    } else {
      struct { struct nlmsghdr nlh; struct inet_diag_req r; } req;
      memset(&req, 0, sizeof req);
      req.nlh.nlmsg_len = sizeof req;
      req.nlh.nlmsg_type = TCPDIAG_GETSOCK;
      req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
      req.r.idiag_family = AF_INET;
      req.r.idiag_states = ~0u & ~(1u << 13);
      if (send(fd, &req, sizeof req, 0) < 0) { perror("send"); return 1; }
    }
    for (int done = 0; !done;) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) { perror("recv"); return 1; }
      for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_ERROR) { fprintf(stderr, "nlcount: the kernel refused the request\n"); return 1; }
        if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
        struct inet_diag_msg *m = NLMSG_DATA(h);
        counts[m->idiag_state & 15]++;
      }
    }
  }
  double t1 = now();
  long total = 0;
  for (int s = 0; s < 16; s++) if (counts[s]) { printf("%d %ld\n", s, counts[s]); total += counts[s]; }
  printf("total %ld\n", total);
  fprintf(stderr, "inproc %.3f\n", t1 - t0);
  return 0;
}
