/* bk_daemon.h: what every backend daemon's main() does the same way:
 * the options all of them take, the state directory check, and the
 * SIGTERM/SIGINT handlers on the libuv loop (bk_daemon.c); serving
 * xbb's devices and the control socket until stopped (bk_daemon_serve.c,
 * for the daemons built on xbb). */
#ifndef HOSPES_BK_DAEMON_H
#define HOSPES_BK_DAEMON_H

#include <stdbool.h>
#include <stdio.h>

#include <uv.h>

/* The options every backend daemon takes. */
struct bk_daemon_args {
	const char *socket;    /* --socket */
	const char *state_dir; /* --state-dir (required) */
	const char *hv_socket; /* --hv-socket */
	const char *xs_socket; /* --xs-socket */
};

/* A daemon's own option with its value: 0 taken, -1 unknown or a bad
 * value (usage(stderr) is then printed). */
typedef int bk_daemon_opt_fn(const char *opt, const char *value);

/* The start of main(): names the program in the log (xbb_progname),
 * parses argv ("--opt VALUE" pairs) into a, asking extra (may be NULL)
 * about the options that are not the common four, checks that the state
 * directory is one (logged if not) and ignores SIGPIPE.
 * false when main should return *status (0 after --help, 2 for a usage
 * error, 1 without a state directory). */
bool bk_daemon_init(int argc, char **argv, const char *progname, void (*usage)(FILE *f),
		    bk_daemon_opt_fn *extra, struct bk_daemon_args *a, int *status);

/* Starts the SIGTERM and SIGINT handlers on loop: the first signal calls
 * stop(sig) (the daemon logs and closes its handles so that uv_run
 * returns), then closes both handlers. */
void bk_daemon_signals(uv_loop_t *loop, void (*stop)(int sig));

struct xbb_ops;
struct bctl_config;
/* After the signal handlers: starts xbb for ops, then the control socket
 * at sock_path (if not NULL) so that a client asking "status" sees a
 * serving daemon, logs "ready" and runs loop until stopped; then closes
 * xbb. 0, or -1 (logged) if starting failed. */
int bk_daemon_serve(uv_loop_t *loop, const char *xs_socket, const struct xbb_ops *ops,
		    const char *sock_path, const struct bctl_config *ctl);

#endif
