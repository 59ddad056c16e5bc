/* test_events.c: the event-channel conformance guest exercises every
 * EVTCHNOP, hvm_op, the shared_info overlay and vcpu_info registration with
 * good and bad arguments, and checks upcall delivery in both modes (the
 * domain-wide callback vector without EOI, three times in a row; the
 * per-vCPU vector with EOI), exactly-once delivery after unmask, and a
 * halted vCPU woken by an upcall. This table is the authority (SPEC.md §8).
 * Guest<->dom0 channels (through the daemon) are in test_events_dom0.c;
 * channels between two guests are covered by the unit tests
 * (test_evtchn.c) with two in-memory domains. */
#include <criterion/criterion.h>

#include "harness.h"

static const struct harness_check expected[] = {
	/* hvm_op (SPEC.md §8.5) */
	{ "hvm.get_callback_unset", "0" },
	{ "hvm.callback_unset_value", "0" },
	{ "hvm.get_store_pfn", "0" },
	{ "hvm.store_pfn_value", "0" },
	{ "hvm.console_evtchn_own_id", "0" },
	{ "hvm.set_store_pfn", "-1" },
	{ "hvm.get_out_of_range", "-22" },
	{ "hvm.set_out_of_range", "-22" },
	{ "hvm.get_other_domain", "-1" },
	{ "hvm.set_callback_bad_type", "-22" },
	{ "hvm.set_callback_low_vector", "-22" },
	{ "hvm.get_bad_pointer", "-14" },
	{ "hvm.upcall_vector_no_vcpu", "-2" },
	{ "hvm.upcall_vector_too_low", "-22" },
	{ "hvm.get_time_monotonic", "1" },
	{ "hvm.get_time_bad_pointer", "-14" },
	{ "hvm.pagetable_dying", "-38" },
	{ "hvm.unknown", "-38" },
	/* Upcalls: domain-wide callback vector, no EOI (SPEC.md §8.4) */
	{ "callback.init", "0" },
	{ "callback.param", "0x2000000000000f2" },
	{ "callback.bind_ipi", "0" },
	{ "callback.first", "1" },
	{ "callback.second_without_eoi", "2" },
	{ "callback.third", "3" },
	/* Upcalls: per-vCPU vector with EOI (SPEC.md §8.4) */
	{ "vector.init", "0" },
	{ "vector.bind_ipi", "0" },
	{ "vector.first", "1" },
	{ "vector.second", "2" },
	/* Masking and unmask re-delivery (SPEC.md §8.3) */
	{ "mask.send", "0" },
	{ "mask.not_delivered", "0" },
	{ "mask.pending", "1" },
	{ "mask.delivered_once_after_unmask", "1" },
	{ "mask.pending_after", "0" },
	{ "mask.still_once_after_second_unmask", "1" },
	/* Interdomain loop within the domain (SPEC.md §8.3) */
	{ "loop.alloc_unbound", "0" },
	{ "loop.bind_interdomain", "0" },
	{ "loop.binder_pending", "1" },
	{ "loop.initial_event", "1" },
	{ "loop.b_to_a", "1" },
	{ "loop.a_to_b", "2" },
	{ "loop.close", "0" },
	{ "loop.send_now_unbound", "0" },
	{ "loop.not_delivered", "0" },
	/* event_channel_op (SPEC.md §8.3) */
	{ "bind_virq.timer", "0" },
	{ "bind_virq.port_nonzero", "1" },
	{ "bind_virq.twice", "-17" },
	{ "bind_virq.global_on_vcpu1", "-22" },
	{ "bind_virq.out_of_range", "-22" },
	{ "bind_virq.no_vcpu", "-2" },
	{ "bind_ipi.no_vcpu", "-2" },
	{ "bind_virq.close", "0" },
	{ "alloc_unbound.other_domain", "-1" },
	{ "alloc_unbound.bad_pointer", "-14" },
	{ "status.unbound", "0" },
	{ "status.unbound_state", "1" },
	{ "status.unbound_dom", "0" },
	{ "status.virq_state", "4" },
	{ "status.virq_virq", "1" },
	{ "status.virq_vcpu", "0" },
	{ "status.ipi_state", "5" },
	{ "status.interdomain_state", "2" },
	{ "status.interdomain_dom", "1" },
	{ "status.interdomain_port_is_peer", "1" },
	{ "status.port0", "0" },
	{ "status.port0_state", "0" },
	{ "status.never_allocated", "-22" },
	{ "status.other_domain", "-1" },
	{ "status.bad_pointer", "-14" },
	{ "bind_vcpu.ipi", "-22" },
	{ "bind_vcpu.interdomain", "0" },
	{ "bind_vcpu.no_vcpu", "-2" },
	{ "bind_vcpu.bad_port", "-22" },
	{ "send.unbound", "0" },
	{ "send.virq", "-22" },
	{ "close.unbound", "0" },
	{ "close.twice", "-22" },
	{ "send.closed", "-22" },
	{ "close.port0", "-22" },
	{ "status.closed_state", "0" },
	{ "bind_interdomain.not_unbound", "-22" },
	{ "bind_interdomain.no_domain", "-3" },
	{ "reset.other_domain", "-1" },
	{ "reset.self", "0" },
	{ "reset.ports_closed", "0" },
	{ "send.port0", "-22" },
	{ "send.out_of_range", "-22" },
	{ "send.huge", "-22" },
	{ "send.bad_pointer", "-14" },
	{ "unmask.out_of_range", "-22" },
	{ "bind_pirq", "-38" },
	{ "init_control", "-38" },
	{ "expand_array", "-38" },
	{ "set_priority", "-38" },
	{ "unknown", "-38" },
	/* shared_info overlay (SPEC.md §8.2) */
	{ "physmap.bad_idx", "-22" },
	{ "physmap.grant_table", "-22" }, /* a v2 status frame (§14.2) */
	{ "physmap.unknown_space", "-22" },
	{ "physmap.beyond_ram", "-22" },
	{ "physmap.other_domain", "-3" },
	{ "physmap.bad_pointer", "-14" },
	{ "physmap.move", "0" },
	{ "physmap.same_page", "0x5a5a" },
	{ "physmap.move_back", "0" },
	{ "physmap.spare_is_ram_again", "0x0" },
	/* vcpu_info (SPEC.md §8.2) */
	{ "vcpu_info.crosses_page", "-22" },
	{ "vcpu_info.misaligned", "-22" },
	{ "vcpu_info.not_ram", "-22" },
	{ "vcpu_info.no_vcpu", "-2" },
	{ "vcpu_info.register", "0" },
	{ "vcpu_info.upcall_pending", "1" },
	{ "vcpu_info.pending_sel", "0xffffffffffffffff" },
	{ "vcpu_info.twice", "-22" },
	{ "vcpu_info.rescanned", "0" },
	{ "vcpu_info.delivery_after_move", "1" },
	/* HLT woken by an upcall (SPEC.md §8.4) */
	{ "hlt.bind_virq_timer", "0" },
	{ "hlt.set_timer", "0" },
	{ "hlt.woken_by_upcall", "1" },
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static struct hv_run run;

static void boot(void)
{
	harness_require_kvm();
	run = harness_boot("conformance-events", "64M", NULL);
}

static void done(void)
{
	harness_free(&run);
}

TestSuite(events, .init = boot, .fini = done, .timeout = 120);

Test(events, guest_completes_and_powers_off)
{
	cr_assert(!run.timed_out, "guest hung (an upcall was lost?); stderr:\n%s", run.err);
	cr_assert_eq(run.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", run.status, run.out,
		     run.err);
}

Test(events, every_check_has_the_specified_result)
{
	harness_assert_checks(run.out, expected, N_EXPECTED);
}
