/* hv_build.h: building a domain (guest RAM, kernel, boot information, KVM VM
 * and all its vCPUs), running it and tearing it down. Used by `run` and by
 * the daemon; the caller opens KVM (hv_kvm_open) once before. */
#ifndef HOSPES_HV_BUILD_H
#define HOSPES_HV_BUILD_H

#include <stdint.h>

#include "bootinfo.h"
#include "elf_load.h"
#include "hv.h"
#include "hv_watchdog.h"

struct hv_build_cfg {
	const char *kernel;  /* ELF file path */
	uint64_t mem;        /* RAM bytes, multiple of 4 KiB, HV_MEM_MIN..HV_MEM_MAX */
	uint64_t maxmem;     /* maximum reservation in bytes (0 = mem) */
	unsigned vcpus;      /* 1..HV_MAX_VCPUS */
	const char *cmdline; /* NULL = empty */
	unsigned nr_modules;
	const char *modules[BOOTINFO_MAX_MODULES];
	unsigned watchdog_ms; /* 0 = HV_WATCHDOG_DEFAULT_MS */
	bool xenstore;        /* xenstore ring page and port (hv_store.h) */
	bool console;         /* console ring page and port (hv_console_ring.h) */
};

/* A built domain and everything it owns. dom is first so that a domain
 * pointer from the registry converts back. */
struct hv_vm {
	struct hv_domain dom;
	struct hv_vcpu vcpu[HV_MAX_VCPUS];
	struct elf_image img;
	struct bootinfo_result boot;
	struct hv_watchdog wd;
	bool wd_running;
	bool registered; /* in hv_registry (others find it by id) */
	bool started;
	unsigned threads_done; /* vCPU threads that ended (from dom.done_fd) */
};

/* Checks cfg (messages logged, -EINVAL), then builds domain id (and
 * registers it, -EEXIST if the id is taken) with its
 * console on console_fd (not closed by the builder). vCPU 0 gets the PVH
 * entry state; the others stay offline until VCPUOP_initialise + up.
 * Nothing runs yet. 0 or -errno; on error nothing is left allocated. */
int hv_build_domain(struct hv_vm **out, domid_t id, int console_fd,
		    const struct hv_build_cfg *cfg);

/* Starts vCPU 0's thread and the watchdog. 0 or -errno. */
int hv_build_start(struct hv_vm *vm);

/* Destroys the domain (state DESTROYED unless it already ended) and gets
 * every vCPU thread out of the guest. */
void hv_build_kill(struct hv_vm *vm, const char *why);

/* Call when dom.done_fd is readable (or to poll): returns true once the
 * domain has ended and every vCPU thread it started has stopped. */
bool hv_build_reap(struct hv_vm *vm);

/* Host CPU time used so far by the domain's vCPU threads, in ns. */
uint64_t hv_build_cpu_ns(struct hv_vm *vm);

/* Joins the vCPU threads (kill and reap first if it was started), stops
 * the watchdog and frees everything. */
void hv_build_free(struct hv_vm *vm);

#endif
