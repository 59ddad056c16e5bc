/* xs_ops_misc.c: watches, transactions, domain bookkeeping and CONTROL
 * requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

static const char ok_reply[] = "OK";

static void reply_ok(struct xs_req *r)
{
	xs_reply(r, r->hdr->type, ok_reply, sizeof(ok_reply));
}

static void reply_result(struct xs_req *r, enum xs_err e)
{
	if (e == XS_OK)
		reply_ok(r);
	else
		xs_reply_err(r, e);
}

void xs_op_watch(struct xs_req *r)
{
	char abs[XS_PATH_BUF];
	const char *path = r->argv[0];
	bool rel = path[0] != '/' && path[0] != '@';
	int depth = -1;
	enum xs_err e = xs_path_canon(r->conn->domid, path, abs, sizeof(abs));

	if (e == XS_OK && r->argc >= 3) {
		unsigned d;
		if (!xs_parse_domid(r->argv[2], &d))
			e = XS_EINVAL;
		depth = (int)d;
	}
	if (e == XS_OK)
		e = xs_watch_add(r->conn, abs, r->argv[1], rel, depth);
	reply_result(r, e);
	if (e == XS_OK)
		xs_watch_send(r->conn, r->conn->watches, abs); /* the immediate event */
}

void xs_op_unwatch(struct xs_req *r)
{
	char abs[XS_PATH_BUF];
	enum xs_err e = xs_path_canon(r->conn->domid, r->argv[0], abs, sizeof(abs));

	if (e == XS_OK)
		e = xs_watch_del(r->conn, abs, r->argv[1]);
	reply_result(r, e);
}

void xs_op_txn_start(struct xs_req *r)
{
	char buf[16];
	struct xs_txn *t;

	if (r->hdr->tx_id != 0) {
		xs_reply_err(r, XS_EBUSY);
		return;
	}
	if (!r->conn->priv && r->conn->ntxns >= xs_quota[XS_Q_TRANSACTIONS]) {
		xs_reply_err(r, XS_ENOSPC);
		return;
	}
	t = xs_txn_start(r->conn);
	if (!t) {
		xs_reply_err(r, XS_ENOMEM);
		return;
	}
	xs_reply(r, XS_TRANSACTION_START, buf, (size_t)snprintf(buf, sizeof(buf), "%u", t->id) + 1);
}

void xs_op_txn_end(struct xs_req *r)
{
	const char *a = r->argv[0];

	if (!r->txn) {
		xs_reply_err(r, XS_ENOENT);
		return;
	}
	if (strcmp(a, "T") && strcmp(a, "F")) {
		xs_reply_err(r, XS_EINVAL);
		return;
	}
	reply_result(r, xs_txn_end(r->conn, r->txn, a[0] == 'T'));
}

/* Domain ids a message may name: not the reserved range (DOMID_FIRST_RESERVED). */
static bool arg_domid(struct xs_req *r, unsigned i, unsigned *out)
{
	if (!xs_parse_domid(r->argv[i], out) || *out >= 0x7ff0) {
		xs_reply_err(r, XS_EINVAL);
		return false;
	}
	return true;
}

/* Records the domain, its ring gfn and event channel; the ring transport
 * itself is not served yet, so nothing is mapped. */
