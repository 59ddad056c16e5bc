/* hd_super_setup.c: where the services' binaries, sockets, state dirs,
 * pid files and logs are; stopping them on hospesd's SIGTERM. */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hd.h"

static int setup(struct hd_service *s, const char *name, const char *bin, const char *self_dir,
		 const char *sockname, const char *sub)
{
	s->name = name;
	s->pidfd = -1;
	s->backoff_ms = BACKOFF_MIN_MS;
	if (bin)
		snprintf(s->bin, sizeof(s->bin), "%s", bin);
	else
		snprintf(s->bin, sizeof(s->bin), "%s/%s", self_dir, name);
	if (access(s->bin, X_OK)) {
		hd_log(-1, "%s: %s is not executable", name, s->bin);
		return -ENOENT;
	}
	snprintf(s->sock, sizeof(s->sock), "%s/%s", hd.state_dir, sockname);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", hd.state_dir, sub);
	snprintf(s->pidfile, sizeof(s->pidfile), "%s/%s.pid", hd.state_dir, sub);
	snprintf(s->logfile, sizeof(s->logfile), "%s/%s.log", hd.state_dir, sub);
	mkdir(s->dir, 0700);
	s->backoff = calloc(1, sizeof(*s->backoff));
	if (!s->backoff)
		return -ENOMEM;
	uv_timer_init(hd.loop, s->backoff);
	s->backoff->data = s;
	return 0;
}

int hd_super_init(const char *self, const char *hv_bin, const char *stored_bin)
{
	char exe[HD_PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	if (n <= 0)
		snprintf(exe, sizeof(exe), "%s", self);
	dir = dirname(exe);
	if (setup(&hd.hv, "hospes-hv", hv_bin, dir, "hv.sock", "hv") ||
	    setup(&hd.stored, "hospes-stored", stored_bin, dir, "xenstored.sock", "stored"))
		return -ENOENT;
	return 0;
}

/* console: members of the API group reach consoled.sock (mode 0660, group
 * hd.group) through the state dir: group gets search (x) but not read, so
 * they can neither list it nor open anything else (the other sockets and
 * files are root's). Without such a group the dir stays 0700. */
static void group_traversal(void)
{
	struct group *gr = getgrnam(hd.group);

	if (!gr)
		return;
	if (chown(hd.state_dir, (uid_t)-1, gr->gr_gid) || chmod(hd.state_dir, 0710))
		hd_log(-1, "%s: cannot open it to group %s: %s", hd.state_dir, hd.group,
		       strerror(errno));
}

/* console: hospes-consoled next to hospesd unless --consoled names it. */
int hd_super_init_consoled(const char *self, const char *bin)
{
	char exe[HD_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	if (n <= 0)
		snprintf(exe, sizeof(exe), "%s", self);
	group_traversal();
	return setup(&hd.consoled, "hospes-consoled", bin, dirname(exe), "consoled.sock",
		     "consoled");
}

/* block: hospes-blkback next to hospesd unless --blkback names it; it is
 * up when its control socket answers "status". */
int hd_super_init_blkback(const char *self, const char *bin)
{
	char exe[HD_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	if (n <= 0)
		snprintf(exe, sizeof(exe), "%s", self);
	hd.blkback.ctl_status = true;
	return setup(&hd.blkback, "hospes-blkback", bin, dirname(exe), "blkback.sock",
		     "blkback");
}

/* net: hospes-netback, the same way (its control socket answers "status"). */
int hd_super_init_netback(const char *self, const char *bin)
{
	char exe[HD_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	if (n <= 0)
		snprintf(exe, sizeof(exe), "%s", self);
	hd.netback.ctl_status = true;
	return setup(&hd.netback, "hospes-netback", bin, dirname(exe), "netback.sock",
		     "netback");
}

static void stop_one(struct hd_service *s)
{
	uv_timer_stop(s->backoff);
	hd_super_unwatch(s);
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	kill(s->pid, SIGCONT); /* robust: a stopped one handles SIGTERM only once resumed */
	for (int i = 0; i < 200 && kill(s->pid, 0) == 0; i++) {
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
			break;
		usleep(50000);
	}
	if (kill(s->pid, 0) == 0 && waitpid(s->pid, NULL, WNOHANG) == 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	unlink(s->pidfile);
	hd_log(-1, "%s: stopped", s->name);
	s->pid = 0;
}

void hd_super_stop_all(void)
{
	if (hd.keep_services) {
		uv_timer_stop(hd.hv.backoff);
		uv_timer_stop(hd.stored.backoff);
		uv_timer_stop(hd.consoled.backoff);
		uv_timer_stop(hd.blkback.backoff);
		uv_timer_stop(hd.netback.backoff); /* net */
		hd_log(-1, "leaving hospes-hv (pid %d), hospes-stored (pid %d) and "
		       "hospes-consoled (pid %d) running",
		       (int)hd.hv.pid, (int)hd.stored.pid, (int)hd.consoled.pid);
		return;
	}
	/* the console daemon first: it is a client of the other two */
	stop_one(&hd.consoled);
	stop_one(&hd.blkback); /* block: a client of the other two, too */
	stop_one(&hd.netback); /* net: the same; it leaves the TAPs for a */
	hd_vif_delete_taps();  /* restart, but the guests end with us */
	stop_one(&hd.stored);
	stop_one(&hd.hv);
}
