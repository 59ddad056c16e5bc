/* hd_main.c: hospesd's command line, startup order and SIGTERM; the only
 * place that exits. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd.h"
#include "hvctl.h"
#include "rpc.h"
#include "xsclient.h"

struct hd_state hd;
static uv_signal_t sigterm, sigint;

static void usage(FILE *f)
{
	fprintf(f, "usage: hospesd [--socket PATH] --state-dir DIR [--hv PATH] [--stored PATH]\n"
		   "               [--consoled PATH] [--keep-services] [--group NAME]\n"
		   "  --socket PATH     JSON-RPC socket (default $HOSPES_SOCKET, else %s)\n"
		   "  --state-dir DIR   definitions, runtime state, service sockets and logs\n"
		   "  --hv PATH         hospes-hv binary (default: next to hospesd)\n"
		   "  --stored PATH     hospes-stored binary (default: next to hospesd)\n"
		   "  --consoled PATH   hospes-consoled binary (default: next to hospesd)\n"
		   "  --blkback PATH    hospes-blkback binary (default: next to hospesd)\n"
		   "  --netback PATH    hospes-netback binary (default: next to hospesd)\n"
		   "  --keep-services   on SIGTERM leave the services and the guests running\n"
		   "  --group NAME      members of NAME may use the API besides root (default hospes)\n",
		   RPC_DEFAULT_SOCKET);
}

static void hv_up(struct hd_service *s)
{
	if (hd.hvc)
		hvctl_close(hd.hvc);
	hd.hvc = NULL;
	hd_dom_rebuild_lost();
}

static void stored_up(struct hd_service *s)
{
	hd_store_lost();
	/* A new hospes-stored starts empty: give every domain its keys back. */
	hd_store_rebuild();
	/* console: hospes-consoled's xenstore connection died with the old
	 * daemon and it does not reconnect; its supervision restarts it and
	 * the new one finds every domain again through its scan. */
	if (hd.consoled.pid > 0) {
		hd_log(-1, "hospes-stored is new: restarting hospes-consoled (pid %d)",
		       (int)hd.consoled.pid);
		kill(hd.consoled.pid, SIGTERM);
	}
	/* block: the same for hospes-blkback (it rescans the backend dirs) */
	if (hd.blkback.pid > 0)
		kill(hd.blkback.pid, SIGTERM);
	/* net: and hospes-netback (its TAP interfaces outlive it) */
	if (hd.netback.pid > 0)
		kill(hd.netback.pid, SIGTERM);
}

static void on_signal(uv_signal_t *s, int sig)
{
	hd_log(-1, "signal %d: shutting down", sig);
	hd_server_stop();
	hd_monitor_stop_all();
	hd_super_stop_all();
	uv_stop(hd.loop);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "hv", required_argument, NULL, 'H' },
		{ "stored", required_argument, NULL, 'S' },
		{ "consoled", required_argument, NULL, 'C' },
		{ "blkback", required_argument, NULL, 'B' },
		{ "netback", required_argument, NULL, 'N' }, /* net */
		{ "keep-services", no_argument, NULL, 'k' },
		{ "group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *dir = NULL, *hv_bin = NULL, *st_bin = NULL, *co_bin = NULL;
	const char *bb_bin = NULL; /* block */
	const char *nb_bin = NULL; /* net */
	char path[HD_PATH_MAX + 16];
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': sock = optarg; break;
		case 'd': dir = optarg; break;
		case 'H': hv_bin = optarg; break;
		case 'S': st_bin = optarg; break;
		case 'C': co_bin = optarg; break;
		case 'B': bb_bin = optarg; break;
		case 'N': nb_bin = optarg; break;
		case 'k': hd.keep_services = true; break;
		case 'g': hd.group = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!hd.group)
		hd.group = "hospes";
	if (!dir || optind != argc) {
		usage(stderr);
		return 2;
	}
	sock = rpc_socket_path(sock);
	/* Service sockets live in the state dir: keep room for their names. */
	if (strlen(dir) > 80 || strlen(sock) >= 108) {
		fprintf(stderr, "hospesd: socket or state-dir path too long\n");
		return 2;
	}
	if (dir[0] != '/') {
		char cwd[HD_PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)) || strlen(cwd) + strlen(dir) > 88) {
			fprintf(stderr, "hospesd: state-dir path too long\n");
			return 2;
		}
		if ((size_t)snprintf(hd.state_dir, sizeof(hd.state_dir), "%s/%s", cwd, dir) >=
		    sizeof(hd.state_dir))
			return 2;
	} else {
		snprintf(hd.state_dir, sizeof(hd.state_dir), "%s", dir);
	}
	snprintf(hd.socket, sizeof(hd.socket), "%s", sock);
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(hd.state_dir, 0700) && errno != EEXIST) {
		hd_log(-1, "%s: %s", hd.state_dir, strerror(errno));
		return 1;
	}
	/* One hospesd per state dir: the lock dies with its holder, also on
	 * SIGKILL, so a restart never finds it stale. */
	snprintf(path, sizeof(path), "%s/hospesd.lock", hd.state_dir);
	int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
		hd_log(-1, "%s: another hospesd uses this state dir", hd.state_dir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/domains", hd.state_dir);
	mkdir(path, 0700);
	if (hd_server_probe())
		return 1;
	hd.loop = uv_default_loop();
	if (hd_super_init(argv[0], hv_bin, st_bin) || hd_super_init_consoled(argv[0], co_bin) ||
	    hd_super_init_blkback(argv[0], bb_bin) || hd_super_init_netback(argv[0], nb_bin) ||
	    hd_monitor_init())
		return 1;
	hd.hv.on_up = hv_up;
	hd.stored.on_up = stored_up;
	if (hd_super_start(&hd.hv) || hd_super_start(&hd.stored) ||
	    hd_super_start(&hd.consoled) || hd_super_start(&hd.blkback) ||
	    hd_super_start(&hd.netback)) {
		hd_log(-1, "cannot start the services");
		hd_super_stop_all();
		return 1;
	}
	hd_dom_restore_all();
	hd_store_rebuild();
	if (hd_server_start()) {
		hd_super_stop_all();
		return 1;
	}
	uv_signal_init(hd.loop, &sigterm);
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	uv_signal_init(hd.loop, &sigint);
	uv_signal_start(&sigint, on_signal, SIGINT);
	hd_log(-1, "ready, listening on %s", hd.socket);
	uv_run(hd.loop, UV_RUN_DEFAULT);
	hd_log(-1, "exiting");
	return 0;
}
