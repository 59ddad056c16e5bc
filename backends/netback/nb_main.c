/* nb_main.c: hospes-netback's options, signals and loop. */
#include <stdio.h>

#include "bctl.h"
#include "bk_daemon.h"
#include "bk_stats.h"
#include "nb.h"

uv_loop_t *nb_loop;
const char *nb_state_dir, *nb_hv_socket;
bool nb_stopping;

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

static void on_signal(int sig)
{
	xbb_log(-1, "signal %d: exiting (the TAP interfaces stay)", sig);
	nb_stopping = true;
	bctl_stop();
	xbb_stop();
	bk_stats_timer_stop();
}

int main(int argc, char **argv)
{
	struct bk_daemon_args a = {0};
	int status;

	if (!bk_daemon_init(argc, argv, "netback", usage, NULL, &a, &status))
		return status;
	nb_state_dir = a.state_dir;
	nb_hv_socket = a.hv_socket;
	nb_loop = uv_default_loop();
	bk_daemon_signals(nb_loop, on_signal);
	bk_stats_timer_start(nb_loop, nb_stats_flush);
	if (bk_daemon_serve(nb_loop, a.xs_socket, &nb_vif_ops, a.socket, &nb_ctl_config) < 0)
		return 1;
	uv_loop_close(nb_loop);
	return 0;
}
