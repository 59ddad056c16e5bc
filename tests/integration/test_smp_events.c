/* test_smp_events.c: event channels across vCPUs. The conformance-smp
 * guest (--vcpus 4) takes upcalls on every vCPU and records which vCPU ran
 * each handler: IPIs reach exactly their vCPU (also AP to AP and in a
 * burst), halted and SCHEDOP_block-ed APs are woken, bind_vcpu moves an
 * interdomain port (also while pending and masked), VIRQ_TIMER fires on
 * its own vCPU, events for an offline vCPU wait for it, an upcall refused
 * by a software-disabled APIC is delivered later, and the error cases
 * return Xen's errnos. This table is the authority (SPEC.md §8, §10).
 * nido's `ipi` shell command pings every vCPU the same way. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const struct harness_check expected[] = {
	/* Set-up (SPEC.md §8.4, §10.3) */
	{ "smp_ev.vcpus", "4" },
	{ "smp_ev.events_init", "0" },
	{ "smp_ev.bind_pong", "0" },
	{ "smp_ev.bind_watchdog", "0" },
	/* Error cases (SPEC.md §8.3, §8.5) */
	{ "err.bind_ipi_no_vcpu", "-2" },
	{ "err.bind_ipi_vcpu_8", "-2" },
	{ "err.bind_ipi_huge_vcpu", "-2" },
	{ "err.bind_virq_timer_no_vcpu", "-2" },
	{ "err.bind_virq_global_on_ap", "-22" },
	{ "err.bind_virq_timer_twice", "-17" },
	{ "err.upcall_vector_no_vcpu", "-2" },
	/* Offline vCPUs: binding succeeds, events wait for the vCPU (SPEC.md §8.4) */
	{ "offline.bind_ipi", "0" },
	{ "offline.ipi_status", "5" },
	{ "offline.ipi_status_vcpu", "2" },
	{ "offline.bind_virq_timer", "0" },
	{ "offline.timer_status", "4" },
	{ "offline.timer_status_vcpu", "1" },
	/* Error cases (SPEC.md §8.3, §8.5) */
	{ "err.bind_vcpu_ipi", "-22" },
	{ "err.bind_vcpu_ipi_still_on", "2" },
	{ "err.bind_vcpu_per_vcpu_virq", "-22" },
	{ "err.bind_vcpu_no_vcpu", "-2" },
	{ "err.bind_vcpu_huge_vcpu", "-2" },
	{ "err.bind_vcpu_port_0", "-22" },
	{ "err.bind_vcpu_never_allocated", "-22" },
	{ "err.bind_vcpu_closed", "-22" },
	{ "err.bind_vcpu_closed_no_vcpu", "-2" },
	/* bind_vcpu on unbound and global-VIRQ ports (SPEC.md §8.3) */
	{ "move.unbound_alloc", "0" },
	{ "move.unbound_to_offline", "0" },
	{ "move.unbound_status_vcpu", "2" },
	{ "move.unbound_routed", "2" },
	{ "move.closed_routed_to_0", "0" },
	{ "move.global_virq_bind", "0" },
	{ "move.global_virq_to_offline", "0" },
	{ "move.global_virq_status_vcpu", "3" },
	/* Offline vCPUs: binding succeeds, events wait for the vCPU (SPEC.md §8.4) */
	{ "offline.bind_ipi_3", "0" },
	{ "offline.bind_vcpu_interdomain_3", "0" },
	{ "offline.send_ipi", "0" },
	{ "offline.send_interdomain", "0" },
	{ "offline.ipi_pending", "1" },
	{ "offline.interdomain_pending", "1" },
	{ "offline.not_delivered", "0" },
	{ "offline.start_1", "0" },
	{ "offline.start_2", "0" },
	{ "offline.start_3", "0" },
	{ "offline.delivered_after_up", "1" },
	{ "offline.ipi_on", "3" },
	{ "offline.ipi_hits", "1" },
	{ "offline.interdomain_on", "3" },
	{ "offline.interdomain_hits", "1" },
	/* IPIs: each runs on its vCPU, AP to AP, in a burst (SPEC.md §8.4) */
	{ "ipi.bind_all", "0" },
	{ "ipi.to_0.done", "1" },
	{ "ipi.to_0.on", "0" },
	{ "ipi.to_0.hits", "1" },
	{ "ipi.to_1.done", "1" },
	{ "ipi.to_1.on", "1" },
	{ "ipi.to_1.hits", "1" },
	{ "ipi.to_2.done", "1" },
	{ "ipi.to_2.on", "2" },
	{ "ipi.to_2.hits", "1" },
	{ "ipi.to_3.done", "1" },
	{ "ipi.to_3.on", "3" },
	{ "ipi.to_3.hits", "1" },
	{ "ipi.chain_done", "1" },
	{ "ipi.chain_first_on", "1" },
	{ "ipi.chain_second_on", "2" },
	{ "ipi.burst_done", "1" },
	{ "ipi.burst_right_vcpus", "1" },
	{ "ipi.burst_hits", "3" },
	/* Halted and blocked APs woken (SPEC.md §9.5) */
	{ "wake.blocked_ap_blocked", "1" },
	{ "wake.halted_ap_never_blocked", "0" },
	/* bind_vcpu moving an interdomain port, also while pending (SPEC.md §8.3) */
	{ "move.initial_event", "1" },
	{ "move.to_2", "0" },
	{ "move.to_2_status_vcpu", "2" },
	{ "move.to_2_done", "1" },
	{ "move.to_2_on", "2" },
	{ "move.to_1", "0" },
	{ "move.to_1_done", "1" },
	{ "move.to_1_on", "1" },
	{ "move.to_0", "0" },
	{ "move.to_0_done", "1" },
	{ "move.to_0_on", "0" },
	{ "move.masked_pending", "1" },
	{ "move.masked_to_3", "0" },
	{ "move.masked_not_delivered", "0" },
	{ "move.unmask_done", "1" },
	{ "move.unmask_on", "3" },
	{ "move.unmask_hits", "1" },
	/* VIRQ_TIMER on its own vCPU (SPEC.md §9.4) */
	{ "timer.bind_each", "0" },
	{ "timer.1.done", "1" },
	{ "timer.1.on", "1" },
	{ "timer.2.done", "1" },
	{ "timer.2.on", "2" },
	{ "timer.3.done", "1" },
	{ "timer.3.on", "3" },
	/* An upcall refused by a software-disabled APIC is owed (SPEC.md §8.4) */
	{ "apic.send_while_disabled", "0" },
	{ "apic.not_yet", "0" },
	{ "apic.delivered_after_enable", "1" },
	{ "apic.delivered_on", "0" },
};

