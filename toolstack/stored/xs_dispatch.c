/* xs_dispatch.c: the request dispatcher: one table row per message type
 * (handler, argument rule, privilege), payload checks, replies. */
#include <string.h>

#include "xs.h"

enum {
	ARG_STRINGS, /* at least nargs NUL-terminated strings, payload ends in NUL */
	ARG_WRITE,   /* one string, then a raw value without NUL */
	ARG_ANY,     /* payload ignored */
};

struct xs_op_row {
	xs_handler_fn *fn;
	uint8_t rule;
	uint8_t nargs;
	bool priv; /* privileged connections only, EACCES otherwise */
	const char *name;
};

static const struct xs_op_row ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { xs_op_control, ARG_STRINGS, 1, true, "CONTROL" },
	[XS_DIRECTORY] = { xs_op_directory, ARG_STRINGS, 1, false, "DIRECTORY" },
	[XS_READ] = { xs_op_read, ARG_STRINGS, 1, false, "READ" },
	[XS_GET_PERMS] = { xs_op_get_perms, ARG_STRINGS, 1, false, "GET_PERMS" },
	[XS_WATCH] = { xs_op_watch, ARG_STRINGS, 2, false, "WATCH" },
	[XS_UNWATCH] = { xs_op_unwatch, ARG_STRINGS, 2, false, "UNWATCH" },
	[XS_TRANSACTION_START] = { xs_op_txn_start, ARG_ANY, 0, false, "TRANSACTION_START" },
	[XS_TRANSACTION_END] = { xs_op_txn_end, ARG_STRINGS, 1, false, "TRANSACTION_END" },
	[XS_INTRODUCE] = { xs_op_introduce, ARG_STRINGS, 3, true, "INTRODUCE" },
	[XS_RELEASE] = { xs_op_release, ARG_STRINGS, 1, true, "RELEASE" },
	[XS_GET_DOMAIN_PATH] = { xs_op_get_domain_path, ARG_STRINGS, 1, false, "GET_DOMAIN_PATH" },
	[XS_WRITE] = { xs_op_write, ARG_WRITE, 1, false, "WRITE" },
	[XS_MKDIR] = { xs_op_mkdir, ARG_STRINGS, 1, false, "MKDIR" },
	[XS_RM] = { xs_op_rm, ARG_STRINGS, 1, false, "RM" },
	[XS_SET_PERMS] = { xs_op_set_perms, ARG_STRINGS, 2, false, "SET_PERMS" },
	[XS_IS_DOMAIN_INTRODUCED] = { xs_op_is_introduced, ARG_STRINGS, 1, true,
				      "IS_DOMAIN_INTRODUCED" },
	[XS_RESUME] = { xs_op_resume, ARG_STRINGS, 1, true, "RESUME" },
	[XS_SET_TARGET] = { xs_op_set_target, ARG_STRINGS, 2, true, "SET_TARGET" },
	[XS_RESET_WATCHES] = { xs_op_reset_watches, ARG_ANY, 0, false, "RESET_WATCHES" },
	[XS_DIRECTORY_PART] = { xs_op_directory_part, ARG_STRINGS, 2, false, "DIRECTORY_PART" },
};

static const struct xsd_errors err_table[XSD_ERRORS_COUNT] = XSD_ERRORS_INIT;

const char *xs_err_name(enum xs_err e)
{
	if ((int)e < 0 || (int)e >= XSD_ERRORS_COUNT)
		return "EINVAL";
	return err_table[e].errstring;
}

void xs_reply(struct xs_req *r, uint32_t type, const void *data, size_t len)
{
	struct xsd_sockmsg h = {
		.type = type, .req_id = r->hdr->req_id, .tx_id = r->hdr->tx_id, .len = (uint32_t)len
	};

	if (len > XENSTORE_PAYLOAD_MAX) {
		xs_reply_err(r, XS_E2BIG);
		return;
	}
	r->conn->send(r->conn, &h, data);
}

void xs_reply_err(struct xs_req *r, enum xs_err e)
{
	const char *s = xs_err_name(e);

	xs_reply(r, XS_ERROR, s, strlen(s) + 1);
}

struct xs_view xs_req_view(struct xs_req *r)
{
	struct xs_view v = xs_view_live();

	if (r->txn) {
		v.rootp = &r->txn->root;
		v.txn = r->txn;
	}
	return v;
}

/* Splits the payload into its strings per the row's rule. */
static bool parse_args(struct xs_req *r, const struct xs_op_row *row, uint32_t len)
{
	const char *d = r->data;
	uint32_t off = 0;

	r->argc = 0;
	if (row->rule == ARG_ANY)
		return true;
	if (row->rule == ARG_WRITE) {
		const char *nul = memchr(d, '\0', len);
		if (!nul)
			return false;
		r->argv[0] = d;
		r->argc = 1;
		return true;
	}
	if (len == 0 || d[len - 1] != '\0')
		return false;
	while (off < len) {
		if (r->argc < sizeof(r->argv) / sizeof(r->argv[0]))
			r->argv[r->argc] = d + off;
		r->argc++;
		off += (uint32_t)strlen(d + off) + 1;
	}
	return r->argc >= row->nargs;
}

void xs_dispatch(struct xs_conn *c, const struct xsd_sockmsg *h, const char *payload)
{
	struct xs_req r = { .conn = c, .hdr = h, .data = payload };
	const struct xs_op_row *row = h->type < XS_TYPE_COUNT ? &ops[h->type] : NULL;

	if (!row || !row->fn) {
		xs_log(c->name, "unsupported message type %u", h->type);
		xs_reply_err(&r, XS_ENOSYS);
		return;
	}
	if (!parse_args(&r, row, h->len)) {
		xs_log(c->name, "%s: malformed payload (%u bytes)", row->name, h->len);
		xs_reply_err(&r, XS_EINVAL);
		return;
	}
	if (row->priv && !c->priv) {
		xs_reply_err(&r, XS_EACCES);
		return;
	}
	if (h->tx_id != 0 && h->type != XS_TRANSACTION_START) {
		r.txn = xs_txn_find(c, h->tx_id);
		if (!r.txn) {
			xs_reply_err(&r, XS_ENOENT);
			return;
		}
	}
	row->fn(&r);
}
