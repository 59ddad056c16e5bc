/* daemon_fixture.c: a private `hospes-hv daemon` for multi-domain tests. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon_fixture.h"
#include "harness.h"

static char dir[64], sock[128], logpath[160];
static pid_t daemon_pid;

void dfx_start(const char *tag)
{
	harness_require_kvm();
	snprintf(dir, sizeof(dir), "/tmp/hospes-%s-XXXXXX", tag);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/hv.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/daemon.log", dir);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-hv"), "hospes-hv", "daemon", "--socket", sock,
		      "--state-dir", dir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && access(sock, F_OK); i++)
		usleep(20000);
	cr_assert_eq(access(sock, F_OK), 0, "daemon did not create %s", sock);
}

const char *dfx_socket(void)
{
	return sock;
}

int dfx_stop(void)
{
	char cmd[128];
	int st = 0, code = -2;

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		for (int i = 0; i < 400 && code == -2; i++) {
			if (waitpid(daemon_pid, &st, WNOHANG) == daemon_pid)
				code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			else
				usleep(50000);
		}
		if (code == -2) {
			kill(daemon_pid, SIGKILL);
			waitpid(daemon_pid, &st, 0);
		}
		daemon_pid = 0;
	}
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
		dir[0] = 0;
	}
	return code;
}

int dfx_alive(void)
{
	return daemon_pid > 0 && waitpid(daemon_pid, NULL, WNOHANG) == 0;
}

char *dfx_log(void)
{
	return harness_read_file(logpath);
}

struct hvctl *dfx_connect(void)
{
	struct hvctl *h;
	int r = hvctl_connect(sock, &h);

	cr_assert_eq(r, 0, "connect: %s", hvctl_strerror(r));
	return h;
}

uint32_t dfx_create(struct hvctl *h, const char *guest, uint64_t mem, const char *cmdline,
		    bool start)
{
	char rel[128];
	struct hvctl_domain_config c = { .mem = mem, .cmdline = cmdline, .start = start };
	uint32_t domid = 0;
	int r;

	snprintf(rel, sizeof(rel), "guests/%s.elf", guest);
	c.kernel = harness_path(rel);
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create %s: %s\n%s", guest, hvctl_strerror(r), dfx_log());
	return domid;
}

uint32_t dfx_free_id(struct hvctl *h, unsigned n)
{
	uint32_t ids[64];
	unsigned count, k = 0;

	cr_assert_eq(hvctl_list(h, ids, 64, &count), 0);
	cr_assert_leq(count, 64);
	for (uint32_t id = 1;; id++) {
		bool used = false;

		for (unsigned i = 0; i < count; i++)
			used |= ids[i] == id;
		if (!used && k++ == n)
			return id;
	}
}

char *dfx_console(uint32_t domid)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/console-%u.log", dir, domid);
	return harness_read_file(path);
}

int dfx_console_wait(uint32_t domid, const char *text, int ms)
{
	for (double end = dfx_now_ms() + ms;; usleep(20000)) {
		char *c = dfx_console(domid);
		int found = strstr(c, text) != NULL;

		free(c);
		if (found)
			return 1;
		if (dfx_now_ms() > end)
			return 0;
	}
}

static bool ended(uint32_t state)
{
	return state != HVCTL_STATE_CREATED && state != HVCTL_STATE_RUNNING &&
	       state != HVCTL_STATE_PAUSED;
}

struct hvctl_dominfo dfx_wait_end(struct hvctl *h, uint32_t domid, uint32_t timeout_ms)
{
	struct hvctl_dominfo i;
	double end = dfx_now_ms() + timeout_ms;
	int r;

	cr_assert_eq(hvctl_info(h, domid, &i), 0, "domain %u is gone", domid);
	while (!ended(i.state)) {
		double left = end - dfx_now_ms();

		cr_assert_gt(left, 0, "domain %u still in state %u after %u ms; console:\n%s", domid,
			     i.state, timeout_ms, dfx_console(domid));
		r = hvctl_wait(h, domid, i.generation, (uint32_t)left + 1, &i);
		cr_assert(r == 0 || r == -ETIMEDOUT, "wait %u: %s", domid, hvctl_strerror(r));
		if (r)
			cr_assert_eq(hvctl_info(h, domid, &i), 0);
	}
	return i;
}

double dfx_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
