/* ipi.c: `ipi`: vCPU 0 pings every vCPU (itself included) once through an
 * IPI event channel bound to it. Each handler runs on the vCPU the port is
 * bound to, records which vCPU it ran on, and answers on vCPU 0's pong
 * channel; vCPU 0 then prints one receipt line per vCPU. */
#include "nido.h"

#define PONG_TIMEOUT_MS 5000

static evtchn_port_t ping_port[PVABI_MAX_VCPUS], pong_port;
static volatile unsigned int received[PVABI_MAX_VCPUS], ran_on[PVABI_MAX_VCPUS];
static volatile unsigned int answers;
static int bound;

static void on_ping(evtchn_port_t port, void *arg)
{
	unsigned int target = (unsigned int)(uintptr_t)arg;

	(void)port;
	ran_on[target] = pvabi_cpu_id();
	received[target]++;
	__atomic_add_fetch(&answers, 1, __ATOMIC_SEQ_CST);
	nido_event_send(pong_port);
}

static void on_pong(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

static long bind_all(unsigned int n)
{
	long rc;

	if (bound)
		return 0;
	if ((rc = pvabi_evtchn_bind_ipi(0, &pong_port)) ||
	    (rc = nido_event_bind(pong_port, on_pong, NULL)))
		return rc;
	for (unsigned int cpu = 0; cpu < n; cpu++)
		if ((rc = pvabi_evtchn_bind_ipi(cpu, &ping_port[cpu])) ||
		    (rc = nido_event_bind(ping_port[cpu], on_ping, (void *)(uintptr_t)cpu)))
			return rc;
	bound = 1;
	return 0;
}

long nido_ipi(void)
{
	long n = nido_cpus_start(), rc;
	unsigned int got = 0;

	if (n < 0)
		return n;
	if ((rc = bind_all((unsigned int)n)))
		return rc;
	answers = 0;
	for (unsigned int cpu = 0; cpu < (unsigned int)n; cpu++) {
		received[cpu] = 0;
		ran_on[cpu] = ~0u;
	}
	for (unsigned int cpu = 0; cpu < (unsigned int)n; cpu++)
		if ((rc = nido_event_send(ping_port[cpu])))
			return rc;
	nido_wait_count(&answers, (unsigned int)n, PONG_TIMEOUT_MS);
	for (unsigned int cpu = 0; cpu < (unsigned int)n; cpu++) {
		if (received[cpu])
			pvabi_printf("ipi: vcpu %u received %u on vcpu %u\n", cpu, received[cpu],
				     ran_on[cpu]);
		else
			pvabi_printf("ipi: vcpu %u received 0\n", cpu);
		got += received[cpu] == 1 && ran_on[cpu] == cpu;
	}
	pvabi_printf("ipi: %u of %ld vcpus answered\n", got, n);
	return 0;
}
