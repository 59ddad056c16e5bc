/* xs_txn.c: transactions. A transaction works on a private copy of the
 * tree taken at start (so it sees its own writes and the tree as of
 * start), remembers the generation of every node it read or wrote when it
 * first touched it, and logs its changes. Commit fails with EAGAIN if any
 * of those nodes changed in the live tree meanwhile; otherwise the logged
 * changes are replayed on the live tree, which fires the watches. */
#include <stdlib.h>
#include <string.h>

#include "xs.h"

struct xs_txn_seen {
	struct xs_txn_seen *next;
	uint64_t gen; /* 0: the node did not exist */
	char path[];
};

struct xs_txn_op {
	struct xs_txn_op *next;
	uint32_t type; /* XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS */
	size_t len;
	char *path;
	char data[]; /* value or permission list */
};

static uint32_t next_txn_id = 1;
bool xs_txn_replaying;

struct xs_txn *xs_txn_start(struct xs_conn *c)
{
	struct xs_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->root = xs_node_clone(xs_view_live_root(), NULL);
	if (!t->root) {
		free(t);
		return NULL;
	}
	do {
		t->id = next_txn_id++;
	} while (t->id == 0 || xs_txn_find(c, t->id));
	t->ops_tail = &t->ops;
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	return t;
}

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
	for (struct xs_txn *t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

void xs_txn_note(struct xs_txn *t, const char *path, const struct xs_node *n)
{
	struct xs_txn_seen *s;
	size_t l = strlen(path);

	for (s = t->seen; s; s = s->next)
		if (!strcmp(s->path, path))
			return;
	s = malloc(sizeof(*s) + l + 1);
	if (!s)
		return; /* only weakens conflict detection for one path */
	memcpy(s->path, path, l + 1);
	s->gen = n ? n->gen : 0;
	s->next = t->seen;
	t->seen = s;
}

void xs_txn_record(struct xs_txn *t, uint32_t type, const char *path, const char *data,
		   size_t len)
{
	struct xs_txn_op *op = malloc(sizeof(*op) + len + 1);

	if (!op)
		return;
	op->path = strdup(path);
	if (!op->path) {
		free(op);
		return;
	}
	op->type = type;
	op->len = len;
	op->next = NULL;
	if (len)
		memcpy(op->data, data, len);
	op->data[len] = '\0';
	*t->ops_tail = op;
	t->ops_tail = &op->next;
	t->nops++;
}

static void txn_free(struct xs_conn *c, struct xs_txn *t)
{
	for (struct xs_txn **pp = &c->txns; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			c->ntxns--;
			break;
		}
	}
	while (t->seen) {
		struct xs_txn_seen *s = t->seen;
		t->seen = s->next;
		free(s);
	}
	while (t->ops) {
		struct xs_txn_op *op = t->ops;
		t->ops = op->next;
		free(op->path);
		free(op);
	}
	xs_node_free(t->root);
	free(t);
}

static bool unchanged(struct xs_txn *t)
{
	struct xs_view live = xs_view_live();

	for (struct xs_txn_seen *s = t->seen; s; s = s->next) {
		struct xs_node *n = xs_tree_lookup(&live, s->path);
		if ((n ? n->gen : 0) != s->gen)
			return false;
	}
	return true;
}

enum xs_err xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
	struct xs_view live = xs_view_live();
	enum xs_err e = XS_OK;

	if (commit && !unchanged(t))
		e = XS_EAGAIN;
	else if (commit) {
		xs_txn_replaying = true;
		for (struct xs_txn_op *op = t->ops; op; op = op->next) {
			struct xs_perms ps;
			switch (op->type) {
			case XS_WRITE:
			case XS_MKDIR:
				xs_do_write(c, &live, op->path, op->data, op->len,
					    op->type == XS_MKDIR);
				break;
			case XS_RM:
				xs_do_rm(c, &live, op->path);
				break;
			case XS_SET_PERMS:
				if (xs_perms_parse(op->data, op->len, &ps) == XS_OK) {
					xs_do_set_perms(c, &live, op->path, &ps);
					xs_perms_free(&ps);
				}
				break;
			default:
				break;
			}
		}
		xs_txn_replaying = false;
	}
	txn_free(c, t);
	return e;
}

void xs_txn_abort_all(struct xs_conn *c)
{
	while (c->txns)
		txn_free(c, c->txns);
}
