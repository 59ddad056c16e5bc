/* hd_methods_net.c: domain.network_attach / domain.network_detach
 * (API.md "Network"): vifs of a running domain; a detach answers once the
 * vif closed. The spec is kept in the domain's record (with its devid),
 * so a restarted hospesd or hospes-stored puts the keys back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "hd_dev.h"
#include "rpc.h"

#include "hd_methods.h"

#define NET_MAX_DEVID 255

HD_METHOD(hd_m_network_attach)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	char spec[HD_SPEC_MAX], mac[18], ev[16];
	json_object *v, *res;
	const char *in;
	int devid, r;

	if (!d)
		return NULL;
	if (!p || !json_object_object_get_ex(p, "spec", &v) ||
	    !json_object_is_type(v, json_type_string))
		return FAIL(RPC_INVALID_PARAMS, "params.spec (an xl vif spec) is required");
	in = json_object_get_string(v);
	if (strlen(in) >= HD_SPEC_MAX - 16)
		return FAIL(RPC_INVALID_PARAMS, "params.spec is too long");
	if (hd_vif_spec_check(in, msg, msglen)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	if (d->ended)
		return FAIL(RPC_OP_FAILED, "domain %u is not running", d->domid);
	if (d->cfg.nr_vifs >= HD_MAX_DEVS)
		return FAIL(RPC_INVALID_PARAMS, "at most %d vifs", HD_MAX_DEVS);
	/* Its devid: the spec's, else the lowest free one; kept in the spec. */
	snprintf(spec, sizeof(spec), "%s", in);
	devid = hd_vif_spec_devid(in);
	if (devid < 0) {
		for (devid = 0; devid <= NET_MAX_DEVID && hd_vif_find(d, (unsigned)devid) >= 0; devid++)
			;
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%sdevid=%d",
			 *in ? "," : "", devid);
	} else if (hd_vif_find(d, (unsigned)devid) >= 0) {
		return FAIL(RPC_EXISTS, "domain %u already has vif %d", d->domid, devid);
	}
	if (hd_vif_detaching(d, (unsigned)devid))
		return FAIL(RPC_OP_FAILED, "domain %u is still detaching vif %d", d->domid, devid);
	r = hd_vif_add(d, (unsigned)devid, spec, msg, msglen);
	if (r) {
		*data = hd_m_errno(r);
		*code = r == -EINVAL ? RPC_INVALID_PARAMS : RPC_OP_FAILED;
		return NULL;
	}
	/* the devids of the others stay what they are when the list changes */
	hd_vif_pin_devids(d);
	snprintf(d->cfg.vifs[d->cfg.nr_vifs++], HD_SPEC_MAX, "%s", spec);
	hd_dom_save(d);
	snprintf(ev, sizeof(ev), "%d", devid);
	hd_event("network", d, "devid", ev);
	hd_vif_spec_mac(d, spec, (unsigned)devid, mac);
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(res, "devid", json_object_new_int(devid));
	json_object_object_add(res, "mac", json_object_new_string(mac));
	return res;
}

struct net_detach_req {
	struct hd_later later;
	uint32_t domid;
	uint64_t serial;
	unsigned devid;
};

static void detach_done(void *arg, const struct hd_vbd_detached *dr)
{
	struct net_detach_req *q = arg;
	struct hd_dom *d = hd_dom_by_domid(q->domid);
	json_object *res = json_object_new_object();
	char ev[16];
	int i;

	if (d && d->serial == q->serial && (i = hd_vif_find(d, q->devid)) >= 0) {
		/* the record forgets it: later rebuilds do not bring it back */
		hd_vif_pin_devids(d);
		memmove(d->cfg.vifs[i], d->cfg.vifs[i + 1],
			(size_t)(d->cfg.nr_vifs - 1 - (unsigned)i) * HD_SPEC_MAX);
		d->cfg.nr_vifs--;
		hd_dom_save(d);
		snprintf(ev, sizeof(ev), "%u", q->devid);
		hd_event("network", d, "devid", ev);
	}
	json_object_object_add(res, "domid", json_object_new_int((int)q->domid));
	json_object_object_add(res, "devid", json_object_new_int((int)q->devid));
	hd_dev_detached_json(res, dr);
	hd_reply_send(&q->later, res, 0, NULL, NULL);
	free(q);
}

HD_METHOD(hd_m_network_detach)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	int64_t timeout, devid;
	struct net_detach_req *q;
	json_object *v;
	int r;

	if (!d)
		return NULL;
	if (!p || !json_object_object_get_ex(p, "devid", &v) ||
	    !json_object_is_type(v, json_type_int) || (devid = json_object_get_int64(v)) < 0 ||
	    devid > NET_MAX_DEVID)
		return FAIL(RPC_INVALID_PARAMS, "params.devid (0..%d) is required", NET_MAX_DEVID);
	if (!hd_dev_timeout_param(p, &timeout))
		return FAIL(RPC_INVALID_PARAMS, "params.timeout_ms must be 0..%d",
			    HD_DEV_DETACH_TIMEOUT_MAX_MS);
	if (hd_vif_find(d, (unsigned)devid) < 0)
		return FAIL(RPC_INVALID_PARAMS, "domain %u has no vif %lld", d->domid,
			    (long long)devid);
	if (hd_vif_detaching(d, (unsigned)devid))
		return FAIL(RPC_OP_FAILED, "domain %u is already detaching vif %lld", d->domid,
			    (long long)devid);
	q = calloc(1, sizeof(*q));
	if (!q)
		return hd_m_failed(-ENOMEM, code, msg, msglen, data);
	if (hd_reply_later(&q->later)) {
		free(q);
		return FAIL(RPC_INVALID_REQUEST, "domain.network_detach answers once the vif is "
			    "closed: send it alone, not in a batch");
	}
	q->domid = d->domid;
	q->serial = d->serial;
	q->devid = (unsigned)devid;
	r = hd_vif_detach(d, (unsigned)devid, (unsigned)timeout, detach_done, q);
	if (r) {
		char what[16];

		snprintf(what, sizeof(what), "vif %u", q->devid);
		hd_dev_detach_refused(&q->later, r, what, d->domid, msg, msglen);
		free(q);
	}
	return NULL; /* detach_done answers */
}
