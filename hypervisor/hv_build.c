/* hv_build.c: the domain builder shared by `run` and the daemon: config
 * checks, guest RAM, ELF, boot info, the KVM VM and its vCPUs; start, kill,
 * reap and free. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv_balloon.h"
#include "hv_build.h"
#include "hv_kvm.h"
#include "hv_registry.h"
#include "hv_smp.h"
#include "hv_console_ring.h"
#include "hv_store.h"
#include "hv_time.h"
#include "hv_util.h"
#include "hv_vcpu.h"
#include "hv_vtime.h"
#include "hv_wait.h"

static const struct hv_smp_ops kvm_smp_ops = { hv_vcpu_start, hv_vcpu_kick };

static int check_cfg(const struct hv_build_cfg *c)
{
	const char *bad = NULL;

	if (!c->kernel || !*c->kernel)
		bad = "no kernel file";
	else if (c->mem % HV_PAGE_SIZE || c->mem < HV_MEM_MIN || c->mem > HV_MEM_MAX)
		bad = "memory size not a multiple of 4 KiB in 2M..512G";
	else if (c->maxmem && (c->maxmem < c->mem || c->maxmem > HV_MEM_MAX))
		bad = "maximum memory below the memory size or above 512G";
	else if (c->vcpus < 1 || c->vcpus > HV_MAX_VCPUS)
		bad = "vCPU count not in 1..8";
	else if (c->nr_modules > BOOTINFO_MAX_MODULES)
		bad = "too many modules";
	if (bad)
		hv_log(NULL, HV_LOG_ERROR, "cannot build domain: %s", bad);
	return bad ? -EINVAL : 0;
}

/* Kernel, modules and boot information into guest RAM; no KVM. */
static int load_images(struct hv_vm *vm, const struct hv_build_cfg *c)
{
	struct bootinfo_module mods[BOOTINFO_MAX_MODULES] = { 0 };
	struct bootinfo_req req = { c->cmdline, c->nr_modules, mods, 0, 0, c->xenstore,
				    c->console };
	struct hv_domain *d = &vm->dom;
	uint8_t *kernel = NULL;
	size_t size;
	char err[512];
	int r;

	if ((r = hv_read_file(c->kernel, &kernel, &size))) {
		hv_log(d, HV_LOG_ERROR, "cannot read kernel %s: %s", c->kernel, strerror(-r));
		return r;
	}
	if ((r = elf_load(c->kernel, kernel, size, &d->mem, &vm->img, err, sizeof(err)))) {
		hv_log(d, HV_LOG_ERROR, "%s", err);
		goto out;
	}
	for (unsigned i = 0; i < c->nr_modules; i++) {
		uint8_t *data;

		if ((r = hv_read_file(c->modules[i], &data, &size))) {
			hv_log(d, HV_LOG_ERROR, "cannot read module %s: %s", c->modules[i],
			       strerror(-r));
			goto out;
		}
		mods[i] = (struct bootinfo_module){ c->modules[i], data, size };
	}
	req.kernel_lo = vm->img.lo;
	req.kernel_hi = vm->img.hi;
	if ((r = bootinfo_build(&d->mem, &req, &vm->boot, err, sizeof(err))))
		hv_log(d, HV_LOG_ERROR, "%s", err);
	else if (c->xenstore)
		r = hv_store_setup(d, vm->boot.store_gpa);
	if (!r && c->console) /* console */
		r = hv_console_ring_setup(d, vm->boot.console_gpa);
out:
	free(kernel);
	for (unsigned i = 0; i < c->nr_modules; i++)
		free((void *)mods[i].data);
	return r;
}

static int make_memory(struct hv_vm *vm, const struct hv_build_cfg *c)
{
	struct hv_domain *d = &vm->dom;
	char name[32];
	int r;

	snprintf(name, sizeof(name), "hospes-dom%u", d->id);
	if ((r = gmem_ram_create(&d->mem, c->mem, name))) {
		hv_log(d, HV_LOG_ERROR, "cannot allocate %llu bytes of guest RAM: %s",
		       (unsigned long long)c->mem, strerror(-r));
		return r;
	}
	if ((r = hv_mem_domain_init(d, c->maxmem)))
		hv_log(d, HV_LOG_ERROR, "cannot account %llu bytes of guest RAM (maximum %llu): %s",
		       (unsigned long long)c->mem, (unsigned long long)c->maxmem, strerror(-r));
	return r;
}

static int make_kvm(struct hv_vm *vm, unsigned nr)
{
	struct hv_domain *d = &vm->dom;
	int r;

	if ((r = hv_kvm_vm_create(d)))
		return r;
	for (unsigned i = 0; i < nr; i++) {
		struct hv_vcpu *v = &vm->vcpu[i];

		if ((r = hv_kvm_vcpu_create(v)))
			return r;
	}
	hv_smp_init(d, &kvm_smp_ops);
	return hv_kvm_vcpu_boot(&vm->vcpu[0], vm->img.entry, vm->boot.start_info);
}

