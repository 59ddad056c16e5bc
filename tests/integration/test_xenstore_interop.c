/* test_xenstore_interop.c: hospes-stored against real clients: Debian's
 * xenstore-* tools (libxenstore, through XENSTORED_PATH) and libxsclient,
 * each seeing the other's writes, permissions and watches, and two clients
 * racing transactions on one counter. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs_fixture.h"

static void stop_clean(void)
{
	cr_assert_eq(xsfx_stop(), 0, "hospes-stored exit code on SIGTERM");
}

TestSuite(interop, .init = xsfx_start, .fini = stop_clean, .timeout = 120);

#define TOOL(...) xsfx_tool((const char *const[]){ __VA_ARGS__, NULL })

static void expect(struct xsfx_run r, int status, const char *out, const char *err)
{
	cr_assert_eq(r.status, status, "exit %d, stdout '%s' stderr '%s'", r.status, r.out, r.err);
	cr_assert_str_eq(r.out, out);
	cr_assert_str_eq(r.err, err);
}

static char *xread(struct xsc *h, const char *path)
{
	static char buf[256];
	char *v;
	int r = xsc_read(h, 0, path, &v, NULL);

	cr_assert_eq(r, 0, "read %s: %s", path, xsc_strerror(r));
	snprintf(buf, sizeof(buf), "%s", v);
	free(v);
	return buf;
}

Test(interop, read_write_exists_rm)
{
	struct xsc *h = xsfx_client();
	char *v;

	expect(TOOL("xenstore-write", "/io/a/b", "hello", "/io/a/c", "world"), 0, "", "");
	expect(TOOL("xenstore-read", "/io/a/b", "/io/a/c"), 0, "hello\nworld\n", "");
	expect(TOOL("xenstore-read", "-p", "/io/a/b"), 0, "/io/a/b: hello\n", "");
	cr_assert_str_eq(xread(h, "/io/a/b"), "hello", "tool write seen by libxsclient");
	cr_assert_str_eq(xread(h, "/io/a"), "", "parents are created empty");
	cr_assert_eq(xsc_write_str(h, 0, "/io/from-lib", "v 1"), 0);
	expect(TOOL("xenstore-read", "/io/from-lib"), 0, "v 1\n", "");
	expect(TOOL("xenstore-exists", "/io/a/b"), 0, "", "");
	expect(TOOL("xenstore-exists", "/io/a/none"), 1, "", "");
	expect(TOOL("xenstore-rm", "/io/a"), 0, "", "");
	cr_assert_eq(xsc_read(h, 0, "/io/a/b", &v, NULL), -ENOENT, "subtree removed");
	expect(TOOL("xenstore-read", "/io/a/b"), 1, "", "xenstore-read: couldn't read path /io/a/b\n");
	expect(TOOL("xenstore-rm", "/io/missing/leaf"), 1, "",
	       "xenstore-rm: could not remove path /io/missing/leaf\n");
	expect(TOOL("xenstore-rm", "/io/missing-leaf"), 0, "", ""); /* parent exists */
	xsc_close(h);
}

