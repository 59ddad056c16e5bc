/* test_consoled_robust.c: hospes-consoled under stress and abuse (SPEC.md
 * §16.5): idle and vanishing clients, a hostile guest, a restart, a
 * stopped daemon, malformed clients and an input flood; the guest and the
 * other domains and clients carry on, and no output is lost. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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

TestSuite(consoled_robust, .init = start, .fini = stop, .timeout = 120);

#define HELPS 150 /* 150 help lines: many times the 2 KiB ring */

/* Sends raw bytes on a fresh connection; returns the status the daemon
 * ends it with (it must close the connection after it). */
static int raw_exchange(const void *bytes, size_t n)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct cons_conn c = { .fd = socket(AF_UNIX, SOCK_STREAM, 0) };
	char buf[CONSOLED_MAX_PAYLOAD];
	int r;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", cfx_socket());
	cr_assert_eq(connect(c.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(write(c.fd, bytes, n), (ssize_t)n);
	buf[0] = 0;
	r = cfx_read_until(&c, "\001never\001", 10000, buf, sizeof(buf));
	/* The status is kept; after it the daemon closed: end of stream. */
	cr_assert_eq(cons_recv(&c, buf, sizeof(buf)), r);
	cr_assert_eq(c.rlen, 0, "bytes after the status");
	cr_assert_eq(poll(&(struct pollfd){ c.fd, POLLIN, 0 }, 1, 10000), 1, "not closed");
	cr_assert_eq(recv(c.fd, buf, sizeof(buf), 0), 0, "not closed after the status");
	cons_close(&c);
	return r;
}

Test(consoled_robust, idle_and_vanishing_clients_do_not_block_the_guest)
{
	/* 150 help lines are ~80 KB: room for all of them and then some. */
	static char script[1024], acc[262144];
	uint32_t dom;
	struct cons_conn idle, gone, watcher;
	size_t n = 0;
	char *log;

	n += (size_t)snprintf(script + n, sizeof(script) - n, "script=");
	for (int i = 0; i < HELPS; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, "help;");
	snprintf(script + n, sizeof(script) - n, "echo the-end");
	dom = cfx_domain(hv, xs, "nido", script, false);
	cfx_attach(dom, &idle);    /* never reads */
	cfx_attach(dom, &gone);    /* leaves mid-stream */
	cfx_attach(dom, &watcher); /* reads everything */
	cr_assert_eq(hvctl_start(hv, dom), 0);
	acc[0] = 0;
	cr_assert_eq(cfx_read_until(&gone, "> help", 20000, acc, sizeof(acc)), 1);
	cons_close(&gone);
	acc[0] = 0;
	cr_assert_eq(cfx_read_until(&watcher, "\nthe-end\n", 30000, acc, sizeof(acc)), 1,
		     "watcher missed output:\n%s", acc);
	cr_assert_eq(cfx_count(acc, "commands: "), HELPS);
	cfx_wait_shutdown(hv, dom, 30000);
	cr_assert(cfx_log_wait(dom, "\nthe-end\n", 10000), "log incomplete");
	log = cfx_console_log(dom);
	cr_assert_eq(cfx_count(log, "commands: "), HELPS, "the log lost output");
	free(log);
	cons_close(&idle);
	cons_close(&watcher);
	cfx_release(xs, dom);
}

Test(consoled_robust, a_hostile_guest_is_dropped_and_others_keep_working)
{
	uint32_t good = cfx_domain(hv, xs, "nido", "", true);
	uint32_t bad = cfx_domain(hv, xs, "cons-hostile", "", true);
	struct cons_conn c, h;
	char want[64];

	cr_assert(dfx_console_wait(bad, "cons-hostile: indices scribbled", 20000),
		  "the hostile guest did not run");
	snprintf(want, sizeof(want), "dom%u: console no longer served: protocol error", bad);
	cr_assert(cfx_consoled_log_wait(want, 10000), "hostile guest not dropped:\n%s",
		  cfx_consoled_log());
	cr_assert_eq(cons_attach(cfx_socket(), bad, 5000, &h), -ESRCH, "a dropped domain is served");
	cfx_attach(good, &c);
	cfx_expect_prompt(&c);
	cfx_type_expect(&c, "echo unharmed\r", "\r\nunharmed\n");
	cfx_type_expect(&c, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &c, good);
	cons_close(&c);
	cr_assert_eq(hvctl_destroy(hv, bad), 0);
}

Test(consoled_robust, a_restarted_daemon_picks_up_running_domains)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	struct cons_conn c;
	char *log;

	cfx_attach(dom, &c);
	cfx_expect_prompt(&c);
	cfx_type_expect(&c, "echo before-restart\r", "\r\nbefore-restart\n");
	cons_close(&c);
	cr_assert_eq(cfx_consoled_stop(), 0, "consoled did not exit cleanly");
	cfx_consoled_start();
	cfx_attach(dom, &c);
	cfx_expect_prompt(&c);
	cfx_type_expect(&c, "echo after-restart\r", "\r\nafter-restart\n");
	cr_assert(cfx_log_wait(dom, "after-restart\n", 5000));
	log = cfx_console_log(dom);
	cr_assert(strstr(log, "before-restart\n"), "the log was not appended to:\n%s", log);
	free(log);
	cfx_type_expect(&c, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &c, dom);
	cons_close(&c);
}

/* With the daemon stopped the guest fills the 2 KiB ring and blocks (it
 * cannot finish 150 help lines); continued, the daemon drains and kicks
 * and every line arrives: nothing is dropped. */
