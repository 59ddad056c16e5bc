/* timer.c: nido_sleep_ms() on a single-shot timer: each vCPU binds its
 * VIRQ_TIMER once and waits in the event loop until the handler saw the
 * deadline pass. */
#include <pvabi/event_channel.h>

#include "nido.h"

static volatile int bound[PVABI_MAX_VCPUS];
static volatile int fired[PVABI_MAX_VCPUS];

static void on_timer(void *arg)
{
	fired[(uintptr_t)arg] = 1;
}

long nido_timer_init_cpu(void)
{
	unsigned int cpu = pvabi_cpu_id();
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = cpu };
	long rc;

	if (bound[cpu])
		return 0;
	rc = pvabi_hypercall2(HYPERCALL_event_channel_op, EVTCHNOP_bind_virq, (unsigned long)&b);
	if (rc == 0)
		rc = nido_event_bind(cpu, b.port, on_timer, (void *)(uintptr_t)cpu);
	bound[cpu] = rc == 0;
	return rc;
}

uint64_t nido_sleep_ms(unsigned long ms)
{
	unsigned int cpu = pvabi_cpu_id();
	uint64_t start = pvabi_time_ns(), deadline = start + ms * 1000000ull, now;

	if (nido_timer_init_cpu())
		return 0;
	while ((now = pvabi_time_ns()) < deadline) {
		fired[cpu] = 0;
		if (pvabi_singleshot_timer(deadline, 0))
			break;
		while (!fired[cpu])
			nido_event_wait();
	}
	return now - start;
}
