/* conformance-smp: event channels across vCPUs (run with --vcpus 4).
 * Every vCPU takes upcalls on its own vector (pvabi_vcpu_start sets it
 * up); handlers record which vCPU ran them. Checks IPIs to each vCPU and
 * between APs, EVTCHNOP_bind_vcpu moving an interdomain port, VIRQ_TIMER
 * on its own vCPU, halted and blocked APs being woken, events for an
 * offline vCPU delivered once it is up, and the error cases. Expected
 * values: tests/integration/test_smp_events.c. */
#include "smpev.h"

#define STACK_SIZE 8192

volatile unsigned int sev_hits[SMPEV_PORTS], sev_where[SMPEV_PORTS];
volatile unsigned int sev_cpu_hits[PVABI_MAX_VCPUS], sev_blocks[PVABI_MAX_VCPUS];
volatile evtchn_port_t sev_relay[SMPEV_PORTS];
volatile int sev_arm_timer[PVABI_MAX_VCPUS];
evtchn_port_t sev_pong;
volatile unsigned int sev_pongs;

static uint8_t stacks[PVABI_MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static int idle_block[PVABI_MAX_VCPUS];
static evtchn_port_t watchdog; /* VIRQ_TIMER of vCPU 0 */
static volatile int watchdog_fired;

void sev_handler(evtchn_port_t port, void *arg)
{
	unsigned int cpu = pvabi_cpu_id();

	(void)arg;
	sev_cpu_hits[cpu]++;
	if (port >= SMPEV_PORTS)
		return;
	sev_hits[port]++;
	sev_where[port] = cpu + 1;
	if (port == sev_pong) {
		/* only a wake-up: sends from several vCPUs merge into one event */
	} else if (port == watchdog) {
		watchdog_fired = 1;
	} else if (sev_arm_timer[cpu]) {
		sev_arm_timer[cpu] = 0;
		pvabi_hypercall1(HYPERCALL_set_timer_op, 1); /* past: fires at once */
	} else if (sev_relay[port]) {
		if (sev_relay[port] == sev_pong)
			__atomic_add_fetch(&sev_pongs, 1, __ATOMIC_SEQ_CST);
		pvabi_evtchn_send(sev_relay[port]);
	}
}

int sev_wait_pongs(unsigned int want)
{
	watchdog_fired = 0;
	pvabi_hypercall1(HYPERCALL_set_timer_op, pvabi_time_ns() + SMPEV_TIMEOUT_NS);
	while (sev_pongs < want && !watchdog_fired)
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	pvabi_hypercall1(HYPERCALL_set_timer_op, 0);
	return sev_pongs >= want;
}

/* An AP: its upcall vector is already set; it idles with interrupts on
 * between waits, so its handlers run on it. */
static void ap_idle(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;

	for (;;) {
		if (idle_block[id]) {
			pvabi_sched_op(SCHEDOP_block, NULL);
			sev_blocks[id]++;
			/* The upcall is owed: hlt with IF=1 takes it at once. */
		}
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
}

long sev_start(unsigned int id, int block)
{
	idle_block[id] = block;
	return pvabi_vcpu_start(id, ap_idle, (void *)(uintptr_t)id, stacks[id] + STACK_SIZE);
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	(void)boot;
	conf_init();
	conf_check("smp_ev.vcpus", pvabi_vcpu_count());
	conf_check("smp_ev.events_init", pvabi_events_init(SMPEV_VECTOR));
	pvabi_time_attach(pvabi_shared_info());
	conf_check("smp_ev.bind_pong", pvabi_evtchn_bind_ipi(0, &sev_pong));
	pvabi_evtchn_bind_handler(sev_pong, sev_handler, NULL);
	conf_check("smp_ev.bind_watchdog", pvabi_evtchn_bind_virq(VIRQ_TIMER, 0, &watchdog));
	pvabi_evtchn_bind_handler(watchdog, sev_handler, NULL);
	sev_errors();  /* before any AP runs: vCPUs 1..3 offline */
	sev_offline(); /* binds to vCPU 3 while offline, starts 1 and 2 */
	sev_ipis();
	sev_move();
	sev_timers();
	sev_apic();
	conf_done();
}
