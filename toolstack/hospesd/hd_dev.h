/* hd_dev.h: what the vbd (hd_vbd.c) and vif (hd_vif.c) devices share:
 * writing and removing a device's frontend and backend directories in
 * xenstore, detaching the Xen way, reading a backend's stats file, and
 * the detach methods' parameters and replies. */
#ifndef HOSPES_HD_DEV_H
#define HOSPES_HD_DEV_H

#include "hd.h"

/* One key of a device directory; a NULL val is not written (an optional
 * key the device does not have). Lists end with a NULL key. */
struct hd_dev_key {
	const char *key, *val;
};

/* Writes, in one transaction (retried when it conflicts), the backend
 * directory /local/domain/0/backend/<type>/<domid>/<devid> with
 * "frontend" and be's keys, then the frontend directory
 * /local/domain/<domid>/device/<type>/<devid> with "backend",
 * "backend-id" and fe's keys: libxl's owners and permissions. 0 or
 * -errno with msg set. */
int hd_dev_add(const struct hd_dom *d, const char *type, long devid, const struct hd_dev_key *be,
	       const struct hd_dev_key *fe, char *msg, size_t len);
/* Whether the device's backend directory is in xenstore. A restarted
 * hospesd finds the devices of the domains it adopts there, in use: it
 * must not write them again (that would reset their states to
 * Initialising and make backend and frontend reconnect). */
bool hd_dev_present(const struct hd_dom *d, const char *type, long devid);
/* Removes the domain's backend directories of type. */
void hd_dev_forget(const struct hd_dom *d, const char *type);

/* Backend online 0 and Closing, then polled: once the backend is Closed
 * or the frontend Closed or gone (at the latest after timeout_ms) both
 * directories go and done runs (on the loop, later). name ("disk xvdb")
 * identifies the device while it detaches and starts the log lines with
 * label ("disk xvdb (51728)"). check_backend: a backend directory that
 * is not there is not written (it would be created); the device is then
 * finished at once. 0, -EBUSY (already detaching), -ENOTCONN, -ENOMEM. */
int hd_dev_detach(const struct hd_dom *d, const char *type, long devid, const char *name,
		  const char *label, bool check_backend, unsigned timeout_ms, hd_vbd_done_fn done,
		  void *arg);
bool hd_dev_detaching(const struct hd_dom *d, const char *name);

/* The backend's stats file <dir>/<type>-<domid>-<devid>.stats (malloc'd,
 * NULL if none) and a "key value" line's value in it (0 if absent). */
char *hd_dev_stats_read(const char *dir, const char *type, uint32_t domid, long devid);
int64_t hd_dev_stat(const char *txt, const char *key);
/* Adds the backend's reason for refusing or dropping the device (its
 * "error" key) to o as "error", if it has one. */
void hd_dev_add_error(json_object *o, const char *type, uint32_t domid, long devid);

/* The detach methods: params.timeout_ms (default 5000, at most 60000);
 * false if it is not a number in range. */
#define HD_DEV_DETACH_TIMEOUT_MS 5000
#define HD_DEV_DETACH_TIMEOUT_MAX_MS 60000
bool hd_dev_timeout_param(json_object *p, int64_t *timeout);
/* Adds how a detach ended (forced, states, domain_gone) to a reply. */
void hd_dev_detached_json(json_object *res, const struct hd_vbd_detached *dr);
/* Sends the deferred reply of a detach that could not start (-errno r):
 * "detaching <what> of domain <id>: ..." in msg, data.errno; without
 * xenstore RPC_UNAVAILABLE, else RPC_OP_FAILED. */
void hd_dev_detach_refused(struct hd_later *later, int r, const char *what, uint32_t domid,
			   char *msg, size_t msglen);

#endif
