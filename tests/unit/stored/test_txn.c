/* test_txn.c: transactions: isolation, conflicts, concurrency, abort. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

TestSuite(txn, .init = store_reset);

static uint32_t start(struct cap *c)
{
	struct cap_msg *m = REQ(c, XS_TRANSACTION_START, 0, "");

	cr_assert_eq(m->h.type, XS_TRANSACTION_START);
	cr_assert_eq(m->data[m->h.len - 1], '\0');
	uint32_t id = (uint32_t)strtoul(m->data, NULL, 10);
	cr_assert_neq(id, 0);
	return id;
}

Test(txn, isolation_and_commit)
{
	struct cap *a = cap_new(0, true), *b = cap_new(0, true);
	uint32_t t;
	struct cap_msg *m;

	WR(a, 0, "/k\0old");
	t = start(a);
	cr_assert(cap_is_ok(WR(a, t, "/k\0new")));
	cr_assert(cap_is_ok(WR(a, t, "/n/m\0x")));
	m = REQ(a, XS_READ, t, "/k");
	cr_assert_eq(m->h.tx_id, t, "tx_id echoed");
	cr_assert_str_eq(m->data, "new", "own writes visible");
	m = REQ(b, XS_READ, 0, "/k");
	cr_assert_str_eq(m->data, "old", "others see the tree as before");
	cr_assert(cap_is_err(REQ(b, XS_READ, 0, "/n/m"), "ENOENT"));
	cr_assert(cap_is_ok(REQ(a, XS_TRANSACTION_END, t, "T")));
	m = REQ(b, XS_READ, 0, "/k");
	cr_assert_str_eq(m->data, "new");
	m = REQ(b, XS_READ, 0, "/n/m");
	cr_assert_str_eq(m->data, "x");
	cr_assert(cap_is_err(REQ(a, XS_READ, t, "/k"), "ENOENT"), "transaction gone");
	/* a node created by others after start is not seen, and having looked
	 * for it makes the commit fail */
	t = start(a);
	WR(b, 0, "/other\0z");
	cr_assert(cap_is_err(REQ(a, XS_READ, t, "/other"), "ENOENT"), "snapshot as of start");
	cr_assert(cap_is_err(REQ(a, XS_TRANSACTION_END, t, "T"), "EAGAIN"));
	cap_free(a);
	cap_free(b);
}

Test(txn, conflict_gives_eagain)
{
	struct cap *a = cap_new(0, true), *b = cap_new(0, true);
	uint32_t t;

	WR(a, 0, "/c\0" "1");
	t = start(a);
	REQ(a, XS_READ, t, "/c");
	WR(a, t, "/d\0" "1");
	WR(b, 0, "/c\0" "2");
	cr_assert(cap_is_err(REQ(a, XS_TRANSACTION_END, t, "T"), "EAGAIN"));
	cr_assert(cap_is_err(REQ(b, XS_READ, 0, "/d"), "ENOENT"), "nothing applied");
	/* a directory listing conflicts with a new child */
	t = start(a);
	REQ(a, XS_DIRECTORY, t, "/");
	WR(b, 0, "/newchild\0v");
	cr_assert(cap_is_err(REQ(a, XS_TRANSACTION_END, t, "T"), "EAGAIN"));
	cap_free(a);
	cap_free(b);
}

Test(txn, concurrent_disjoint_transactions_both_commit)
{
	struct cap *a = cap_new(0, true), *b = cap_new(0, true), *w = cap_new(0, true);
	uint32_t ta, tb, tc;

	WR(a, 0, "/x/a\0" "0");
	WR(a, 0, "/x/b\0" "0");
	REQ(w, XS_WATCH, 0, "/x\0w");
	ta = start(a);
	tb = start(b);
	tc = start(b);
	cr_assert_neq(ta, tb);
	cr_assert_neq(tb, tc);
	WR(a, ta, "/x/a\0" "1");
	WR(b, tb, "/x/b\0" "1");
	WR(b, tc, "/x/b\0" "2");
	w->n = 0;
	cr_assert(cap_is_ok(REQ(a, XS_TRANSACTION_END, ta, "T")));
	cr_assert_eq(cap_events(w, "/x/a", "w"), 1, "watch fires at commit");
	cr_assert(cap_is_ok(REQ(b, XS_TRANSACTION_END, tb, "T")));
	cr_assert(cap_is_err(REQ(b, XS_TRANSACTION_END, tc, "T"), "EAGAIN"),
		  "same node written by the first to commit");
	cr_assert_str_eq(REQ(w, XS_READ, 0, "/x/a")->data, "1");
	cr_assert_str_eq(REQ(w, XS_READ, 0, "/x/b")->data, "1");
	cap_free(a);
	cap_free(b);
	cap_free(w);
}

