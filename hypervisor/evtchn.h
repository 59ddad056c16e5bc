/* evtchn.h: event channels (2-level ABI), a domain's shared_info page and
 * its vCPUs' vcpu_info, and the host-side API other parts of hospes-hv use
 * to raise events (timers raise VIRQ_TIMER with evtchn_raise_virq). */
#ifndef HOSPES_EVTCHN_H
#define HOSPES_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include <pvabi/event_channel.h>
#include <pvabi/hvm_op.h>
#include <pvabi/shared_info.h>

#include "hv.h"

/* Ports per domain: the whole 2-level space. Port 0 is never handed out. */
#define EVTCHN_MAX_PORTS EVTCHN_2L_NR_CHANNELS
#define EVTCHN_NO_GPFN UINT64_MAX

struct evtchn_dom0_ep;

/* Lock legend (in addition to hv.h's): [E] the domain's evtchn lock;
 * [E/A] written under [E], read lock-free with atomics; [K] the global link
 * lock (evtchn.c) serialises every change that touches two domains. Two
 * domains' [E] locks are held together only under [K]. */
struct evtchn_port {
	uint8_t state;         /* [E/A] EVTCHNSTAT_* */
	bool to_dom0;          /* [E] interdomain peer is a dom0 endpoint */
	_Atomic uint32_t vcpu; /* [E/A] vCPU notified */
	union {                /* [E] by state */
		domid_t remote_dom;        /* unbound: who may bind */
		uint32_t virq;             /* virq */
		struct evtchn_dom0_ep *ep; /* interdomain with dom0 */
		struct {
			struct hv_domain *dom; /* interdomain with a guest */
			evtchn_port_t port;
		} peer;
	} u;
};

struct evtchn_vcpu {
	_Atomic(struct vcpu_info *) info; /* [E/A] host pointer to its vcpu_info, or NULL */
	bool registered;                  /* [E] VCPUOP_register_vcpu_info done */
	/* Isolation: the guest frame holding the registered vcpu_info
	 * (EVTCHN_NO_GPFN while in shared_info). Written under [E] and the
	 * RAM maplock (read), read under that maplock (write) by the balloon,
	 * which must not give back a frame hospes-hv writes into. */
	_Atomic uint64_t info_gfn;
	_Atomic uint8_t vector;           /* [A] per-vCPU upcall vector, 0 = none */
	atomic_bool extint;               /* [A] type-2 callback owed before next entry */
	/* SMP events: the per-vCPU vector's MSI found the APIC software-
	 * disabled (KVM drops it, Xen would keep it in IRR): retried before
	 * each entry until it is accepted or no longer owed. */
	atomic_bool msi_owed;             /* [A] */
	evtchn_port_t virq[NR_VIRQS];     /* [E] bound VIRQ ports, 0 = none */
};

struct evtchn_domain {
	pthread_mutex_t lock;
	struct shared_info *shinfo; /* [I] host mapping of the shared_info page */
	int shinfo_fd;              /* [I] memfd holding that one page */
	uint64_t shinfo_gpfn;       /* [E] guest frame it is overlaid at, or EVTCHN_NO_GPFN */
	_Atomic uint32_t nr_ports;  /* [E/A] 1 + highest port ever allocated */
	struct evtchn_port *ports;  /* [E] EVTCHN_MAX_PORTS entries */
	_Atomic uint64_t callback;  /* [A] HVM_PARAM_CALLBACK_IRQ */
	uint64_t params[HVM_NR_PARAMS]; /* [E] HVM params (callback kept above) */
	struct evtchn_vcpu vcpu[HV_MAX_VCPUS];
};

/* ---- life cycle (evtchn.c) ---- */

/* Port table, shared_info page (vcpu_info of vCPUs 0..31 in it). Called by
 * hv_domain_init. 0 or -errno. */
int evtchn_domain_init(struct hv_domain *d);
/* Closes every port (peers see theirs become unbound) and frees it all.
 * Called by hv_domain_fini; safe on a domain whose init failed. */
void evtchn_domain_fini(struct hv_domain *d);
/* Closes every port of the domain (EVTCHNOP_reset, domain death). */
void evtchn_close_all(struct hv_domain *d);

/* ---- operations (evtchn.c); results are 0 or -errno (EINVAL, ENOSPC,
 * EEXIST, ENOENT, ESRCH, EPERM); their values equal Xen's ---- */

