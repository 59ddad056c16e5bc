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
#include "hd_dev.h"

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

/* The directories of a vif (libxl's keys; bridge only if set). */
static int add_vif(const struct hd_dom *d, unsigned devid, const char *mac, const char *bridge,
		   char *msg, size_t len)
{
	char handle[16], fid[16];
	const struct hd_dev_key be[] = {
	    {"handle", handle}, {"mac", mac},	{"bridge", *bridge ? bridge : NULL},
	    {"online", "1"},	{"state", "1"}, {"frontend-id", fid},
	    {NULL, NULL},
	};
	const struct hd_dev_key fe[] = {
	    {"handle", handle},
	    {"mac", mac},
	    {"state", "1"},
	    {NULL, NULL},
	};

	snprintf(handle, sizeof(handle), "%u", devid);
	snprintf(fid, sizeof(fid), "%u", d->domid);
	return hd_dev_add(d, "vif", devid, be, fe, msg, len);
}

int hd_vif_add(const struct hd_dom *d, unsigned devid, const char *spec, char *msg, size_t len)
{
	char mac[32], bridge[64];
	int r, own;

	if (hd_vif_spec_check(spec, msg, len))
		return -EINVAL;
	spec_fields(spec, mac, sizeof(mac), bridge, sizeof(bridge), &own);
	if (!*mac)
		hd_vif_mac(d->uuid, devid, mac);
	r = add_vif(d, devid, mac, bridge, msg, len);
	if (!r)
		hd_log((int)d->domid, "vif %u: mac %s%s%s", devid, mac, *bridge ? " bridge " : "",
		       bridge);
	return r;
}

/* Only vifs not in xenstore yet: a restarted hospesd leaves the vifs of
 * the domains it adopted alone (they are connected). */
int hd_vif_add_all(const struct hd_dom *d)
{
	char msg[160];
	int r = 0;

	for (unsigned i = 0; i < d->cfg.nr_vifs; i++) {
		long devid = hd_vif_devid(d, i);

		if (hd_dev_present(d, "vif", devid))
			continue;
		if (hd_vif_add(d, (unsigned)devid, d->cfg.vifs[i], msg, sizeof(msg))) {
			hd_log((int)d->domid, "vif '%s': %s", d->cfg.vifs[i], msg);
			r = -EIO;
		}
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
	hd_dev_forget(d, "vif");
	for (unsigned i = 0; i < d->cfg.nr_vifs; i++)
		tap_delete(d->domid, (unsigned)hd_vif_devid(d, i));
}

/* The counters of the vif at index i from netback's stats file. */
static json_object *vif_stats(const struct hd_dom *d, unsigned i)
{
	static const char *const keys[] = { "tx_packets", "tx_bytes", "tx_errors", "rx_packets",
					    "rx_bytes", "rx_dropped", "connected", NULL };
	char mac[32], bridge[64], ifname[32], *txt;
	json_object *o = json_object_new_object();
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
	hd_dev_add_error(o, "vif", d->domid, devid);
	txt = hd_dev_stats_read(hd.netback.dir, "vif", d->domid, devid);
	for (int i = 0; keys[i]; i++)
		json_object_object_add(o, keys[i],
				       json_object_new_int64(hd_dev_stat(txt, keys[i])));
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
	char *txt;

	*tx = *rx = 0;
	for (unsigned i = 0; i < d->cfg.nr_vifs; i++) {
		txt = hd_dev_stats_read(hd.netback.dir, "vif", d->domid, hd_vif_devid(d, i));
		*tx += hd_dev_stat(txt, "tx_packets");
		*rx += hd_dev_stat(txt, "rx_packets");
		free(txt);
	}
}

static void vif_name(unsigned devid, char name[48])
{
	snprintf(name, 48, "vif %u", devid);
}

bool hd_vif_detaching(const struct hd_dom *d, unsigned devid)
{
	char name[48];

	vif_name(devid, name);
	return hd_dev_detaching(d, name);
}

/* As a disk's detach, without first checking that the backend directory
 * is still there. */
int hd_vif_detach(const struct hd_dom *d, unsigned devid, unsigned timeout_ms,
		  hd_vbd_done_fn done, void *arg)
{
	char name[48];

	vif_name(devid, name);
	return hd_dev_detach(d, "vif", devid, name, name, false, timeout_ms, done, arg);
}
