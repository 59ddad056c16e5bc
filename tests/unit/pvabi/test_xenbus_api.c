/* test_xenbus_api.c: pvabi's xenstore client calls (requests,
 * transactions, watches) against a fake server holding a tiny store. */
#include "xb_fake.h"

#include <stdio.h>

#include <pvabi.h>

struct store {
	struct xb_store kv;
	int conflict;	   /* the next commit gets EAGAIN */
	int event_first;   /* WATCH: the event before the reply */
	char extra[2][64]; /* events sent ahead of the next READ reply */
	int nextra;
} S;

static void reply(struct fake *f, const struct xsd_sockmsg *h, const void *p, size_t len)
{
	put_msg(f, h->type, h->req_id, p, (uint32_t)len);
}

static void error(struct fake *f, const struct xsd_sockmsg *h, const char *name)
{
	put_msg(f, XS_ERROR, h->req_id, name, (uint32_t)strlen(name) + 1);
}

static void store_server(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	const char *path = (const char *)p;
	const char *second = path + strlen(path) + 1;

	switch (h->type) {
	case XS_WRITE:
		xb_serve_write(f, &S.kv, h, p);
		break;
	case XS_READ:
		for (int i = 0; i < S.nextra; i++)
			put_event(f, S.extra[i], "t1");
		S.nextra = 0;
		xb_serve_read(f, &S.kv, h, p);
		break;
	case XS_DIRECTORY:
		reply(f, h, "a\0bb\0", 5);
		break;
	case XS_MKDIR:
		reply(f, h, "OK", 3);
		break;
	case XS_RM:
		if (!strncmp(path, "/missing/", 9))
			return error(f, h, "ENOENT");
		reply(f, h, "OK", 3);
		break;
	case XS_TRANSACTION_START:
		cr_assert_eq(h->tx_id, 0);
		reply(f, h, "42", 3);
		break;
	case XS_TRANSACTION_END:
		if (S.conflict && !strcmp(path, "T")) {
			S.conflict = 0;
			return error(f, h, "EAGAIN");
		}
		reply(f, h, "OK", 3);
		break;
	case XS_WATCH:
		if (S.event_first)
			put_event(f, path, second);
		reply(f, h, "OK", 3);
		if (!S.event_first)
			put_event(f, path, second);
		break;
	case XS_UNWATCH:
		reply(f, h, "OK", 3);
		break;
	default:
		error(f, h, "ENOSYS");
	}
}

static struct fake *attach(void)
{
	struct fake *f = fake_new(store_server, 0xfffffff0u);

	memset(&S, 0, sizeof(S));
	pvabi_xb_attach(&f->intf, fake_notify, fake_wait, f);
	return f;
}

struct seen {
	int n;
	char path[8][64];
	char token[8][64];
	void *arg;
};

static void on_event(const char *path, const char *token, void *arg)
{
	struct seen *s = arg;

	cr_assert_lt(s->n, 8);
	strcpy(s->path[s->n], path);
	strcpy(s->token[s->n], token);
	s->arg = arg;
	s->n++;
}

static void count_event(const char *path, const char *token, void *arg)
{
	++*(int *)arg;
}

TestSuite(xenbus_api, .fini = fake_fini);

Test(xenbus_api, calls_fail_before_attach)
{
	char buf[8];

	cr_assert_eq(pvabi_xb_attached(), 0);
	cr_assert_eq(pvabi_xenbus_read(0, "/a", buf, sizeof(buf)), -XEN_EINVAL);
	cr_assert_eq(pvabi_xenbus_dispatch(), -XEN_EINVAL);
}

