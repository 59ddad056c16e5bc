/* hd_domain.c: domain records: lookup, create through hospes-hv, destroy,
 * refresh, the state file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pvabi/sched.h>

#include "hd.h"
#include "hvctl.h"

struct hvctl *hd_hv(void)
{
	/* robust: every call bounded (hd_reach.c); a connection a timeout
	 * broke (in any caller) is replaced */
	if (hd.hvc && hvctl_broken(hd.hvc)) {
		hd_svc_timed_out(&hd.hv, "a request"); /* only a timeout breaks it */
		hvctl_close(hd.hvc);
		hd.hvc = NULL;
	}
	if (!hd.hvc && hd.hv.pid > 0 && hd_svc_usable(&hd.hv)) {
		int r = hvctl_connect_timeout(hd.hv.sock, HD_CALL_TIMEOUT_MS, &hd.hvc);

		if (r)
			hd.hvc = NULL;
		if (r == -ETIMEDOUT)
			hd_svc_timed_out(&hd.hv, "connect");
	}
	return hd.hvc;
}

/* A broken connection is dropped so that the next call reconnects; one
 * that timed out too, so that its late reply is never read as another's. */
static int hv_result(int r)
{
	if (r == -ETIMEDOUT)
		hd_svc_timed_out(&hd.hv, "a request");
	if (r == -EPIPE || r == -ECONNRESET || r == -EPROTO || r == -ENOTCONN || r == -ETIMEDOUT) {
		hvctl_close(hd.hvc);
		hd.hvc = NULL;
	} else {
		hd_svc_answered(&hd.hv);
	}
	return r;
}

int hd_hv_result(int r)
{
	return hv_result(r);
}

