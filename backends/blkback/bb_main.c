/* bb_main.c: hospes-blkback's options, signals and loop. */
#include <stdio.h>

#include "bb.h"
#include "bctl.h"
#include "bk_daemon.h"
#include "bk_stats.h"

uv_loop_t *bb_loop;
const char *bb_state_dir, *bb_hv_socket;

static void usage(FILE *f)
{
	fprintf(f, "usage: hospes-blkback [--socket PATH] --state-dir DIR [--hv-socket PATH]\n"
		   "                      [--xs-socket PATH]\n"
		   "Serves the PV block devices under /local/domain/0/backend/vbd in\n"
		   "xenstore from the raw image files their params name. Per-device\n"
		   "counters go to DIR/vbd-<domid>-<devid>.stats. --socket serves the\n"
		   "backend control protocol (status, devices) to root.\n");
}

static void on_signal(int sig)
{
	xbb_log(-1, "signal %d: draining and exiting", sig);
	bctl_stop();
	xbb_stop(); /* disconnects every device: in-flight I/O is answered */
	bb_io_stop();
	bk_stats_timer_stop();
}

int main(int argc, char **argv)
{
	struct bk_daemon_args a = {0};
	int status;

	if (!bk_daemon_init(argc, argv, "blkback", usage, NULL, &a, &status))
		return status;
	bb_state_dir = a.state_dir;
	bb_hv_socket = a.hv_socket;
	bb_loop = uv_default_loop();
	if (bb_io_init() < 0)
		return 1;
	bk_daemon_signals(bb_loop, on_signal);
	bk_stats_timer_start(bb_loop, bb_stats_flush);
	if (bk_daemon_serve(bb_loop, a.xs_socket, &bb_vbd_ops, a.socket, &bb_ctl_config) < 0)
		return 1;
	bb_io_close();
	uv_loop_close(bb_loop);
	return 0;
}
