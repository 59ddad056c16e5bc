/* hd_methods_misc.c: version, host.status, events.subscribe and the
 * store.* methods (xenstore through hospesd, API.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "rpc.h"
#include "xsclient.h"

#define FAIL(c, ...) (*code = (c), snprintf(msg, msglen, __VA_ARGS__), (json_object *)NULL)

static json_object *m_version(struct hd_conn *c, json_object *p, int *code, char *msg,
			      size_t msglen, json_object **data)
{
	json_object *res = json_object_new_object();

	json_object_object_add(res, "version", json_object_new_string("0.1"));
	json_object_object_add(res, "api", json_object_new_int(1));
	return res;
}

static json_object *service_json(const struct hd_service *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int((int)s->pid));
	json_object_object_add(o, "running", json_object_new_boolean(s->pid > 0));
	json_object_object_add(o, "restarts", json_object_new_int((int)s->restarts));
	json_object_object_add(o, "socket", json_object_new_string(s->sock));
	json_object_object_add(o, "binary", json_object_new_string(s->bin));
	/* robust: false after a call timed out, until it answers again */
	json_object_object_add(o, "responding", json_object_new_boolean(!s->unresponsive));
	return o;
}

static json_object *m_status(struct hd_conn *c, json_object *p, int *code, char *msg,
			     size_t msglen, json_object **data)
{
	json_object *res = json_object_new_object(), *svc = json_object_new_object();
	int n = 0;

	for (struct hd_dom *d = hd.doms; d; d = d->next)
		n++;
	json_object_object_add(svc, "hospes-hv", service_json(&hd.hv));
	json_object_object_add(svc, "hospes-stored", service_json(&hd.stored));
	json_object_object_add(svc, "hospes-consoled", service_json(&hd.consoled));
	json_object_object_add(svc, "hospes-blkback", service_json(&hd.blkback)); /* block */
	json_object_object_add(svc, "hospes-netback", service_json(&hd.netback)); /* net */
	json_object_object_add(res, "services", svc);
	json_object_object_add(res, "domains", json_object_new_int(n));
	json_object_object_add(res, "state_dir", json_object_new_string(hd.state_dir));
	return res;
}

static json_object *m_subscribe(struct hd_conn *c, json_object *p, int *code, char *msg,
				size_t msglen, json_object **data)
{
	json_object *res = json_object_new_object();

	hd_conn_subscribe(c);
	json_object_object_add(res, "subscribed", json_object_new_boolean(true));
	return res;
}

/* params.path: a string of 1..3071 bytes (xenstore's limit) */
static const char *get_path(json_object *p, int *code, char *msg, size_t msglen)
{
	json_object *v;
	size_t n;

	if (!p || !json_object_object_get_ex(p, "path", &v) || !json_object_is_type(v, json_type_string) ||
	    (n = (size_t)json_object_get_string_len(v)) == 0 || n > 3071 ||
	    strlen(json_object_get_string(v)) != n) {
		(void)FAIL(RPC_INVALID_PARAMS, "params.path: a non-empty xenstore path");
		return NULL;
	}
	return json_object_get_string(v);
}

static json_object *xs_failed(int r, int *code, char *msg, size_t msglen, json_object **data)
{
	*data = json_object_new_object();
	json_object_object_add(*data, "errno", json_object_new_int(-r));
	if (r == -ENOTCONN && hd.stored.unresponsive)
		return FAIL(RPC_UNAVAILABLE, "hospes-stored is not reachable: it has not answered "
			    "since a request timed out (%u ms)", HD_CALL_TIMEOUT_MS);
	if (r == -ENOTCONN)
		return FAIL(RPC_UNAVAILABLE, "hospes-stored is not reachable");
	if (r == -ETIMEDOUT) /* robust: the connection was dropped (hd_xs_result) */
		return FAIL(RPC_UNAVAILABLE, "hospes-stored is not reachable: no answer within %u ms",
			    HD_CALL_TIMEOUT_MS);
	return FAIL(RPC_OP_FAILED, "%s", xsc_strerror(r));
}

