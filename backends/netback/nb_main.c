/* nb_main.c: hospes-netback's options, signals and loop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bctl.h"
#include "nb.h"

uv_loop_t *nb_loop;
const char *nb_state_dir, *nb_hv_socket;
bool nb_stopping;
static const char *xs_socket, *sock_path;
static uv_signal_t sig_term, sig_int;

static void usage(FILE *f)
{
	fprintf(f, "usage: hospes-netback [--socket PATH] --state-dir DIR [--hv-socket PATH]\n"
		   "                      [--xs-socket PATH]\n"
		   "Serves the PV network devices under /local/domain/0/backend/vif in\n"
		   "xenstore, each through a TAP interface vif<domid>.<devid> in the\n"
		   "current network namespace. Per-device counters go to\n"
		   "DIR/vif-<domid>-<devid>.stats. --socket serves the backend control\n"
		   "protocol (status, devices) to root.\n");
}

static void on_signal(uv_signal_t *s, int sig)
{
	(void)s;
	xbb_log(-1, "signal %d: exiting (the TAP interfaces stay)", sig);
	nb_stopping = true;
	bctl_stop();
	xbb_stop();
	nb_stats_stop();
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
}

static int parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		}
		if (!v) {
			usage(stderr);
			return -1;
		}
		if (!strcmp(a, "--socket"))
			sock_path = v;
		else if (!strcmp(a, "--state-dir"))
			nb_state_dir = v;
		else if (!strcmp(a, "--hv-socket"))
			nb_hv_socket = v;
		else if (!strcmp(a, "--xs-socket"))
			xs_socket = v;
		else {
			usage(stderr);
			return -1;
		}
		i++;
	}
	if (!nb_state_dir) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int r = parse(argc, argv);

	if (r)
		return r > 0 ? 0 : 2;
	xbb_progname = "netback";
	if (stat(nb_state_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		xbb_log(-1, "state directory %s: %s", nb_state_dir,
			errno ? strerror(errno) : "not a directory");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	nb_loop = uv_default_loop();
	uv_signal_init(nb_loop, &sig_term);
	uv_signal_init(nb_loop, &sig_int);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	nb_stats_init();
	if (xbb_start(nb_loop, xs_socket, &nb_vif_ops) < 0)
		return 1;
	/* after xbb: a client asking "status" then sees a serving daemon */
	if (sock_path && bctl_start(nb_loop, sock_path, &nb_ctl_config) < 0)
		return 1;
	xbb_log(-1, "ready");
	uv_run(nb_loop, UV_RUN_DEFAULT);
	xbb_close();
	uv_loop_close(nb_loop);
	return 0;
}