const char *hd_state_name(uint32_t state)
{
	static const char *const names[] = { "created", "running", "paused", "shutdown",
					     "fault", "destroyed", "error" };

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

struct hd_dom *hd_dom_by_domid(uint32_t domid)
{
	for (struct hd_dom *d = hd.doms; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

struct hd_dom *hd_dom_by_name(const char *name)
{
	for (struct hd_dom *d = hd.doms; d; d = d->next)
		if (!strcmp(d->cfg.name, name))
			return d;
	return NULL;
}

struct hd_dom *hd_dom_find(json_object *ref)
{
	if (json_object_is_type(ref, json_type_int)) {
		int64_t id = json_object_get_int64(ref);

		return id > 0 && id < 65536 ? hd_dom_by_domid((uint32_t)id) : NULL;
	}
	if (json_object_is_type(ref, json_type_string)) {
		const char *s = json_object_get_string(ref);
		char *end;
		unsigned long id = strtoul(s, &end, 10);

		if (*s && !*end && id < 65536)
			return hd_dom_by_domid((uint32_t)id);
		return hd_dom_by_name(s);
	}
	return NULL;
}

static void state_path(const struct hd_dom *d, char *out, size_t len)
{
	snprintf(out, len, "%s/domains/%s.json", hd.state_dir, d->uuid);
}

int hd_dom_save(const struct hd_dom *d)
{
	json_object *o = json_object_new_object();
	char path[HD_PATH_MAX + 64];
	const char *txt;
	int r;

	json_object_object_add(o, "uuid", json_object_new_string(d->uuid));
	json_object_object_add(o, "domid", json_object_new_int((int)d->domid));
	json_object_object_add(o, "hv_pid", json_object_new_int((int)hd.hv.pid));
	json_object_object_add(o, "mem_target", json_object_new_int64((int64_t)d->mem_target));
	json_object_object_add(o, "preserved", json_object_new_boolean(d->preserved));
	json_object_object_add(o, "restarts", json_object_new_int((int)d->restarts));
	/* the restart loop's count goes on where it was after hospesd's restart */
	json_object_object_add(o, "fast_restarts", json_object_new_int((int)d->fast_restarts));
	json_object_object_add(o, "pending_shutdown", json_object_new_int(d->pending_shutdown));
	json_object_object_add(o, "shutdown_deadline", json_object_new_double(d->shutdown_deadline));
	json_object_object_add(o, "created_at", json_object_new_double(d->created_at));
	json_object_object_add(o, "config", hd_config_to_json(&d->cfg));
	txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	state_path(d, path, sizeof(path));
	r = hd_write_file(path, txt, strlen(txt));
	if (r)
		hd_log((int)d->domid, "cannot save %s: %s", path, strerror(-r));
	json_object_put(o);
	return r;
}

static void make_uuid(char out[37])
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, sizeof(b)) != sizeof(b)) {
		for (int i = 0; i < 16; i++)
			b[i] = (unsigned char)(rand() ^ time(NULL) >> (i % 8));
	}
	if (fd >= 0)
		close(fd);
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static void forget(struct hd_dom *d);

static void link_dom(struct hd_dom *d)
{
	d->serial = ++hd.next_serial;
	d->next = hd.doms;
	hd.doms = d;
}

int hd_dom_create(const struct hd_config *cfg, const char *uuid, bool paused,
		  struct hd_dom **out)
{
	struct hvctl_domain_config hc = {
		.kernel = cfg->kernel, .mem = cfg->memory, .maxmem = cfg->maxmem,
		.vcpus = cfg->vcpus, .cmdline = cfg->cmdline,
		/* built paused, started once its keys are written and the
		 * domain introduced (as xl does): a guest must never look for
		 * xenstore before it is served */
		.start = false,
		.xenstore = cfg->xenstore,
		.console = cfg->xenstore, /* console: served by consoled, found via xenstore */
	};
	struct hvctl *h = hd_hv();
	struct hd_dom *d;
	uint32_t domid;
	int r;

	if (!h)
		return -ENOTCONN;
	if (hd_dom_by_name(cfg->name))
		return -EEXIST;
	if (cfg->ramdisk[0]) {
		hc.nr_modules = 1;
		hc.modules[0] = cfg->ramdisk;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	if (uuid)
		snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	else
		make_uuid(d->uuid);
	/* robust: loading the kernel may take longer than a plain call */
	hvctl_set_timeout(h, HD_CREATE_TIMEOUT_MS);
	r = hvctl_create(h, &hc, &domid);
	if (r != -ETIMEDOUT)
		hvctl_set_timeout(h, HD_CALL_TIMEOUT_MS);
	r = hv_result(r);
	if (r) {
		free(d);
		return r;
	}
	d->domid = domid;
	r = hv_result(hvctl_info(h, domid, &d->info));
	if (r) {
		/* hv_result may have closed h */
		if ((h = hd_hv()) != NULL)
			hv_result(hvctl_destroy(h, domid));
		free(d);
		return r;
	}
	d->mem_target = cfg->memory;
	d->created_at = hd_now();
	link_dom(d);
	hd_store_domain(d);
	/* block: a disk whose keys could not be written fails the create:
	 * nothing of the domain is left (keys, record, list) */
	if ((r = hd_vbd_check_written(d))) {
		forget(d);
		if ((h = hd_hv()) != NULL)
			hv_result(hvctl_destroy(h, domid));
		hd_log((int)domid, "create of '%s' rolled back: a disk was not attached", cfg->name);
		free(d);
		return r;
	}
	if (!paused && (r = hv_result(hvctl_start(h, domid)))) {
		forget(d);
		if ((h = hd_hv()) != NULL)
			hv_result(hvctl_destroy(h, domid));
		hd_log((int)domid, "create of '%s' rolled back: start failed: %s", cfg->name,
		       strerror(-r));
		free(d);
		return r;
	}
	if (!paused && (h = hd_hv()) != NULL) {
		struct hvctl_dominfo now;

		/* now running; a guest that already ended is left to the
		 * monitor (it waits for changes after d->info's generation and
		 * would never report that end, whose action then never ran) */
		if (!hv_result(hvctl_info(h, domid, &now)) && now.state == HVCTL_STATE_RUNNING)
			d->info = now;
	}
	hd_dom_save(d);
	hd_monitor_start(d);
	hd_log((int)domid, "created '%s' (%s, %llu MiB, %u vcpus)%s", cfg->name, d->uuid,
	       (unsigned long long)(cfg->memory >> 20), cfg->vcpus, paused ? " paused" : "");
	hd_event("created", d, NULL, NULL);
	if (out)
		*out = d;
	return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
	free(h);
}

void hd_dom_drop_timer(struct hd_dom *d)
{
	if (d->shutdown_timer) {
		uv_close((uv_handle_t *)d->shutdown_timer, on_timer_closed);
		d->shutdown_timer = NULL;
	}
}

/* Forgets the record (state file, xenstore, list); the domain itself is
 * already gone or being destroyed. */
static void forget(struct hd_dom *d)
{
	char path[HD_PATH_MAX + 64];

	hd_dom_drop_timer(d);
	hd_store_forget(d);
	state_path(d, path, sizeof(path));
	unlink(path);
	for (struct hd_dom **pp = &hd.doms; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
}

int hd_dom_destroy(struct hd_dom *d)
{
	struct hvctl *h = hd_hv();
	int r = h ? hv_result(hvctl_destroy(h, d->domid)) : -ENOTCONN;

	/* robust: a running hospes-hv that does not answer still holds it */
	if (r == -ENOTCONN && hd.hv.pid > 0 && hd.hv.unresponsive)
		return r;
	if (r && r != -ESRCH && r != -ENOTCONN)
		return r;
	forget(d);
	hd_log((int)d->domid, "destroyed '%s'", d->cfg.name);
	d->info.state = HVCTL_STATE_DESTROYED;
	hd_event("destroyed", d, NULL, NULL);
	free(d);
	return 0;
}

int hd_dom_refresh(struct hd_dom *d)
{
	struct hvctl_dominfo info;
	struct hvctl *h = hd_hv();
	int r = h ? hv_result(hvctl_info(h, d->domid, &info)) : -ENOTCONN;

	if (r)
		return r;
	/* Only counters: state changes arrive through the monitor, which
	 * must see them to apply actions and send events. */
	d->info.cpu_ns = info.cpu_ns;
	d->info.mem_cur_bytes = info.mem_cur_bytes;
	d->info.mem_max_bytes = info.mem_max_bytes;
	d->info.online_vcpus = info.online_vcpus;
	return 0;
}