Test(xenbus_api, write_then_read_with_truncation)
{
	struct fake *f = attach();
	char buf[16];

	cr_assert_eq(pvabi_xenbus_write(0, "data/x", "hello"), 0);
	cr_assert_eq(f->last.len, 7 + 5, "value sent without its NUL");
	cr_assert_eq(pvabi_xenbus_read(0, "data/x", buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "hello");
	cr_assert_eq(pvabi_xenbus_read(0, "data/x", buf, 4), 5, "full length: truncated");
	cr_assert_str_eq(buf, "hel");
	cr_assert_eq(pvabi_xenbus_write(0, "data/e", ""), 0);
	cr_assert_eq(pvabi_xenbus_read(0, "data/e", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

Test(xenbus_api, errors_directory_mkdir_rm)
{
	struct fake *f = attach();
	char buf[16];

	cr_assert_eq(pvabi_xenbus_read(0, "/nope", buf, sizeof(buf)), -XEN_ENOENT);
	cr_assert_str_eq(buf, "", "buffer emptied on error");
	cr_assert_eq(pvabi_xenbus_directory(0, "/d", buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "a\0bb\0", 6), 0);
	cr_assert_eq(pvabi_xenbus_mkdir(0, "/d/new"), 0);
	cr_assert_eq(f->last.type, XS_MKDIR);
	cr_assert_str_eq((char *)f->last_payload, "/d/new");
	cr_assert_eq(pvabi_xenbus_rm(0, "/d/new"), 0);
	cr_assert_eq(f->last.type, XS_RM);
	cr_assert_eq(pvabi_xenbus_rm(0, "/missing/x"), -XEN_ENOENT);
}

Test(xenbus_api, transactions_carry_their_id_and_surface_eagain)
{
	struct fake *f = attach();
	uint32_t tx = 0;

	cr_assert_eq(pvabi_xenbus_transaction_start(&tx), 0);
	cr_assert_eq(tx, 42);
	cr_assert_eq(pvabi_xenbus_write(tx, "control/shutdown", ""), 0);
	cr_assert_eq(f->last.tx_id, 42);
	S.conflict = 1;
	cr_assert_eq(pvabi_xenbus_transaction_end(tx, 0), -XEN_EAGAIN);
	cr_assert_eq(f->last.tx_id, 42);
	cr_assert_eq(memcmp(f->last_payload, "T", 2), 0);
	cr_assert_eq(pvabi_xenbus_transaction_start(&tx), 0);
	cr_assert_eq(pvabi_xenbus_transaction_end(tx, 1), 0);
	cr_assert_eq(memcmp(f->last_payload, "F", 2), 0);
}

Test(xenbus_api, watch_events_queued_during_requests_are_delivered_later)
{
	struct fake *f = attach();
	struct seen s = {0};
	char buf[16];

	cr_assert_eq(pvabi_xenbus_watch("/w", "t1", on_event, &s), 0);
	cr_assert_eq(memcmp(f->last_payload, "/w\0t1\0", 6), 0);
	cr_assert_eq(s.n, 0, "nothing delivered inside a request");
	/* The immediate event came after the reply: it is on the ring. */
	cr_assert_eq(pvabi_xenbus_dispatch(), 1);
	cr_assert_eq(s.n, 1);
	cr_assert_str_eq(s.path[0], "/w");
	cr_assert_str_eq(s.token[0], "t1");
	cr_assert_eq(s.arg, &s);

	pvabi_xenbus_write(0, "/w/k", "v");
	strcpy(S.extra[0], "/w/a");
	strcpy(S.extra[1], "/w/b");
	S.nextra = 2;
	cr_assert_eq(pvabi_xenbus_read(0, "/w/k", buf, sizeof(buf)), 1);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(pvabi_xenbus_dispatch(), 2);
	cr_assert_str_eq(s.path[1], "/w/a");
	cr_assert_str_eq(s.path[2], "/w/b");
	cr_assert_eq(pvabi_xenbus_dispatch(), 0);
	cr_assert_eq(pvabi_xenbus_events_dropped(), 0);
}

Test(xenbus_api, the_first_event_may_precede_the_watch_reply)
{
	struct seen s = {0};

	attach();
	S.event_first = 1;
	cr_assert_eq(pvabi_xenbus_watch("/v", "tv", on_event, &s), 0);
	cr_assert_eq(pvabi_xenbus_dispatch(), 1);
	cr_assert_str_eq(s.token[0], "tv");
}

Test(xenbus_api, watch_table_rules_and_unwatched_tokens)
{
	struct seen s = {0};
	char name[16];
	char token[80];
	int count = 0;

	attach();
	cr_assert_eq(pvabi_xenbus_watch("/w", "t1", on_event, &s), 0);
	cr_assert_eq(pvabi_xenbus_watch("/x", "t1", on_event, &s), -XEN_EEXIST);
	cr_assert_eq(pvabi_xenbus_watch("/x", "t9", NULL, &s), -XEN_EINVAL);
	memset(token, 'k', 79);
	token[79] = 0;
	cr_assert_eq(pvabi_xenbus_watch("/x", token, on_event, &s), -XEN_EINVAL);
	for (int i = 0; i < 15; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		cr_assert_eq(pvabi_xenbus_watch("/n", name, count_event, &count), 0);
	}
	cr_assert_eq(pvabi_xenbus_watch("/n", "full", on_event, &s), -XEN_ENOSPC);
	cr_assert_eq(pvabi_xenbus_unwatch("/w", "nope"), -XEN_ENOENT);
	cr_assert_eq(pvabi_xenbus_unwatch("/w", "t1"), 0);
	/* 16 immediate events were sent; t1's handler is gone. */
	cr_assert_eq(pvabi_xenbus_dispatch(), 15);
	cr_assert_eq(count, 15);
	cr_assert_eq(s.n, 0, "t1 was unwatched before its event was dispatched");
}

static void push_event_on_wait(void *ctx)
{
	struct fake *f = ctx;

	if (f->steps == 3)
		put_event(f, "/later", "t1");
	server_step(f);
}

Test(xenbus_api, wait_event_blocks_until_an_event_is_handled)
{
	struct fake *f = attach();
	struct seen s = {0};

	cr_assert_eq(pvabi_xenbus_watch("/later", "t1", on_event, &s), 0);
	cr_assert_eq(pvabi_xenbus_dispatch(), 1);
	pvabi_xb_attach(&f->intf, fake_notify, push_event_on_wait, f);
	f->steps = 0;
	cr_assert_eq(pvabi_xenbus_wait_event(), 1);
	cr_assert_eq(s.n, 2);
	cr_assert_geq(f->steps, 3, "it waited for the server");
}

static void reads_in_handler(const char *path, const char *token, void *arg)
{
	char buf[16];

	cr_assert_eq(pvabi_xenbus_read(0, "/k", buf, sizeof(buf)), 2);
	strcpy(arg, buf);
}

Test(xenbus_api, a_handler_may_issue_requests)
{
	char got[16] = "";

	attach();
	cr_assert_eq(pvabi_xenbus_write(0, "/k", "ok"), 0);
	cr_assert_eq(pvabi_xenbus_watch("/k", "h", reads_in_handler, got), 0);
	cr_assert_eq(pvabi_xenbus_dispatch(), 1);
	cr_assert_str_eq(got, "ok");
}

Test(xenbus_api, a_malformed_event_is_ignored)
{
	struct fake *f = attach();
	struct seen s = {0};

	cr_assert_eq(pvabi_xenbus_watch("/m", "t1", on_event, &s), 0);
	put_msg(f, XS_WATCH_EVENT, 0, "/m", 2);	  /* no NUL, no token */
	put_msg(f, XS_WATCH_EVENT, 0, "/m\0", 3); /* no token */
	server_step(f);
	cr_assert_eq(pvabi_xenbus_dispatch(), 1, "only the well-formed first event");
	cr_assert_eq(s.n, 1);
}
