/* hvctl_cli.c: hospes-hvctl, a small dom0 CLI over libhvctl for operators
 * and tests. Exit status: 0 success, 1 operation failed, 2 usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_util.h"
#include "hvctl.h"

static const char usage_text[] =
	"usage: hospes-hvctl [--socket PATH] COMMAND [ARGS]\n"
	"  create KERNEL --mem SIZE [--maxmem SIZE] [--vcpus N] [--cmdline STR]\n"
	"         [--module FILE]... [--paused] [--xenstore] [--console]\n"
	"                                           print the new domain id\n"
	"  start|pause|unpause|destroy DOMID\n"
	"  info DOMID                               key: value lines\n"
	"  list                                     one domain id per line\n"
	"  wait DOMID [--generation G] [--timeout-ms N]\n"
	"  set-maxmem DOMID SIZE\n"
	"  console-log DOMID --state-dir DIR        path of the console log\n"
	"The socket is --socket, else $HOSPES_HV_SOCKET, else " HVCTL_DEFAULT_SOCKET ".\n"
	"Exit status: 0 success, 1 operation failed, 2 usage error.\n";

static const char *const state_names[] = { "created", "running", "paused", "shutdown",
					   "fault",   "destroyed", "error" };

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "hospes-hvctl: %s%s%s\n%s", msg, arg ? ": " : "", arg ? arg : "",
		usage_text);
	return 2;
}

static int failed(const char *what, int r)
{
	fprintf(stderr, "hospes-hvctl: %s: %s\n", what, hvctl_strerror(r));
	return 1;
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s ? s : "", &end, 10);
	if (!s || !*s || *end || errno || n > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

static void print_info(const struct hvctl_dominfo *i)
{
	printf("domid: %u\nstate: %s\ngeneration: %u\nshutdown_reason: %u\nvcpus: %u\n"
	       "online_vcpus: %u\nmem_cur_bytes: %llu\nmem_max_bytes: %llu\ncpu_ns: %llu\n"
	       "owner_uid: %u\nowner_pid: %u\nstore_pfn: %llu\nstore_port: %u\n",
	       i->domid, i->state < 7 ? state_names[i->state] : "unknown", i->generation,
	       i->shutdown_reason, i->vcpus, i->online_vcpus, (unsigned long long)i->mem_cur_bytes,
	       (unsigned long long)i->mem_max_bytes, (unsigned long long)i->cpu_ns, i->owner_uid,
	       i->owner_pid, (unsigned long long)i->store_pfn, i->store_port);
	printf("console_pfn: %llu\nconsole_port: %u\n", (unsigned long long)i->console_pfn,
	       i->console_port);
	printf("build_ns: %llu\nboot_console_ns: %llu\nboot_hv_ns: %llu\nboot_guest_ns: %llu\n",
	       (unsigned long long)i->build_ns, (unsigned long long)i->boot_console_ns,
	       (unsigned long long)i->boot_hv_ns, (unsigned long long)i->boot_guest_ns);
}

static int cmd_create(struct hvctl *h, int argc, char **argv)
{
	struct hvctl_domain_config c = { .start = true };
	uint32_t domid;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--paused")) {
			c.start = false;
			continue;
		}
		if (!strcmp(a, "--xenstore")) {
			c.xenstore = true;
			continue;
		}
		if (!strcmp(a, "--console")) {
			c.console = true;
			continue;
		}
		if (a[0] != '-') {
			if (c.kernel)
				return usage("unexpected argument", a);
			c.kernel = a;
			continue;
		}
		if (!v)
			return usage("option needs a value", a);
		i++;
		if (!strcmp(a, "--mem") ? hv_parse_size(v, &c.mem)
		    : !strcmp(a, "--maxmem") ? hv_parse_size(v, &c.maxmem)
		    : !strcmp(a, "--vcpus") ? parse_u32(v, &c.vcpus)
		    : !strcmp(a, "--cmdline") ? (c.cmdline = v, 0)
		    : !strcmp(a, "--module") ? (c.nr_modules < HVCTL_MAX_MODULES
						 ? (c.modules[c.nr_modules++] = v, 0) : -E2BIG)
		    : -ENOENT)
			return usage("bad option or value", a);
	}
	if (!c.kernel || !c.mem)
		return usage("create needs KERNEL and --mem SIZE", NULL);
	if ((r = hvctl_create(h, &c, &domid)))
		return failed("create", r);
	printf("%u\n", domid);
	return 0;
}

static int cmd_wait(struct hvctl *h, uint32_t domid, int argc, char **argv)
{
	struct hvctl_dominfo info;
	uint32_t gen = 0, timeout = 0;
	int r;

	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage("option needs a value", argv[i]);
		if (!strcmp(argv[i], "--generation") ? parse_u32(argv[i + 1], &gen)
		    : !strcmp(argv[i], "--timeout-ms") ? parse_u32(argv[i + 1], &timeout)
		    : -ENOENT)
			return usage("bad option or value", argv[i]);
	}
	if (!gen && (r = hvctl_info(h, domid, &info)) == 0)
		gen = info.generation;
	if ((r = hvctl_wait(h, domid, gen, timeout, &info)))
		return failed("wait", r);
	print_info(&info);
	return 0;
}

static int cmd_list(struct hvctl *h)
{
	uint32_t ids[HVCTL_LIST_MAX];
	unsigned n;
	int r;

	if ((r = hvctl_list(h, ids, HVCTL_LIST_MAX, &n)))
		return failed("list", r);
	for (unsigned i = 0; i < n && i < HVCTL_LIST_MAX; i++)
		printf("%u\n", ids[i]);
	return 0;
}

/* Commands that take a DOMID first. */
static int cmd_domain(struct hvctl *h, const char *cmd, uint32_t domid, int argc, char **argv)
{
	struct hvctl_dominfo info;
	uint64_t size;
	int r;

	if (!strcmp(cmd, "wait"))
		return cmd_wait(h, domid, argc, argv);
	if (!strcmp(cmd, "set-maxmem")) {
		if (argc != 1 || hv_parse_size(argv[0], &size))
			return usage("set-maxmem needs DOMID SIZE", NULL);
		return (r = hvctl_set_maxmem(h, domid, size)) ? failed(cmd, r) : 0;
	}
	if (!strcmp(cmd, "console-log")) {
		if (argc != 2 || strcmp(argv[0], "--state-dir"))
			return usage("console-log needs DOMID --state-dir DIR", NULL);
		if ((r = hvctl_info(h, domid, &info)))
			return failed(cmd, r);
		printf("%s/console-%u.log\n", argv[1], domid);
		return 0;
	}
	if (argc)
		return usage("unexpected argument", argv[0]);
	if (!strcmp(cmd, "info")) {
		if ((r = hvctl_info(h, domid, &info)))
			return failed(cmd, r);
		print_info(&info);
		return 0;
	}
	r = !strcmp(cmd, "start")     ? hvctl_start(h, domid)
	    : !strcmp(cmd, "pause")   ? hvctl_pause(h, domid)
	    : !strcmp(cmd, "unpause") ? hvctl_unpause(h, domid)
	    : !strcmp(cmd, "destroy") ? hvctl_destroy(h, domid)
				      : 1;
	if (r == 1)
		return usage("unknown command", cmd);
	return r ? failed(cmd, r) : 0;
}

static int known(const char *cmd)
{
	static const char *const cmds[] = { "create", "list",    "start",      "pause",
					    "unpause", "destroy", "info",       "wait",
					    "set-maxmem", "console-log" };

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	struct hvctl *h;
	uint32_t domid;
	int i = 1, r;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--socket")) {
		sock = argv[2];
		i = 3;
	}
	if (i >= argc)
		return usage("no command given", NULL);
	if (!known(argv[i]))
		return usage("unknown command", argv[i]);
	if (strcmp(argv[i], "create") && strcmp(argv[i], "list") &&
	    (i + 1 >= argc || parse_u32(argv[i + 1], &domid)))
		return usage("command needs a numeric DOMID", argv[i]);
	if ((r = hvctl_connect(sock, &h)))
		return failed(hvctl_socket_path(sock), r);
	if (!strcmp(argv[i], "create"))
		r = cmd_create(h, argc - i - 1, argv + i + 1);
	else if (!strcmp(argv[i], "list"))
		r = i + 1 < argc ? usage("unexpected argument", argv[i + 1]) : cmd_list(h);
	else
		r = cmd_domain(h, argv[i], domid, argc - i - 2, argv + i + 2);
	hvctl_close(h);
	return r;
}
