/* test_smp.c: the smp guest brings up every vCPU (--vcpus 1, 2, 3, 8) with
 * VCPUOP_initialise + VCPUOP_up, each AP reports its id, vCPU 1 goes down
 * and comes back up, and vcpu_op's error cases return Xen's errnos. This
 * table is the authority for the results (SPEC.md §10). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* Checks reported whatever the vCPU count. */
static const struct harness_check always[] = {
	{ "smp.bsp_id", "0" },
	{ "vcpu_op.unknown", "-38" },
	{ "vcpu_op.is_up_self", "1" },
	{ "vcpu_op.is_up_out_of_range", "-2" },
	{ "vcpu_op.is_up_huge_id", "-2" },
	{ "vcpu_op.up_out_of_range", "-2" },
	{ "vcpu_op.down_out_of_range", "-2" },
	{ "vcpu_op.initialise_out_of_range", "-2" },
	{ "vcpu_op.initialise_self", "-17" },
	{ "vcpu_op.up_self", "0" },
	{ "smp.start_result", "0" },
	{ "smp.all_reported", "1" },
	{ "smp.bad_ids", "0" },
	{ "smp.bsp_id_after", "0" },
};

/* Checks that need a second vCPU. */
static const struct harness_check with_aps[] = {
	{ "vcpu_op.ap_is_up_before", "0" },
	{ "vcpu_op.up_uninitialised", "-22" },
	{ "vcpu_op.initialise_bad_pointer", "-14" },
	{ "vcpu_op.initialise_bad_mode", "-22" },
	{ "vcpu_op.initialise_64_no_lme", "-22" },
	{ "vcpu_op.initialise_64_cr3_outside_ram", "-22" },
	{ "vcpu_op.initialise_64_noncanonical_rip", "-22" },
	{ "vcpu_op.initialise_32_data_cs", "-22" },
	{ "vcpu_op.initialise_32_absent_ss", "-22" },
	{ "vcpu_op.ap_is_up_after_errors", "0" },
	{ "vcpu_op.initialise_twice", "-17" },
	{ "vcpu_op.ap_went_down", "1" },
	{ "vcpu_op.up_again", "0" },
	{ "vcpu_op.resumed", "1" },
	{ "vcpu_op.ap_down_at_end", "1" },
};

#define NA (sizeof(always) / sizeof(always[0]))
#define NB (sizeof(with_aps) / sizeof(with_aps[0]))

static void run_smp(unsigned n)
{
	static char vals[3][16];
	struct harness_check rows[NA + NB + 3];
	char vcpus[8], line[64];
	size_t k = 0;

	harness_require_kvm();
	snprintf(vcpus, sizeof(vcpus), "%u", n);
	const char *const argv[] = { "run", harness_path("guests/smp.elf"), "--mem", "32M",
				     "--vcpus", vcpus, NULL };
	struct hv_run r = harness_run(120, argv);

	cr_assert(!r.timed_out, "guest hung; stdout:\n%s\nstderr:\n%s", r.out, r.err);
	/* The last online vCPU going down powers the domain off (Xen). */
	cr_assert_eq(r.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
	cr_assert(strstr(r.err, "last online vCPU 0 taken down: poweroff"), "%s", r.err);
	for (size_t i = 0; i < NA; i++)
		rows[k++] = always[i];
	for (size_t i = 0; n > 1 && i < NB; i++)
		rows[k++] = with_aps[i];
	snprintf(vals[0], sizeof(vals[0]), "%u", n);
	snprintf(vals[1], sizeof(vals[1]), "%u", n - 1);
	snprintf(vals[2], sizeof(vals[2]), "%u", n * (n - 1) / 2);
	rows[k++] = (struct harness_check){ "smp.vcpus", vals[0] };
	rows[k++] = (struct harness_check){ "smp.counter", vals[1] };
	rows[k++] = (struct harness_check){ "smp.id_sum", vals[2] };
	harness_assert_checks(r.out, rows, k);
	/* Every AP reported itself on the console exactly as it ran. */
	for (unsigned id = 1; id < n; id++) {
		snprintf(line, sizeof(line), "smp: vCPU %u up", id);
		cr_assert(harness_has_line(r.out, line), "missing '%s' in:\n%s", line, r.out);
	}
	if (n > 1)
		cr_assert(harness_has_line(r.out, "smp: vCPU 1 resumed"), "%s", r.out);
	harness_free(&r);
}

Test(smp, one_vcpu, .timeout = 150) { run_smp(1); }
Test(smp, two_vcpus, .timeout = 150) { run_smp(2); }
Test(smp, three_vcpus, .timeout = 150) { run_smp(3); }
Test(smp, eight_vcpus, .timeout = 150) { run_smp(8); }

Test(smp, vcpus_option_is_checked, .timeout = 30)
{
	const char *const argv[] = { "run", harness_path("guests/smp.elf"), "--mem", "32M",
				     "--vcpus", "9", NULL };
	struct hv_run r = harness_run(20, argv);

	cr_assert_eq(r.status, 2, "exit %d\n%s", r.status, r.err);
	cr_assert(strstr(r.err, "invalid --vcpus '9' (want 1..8)"), "%s", r.err);
	harness_free(&r);
}
