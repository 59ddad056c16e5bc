/* test_demo.c: `make demo`'s script run without a terminal (as in CI or
 * `make demo </dev/null`): hospesd and its services start, the nido demo
 * guest answers the scripted console session, and everything is stopped
 * and removed at the end. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define SCRIPT "toolstack/examples/demo.sh"

/* Runs the script with stdin /dev/null; output (stdout + stderr) in out. */
static int run_demo(char *out, size_t cap)
{
	int p[2], st = 0, null = open("/dev/null", O_RDONLY);
	const char *script = access(SCRIPT, X_OK) ? harness_path("../" SCRIPT) : SCRIPT;
	size_t len = 0;
	pid_t pid;

	cr_assert(null >= 0 && pipe(p) == 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execl(script, script, harness_path("bin"), harness_path("guests"), (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	close(null);
	for (int waited = 0; waited < 60000;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, 100) <= 0) {
			waited += 100;
			continue;
		}
		n = read(p[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(demo, scripted_session, .timeout = 90)
{
	static char out[65536];
	char dir[128] = "", *p, *e;
	int code;

	harness_require_kvm();
	code = run_demo(out, sizeof(out));
	cr_assert_eq(code, 0, "demo exited %d:\n%s", code, out);
	cr_assert(strstr(out, "hospes-consoled"), "%s", out);
	cr_assert(strstr(out, "created domain"), "%s", out);
	cr_assert(strstr(out, "nido> help\r\ncommands: "), "%s", out);
	cr_assert(strstr(out, "vcpus: 2"), "%s", out);
	cr_assert(strstr(out, "time: system "), "%s", out);
	cr_assert(strstr(out, "xs-read name = \"nido-demo\""), "%s", out);
	cr_assert(strstr(out, "xs-read control/feature-poweroff = \"1\""), "%s", out);
	/* block: the demo disk, served by hospes-blkback */
	cr_assert(strstr(out, "hospes-blkback"), "%s", out);
	cr_assert(strstr(out, "blk-info: sectors=32768"), "%s", out);
	cr_assert(strstr(out, "blk-write: seed=3 start=0 count=64 ok"), "%s", out);
	cr_assert(strstr(out, "blk-verify: seed=3 start=0 count=64 bad=0"), "%s", out);
	cr_assert(strstr(out, "nido: shutting down (poweroff)"), "%s", out);
	cr_assert(strstr(out, "console closed (exit 0)"), "%s", out);
	cr_assert(strstr(out, "hospesd stopped (exit 0)"), "%s", out);
	/* the private state directory is gone */
	p = strstr(out, "state in ");
	cr_assert_not_null(p, "%s", out);
	p += strlen("state in ");
	e = strchr(p, ')');
	cr_assert(e && (size_t)(e - p) < sizeof(dir));
	memcpy(dir, p, (size_t)(e - p));
	cr_assert_neq(access(dir, F_OK), 0, "%s left behind", dir);
}
