/* hd_dom_state.c: domain records as JSON (replies, state files) and
 * reattachment: after a restart of hospesd, the records on disk are matched
 * against what the running hospes-hv reports. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hd.h"
#include "hvctl.h"

json_object *hd_dom_json(const struct hd_dom *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(o, "name", json_object_new_string(d->cfg.name));
	json_object_object_add(o, "uuid", json_object_new_string(d->uuid));
	json_object_object_add(o, "state", json_object_new_string(hd_state_name(d->info.state)));
	if (d->info.state == HVCTL_STATE_SHUTDOWN)
		json_object_object_add(o, "shutdown_reason",
				       json_object_new_int((int)d->info.shutdown_reason));
	json_object_object_add(o, "vcpus", json_object_new_int((int)d->info.vcpus));
	json_object_object_add(o, "online_vcpus", json_object_new_int((int)d->info.online_vcpus));
	json_object_object_add(o, "mem_cur_bytes", json_object_new_int64((int64_t)d->info.mem_cur_bytes));
	json_object_object_add(o, "mem_max_bytes", json_object_new_int64((int64_t)d->info.mem_max_bytes));
	json_object_object_add(o, "mem_target_bytes", json_object_new_int64((int64_t)d->mem_target));
	json_object_object_add(o, "cpu_ns", json_object_new_int64((int64_t)d->info.cpu_ns));
	json_object_object_add(o, "store_pfn", json_object_new_int64((int64_t)d->info.store_pfn));
	json_object_object_add(o, "store_port", json_object_new_int((int)d->info.store_port));
	json_object_object_add(o, "preserved", json_object_new_boolean(d->preserved));
	json_object_object_add(o, "restarts", json_object_new_int((int)d->restarts));
	json_object_object_add(o, "shutdown_pending",
			       json_object_new_string(d->pending_shutdown == 2   ? "reboot"
						      : d->pending_shutdown == 1 ? "poweroff"
										 : ""));
	json_object_object_add(o, "config", hd_config_to_json(&d->cfg));
	/* block: request counters over all disks (hospes-blkback's stats) */
	int64_t rd, wr;

	hd_vbd_totals(d, &rd, &wr);
	json_object_object_add(o, "vbd_rd", json_object_new_int64(rd));
	json_object_object_add(o, "vbd_wr", json_object_new_int64(wr));
	/* net: packets over all vifs, as the guest sees them (hospes-netback) */
	hd_vif_totals(d, &rd, &wr);
	json_object_object_add(o, "net_tx", json_object_new_int64(rd));
	json_object_object_add(o, "net_rx", json_object_new_int64(wr));
	return o;
}

/* Domains to build again once a new hospes-hv is up (on_crash restart). */
struct lost {
	struct lost *next;
	struct hd_config cfg;
	char uuid[37];
	unsigned restarts;
};
static struct lost *lost_doms;

void hd_dom_hv_lost(void)
{
	if (hd.hvc) {
		hvctl_close(hd.hvc);
		hd.hvc = NULL;
	}
	/* Every guest lived inside that process: for them it was a crash. */
	while (hd.doms) {
		struct hd_dom *d = hd.doms;
		struct lost *l = d->cfg.on_crash == HD_ACT_RESTART ? calloc(1, sizeof(*l)) : NULL;

		hd_log((int)d->domid, "lost with hospes-hv%s", l ? "; rebuilt when it is back" : "");
		if (l) {
			l->cfg = d->cfg;
			memcpy(l->uuid, d->uuid, sizeof(l->uuid));
			l->restarts = d->restarts + 1;
			l->next = lost_doms;
			lost_doms = l;
		}
		hd_dom_destroy(d);
	}
}

void hd_dom_rebuild_lost(void)
{
	while (lost_doms) {
		struct lost *l = lost_doms;
		struct hd_dom *d;
		int r;

		lost_doms = l->next;
		r = hd_dom_create(&l->cfg, l->uuid, false, &d);
		if (r) {
			hd_log(-1, "rebuilding '%s' failed: %s", l->cfg.name, strerror(-r));
		} else {
			d->restarts = l->restarts;
			hd_dom_save(d);
			hd_event("restarted", d, NULL, NULL);
		}
		free(l);
	}
}