Test(consoled_robust, a_stalled_daemon_blocks_the_guest_and_loses_nothing)
{
	static char script[1024];
	struct hvctl_dominfo i;
	uint32_t dom;
	size_t n = 0;
	char *log;

	n += (size_t)snprintf(script + n, sizeof(script) - n, "script=");
	for (int k = 0; k < HELPS; k++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, "help;");
	snprintf(script + n, sizeof(script) - n, "echo the-end");
	char served[64];

	dom = cfx_domain(hv, xs, "nido", script, false);
	snprintf(served, sizeof(served), "dom%u: serving console", dom);
	cr_assert(cfx_consoled_log_wait(served, 10000), "not served:\n%s", cfx_consoled_log());
	cr_assert_eq(kill(cfx_consoled_pid(), SIGSTOP), 0);
	cr_assert_eq(hvctl_start(hv, dom), 0);
	/* Blocked on the full ring: it cannot end while consoled is stopped. */
	cr_assert_eq(hvctl_wait(hv, dom, 0, 2000, &i), 0);
	while (hvctl_wait(hv, dom, i.generation, 1000, &i) == 0)
		;
	cr_assert_eq(i.state, HVCTL_STATE_RUNNING, "the guest did not wait for the daemon");
	cr_assert_eq(kill(cfx_consoled_pid(), SIGCONT), 0);
	cfx_wait_shutdown(hv, dom, 30000);
	cr_assert(cfx_log_wait(dom, "\nthe-end\n", 10000), "log incomplete");
	log = cfx_console_log(dom);
	cr_assert_eq(cfx_count(log, "commands: "), HELPS, "output lost while the daemon was stopped");
	free(log);
	cfx_release(xs, dom);
}

Test(consoled_robust, malformed_clients_are_closed_and_others_continue)
{
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	struct consoled_hdr data = { CONSOLED_DATA, 1 }, huge = { CONSOLED_DATA, 100000 };
	struct consoled_hdr bogus = { 77, 0 };
	struct { struct consoled_hdr h; struct consoled_attach a; } flags = {
		{ CONSOLED_ATTACH, 8 }, { dom, 1 } }, nobody = { { CONSOLED_ATTACH, 8 }, { 4000, 0 } };
	uint8_t early[9];
	struct cons_conn c;

	memcpy(early, &data, 8);
	early[8] = 'x';
	cfx_attach(dom, &c);
	cr_assert_eq(raw_exchange(early, sizeof(early)), -EPROTO, "data before attach");
	cr_assert_eq(raw_exchange(&huge, sizeof(huge)), -EMSGSIZE);
	cr_assert_eq(raw_exchange(&bogus, sizeof(bogus)), -EPROTO);
	cr_assert_eq(raw_exchange(&flags, sizeof(flags)), -EINVAL);
	cr_assert_eq(raw_exchange(&nobody, sizeof(nobody)), -ESRCH);
	cfx_expect_prompt(&c);
	cfx_type_expect(&c, "echo still-fine\r", "\r\nstill-fine\n");
	cfx_type_expect(&c, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &c, dom);
	cons_close(&c);
}

/* 8000 typed bytes are more than the `in` ring (1 KiB) and consoled's
 * input buffer (4 KiB) hold: the daemon stops reading the client until
 * nido consumes, and nothing typed after them is lost. */
Test(consoled_robust, input_beyond_the_buffers_is_flow_controlled)
{
	static char flood[8001];
	uint32_t dom = cfx_domain(hv, xs, "nido", "", true);
	struct cons_conn c;

	memset(flood, 'a', 8000);
	cfx_attach(dom, &c);
	cfx_expect_prompt(&c);
	cr_assert_eq(cons_send(&c, flood, 8000), 0);
	cfx_type_expect(&c, "\recho flow-ok\r", "\r\nflow-ok\n");
	cfx_type_expect(&c, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &c, dom);
	cons_close(&c);
}

/* A client that never reads falls more than --client-buffer behind and
 * is dropped; the guest and a reading client get everything. The reading
 * client types each command and reads its answer before the next, so it
 * is never more than one answer behind however fast the guest runs. */
Test(consoled_robust, a_client_too_far_behind_is_dropped)
{
	static char acc[131072];
	struct cons_conn idle, watcher;
	uint32_t dom;
	char *log;

	cr_assert_eq(cfx_consoled_stop(), 0);
	cfx_consoled_option("--client-buffer", "4096");
	cfx_consoled_start();
	dom = cfx_domain(hv, xs, "nido", "", true);
	cfx_attach(dom, &idle);
	cfx_attach(dom, &watcher);
	cfx_expect_prompt(&watcher);
	for (int i = 0; i < HELPS; i++)
		cfx_type_expect(&watcher, "help\r", "help; poweroff\n");
	cr_assert(cfx_consoled_log_wait("client too slow: dropped", 5000), "not dropped:\n%s",
		  cfx_consoled_log());
	log = cfx_consoled_log();
	cr_assert_eq(cfx_count(log, "client too slow"), 1, "the reader was dropped too:\n%s", log);
	free(log);
	/* The dropped client finds the end of the stream (no status) after
	 * its backlog. */
	acc[0] = 0;
	cr_assert_eq(cfx_read_until(&idle, "\001never\001", 10000, acc, sizeof(acc)), -EPIPE);
	cr_assert_lt(cfx_count(acc, "commands: "), HELPS, "the slow client got everything");
	cfx_type_expect(&watcher, "poweroff\r", "poweroff\r\n");
	cfx_expect_gone(hv, xs, &watcher, dom);
	log = cfx_console_log(dom);
	cr_assert_eq(cfx_count(log, "commands: "), HELPS, "the log lost output");
	free(log);
	cons_close(&idle);
	cons_close(&watcher);
}
