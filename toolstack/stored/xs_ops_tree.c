/* xs_ops_tree.c: the tree requests: READ, WRITE, MKDIR, RM, DIRECTORY,
 * DIRECTORY_PART, GET_PERMS, SET_PERMS: argument checks and replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

/* Canonical tree path of argument i; special "@" names are not nodes. */
static bool tree_path(struct xs_req *r, unsigned i, char *abs)
{
	enum xs_err e = xs_path_canon(r->conn->domid, r->argv[i], abs, XS_PATH_BUF);

	if (e == XS_OK && xs_path_is_special(abs))
		e = XS_EINVAL;
	if (e != XS_OK)
		xs_reply_err(r, e);
	return e == XS_OK;
}

static const char ok_reply[] = "OK";

void xs_op_read(struct xs_req *r)
{
	char abs[XS_PATH_BUF];
	struct xs_view v = xs_req_view(r);
	struct xs_node *n;

	if (!tree_path(r, 0, abs))
		return;
	n = xs_tree_lookup(&v, abs);
	if (!n)
		xs_reply_err(r, XS_ENOENT);
	else if (!xs_can(r->conn, n, XS_PERM_READ))
		xs_reply_err(r, XS_EACCES);
	else
		xs_reply(r, XS_READ, n->value, n->vlen);
}

static void write_or_mkdir(struct xs_req *r, bool mkdir)
{
	char abs[XS_PATH_BUF];
	struct xs_view v = xs_req_view(r);
	size_t plen = strlen(r->argv[0]) + 1;
	enum xs_err e;

	if (!tree_path(r, 0, abs))
		return;
	e = xs_do_write(r->conn, &v, abs, r->data + plen, mkdir ? 0 : r->hdr->len - plen, mkdir);
	if (e != XS_OK)
		xs_reply_err(r, e);
	else
		xs_reply(r, r->hdr->type, ok_reply, sizeof(ok_reply));
}

void xs_op_write(struct xs_req *r)
{
	write_or_mkdir(r, false);
}

void xs_op_mkdir(struct xs_req *r)
{
	write_or_mkdir(r, true);
}

void xs_op_rm(struct xs_req *r)
{
	char abs[XS_PATH_BUF];
	struct xs_view v = xs_req_view(r);
	enum xs_err e;

	if (!tree_path(r, 0, abs))
		return;
	e = xs_do_rm(r->conn, &v, abs);
	if (e != XS_OK)
		xs_reply_err(r, e);
	else
		xs_reply(r, XS_RM, ok_reply, sizeof(ok_reply));
}

static struct xs_node *readable(struct xs_req *r, struct xs_view *v, char *abs)
{
	struct xs_node *n;

	if (!tree_path(r, 0, abs))
		return NULL;
	n = xs_tree_lookup(v, abs);
	if (!n)
		xs_reply_err(r, XS_ENOENT);
	else if (!xs_can(r->conn, n, XS_PERM_READ)) {
		xs_reply_err(r, XS_EACCES);
		n = NULL;
	}
	return n;
}

void xs_op_directory(struct xs_req *r)
{
	char abs[XS_PATH_BUF], buf[XENSTORE_PAYLOAD_MAX];
	struct xs_view v = xs_req_view(r);
	struct xs_node *n = readable(r, &v, abs);
	size_t len;

	if (!n)
		return;
	len = xs_tree_children(n, buf, sizeof(buf));
	if (len > sizeof(buf))
		xs_reply_err(r, XS_E2BIG);
	else
		xs_reply(r, XS_DIRECTORY, buf, len);
}

/* "gencnt\0" then whole child names from byte offset `off` of the
 * children list; a final empty string says the list is complete. */
void xs_op_directory_part(struct xs_req *r)
{
	char abs[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX], *kids;
	struct xs_view v = xs_req_view(r);
	struct xs_node *n;
	unsigned long off;
	size_t total, pos, used;
	char *end;

	off = strtoul(r->argv[1], &end, 10);
	if (!r->argv[1][0] || *end || r->argv[1][0] == '-') {
		xs_reply_err(r, XS_EINVAL);
		return;
	}
	n = readable(r, &v, abs);
	if (!n)
		return;
	total = xs_tree_children(n, NULL, 0);
	kids = malloc(total + 1);
	if (!kids) {
		xs_reply_err(r, XS_ENOMEM);
		return;
	}
	xs_tree_children(n, kids, total);
	if (off > total || (off > 0 && kids[off - 1] != '\0')) {
		free(kids);
		xs_reply_err(r, XS_EINVAL);
		return;
	}
	used = (size_t)snprintf(out, sizeof(out), "%llu", (unsigned long long)n->gen) + 1;
	for (pos = off; pos < total;) {
		size_t l = strlen(kids + pos) + 1;
		if (used + l + 1 > sizeof(out))
			break;
		memcpy(out + used, kids + pos, l);
		used += l;
		pos += l;
	}
	if (pos == total)
		out[used++] = '\0';
	free(kids);
	xs_reply(r, XS_DIRECTORY_PART, out, used);
}

static struct xs_perms *special_perms(const char *abs)
{
	if (!strcmp(abs, "@introduceDomain"))
		return &xs_special_perms[0];
	if (!strcmp(abs, "@releaseDomain"))
		return &xs_special_perms[1];
	return NULL;
}

void xs_op_get_perms(struct xs_req *r)
{
	char abs[XS_PATH_BUF], buf[XENSTORE_PAYLOAD_MAX];
	struct xs_view v = xs_req_view(r);
	const struct xs_perms *ps;
	enum xs_err e = xs_path_canon(r->conn->domid, r->argv[0], abs, sizeof(abs));
	size_t len;

	if (e != XS_OK) {
		xs_reply_err(r, e);
		return;
	}
	if (xs_path_is_special(abs)) {
		ps = special_perms(abs);
		if (!ps) {
			xs_reply_err(r, XS_ENOENT);
			return;
		}
	} else {
		struct xs_node *n = readable(r, &v, abs);
		if (!n)
			return;
		ps = &n->perms;
	}
	len = xs_perms_format(ps, buf, sizeof(buf));
	if (len > sizeof(buf))
		xs_reply_err(r, XS_E2BIG);
	else
		xs_reply(r, XS_GET_PERMS, buf, len);
}

void xs_op_set_perms(struct xs_req *r)
{
	char abs[XS_PATH_BUF];
	struct xs_view v = xs_req_view(r);
	size_t plen = strlen(r->argv[0]) + 1;
	struct xs_perms ps;
	enum xs_err e = xs_path_canon(r->conn->domid, r->argv[0], abs, sizeof(abs));

	if (e == XS_OK)
		e = xs_perms_parse(r->data + plen, r->hdr->len - plen, &ps);
	if (e != XS_OK) {
		xs_reply_err(r, e);
		return;
	}
	if (xs_path_is_special(abs)) {
		struct xs_perms *sp = special_perms(abs);
		if (!sp)
			e = XS_ENOENT;
		else if (!r->conn->priv)
			e = XS_EACCES;
		else {
			xs_perms_free(sp);
			*sp = ps;
			ps.p = NULL;
		}
	} else {
		e = xs_do_set_perms(r->conn, &v, abs, &ps);
	}
	xs_perms_free(&ps);
	if (e != XS_OK)
		xs_reply_err(r, e);
	else
		xs_reply(r, XS_SET_PERMS, ok_reply, sizeof(ok_reply));
}
