/* sched.h: sched_op (hypercall 29) commands, argument structures and
 * shutdown reasons. Self-contained, used by both sides. SPEC.md §6. */
#ifndef PVABI_SCHED_H
#define PVABI_SCHED_H

#include <stdint.h>
#include "xen.h"

/* RDI = command, RSI = argument (guest pointer or NULL). */
#define SCHEDOP_yield 0           /* NULL */
#define SCHEDOP_block 1           /* NULL */
#define SCHEDOP_shutdown 2        /* struct sched_shutdown, IN */
#define SCHEDOP_poll 3            /* struct sched_poll, IN */
#define SCHEDOP_remote_shutdown 4 /* struct sched_remote_shutdown; privileged */
#define SCHEDOP_shutdown_code 5   /* struct sched_shutdown, IN */
#define SCHEDOP_watchdog 6        /* struct sched_watchdog, IN-OUT */
#define SCHEDOP_pin_override 7    /* struct sched_pin_override; dom0 only */

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5

struct sched_shutdown {
	uint32_t reason; /* IN: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");

struct sched_poll {
	PVABI_GUEST_HANDLE(uint32_t) ports; /* IN: array of nr_ports ports */
	uint32_t nr_ports;                  /* IN: at most SCHED_POLL_MAX_PORTS */
	uint32_t pad;
	uint64_t timeout; /* IN: absolute system time in ns, 0 = none */
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
_Static_assert(__builtin_offsetof(struct sched_poll, nr_ports) == 8, "nr_ports");
_Static_assert(__builtin_offsetof(struct sched_poll, timeout) == 16, "timeout");
#define SCHED_POLL_MAX_PORTS 128u

struct sched_remote_shutdown {
	domid_t domain_id; /* IN */
	uint16_t pad;
	uint32_t reason; /* IN */
};
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "remote_shutdown");

struct sched_watchdog {
	uint32_t id;      /* IN-OUT: 0 = create (returns the new id) */
	uint32_t timeout; /* IN: seconds, 0 = destroy */
};
_Static_assert(sizeof(struct sched_watchdog) == 8, "sched_watchdog");

#endif
