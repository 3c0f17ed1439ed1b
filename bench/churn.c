/* Connection churn for bench/trace.mjs: RATE connections a second for SECONDS on loopback
 * (listener and client in this process), each connected, accepted and reset on close
 * (SO_LINGER 0: no TIME_WAIT, so ports never run out). Prints the connections made and
 * the seconds taken. Usage: churn PORT RATE SECONDS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: churn PORT RATE SECONDS\n"); return 2; }
  int port = atoi(argv[1]);
  double rate = atof(argv[2]), secs = atof(argv[3]);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4096) < 0) { perror("listen"); return 1; }
  struct linger lg = {1, 0};
  double t0 = now();
  long made = 0;
  while (now() - t0 < secs) {
    /* catch up to the schedule, then wait for the next connection's time */
    double due = t0 + (double)made / rate;
    double wait = due - now();
    if (wait > 0.0005) usleep((useconds_t)(wait * 1e6));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    int s = accept(l, NULL, NULL);
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c);
    close(s);
    made++;
  }
  close(l);
  printf("%ld %.3f\n", made, now() - t0);
  return 0;
}
