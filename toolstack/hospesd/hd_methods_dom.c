/* hd_methods_dom.c: the domain.* JSON-RPC methods (API.md): create, list,
 * info, stats, pause/unpause/destroy, and the table of them all. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hd.h"
#include "hvctl.h"
#include "rpc.h"

#include "hd_methods.h"

json_object *hd_m_errno(int err)
{
	json_object *d = json_object_new_object();

	json_object_object_add(d, "errno", json_object_new_int(-err));
	return d;
}

/* The domain named by params.domain (id or name). */
struct hd_dom *hd_m_target(json_object *params, int *code, char *msg, size_t msglen)
{
	json_object *ref;
	struct hd_dom *d;

	if (!params || !json_object_object_get_ex(params, "domain", &ref) || !ref ||
	    (!json_object_is_type(ref, json_type_int) && !json_object_is_type(ref, json_type_string))) {
		(void)FAIL(RPC_INVALID_PARAMS, "params.domain (id or name) is required");
		return NULL;
	}
	d = hd_dom_find(ref);
	if (!d) {
		struct hvctl_dominfo info;
		uint32_t id;
		int r = hd_m_unmanaged(params, &id, &info);

		/* robust: held by hospes-hv but not by hospesd */
		if (r == -ENOTCONN || r == -ETIMEDOUT) {
			(void)FAIL(RPC_UNAVAILABLE, "no record of domain %s and hospes-hv is not "
				   "reachable", json_object_get_string(ref));
			return NULL;
		}
		if (!r) {
			(void)FAIL(RPC_OP_FAILED, "domain %u is not managed by hospesd (no record): "
				   "only domain.info, pause, unpause and destroy apply to it", id);
			return NULL;
		}
		(void)FAIL(RPC_NO_DOMAIN, "no such domain: %s", json_object_get_string(ref));
	}
	return d;
}

json_object *hd_m_failed(int r, int *code, char *msg, size_t msglen, json_object **data)
{
	*data = hd_m_errno(r);
	if (r == -ENOTCONN && (hd.hv.unresponsive || hd.stored.unresponsive))
		return FAIL(RPC_UNAVAILABLE, "%s is not reachable: it has not answered since a "
			    "request timed out (%u ms)", hd_svc_down_name(), HD_CALL_TIMEOUT_MS);
	if (r == -ENOTCONN)
		return FAIL(RPC_UNAVAILABLE, "%s is not reachable", hd_svc_down_name());
	if (r == -ETIMEDOUT) /* robust: the connection was dropped */
		return FAIL(RPC_UNAVAILABLE, "%s is not reachable: no answer within %u ms",
			    hd_svc_down_name(), HD_CALL_TIMEOUT_MS);
	return FAIL(RPC_OP_FAILED, "%s", hvctl_strerror(r));
}

