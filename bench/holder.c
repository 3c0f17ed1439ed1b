/*
 * Bench socket holder: run inside the bench namespace, it makes and keeps loopback sockets.
 *
 *   holder ID EST CW LISTEN [SECONDS]
 *                             make LISTEN listeners on 127.1.ID.1:20000+i, EST ESTABLISHED
 *                             pairs and CW pairs whose client shut down writing (client
 *                             FIN_WAIT2, server CLOSE_WAIT), all held open; print
 *                             "ready SOCKETS", then read commands from stdin:
 *   tw N GEN                  make N TIME_WAIT sockets (client closes first, then server),
 *                             clients on 127.(10+GEN%40).ID.x so each batch has fresh ports;
 *                             print "ok N".
 * Clients bind explicit (address, port) pairs, 127.2.ID.(1+j/50000):(10000+j%50000), so no
 * ephemeral-port search slows the build-up. It exits when stdin closes or after SECONDS
 * (default 3600: a bound, should its parent die without closing the pipe).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int id;
static int nlisten;
static int *lfd;

static void die(const char *what) {
  printf("error %s: %s\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

static int listener(int i) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) die("socket");
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(20000 + i)};
  a.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((unsigned)id << 8) | 1u);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die("bind listener");
  if (listen(s, 4096) < 0) die("listen");
  return s;
}

/* One connected pair: client bound to (127.B.ID.hi, port), server accepted from listener li. */
static void pair(unsigned b, unsigned j, int li, int *c, int *sv) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) die("socket");
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(10000 + j % 50000)};
  a.sin_addr.s_addr = htonl((127u << 24) | (b << 16) | ((unsigned)id << 8) | (1 + j / 50000));
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die("bind client");
  struct sockaddr_in t = {.sin_family = AF_INET, .sin_port = htons(20000 + li)};
  t.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((unsigned)id << 8) | 1u);
  if (connect(s, (struct sockaddr *)&t, sizeof t) < 0) die("connect");
  int a2 = accept(lfd[li], NULL, NULL);
  if (a2 < 0) die("accept");
  *c = s;
  *sv = a2;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: holder ID EST CW LISTEN [SECONDS]\n");
    return 2;
  }
  id = atoi(argv[1]);
  int est = atoi(argv[2]), cw = atoi(argv[3]);
  nlisten = atoi(argv[4]);
  if (nlisten < 1) nlisten = 1;
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  alarm(argc > 5 ? (unsigned)atoi(argv[5]) : 3600);
  lfd = calloc(nlisten, sizeof *lfd);
  for (int i = 0; i < nlisten; i++) lfd[i] = listener(i);
  unsigned j = 0;
  int c, s;
  for (int i = 0; i < est; i++, j++) pair(2, j, j % nlisten, &c, &s);
  for (int i = 0; i < cw; i++, j++) {
    pair(2, j, j % nlisten, &c, &s);
    if (shutdown(c, SHUT_WR) < 0) die("shutdown");
  }
  printf("ready %d\n", nlisten + 2 * est + 2 * cw);
  fflush(stdout);
  char line[128];
  while (fgets(line, sizeof line, stdin)) {
    int n, gen;
    if (sscanf(line, "tw %d %d", &n, &gen) == 2) {
      for (int i = 0; i < n; i++) {
        pair(10 + gen % 40, (unsigned)i, i % nlisten, &c, &s);
        close(c); /* client closes first: it ends in TIME_WAIT */
        close(s);
      }
      printf("ok %d\n", n);
      fflush(stdout);
    }
  }
  return 0;
}
