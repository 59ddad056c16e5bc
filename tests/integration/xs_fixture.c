/* xs_fixture.c: a private hospes-stored and the xenstore-* tool runner. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "xs_fixture.h"

static char dir[64], sock[128], logpath[160];
static pid_t daemon_pid;

void xsfx_start(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hospes-xs-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/xenstored.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/stored.log", dir);
	daemon_pid = fork();
	cr_assert_geq(daemon_pid, 0);
	if (daemon_pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-stored"), "hospes-stored", "--socket", sock,
		      "--state-dir", dir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 250 && access(sock, F_OK); i++)
		usleep(20000);
	cr_assert_eq(access(sock, F_OK), 0, "hospes-stored did not create %s", sock);
	setenv("XENSTORED_PATH", sock, 1);
}

static int wait_code(pid_t pid, int ms)
{
	int st;

	for (int i = 0; i <= ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	return -1;
}

int xsfx_stop(void)
{
	char cmd[128];
	int code = -1;

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		code = wait_code(daemon_pid, 5000);
		if (code < 0) {
			kill(daemon_pid, SIGKILL);
			waitpid(daemon_pid, NULL, 0);
		}
		daemon_pid = 0;
	}
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
		dir[0] = 0;
	}
	unsetenv("XENSTORED_PATH");
	return code;
}

const char *xsfx_socket(void)
{
	return sock;
}

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

char *xsfx_log(void)
{
	static char buf[16384];

	slurp(logpath, buf, sizeof(buf));
	return buf;
}

struct xsc *xsfx_client(void)
{
	struct xsc *h;
	int r = xsc_open(sock, &h);

	cr_assert_eq(r, 0, "connect %s: %s", sock, xsc_strerror(r));
	return h;
}

static pid_t spawn(const char *const argv[], const char *out, const char *err)
{
	char prog[256];
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(o, 1);
		dup2(e, 2);
		snprintf(prog, sizeof(prog), "/usr/bin/%s", argv[0]);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

struct xsfx_run xsfx_tool(const char *const argv[])
{
	static struct xsfx_run r;
	char out[192], err[192];
	pid_t pid;

	snprintf(out, sizeof(out), "%s/tool.out", dir);
	snprintf(err, sizeof(err), "%s/tool.err", dir);
	pid = spawn(argv, out, err);
	r.status = wait_code(pid, 10000);
	if (r.status < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	slurp(out, r.out, sizeof(r.out));
	slurp(err, r.err, sizeof(r.err));
	return r;
}

pid_t xsfx_tool_bg(const char *const argv[], const char *outfile)
{
	char err[192];

	snprintf(err, sizeof(err), "%s.err", outfile);
	return spawn(argv, outfile, err);
}

int xsfx_file_wait(const char *file, const char *text, int ms)
{
	char buf[8192];

	for (int i = 0; i <= ms / 10; i++, usleep(10000)) {
		slurp(file, buf, sizeof(buf));
		if (strstr(buf, text))
			return 1;
	}
	return 0;
}

int xsfx_wait_exit(pid_t pid, int ms)
{
	return wait_code(pid, ms);
}
