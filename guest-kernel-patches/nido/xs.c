/* xs.c: nido's xenstore use: at boot, its name and domid from its home
 * directory; shell commands xs-read, xs-write, xs-ls, xs-watch. Every
 * request sleeps on the store port (SCHEDOP_poll inside pvabi's xenbus
 * client) until the daemon answers; nothing polls. */
#include <pvabi/xs_wire.h>

#include "nido.h"

static int xs_ready;

int nido_xs_ready(void)
{
	return xs_ready;
}

static const char *err_name(long e)
{
	switch (-e) {
	case XEN_EPERM: return "EPERM";
	case XEN_ENOENT: return "ENOENT";
	case XEN_EIO: return "EIO";
	case XEN_E2BIG: return "E2BIG";
	case XEN_EAGAIN: return "EAGAIN";
	case XEN_ENOMEM: return "ENOMEM";
	case XEN_EACCES: return "EACCES";
	case XEN_EBUSY: return "EBUSY";
	case XEN_EEXIST: return "EEXIST";
	case XEN_EINVAL: return "EINVAL";
	case XEN_ENOSPC: return "ENOSPC";
	case XEN_ENOSYS: return "ENOSYS";
	default: return "error";
	}
}

static long store_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long r = pvabi_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

/* Xen guests learn their identity from their home directory: relative
 * paths resolve under /local/domain/<domid>, where the toolstack wrote
 * "name" and "domid" before starting the domain. */
void nido_xs_boot(void)
{
	static char name[128], domid[16];
	uint64_t pfn = 0;
	long r;

	if (store_param(HVM_PARAM_STORE_PFN, &pfn) || !pfn || pfn >= (1ull << 20))
		return;
	/* A daemon that took the ring announces its features; with none the
	 * first request would sleep forever (e.g. `hospes-hv run --xenstore`
	 * without hospes-stored), so nido goes on without xenstore. */
	if (!((volatile struct xenstore_domain_interface *)(uintptr_t)(pfn << 12))->server_features) {
		pvabi_printf("nido: xenstore not connected\n");
		return;
	}
	if ((r = nido_events_init()) || (r = pvabi_xenbus_init())) {
		pvabi_printf("nido: xenstore unavailable: %ld\n", r);
		return;
	}
	xs_ready = 1;
	r = pvabi_xenbus_read(0, "name", name, sizeof(name));
	if (r >= 0)
		r = pvabi_xenbus_read(0, "domid", domid, sizeof(domid));
	if (r < 0)
		pvabi_printf("nido: xenstore identity unreadable: %s\n", err_name(r));
	else
		pvabi_printf("nido: xenstore name=%s domid=%s\n", name, domid);
}

static void cmd_read(const char *path)
{
	static char val[XENSTORE_PAYLOAD_MAX + 1];
	long r = pvabi_xenbus_read(0, path, val, sizeof(val));

	if (r < 0)
		pvabi_printf("xs-read %s: %s\n", path, err_name(r));
	else
		pvabi_printf("xs-read %s = \"%s\"\n", path, val);
}

/* arg: "PATH VALUE" (the value is the rest, possibly empty). */
static void cmd_write(char *arg)
{
	char *val = arg;
	int r;

	while (*val && *val != ' ')
		val++;
	if (*val)
		*val++ = '\0';
	r = pvabi_xenbus_write(0, arg, val);
	if (r < 0)
		pvabi_printf("xs-write %s: %s\n", arg, err_name(r));
	else
		pvabi_printf("xs-write %s: ok\n", arg);
}

static void cmd_ls(const char *path)
{
	static char names[XENSTORE_PAYLOAD_MAX + 1];
	long r = pvabi_xenbus_directory(0, path, names, sizeof(names));

	if (r < 0) {
		pvabi_printf("xs-ls %s: %s\n", path, err_name(r));
		return;
	}
	/* Child names each end in NUL: print them space separated. */
	if (r >= (long)sizeof(names))
		r = (long)sizeof(names) - 1;
	for (long i = 0; i < r; i++)
		if (names[i] == '\0' && i + 1 < r)
			names[i] = ' ';
	pvabi_printf("xs-ls %s: %s\n", path, names);
}

static unsigned int watch_seen;

static void on_event(const char *path, const char *token, void *arg)
{
	(void)arg;
	(void)token;
	watch_seen++;
	pvabi_printf("xs-watch event %s\n", path);
}

/* arg: "PATH N": prints the first N events (the first is the daemon's
 * immediate one for the new watch), then removes the watch. */
static void cmd_watch(char *arg)
{
	char *n = arg;
	unsigned long want = 0;
	int r;

	while (*n && *n != ' ')
		n++;
	if (*n)
		*n++ = '\0';
	for (; *n >= '0' && *n <= '9'; n++)
		want = want * 10 + (unsigned long)(*n - '0');
	watch_seen = 0;
	r = pvabi_xenbus_watch(arg, "nido", on_event, NULL);
	if (r < 0) {
		pvabi_printf("xs-watch %s: %s\n", arg, err_name(r));
		return;
	}
	while (watch_seen < want) {
		r = pvabi_xenbus_wait_event();
		if (r < 0) {
			pvabi_printf("xs-watch %s: %s\n", arg, err_name(r));
			break;
		}
	}
	pvabi_xenbus_unwatch(arg, "nido");
	pvabi_printf("xs-watch %s: %u events\n", arg, watch_seen);
}

/* arg: "N": N READs of "name" back to back, timed on the PV clock (for
 * the xenstore_guest_read benchmark). */
static void cmd_bench(const char *arg)
{
	static char val[128];
	unsigned long n = 0, fails = 0;
	uint64_t t0, t1;

	for (; *arg >= '0' && *arg <= '9'; arg++)
		n = n * 10 + (unsigned long)(*arg - '0');
	if (!n)
		n = 1;
	t0 = pvabi_time_ns();
	for (unsigned long i = 0; i < n; i++)
		fails += pvabi_xenbus_read(0, "name", val, sizeof(val)) < 0;
	t1 = pvabi_time_ns();
	pvabi_printf("xs-bench: %lu reads, %lu failed, %lu ns per read\n", n, fails,
		     (unsigned long)((t1 - t0) / n));
}

int nido_xs_command(const char *cmd, char *arg)
{
	if (strncmp(cmd, "xs-", 3))
		return 0;
	if (!xs_ready) {
		pvabi_printf("%s: no xenstore\n", cmd);
		return 1;
	}
	if (!strcmp(cmd, "xs-read"))
		cmd_read(arg);
	else if (!strcmp(cmd, "xs-write"))
		cmd_write(arg);
	else if (!strcmp(cmd, "xs-ls"))
		cmd_ls(arg);
	else if (!strcmp(cmd, "xs-watch"))
		cmd_watch(arg);
	else if (!strcmp(cmd, "xs-bench"))
		cmd_bench(arg);
	else
		return 0;
	return 1;
}
