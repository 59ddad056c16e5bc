/* hd_vif.c: a domain's PV network interfaces in xenstore for
 * hospes-netback: the vif frontend and backend directories libxl writes
 * (one transaction, same owners and permissions), the mac (the spec's, or
 * 00:16:3e plus three bytes derived from the domain's uuid and the
 * device number, so it stays the same across restarts), detaching (the
 * backend Closing, then the directories go) and the per-vif counters
 * netback writes to its state dir. devid: the spec's devid=, else its
 * index in the configuration. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hd.h"
#include "xsclient.h"

/* The mac, bridge and devid (-1 if absent) of a (validated) vif spec;
 * other keys are ignored. */
static void spec_fields(const char *spec, char *mac, size_t maclen, char *bridge, size_t brlen,
			int *devid)
{
	char buf[HD_SPEC_MAX], *save = NULL;

	*mac = *bridge = 0;
	*devid = -1;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '='), *k = t, *v;

		if (!eq)
			continue;
		*eq = 0;
		v = eq + 1;
		while (*k == ' ' || *k == '\t')
			k++;
		for (char *e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		for (char *e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = 0;
		if (!strcmp(k, "mac"))
			snprintf(mac, maclen, "%s", v);
		else if (!strcmp(k, "bridge"))
			snprintf(bridge, brlen, "%s", v);
		else if (!strcmp(k, "devid"))
			*devid = atoi(v);
	}
}

int hd_vif_spec_devid(const char *spec)
{
	char mac[32], bridge[64];
	int devid;

	spec_fields(spec, mac, sizeof(mac), bridge, sizeof(bridge), &devid);
	return devid;
}

void hd_vif_spec_mac(const struct hd_dom *d, const char *spec, unsigned devid, char out[18])
{
	char mac[32], bridge[64];
	int own;

	spec_fields(spec, mac, sizeof(mac), bridge, sizeof(bridge), &own);
	if (*mac)
		snprintf(out, 18, "%.17s", mac);
	else
		hd_vif_mac(d->uuid, devid, out);
}

int hd_vif_devid(const struct hd_dom *d, unsigned i)
{
	char mac[32], bridge[64];
	int devid;

	spec_fields(d->cfg.vifs[i], mac, sizeof(mac), bridge, sizeof(bridge), &devid);
	return devid >= 0 ? devid : (int)i;
}

int hd_vif_find(const struct hd_dom *d, unsigned devid)
{
	for (unsigned i = 0; i < d->cfg.nr_vifs; i++)
		if (hd_vif_devid(d, i) == (int)devid)
			return (int)i;
	return -1;
}

void hd_vif_pin_devids(struct hd_dom *d)
{
	for (unsigned i = 0; i < d->cfg.nr_vifs; i++) {
		char mac[32], bridge[64], *sp = d->cfg.vifs[i];
		size_t n = strlen(sp);
		int devid;

		spec_fields(sp, mac, sizeof(mac), bridge, sizeof(bridge), &devid);
		if (devid < 0)
			snprintf(sp + n, HD_SPEC_MAX - n, "%sdevid=%u", n ? "," : "", i);
	}
}

void hd_vif_mac(const char *uuid, unsigned devid, char out[18])
{
	uint32_t h = 2166136261u; /* FNV-1a over the uuid and devid */

	for (const char *p = uuid; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ devid) * 16777619u;
	/* 00:16:3e is Xen's prefix; the top bit of the fourth byte is left 0
	 * as libxl does. */
	snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", (h >> 16) & 0x7f, (h >> 8) & 0xff, h & 0xff);
}

static int node(struct xsc *x, uint32_t tx, const char *path, const char *val,
		const struct xsc_perm *perm)
{
	int r = val ? xsc_write_str(x, tx, path, val) : xsc_mkdir(x, tx, path);

	return r ? r : xsc_set_perms(x, tx, path, perm, 2);
}