int evtchn_alloc_unbound(struct hv_domain *d, domid_t remote, evtchn_port_t *port);
/* remote may be the domain itself. Marks the new local port pending. */
int evtchn_bind_interdomain(struct hv_domain *d, domid_t remote, evtchn_port_t rport,
			    evtchn_port_t *port);
int evtchn_bind_virq(struct hv_domain *d, uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
int evtchn_bind_ipi(struct hv_domain *d, uint32_t vcpu, evtchn_port_t *port);
int evtchn_bind_vcpu(struct hv_domain *d, evtchn_port_t port, uint32_t vcpu);
int evtchn_send(struct hv_domain *d, evtchn_port_t port);
int evtchn_close(struct hv_domain *d, evtchn_port_t port);
int evtchn_status(struct hv_domain *d, evtchn_port_t port, struct evtchn_status *st);
int evtchn_unmask(struct hv_domain *d, evtchn_port_t port);

/* ---- host-side API for the rest of hospes-hv (any thread) ---- */

/* Makes port pending (2-level algorithm: selector, upcall, injection).
 * -EINVAL if the port is not in use. */
int evtchn_set_pending(struct hv_domain *d, evtchn_port_t port);
/* Raises virq on vcpu (global VIRQs: whichever vCPU they are bound to,
 * pass 0). -ENOENT if the guest has not bound it (the event is dropped, as
 * in Xen). */
int evtchn_raise_virq(struct hv_domain *d, uint32_t vcpu, uint32_t virq);
/* Lock-free (usable in hv_vcpu_wait predicates): 1 if port is pending, 0
 * if not, -EINVAL if the port was never allocated. */
int evtchn_port_pending(struct hv_domain *d, evtchn_port_t port);
/* Lock-free: the vCPU's evtchn_upcall_pending (SCHEDOP_block's wake-up). */
bool evtchn_upcall_pending(struct hv_domain *d, unsigned vcpu);
/* Where vcpu's vcpu_info is now (host pointer into shared_info or guest
 * RAM), NULL for a vCPU >= 32 before it registered one. Writers of its
 * time field (pvclock) re-read this after VCPUOP_register_vcpu_info. */
struct vcpu_info *evtchn_vcpu_info(struct hv_domain *d, unsigned vcpu);

/* ---- 2-level algorithm and vcpu_info (evtchn_2l.c) ---- */

/* Steps 1-2 of the algorithm for port p (no lock needed: atomics on the
 * shared page; the port's vCPU is read atomically). */
void evtchn_2l_set_pending(struct hv_domain *d, evtchn_port_t p);
/* Clears the mask and re-raises if pending. */
void evtchn_2l_unmask(struct hv_domain *d, evtchn_port_t p);
/* Sets evtchn_upcall_pending on vcpu and delivers the upcall on 0 -> 1. */
void evtchn_vcpu_mark_pending(struct hv_domain *d, unsigned vcpu);
/* VCPUOP_register_vcpu_info: moves vcpu's vcpu_info to guest frame gfn at
 * offset. 0, -EINVAL (crosses a page, misaligned, not RAM, twice). */
int evtchn_register_vcpu_info(struct hv_domain *d, unsigned vcpu, uint64_t gfn, uint32_t offset);

/* 1 if a frame in [lo, hi) holds the shared_info overlay or a registered
 * vcpu_info: hospes-hv writes there, so the balloon keeps it. Caller holds
 * d->mem.maplock for writing. */
bool evtchn_frames_in_use(struct hv_domain *d, uint64_t lo, uint64_t hi);

/* ---- HVM params (hc_hvm.c) ---- */

/* Host-side (toolstack) setter: any param, including STORE_PFN/EVTCHN and
 * CONSOLE_PFN/EVTCHN which guests only read. 0 or -EINVAL (index). */
int evtchn_hvm_param_set(struct hv_domain *d, uint32_t index, uint64_t value);
int evtchn_hvm_param_get(struct hv_domain *d, uint32_t index, uint64_t *value);

/* ---- shared_info overlay (physmap.c) ---- */

/* Maps the shared_info page at guest frame gpfn (a RAM frame), restoring
 * the RAM frame it covered before, if any. 0 or -EINVAL / -errno. */
int evtchn_shinfo_map(struct hv_domain *d, uint64_t gpfn);

#endif
