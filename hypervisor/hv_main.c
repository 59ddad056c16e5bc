/* hv_main.c: hospes-hv's command line; the only place that exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_balloon.h"
#include "hv_daemon.h"
#include "hv_exit.h"
#include "hv_kvm.h"
#include "hv_run.h"
#include "hv_util.h"
#include "hv_vcpu.h"
#include "gnttab.h"
#include "hv_version.h"
#include "hv_watchdog.h"

static const char usage_text[] =
	"usage: hospes-hv run KERNEL.elf --mem SIZE [--cmdline STR] [--module FILE]...\n"
	"                     [--vcpus N] [--watchdog-ms N] [--verbose]\n"
"                     [--maxmem SIZE] [--host-mem SIZE] [--mem-stats] [--xenstore]\n"
	"                     [--console-ring] [--grant-frames N] [--grant-maps N]\n"
	"                     [--accel auto|kvm|emu]\n"
	"       hospes-hv daemon --socket PATH --state-dir DIR [--verbose]\n"
	"                        [--grant-frames N] [--grant-maps N] [--accel auto|kvm|emu]\n"
	"       hospes-hv --help | --version\n"
	"\n"
	"Runs one PVH domain (domid 1, N vCPUs, default 1, at most 8; vCPU 0\n"
	"boots, the others wait for VCPUOP_up) in the foreground; its console is\n"
	"stdout, hospes-hv's log is stderr. SIZE takes a K, M or G suffix, is a\n"
	"multiple of 4 KiB and at least 2M. Exit status: 0 poweroff, 1 error,\n"
	"2 usage, 3 reboot, 4 crash, 5 suspend, 6 guest fault, 7 watchdog,\n"
	"8 soft_reset, 9 destroyed by SIGINT/SIGTERM.\n"
	"--maxmem: the most the guest may hold (>= --mem, default --mem);\n"
	"--host-mem: budget for all domains' memory; --mem-stats: log the\n"
	"domain's pages and its RAM's host memory when the guest asks for its\n"
	"current reservation and at its end; --xenstore: give the guest a\n"
	"xenstore ring page and port (HVM_PARAM_STORE_PFN/STORE_EVTCHN);\n"
	"--console-ring: give the guest a PV console ring (HVM_PARAM_CONSOLE_PFN/\n"
	"CONSOLE_EVTCHN) served by hospes-hv itself: output to stdout, stdin in.\n"
	"--grant-frames: grant-table frames a domain may have (1..256, default\n"
	"32); --grant-maps: grant mappings a domain or control client may hold\n"
	"(1..65536, default 1024).\n"
	"--accel: what runs the guests: kvm, emu (Hospes's software CPU: slow,\n"
	"integer instructions only) or auto (default: KVM if /dev/kvm opens,\n"
	"else emu); the environment variable HOSPES_ACCEL sets the default.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hv_log(NULL, HV_LOG_ERROR, "usage error: %s", msg);
	fputs(usage_text, stderr);
	return HV_EXIT_USAGE;
}

/* --mem, --maxmem (opt names the option in messages). */
static int parse_mem_opt(const char *opt, const char *s, uint64_t *mem)
{
	int r = hv_parse_size(s, mem);

	if (r)
		return usage_error("invalid %s '%s': %s", opt, s,
				   r == -ERANGE ? "too large" : "want a number with a K/M/G suffix");
	if (*mem % HV_PAGE_SIZE)
		return usage_error("%s %s is not a multiple of 4 KiB", opt, s);
	if (*mem < HV_MEM_MIN)
		return usage_error("%s %s is below the minimum of 2M", opt, s);
	if (*mem > HV_MEM_MAX)
		return usage_error("%s %s is above the maximum of 512G", opt, s);
	return 0;
}

static int parse_mem(const char *s, uint64_t *mem)
{
	return parse_mem_opt("--mem", s, mem);
}

