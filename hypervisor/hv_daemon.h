/* hv_daemon.h: `hospes-hv daemon`: every domain in one process, driven by
 * dom0 programs over the control socket (pvabi/hvctl.h). */
#ifndef HOSPES_HV_DAEMON_H
#define HOSPES_HV_DAEMON_H

struct hv_daemon_opts {
	const char *socket_path; /* the control socket to create */
	const char *state_dir;   /* console logs; must exist */
};

/* Serves until SIGTERM/SIGINT, then destroys every domain, removes the
 * socket and returns 0 (1 if it could not start). Expects HV_KICK_SIGNAL,
 * SIGINT and SIGTERM blocked. */
int hv_daemon(const struct hv_daemon_opts *o);

#endif
