/* test_conformance.c: the ABI conformance guest calls every hypercall of
 * the boot/discovery/console/version/sched chapters with good and bad
 * arguments and prints `CHECK <name> <raw result>`; this table is the
 * authority for what each result must be (SPEC.md). Every check the guest
 * reports must be listed here and every listed check must be reported. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const struct harness_check expected[] = {
	/* Discovery (SPEC.md §2) */
	{ "cpuid.base", "1073741824" },
	{ "cpuid.max_leaf", "1073741829" },
	{ "cpuid.version", "262161" },
	{ "cpuid.hcall_pages", "1" },
	{ "cpuid.hcall_msr", "1073741824" },
	{ "cpuid.hvm_flags", "88" }, /* vcpu id, domid, upcall vector */
	{ "cpuid.vcpu_id", "0" },
	{ "cpuid.domid", "1" },
	{ "msr.read", "0" },
	{ "msr.write_bad_index", "13" },
	{ "msr.write_outside_ram", "13" },
	{ "msr.rewrite", "0" },
	{ "hcall_page.stub17", "1" },
	{ "hcall_page.stub23_ud2", "1" },
	{ "hcall_page.iret_call", "6" },
	/* xen_version (SPEC.md §5) */
	{ "xen_version.version", "262161" },
	{ "xen_version.extraversion", "0" },
	{ "xen_version.extraversion_str", ".0-hospes" },
	{ "xen_version.compile_info", "0" },
	{ "xen_version.capabilities", "0" },
	{ "xen_version.capabilities_str", "hvm-3.0-x86_64" },
	{ "xen_version.changeset", "0" },
	{ "xen_version.platform_parameters", "0" },
	{ "xen_version.virt_start", "0xffff800000000000" },
	{ "xen_version.get_features", "0" },
	{ "xen_version.features", "66309" }, /* 0x10305 */
	{ "xen_version.get_features_bad_submap", "-22" },
	{ "xen_version.pagesize", "4096" },
	{ "xen_version.guest_handle", "0" },
	{ "xen_version.guest_handle_nonzero", "1" },
	{ "xen_version.commandline", "-1" },
	{ "xen_version.build_id", "-1" },
	{ "xen_version.unknown", "-38" },
	{ "xen_version.bad_pointer", "-14" },
	{ "xen_version.readonly_buffer", "-14" },
	{ "xen_version.crosses_into_readonly", "-14" },
	/* console_io (SPEC.md §4) */
	{ "console_io.write", "0" },
	{ "console_io.write_zero", "0" },
	{ "console_io.write_bad_pointer", "-14" },
	{ "console_io.write_from_readonly", "0" },
	{ "console_io.write_ends_at_boundary", "0" },
	{ "console_io.write_crosses_unmapped", "-14" },
	{ "console_io.write_huge_count", "-14" },
	{ "console_io.read", "0" },
	{ "console_io.unknown", "-38" },
	/* sched_op (SPEC.md §6) */
	{ "sched_op.yield", "0" },
	{ "sched_op.poll_past_timeout", "0" },
	{ "sched_op.poll_no_ports", "0" },
	{ "sched_op.poll_too_many", "-22" },
	{ "sched_op.poll_bad_ports_ptr", "-14" },
	{ "sched_op.poll_bad_port", "-22" },
	{ "sched_op.poll_bad_arg", "-14" },
	{ "sched_op.shutdown_bad_reason", "-22" },
	{ "sched_op.shutdown_bad_pointer", "-14" },
	{ "sched_op.shutdown_code", "0" },
	{ "sched_op.shutdown_code_bad_reason", "-22" },
	{ "sched_op.remote_shutdown", "-1" },
	{ "sched_op.watchdog", "-38" },
	{ "sched_op.pin_override", "-1" },
	{ "sched_op.unknown", "-38" },
	/* Hypercall convention (SPEC.md §3) */
	{ "hypercall.unknown_in_page", "-38" },
	{ "hypercall.pv_only", "-38" },
	{ "hypercall.trap_out_of_table", "-38" },
	{ "hypercall.trap_version", "262161" },
	{ "debugcon.in", "233" },
	/* Boot (SPEC.md §1) */
	{ "boot.magic", "862897528" },
	{ "boot.version", "1" },
	{ "boot.memmap_entries", "1" },
	{ "boot.ram_end", "67108864" },
	{ "boot.cmdline", "conf=1" },
	{ "boot.start_info_aligned", "1" },
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static struct hv_run run;

static void boot_conformance(void)
{
	harness_require_kvm();
	run = harness_boot("conformance", "64M", "conf=1");
}

static void done(void)
{
	harness_free(&run);
}

TestSuite(conformance, .init = boot_conformance, .fini = done, .timeout = 120);

Test(conformance, guest_completes_and_powers_off)
{
	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert_eq(run.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", run.status, run.out, run.err);
}

Test(conformance, every_check_has_the_specified_result)
{
	harness_assert_checks(run.out, expected, N_EXPECTED);
}

Test(conformance, console_and_debug_port_output_arrive)
{
	cr_assert(harness_has_line(run.out, "conformance: console ok"), "%s", run.out);
	cr_assert(harness_has_line(run.out, "debugcon ok"), "%s", run.out);
}
