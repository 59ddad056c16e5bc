/* cons_xs.c: finding consoles the Xen way: watches on @introduceDomain and
 * @releaseDomain; each event rescans /local/domain/<id>/console/{ring-ref,
 * port,type} (ring-ref is the guest frame for the primary console). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cons.h"
#include "xsclient.h"

#define CONS_SCAN_MAX 1024

static struct xsc *xs;
static uv_poll_t xs_poll;

/* A decimal number below limit, or -1. */
static long long parse_num(const char *s, unsigned long long limit)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > limit / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v < limit ? (long long)v : -1;
}

static int read_key(unsigned domid, const char *key, char **val)
{
	char path[96];
	size_t len;

	snprintf(path, sizeof(path), "/local/domain/%u/console/%s", domid, key);
	return xsc_read(xs, 0, path, val, &len);
}

int cons_xs_try(unsigned domid)
{
	char *ref = NULL, *port = NULL, *type = NULL;
	long long gfn, p;
	int r;

	if (!xs || domid == 0 || cons_dom_find(domid) || cons_dom_is_retired(domid))
		return 0;
	if ((r = read_key(domid, "ring-ref", &ref)) < 0 || (r = read_key(domid, "port", &port)) < 0)
		goto out;
	/* Another backend (e.g. "ioemu") may own the console. */
	if (read_key(domid, "type", &type) == 0 && strcmp(type, "xenconsoled")) {
		r = -ENOENT;
		goto out;
	}
	gfn = parse_num(ref, 1ull << 40);
	p = parse_num(port, 4096);
	if (gfn <= 0 || p <= 0) {
		xbb_log((int)domid, "bad console keys ring-ref '%.32s' port '%.32s'", ref, port);
		r = -EINVAL;
		goto out;
	}
	r = cons_dom_attach(domid, (uint64_t)gfn, (unsigned)p);
out:
	free(ref);
	free(port);
	free(type);
	return r;
}

static void scan(void)
{
	static unsigned present[CONS_SCAN_MAX];
	unsigned n = 0, count = 0;
	char **names;

	if (xsc_directory(xs, 0, "/local/domain", &names, &count) < 0)
		return;
	for (unsigned i = 0; i < count && n < CONS_SCAN_MAX; i++) {
		long long id = parse_num(names[i], 0x7ff0);

		if (id > 0)
			present[n++] = (unsigned)id;
	}
	free(names);
	cons_dom_forget_missing(present, n);
	for (unsigned i = 0; i < n; i++)
		cons_xs_try(present[i]);
}

static void on_xs(uv_poll_t *p, int status, int events)
{
	struct xsc_event *ev;
	bool any = false;
	int r;

	while ((r = xsc_read_watch(xs, &ev, 0)) == 0) {
		free(ev);
		any = true;
	}
	if (r != -ETIMEDOUT) {
		xbb_log(-1, "xenstore connection lost: %s; no new domains will be served",
			 xsc_strerror(r));
		uv_poll_stop(&xs_poll);
		return;
	}
	if (any) {
		/* Released (or shut down) domains first, then new ones. */
		cons_dom_check_alive();
		scan();
	}
}

int cons_xs_start(void)
{
	int r;

	if ((r = xsc_open(cons_xs_socket, &xs)) < 0) {
		xbb_log(-1, "cannot connect to xenstore at %s: %s", xsc_socket_path(cons_xs_socket),
			 xsc_strerror(r));
		return r;
	}
	if ((r = xsc_watch(xs, "@introduceDomain", "cons-intro", NULL, NULL)) < 0 ||
	    (r = xsc_watch(xs, "@releaseDomain", "cons-release", NULL, NULL)) < 0) {
		xbb_log(-1, "cannot watch for domains: %s", xsc_strerror(r));
		return r;
	}
	uv_poll_init(cons_loop, &xs_poll, xsc_fileno(xs));
	uv_poll_start(&xs_poll, UV_READABLE, on_xs);
	scan(); /* domains already running (e.g. after a restart) */
	return 0;
}

void cons_xs_stop(void)
{
	if (!xs)
		return;
	uv_poll_stop(&xs_poll);
	uv_close((uv_handle_t *)&xs_poll, NULL);
}

void cons_xs_close(void)
{
	xsc_close(xs);
	xs = NULL;
}
