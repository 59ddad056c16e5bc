/* hd_dispatch.c: JSON-RPC 2.0 requests: envelope checks, batches,
 * notifications, the method tables, error objects. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hd.h"
#include "hd_conn.h"
#include "rpc.h"

/* block: the request being dispatched, for a method that answers later */
static struct {
	struct hd_conn *conn;
	json_object *id;
	bool has_id, in_batch, deferred;
} cur;

int hd_reply_later(struct hd_later *out)
{
	if (cur.in_batch)
		return -EINVAL;
	out->conn = cur.conn ? hd_conn_id(cur.conn) : 0;
	out->id = cur.has_id ? json_object_get(cur.id) : NULL;
	out->notification = !cur.has_id;
	cur.deferred = true;
	return 0;
}

void hd_reply_send(struct hd_later *l, json_object *result, int code, const char *message,
		   json_object *data)
{
	struct hd_conn *c = NULL;

	for (struct hd_conn *k = hd.conns; k && !l->notification; k = k->next)
		if (k->id == l->conn && !k->closing)
			c = k;
	if (c) {
		json_object *rep = code ? rpc_error(l->id, code, message, data)
					: rpc_result(l->id, result);

		hd_conn_send(c, rep);
		json_object_put(rep);
	} else {
		/* the client went away (or asked nothing back) */
		json_object_put(result);
		json_object_put(data);
	}
	json_object_put(l->id);
	l->id = NULL;
}

static const struct hd_method *find_method(const char *name)
{
	const struct hd_method *tables[] = { hd_dom_methods, hd_misc_methods };

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct hd_method *m = tables[t]; m->name; m++)
			if (!strcmp(m->name, name))
				return m;
	return NULL;
}

/* One request object -> its reply, NULL for a notification. */
static json_object *dispatch_one(struct hd_conn *c, json_object *req)
{
	json_object *id = NULL, *method, *params = NULL, *jv, *data = NULL, *result;
	bool has_id;
	const struct hd_method *m;
	char msg[256] = "";
	int code = 0;

	if (!json_object_is_type(req, json_type_object))
		return rpc_error(NULL, RPC_INVALID_REQUEST, "a request is a JSON object", NULL);
	has_id = json_object_object_get_ex(req, "id", &id);
	if (has_id && id && !json_object_is_type(id, json_type_int) &&
	    !json_object_is_type(id, json_type_string))
		return rpc_error(NULL, RPC_INVALID_REQUEST, "id must be a number, string or null", NULL);
	if (!json_object_object_get_ex(req, "jsonrpc", &jv) ||
	    !json_object_is_type(jv, json_type_string) || strcmp(json_object_get_string(jv), "2.0"))
		return rpc_error(id, RPC_INVALID_REQUEST, "jsonrpc must be \"2.0\"", NULL);
	if (!json_object_object_get_ex(req, "method", &method) ||
	    !json_object_is_type(method, json_type_string))
		return rpc_error(id, RPC_INVALID_REQUEST, "method must be a string", NULL);
	if (json_object_object_get_ex(req, "params", &params) && params &&
	    !json_object_is_type(params, json_type_object))
		return rpc_error(id, RPC_INVALID_PARAMS, "params must be an object (by name)", NULL);
	m = find_method(json_object_get_string(method));
	if (!m) {
		snprintf(msg, sizeof(msg), "method not found: %.128s", json_object_get_string(method));
		return has_id ? rpc_error(id, RPC_METHOD_NOT_FOUND, msg, NULL) : NULL;
	}
	cur.conn = c;
	cur.id = id;
	cur.has_id = has_id;
	cur.deferred = false;
	result = m->fn(c, params, &code, msg, sizeof(msg), &data);
	if (cur.deferred) { /* hd_reply_send answers */
		json_object_put(result);
		json_object_put(data);
		return NULL;
	}
	if (!has_id) {
		json_object_put(result);
		json_object_put(data);
		return NULL;
	}
	if (code)
		return rpc_error(id, code, msg[0] ? msg : "failed", data);
	return rpc_result(id, result);
}

json_object *hd_dispatch_line(struct hd_conn *c, const char *line)
{
	enum json_tokener_error jerr;
	json_object *req = json_tokener_parse_verbose(line, &jerr), *out;

	if (!req) {
		char msg[128];

		/* "null" parses to NULL without an error: still not a request. */
		if (jerr == json_tokener_success)
			return rpc_error(NULL, RPC_INVALID_REQUEST, "a request is a JSON object", NULL);
		snprintf(msg, sizeof(msg), "parse error: %s", json_tokener_error_desc(jerr));
		return rpc_error(NULL, RPC_PARSE_ERROR, msg, NULL);
	}
	if (!json_object_is_type(req, json_type_array)) {
		out = dispatch_one(c, req);
		json_object_put(req);
		return out;
	}
	if (json_object_array_length(req) == 0) {
		json_object_put(req);
		return rpc_error(NULL, RPC_INVALID_REQUEST, "empty batch", NULL);
	}
	out = json_object_new_array();
	cur.in_batch = true;
	for (size_t i = 0; i < json_object_array_length(req); i++) {
		json_object *r = dispatch_one(c, json_object_array_get_idx(req, i));

		if (r)
			json_object_array_add(out, r);
	}
	cur.in_batch = false;
	json_object_put(req);
	if (json_object_array_length(out) == 0) {
		json_object_put(out);
		return NULL;
	}
	return out;
}
