/* xs_node.c: single nodes: allocation, deep copies, their paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

struct xs_node *xs_node_new(const char *name, size_t nlen)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, nlen);
	n->value = strdup("");
	if (!n->name || !n->value) {
		free(n->name);
		free(n->value);
		free(n);
		return NULL;
	}
	n->gen = ++xs_gen_counter;
	return n;
}

void xs_node_free(struct xs_node *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < n->nkids; i++)
		xs_node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->value);
	xs_perms_free(&n->perms);
	free(n);
}

/* Deep copy keeping generations (a transaction compares them at commit). */
struct xs_node *xs_node_clone(const struct xs_node *n, struct xs_node *parent)
{
	struct xs_node *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->name = strdup(n->name);
	c->value = malloc(n->vlen + 1);
	c->kids = calloc(n->nkids ? n->nkids : 1, sizeof(*c->kids));
	if (!c->name || !c->value || !c->kids || xs_perms_copy(&c->perms, &n->perms)) {
		xs_node_free(c);
		return NULL;
	}
	memcpy(c->value, n->value, n->vlen + 1);
	c->vlen = n->vlen;
	c->gen = n->gen;
	c->parent = parent;
	c->capkids = n->nkids ? n->nkids : 1;
	for (uint32_t i = 0; i < n->nkids; i++) {
		c->kids[i] = xs_node_clone(n->kids[i], c);
		if (!c->kids[i]) {
			xs_node_free(c);
			return NULL;
		}
		c->nkids++;
	}
	return c;
}

void xs_node_path(const struct xs_node *n, char *buf, size_t bufsz)
{
	const struct xs_node *chain[XENSTORE_ABS_PATH_MAX / 2 + 2];
	size_t depth = 0, off = 0;

	for (; n && n->parent; n = n->parent)
		chain[depth++] = n;
	if (depth == 0) {
		snprintf(buf, bufsz, "/");
		return;
	}
	buf[0] = '\0';
	while (depth-- && off < bufsz)
		off += (size_t)snprintf(buf + off, bufsz - off, "/%s", chain[depth]->name);
}