static int write_dirs(struct xsc *x, uint32_t tx, uint32_t domid, unsigned devid,
		      const char *mac, const char *bridge)
{
	/* frontend: the guest's, dom0 may read; backend: dom0's, guest reads */
	struct xsc_perm fe[2] = { { domid, XSC_NONE }, { 0, XSC_READ } };
	struct xsc_perm be[2] = { { 0, XSC_NONE }, { domid, XSC_READ } };
	char f[96], b[96], p[160], v[16];
	int r = 0;

	snprintf(p, sizeof(p), "/local/domain/%u/device/vif", domid);
	r |= node(x, tx, p, NULL, be);
	snprintf(f, sizeof(f), "/local/domain/%u/device/vif/%u", domid, devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vif/%u/%u", domid, devid);
	snprintf(v, sizeof(v), "%u", devid);
#define BE(key, val) (snprintf(p, sizeof(p), "%s%s%s", b, *key ? "/" : "", key), \
		      r |= node(x, tx, p, val, be))
#define FE(key, val) (snprintf(p, sizeof(p), "%s%s%s", f, *key ? "/" : "", key), \
		      r |= node(x, tx, p, val, fe))
	/* the backend dir first: a frontend requires it to exist */
	BE("", NULL);
	BE("frontend", f);
	BE("handle", v);
	BE("mac", mac);
	if (*bridge)
		BE("bridge", bridge);
	BE("online", "1");
	BE("state", "1");
	snprintf(v, sizeof(v), "%u", domid);
	BE("frontend-id", v);
	snprintf(v, sizeof(v), "%u", devid);
	FE("", NULL);
	FE("backend", b);
	FE("backend-id", "0");
	FE("handle", v);
	FE("mac", mac);
	FE("state", "1");
#undef BE
#undef FE
	return r ? -EIO : 0;
}

int hd_vif_add(const struct hd_dom *d, unsigned devid, const char *spec, char *msg, size_t len)
{
	struct xsc *x = hd_xs();
	char mac[32], bridge[64];
	uint32_t tx;
	int r = -EIO, own;

	if (hd_vif_spec_check(spec, msg, len))
		return -EINVAL;
	spec_fields(spec, mac, sizeof(mac), bridge, sizeof(bridge), &own);
	if (!*mac)
		hd_vif_mac(d->uuid, devid, mac);
	if (!x)
		return snprintf(msg, len, "xenstore is not reachable"), -ENOTCONN;
	for (int tries = 0; tries < 10; tries++) {
		r = xsc_transaction_start(x, &tx);
		if (r)
			break;
		r = write_dirs(x, tx, d->domid, devid, mac, bridge);
		r = xsc_transaction_end(x, tx, r == 0) ?: r;
		if (r != -EAGAIN)
			break;
	}
	if (r)
		snprintf(msg, len, "writing the vif keys failed: %s", xsc_strerror(r));
	else
		hd_log((int)d->domid, "vif %u: mac %s%s%s", devid, mac, *bridge ? " bridge " : "",
		       bridge);
	return r;
}

int hd_vif_add_all(const struct hd_dom *d)
{
	char msg[160];
	int r = 0;

	for (unsigned i = 0; i < d->cfg.nr_vifs; i++)
		if (hd_vif_add(d, (unsigned)hd_vif_devid(d, i), d->cfg.vifs[i], msg, sizeof(msg))) {
			hd_log((int)d->domid, "vif '%s': %s", d->cfg.vifs[i], msg);
			r = -EIO;
		}
	return r;
}

/* hospes-netback keeps its TAP interfaces across its own restarts and
 * deletes one when its vif directory goes. If it is not running then, the
 * interface would stay: delete it here. While netback holds it, attaching
 * fails (EBUSY) and netback deletes it itself. */
static void tap_delete(uint32_t domid, unsigned devid)
{
	struct ifreq ifr;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "vif%u.%u", domid, devid);
	/* none (the usual case): attaching would create one */
	if (!if_nametoindex(ifr.ifr_name) || (fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
		return;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) == 0)
		ioctl(fd, TUNSETPERSIST, 0);
	close(fd);
}