static json_object *m_read(struct hd_conn *c, json_object *p, int *code, char *msg,
			   size_t msglen, json_object **data)
{
	const char *path = get_path(p, code, msg, msglen);
	struct xsc *x = hd_xs();
	json_object *res;
	size_t len;
	char *val;
	int r;

	if (!path)
		return NULL;
	r = x ? hd_xs_result(xsc_read(x, 0, path, &val, &len)) : -ENOTCONN;
	if (r)
		return xs_failed(r, code, msg, msglen, data);
	res = json_object_new_object();
	json_object_object_add(res, "value", json_object_new_string_len(val, (int)len));
	free(val);
	return res;
}

static json_object *m_write(struct hd_conn *c, json_object *p, int *code, char *msg,
			    size_t msglen, json_object **data)
{
	const char *path = get_path(p, code, msg, msglen);
	struct xsc *x = hd_xs();
	json_object *v;
	int r;

	if (!path)
		return NULL;
	if (!json_object_object_get_ex(p, "value", &v) || !json_object_is_type(v, json_type_string))
		return FAIL(RPC_INVALID_PARAMS, "params.value: a string");
	r = x ? hd_xs_result(xsc_write(x, 0, path, json_object_get_string(v),
				       (size_t)json_object_get_string_len(v)))
	      : -ENOTCONN;
	if (r)
		return xs_failed(r, code, msg, msglen, data);
	return json_object_new_object();
}

static json_object *m_ls(struct hd_conn *c, json_object *p, int *code, char *msg,
			 size_t msglen, json_object **data)
{
	const char *path = get_path(p, code, msg, msglen);
	struct xsc *x = hd_xs();
	json_object *res, *arr;
	char **names;
	unsigned n;
	int r;

	if (!path)
		return NULL;
	r = x ? hd_xs_result(xsc_directory(x, 0, path, &names, &n)) : -ENOTCONN;
	if (r)
		return xs_failed(r, code, msg, msglen, data);
	res = json_object_new_object();
	arr = json_object_new_array();
	for (unsigned i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(names[i]));
	free(names);
	json_object_object_add(res, "entries", arr);
	return res;
}

static json_object *m_rm(struct hd_conn *c, json_object *p, int *code, char *msg,
			 size_t msglen, json_object **data)
{
	const char *path = get_path(p, code, msg, msglen);
	struct xsc *x = hd_xs();
	int r;

	if (!path)
		return NULL;
	r = x ? hd_xs_result(xsc_rm(x, 0, path)) : -ENOTCONN;
	if (r)
		return xs_failed(r, code, msg, msglen, data);
	return json_object_new_object();
}

static json_object *m_watch(struct hd_conn *c, json_object *p, int *code, char *msg,
			    size_t msglen, json_object **data)
{
	const char *path = get_path(p, code, msg, msglen);
	char token[HD_PATH_MAX + 16];
	int r;

	if (!path)
		return NULL;
	if (strlen(path) >= HD_PATH_MAX)
		return FAIL(RPC_INVALID_PARAMS, "params.path: at most %d bytes to watch", HD_PATH_MAX - 1);
	snprintf(token, sizeof(token), "c%u:%s", hd_conn_id(c), path);
	r = hd_store_watch(path, token);
	if (r)
		return xs_failed(r, code, msg, msglen, data);
	return json_object_new_object();
}

const struct hd_method hd_misc_methods[] = {
	{ "version", m_version },
	{ "host.status", m_status },
	{ "events.subscribe", m_subscribe },
	{ "store.read", m_read },
	{ "store.write", m_write },
	{ "store.ls", m_ls },
	{ "store.rm", m_rm },
	{ "store.watch", m_watch },
	{ NULL, NULL },
};
