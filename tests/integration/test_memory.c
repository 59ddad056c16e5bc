/* test_memory.c: memory_op and multicall conformance (the expectation
 * table is the authority, SPEC.md chapters 11 and 12), and ballooning
 * measured from the host: the balloon guest gives 32 MiB back and takes it
 * again, and the domain's RAM memfd must shrink and grow by as much; a
 * hostile guest never gets more host memory than its maximum. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const struct harness_check expected[] = {
	/* memory_op: reporting sub-ops (SPEC.md §11.2, §11.3) */
	{ "memory.current_reservation", "16384" },
	{ "memory.current_reservation_own_id", "16384" },
	{ "memory.current_reservation_other", "-3" },
	{ "memory.current_reservation_dom0", "-3" },
	{ "memory.current_reservation_domid_io", "-3" },
	{ "memory.current_reservation_bad_ptr", "-14" },
	{ "memory.current_reservation_continuation", "-22" },
	{ "memory.maximum_reservation", "18432" },
	{ "memory.maximum_reservation_other", "-3" },
	{ "memory.maximum_gpfn", "16383" },
	{ "memory.maximum_gpfn_bad_ptr", "-14" },
	{ "memory.maximum_ram_page", "16384" },
	{ "memory.memory_map", "0" },
	{ "memory.memory_map_entries", "1" },
	{ "memory.memory_map_0_addr", "0x0" },
	{ "memory.memory_map_0_size", "0x4000000" },
	{ "memory.memory_map_0_type", "1" },
	{ "memory.memory_map_1_untouched", "0xdead" },
	{ "memory.memory_map_no_room", "0" },
	{ "memory.memory_map_no_room_entries", "0" },
	{ "memory.memory_map_bad_arg", "-14" },
	{ "memory.memory_map_bad_buffer", "-14" },
	{ "memory.memory_map_readonly_buffer", "-14" },
	/* memory_op: sub-ops refused as on Xen for PVH (SPEC.md §11.1) */
	{ "memory.machphys_mapping", "-38" },
	{ "memory.machphys_mfn_list", "-38" },
	{ "memory.machine_memory_map", "-38" },
	{ "memory.exchange", "-38" },
	{ "memory.set_memory_map", "-38" },
	{ "memory.claim_pages", "-38" },
	{ "memory.op_63", "-38" },
	/* Reservations: bad requests do nothing (SPEC.md §11.4) */
	{ "memory.decrease_nr_0", "0" },
	{ "memory.decrease_bad_list", "0" },
	{ "memory.decrease_bad_arg", "0" },
	{ "memory.decrease_order_10", "0" },
	{ "memory.decrease_address_bits_12", "0" },
	{ "memory.decrease_too_many", "0" },
	{ "memory.decrease_other_domain", "0" },
	{ "memory.decrease_dom0", "0" },
	{ "memory.decrease_not_ram", "0" },
	{ "memory.decrease_past_ram", "0" },
	{ "memory.populate_present", "0" },
	{ "memory.current_unchanged", "16384" },
	/* Giving frames back (SPEC.md §11.4, §11.5) */
	{ "memory.decrease_own_id", "1" },
	{ "memory.decrease_partial", "2" },
	{ "memory.decrease_again", "0" },
	{ "memory.decrease_start_2", "3" },
	{ "memory.decrease_start_past_end", "5" },
	{ "memory.decrease_order_9", "2" },
	{ "memory.current_after_decrease", "1028" },
	/* Populating them again (SPEC.md §11.4) */
	{ "memory.populate_not_ram", "0" },
	{ "memory.populate_on_demand", "0" },
	{ "memory.populate_bad_list", "0" },
	{ "memory.populate_partial", "4" },
	{ "memory.populate_zeroed", "0" },
	{ "memory.populate_order_9", "2" },
	{ "memory.current_after_populate", "16384" },
	/* increase_reservation, the host budget (70M) before the maximum (72M) (SPEC.md §11.6) */
	{ "memory.increase_to_budget", "1536" },
	{ "memory.increase_full", "0" },
	{ "memory.current_after_increase", "17920" },
	{ "memory.decrease_two", "2" },
	{ "memory.increase_one", "1" },
	{ "memory.populate_over_budget", "1" },
	{ "memory.increase_order_10", "0" },
	/* multicall (SPEC.md §12) */
	{ "multicall.batch", "0" },
	{ "multicall.result_xen_version", "262161" },
	{ "multicall.result_current_reservation", "17920" },
	{ "multicall.result_console_io", "0" },
	{ "multicall.result_yield", "0" },
	{ "multicall.result_no_hypercall", "-38" },
	{ "multicall.result_nested", "-22" },
	{ "multicall.result_bad_argument", "-14" },
	{ "multicall.result_op_200", "-38" },
	{ "multicall.zero_entries", "0" },
	{ "multicall.bad_array", "-14" },
	{ "multicall.too_many", "-22" },
	{ "multicall.readonly_second_entry", "-14" },
	{ "multicall.first_result_stored", "262161" },
	{ "multicall.crosses_into_absent", "-14" },
	{ "multicall.nr_upper_bits", "0" },
	{ "multicall.nr_upper_bits_result", "262161" },
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

Test(memory, conformance_checks, .timeout = 120)
{
	const char *argv[] = { "run", harness_path("guests/conformance-memory.elf"), "--mem", "64M",
			       "--maxmem", "72M", "--host-mem", "70M", NULL };
	struct hv_run run;

	harness_require_kvm();
	run = harness_run(100, argv);
	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert_eq(run.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", run.status, run.out,
		     run.err);
	harness_assert_checks(run.out, expected, N_EXPECTED);
	cr_assert(harness_has_line(run.out, "multicall: console entry"), "%s", run.out);
	harness_free(&run);
}
