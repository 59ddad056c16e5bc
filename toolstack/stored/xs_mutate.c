/* xs_mutate.c: the changes to a tree view (live or a transaction's copy)
 * with their permission and quota checks; shared by requests and commits. */
#include <stdio.h>
#include <string.h>

#include "xs.h"

bool xs_can(const struct xs_conn *c, const struct xs_node *n, unsigned need)
{
	return (xs_perms_for(&n->perms, c->domid, xs_conn_target(c), c->priv) & need) == need;
}

enum xs_err xs_do_write(struct xs_conn *c, struct xs_view *v, const char *abs, const char *val,
			size_t len, bool mkdir)
{
	struct xs_node *n = xs_tree_lookup(v, abs);
	unsigned created = 0;
	enum xs_err e;

	if (n && mkdir)
		return xs_can(c, n, XS_PERM_WRITE) ? XS_OK : XS_EACCES;
	if (n) {
		if (!xs_can(c, n, XS_PERM_WRITE))
			return XS_EACCES;
		if (!c->priv && !xs_txn_replaying &&
		    xs_tree_node_size(n) - n->vlen + len > xs_quota[XS_Q_NODE_SIZE])
			return XS_ENOSPC;
		e = xs_tree_set_value(n, val, len);
	} else {
		struct xs_node *anc = xs_tree_nearest(v, abs);
		if (!xs_can(c, anc, XS_PERM_WRITE))
			return XS_EACCES;
		if (!c->priv && !xs_txn_replaying) {
			unsigned missing = 0;
			char sub[XS_PATH_BUF];
			xs_node_path(anc, sub, sizeof(sub));
			for (const char *p = abs + strlen(sub); *p; p++)
				missing += *p == '/';
			if (!strcmp(sub, "/"))
				missing++;
			if (xs_tree_count_owned(*v->rootp, c->domid) + missing >
			    xs_quota[XS_Q_NODES])
				return XS_ENOSPC;
			if (len + anc->perms.n * sizeof(struct xs_perm) > xs_quota[XS_Q_NODE_SIZE])
				return XS_ENOSPC;
		}
		e = xs_tree_create(v, abs, NULL, c->domid, c->priv, &n, &created);
		if (e == XS_OK && !mkdir)
			e = xs_tree_set_value(n, val, len);
	}
	if (e != XS_OK)
		return e;
	if (v->txn)
		xs_txn_record(v->txn, mkdir ? XS_MKDIR : XS_WRITE, abs, val, len);
	else
		xs_watch_fire(abs, false);
	return XS_OK;
}

enum xs_err xs_do_rm(struct xs_conn *c, struct xs_view *v, const char *abs)
{
	struct xs_node *n;

	if (!strcmp(abs, "/"))
		return XS_EINVAL;
	n = xs_tree_lookup(v, abs);
	if (!n) {
		char parent[XS_PATH_BUF];
		char *slash;
		snprintf(parent, sizeof(parent), "%s", abs);
		slash = strrchr(parent, '/');
		if (slash == parent)
			slash[1] = '\0';
		else
			*slash = '\0';
		return xs_tree_lookup(v, parent) ? XS_OK : XS_ENOENT;
	}
	if (!xs_can(c, n, XS_PERM_WRITE))
		return XS_EACCES;
	xs_tree_remove(v, n);
	if (v->txn)
		xs_txn_record(v->txn, XS_RM, abs, NULL, 0);
	else
		xs_watch_fire(abs, true);
	return XS_OK;
}

enum xs_err xs_do_set_perms(struct xs_conn *c, struct xs_view *v, const char *abs,
			    const struct xs_perms *ps)
{
	struct xs_node *n = xs_tree_lookup(v, abs);
	struct xs_perms copy;
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t blen;

	if (!n)
		return XS_ENOENT;
	if (!c->priv) {
		unsigned target = xs_conn_target(c);
		unsigned owner = n->perms.n ? n->perms.p[0].domid : 0;
		if (!xs_can(c, n, XS_PERM_WRITE) || (owner != c->domid && owner != target))
			return XS_EACCES;
		if (ps->p[0].domid != owner)
			return XS_EPERM;
		if (ps->n > xs_quota[XS_Q_PERMS] && !xs_txn_replaying)
			return XS_ENOSPC;
	}
	if (xs_perms_copy(&copy, ps))
		return XS_ENOMEM;
	xs_perms_free(&n->perms);
	n->perms = copy;
	n->gen = ++xs_gen_counter;
	if (v->txn) {
		blen = xs_perms_format(ps, buf, sizeof(buf));
		if (blen <= sizeof(buf))
			xs_txn_record(v->txn, XS_SET_PERMS, abs, buf, blen);
	} else {
		xs_watch_fire(abs, false);
	}
	return XS_OK;
}