void xs_op_introduce(struct xs_req *r)
{
	unsigned domid, port;
	unsigned long long gfn;
	char *end;
	struct xs_domain *d;

	if (!arg_domid(r, 0, &domid))
		return;
	gfn = strtoull(r->argv[1], &end, 10);
	if (!r->argv[1][0] || *end || r->argv[1][0] == '-' || !xs_parse_domid(r->argv[2], &port) ||
	    domid == 0) {
		xs_reply_err(r, XS_EINVAL);
		return;
	}
	d = xs_domain_find(domid);
	if (d) {
		reply_result(r, d->gfn == gfn && d->port == port ? XS_OK : XS_EEXIST);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		xs_reply_err(r, XS_ENOMEM);
		return;
	}
	d->domid = domid;
	d->gfn = gfn;
	d->port = port;
	d->target = ~0u;
	d->next = xs_domains;
	xs_domains = d;
	if (xs_ring_attach_hook) {
		enum xs_err e = xs_ring_attach_hook(d);
		if (e != XS_OK) {
			xs_domains = d->next;
			free(d);
			xs_reply_err(r, e);
			return;
		}
	}
	xs_log(r->conn->name, "introduced dom%u (gfn %llu, port %u)", domid, gfn, port);
	reply_ok(r);
	xs_watch_fire("@introduceDomain", false);
}

void xs_op_release(struct xs_req *r)
{
	unsigned domid;

	if (!arg_domid(r, 0, &domid))
		return;
	if (domid == 0 || !xs_domain_find(domid)) {
		xs_reply_err(r, domid == 0 ? XS_EINVAL : XS_ENOENT);
		return;
	}
	xs_log(r->conn->name, "released dom%u", domid);
	reply_ok(r);
	xs_domain_release(domid);
}

void xs_op_get_domain_path(struct xs_req *r)
{
	char buf[32];
	unsigned domid;

	if (!arg_domid(r, 0, &domid))
		return;
	xs_reply(r, XS_GET_DOMAIN_PATH, buf,
		 (size_t)snprintf(buf, sizeof(buf), "/local/domain/%u", domid) + 1);
}

void xs_op_is_introduced(struct xs_req *r)
{
	unsigned domid;

	if (!arg_domid(r, 0, &domid))
		return;
	xs_reply(r, XS_IS_DOMAIN_INTRODUCED, domid == 0 || xs_domain_find(domid) ? "T" : "F", 2);
}

void xs_op_resume(struct xs_req *r)
{
	unsigned domid;
	struct xs_domain *d;

	if (!arg_domid(r, 0, &domid))
		return;
	d = xs_domain_find(domid);
	if (!d) {
		xs_reply_err(r, XS_ENOENT);
		return;
	}
	d->shutdown = false;
	reply_ok(r);
}

void xs_op_set_target(struct xs_req *r)
{
	unsigned domid, target;
	struct xs_domain *d;

	if (!arg_domid(r, 0, &domid) || !arg_domid(r, 1, &target))
		return;
	d = xs_domain_find(domid);
	if (!d || (target != 0 && !xs_domain_find(target))) {
		xs_reply_err(r, XS_ENOENT);
		return;
	}
	d->target = target;
	reply_ok(r);
}

void xs_op_reset_watches(struct xs_req *r)
{
	xs_watch_del_all(r->conn);
	xs_txn_abort_all(r->conn);
	reply_ok(r);
}

/* CONTROL: "print <text>" logs, "log" and "check" are accepted, "quota"
 * reports the limits, "help" lists these; others are EINVAL. */
void xs_op_control(struct xs_req *r)
{
	const char *cmd = r->argv[0];
	char buf[512];
	size_t n = 0;

	if (!strcmp(cmd, "print")) {
		xs_log(r->conn->name, "control print: %s", r->argc > 1 ? r->argv[1] : "");
		reply_ok(r);
	} else if (!strcmp(cmd, "log") || !strcmp(cmd, "check")) {
		reply_ok(r);
	} else if (!strcmp(cmd, "quota")) {
		for (int q = 0; q < XS_Q_COUNT; q++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %u\n",
					      xs_quota_name((enum xs_quota_id)q), xs_quota[q]);
		xs_reply(r, XS_CONTROL, buf, n + 1);
	} else if (!strcmp(cmd, "help")) {
		static const char help[] = "check\nhelp\nlog\nprint <text>\nquota\n";
		xs_reply(r, XS_CONTROL, help, sizeof(help));
	} else {
		xs_reply_err(r, XS_EINVAL);
	}
}
