/* conformance-time: the time chapter (SPEC.md §9): PV clock, wall clock,
 * single-shot and periodic timers raising VIRQ_TIMER, set_timer_op, and
 * SCHEDOP_block/poll. Prints "CHECK time.<name> <value>" lines and
 * "CONFORMANCE DONE <n>". Command line: host_utc=<seconds> (the host's
 * time, for the wall-clock check); bench=<n> instead measures the
 * lateness of n 1 ms single-shot timers and prints one line. */
#include "ctime.h"

/* The page shared_info is mapped over (its RAM frame is given up). */
static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));

volatile struct shared_info *ct_shinfo;
volatile struct vcpu_info *ct_vcpu;
evtchn_port_t ct_timer_port;

static long setup(void)
{
	struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
					  .idx = 0, .gpfn = (uintptr_t)shinfo_page >> 12 };
	struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
	long rc = pvabi_memory_op(XENMEM_add_to_physmap, &map);

	if (rc)
		return rc;
	ct_shinfo = (volatile struct shared_info *)shinfo_page;
	ct_vcpu = &ct_shinfo->vcpu_info[0];
	pvabi_time_attach((const volatile struct shared_info *)shinfo_page);
	rc = pvabi_hypercall2(HYPERCALL_event_channel_op, EVTCHNOP_bind_virq, (unsigned long)&bind);
	ct_timer_port = bind.port;
	return rc;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long bench = pvabi_cmdline_num(boot->cmdline, "bench", -1);
	long rc = setup();

	if (bench > 0) {
		if (rc)
			pvabi_panic("conformance-time: setup failed: %ld", rc);
		ct_bench((unsigned int)bench);
		return;
	}
	conf_init();
	conf_check("time.setup", rc);
	if (rc == 0) {
		ct_clock_checks(pvabi_cmdline_num(boot->cmdline, "host_utc", -1));
		ct_timer_checks();
	}
	conf_done();
}
