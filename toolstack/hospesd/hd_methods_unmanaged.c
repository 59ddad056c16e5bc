/* hd_methods_unmanaged.c: domains hospes-hv holds without a hospesd record
 * (built through the raw control socket, or a record lost). They are
 * listed (`managed: false`, name "(unmanaged)": parentheses are never in a
 * name), and named by domid they can be inspected, paused, unpaused and
 * destroyed; every other method refuses them (hd_m_target). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "hd_methods.h"
#include "hvctl.h"
#include "rpc.h"

#define HD_UNMANAGED_NAME "(unmanaged)"

/* params.domain as a domain id (number or digits), else -1. */
static long ref_domid(json_object *p)
{
	json_object *ref;
	const char *s;
	char *end;
	unsigned long id;

	if (!p || !json_object_object_get_ex(p, "domain", &ref) || !ref)
		return -1;
	if (json_object_is_type(ref, json_type_int)) {
		int64_t v = json_object_get_int64(ref);

		return v > 0 && v < 65536 ? (long)v : -1;
	}
	if (!json_object_is_type(ref, json_type_string))
		return -1;
	s = json_object_get_string(ref);
	id = strtoul(s, &end, 10);
	return *s >= '0' && *s <= '9' && !*end && id > 0 && id < 65536 ? (long)id : -1;
}

int hd_m_unmanaged(json_object *p, uint32_t *domid, struct hvctl_dominfo *info)
{
	long id = ref_domid(p);
	struct hvctl *h;
	int r;

	if (id < 0 || hd_dom_by_domid((uint32_t)id))
		return -ENOENT;
	h = hd_hv();
	if (!h) /* not knowable while a running hospes-hv does not answer */
		return hd.hv.pid > 0 && hd.hv.unresponsive ? -ENOTCONN : -ENOENT;
	*domid = (uint32_t)id;
	r = hd_hv_result(hvctl_info(h, (uint32_t)id, info));
	/* a destroyed one only waits for its vCPUs to stop */
	return !r && info->state == HVCTL_STATE_DESTROYED ? -ESRCH : r;
}

json_object *hd_m_unmanaged_json(const struct hvctl_dominfo *i)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "domid", json_object_new_int((int)i->domid));
	json_object_object_add(o, "name", json_object_new_string(HD_UNMANAGED_NAME));
	json_object_object_add(o, "managed", json_object_new_boolean(false));
	json_object_object_add(o, "state", json_object_new_string(hd_state_name(i->state)));
	if (i->state == HVCTL_STATE_SHUTDOWN)
		json_object_object_add(o, "shutdown_reason", json_object_new_int((int)i->shutdown_reason));
	json_object_object_add(o, "vcpus", json_object_new_int((int)i->vcpus));
	json_object_object_add(o, "online_vcpus", json_object_new_int((int)i->online_vcpus));
	json_object_object_add(o, "mem_cur_bytes", json_object_new_int64((int64_t)i->mem_cur_bytes));
	json_object_object_add(o, "mem_max_bytes", json_object_new_int64((int64_t)i->mem_max_bytes));
	json_object_object_add(o, "cpu_ns", json_object_new_int64((int64_t)i->cpu_ns));
	json_object_object_add(o, "store_pfn", json_object_new_int64((int64_t)i->store_pfn));
	json_object_object_add(o, "store_port", json_object_new_int((int)i->store_port));
	json_object_object_add(o, "owner_uid", json_object_new_int64((int64_t)i->owner_uid));
	return o;
}

static int by_domid(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b, *v;
	int64_t dx = 0, dy = 0;

	if (json_object_object_get_ex(x, "domid", &v))
		dx = json_object_get_int64(v);
	if (json_object_object_get_ex(y, "domid", &v))
		dy = json_object_get_int64(v);
	return dx < dy ? -1 : dx > dy;
}

void hd_m_unmanaged_list(json_object *arr)
{
	uint32_t ids[1024];
	struct hvctl *h = hd_hv();
	unsigned n = 0, added = 0;

	if (!h || hd_hv_result(hvctl_list(h, ids, 1024, &n)))
		return; /* hospes-hv unreachable: the records alone */
	for (unsigned i = 0; i < n && i < 1024; i++) {
		struct hvctl_dominfo info;

		/* a destroyed one is only waiting for its vCPUs to stop (also
		 * right after hospesd destroyed a domain of its own) */
		if (hd_dom_by_domid(ids[i]) || !(h = hd_hv()) ||
		    hd_hv_result(hvctl_info(h, ids[i], &info)) ||
		    info.state == HVCTL_STATE_DESTROYED)
			continue;
		json_object_array_add(arr, hd_m_unmanaged_json(&info));
		added++;
	}
	if (added)
		json_object_array_sort(arr, by_domid);
}

/* info (which 0), pause (1), unpause (2), destroy (3) of an unmanaged
 * domain; NULL with *code 0 when p does not name one. */
json_object *hd_m_unmanaged_op(json_object *p, int which, int *code, char *msg, size_t msglen,
			       json_object **data)
{
	struct hvctl_dominfo info;
	struct hvctl *h;
	json_object *res;
	uint32_t domid;
	int r = hd_m_unmanaged(p, &domid, &info);

	*code = 0;
	if (r) /* not one (or hospes-hv unreachable): the managed path decides */
		return NULL;
	if (which == 0)
		return hd_m_unmanaged_json(&info);
	h = hd_hv();
	if (!h)
		return hd_m_failed(-ENOTCONN, code, msg, msglen, data);
	if (which == 1)
		r = hvctl_pause(h, domid);
	else if (which == 2)
		r = info.state == HVCTL_STATE_CREATED ? hvctl_start(h, domid) : hvctl_unpause(h, domid);
	else
		r = hvctl_destroy(h, domid);
	r = hd_hv_result(r);
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	hd_log((int)domid, "unmanaged domain %s",
	       which == 1 ? "paused" : which == 2 ? "unpaused" : "destroyed");
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)domid));
	json_object_object_add(res, "managed", json_object_new_boolean(false));
	return res;
}
