/* hd_methods_block.c: domain.block_attach / domain.block_detach (API.md):
 * disks of a running domain; a detach answers once the disk closed. The
 * spec is kept in the domain's record, so a restarted hospesd or
 * hospes-stored puts the keys back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "hd_dev.h"
#include "rpc.h"

#include "hd_methods.h"

static const char *str_param(json_object *p, const char *key)
{
	json_object *v;

	if (!p || !json_object_object_get_ex(p, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

HD_METHOD(hd_m_block_attach)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	const char *spec = str_param(p, "spec");
	struct hd_disk k;
	json_object *res;
	int r;

	if (!d)
		return NULL;
	if (!spec || strlen(spec) >= HD_SPEC_MAX)
		return FAIL(RPC_INVALID_PARAMS, "params.spec (an xl disk spec) is required");
	if (hd_disk_spec_check(spec, msg, msglen) || hd_disk_spec_parse(spec, &k, msg, msglen)) {
		*code = RPC_INVALID_PARAMS;
		return NULL;
	}
	if (hd_vdev_devid(k.vdev) < 0 || strcmp(k.format, "raw") || !k.target[0])
		return FAIL(RPC_INVALID_PARAMS, "only format=raw disks with a target and an xvd, "
			    "sd or hda-hdd vdev can be attached");
	if (d->ended)
		return FAIL(RPC_OP_FAILED, "domain %u is not running", d->domid);
	if (hd_vbd_find(d, k.vdev) >= 0)
		return FAIL(RPC_EXISTS, "domain %u already has %s", d->domid, k.vdev);
	if (hd_vbd_detaching(d, k.vdev))
		return FAIL(RPC_OP_FAILED, "domain %u is still detaching %s", d->domid, k.vdev);
	if (d->cfg.nr_disks >= HD_MAX_DEVS)
		return FAIL(RPC_INVALID_PARAMS, "at most %d disks", HD_MAX_DEVS);
	r = hd_vbd_add(d, spec, msg, msglen);
	if (r) {
		*data = hd_m_errno(r);
		*code = r == -EINVAL ? RPC_INVALID_PARAMS : RPC_OP_FAILED;
		return NULL;
	}
	snprintf(d->cfg.disks[d->cfg.nr_disks++], HD_SPEC_MAX, "%s", spec);
	hd_dom_save(d);
	hd_event("block", d, "vdev", k.vdev);
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(res, "vdev", json_object_new_string(k.vdev));
	json_object_object_add(res, "devid", json_object_new_int64(hd_vdev_devid(k.vdev)));
	return res;
}

/* A detach whose reply waits for the device to close. */
struct detach_req {
	struct hd_later later;
	uint32_t domid;
	uint64_t serial;
	char vdev[32];
};

static void detach_done(void *arg, const struct hd_vbd_detached *dr)
{
	struct detach_req *q = arg;
	struct hd_dom *d = hd_dom_by_domid(q->domid);
	json_object *res = json_object_new_object();
	int i;

	if (d && d->serial == q->serial && (i = hd_vbd_find(d, q->vdev)) >= 0) {
		/* the record forgets it: later rebuilds do not bring it back */
		memmove(d->cfg.disks[i], d->cfg.disks[i + 1],
			(size_t)(d->cfg.nr_disks - 1 - (unsigned)i) * HD_SPEC_MAX);
		d->cfg.nr_disks--;
		hd_dom_save(d);
		hd_event("block", d, "vdev", q->vdev);
	}
	json_object_object_add(res, "domid", json_object_new_int((int)q->domid));
	json_object_object_add(res, "vdev", json_object_new_string(q->vdev));
	hd_dev_detached_json(res, dr);
	hd_reply_send(&q->later, res, 0, NULL, NULL);
	free(q);
}

HD_METHOD(hd_m_block_detach)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	const char *vdev = str_param(p, "vdev");
	struct detach_req *q;
	int64_t timeout;
	int r;

	if (!d)
		return NULL;
	if (!vdev)
		return FAIL(RPC_INVALID_PARAMS, "params.vdev (e.g. xvdb) is required");
	if (!hd_dev_timeout_param(p, &timeout))
		return FAIL(RPC_INVALID_PARAMS, "params.timeout_ms must be 0..%d",
			    HD_DEV_DETACH_TIMEOUT_MAX_MS);
	if (hd_vbd_find(d, vdev) < 0)
		return FAIL(RPC_INVALID_PARAMS, "domain %u has no disk %s", d->domid, vdev);
	if (hd_vbd_detaching(d, vdev))
		return FAIL(RPC_OP_FAILED, "domain %u is already detaching %s", d->domid, vdev);
	q = calloc(1, sizeof(*q));
	if (!q)
		return hd_m_failed(-ENOMEM, code, msg, msglen, data);
	if (hd_reply_later(&q->later)) {
		free(q);
		return FAIL(RPC_INVALID_REQUEST, "domain.block_detach answers once the disk is "
			    "closed: send it alone, not in a batch");
	}
	q->domid = d->domid;
	q->serial = d->serial;
	snprintf(q->vdev, sizeof(q->vdev), "%s", vdev);
	r = hd_vbd_detach(d, vdev, (unsigned)timeout, detach_done, q);
	if (r) {
		hd_dev_detach_refused(&q->later, r, vdev, d->domid, msg, msglen);
		free(q);
	}
	return NULL; /* detach_done answers */
}
