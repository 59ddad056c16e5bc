/* bb_main.c: hospes-blkback's options, signals and loop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bb.h"
#include "bctl.h"

uv_loop_t *bb_loop;
const char *bb_state_dir, *bb_hv_socket;
static const char *xs_socket, *sock_path;
static uv_signal_t sig_term, sig_int;

static void usage(FILE *f)
{
	fprintf(f, "usage: hospes-blkback [--socket PATH] --state-dir DIR [--hv-socket PATH]\n"
		   "                      [--xs-socket PATH]\n"
		   "Serves the PV block devices under /local/domain/0/backend/vbd in\n"
		   "xenstore from the raw image files their params name. Per-device\n"
		   "counters go to DIR/vbd-<domid>-<devid>.stats. --socket serves the\n"
		   "backend control protocol (status, devices) to root.\n");
}

static void on_signal(uv_signal_t *s, int sig)
{
	xbb_log(-1, "signal %d: draining and exiting", sig);
	bctl_stop();
	xbb_stop(); /* disconnects every device: in-flight I/O is answered */
	bb_io_stop();
	bb_stats_stop();
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
			bb_state_dir = v;
		else if (!strcmp(a, "--hv-socket"))
			bb_hv_socket = v;
		else if (!strcmp(a, "--xs-socket"))
			xs_socket = v;
		else {
			usage(stderr);
			return -1;
		}
		i++;
	}
	if (!bb_state_dir) {
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
	xbb_progname = "blkback";
	if (stat(bb_state_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		xbb_log(-1, "state directory %s: %s", bb_state_dir,
			errno ? strerror(errno) : "not a directory");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	bb_loop = uv_default_loop();
	if (bb_io_init() < 0)
		return 1;
	uv_signal_init(bb_loop, &sig_term);
	uv_signal_init(bb_loop, &sig_int);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	bb_stats_init();
	if (xbb_start(bb_loop, xs_socket, &bb_vbd_ops) < 0)
		return 1;
	/* after xbb: a client asking "status" then sees a serving daemon */
	if (sock_path && bctl_start(bb_loop, sock_path, &bb_ctl_config) < 0)
		return 1;
	xbb_log(-1, "ready");
	uv_run(bb_loop, UV_RUN_DEFAULT);
	xbb_close();
	bb_io_close();
	uv_loop_close(bb_loop);
	return 0;
}
