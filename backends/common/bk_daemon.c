/* bk_daemon.c: the options, state directory check and signal handlers
 * every backend daemon's main() shares. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "bk_daemon.h"
#include "xbb_log.h"

static uv_signal_t sig_term, sig_int;
static void (*stop_fn)(int sig);

/* 0: run; 1: --help printed to stdout; -1: usage printed to stderr. */
static int parse(int argc, char **argv, void (*usage)(FILE *f), bk_daemon_opt_fn *extra,
		 struct bk_daemon_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			usage(stdout);
			return 1;
		}
		if (!v) {
			usage(stderr);
			return -1;
		}
		if (!strcmp(o, "--socket"))
			a->socket = v;
		else if (!strcmp(o, "--state-dir"))
			a->state_dir = v;
		else if (!strcmp(o, "--hv-socket"))
			a->hv_socket = v;
		else if (!strcmp(o, "--xs-socket"))
			a->xs_socket = v;
		else if (!extra || extra(o, v) < 0) {
			usage(stderr);
			return -1;
		}
		i++;
	}
	if (!a->state_dir) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int check_state_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		xbb_log(-1, "state directory %s: %s", dir,
			errno ? strerror(errno) : "not a directory");
		return -1;
	}
	return 0;
}

bool bk_daemon_init(int argc, char **argv, const char *progname, void (*usage)(FILE *f),
		    bk_daemon_opt_fn *extra, struct bk_daemon_args *a, int *status)
{
	int r;

	xbb_progname = progname;
	r = parse(argc, argv, usage, extra, a);
	if (r) {
		*status = r > 0 ? 0 : 2;
		return false;
	}
	if (check_state_dir(a->state_dir) < 0) {
		*status = 1;
		return false;
	}
	signal(SIGPIPE, SIG_IGN);
	return true;
}

static void on_signal(uv_signal_t *s, int sig)
{
	(void)s;
	stop_fn(sig);
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
}

void bk_daemon_signals(uv_loop_t *loop, void (*stop)(int sig))
{
	stop_fn = stop;
	uv_signal_init(loop, &sig_term);
	uv_signal_init(loop, &sig_int);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
}