int hv_build_domain(struct hv_vm **out, domid_t id, int console_fd,
		    const struct hv_build_cfg *c)
{
	uint64_t t0 = hv_monotonic_ns(), t1, t2, t3;
	struct hv_vm *vm;
	int r;

	*out = NULL;
	if ((r = check_cfg(c)))
		return r;
	if (!(vm = calloc(1, sizeof(*vm))))
		return -ENOMEM;
	if ((r = hv_domain_init(&vm->dom, id, console_fd))) {
		hv_log(NULL, HV_LOG_ERROR, "cannot create domain %u: %s", id, strerror(-r));
		free(vm);
		return r;
	}
	/* Every vCPU exists from the start (fd -1 until created), so cleanup
	 * and the registry see a consistent domain whatever fails below. */
	for (unsigned i = 0; i < c->vcpus; i++) {
		vm->vcpu[i] = (struct hv_vcpu){ .dom = &vm->dom, .id = i, .fd = -1 };
		hv_wait_init(&vm->vcpu[i]);
		vm->dom.vcpus[i] = &vm->vcpu[i];
	}
	vm->dom.nr_vcpus = c->vcpus;
	vm->wd.period_ms = c->watchdog_ms ? c->watchdog_ms : HV_WATCHDOG_DEFAULT_MS;
	r = make_memory(vm, c);
	t1 = hv_monotonic_ns();
	if (!r)
		r = load_images(vm, c);
	t2 = hv_monotonic_ns();
	if (!r)
		r = make_kvm(vm, c->vcpus);
	t3 = hv_monotonic_ns();
	if (!r)
		r = hv_registry_add(&vm->dom);
	if (r) {
		hv_build_free(vm);
		return r;
	}
	vm->registered = true;
	vm->dom.boot.build_ns = hv_monotonic_ns() - t0;
	/* Each step measured: where a create's time goes (--verbose). */
	hv_log(&vm->dom, HV_LOG_DEBUG,
	       "built in %llu us: memory %llu us, images %llu us, KVM VM and vCPUs %llu us",
	       (unsigned long long)(vm->dom.boot.build_ns / 1000),
	       (unsigned long long)((t1 - t0) / 1000), (unsigned long long)((t2 - t1) / 1000),
	       (unsigned long long)((t3 - t2) / 1000));
	hv_log(&vm->dom, HV_LOG_INFO,
	       "kernel %s loaded at [0x%llx, 0x%llx), entry 0x%llx, %llu MiB, %u vCPU%s", c->kernel,
	       (unsigned long long)vm->img.lo, (unsigned long long)vm->img.hi,
	       (unsigned long long)vm->img.entry, (unsigned long long)(c->mem >> 20), c->vcpus,
	       c->vcpus > 1 ? "s" : "");
	*out = vm;
	return 0;
}

int hv_build_start(struct hv_vm *vm)
{
	int r;

	hv_bootacct_start(&vm->dom);
	if ((r = hv_smp_start_boot(&vm->dom))) {
		hv_log(&vm->dom, HV_LOG_ERROR, "cannot start vCPU 0: %s", strerror(-r));
		return r;
	}
	vm->started = true;
	if ((r = hv_watchdog_start(&vm->wd, &vm->dom, vm->wd.period_ms)))
		hv_log(&vm->dom, HV_LOG_WARN, "no watchdog: %s", strerror(-r));
	vm->wd_running = !r;
	return 0;
}

void hv_build_kill(struct hv_vm *vm, const char *why)
{
	struct hv_domain *d = &vm->dom;

	hv_domain_destroy(d, why);
	/* set_state woke the sleepers; threads inside KVM_RUN need a kick.
	 * No thread can start once the domain is dying (hv_smp_up). */
	pthread_mutex_lock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i]->smp_started)
			hv_vcpu_kick(d->vcpus[i]);
	pthread_mutex_unlock(&d->lock);
}

bool hv_build_reap(struct hv_vm *vm)
{
	struct hv_domain *d = &vm->dom;
	uint64_t n;
	bool over;

	struct pollfd p = { d->done_fd, POLLIN, 0 };

	/* done_fd blocks on read: only read what is there. */
	if (poll(&p, 1, 0) == 1 && read(d->done_fd, &n, sizeof(n)) == sizeof(n))
		vm->threads_done += (unsigned)n;
	pthread_mutex_lock(&d->lock);
	over = atomic_load(&d->dying) && vm->threads_done >= d->smp_threads;
	pthread_mutex_unlock(&d->lock);
	return over;
}

uint64_t hv_build_cpu_ns(struct hv_vm *vm)
{
	struct hv_domain *d = &vm->dom;
	uint64_t ns = 0;

	pthread_mutex_lock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct timespec t;
		clockid_t clk;

		if (d->vcpus[i]->thread_ended)
			ns += d->vcpus[i]->cpu_ns_final;
		else if (d->vcpus[i]->smp_started &&
		    !pthread_getcpuclockid(d->vcpus[i]->thread, &clk) &&
		    !clock_gettime(clk, &t))
			ns += (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
	}
	pthread_mutex_unlock(&d->lock);
	return ns;
}

void hv_build_free(struct hv_vm *vm)
{
	struct hv_domain *d = &vm->dom;

	if (vm->registered)
		hv_registry_remove(d);
	if (vm->wd_running)
		hv_watchdog_stop(&vm->wd);
	/* Time (hv_vtime.c): no timer may fire into a vCPU being torn down
	 * (an expiry wakes every vCPU of the domain). */
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		hv_vtime_fini(&vm->vcpu[i]);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		if (vm->vcpu[i].smp_started)
			pthread_join(vm->vcpu[i].thread, NULL);
		hv_kvm_vcpu_destroy(&vm->vcpu[i]);
		hv_wait_fini(&vm->vcpu[i]);
	}
	hv_kvm_vm_destroy(d);
	hv_domain_fini(d);
	free(vm);
}
