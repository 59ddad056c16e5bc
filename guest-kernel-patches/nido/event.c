/* event.c: nido's event loop. Each vCPU has a small table of event-channel
 * ports and handlers; nido_event_wait() scans the ports the hypervisor
 * marked pending, runs their handlers, and otherwise sleeps in
 * SCHEDOP_block. Events are consumed from shared_info directly (no upcall
 * vector): the guest clears evtchn_upcall_pending before scanning, so an
 * event arriving after the scan makes the next block return at once. */
#include <pvabi/event_channel.h>
#include <pvabi/memory.h>
#include <pvabi/shared_info.h>

#include "nido.h"

#define MAX_HANDLERS 4

struct handler {
	evtchn_port_t port;
	nido_event_fn *fn;
	void *arg;
};

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static volatile struct shared_info *shinfo;
static struct handler handlers[PVABI_MAX_VCPUS][MAX_HANDLERS];
static unsigned int nr_handlers[PVABI_MAX_VCPUS];

long nido_events_init(void)
{
	struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
					  .gpfn = (uintptr_t)shinfo_page >> 12 };
	long rc = pvabi_memory_op(XENMEM_add_to_physmap, &map);

	if (rc == 0) {
		shinfo = (volatile struct shared_info *)shinfo_page;
		pvabi_time_attach((const volatile struct shared_info *)shinfo_page);
	}
	return rc;
}

long nido_event_bind(unsigned int cpu, evtchn_port_t port, nido_event_fn *fn, void *arg)
{
	if (cpu >= PVABI_MAX_VCPUS || nr_handlers[cpu] >= MAX_HANDLERS)
		return -XEN_ENOSPC;
	handlers[cpu][nr_handlers[cpu]++] = (struct handler){ port, fn, arg };
	return 0;
}

static int test_and_clear(evtchn_port_t p)
{
	uint64_t bit = 1ull << (p % 64);

	return (__atomic_fetch_and(&shinfo->evtchn_pending[p / 64], ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}

/* Runs the handlers of this vCPU's pending ports; returns how many ran. */
static int scan(unsigned int cpu)
{
	volatile struct vcpu_info *vi = &shinfo->vcpu_info[cpu];
	int ran = 0;

	vi->evtchn_upcall_pending = 0;
	__atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < nr_handlers[cpu]; i++) {
		struct handler *h = &handlers[cpu][i];

		if (test_and_clear(h->port)) {
			h->fn(h->arg);
			ran++;
		}
	}
	return ran;
}

void nido_event_wait(void)
{
	unsigned int cpu = pvabi_cpu_id();

	while (!scan(cpu))
		pvabi_sched_op(SCHEDOP_block, NULL);
}

long nido_event_send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return pvabi_hypercall2(HYPERCALL_event_channel_op, EVTCHNOP_send, (unsigned long)&s);
}
