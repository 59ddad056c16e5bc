/* timer.c: nido_sleep_ms() on a single-shot timer: each vCPU binds its
 * VIRQ_TIMER once and waits in the event loop until its handler (run by
 * that vCPU's upcall) saw the timer fire. */
#include "nido.h"

static volatile int bound[PVABI_MAX_VCPUS];
static volatile int fired[PVABI_MAX_VCPUS];

static void on_timer(evtchn_port_t port, void *arg)
{
	(void)port;
	fired[(uintptr_t)arg] = 1;
}

long nido_timer_init_cpu(void)
{
	unsigned int cpu = pvabi_cpu_id();
	evtchn_port_t port = 0;
	long rc;

	if (bound[cpu])
		return 0;
	rc = pvabi_evtchn_bind_virq(VIRQ_TIMER, cpu, &port);
	if (rc == 0)
		rc = nido_event_bind(port, on_timer, (void *)(uintptr_t)cpu);
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

int nido_wait_count(volatile unsigned int *count, unsigned int want, unsigned long timeout_ms)
{
	unsigned int cpu = pvabi_cpu_id();
	uint64_t deadline = pvabi_time_ns() + timeout_ms * 1000000ull;

	if (nido_timer_init_cpu())
		return 0;
	fired[cpu] = 0;
	if (pvabi_singleshot_timer(deadline, 0))
		return __atomic_load_n(count, __ATOMIC_SEQ_CST) >= want;
	while (__atomic_load_n(count, __ATOMIC_SEQ_CST) < want && !fired[cpu])
		nido_event_wait();
	pvabi_stop_singleshot_timer();
	return __atomic_load_n(count, __ATOMIC_SEQ_CST) >= want;
}
