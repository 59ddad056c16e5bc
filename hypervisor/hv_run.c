/* hv_run.c: `hospes-hv run`: build domain 1 from a kernel file (hv_build.c),
 * run its vCPUs, and wait for its end or for SIGINT/SIGTERM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "hv_build.h"
#include "hv_console_pump.h"
#include "hv_exit.h"
#include "hv_kvm.h"
#include "hv_run.h"
#include "hv_vcpu.h"

#define RUN_DOMID 1

/* Waits until the domain ended and its vCPU threads stopped, destroying it
 * on SIGINT/SIGTERM. */
static void wait_domain(struct hv_vm *vm)
{
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	while (!hv_build_reap(vm)) {
		struct pollfd p[2] = { { vm->dom.done_fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

		if (poll(p, sfd >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (sfd >= 0 && p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				hv_build_kill(vm, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		}
	}
	if (sfd >= 0)
		close(sfd);
}

static void run_cfg(struct hv_build_cfg *c, const struct hv_run_opts *o)
{
	*c = (struct hv_build_cfg){ .kernel = o->kernel, .mem = o->mem, .maxmem = o->maxmem,
				    .vcpus = o->vcpus ? o->vcpus : 1, .cmdline = o->cmdline,
				    .nr_modules = o->nr_modules, .watchdog_ms = o->watchdog_ms,
				    .xenstore = o->xenstore, .console = o->console_ring };
	for (unsigned i = 0; i < o->nr_modules; i++)
		c->modules[i] = o->modules[i];
}

int hv_run(const struct hv_run_opts *o)
{
	struct hv_build_cfg cfg;
	struct hv_vm *vm = NULL;
	struct hv_console_pump *pump = NULL;
	int status = HV_EXIT_ERROR;

	run_cfg(&cfg, o);
	if (hv_kvm_open() || hv_vcpu_signals_init() ||
	    hv_build_domain(&vm, RUN_DOMID, STDOUT_FILENO, &cfg))
		goto out;
	/* Console: the ring is served before the guest can write to it. */
	if (o->console_ring && hv_console_pump_start(&vm->dom, STDOUT_FILENO, STDIN_FILENO, &pump))
		goto free;
	if (!hv_build_start(vm)) {
		wait_domain(vm);
		hv_console_pump_stop(pump);
		pump = NULL;
		hv_console_flush(&vm->dom.console);
		status = hv_domain_exit_status(&vm->dom);
	}
free:
	hv_console_pump_stop(pump);
	hv_build_free(vm);
out:
	hv_kvm_close();
	return status;
}
