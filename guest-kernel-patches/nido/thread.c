/* thread.c: `threads N`: N short threads spread over every vCPU. Each
 * secondary vCPU is started once and then runs a worker that sleeps in the
 * event loop until vCPU 0 kicks it (an IPI event channel); it runs its
 * share of the threads and reports back on vCPU 0's IPI channel. Threads
 * run to completion one after another on their vCPU (cooperative). */
#include <pvabi/event_channel.h>

#include "nido.h"

#define STACK_SIZE 16384

static uint8_t stacks[PVABI_MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static evtchn_port_t kick_port[PVABI_MAX_VCPUS], done_port;
static volatile unsigned int job_threads, job_cpus, done_cpus, started;
static volatile int kicked[PVABI_MAX_VCPUS], done_flag;

static void run_share(unsigned int cpu)
{
	for (unsigned int i = cpu; i < job_threads; i += job_cpus)
		pvabi_printf("thread %u on vcpu %u\n", i, cpu);
}

static void on_kick(void *arg)
{
	kicked[(uintptr_t)arg] = 1;
}

static void on_done(void *arg)
{
	(void)arg;
	done_flag = 1;
}

static void worker(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	for (;;) {
		while (!kicked[cpu])
			nido_event_wait();
		kicked[cpu] = 0;
		run_share(cpu);
		__atomic_add_fetch(&done_cpus, 1, __ATOMIC_SEQ_CST);
		nido_event_send(done_port);
	}
}

static long bind_ipi(unsigned int cpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = cpu };
	long rc = pvabi_hypercall2(HYPERCALL_event_channel_op, EVTCHNOP_bind_ipi, (unsigned long)&b);

	*port = b.port;
	return rc;
}

/* Binds the IPI channels and starts vCPUs 1..n-1 the first time. */
static long start_workers(unsigned int n)
{
	long rc;

	if (started)
		return 0;
	if ((rc = bind_ipi(0, &done_port)) || (rc = nido_event_bind(0, done_port, on_done, NULL)))
		return rc;
	for (unsigned int cpu = 1; cpu < n; cpu++) {
		if ((rc = bind_ipi(cpu, &kick_port[cpu])) ||
		    (rc = nido_event_bind(cpu, kick_port[cpu], on_kick, (void *)(uintptr_t)cpu)) ||
		    (rc = pvabi_vcpu_start(cpu, worker, (void *)(uintptr_t)cpu, stacks[cpu] + STACK_SIZE)))
			return rc;
	}
	started = 1;
	return 0;
}

long nido_threads(unsigned int nthreads)
{
	unsigned int n = pvabi_vcpu_count();
	long rc;

	if (n == 0)
		n = 1;
	if ((rc = start_workers(n)))
		return rc;
	job_threads = nthreads;
	job_cpus = n;
	done_cpus = 0;
	for (unsigned int cpu = 1; cpu < n; cpu++)
		nido_event_send(kick_port[cpu]);
	run_share(0);
	while (__atomic_load_n(&done_cpus, __ATOMIC_SEQ_CST) < n - 1) {
		done_flag = 0;
		if (__atomic_load_n(&done_cpus, __ATOMIC_SEQ_CST) < n - 1)
			nido_event_wait();
	}
	return 0;
}
