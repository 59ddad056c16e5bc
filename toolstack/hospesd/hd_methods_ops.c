/* hd_methods_ops.c: domain.shutdown/reboot and domain.mem_set/mem_max. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hd.h"
#include "hd_methods.h"
#include "hvctl.h"
#include "rpc.h"

static int get_u64(json_object *p, const char *k, uint64_t *out)
{
	json_object *v;

	if (!p || !json_object_object_get_ex(p, k, &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return -1;
	*out = (uint64_t)json_object_get_int64(v);
	return 0;
}

static json_object *down(json_object *p, int *code, char *msg, size_t msglen,
			 json_object **data, bool reboot)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	uint64_t timeout = 10000;
	json_object *res;
	uint32_t domid;
	int r;

	if (!d)
		return NULL;
	if (p && json_object_object_get_ex(p, "timeout_ms", NULL) &&
	    (get_u64(p, "timeout_ms", &timeout) || timeout > 3600000))
		return FAIL(RPC_INVALID_PARAMS, "params.timeout_ms: 0..3600000");
	domid = d->domid;
	r = hd_dom_shutdown(d, reboot, (unsigned)timeout);
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)domid));
	json_object_object_add(res, "requested", json_object_new_string(reboot ? "reboot" : "poweroff"));
	return res;
}

json_object *hd_m_shutdown(struct hd_conn *c, json_object *p, int *code, char *msg,
			       size_t msglen, json_object **data)
{
	return down(p, code, msg, msglen, data, false);
}

json_object *hd_m_reboot(struct hd_conn *c, json_object *p, int *code, char *msg,
			     size_t msglen, json_object **data)
{
	return down(p, code, msg, msglen, data, true);
}

json_object *hd_m_mem_set(struct hd_conn *c, json_object *p, int *code, char *msg,
			      size_t msglen, json_object **data)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	uint64_t bytes;
	int r;

	if (!d)
		return NULL;
	if (get_u64(p, "bytes", &bytes) || bytes < (2u << 20) || bytes % 4096)
		return FAIL(RPC_INVALID_PARAMS, "params.bytes: a multiple of 4096, at least 2 MiB");
	hd_dom_refresh(d);
	if (bytes > d->info.mem_max_bytes)
		return FAIL(RPC_OP_FAILED, "target %llu MiB above the maximum %llu MiB (mem-max first)",
			    (unsigned long long)(bytes >> 20),
			    (unsigned long long)(d->info.mem_max_bytes >> 20));
	r = hd_store_set_target(d, bytes);
	if (r) {
		*data = hd_m_errno(r);
		return FAIL(RPC_UNAVAILABLE, "cannot write memory/target: %s", hvctl_strerror(r));
	}
	d->mem_target = bytes;
	hd_dom_save(d);
	hd_log((int)d->domid, "memory target %llu KiB", (unsigned long long)(bytes >> 10));
	return hd_m_info(c, p, code, msg, msglen, data);
}

json_object *hd_m_mem_max(struct hd_conn *c, json_object *p, int *code, char *msg,
			      size_t msglen, json_object **data)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	struct hvctl *h = hd_hv();
	uint64_t bytes;
	int r;

	if (!d)
		return NULL;
	if (get_u64(p, "bytes", &bytes) || bytes < (2u << 20) || bytes % (1u << 20) ||
	    bytes > (512ull << 30))
		return FAIL(RPC_INVALID_PARAMS, "params.bytes: whole MiB, 2 MiB..512 GiB");
	r = h ? hvctl_set_maxmem(h, d->domid, bytes) : -ENOTCONN;
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	/* The configuration a restart uses stays valid (memory <= maxmem). */
	d->cfg.maxmem = bytes;
	if (d->cfg.memory > bytes)
		d->cfg.memory = bytes;
	hd_store_static_max(d, bytes);
	hd_dom_save(d);
	hd_log((int)d->domid, "maximum memory %llu KiB", (unsigned long long)(bytes >> 10));
	return hd_m_info(c, p, code, msg, msglen, data);
}
