#ifndef TCPSTATE_NETNS_H
#define TCPSTATE_NETNS_H
/* Moving the calling thread into a network namespace and back (netns.c). */

/* setns() into the network namespace file at path; *orig gets an fd of the one left (for
 * ns_leave). 0, or an errno with *what naming the step that failed. */
int ns_enter(const char *path, int *orig, const char **what);

/* setns() back to the namespace ns_enter left, closing its fd: 0 or an errno. Staying in the
 * wrong namespace would make every later read lie, so callers stop on an error. */
int ns_leave(int orig);

#define NS_BACK_FAILED "setns back to the original network namespace"
#endif
