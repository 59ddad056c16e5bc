/* thread.c: `threads N`: N short threads spread over every vCPU. Each
 * secondary vCPU is started once and then runs a worker that halts in the
 * event loop until vCPU 0 kicks it (an IPI event channel bound to it, whose
 * handler runs on it); it runs its share of the threads and reports back
 * on vCPU 0's IPI channel. Threads run to completion one after another on
 * their vCPU (cooperative). */
#include "nido.h"

#define STACK_SIZE 16384
/* A vCPU that does not answer within this is reported, not waited for. */
#define DONE_TIMEOUT_MS 5000

static uint8_t stacks[PVABI_MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static evtchn_port_t kick_port[PVABI_MAX_VCPUS], done_port;
static volatile unsigned int job_threads, job_cpus, done_cpus, nr_started;
static volatile int kicked[PVABI_MAX_VCPUS];

static void run_share(unsigned int cpu)
{
	for (unsigned int i = cpu; i < job_threads; i += job_cpus)
		pvabi_printf("thread %u on vcpu %u\n", i, cpu);
}

static void on_kick(evtchn_port_t port, void *arg)
{
	(void)port;
	kicked[(uintptr_t)arg] = 1;
}

static void on_done(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

/* A secondary vCPU: pvabi already set up its upcall vector. */
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

long nido_cpus_start(void)
{
	unsigned int n = pvabi_vcpu_count();
	long rc;

	if (nr_started)
		return nr_started;
	if ((rc = pvabi_evtchn_bind_ipi(0, &done_port)) ||
	    (rc = nido_event_bind(done_port, on_done, NULL)))
		return rc;
	for (unsigned int cpu = 1; cpu < n; cpu++) {
		if ((rc = pvabi_evtchn_bind_ipi(cpu, &kick_port[cpu])) ||
		    (rc = nido_event_bind(kick_port[cpu], on_kick, (void *)(uintptr_t)cpu)) ||
		    (rc = pvabi_vcpu_start(cpu, worker, (void *)(uintptr_t)cpu,
					   stacks[cpu] + STACK_SIZE)))
			return rc;
	}
	nr_started = n;
	return n;
}

long nido_threads(unsigned int nthreads)
{
	long n = nido_cpus_start();

	if (n < 0)
		return n;
	job_threads = nthreads;
	job_cpus = (unsigned int)n;
	done_cpus = 0;
	for (unsigned int cpu = 1; cpu < (unsigned int)n; cpu++)
		nido_event_send(kick_port[cpu]);
	run_share(0);
	if (!nido_wait_count(&done_cpus, (unsigned int)n - 1, DONE_TIMEOUT_MS))
		return -XEN_ETIMEDOUT;
	return 0;
}