void hd_vif_delete_taps(void)
{
	for (struct hd_dom *d = hd.doms; d; d = d->next)
		for (unsigned i = 0; i < d->cfg.nr_vifs; i++)
			tap_delete(d->domid, (unsigned)hd_vif_devid(d, i));
}

void hd_vif_forget(const struct hd_dom *d)
{
	struct xsc *x = hd_xs();
	char p[64];

	if (x) {
		snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u", d->domid);
		xsc_rm(x, 0, p); /* -ENOENT without vifs: fine */
	}
	for (unsigned i = 0; i < d->cfg.nr_vifs; i++)
		tap_delete(d->domid, (unsigned)hd_vif_devid(d, i));
}

/* A "key value" line's value in txt, 0 if absent. */
static int64_t stat_value(const char *txt, const char *key)
{
	size_t n = strlen(key);

	for (const char *s = txt; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "")
		if (!strncmp(s, key, n) && s[n] == ' ')
			return strtoll(s + n + 1, NULL, 10);
	return 0;
}

/* The counters of the vif at index i from netback's stats file. */
static json_object *vif_stats(const struct hd_dom *d, unsigned i)
{
	static const char *const keys[] = { "tx_packets", "tx_bytes", "tx_errors", "rx_packets",
					    "rx_bytes", "rx_dropped", "connected", NULL };
	char path[HD_PATH_MAX + 64], mac[32], bridge[64], ifname[32], *txt, *err = NULL;
	json_object *o = json_object_new_object();
	struct xsc *x = hd_xs();
	unsigned devid = (unsigned)hd_vif_devid(d, i);
	int own;

	spec_fields(d->cfg.vifs[i], mac, sizeof(mac), bridge, sizeof(bridge), &own);
	if (!*mac)
		hd_vif_mac(d->uuid, devid, mac);
	snprintf(ifname, sizeof(ifname), "vif%u.%u", d->domid, devid);
	json_object_object_add(o, "devid", json_object_new_int((int)devid));
	json_object_object_add(o, "mac", json_object_new_string(mac));
	json_object_object_add(o, "ifname", json_object_new_string(ifname));
	if (*bridge)
		json_object_object_add(o, "bridge", json_object_new_string(bridge));
	/* the backend's reason when it refused or dropped the vif */
	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%u/error", d->domid, devid);
	if (x && xsc_read(x, 0, path, &err, &(size_t){ 0 }) == 0 && err[0])
		json_object_object_add(o, "error", json_object_new_string(err));
	free(err);
	snprintf(path, sizeof(path), "%s/vif-%u-%u.stats", hd.netback.dir, d->domid, devid);
	txt = hd_read_file(path, 4096);
	for (int i = 0; keys[i]; i++)
		json_object_object_add(o, keys[i], json_object_new_int64(stat_value(txt, keys[i])));
	free(txt);
	return o;
}

json_object *hd_vif_stats(const struct hd_dom *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->cfg.nr_vifs; i++)
		json_object_array_add(a, vif_stats(d, i));
	return a;
}

void hd_vif_totals(const struct hd_dom *d, int64_t *tx, int64_t *rx)
{
	char path[HD_PATH_MAX + 64], *txt;

	*tx = *rx = 0;
	for (unsigned i = 0; i < d->cfg.nr_vifs; i++) {
		snprintf(path, sizeof(path), "%s/vif-%u-%u.stats", hd.netback.dir, d->domid,
			 (unsigned)hd_vif_devid(d, i));
		txt = hd_read_file(path, 4096);
		*tx += stat_value(txt, "tx_packets");
		*rx += stat_value(txt, "rx_packets");
		free(txt);
	}
}

/* A detach waiting for the vif to close (one per vif at a time). */
struct vif_detach {
	struct vif_detach *next;
	uint32_t domid;
	uint64_t serial; /* the domain's life it belongs to */
	unsigned devid;
	char be[96], fe[96];
	double deadline;
	uv_timer_t *timer;
	hd_vbd_done_fn done;
	void *arg;
};

static struct vif_detach *detaches;

#define VIF_DETACH_POLL_MS 25
#define XENBUS_CLOSED 6

