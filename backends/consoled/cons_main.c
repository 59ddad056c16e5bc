/* cons_main.c: hospes-consoled's options, logging, signals and loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bk_daemon.h"
#include "cons.h"

uv_loop_t *cons_loop;
const char *cons_state_dir, *cons_hv_socket, *cons_xs_socket;
size_t cons_client_buffer = CONS_CLIENT_BUFFER_DEFAULT;

static void usage(FILE *f)
{
	fprintf(f, "usage: hospes-consoled [--socket PATH] --state-dir DIR [--hv-socket PATH]\n"
		   "                       [--xs-socket PATH] [--client-buffer BYTES] [--group NAME]\n"
		   "Serves the PV consoles of the domains in xenstore: logs each to\n"
		   "DIR/console-<domid>.log and lets clients (hospes-console) attach.\n"
		   "--client-buffer: output queued for one client before it is dropped\n"
		   "as too slow (default 262144, at least 4096).\n"
		   "--group: its members may attach too (socket mode 0660; default: root\n"
		   "and the daemon's user only).\n");
}

static void on_signal(int sig)
{
	xbb_log(-1, "signal %d: exiting", sig);
	cons_xs_stop();
	cons_dom_drop_all();
	cons_client_close_all();
}

/* The options only hospes-consoled takes. */
static int parse_own(const char *opt, const char *v)
{
	if (!strcmp(opt, "--group")) {
		cons_group = v;
		return 0;
	}
	if (!strcmp(opt, "--client-buffer")) {
		char *end;
		unsigned long long b = strtoull(v, &end, 10);

		if (*end || !*v || b < CONS_CLIENT_BUFFER_MIN || b > (1ull << 30))
			return -1;
		cons_client_buffer = (size_t)b;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct bk_daemon_args a = {0};
	const char *sock_path;
	int r;

	if (!bk_daemon_init(argc, argv, "consoled", usage, parse_own, &a, &r))
		return r;
	cons_state_dir = a.state_dir;
	cons_hv_socket = a.hv_socket;
	cons_xs_socket = a.xs_socket;
	sock_path = a.socket;
	if (!sock_path)
		sock_path = getenv(CONSOLED_SOCKET_ENV) && *getenv(CONSOLED_SOCKET_ENV)
				? getenv(CONSOLED_SOCKET_ENV)
				: CONSOLED_DEFAULT_SOCKET;
	cons_auth_init();
	cons_loop = uv_default_loop();
	/* Before the socket appears: whoever sees it may SIGTERM us and
	 * expects the clean exit (the loop runs the handler). */
	bk_daemon_signals(cons_loop, on_signal);
	if ((r = cons_client_listen(sock_path)) < 0) {
		xbb_log(-1, "cannot listen on %s: %s", sock_path, uv_strerror(r));
		return 1;
	}
	if (cons_xs_start() < 0) {
		unlink(sock_path);
		return 1;
	}
	xbb_log(-1, "ready on %s", sock_path);
	uv_run(cons_loop, UV_RUN_DEFAULT);
	cons_xs_close();
	unlink(sock_path);
	uv_loop_close(cons_loop);
	return 0;
}