Test(smp_events, conformance_4_vcpus)
{
	const char *const argv[] = { "run", harness_path("guests/conformance-smp.elf"), "--mem",
				     "64M", "--vcpus", "4", NULL };
	struct hv_run r;

	harness_require_kvm();
	r = harness_run(60, argv);
	cr_assert_eq(r.timed_out, 0, "hung:\n%s\n%s", r.out, r.err);
	cr_assert_eq(r.status, 0, "status %d:\n%s\n%s", r.status, r.out, r.err);
	harness_assert_checks(r.out, expected, sizeof(expected) / sizeof(expected[0]));
	harness_free(&r);
}

/* nido's `ipi`: one receipt per vCPU, each on its own vCPU, also after
 * `threads` has used the same vCPUs, and twice in a row. */
Test(smp_events, nido_ipi_every_vcpu)
{
	const char *const argv[] = { "run", harness_path("guests/nido.elf"), "--mem", "64M",
				     "--vcpus", "4", "--cmdline",
				     "script=ipi; threads 4; ipi; poweroff", NULL };
	struct hv_run r;
	const char *s;
	char line[64];
	int n = 0;

	harness_require_kvm();
	r = harness_run(60, argv);
	cr_assert_eq(r.timed_out, 0, "hung:\n%s\n%s", r.out, r.err);
	cr_assert_eq(r.status, 0, "status %d:\n%s\n%s", r.status, r.out, r.err);
	for (unsigned k = 0; k < 4; k++) {
		snprintf(line, sizeof(line), "ipi: vcpu %u received 1 on vcpu %u", k, k);
		cr_assert(harness_has_line(r.out, line), "missing '%s':\n%s", line, r.out);
	}
	for (s = r.out; (s = strstr(s, "\nipi: 4 of 4 vcpus answered\n")); s++)
		n++;
	cr_assert_eq(n, 2, "both pings answered by all 4 vCPUs:\n%s", r.out);
	cr_assert(!strstr(r.out, "received 0"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "threads: 4 done"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "nido: shutting down (poweroff)"), "%s", r.out);
	harness_free(&r);
}
