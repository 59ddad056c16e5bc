/* console_fixture.c: hospes-hv + hospes-stored + hospes-consoled, and the
 * toolstack's steps for a guest with a console (see console_fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console_fixture.h"
#include "harness.h"

static char dir[64], sock[128], logpath[160];
static pid_t pid;
static const char *opt_name, *opt_value;

void cfx_consoled_option(const char *name, const char *value)
{
	opt_name = name;
	opt_value = value;
}

char *cfx_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	cr_assert_not_null(buf);
	while (f && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = 0;
	if (f)
		fclose(f);
	return buf;
}

void cfx_consoled_start(void)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/hospes-cons-XXXXXX");
		cr_assert_not_null(mkdtemp(dir));
		snprintf(sock, sizeof(sock), "%s/consoled.sock", dir);
		snprintf(logpath, sizeof(logpath), "%s/consoled.err", dir);
	}
	unlink(sock);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-consoled"), "hospes-consoled", "--socket", sock,
		      "--state-dir", dir, "--hv-socket", dfx_socket(), "--xs-socket",
		      xsfx_socket(), opt_name, opt_value, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 250 && access(sock, F_OK); i++)
		usleep(20000);
	cr_assert_eq(access(sock, F_OK), 0, "hospes-consoled did not start:\n%s",
		     cfx_consoled_log());
}

int cfx_consoled_stop(void)
{
	int code = harness_stop_child(pid, 5000);

	pid = 0;
	return code;
}

void cfx_start(const char *tag)
{
	gsfx_start(tag);
	cfx_consoled_start();
}

void cfx_stop(void)
{
	char cmd[128];
	int code = pid > 0 ? cfx_consoled_stop() : 0;

	/* A clean exit on SIGTERM (under ASan: no leak, no error report). */
	cr_expect_eq(code, 0, "hospes-consoled exited %d:\n%s", code, cfx_consoled_log());
	cfx_consoled_option(NULL, NULL);
	gsfx_stop();
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
		dir[0] = 0;
	}
}

const char *cfx_socket(void)
{
	return sock;
}

int cfx_consoled_pid(void)
{
	return (int)pid;
}

char *cfx_consoled_log(void)
{
	return cfx_slurp(logpath);
}

static void put(struct xsc *xs, uint32_t domid, const char *key, const char *val)
{
	char path[96];
	int r;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
	r = xsc_write_str(xs, 0, path, val);
	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
}

uint32_t cfx_domain(struct hvctl *h, struct xsc *xs, const char *guest, const char *cmdline,
		    bool start)
{
	char rel[128], num[32];
	struct hvctl_domain_config c = { .mem = 64ull << 20, .cmdline = cmdline, .xenstore = true,
					 .console = true };
	struct hvctl_dominfo i;
	uint32_t domid;
	int r;

	snprintf(rel, sizeof(rel), "guests/%s.elf", guest);
	c.kernel = harness_path(rel);
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create %s: %s\n%s", guest, hvctl_strerror(r), dfx_log());
	cr_assert_eq(hvctl_info(h, domid, &i), 0);
	cr_assert(i.console_pfn && i.console_port && i.store_pfn, "no console page for dom%u",
		  domid);
	put(xs, domid, "name", guest);
	snprintf(num, sizeof(num), "%u", domid);
	put(xs, domid, "domid", num);
	/* As libxl writes them for the primary console (ring-ref: a frame). */
	snprintf(num, sizeof(num), "%llu", (unsigned long long)i.console_pfn);
	put(xs, domid, "console/ring-ref", num);
	snprintf(num, sizeof(num), "%u", i.console_port);
	put(xs, domid, "console/port", num);
	put(xs, domid, "console/type", "xenconsoled");
	put(xs, domid, "console/limit", "1048576");
	put(xs, domid, "console/output", "pty");
	put(xs, domid, "console/tty", "");
	put(xs, domid, "console/backend-id", "0");
	r = xsc_introduce(xs, domid, i.store_pfn, i.store_port);
	cr_assert_eq(r, 0, "introduce dom%u: %s\n%s", domid, xsc_strerror(r), xsfx_log());
	if (start) {
		r = hvctl_start(h, domid);
		cr_assert_eq(r, 0, "start dom%u: %s", domid, hvctl_strerror(r));
	}
	return domid;
}

void cfx_wait_shutdown(struct hvctl *h, uint32_t domid, uint32_t ms)
{
	struct hvctl_dominfo i;
	double end = dfx_now_ms() + ms;

	for (;;) {
		cr_assert_eq(hvctl_info(h, domid, &i), 0, "dom%u is gone", domid);
		if (i.state != HVCTL_STATE_CREATED && i.state != HVCTL_STATE_RUNNING &&
		    i.state != HVCTL_STATE_PAUSED)
			break;
		cr_assert_lt(dfx_now_ms(), end,
			     "dom%u still in state %u after %u ms\nconsoled:\n%s\nstored:\n%s\n"
			     "hv:\n%s\nconsole log:\n%s",
			     domid, i.state, ms, cfx_consoled_log(), xsfx_log(), dfx_log(),
			     cfx_console_log(domid));
		usleep(20000);
	}
	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN, "dom%u ended in state %u", domid, i.state);
}

void cfx_release(struct xsc *xs, uint32_t domid)
{
	char path[64];

	xsc_release(xs, domid); /* may already be released by the daemon */
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xsc_rm(xs, 0, path);
}

char *cfx_console_log(uint32_t domid)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/console-%u.log", dir, domid);
	return cfx_slurp(path);
}

int cfx_log_wait(uint32_t domid, const char *text, int ms)
{
	for (int t = 0; t <= ms; t += 20) {
		char *s = cfx_console_log(domid);
		int found = strstr(s, text) != NULL;

		free(s);
		if (found)
			return 1;
		usleep(20000);
	}
	return 0;
}

int cfx_consoled_log_wait(const char *text, int ms)
{
	for (int t = 0; t <= ms; t += 20) {
		char *s = cfx_consoled_log();
		int found = strstr(s, text) != NULL;

		free(s);
		if (found)
			return 1;
		usleep(20000);
	}
	return 0;
}
