/* xs_main.c: hospes-stored: command line, socket setup, the event loop,
 * clean exit on SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "xs_persist.h"
#include "xs_ring.h"
#include "xs_uv.h"

static uv_pipe_t server;
static const char *sock_path;

static void usage(FILE *f)
{
	fprintf(f, "usage: hospes-stored [--socket PATH] [--state-dir DIR] [--hv-socket PATH]\n"
		   "                     [--quota NAME=VALUE]...\n"
		   "  --socket     listening socket (default $%s, else %s)\n"
		   "  --hv-socket  hospes-hv control socket for guest rings (default\n"
		   "               $HOSPES_HV_SOCKET, else /run/hospes/hv.sock)\n"
		   "  --state-dir  directory for daemon state (created if missing)\n"
		   "  --quota      per-domain limit: nodes, node-size, watches, transactions,\n"
		   "               outstanding, perms (dom0 is exempt)\n",
		XS_SOCKET_ENV, XS_DEFAULT_SOCKET);
}

static void on_signal(uv_signal_t *s, int signum)
{
	xs_log(NULL, "signal %d: shutting down", signum);
	uv_close((uv_handle_t *)&server, NULL);
	unlink(sock_path);
	xs_ring_close_all();
	xs_persist_stop();
	xs_uv_close_all(s->loop, &server);
}

/* A socket file left by a daemon that died is removed; a live one is not. */
static int clear_stale_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		xs_log(NULL, "%s exists and is not a socket", path);
		return -1;
	}
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	if (r == 0) {
		xs_log(NULL, "another daemon is listening on %s", path);
		return -1;
	}
	return unlink(path);
}

int main(int argc, char **argv)
{
	const char *state_dir = NULL;
	uv_loop_t *loop = uv_default_loop();
	uv_signal_t sigterm, sigint;

	sock_path = getenv(XS_SOCKET_ENV);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (i + 1 < argc && !strcmp(a, "--socket")) {
			sock_path = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--state-dir")) {
			state_dir = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--hv-socket")) {
			xs_hv_socket = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--quota")) {
			if (xs_quota_set(argv[++i]) < 0) {
				fprintf(stderr, "hospes-stored: bad quota '%s'\n", argv[i]);
				usage(stderr);
				return 2;
			}
		} else {
			fprintf(stderr, "hospes-stored: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!sock_path || !*sock_path) {
		sock_path = XS_DEFAULT_SOCKET;
		if (mkdir("/run/hospes", 0755) < 0 && errno != EEXIST) {
			xs_log(NULL, "cannot create /run/hospes: %s", strerror(errno));
			return 1;
		}
	}
	if (strlen(sock_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		xs_log(NULL, "socket path %s is too long for a UNIX socket", sock_path);
		return 1;
	}
	if (state_dir && mkdir(state_dir, 0700) < 0 && errno != EEXIST) {
		xs_log(NULL, "cannot create state dir %s: %s", state_dir, strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	xs_store_init();
	if (!xs_store_ready()) {
		xs_log(NULL, "out of memory");
		return 1;
	}
	xs_ring_init(loop);
	/* The tree of the previous run, kept in the state directory. */
	if (state_dir) {
		xs_persist_load(state_dir); /* a bad file is logged and moved aside */
		if (!xs_store_ready() || xs_persist_start(loop, state_dir) < 0) {
			xs_log(NULL, "cannot keep the tree in %s", state_dir);
			xs_store_fini();
			return 1;
		}
	}
	if (clear_stale_socket(sock_path) < 0 || xs_uv_listen(loop, &server, sock_path) < 0) {
		xs_store_fini();
		return 1;
	}
	uv_signal_init(loop, &sigterm);
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	uv_signal_init(loop, &sigint);
	uv_signal_start(&sigint, on_signal, SIGINT);
	xs_log(NULL, "ready, listening on %s", sock_path);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	xs_store_fini();
	xs_log(NULL, "exited");
	return 0;
}
