/* net_fixture.c: the network namespace, hospes-netback in it, the vif
 * directories and the checks the network tests share (net_fixture.h). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "net_fixture.h"

static char ns[32], dir[64], logpath[160], ctl_socket[100];
static pid_t nb_pid;

int nfx_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* ---- the namespace and the temp dir ------------------------------------ */

void nfx_ns_create(void)
{
	snprintf(ns, sizeof(ns), "hsp%d", (int)getpid());
	cr_assert_eq(nfx_sh("ip netns add %s", ns), 0, "cannot create network namespace %s", ns);
	cr_assert_eq(nfx_sh("ip netns exec %s ip link set lo up", ns), 0);
}

void nfx_ns_enter(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(setns(fd, CLONE_NEWNET), 0);
	close(fd);
}

void nfx_ns_remove(void)
{
	/* Takes the TAP devices with it. */
	if (ns[0] && nfx_sh("ip netns del %s 2>/dev/null", ns))
		fprintf(stderr, "cannot remove network namespace %s\n", ns);
	ns[0] = 0;
}

const char *nfx_ns(void)
{
	return ns;
}

void nfx_dir_create(const char *tag)
{
	snprintf(dir, sizeof(dir), "/tmp/hospes-%s-XXXXXX", tag);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/netback.err", dir);
	snprintf(ctl_socket, sizeof(ctl_socket), "%s/netback.sock", dir);
}

void nfx_dir_remove(void)
{
	if (dir[0] && nfx_sh("rm -rf %s", dir))
		fprintf(stderr, "cannot remove %s\n", dir);
	dir[0] = 0;
}

const char *nfx_dir(void)
{
	return dir;
}

const char *nfx_ctl_socket(void)
{
	return ctl_socket;
}

/* ---- hospes-netback ----------------------------------------------------- */

char *nfx_netback_log(void)
{
	return harness_read_file(logpath);
}

int nfx_netback_log_count(const char *what)
{
	return harness_file_count(logpath, what);
}

void nfx_netback_start(const char *hv_socket, const char *xs_socket, int ctl)
{
	int before = nfx_netback_log_count("netback: ready");

	nb_pid = fork();
	cr_assert_geq(nb_pid, 0);
	if (nb_pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execlp("ip", "ip", "netns", "exec", ns, harness_path("bin/hospes-netback"),
		       "--state-dir", dir, "--hv-socket", hv_socket, "--xs-socket", xs_socket,
		       ctl ? "--socket" : (char *)NULL, ctl_socket, (char *)NULL);
		_exit(127);
	}
	harness_wait_ready(nb_pid, logpath, "netback: ready", before, "hospes-netback");
}

int nfx_netback_stop(void)
{
	int code = nb_pid > 0 ? harness_stop_child(nb_pid, 5000) : 0;

	nb_pid = 0;
	return code;
}

void nfx_netback_kill(void)
{
	kill(nb_pid, SIGKILL);
	waitpid(nb_pid, NULL, 0);
	nb_pid = 0;
}

pid_t nfx_netback_pid(void)
{
	return nb_pid;
}

/* ---- what netback made -------------------------------------------------- */

long long nfx_stat(uint32_t domid, unsigned devid, const char *key)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/vif-%u-%u.stats", dir, domid, devid);
	return harness_stats_value(path, key);
}

int nfx_tap_up(uint32_t domid)
{
	return nfx_sh("ip netns exec %s ip -o link show vif%u.0 2>/dev/null | grep -q '[<,]UP[,>]'",
		      ns, domid) == 0;
}

void nfx_wait_tap(uint32_t domid)
{
	for (int i = 0; i < 250 && !nfx_tap_up(domid); i++)
		usleep(20000);
	cr_assert(nfx_tap_up(domid), "vif%u.0 not up in %s:\n%s", domid, ns, nfx_netback_log());
}
