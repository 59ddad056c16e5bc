/* test_faults.c: guests that fault are stopped by hospes-hv with the reason,
 * a register dump and exit status 6; a guest-reported crash exits 4; and no
 * guest can hang hospes-hv. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

TestSuite(faults, .init = harness_require_kvm, .timeout = 120);

#define FAULT_EXIT 6

static void assert_register_dump(const char *log)
{
	static const char *const tokens[] = { "RIP=", "RSP=", "RAX=", "RBX=", "RCX=", "RDX=",
					       "RSI=", "RDI=", "RBP=", "R8=",  "R15=", "RFLAGS=",
					       "CR0=", "CR2=", "CR3=", "CR4=", "EFER=", "code at RIP:" };
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		cr_assert(strstr(log, tokens[i]), "register dump lacks %s:\n%s", tokens[i], log);
}

static unsigned long long dumped_rip(const char *log)
{
	const char *p = strstr(log, "RIP=");
	cr_assert(p, "%s", log);
	return strtoull(p + 4, NULL, 16);
}

/* On kvm_pvm hosts guest kernel mode is emulated: vmcall never returns and
 * some instructions fail to emulate. On hardware KVM both just work. */
static int host_is_kvm_pvm(void)
{
	return access("/sys/module/kvm_pvm", F_OK) == 0;
}

Test(faults, triple_fault_is_reported_with_registers)
{
	char buf[64];
	struct hv_run r = harness_boot("triple-fault", "16M", NULL);
	cr_assert_eq(r.status, FAULT_EXIT, "exit %d\n%s\n%s", r.status, r.out, r.err);
	cr_assert(strstr(r.err, "triple fault"), "%s", r.err);
	assert_register_dump(r.err);
	cr_assert(harness_value(r.out, "triple-fault: faulting at", buf, sizeof(buf)), "%s", r.out);
	cr_assert_eq(dumped_rip(r.err), strtoull(buf, NULL, 16), "RIP in dump vs ud2 at %s:\n%s",
		     buf, r.err);
	cr_assert(strstr(r.err, "code at RIP: 0f 0b"), "ud2 bytes in the dump:\n%s", r.err);
	harness_free(&r);
}

Test(faults, unbacked_memory_access_is_reported)
{
	struct hv_run r = harness_boot("unbacked", "64M", NULL);
	cr_assert_eq(r.status, FAULT_EXIT, "exit %d\n%s\n%s", r.status, r.out, r.err);
	cr_assert(harness_has_line(r.out, "unbacked: reading 0x00000000c0000000"), "%s", r.out);
	cr_assert(strstr(r.err, "access to unbacked guest-physical address 0xc0000000 (read, 8 bytes)"),
		  "%s", r.err);
	assert_register_dump(r.err);
	harness_free(&r);
}

Test(faults, vmcall_never_hangs_the_hypervisor)
{
	struct hv_run r = harness_boot("vmcall", "16M", NULL);
	cr_assert(!r.timed_out, "hospes-hv hung on vmcall:\n%s", r.err);
	cr_assert(harness_has_line(r.out, "vmcall: issuing"), "%s", r.out);
	if (harness_accel_is_emu()) {
		/* Hospes's software CPU has no vmcall: an emulation failure
		 * with its bytes (0f 01 c1), or the watchdog's diagnosis. */
		cr_assert_eq(r.status, FAULT_EXIT, "software CPU: exit %d\n%s", r.status, r.err);
		cr_assert((strstr(r.err, "emulation failure at RIP 0x") &&
			   strstr(r.err, "0f 01 c1")) ||
				  strstr(r.err, "vmcall at RIP 0x"),
			  "software CPU: no emulation failure with 0f 01 c1 nor watchdog message:\n%s",
			  r.err);
		assert_register_dump(r.err);
	} else if (host_is_kvm_pvm()) {
		cr_assert_eq(r.status, FAULT_EXIT, "exit %d\n%s", r.status, r.err);
		cr_assert(strstr(r.err, "vmcall at RIP 0x"), "%s", r.err);
		assert_register_dump(r.err);
	} else {
		/* Hardware KVM answers an unknown KVM hypercall with -KVM_ENOSYS. */
		cr_assert_eq(r.status, 0, "exit %d\n%s", r.status, r.err);
		cr_assert(harness_has_line(r.out, "vmcall: returned -1000"), "%s", r.out);
	}
	harness_free(&r);
}

Test(faults, emulation_failure_is_reported_with_instruction_bytes)
{
	struct hv_run r = harness_boot("emulfail", "16M", NULL);
	cr_assert(harness_has_line(r.out, "emulfail: popcnt"), "%s", r.out);
	/* Neither this host's KVM emulator nor Hospes's software CPU has
	 * popcnt (hardware KVM runs it). */
	if (harness_accel_is_emu() || host_is_kvm_pvm()) {
		cr_assert_eq(r.status, FAULT_EXIT, "exit %d\n%s", r.status, r.err);
		cr_assert(strstr(r.err, "emulation failure at RIP 0x"), "%s", r.err);
		/* popcnt %rax,%rax = f3 48 0f b8 c0 */
		cr_assert(strstr(r.err, "f3 48 0f b8 c0"), "instruction bytes:\n%s", r.err);
		assert_register_dump(r.err);
	} else {
		cr_assert_eq(r.status, 0, "exit %d\n%s", r.status, r.err);
		cr_assert(harness_has_line(r.out, "emulfail: popcnt ran"), "%s", r.out);
	}
	harness_free(&r);
}