/* --host-mem: the budget all domains' pages are charged to (hv_balloon.h). */
static int parse_host_mem(const char *s)
{
	uint64_t bytes;
	int r = hv_parse_size(s, &bytes);

	if (r || bytes < HV_PAGE_SIZE)
		return usage_error("invalid --host-mem '%s' (want a size with a K/M/G suffix)", s);
	hv_mem_set_host_budget(bytes / HV_PAGE_SIZE);
	return 0;
}

/* Option value either as "--opt=value" or as the next argument. */
static const char *value_of(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (!strncmp(argv[*i], opt, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], opt))
		return NULL;
	return *i + 1 < argc ? argv[++*i] : "";
}

static int parse_option(struct hv_run_opts *o, int argc, char **argv, int *i)
{
	const char *v;
	char *end;

	if (!strcmp(argv[*i], "--verbose") || !strcmp(argv[*i], "-v")) {
		hv_log_threshold = HV_LOG_DEBUG;
		return 0;
	}
#define NEED(opt)                                                                 \
	if (!*v)                                                                  \
		return usage_error("option " opt " needs a value");
	if ((v = value_of(argc, argv, i, "--mem"))) {
		NEED("--mem");
		return parse_mem(v, &o->mem);
	}
	if ((v = value_of(argc, argv, i, "--maxmem"))) {
		NEED("--maxmem");
		return parse_mem_opt("--maxmem", v, &o->maxmem);
	}
	if ((v = value_of(argc, argv, i, "--host-mem"))) {
		NEED("--host-mem");
		return parse_host_mem(v);
	}
	if (!strcmp(argv[*i], "--mem-stats")) {
		hv_mem_stats = true;
		return 0;
	}
	if (!strcmp(argv[*i], "--xenstore")) {
		o->xenstore = true;
		return 0;
	}
	if (!strcmp(argv[*i], "--console-ring")) {
		o->console_ring = true;
		return 0;
	}
	if ((v = value_of(argc, argv, i, "--cmdline"))) {
		o->cmdline = v;
		return 0;
	}
	if ((v = value_of(argc, argv, i, "--module"))) {
		NEED("--module");
		if (o->nr_modules == BOOTINFO_MAX_MODULES)
			return usage_error("too many --module options (at most %d)",
					   BOOTINFO_MAX_MODULES);
		o->modules[o->nr_modules++] = v;
		return 0;
	}
	if ((v = value_of(argc, argv, i, "--vcpus"))) {
		NEED("--vcpus");
		unsigned long n = strtoul(v, &end, 10);
		if (*end || n < 1 || n > HV_MAX_VCPUS)
			return usage_error("invalid --vcpus '%s' (want 1..%d)", v, HV_MAX_VCPUS);
		o->vcpus = (unsigned)n;
		return 0;
	}
	if ((v = value_of(argc, argv, i, "--watchdog-ms"))) {
		NEED("--watchdog-ms");
		unsigned long ms = strtoul(v, &end, 10);
		if (*end || ms < 1 || ms > 60000)
			return usage_error("invalid --watchdog-ms '%s' (want 1..60000)", v);
		o->watchdog_ms = (unsigned)ms;
		return 0;
	}
	return usage_error("unknown option '%s'", argv[*i]);
}

/* Grant tables: --grant-frames / --grant-maps (run and daemon). 1 if
 * argv[*i] was one of them (its value is parsed into the gnttab.c
 * defaults), 0 if not, or the usage exit status. */
static int grant_option(int argc, char **argv, int *i, int *status)
{
	const char *v;
	unsigned long n;
	char *end;

	if ((v = value_of(argc, argv, i, "--grant-frames"))) {
		n = strtoul(v, &end, 10);
		if (!*v || *end || n < 1 || n > GNTTAB_LIMIT_FRAMES)
			*status = usage_error("invalid --grant-frames '%s' (want 1..%u)", v,
					      GNTTAB_LIMIT_FRAMES);
		else
			gnttab_default_max_frames = (unsigned)n;
		return 1;
	}
	if ((v = value_of(argc, argv, i, "--grant-maps"))) {
		n = strtoul(v, &end, 10);
		if (!*v || *end || n < 1 || n > GNTTAB_LIMIT_MAPS)
			*status = usage_error("invalid --grant-maps '%s' (want 1..%u)", v,
					      GNTTAB_LIMIT_MAPS);
		else
			gnttab_default_max_maps = (unsigned)n;
		return 1;
	}
	return 0;
}

