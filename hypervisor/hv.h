/* hv.h: hospes-hv's central types (domain, vCPU, guest RAM), logging and the
 * guest-memory API. Everything except hv_kvm.c sees only this header. */
#ifndef HOSPES_HV_H
#define HOSPES_HV_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pvabi/xen.h>

#include "hv_bootacct.h"
#include "hv_timer.h"

#define HV_PAGE_SIZE 4096ull
#define HV_PAGE_MASK (~(HV_PAGE_SIZE - 1))

/* Guest-physical layout: RAM below the 32-bit hole, the rest above 4 GiB. */
#define HV_LOWMEM_MAX (3ull << 30)
#define HV_HIGHMEM_BASE (4ull << 30)
#define HV_MEM_MIN (2ull << 20)
#define HV_MEM_MAX (512ull << 30)
#define HV_MEM_MAX_RANGES 2
#define HV_MAX_VCPUS 8

/* ---- logging (hv_log.c) ---- */

enum hv_log_level { HV_LOG_ERROR, HV_LOG_WARN, HV_LOG_INFO, HV_LOG_DEBUG };

struct hv_domain;

/* Messages at or below this level are printed (default HV_LOG_INFO). */
extern enum hv_log_level hv_log_threshold;

/* One line to stderr: "hospes-hv: HH:MM:SS.mmm dom<N>: <message>" (the
 * "dom<N>: " part only when dom is not NULL). Thread-safe: one write(). */
