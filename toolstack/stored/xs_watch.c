/* xs_watch.c: watches: registration (path, token, optional depth), matching
 * on path-component boundaries, WATCH_EVENT delivery. */
#include <stdlib.h>
#include <string.h>

#include "xs.h"

enum xs_err xs_watch_add(struct xs_conn *c, const char *abs, const char *token, bool rel,
			 int depth)
{
	struct xs_watch *w;

	for (w = c->watches; w; w = w->next)
		if (!strcmp(w->path, abs) && !strcmp(w->token, token))
			return XS_EEXIST;
	if (!c->priv && c->nwatches >= xs_quota[XS_Q_WATCHES])
		return XS_E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return XS_ENOMEM;
	w->path = strdup(abs);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return XS_ENOMEM;
	}
	w->relative = rel;
	w->depth = depth;
	w->next = c->watches;
	c->watches = w;
	c->nwatches++;
	return XS_OK;
}

static void watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

enum xs_err xs_watch_del(struct xs_conn *c, const char *abs, const char *token)
{
	for (struct xs_watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
		struct xs_watch *w = *pp;
		if (!strcmp(w->path, abs) && !strcmp(w->token, token)) {
			*pp = w->next;
			c->nwatches--;
			watch_free(w);
			return XS_OK;
		}
	}
	return XS_ENOENT;
}

void xs_watch_del_all(struct xs_conn *c)
{
	while (c->watches) {
		struct xs_watch *w = c->watches;
		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
}

/* Sends "path\0token\0"; relative watches get paths relative to home. */
void xs_watch_send(struct xs_conn *c, const struct xs_watch *w, const char *abs)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h = { .type = XS_WATCH_EVENT };
	const char *p = abs;
	size_t pl, tl;

	if (w->relative && !xs_path_is_special(abs)) {
		const char *r = xs_path_relative(c->domid, abs);
		if (r)
			p = r;
	}
	pl = strlen(p) + 1;
	tl = strlen(w->token) + 1;
	if (pl + tl > sizeof(buf)) {
		xs_log(c->name, "watch event for %s too long, dropped", abs);
		return;
	}
	memcpy(buf, p, pl);
	memcpy(buf + pl, w->token, tl);
	h.len = (uint32_t)(pl + tl);
	c->send(c, &h, buf);
}

/* May c learn about a change at abs? Privileged: yes; others need read
 * access to the node, or to its nearest surviving ancestor once deleted. */
static bool may_see(const struct xs_conn *c, const char *abs)
{
	struct xs_view live = xs_view_live();
	const struct xs_perms *ps;

	if (c->priv)
		return true;
	if (!strcmp(abs, "@introduceDomain"))
		ps = &xs_special_perms[0];
	else if (!strcmp(abs, "@releaseDomain"))
		ps = &xs_special_perms[1];
	else if (xs_path_is_special(abs))
		return false;
	else
		ps = &xs_tree_nearest(&live, abs)->perms;
	return xs_perms_for(ps, c->domid, xs_conn_target(c), false) & XS_PERM_READ;
}

void xs_watch_fire(const char *abs, bool recursive_delete)
{
	bool special = xs_path_is_special(abs);

	for (struct xs_conn *c = xs_conns; c; c = c->next) {
		if (c->dead)
			continue;
		for (struct xs_watch *w = c->watches; w; w = w->next) {
			bool special_w = xs_path_is_special(w->path);
			if (special || special_w) {
				if (!strcmp(w->path, abs) && may_see(c, abs))
					xs_watch_send(c, w, abs);
				continue;
			}
			if (xs_path_is_below(abs, w->path)) {
				if (w->depth >= 0 &&
				    xs_path_depth_below(abs, w->path) > (unsigned)w->depth)
					continue;
				if (may_see(c, abs))
					xs_watch_send(c, w, abs);
			} else if (recursive_delete && xs_path_is_below(w->path, abs)) {
				/* A watched node inside a removed subtree. */
				if (may_see(c, abs))
					xs_watch_send(c, w, w->path);
			}
		}
	}
}