static int read_state(struct xsc *x, const char *dir)
{
	char p[128], *v = NULL;
	int st = -1;

	snprintf(p, sizeof(p), "%s/state", dir);
	if (x && xsc_read(x, 0, p, &v, &(size_t){ 0 }) == 0)
		st = atoi(v);
	free(v);
	return st;
}

static void on_timer_closed(uv_handle_t *h)
{
	free(h->data);
	free(h);
}

static void detach_finish(struct vif_detach *t, struct hd_vbd_detached *res)
{
	for (struct vif_detach **pp = &detaches; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	uv_timer_stop(t->timer);
	t->done(t->arg, res);
	uv_close((uv_handle_t *)t->timer, on_timer_closed); /* frees t */
}

/* Polled (never blocking the loop on the guest): the backend Closed, the
 * frontend Closed or gone, or the deadline; then both directories go,
 * the backend's first (netback then drops the vif and its TAP). */
static void on_detach_tick(uv_timer_t *tm)
{
	struct vif_detach *t = tm->data;
	struct hd_dom *d = hd_dom_by_domid(t->domid);
	struct xsc *x = hd_xs();
	struct hd_vbd_detached res = { .be_state = read_state(x, t->be),
				       .fe_state = read_state(x, t->fe) };

	if (!d || d->serial != t->serial) {
		res.domain_gone = true;
		detach_finish(t, &res);
		return;
	}
	if (res.be_state != XENBUS_CLOSED && res.fe_state != XENBUS_CLOSED && res.fe_state >= 0 &&
	    hd_now() < t->deadline)
		return;
	res.forced = res.be_state != XENBUS_CLOSED && res.fe_state != XENBUS_CLOSED &&
		     res.fe_state >= 0;
	if (x) {
		xsc_rm(x, 0, t->be);
		xsc_rm(x, 0, t->fe);
	}
	hd_log((int)t->domid, "vif %u detached%s (backend state %d, frontend %d)", t->devid,
	       res.forced ? " by force: the device did not close in time" : "", res.be_state,
	       res.fe_state);
	detach_finish(t, &res);
}

bool hd_vif_detaching(const struct hd_dom *d, unsigned devid)
{
	for (struct vif_detach *t = detaches; t; t = t->next)
		if (t->domid == d->domid && t->serial == d->serial && t->devid == devid)
			return true;
	return false;
}

int hd_vif_detach(const struct hd_dom *d, unsigned devid, unsigned timeout_ms,
		  hd_vbd_done_fn done, void *arg)
{
	struct xsc *x = hd_xs();
	struct vif_detach *t;
	char p[128];
	int r;

	if (hd_vif_detaching(d, devid))
		return -EBUSY;
	if (!x)
		return -ENOTCONN;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->timer = calloc(1, sizeof(*t->timer)))) {
		free(t);
		return -ENOMEM;
	}
	t->domid = d->domid;
	t->serial = d->serial;
	t->devid = devid;
	snprintf(t->be, sizeof(t->be), "/local/domain/0/backend/vif/%u/%u", d->domid, devid);
	snprintf(t->fe, sizeof(t->fe), "/local/domain/%u/device/vif/%u", d->domid, devid);
	t->deadline = hd_now() + timeout_ms / 1000.0;
	t->done = done;
	t->arg = arg;
	snprintf(p, sizeof(p), "%s/online", t->be);
	r = xsc_write_str(x, 0, p, "0");
	snprintf(p, sizeof(p), "%s/state", t->be);
	if (!r)
		r = xsc_write_str(x, 0, p, "5"); /* Closing */
	if (r)
		hd_log((int)d->domid, "vif %u: asking the backend to close: %s", devid,
		       xsc_strerror(r));
	uv_timer_init(hd.loop, t->timer);
	t->timer->data = t;
	t->next = detaches;
	detaches = t;
	uv_timer_start(t->timer, on_detach_tick, r ? 0 : VIF_DETACH_POLL_MS, VIF_DETACH_POLL_MS);
	hd_log((int)d->domid, "vif %u: detaching (backend Closing, up to %u ms)", devid, timeout_ms);
	return 0;
}
