/*
 * measure NETNS_PATH CMD [LIMIT_S]: enter the network namespace (setns, so no "ip netns exec"
 * cost is timed), run "sh -c CMD" with stdout to /dev/null, and print "WALL_MS MAXRSS_KB
 * STATUS". With LIMIT_S, the command's process group is killed after that many seconds and
 * STATUS is 124.
 * MAXRSS is wait4's ru_maxrss: the largest resident set of the command and the children it
 * waited for (the biggest process of a pipeline).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t expired;
static void on_alarm(int sig) { (void)sig; expired = 1; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: measure NETNS_PATH CMD\n"); return 2; }
  int ns = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) { perror(argv[1]); return 2; }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t p = fork();
  if (p == 0) {
    setpgid(0, 0);
    int dn = open("/dev/null", O_WRONLY);
    dup2(dn, 1);
    execl("/bin/sh", "sh", "-c", argv[2], (char *)NULL);
    _exit(127);
  }
  setpgid(p, p);
  if (argc > 3) {
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)atoi(argv[3]));
  }
  int st;
  struct rusage ru;
  while (wait4(p, &st, 0, &ru) < 0) {
    if (errno != EINTR) { perror("wait4"); return 2; }
    if (expired) kill(-p, SIGKILL);
  }
  if (expired) {
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.3f %ld 124\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6, ru.ru_maxrss);
    return 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.3f %ld %d\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6, ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  return 0;
}