static json_object *m_create(struct hd_conn *c, json_object *p, int *code, char *msg,
			     size_t msglen, json_object **data)
{
	json_object *v, *base = NULL, *res;
	struct hd_cfg_error err;
	struct hd_config cfg;
	struct hd_dom *d;
	bool paused = false;
	int r;

	if (!p)
		return FAIL(RPC_INVALID_PARAMS, "params.config or params.config_text is required");
	json_object_object_get_ex(p, "base_dir", &base);
	if (base && !json_object_is_type(base, json_type_string))
		return FAIL(RPC_INVALID_PARAMS, "params.base_dir must be a string");
	if (json_object_object_get_ex(p, "paused", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			return FAIL(RPC_INVALID_PARAMS, "params.paused must be a boolean");
		paused = json_object_get_boolean(v);
	}
	if (json_object_object_get_ex(p, "config_text", &v) && json_object_is_type(v, json_type_string))
		r = hd_config_parse(json_object_get_string(v), base ? json_object_get_string(base) : NULL,
				    &cfg, &err);
	else if (json_object_object_get_ex(p, "config", &v) && json_object_is_type(v, json_type_object))
		r = hd_config_from_json(v, NULL, base ? json_object_get_string(base) : NULL, &cfg, &err);
	else
		return FAIL(RPC_INVALID_PARAMS, "params.config (object) or params.config_text (string) is required");
	if (r) {
		*data = json_object_new_object();
		json_object_object_add(*data, "line", json_object_new_int(err.line));
		json_object_object_add(*data, "field", json_object_new_string(err.field));
		if (err.line)
			return FAIL(RPC_BAD_CONFIG, "line %d: %s: %s", err.line, err.field, err.msg);
		return FAIL(RPC_BAD_CONFIG, "%s: %s", err.field, err.msg);
	}
	/* block: a disk that cannot be attached fails the create (API.md) */
	if ((r = hd_vbd_check_config(&cfg, msg, msglen))) {
		*data = hd_m_errno(r);
		*code = RPC_OP_FAILED;
		return NULL;
	}
	r = hd_dom_create(&cfg, NULL, paused, &d);
	if (r == -EEXIST)
		return FAIL(RPC_EXISTS, "a domain named '%s' exists", cfg.name);
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(res, "name", json_object_new_string(d->cfg.name));
	json_object_object_add(res, "uuid", json_object_new_string(d->uuid));
	return res;
}

static json_object *m_list(struct hd_conn *c, json_object *p, int *code, char *msg,
			   size_t msglen, json_object **data)
{
	json_object *res = json_object_new_object(), *arr = json_object_new_array();
	unsigned n = 0;

	for (struct hd_dom *d = hd.doms; d; d = d->next)
		n++;
	/* Ascending domain ids, like xl list. */
	for (uint32_t last = 0; n--;) {
		struct hd_dom *best = NULL;

		for (struct hd_dom *d = hd.doms; d; d = d->next)
			if (d->domid > last && (!best || d->domid < best->domid))
				best = d;
		if (!best)
			break;
		hd_dom_refresh(best);
		json_object *o = hd_dom_json(best);

		json_object_object_add(o, "managed", json_object_new_boolean(true));
		json_object_array_add(arr, o);
		last = best->domid;
	}
	hd_m_unmanaged_list(arr); /* robust */
	json_object_object_add(res, "domains", arr);
	return res;
}

json_object *hd_m_info(struct hd_conn *c, json_object *p, int *code, char *msg,
			   size_t msglen, json_object **data)
{
	struct hd_dom *d;
	json_object *o = hd_m_unmanaged_op(p, 0, code, msg, msglen, data);
	int r;

	if (o || *code)
		return o;
	d = hd_m_target(p, code, msg, msglen);
	if (!d)
		return NULL;
	r = hd_dom_refresh(d);
	/* robust: a live domain's facts are hospes-hv's; not answering is an error */
	if (r == -ENOTCONN || r == -ETIMEDOUT)
		return hd_m_failed(r, code, msg, msglen, data);
	o = hd_dom_json(d);
	json_object_object_add(o, "managed", json_object_new_boolean(true));
	return o;
}

static json_object *m_stats(struct hd_conn *c, json_object *p, int *code, char *msg,
			    size_t msglen, json_object **data)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	json_object *res, *st, *mem;
	int r;

	if (!d)
		return NULL;
	r = hd_dom_refresh(d);
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	res = json_object_new_object();
	st = json_object_new_object();
	mem = json_object_new_object();
	json_object_object_add(st, "state", json_object_new_string(hd_state_name(d->info.state)));
	json_object_object_add(st, "shutdown_reason", json_object_new_int((int)d->info.shutdown_reason));
	json_object_object_add(st, "vcpus", json_object_new_int((int)d->info.vcpus));
	json_object_object_add(st, "online_vcpus", json_object_new_int((int)d->info.online_vcpus));
	json_object_object_add(st, "cpu_ns", json_object_new_int64((int64_t)d->info.cpu_ns));
	json_object_object_add(mem, "current_kib", json_object_new_int64((int64_t)(d->info.mem_cur_bytes >> 10)));
	json_object_object_add(mem, "max_kib", json_object_new_int64((int64_t)(d->info.mem_max_bytes >> 10)));
	json_object_object_add(mem, "target_kib", json_object_new_int64((int64_t)(d->mem_target >> 10)));
	json_object_object_add(mem, "static_max_kib", json_object_new_int64((int64_t)(d->cfg.maxmem >> 10)));
	json_object_object_add(res, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(res, "domstate", st);
	json_object_object_add(res, "dommemstat", mem);
	/* block: per-disk counters from hospes-blkback */
	json_object_object_add(res, "disks", hd_vbd_stats(d));
	/* net: per-vif counters from hospes-netback */
	json_object_object_add(res, "nics", hd_vif_stats(d));
	return res;
}

/* pause, unpause (start if never started), destroy */
static json_object *simple(json_object *p, int *code, char *msg, size_t msglen,
			   json_object **data, int which)
{
	struct hd_dom *d;
	struct hvctl *h;
	json_object *o = hd_m_unmanaged_op(p, which == 2 ? 3 : which + 1, code, msg, msglen, data);
	uint32_t domid;
	int r;

	if (o || *code)
		return o;
	d = hd_m_target(p, code, msg, msglen);
	if (!d)
		return NULL;
	h = hd_hv();
	domid = d->domid;
	if (which == 2) {
		r = hd_dom_destroy(d);
	} else if (!h) {
		r = -ENOTCONN;
	} else if (which == 0) {
		r = hd_hv_result(hvctl_pause(h, domid));
	} else {
		r = hd_hv_result(d->info.state == HVCTL_STATE_CREATED ? hvctl_start(h, domid)
								      : hvctl_unpause(h, domid));
	}
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	json_object *res = json_object_new_object();

	json_object_object_add(res, "domid", json_object_new_int((int)domid));
	return res;
}

static json_object *m_pause(struct hd_conn *c, json_object *p, int *code, char *msg,
			    size_t msglen, json_object **data)
{
	return simple(p, code, msg, msglen, data, 0);
}

static json_object *m_unpause(struct hd_conn *c, json_object *p, int *code, char *msg,
			      size_t msglen, json_object **data)
{
	return simple(p, code, msg, msglen, data, 1);
}

static json_object *m_destroy(struct hd_conn *c, json_object *p, int *code, char *msg,
			      size_t msglen, json_object **data)
{
	return simple(p, code, msg, msglen, data, 2);
}

const struct hd_method hd_dom_methods[] = {
	{ "domain.create", m_create },
	{ "domain.list", m_list },
	{ "domain.info", hd_m_info },
	{ "domain.stats", m_stats },
	{ "domain.pause", m_pause },
	{ "domain.unpause", m_unpause },
	{ "domain.destroy", m_destroy },
	{ "domain.shutdown", hd_m_shutdown },
	{ "domain.reboot", hd_m_reboot },
	{ "domain.mem_set", hd_m_mem_set },
	{ "domain.mem_max", hd_m_mem_max },
	{ "domain.console", hd_m_console },
	{ "domain.block_attach", hd_m_block_attach }, /* block */
	{ "domain.block_detach", hd_m_block_detach },
	{ "domain.network_attach", hd_m_network_attach }, /* net */
	{ "domain.network_detach", hd_m_network_detach },
	{ NULL, NULL },
};
