/* hd_methods_block.c: domain.block_attach / domain.block_detach (API.md):
 * disks of a running domain. The spec is kept in the domain's record, so
 * a restarted hospesd or hospes-stored puts the keys back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hd.h"
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
	if (hd_disk_spec_parse(spec, &k, msg, msglen)) {
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

HD_METHOD(hd_m_block_detach)
{
	struct hd_dom *d = hd_m_target(p, code, msg, msglen);
	const char *vdev = str_param(p, "vdev");
	json_object *res;
	int i, r;

	if (!d)
		return NULL;
	if (!vdev)
		return FAIL(RPC_INVALID_PARAMS, "params.vdev (e.g. xvdb) is required");
	i = hd_vbd_find(d, vdev);
	if (i < 0)
		return FAIL(RPC_INVALID_PARAMS, "domain %u has no disk %s", d->domid, vdev);
	r = hd_vbd_remove(d, vdev);
	if (r)
		return hd_m_failed(r, code, msg, msglen, data);
	/* the record forgets it: later rebuilds do not bring it back */
	memmove(d->cfg.disks[i], d->cfg.disks[i + 1],
		(size_t)(d->cfg.nr_disks - 1 - (unsigned)i) * HD_SPEC_MAX);
	d->cfg.nr_disks--;
	hd_dom_save(d);
	hd_event("block", d, "vdev", vdev);
	res = json_object_new_object();
	json_object_object_add(res, "domid", json_object_new_int((int)d->domid));
	return res;
}