/* --accel (run and daemon): 1 if argv[*i] was it, 0 if not; *status is
 * set on a bad value. */
static int accel_option(int argc, char **argv, int *i, int *status)
{
	const char *v = value_of(argc, argv, i, "--accel");
	enum hv_accel a;

	if (!v)
		return 0;
	if (hv_accel_parse(v, &a))
		*status = usage_error("invalid --accel '%s' (want auto, kvm or emu)", v);
	else
		hv_accel_request(a);
	return 1;
}

/* HOSPES_ACCEL: the default of --accel for programs that start hospes-hv. */
static int accel_from_env(void)
{
	const char *v = getenv("HOSPES_ACCEL");
	enum hv_accel a;

	if (!v || !*v)
		return 0;
	if (hv_accel_parse(v, &a))
		return usage_error("invalid HOSPES_ACCEL '%s' (want auto, kvm or emu)", v);
	hv_accel_request(a);
	return 0;
}

static int parse_run(struct hv_run_opts *o, int argc, char **argv)
{
	o->watchdog_ms = HV_WATCHDOG_DEFAULT_MS;
	for (int i = 2; i < argc; i++) {
		int r;

		r = 0;
		if (grant_option(argc, argv, &i, &r) || accel_option(argc, argv, &i, &r)) {
			if (r)
				return r;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			if ((r = parse_option(o, argc, argv, &i)))
				return r;
		} else if (!o->kernel) {
			o->kernel = argv[i];
		} else {
			return usage_error("unexpected argument '%s'", argv[i]);
		}
	}
	if (!o->kernel)
		return usage_error("run needs a kernel file");
	if (!o->mem)
		return usage_error("run needs --mem SIZE");
	if (o->maxmem && o->maxmem < o->mem)
		return usage_error("--maxmem is below --mem");
	return 0;
}

/* `daemon --socket PATH --state-dir DIR [--verbose]` */
static int parse_daemon(struct hv_daemon_opts *o, int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		const char *v;
		int r = 0;

		if (grant_option(argc, argv, &i, &r) || accel_option(argc, argv, &i, &r)) {
			if (r)
				return r;
		} else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
			hv_log_threshold = HV_LOG_DEBUG;
		else if ((v = value_of(argc, argv, &i, "--socket")))
			o->socket_path = v;
		else if ((v = value_of(argc, argv, &i, "--state-dir")))
			o->state_dir = v;
		else
			return usage_error("unknown daemon argument '%s'", argv[i]);
	}
	if (!o->socket_path || !*o->socket_path)
		return usage_error("daemon needs --socket PATH");
	if (!o->state_dir || !*o->state_dir)
		return usage_error("daemon needs --state-dir DIR");
	return 0;
}

int main(int argc, char **argv)
{
	struct hv_run_opts o = { 0 };
	struct hv_daemon_opts dopts = { 0 };
	bool daemon_mode;
	sigset_t set;
	int r;

	if (argc < 2)
		return usage_error("no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("hospes-hv %s (Xen %d.%d%s guest ABI)\n", HV_VERSION_STRING, HV_XEN_MAJOR,
		       HV_XEN_MINOR, HV_XEN_EXTRAVERSION);
		return 0;
	}
	daemon_mode = !strcmp(argv[1], "daemon");
	if (strcmp(argv[1], "run") && !daemon_mode)
		return usage_error("unknown command '%s'", argv[1]);
	if ((r = accel_from_env()))
		return r;
	if ((r = daemon_mode ? parse_daemon(&dopts, argc, argv) : parse_run(&o, argc, argv)))
		return r;
	/* vCPU threads unblock the kick signal themselves; SIGINT/SIGTERM are
	 * read from a signalfd by the main thread. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, HV_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return daemon_mode ? hv_daemon(&dopts) : hv_run(&o);
}