Test(txn, abort_discards_and_no_events)
{
	struct cap *a = cap_new(0, true), *w = cap_new(0, true);
	uint32_t t;

	REQ(w, XS_WATCH, 0, "/r\0w");
	t = start(a);
	WR(a, t, "/r/s\0v");
	REQ(a, XS_RM, t, "/local");
	w->n = 0;
	cr_assert(cap_is_ok(REQ(a, XS_TRANSACTION_END, t, "F")));
	cr_assert_eq(w->n, 0);
	cr_assert(cap_is_err(REQ(a, XS_READ, 0, "/r/s"), "ENOENT"));
	cr_assert_eq(REQ(a, XS_DIRECTORY, 0, "/local")->h.type, XS_DIRECTORY);
	cap_free(a);
	cap_free(w);
}

Test(txn, bad_ids_and_limits)
{
	struct cap *a = cap_new(0, true), *g = cap_new(5, false);
	uint32_t t;

	cr_assert(cap_is_err(REQ(a, XS_READ, 999, "/"), "ENOENT"), "unknown tx_id");
	cr_assert(cap_is_err(REQ(a, XS_TRANSACTION_END, 999, "T"), "ENOENT"));
	t = start(a);
	cr_assert(cap_is_err(REQ(a, XS_TRANSACTION_START, t, ""), "EBUSY"));
	cr_assert(cap_is_err(REQ(a, XS_TRANSACTION_END, t, "X"), "EINVAL"));
	cr_assert(cap_is_err(REQ(g, XS_READ, t, "/"), "ENOENT"), "another connection's id");
	xs_quota[XS_Q_TRANSACTIONS] = 2;
	start(g);
	start(g);
	cr_assert(cap_is_err(REQ(g, XS_TRANSACTION_START, 0, ""), "ENOSPC"));
	for (int i = 0; i < 5; i++)
		start(a); /* dom0 is exempt */
	cap_free(a);
	cap_free(g);
}

Test(txn, commit_applies_everything_or_nothing)
{
	struct cap *d0 = cap_new(0, true), *a = cap_new(5, false), *b = cap_new(5, false);
	uint32_t t;

	xs_quota[XS_Q_NODES] = 3;
	REQ(d0, XS_MKDIR, 0, "/local/domain/5");
	REQ(d0, XS_SET_PERMS, 0, "/local/domain/5\0n0\0b5");
	WR(a, 0, "one\0v");
	t = start(a);
	cr_assert(cap_is_ok(WR(a, t, "two\0v")));
	cr_assert(cap_is_ok(WR(a, t, "three\0v")));
	cr_assert(cap_is_err(WR(a, t, "four\0v"), "ENOSPC"), "quota inside the transaction");
	/* meanwhile another connection of dom5 uses up the quota elsewhere */
	REQ(d0, XS_MKDIR, 0, "/elsewhere");
	REQ(d0, XS_SET_PERMS, 0, "/elsewhere\0n5");
	cr_assert(cap_is_ok(REQ(a, XS_TRANSACTION_END, t, "T")));
	cr_assert_str_eq(REQ(b, XS_READ, 0, "two")->data, "v");
	cr_assert_str_eq(REQ(b, XS_READ, 0, "three")->data, "v", "not applied halfway");
	cap_free(d0);
	cap_free(a);
	cap_free(b);
}
