/* event_channel.h: event_channel_op (hypercall 32) commands and argument
 * structures, port states, VIRQ numbers and the 2-level ABI limits.
 * Self-contained, used by both sides. SPEC.md §8 "Event channels". */
#ifndef PVABI_EVENT_CHANNEL_H
#define PVABI_EVENT_CHANNEL_H

#include <stdint.h>
#include "xen.h"

typedef uint32_t evtchn_port_t;

/* RDI = command, RSI = pointer to the command's structure. */
#define EVTCHNOP_bind_interdomain 0 /* struct evtchn_bind_interdomain */
#define EVTCHNOP_bind_virq 1        /* struct evtchn_bind_virq */
#define EVTCHNOP_bind_pirq 2        /* struct evtchn_bind_pirq (no PIRQs: -ENOSYS) */
#define EVTCHNOP_close 3            /* struct evtchn_close */
#define EVTCHNOP_send 4             /* struct evtchn_send */
#define EVTCHNOP_status 5           /* struct evtchn_status */
#define EVTCHNOP_alloc_unbound 6    /* struct evtchn_alloc_unbound */
#define EVTCHNOP_bind_ipi 7         /* struct evtchn_bind_ipi */
#define EVTCHNOP_bind_vcpu 8        /* struct evtchn_bind_vcpu */
#define EVTCHNOP_unmask 9           /* struct evtchn_unmask */
#define EVTCHNOP_reset 10           /* struct evtchn_reset */
#define EVTCHNOP_init_control 11    /* FIFO ABI: not offered (-ENOSYS) */
#define EVTCHNOP_expand_array 12    /* FIFO ABI: not offered (-ENOSYS) */
#define EVTCHNOP_set_priority 13    /* FIFO ABI: not offered (-ENOSYS) */

/* Port states reported by EVTCHNOP_status. */
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5

/* VIRQs: per-vCPU ones may be bound once per vCPU; global ones ("G") only
 * on vCPU 0 (then movable with EVTCHNOP_bind_vcpu). */
#define VIRQ_TIMER 0      /* per-vCPU: single-shot / periodic timer */
#define VIRQ_DEBUG 1      /* per-vCPU */
#define VIRQ_CONSOLE 2    /* G, dom0 */
#define VIRQ_DOM_EXC 3    /* G, dom0 */
#define VIRQ_TBUF 4       /* G */
#define VIRQ_DEBUGGER 6   /* G */
#define VIRQ_XENOPROF 7   /* per-vCPU */
#define VIRQ_CON_RING 8   /* G */
#define VIRQ_PCPU_STATE 9 /* G */
#define VIRQ_MEM_EVENT 10 /* G */
#define VIRQ_ARGO 11      /* G */
#define VIRQ_ENOMEM 12    /* G */
#define VIRQ_XENPMU 13    /* per-vCPU */
#define VIRQ_ARCH_0 16
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/* 2-level ABI: 64 words of 64 bits in shared_info (shared_info.h). */
#define EVTCHN_2L_BITS_PER_WORD 64u
#define EVTCHN_2L_NR_WORDS 64u
#define EVTCHN_2L_NR_CHANNELS (EVTCHN_2L_BITS_PER_WORD * EVTCHN_2L_NR_WORDS) /* 4096 */

struct evtchn_alloc_unbound {
	domid_t dom;          /* IN: DOMID_SELF (or the caller's own id) */
	domid_t remote_dom;   /* IN: the domain allowed to bind (DOMID_SELF = caller) */
	evtchn_port_t port;   /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(__builtin_offsetof(struct evtchn_alloc_unbound, remote_dom) == 2, "remote_dom");
_Static_assert(__builtin_offsetof(struct evtchn_alloc_unbound, port) == 4, "port");

struct evtchn_bind_interdomain {
	domid_t remote_dom;        /* IN (DOMID_SELF = caller) */
	uint16_t pad;
	evtchn_port_t remote_port; /* IN: unbound, with remote_dom = caller */
	evtchn_port_t local_port;  /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "remote_port");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, local_port) == 8, "local_port");

struct evtchn_bind_virq {
	uint32_t virq;      /* IN: VIRQ_* */
	uint32_t vcpu;      /* IN */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(__builtin_offsetof(struct evtchn_bind_virq, port) == 8, "port");

struct evtchn_bind_pirq {
	uint32_t pirq;      /* IN */
	uint32_t flags;     /* IN: bit 0 BIND_PIRQ__WILL_SHARE */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "bind_pirq");

struct evtchn_bind_ipi {
	uint32_t vcpu;      /* IN */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi");

struct evtchn_close {
	evtchn_port_t port; /* IN */
};
_Static_assert(sizeof(struct evtchn_close) == 4, "close");

struct evtchn_send {
	evtchn_port_t port; /* IN */
};
_Static_assert(sizeof(struct evtchn_send) == 4, "send");

struct evtchn_status {
	domid_t dom;        /* IN: DOMID_SELF or own id */
	uint16_t pad;
	evtchn_port_t port; /* IN */
	uint32_t status;    /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;      /* OUT: the vCPU notified */
	union {             /* OUT, by status */
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			uint16_t pad;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "status");
_Static_assert(__builtin_offsetof(struct evtchn_status, port) == 4, "port");
_Static_assert(__builtin_offsetof(struct evtchn_status, status) == 8, "status");
_Static_assert(__builtin_offsetof(struct evtchn_status, vcpu) == 12, "vcpu");
_Static_assert(__builtin_offsetof(struct evtchn_status, u) == 16, "u");
_Static_assert(__builtin_offsetof(struct evtchn_status, u.interdomain.port) == 20, "u.port");

struct evtchn_bind_vcpu {
	evtchn_port_t port; /* IN */
	uint32_t vcpu;      /* IN */
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "bind_vcpu");

struct evtchn_unmask {
	evtchn_port_t port; /* IN */
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "unmask");

struct evtchn_reset {
	domid_t dom; /* IN: DOMID_SELF or own id */
};
_Static_assert(sizeof(struct evtchn_reset) == 2, "reset");

struct evtchn_init_control {
	uint64_t control_gfn; /* IN */
	uint32_t offset;      /* IN */
	uint32_t vcpu;        /* IN */
	uint8_t link_bits;    /* OUT */
	uint8_t pad[7];
};
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control");

struct evtchn_expand_array {
	uint64_t array_gfn; /* IN */
};
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "expand_array");

struct evtchn_set_priority {
	evtchn_port_t port; /* IN */
	uint32_t priority;  /* IN */
};
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "set_priority");

#endif
