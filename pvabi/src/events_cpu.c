/* events_cpu.c: which vCPU handles which port. The hypervisor notifies one
 * vCPU per port (vCPU 0 unless bound elsewhere); pvabi keeps the same
 * routing in per-vCPU bitmaps so each vCPU's upcall takes only its own
 * ports. The EVTCHNOP wrappers that create, move or free a routing keep
 * the bitmaps in step with the hypervisor. */
#include "internal.h"

#define NR_PORTS EVTCHN_2L_NR_CHANNELS

uint64_t pvabi_evtchn_cpu_ports[PVABI_MAX_VCPUS][NR_PORTS / 64];
static uint8_t port_cpu[NR_PORTS]; /* the bit set for each port */
static int moved; /* a port went to a vCPU other than 0 since the last reset */

static void bit_set(uint64_t *w, unsigned int b)
{
	__atomic_or_fetch(w, 1ull << b, __ATOMIC_SEQ_CST);
}

static void bit_clear(uint64_t *w, unsigned int b)
{
	__atomic_and_fetch(w, ~(1ull << b), __ATOMIC_SEQ_CST);
}

void pvabi_evtchn_route_reset(void)
{
	/* Unless a port moved, only vCPU 0's row holds bits (at boot all is
	 * BSS zero): then one 512-byte fill, not 8 KiB of stores, each of
	 * which costs an emulated instruction on some hosts. */
	if (moved) {
		memset(pvabi_evtchn_cpu_ports, 0, sizeof(pvabi_evtchn_cpu_ports));
		memset(port_cpu, 0, sizeof(port_cpu));
		moved = 0;
	}
	memset(pvabi_evtchn_cpu_ports[0], 0xff, sizeof(pvabi_evtchn_cpu_ports[0]));
}

/* Routes port to cpu: set the new bit before clearing the old, so for a
 * moment both vCPUs may take it (take_pending picks one) and none misses
 * it. */
void pvabi_evtchn_set_cpu(evtchn_port_t port, unsigned int cpu)
{
	unsigned int old;

	if (port >= NR_PORTS || cpu >= PVABI_MAX_VCPUS)
		return;
	old = port_cpu[port];
	if (cpu)
		moved = 1;
	port_cpu[port] = (uint8_t)cpu;
	bit_set(&pvabi_evtchn_cpu_ports[cpu][port / 64], port % 64);
	if (old != cpu)
		bit_clear(&pvabi_evtchn_cpu_ports[old][port / 64], port % 64);
}

unsigned int pvabi_evtchn_cpu(evtchn_port_t port)
{
	return port < NR_PORTS ? port_cpu[port] : 0;
}

long pvabi_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long r = pvabi_event_channel_op(EVTCHNOP_bind_virq, &b);

	if (!r) {
		pvabi_evtchn_set_cpu(b.port, vcpu);
		*port = b.port;
	}
	return r;
}

long pvabi_evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };
	long r = pvabi_event_channel_op(EVTCHNOP_bind_ipi, &b);

	if (!r) {
		pvabi_evtchn_set_cpu(b.port, vcpu);
		*port = b.port;
	}
	return r;
}

/* As Linux: mask, move, unmask. The unmask goes to the hypervisor when the
 * port is pending, which re-raises it on the new vCPU; an event the old
 * vCPU was told about but had not taken is not lost. */
long pvabi_evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
	struct shared_info *s = pvabi_shared_info();
	int was_masked = 1;
	long r;

	if (s && port < NR_PORTS) {
		was_masked = (int)((s->evtchn_mask[port / 64] >> (port % 64)) & 1);
		pvabi_evtchn_mask(port);
	}
	r = pvabi_event_channel_op(EVTCHNOP_bind_vcpu, &b);
	if (!r)
		pvabi_evtchn_set_cpu(port, vcpu);
	if (!was_masked)
		pvabi_evtchn_unmask(port);
	return r;
}

/* A freed port is reallocated notifying vCPU 0 (Hospes and Xen). */
long pvabi_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };
	long r = pvabi_event_channel_op(EVTCHNOP_close, &c);

	if (!r)
		pvabi_evtchn_set_cpu(port, 0);
	return r;
}

long pvabi_evtchn_reset(void)
{
	struct evtchn_reset rs = { .dom = DOMID_SELF };
	long r = pvabi_event_channel_op(EVTCHNOP_reset, &rs);

	if (!r)
		pvabi_evtchn_route_reset();
	return r;
}
