/* xs_tree.c: the node tree: lookup, creation with inherited permissions,
 * values, removal, generation counters, the initial tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

uint64_t xs_gen_counter;

static struct xs_node *child(const struct xs_node *n, const char *name, size_t len)
{
	for (uint32_t i = 0; i < n->nkids; i++)
		if (strlen(n->kids[i]->name) == len && !memcmp(n->kids[i]->name, name, len))
			return n->kids[i];
	return NULL;
}

/* Walks as far as the path exists; *rest gets the unmatched suffix. */
static struct xs_node *walk(struct xs_node *root, const char *path, const char **rest)
{
	struct xs_node *n = root, *k;
	const char *p = path + 1;

	while (*p) {
		const char *e = strchrnul(p, '/');
		k = child(n, p, (size_t)(e - p));
		if (!k)
			break;
		n = k;
		p = *e ? e + 1 : e;
	}
	*rest = p;
	return n;
}

struct xs_node *xs_tree_lookup(struct xs_view *v, const char *path)
{
	const char *rest;
	struct xs_node *n = walk(*v->rootp, path, &rest);

	if (*rest)
		n = NULL;
	if (v->txn)
		xs_txn_note(v->txn, path, n);
	return n;
}

struct xs_node *xs_tree_nearest(struct xs_view *v, const char *path)
{
	const char *rest;

	return walk(*v->rootp, path, &rest);
}

static int add_kid(struct xs_node *parent, struct xs_node *k)
{
	if (parent->nkids == parent->capkids) {
		uint32_t cap = parent->capkids ? parent->capkids * 2 : 4;
		struct xs_node **nk = realloc(parent->kids, cap * sizeof(*nk));
		if (!nk)
			return -1;
		parent->kids = nk;
		parent->capkids = cap;
	}
	parent->kids[parent->nkids++] = k;
	k->parent = parent;
	parent->gen = ++xs_gen_counter;
	return 0;
}

/* Creates path and any missing ancestors (empty values). New nodes inherit
 * the parent's permissions; a node created by an unprivileged domain is
 * owned by it. *created counts new nodes (for quotas, checked by caller). */
enum xs_err xs_tree_create(struct xs_view *v, const char *path, const struct xs_perms *owner_perms,
			   unsigned creator, bool priv, struct xs_node **out, unsigned *created)
{
	const char *rest;
	struct xs_node *n = walk(*v->rootp, path, &rest);
	char sub[XS_PATH_BUF];

	*created = 0;
	if (v->txn) {
		xs_node_path(n, sub, sizeof(sub));
		xs_txn_note(v->txn, sub, n);
	}
	while (*rest) {
		const char *e = strchrnul(rest, '/');
		struct xs_node *k = xs_node_new(rest, (size_t)(e - rest));
		if (!k || xs_perms_copy(&k->perms, owner_perms ? owner_perms : &n->perms) ||
		    add_kid(n, k)) {
			xs_node_free(k);
			return XS_ENOMEM;
		}
		if (!priv && !owner_perms)
			k->perms.p[0].domid = creator;
		if (v->txn) {
			xs_node_path(k, sub, sizeof(sub));
			xs_txn_note(v->txn, sub, NULL);
		}
		(*created)++;
		n = k;
		rest = *e ? e + 1 : e;
	}
	*out = n;
	return XS_OK;
}

enum xs_err xs_tree_set_value(struct xs_node *n, const char *val, size_t len)
{
	char *nv = malloc(len + 1);

	if (!nv)
		return XS_ENOMEM;
	memcpy(nv, val, len);
	nv[len] = '\0';
	free(n->value);
	n->value = nv;
	n->vlen = (uint32_t)len;
	n->gen = ++xs_gen_counter;
	return XS_OK;
}

/* Notes n and everything below it; buf holds n's path (len bytes) and is
 * extended in place so deep trees cost no stack per level beyond a frame. */
static void note_subtree(struct xs_txn *t, struct xs_node *n, char *buf, size_t len)
{
	xs_txn_note(t, len ? buf : "/", n);
	for (uint32_t i = 0; i < n->nkids; i++) {
		size_t kl = strlen(n->kids[i]->name);
		if (len + 1 + kl + 1 > XS_PATH_BUF)
			continue; /* cannot happen: paths are length-checked */
		buf[len] = '/';
		memcpy(buf + len + 1, n->kids[i]->name, kl + 1);
		note_subtree(t, n->kids[i], buf, len + 1 + kl);
		buf[len] = '\0';
	}
}

void xs_tree_remove(struct xs_view *v, struct xs_node *n)
{
	struct xs_node *parent = n->parent;

	if (!parent)
		return;
	if (v->txn) {
		char p[XS_PATH_BUF];
		xs_node_path(parent, p, sizeof(p));
		xs_txn_note(v->txn, p, parent);
		xs_node_path(n, p, sizeof(p));
		note_subtree(v->txn, n, p, strlen(p));
	}
	for (uint32_t i = 0; i < parent->nkids; i++) {
		if (parent->kids[i] == n) {
			memmove(&parent->kids[i], &parent->kids[i + 1],
				(parent->nkids - i - 1) * sizeof(n));
			parent->nkids--;
			break;
		}
	}
	parent->gen = ++xs_gen_counter;
	xs_node_free(n);
}

/* Children names, each NUL-terminated; returns the bytes needed. */
size_t xs_tree_children(const struct xs_node *n, char *buf, size_t bufsz)
{
	size_t off = 0;

	for (uint32_t i = 0; i < n->nkids; i++) {
		size_t l = strlen(n->kids[i]->name) + 1;
		if (buf && off + l <= bufsz)
			memcpy(buf + off, n->kids[i]->name, l);
		off += l;
	}
	return off;
}

/* What Xen counts against the node-size quota: value, perms, children. */
size_t xs_tree_node_size(const struct xs_node *n)
{
	return n->vlen + n->perms.n * sizeof(struct xs_perm) + xs_tree_children(n, NULL, 0);
}

unsigned xs_tree_count_owned(const struct xs_node *n, unsigned domid)
{
	unsigned c = n->perms.n && n->perms.p[0].domid == domid;

	for (uint32_t i = 0; i < n->nkids; i++)
		c += xs_tree_count_owned(n->kids[i], domid);
	return c;
}

/* The nodes Xen's daemon has at start, all owned by dom0, no access for
 * others. */
struct xs_node *xs_tree_initial(void)
{
	static const char *const paths[] = { "/tool/xenstored", "/local/domain" };
	struct xs_node *root = xs_node_new("", 0);
	struct xs_view v = { &root, NULL };
	struct xs_node *n;
	unsigned created;

	if (!root)
		return NULL;
	root->perms.p = calloc(1, sizeof(struct xs_perm));
	if (!root->perms.p) {
		xs_node_free(root);
		return NULL;
	}
	root->perms.n = 1;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (xs_tree_create(&v, paths[i], NULL, 0, true, &n, &created) != XS_OK) {
			xs_node_free(root);
			return NULL;
		}
	}
	return root;
}