void hv_log(const struct hv_domain *dom, enum hv_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void hv_vlog(const struct hv_domain *dom, enum hv_log_level level, const char *fmt, va_list ap);
/* Logs each '\n'-separated line of text as its own log line. */
void hv_log_lines(const struct hv_domain *dom, enum hv_log_level level, const char *text);

/* ---- guest RAM (gmem_ram.c) ---- */

struct hv_mem_range {
	uint64_t gpa;
	uint64_t size;
};

/* The guest-physical address space is one reserved host VA range: GPA g
 * lives at base + g. RAM ranges are the memfd mapped MAP_SHARED|MAP_FIXED
 * into it; the rest stays PROT_NONE. Immutable after creation. */
struct hv_mem {
	uint8_t *base;
	uint64_t span; /* bytes reserved at base */
	uint64_t size; /* total RAM bytes */
	unsigned nr_ranges;
	struct hv_mem_range ranges[HV_MEM_MAX_RANGES];
	int fd; /* memfd backing the RAM, -1 if none */

	/* Ballooning (hv_balloon.c): frames the guest gave back are unmapped
	 * (PROT_NONE) and their memfd pages punched out. absent has one bit per
	 * frame of [0, span), set while the frame is given back (atomic reads;
	 * written under the domain's balloon lock); NULL until set up.
	 * maplock is held shared by gmem_* accesses and exclusively while
	 * frames are unmapped, so no copy ever touches a vanished page. */
	_Atomic(uint64_t) *absent;
	_Atomic(uint64_t) nr_absent; /* frames given back */
	pthread_rwlock_t maplock;

	/* Grant tables (gnttab_map.c): one bit per frame of [0, span) that
	 * carries another domain's granted page; gmem_* refuses those frames
	 * (a readonly one is not writable on the host). Written under the
	 * maplock's write side; NULL until the first grant mapping. */
	_Atomic(uint64_t) *gntmapped;
	_Atomic(uint64_t) nr_gntmapped;
};

/* Fills nr_ranges/ranges/size/span for size bytes of RAM (pure). */
void gmem_ram_layout(struct hv_mem *m, uint64_t size);
/* memfd + VA reservation + mappings. Returns 0 or -errno. */
int gmem_ram_create(struct hv_mem *m, uint64_t size, const char *name);
void gmem_ram_destroy(struct hv_mem *m);
/* Host pointer for [gpa, gpa + len) if it lies inside one RAM range, else
 * NULL. len 0 is treated as 1. Overflow-safe. */
void *gmem_gpa_ptr(const struct hv_mem *m, uint64_t gpa, uint64_t len);
/* Zeroes [gpa, gpa + len), which gmem_gpa_ptr accepts: whole pages are
 * given back to the memfd (they read as zeros and cost no host memory
 * until touched), the partial pages at the ends are cleared. */
void gmem_ram_zero(const struct hv_mem *m, uint64_t gpa, uint64_t len);

/* ---- console output (hv_console.c) ---- */

#define HV_CONSOLE_LINE 256

/* The domain's console output (stdout in run mode). The 0xE9 port is line
 * buffered; console_io writes flush that line first, then go out whole. */
struct hv_console {
	pthread_mutex_t lock; /* protects everything below */
	int fd;
	size_t len;
	char line[HV_CONSOLE_LINE];
};

void hv_console_init(struct hv_console *c, int fd);
void hv_console_write(struct hv_console *c, const void *buf, size_t len);
void hv_console_putc(struct hv_console *c, char ch);
void hv_console_flush(struct hv_console *c);

/* ---- domains and vCPUs (hv_domain.c) ---- */

/* What runs a domain's vCPUs: KVM, or Hospes's software CPU (hv_emu.c)
 * where /dev/kvm is missing. hv_kvm.c dispatches on it; nothing else
 * needs to care. AUTO is only a request (KVM if /dev/kvm opens). */
enum hv_accel { HV_ACCEL_KVM, HV_ACCEL_EMU, HV_ACCEL_AUTO };

struct hv_emu_vcpu;

enum hv_dom_state {
	HV_DOM_RUNNING,
	HV_DOM_SHUTDOWN,  /* guest asked (SCHEDOP_shutdown) */
	HV_DOM_FAULT,     /* hypervisor-detected guest fault */
	HV_DOM_DESTROYED, /* killed from outside (signal, later the toolstack) */
	HV_DOM_ERROR,     /* hospes-hv itself failed */
};

struct hv_vcpu;
struct evtchn_domain;
struct gnttab;

/* Lock legend: [I] immutable after creation; [L] dom->lock; [A] atomic;
 * [C] console.lock; [V] only the domain's vCPU threads; [R] the registry
 * lock (hv_registry.c). */
struct hv_domain {
	domid_t id;               /* [I] */
	uint8_t uuid[16];         /* [I] random at creation (XENVER_guest_handle) */
	struct hv_mem mem;        /* [I] */
	int vm_fd;                /* [I] KVM VM, -1 without KVM */
	enum hv_accel accel;      /* [I] KVM or EMU, set when the VM is created */
	/* [A] bumped whenever what backs guest-physical memory changes
	 * (balloon, grant maps, add_to_physmap): software CPUs drop their
	 * cached translations (hv_kvm_mem_changed). */
	_Atomic(uint64_t) mem_gen;
	struct hv_console console; /* [C] */

	pthread_mutex_t lock;
	pthread_cond_t cond;        /* [L] signalled on state changes (wakes HLT) */
	enum hv_dom_state state;    /* [L] */
	int shutdown_reason;        /* [L] SHUTDOWN_* once state == SHUTDOWN */
	int shutdown_code;          /* [L] SCHEDOP_shutdown_code, -1 if none */
	char fault[512];            /* [L] reason once state == FAULT/ERROR */
	atomic_bool dying;          /* [A] vCPUs must leave KVM_RUN and stop */
	atomic_bool destroyed;      /* [A] destroy was asked: no new references
	                             * (hv_registry.c); a domain that only ended
	                             * keeps memory, grants and ports until then */
	int done_fd;                /* [I] eventfd, written when the last vCPU stops */

	uint64_t time_base_ns;      /* [I] host CLOCK_MONOTONIC at creation (hv_time.h) */
	unsigned refs;              /* [R] references from hv_domain_get (hv_registry.c) */

	unsigned nr_vcpus;                   /* [I] */
	struct hv_vcpu *vcpus[HV_MAX_VCPUS]; /* [I] */
	uint8_t pio_logged[65536 / 8];       /* [V] ports already logged once */

	/* SMP and pause (hv_smp.c). smp_ops starts and kicks vCPU threads (the
	 * builder's KVM-backed ops; fakes in unit tests). */
	const struct hv_smp_ops *smp_ops; /* [I] */
	unsigned smp_threads;             /* [L] vCPU threads started */
	atomic_bool paused;               /* [L] written, [A] read: vCPUs park */

	/* Memory reservation (hv_balloon.c); all [B] = balloon_lock. */
	pthread_mutex_t balloon_lock;
	bool mem_accounted;     /* [B] hv_mem_domain_init done, charged to the host */
	uint64_t mem_cur_pages; /* [B] Xen's tot_pages */
	uint64_t mem_max_pages; /* [B] Xen's max_pages */
	unsigned mem_holes;     /* [B] runs of given-back frames */

	/* Events (evtchn.h): ports, shared_info, vcpu_info, upcalls, HVM
	 * params; its own lock legend. Created by hv_domain_init. */
	struct evtchn_domain *evtchn; /* [I] */

	/* Xenstore page (hv_store.c): the ring frame and its port, 0 = none.
	 * Set by the builder before anything runs. */
	uint64_t store_gpfn;  /* [I] */
	uint32_t store_port;  /* [I] */

	/* Console ring page (hv_console_ring.c): frame and port, 0 = none.
	 * Set by the builder before anything runs. */
	uint64_t console_gpfn; /* [I] */
	uint32_t console_port; /* [I] */

	/* Grant tables (gnttab.h): the table, its pins and this domain's
	 * mappings of others' grants; own locks. Created by hv_domain_init. */
	struct gnttab *gnttab; /* [I] */

	/* Boot accounting (hv_bootacct.h): build time, and the split of the
	 * time to the first console output; its own atomics. */
	struct hv_bootacct boot;
};

/* One thread per vCPU. regs/sregs point into kvm_run's sync area (or, in
 * unit tests, at plain structs): they hold the state of the last exit and
 * are what hypercall handlers and the guest-memory walker use. */
struct hv_vcpu {
	struct hv_domain *dom;    /* [I] */
	unsigned id;              /* [I] */
	int fd;                   /* [I] vCPU fd, -1 without KVM */
	struct hv_emu_vcpu *emu;  /* [I] software CPU state (hv_emu.c), NULL on KVM */
	struct kvm_run *run;      /* [I] */
	size_t run_size;          /* [I] */
	struct kvm_regs *regs;    /* [V] */
	struct kvm_sregs *sregs;  /* [V] */
	bool stop;                /* [V] do not re-enter the guest */
	pthread_t thread;         /* [I] once started */
	atomic_bool in_run;       /* [A] inside KVM_RUN (watchdog) */
	atomic_uint_fast64_t exits; /* [A] KVM_RUN returns (watchdog) */
	uint64_t wd_seen;         /* watchdog thread only */
	uint64_t cpu_ns_final;    /* [L] the thread's CPU time when it ended */
	bool thread_ended;        /* [L] cpu_ns_final is valid; the thread is gone */
	pthread_mutex_t wait_lock; /* hv_wait.c: a sleeping vCPU and its wakers */
	pthread_cond_t wait_cond;  /* [wait_lock] */

	/* SMP (hv_smp.c): Xen's "initialised" and "down" vCPU flags. */
	bool smp_initialised;       /* [L] has a start state (vCPU 0 from boot) */
	bool smp_started;           /* [L] its thread exists */
	bool smp_apply_start;       /* [L] the thread loads smp_regs/sregs first */
	atomic_bool smp_down;       /* [L] written, [A] read by its loop: offline */
	struct kvm_regs smp_regs;   /* [L] start state from VCPUOP_initialise */
	struct kvm_sregs smp_sregs; /* [L] */

	/* Time (hv_vtime.c): PV clock and timers; [T] = the timer lock. */
	struct hv_vtime vtime; /* [T] */
	struct hv_bootacct_vcpu boot; /* [V] boot accounting (hv_bootacct.c) */
};

/* How hv_smp.c starts a vCPU thread and gets a vCPU out of KVM_RUN. */
struct hv_smp_ops {
	int (*start)(struct hv_vcpu *v); /* called with dom->lock held */
	void (*kick)(struct hv_vcpu *v);
};

/* What backs guest-physical memory changed (balloon, grant map/unmap,
 * add_to_physmap): software CPUs drop their cached translations before
 * they next run guest code (KVM follows host mappings by itself). */
static inline void hv_mem_changed(struct hv_domain *d)
{
	atomic_fetch_add_explicit(&d->mem_gen, 1, memory_order_release);
}

int hv_domain_init(struct hv_domain *d, domid_t id, int console_fd);
void hv_domain_fini(struct hv_domain *d);
/* State transitions; the first one wins. All wake waiters. */
void hv_domain_shutdown(struct hv_domain *d, int reason);
void hv_domain_record_code(struct hv_domain *d, int reason);
void hv_domain_fault(struct hv_domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hv_domain_error(struct hv_domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hv_domain_destroy(struct hv_domain *d, const char *why);
/* Exit status of `hospes-hv run` for the domain's final state (hv_exit.h). */
int hv_domain_exit_status(struct hv_domain *d);
const char *hv_shutdown_reason_name(int reason);

/* ---- guest memory access (gmem_walk.c, gmem.c): the only way in ---- */

#define GMEM_READ 0
#define GMEM_WRITE 1

/* Guest-virtual -> guest-physical through the guest's page tables, as a
 * supervisor data access. Sets A (and D for writes). 0 or -EFAULT. */
int gmem_translate(struct hv_vcpu *v, uint64_t gva, int access, uint64_t *gpa);
/* 0, or -EFAULT if any byte is inaccessible (a copy to the guest may have
 * written the bytes before the fault). */
int gmem_copy_from_guest(struct hv_vcpu *v, void *dst, uint64_t gva, size_t len);
int gmem_copy_to_guest(struct hv_vcpu *v, uint64_t gva, const void *src, size_t len);
/* Copies a NUL-terminated string of at most size - 1 chars; returns its
 * length, -EFAULT, or -ENAMETOOLONG if no NUL within size bytes. */
long gmem_strncpy_from_guest(struct hv_vcpu *v, char *dst, uint64_t gva, size_t size);
/* Up to len bytes of code at CS:RIP (stops at the first inaccessible byte);
 * returns the count, 0 if none is readable. */
size_t gmem_fetch_code(struct hv_vcpu *v, uint8_t *buf, size_t len);

#endif
