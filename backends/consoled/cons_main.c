/* cons_main.c: hospes-consoled's options, logging, signals and loop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cons.h"

uv_loop_t *cons_loop;
const char *cons_state_dir, *cons_hv_socket, *cons_xs_socket;
size_t cons_client_buffer = CONS_CLIENT_BUFFER_DEFAULT;
static const char *sock_path;
static uv_signal_t sig_term, sig_int;

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

static void on_signal(uv_signal_t *s, int sig)
{
	xbb_log(-1, "signal %d: exiting", sig);
	cons_xs_stop();
	cons_dom_drop_all();
	cons_client_close_all();
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
			cons_state_dir = v;
		else if (!strcmp(a, "--hv-socket"))
			cons_hv_socket = v;
		else if (!strcmp(a, "--xs-socket"))
			cons_xs_socket = v;
		else if (!strcmp(a, "--group"))
			cons_group = v;
		else if (!strcmp(a, "--client-buffer")) {
			char *end;
			unsigned long long b = strtoull(v, &end, 10);

			if (*end || !*v || b < CONS_CLIENT_BUFFER_MIN || b > (1ull << 30)) {
				usage(stderr);
				return -1;
			}
			cons_client_buffer = (size_t)b;
		} else {
			usage(stderr);
			return -1;
		}
		i++;
	}
	if (!cons_state_dir) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int r;

	xbb_progname = "consoled";
	r = parse(argc, argv);

	if (r)
		return r > 0 ? 0 : 2;
	if (!sock_path)
		sock_path = getenv(CONSOLED_SOCKET_ENV) && *getenv(CONSOLED_SOCKET_ENV)
				    ? getenv(CONSOLED_SOCKET_ENV)
				    : CONSOLED_DEFAULT_SOCKET;
	if (stat(cons_state_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		xbb_log(-1, "state directory %s: %s", cons_state_dir,
			 errno ? strerror(errno) : "not a directory");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	cons_auth_init();
	cons_loop = uv_default_loop();
	if ((r = cons_client_listen(sock_path)) < 0) {
		xbb_log(-1, "cannot listen on %s: %s", sock_path, uv_strerror(r));
		return 1;
	}
	uv_signal_init(cons_loop, &sig_term);
	uv_signal_init(cons_loop, &sig_int);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
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
