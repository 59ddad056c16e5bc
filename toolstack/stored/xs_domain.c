/* xs_domain.c: the store's global state (live tree, domains, special
 * nodes) and domain bookkeeping: INTRODUCE records, RELEASE cleanup. */
#include <stdlib.h>
#include <string.h>

#include "xs.h"

static struct xs_node *live_root;
struct xs_domain *xs_domains;
struct xs_conn *xs_conns;
struct xs_perms xs_special_perms[2];
enum xs_err (*xs_ring_attach_hook)(struct xs_domain *d);
void (*xs_ring_detach_hook)(unsigned domid);

struct xs_view xs_view_live(void)
{
	struct xs_view v = { &live_root, NULL };
	return v;
}

struct xs_node *xs_view_live_root(void)
{
	return live_root;
}

void xs_store_init(void)
{
	static struct xs_perm dom0_only[2] = { { 0, XS_PERM_NONE }, { 0, XS_PERM_NONE } };

	xs_store_fini();
	live_root = xs_tree_initial();
	for (int i = 0; i < 2; i++) {
		xs_special_perms[i].p = NULL;
		xs_special_perms[i].n = 0;
		struct xs_perms one = { &dom0_only[i], 1 };
		xs_perms_copy(&xs_special_perms[i], &one);
	}
}

void xs_store_fini(void)
{
	xs_node_free(live_root);
	live_root = NULL;
	while (xs_domains) {
		struct xs_domain *d = xs_domains;
		xs_domains = d->next;
		free(d);
	}
	for (int i = 0; i < 2; i++)
		xs_perms_free(&xs_special_perms[i]);
}

bool xs_store_ready(void)
{
	return live_root && xs_special_perms[0].p && xs_special_perms[1].p;
}

struct xs_domain *xs_domain_find(unsigned domid)
{
	for (struct xs_domain *d = xs_domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

unsigned xs_conn_target(const struct xs_conn *c)
{
	struct xs_domain *d = xs_domain_find(c->domid);

	return d ? d->target : ~0u;
}

/* Kept out of rm_owned's recursion: the path buffer is large. */
static __attribute__((noinline)) void rm_one(struct xs_node *k)
{
	char p[XS_PATH_BUF];
	struct xs_view live = xs_view_live();

	xs_node_path(k, p, sizeof(p));
	xs_tree_remove(&live, k);
	xs_watch_fire(p, true);
}

/* Removes every node the domain owns (with its subtree). */
static void rm_owned(struct xs_node *n, unsigned domid)
{
	for (uint32_t i = 0; i < n->nkids;) {
		struct xs_node *k = n->kids[i];
		if (k->perms.n && k->perms.p[0].domid == domid) {
			rm_one(k);
		} else {
			rm_owned(k, domid);
			i++;
		}
	}
}

/* Forgets the domain: its connections lose their watches and
 * transactions (the transport closes them), it loses its nodes, and the
 * privileged watchers hear @releaseDomain. */
void xs_domain_release(unsigned domid)
{
	/* The ring goes first, so its watches do not hear the cleanup below. */
	if (xs_ring_detach_hook)
		xs_ring_detach_hook(domid);
	for (struct xs_domain **pp = &xs_domains; *pp; pp = &(*pp)->next) {
		if ((*pp)->domid == domid) {
			struct xs_domain *d = *pp;
			*pp = d->next;
			free(d);
			break;
		}
	}
	for (struct xs_conn *c = xs_conns; c; c = c->next) {
		if (c->domid == domid && !c->priv) {
			xs_watch_del_all(c);
			xs_txn_abort_all(c);
			c->dead = true;
		}
	}
	for (struct xs_domain *d = xs_domains; d; d = d->next)
		if (d->target == domid)
			d->target = ~0u;
	if (domid != 0)
		rm_owned(live_root, domid);
	xs_watch_fire("@releaseDomain", false);
}