Test(interop, ls_and_list)
{
	struct xsc *h = xsfx_client();
	char **names;
	unsigned n;

	cr_assert_eq(xsc_write_str(h, 0, "/t/x", "1"), 0);
	cr_assert_eq(xsc_write_str(h, 0, "/t/y/z", "2"), 0);
	cr_assert_eq(xsc_mkdir(h, 0, "/t/e"), 0);
	expect(TOOL("xenstore-ls", "/t"), 0, "x = \"1\"\ny = \"\"\n z = \"2\"\ne = \"\"\n", "");
	expect(TOOL("xenstore-list", "/t"), 0, "x\ny\ne\n", "");
	expect(TOOL("xenstore-list", "-p", "/t"), 0, "/t/x\n/t/y\n/t/e\n", "");
	expect(TOOL("xenstore-list", "/nope"), 1, "", "xenstore-list: could not list path /nope\n");
	expect(TOOL("xenstore-write", "/t/e/new", "n"), 0, "", "");
	cr_assert_eq(xsc_directory(h, 0, "/t/e", &names, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(names[0], "new");
	free(names);
	xsc_close(h);
}

Test(interop, chmod_visible_through_get_perms)
{
	struct xsc *h = xsfx_client();
	struct xsc_perm *p, set[2] = { { 7, XSC_BOTH }, { 3, XSC_WRITE } };
	unsigned n;

	expect(TOOL("xenstore-write", "/p/a", "1", "/p/a/b", "2"), 0, "", "");
	expect(TOOL("xenstore-chmod", "/p/a", "n0", "r5"), 0, "", "");
	cr_assert_eq(xsc_get_perms(h, 0, "/p/a", &p, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert(p[0].access == 'n' && p[0].domid == 0, "%c%u", p[0].access, p[0].domid);
	cr_assert(p[1].access == 'r' && p[1].domid == 5, "%c%u", p[1].access, p[1].domid);
	free(p);
	cr_assert_eq(xsc_get_perms(h, 0, "/p/a/b", &p, &n), 0);
	cr_assert(n == 1 && p[0].access == 'n' && p[0].domid == 0, "not recursive without -r");
	free(p);
	expect(TOOL("xenstore-chmod", "-r", "/p", "w0"), 0, "", "");
	cr_assert_eq(xsc_get_perms(h, 0, "/p/a/b", &p, &n), 0);
	cr_assert(n == 1 && p[0].access == 'w' && p[0].domid == 0, "-r reaches children");
	free(p);
	cr_assert_eq(xsc_set_perms(h, 0, "/p/a/b", set, 2), 0);
	expect(TOOL("xenstore-ls", "-p", "/p/a"), 0,
	       "b = \"2\"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (b7,w3)\n", "");
	xsc_close(h);
}

Test(interop, watches_both_ways)
{
	struct xsc *h = xsfx_client();
	struct xsc_event *ev;
	char out[160], buf[256];
	const char *argv[] = { "xenstore-watch", "-n", "2", "/w", NULL };
	FILE *f;
	pid_t pid;

	snprintf(out, sizeof(out), "%s.watch", xsfx_socket());
	pid = xsfx_tool_bg(argv, out);
	/* the tool prints the watch's immediate event first */
	cr_assert(xsfx_file_wait(out, "/w\n", 5000), "xenstore-watch did not start");
	cr_assert_eq(xsc_write_str(h, 0, "/w/k", "x"), 0);
	cr_assert_eq(xsfx_wait_exit(pid, 5000), 0, "xenstore-watch -n 2 exits after 2 events");
	f = fopen(out, "r");
	cr_assert_not_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	cr_assert_str_eq(buf, "/w\n/w/k\n");

	cr_assert_eq(xsc_watch(h, "/v", "tok", NULL, NULL), 0);
	cr_assert_eq(xsc_read_watch(h, &ev, 2000), 0);
	cr_assert_str_eq(ev->path, "/v");
	cr_assert_str_eq(ev->token, "tok");
	free(ev);
	expect(TOOL("xenstore-write", "/v/sub", "1"), 0, "", "");
	cr_assert_eq(xsc_read_watch(h, &ev, 2000), 0);
	cr_assert_str_eq(ev->path, "/v/sub");
	free(ev);
	expect(TOOL("xenstore-rm", "/v"), 0, "", "");
	cr_assert_eq(xsc_read_watch(h, &ev, 2000), 0);
	cr_assert_str_eq(ev->path, "/v");
	free(ev);
	cr_assert_eq(xsc_unwatch(h, "/v", "tok"), 0);
	expect(TOOL("xenstore-write", "/v", "2"), 0, "", "");
	cr_assert_eq(xsc_read_watch(h, &ev, 300), -ETIMEDOUT, "no events after unwatch");
	xsc_close(h);
}

/* One increment of /counter in a transaction, redone on EAGAIN. */
static int increment(struct xsc *h, unsigned *conflicts)
{
	for (;;) {
		uint32_t tx;
		char *v, num[24];
		int r = xsc_transaction_start(h, &tx);

		if (r)
			return r;
		r = xsc_read(h, tx, "/counter", &v, NULL);
		if (r)
			return r;
		snprintf(num, sizeof(num), "%ld", strtol(v, NULL, 10) + 1);
		free(v);
		r = xsc_write_str(h, tx, "/counter", num);
		if (r)
			return r;
		r = xsc_transaction_end(h, tx, true);
		if (r != -EAGAIN)
			return r;
		(*conflicts)++;
	}
}

struct racer {
	unsigned conflicts;
	int err;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	struct xsc *h;

	rc->err = xsc_open(NULL, &h); /* through XENSTORED_PATH */
	for (int i = 0; i < 50 && !rc->err; i++)
		rc->err = increment(h, &rc->conflicts);
	xsc_close(h);
	return NULL;
}

Test(interop, transactions_race)
{
	struct xsc *a = xsfx_client(), *b = xsfx_client();
	struct racer rc[2] = { { 0 } };
	pthread_t t[2];
	uint32_t ta, tb;
	char *v;

	cr_assert_eq(xsc_write_str(a, 0, "/counter", "0"), 0);
	/* a deterministic conflict: both read 0, b commits first, a must retry */
	cr_assert_eq(xsc_transaction_start(a, &ta), 0);
	cr_assert_eq(xsc_transaction_start(b, &tb), 0);
	cr_assert_neq(ta, 0);
	cr_assert_eq(xsc_read(a, ta, "/counter", &v, NULL), 0);
	free(v);
	cr_assert_eq(xsc_read(b, tb, "/counter", &v, NULL), 0);
	free(v);
	cr_assert_eq(xsc_write_str(b, tb, "/counter", "1"), 0);
	cr_assert_eq(xsc_write_str(a, ta, "/counter", "1"), 0);
	cr_assert_str_eq(xread(a, "/counter"), "0", "uncommitted writes are private");
	cr_assert_eq(xsc_transaction_end(b, tb, true), 0);
	cr_assert_eq(xsc_transaction_end(a, ta, true), -EAGAIN);
	cr_assert_str_eq(xread(a, "/counter"), "1", "the lost commit changed nothing");
	unsigned conflicts = 0;
	cr_assert_eq(increment(a, &conflicts), 0, "retry succeeds");
	cr_assert_str_eq(xread(a, "/counter"), "2");
	xsc_close(a);
	xsc_close(b);

	/* 2 clients x 50 increments: exactly one per successful commit */
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, race, &rc[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(rc[i].err, 0, "racer %d: %s", i, xsc_strerror(rc[i].err));
	}
	expect(TOOL("xenstore-read", "/counter"), 0, "102\n", "");
	cr_log_info("transaction conflicts retried: %u + %u", rc[0].conflicts, rc[1].conflicts);
}
