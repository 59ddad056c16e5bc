/* test_consoled.c: the primary PV console end to end (SPEC.md §16): nido
 * writes its console ring, hospes-consoled logs it and serves clients
 * (the library and hospes-console) that type into nido's interactive
 * shell; a domain's end is told to its clients. test_consoled_robust.c
 * has the hostile and failure cases. */
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

static struct hvctl *hv;
static struct xsc *xs;

static void start(void)
{
	cfx_start("cons");
	hv = dfx_connect();
	xs = xsfx_client();
}

static void stop(void)
{
	if (xs)
		xsc_close(xs);
	if (hv)
		hvctl_close(hv);
	xs = NULL;
	hv = NULL;
	cfx_stop();
}

TestSuite(consoled, .init = start, .fini = stop, .timeout = 120);

Test(consoled, output_lands_in_the_log)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "script=echo console-log-marker; vcpus", true);
	char *log;

	cfx_wait_shutdown(hv, dom, 30000);
	cr_assert(cfx_log_wait(dom, "vcpus: 1", 10000), "log incomplete:\n%s\n%s",
		  cfx_console_log(dom), cfx_consoled_log());
	log = cfx_console_log(dom);
	cr_assert(strstr(log, "nido "), "no banner in the log:\n%s", log);
	cr_assert(strstr(log, "> echo console-log-marker\nconsole-log-marker\n"), "%s", log);
	free(log);
	/* Nothing went to console_io: the ring carried it all. */
	log = dfx_console(dom);
	cr_assert_null(strstr(log, "console-log-marker"), "output went to console_io:\n%s", log);
	free(log);
	cfx_release(xs, dom);
}

Test(consoled, a_client_types_shell_commands)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	struct cons_conn c;

	cfx_attach(dom, &c);
	cfx_expect_prompt(&c);
	cfx_type_expect(&c, "echo hello\r", "echo hello\r\nhello\n");
	cfx_type_expect(&c, "vcpus\r", "vcpus: 1\n");
	cr_assert(cfx_log_wait(dom, "vcpus: 1", 5000), "the log misses the typed commands");
	cfx_type_expect(&c, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &c, dom);
	cons_close(&c);
}

Test(consoled, two_clients_share_a_console)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	struct cons_conn a, b;
	static char acc[16384];

	cfx_attach(dom, &a);
	cfx_attach(dom, &b);
	cfx_expect_prompt(&a);
	cfx_type_expect(&a, "echo from-a\r", "\r\nfrom-a\n");
	acc[0] = 0;
	cr_assert_eq(cfx_read_until(&b, "\r\nfrom-a\n", 10000, acc, sizeof(acc)), 1,
		     "b does not see a's command:\n%s", acc);
	cfx_type_expect(&b, "echo from-b\r", "\r\nfrom-b\n");
	acc[0] = 0;
	cr_assert_eq(cfx_read_until(&a, "\r\nfrom-b\n", 10000, acc, sizeof(acc)), 1,
		     "a does not see b's command:\n%s", acc);
	cfx_type_expect(&a, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &b, dom);
	cons_close(&a);
	cons_close(&b);
}

Test(consoled, one_domain_ending_leaves_the_others_served)
{
	uint32_t a = cfx_domain(hv, xs, "nido", "", true), b = cfx_domain(hv, xs, "nido", "", true);
	struct cons_conn ca, cb;

	cfx_attach(a, &ca);
	cfx_attach(b, &cb);
	cfx_expect_prompt(&ca);
	cfx_expect_prompt(&cb);
	cfx_type_expect(&ca, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &ca, a);
	cfx_type_expect(&cb, "echo still-here\r", "\r\nstill-here\n");
	cfx_type_expect(&cb, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &cb, b);
	cons_close(&ca);
	cons_close(&cb);
}

/* hospes-console with a pipe for stdin (no tty: no raw mode, no escape
 * key): what it reads goes to the guest, the guest's output to stdout,
 * and it exits 0 when the domain ends. */
Test(consoled, the_cli_attaches_types_and_exits_when_the_domain_ends)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	char domid[16], outpath[] = "/tmp/hospes-cons-cli-XXXXXX";
	const char *input = "\recho via-cli\rpoweroff\r";
	int in[2], ofd = mkstemp(outpath), st = 0, code = -1;
	pid_t pid;
	char *out;

	cr_assert_geq(ofd, 0);
	cr_assert_eq(pipe(in), 0);
	snprintf(domid, sizeof(domid), "%u", dom);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(ofd, 1);
		dup2(ofd, 2);
		close(in[1]);
		execl(harness_path("bin/hospes-console"), "hospes-console", domid, "--socket",
		      cfx_socket(), (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	cr_assert_eq(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in[1]); /* EOF on stdin: it keeps showing output */
	cfx_wait_shutdown(hv, dom, 30000);
	cfx_release(xs, dom);
	for (int i = 0; i < 1000 && code < 0; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		else
			usleep(20000);
	}
	if (code < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	out = cfx_slurp(outpath);
	unlink(outpath);
	close(ofd);
	cr_assert_eq(code, 0, "hospes-console exit %d; output:\n%s", code, out);
	cr_assert(strstr(out, "echo via-cli\r\nvia-cli\n"), "%s", out);
	cr_assert(strstr(out, "nido: shutting down (poweroff)"), "%s", out);
	cr_assert(strstr(out, "hospes-console: the domain ended"), "%s", out);
	free(out);
}

/* On a terminal hospes-console switches it to raw mode (the guest
 * echoes), and Ctrl-] detaches: exit 0, the domain keeps running and can
 * be attached again. */
Test(consoled, the_cli_on_a_tty_detaches_with_ctrl_bracket)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	char domid[16], buf[4096] = "";
	int master = posix_openpt(O_RDWR | O_NOCTTY), st = 0, code = -1;
	struct cons_conn c;
	size_t len = 0;
	pid_t pid;

	cr_assert_geq(master, 0);
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	snprintf(domid, sizeof(domid), "%u", dom);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int slave = open(ptsname(master), O_RDWR);

		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execl(harness_path("bin/hospes-console"), "hospes-console", domid, "--socket",
		      cfx_socket(), (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(write(master, "\recho pty-ok\r", 14), 14);
	while (!strstr(buf, "\r\npty-ok\n")) {
		struct pollfd p = { master, POLLIN, 0 };
		ssize_t n;

		cr_assert_eq(poll(&p, 1, 20000), 1, "no output on the tty:\n%s", buf);
		n = read(master, buf + len, sizeof(buf) - 1 - len);
		cr_assert_gt(n, 0);
		len += (size_t)n;
		buf[len] = 0;
	}
	cr_assert_eq(write(master, "\x1d", 1), 1);
	for (int i = 0; i < 500 && code < 0; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		else
			usleep(20000);
	}
	if (code < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(master);
	cr_assert_eq(code, 0, "Ctrl-] did not detach (%d)", code);
	/* Still running, and a new client finds it. */
	cfx_attach(dom, &c);
	cfx_expect_prompt(&c);
	cfx_type_expect(&c, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &c, dom);
	cons_close(&c);
}