/* One state file: a domain still running in the same hospes-hv is taken
 * back; anything else is stale. */
static void restore_one(const char *path)
{
	char *txt = hd_read_file(path, 256 * 1024);
	json_object *o = txt ? json_tokener_parse(txt) : NULL, *v, *cfgo;
	struct hd_cfg_error err;
	struct hd_dom *d = calloc(1, sizeof(*d));
	struct hvctl *h = hd_hv();
	const char *why = "unreadable";

	free(txt);
	if (!o || !d || !json_object_object_get_ex(o, "config", &cfgo) ||
	    hd_config_from_json(cfgo, NULL, NULL, &d->cfg, &err))
		goto stale;
	if (!json_object_object_get_ex(o, "uuid", &v) || json_object_get_string_len(v) != 36)
		goto stale;
	snprintf(d->uuid, sizeof(d->uuid), "%s", json_object_get_string(v));
	json_object_object_get_ex(o, "domid", &v);
	d->domid = (uint32_t)json_object_get_int(v);
	why = "hospes-hv was restarted";
	if (!json_object_object_get_ex(o, "hv_pid", &v) || json_object_get_int(v) != hd.hv.pid)
		goto stale;
	why = "gone from hospes-hv";
	if (!h || hvctl_info(h, d->domid, &d->info) || d->info.state == HVCTL_STATE_DESTROYED ||
	    hd_dom_by_domid(d->domid) || hd_dom_by_name(d->cfg.name))
		goto stale;
	json_object_object_get_ex(o, "mem_target", &v);
	d->mem_target = (uint64_t)json_object_get_int64(v);
	json_object_object_get_ex(o, "preserved", &v);
	d->preserved = json_object_get_boolean(v);
	d->ended = d->preserved;
	if (json_object_object_get_ex(o, "restarts", &v))
		d->restarts = (unsigned)json_object_get_int(v);
	/* absent from older records: 0 */
	if (json_object_object_get_ex(o, "fast_restarts", &v) && json_object_get_int(v) > 0)
		d->fast_restarts = (unsigned)json_object_get_int(v);
	if (json_object_object_get_ex(o, "pending_shutdown", &v) &&
	    json_object_get_int(v) >= 1 && json_object_get_int(v) <= 2 &&
	    json_object_object_get_ex(o, "shutdown_deadline", &v)) {
		d->pending_shutdown = json_object_get_int(
			json_object_object_get(o, "pending_shutdown"));
		d->shutdown_deadline = json_object_get_double(v);
	}
	json_object_object_get_ex(o, "created_at", &v);
	d->created_at = json_object_get_double(v);
	d->serial = ++hd.next_serial;
	d->next = hd.doms;
	hd.doms = d;
	json_object_put(o);
	hd_log((int)d->domid, "reattached '%s' (%s)", d->cfg.name, hd_state_name(d->info.state));
	hd_monitor_start(d);
	if (d->pending_shutdown && !d->ended)
		hd_dom_arm_shutdown(d); /* the fallback survives hospesd's restart */
	/* It may have ended while nobody watched. */
	if (!d->ended && (d->info.state == HVCTL_STATE_SHUTDOWN ||
			  d->info.state == HVCTL_STATE_FAULT || d->info.state == HVCTL_STATE_ERROR))
		hd_dom_ended(d);
	return;
stale:
	hd_log(-1, "%s: dropped (%s)", path, why);
	unlink(path);
	json_object_put(o);
	free(d);
}

void hd_dom_restore_all(void)
{
	char dir[HD_PATH_MAX + 16], path[HD_PATH_MAX + 300];
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/domains", hd.state_dir);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".json"))
			continue; /* also skips leftover .tmp files */
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		restore_one(path);
	}
	closedir(dp);
	/* Domains hospes-hv holds without a record (made with hospes-hvctl, or
	 * built just before a crash of hospesd) are left alone, but said. */
	uint32_t ids[1024];
	unsigned n = 0;
	struct hvctl *h = hd_hv();

	if (h && hvctl_list(h, ids, 1024, &n) == 0)
		for (unsigned i = 0; i < n && i < 1024; i++)
			if (!hd_dom_by_domid(ids[i]))
				hd_log((int)ids[i], "held by hospes-hv without a record: not managed");
}
