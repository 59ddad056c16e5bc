/* hv_run.c: `hospes-hv run`: build domain 1 from a kernel file, run its
 * vCPU, and wait for its end or for SIGINT/SIGTERM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "elf_load.h"
#include "hv_exit.h"
#include "hv_kvm.h"
#include "hv_run.h"
#include "hv_util.h"
#include "hv_vcpu.h"
#include "hv_wait.h"
#include "hv_watchdog.h"

#define RUN_DOMID 1

struct run_ctx {
	struct hv_domain dom;
	struct hv_vcpu vcpu;
	uint8_t *kernel;
	size_t kernel_size;
	struct bootinfo_module mods[BOOTINFO_MAX_MODULES];
	struct elf_image img;
	struct bootinfo_result boot;
};

static int read_inputs(struct run_ctx *c, const struct hv_run_opts *o)
{
	int r = hv_read_file(o->kernel, &c->kernel, &c->kernel_size);

	if (r) {
		hv_log(NULL, HV_LOG_ERROR, "cannot read kernel %s: %s", o->kernel, strerror(-r));
		return r;
	}
	for (unsigned i = 0; i < o->nr_modules; i++) {
		uint8_t *data;
		size_t size;

		if ((r = hv_read_file(o->modules[i], &data, &size))) {
			hv_log(NULL, HV_LOG_ERROR, "cannot read module %s: %s", o->modules[i],
			       strerror(-r));
			return r;
		}
		c->mods[i] = (struct bootinfo_module){ o->modules[i], data, size };
	}
	return 0;
}

/* Guest RAM, kernel and boot information; no KVM needed yet. */
static int build_domain(struct run_ctx *c, const struct hv_run_opts *o)
{
	struct bootinfo_req req = { o->cmdline, o->nr_modules, c->mods, 0, 0 };
	char err[512];
	int r;

	if ((r = gmem_ram_create(&c->dom.mem, o->mem, "hospes-dom1"))) {
		hv_log(&c->dom, HV_LOG_ERROR, "cannot allocate %llu bytes of guest RAM: %s",
		       (unsigned long long)o->mem, strerror(-r));
		return r;
	}
	if ((r = elf_load(o->kernel, c->kernel, c->kernel_size, &c->dom.mem, &c->img, err,
			  sizeof(err)))) {
		hv_log(&c->dom, HV_LOG_ERROR, "%s", err);
		return r;
	}
	req.kernel_lo = c->img.lo;
	req.kernel_hi = c->img.hi;
	if ((r = bootinfo_build(&c->dom.mem, &req, &c->boot, err, sizeof(err)))) {
		hv_log(&c->dom, HV_LOG_ERROR, "%s", err);
		return r;
	}
	hv_log(&c->dom, HV_LOG_INFO, "kernel %s loaded at [0x%llx, 0x%llx), entry 0x%llx, %llu MiB",
	       o->kernel, (unsigned long long)c->img.lo, (unsigned long long)c->img.hi,
	       (unsigned long long)c->img.entry, (unsigned long long)(o->mem >> 20));
	return 0;
}

static int start_kvm(struct run_ctx *c)
{
	int r;

	c->vcpu = (struct hv_vcpu){ .dom = &c->dom, .id = 0, .fd = -1 };
	hv_wait_init(&c->vcpu);
	c->dom.vcpus[0] = &c->vcpu;
	c->dom.nr_vcpus = 1;
	if ((r = hv_kvm_open()) || (r = hv_kvm_vm_create(&c->dom)) ||
	    (r = hv_kvm_vcpu_create(&c->vcpu)) ||
	    (r = hv_kvm_vcpu_boot(&c->vcpu, c->img.entry, c->boot.start_info)))
		return r;
	return 0;
}

/* Waits until every vCPU stopped, destroying the domain on SIGINT/TERM. */
static void wait_domain(struct hv_domain *d)
{
	sigset_t set;
	unsigned done = 0;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	while (done < d->nr_vcpus) {
		struct pollfd p[2] = { { d->done_fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		uint64_t n;

		if (poll(p, sfd >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (p[0].revents && read(d->done_fd, &n, sizeof(n)) == sizeof(n))
			done += (unsigned)n;
		if (sfd >= 0 && p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				hv_domain_destroy(d, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
				for (unsigned i = 0; i < d->nr_vcpus; i++)
					hv_vcpu_kick(d->vcpus[i]);
			}
		}
	}
	if (sfd >= 0)
		close(sfd);
}

static void cleanup(struct run_ctx *c, const struct hv_run_opts *o)
{
	hv_kvm_vcpu_destroy(&c->vcpu);
	if (c->dom.nr_vcpus)
		hv_wait_fini(&c->vcpu);
	hv_kvm_vm_destroy(&c->dom);
	hv_kvm_close();
	hv_domain_fini(&c->dom);
	free(c->kernel);
	for (unsigned i = 0; i < o->nr_modules; i++)
		free((void *)c->mods[i].data);
}

int hv_run(const struct hv_run_opts *o)
{
	struct run_ctx *c = calloc(1, sizeof(*c));
	struct hv_watchdog wd;
	int status = HV_EXIT_ERROR, r;

	if (!c)
		return HV_EXIT_ERROR;
	c->vcpu.fd = -1;
	if ((r = hv_domain_init(&c->dom, RUN_DOMID, STDOUT_FILENO))) {
		hv_log(NULL, HV_LOG_ERROR, "cannot create domain: %s", strerror(-r));
		goto out;
	}
	if (read_inputs(c, o) || build_domain(c, o) || start_kvm(c))
		goto out;
	if ((r = hv_vcpu_signals_init()) || (r = hv_vcpu_start(&c->vcpu))) {
		hv_log(&c->dom, HV_LOG_ERROR, "cannot start vCPU 0: %s", strerror(-r));
		goto out;
	}
	if ((r = hv_watchdog_start(&wd, &c->dom, o->watchdog_ms)))
		hv_log(&c->dom, HV_LOG_WARN, "no watchdog: %s", strerror(-r));
	wait_domain(&c->dom);
	if (!r)
		hv_watchdog_stop(&wd);
	pthread_join(c->vcpu.thread, NULL);
	hv_console_flush(&c->dom.console);
	status = hv_domain_exit_status(&c->dom);
out:
	cleanup(c, o);
	free(c);
	return status;
}
