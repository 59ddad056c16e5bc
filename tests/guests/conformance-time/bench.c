/* bench.c: lateness of 1 ms single-shot timers: arm, block until
 * VIRQ_TIMER is pending, read the PV clock. Mean and 99th percentile. */
#include "ctime.h"

#define MAX_N 1024

static uint64_t late[MAX_N];

void ct_bench(unsigned int n)
{
	uint64_t sum = 0;

	if (n > MAX_N)
		n = MAX_N;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t deadline = ct_now() + MS;

		pvabi_singleshot_timer(deadline, 0);
		pvabi_sched_op(SCHEDOP_block, NULL);
		uint64_t now = ct_now();
		ct_ack();
		late[i] = now > deadline ? now - deadline : 0;
		sum += late[i];
	}
	for (unsigned int i = 1; i < n; i++) { /* insertion sort: n is small */
		uint64_t v = late[i];
		unsigned int j = i;

		for (; j > 0 && late[j - 1] > v; j--)
			late[j] = late[j - 1];
		late[j] = v;
	}
	pvabi_printf("timer_lateness_mean_ns %lu p99_ns %lu n %u\n", sum / n,
		     late[(n * 99 + 99) / 100 - 1], n);
}
