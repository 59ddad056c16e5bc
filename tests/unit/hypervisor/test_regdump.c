/* test_regdump.c: the register dump and the fault-reason texts. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hv_cpuid.h"
#include "hv_regdump.h"

Test(regdump, has_every_token)
{
	struct kvm_regs r = { .rip = 0x100000, .rsp = 0x8000, .rax = 1, .r15 = 0xf };
	struct kvm_sregs s = { .cr0 = 0x80000011, .cr3 = 0x1000, .efer = 0x500 };
	static const uint8_t code[] = { 0x0f, 0x0b, 0x90 };
	char buf[4096];
	static const char *const tokens[] = {
		"RIP=0000000000100000", "RSP=0000000000008000", "RFLAGS=", "RAX=0000000000000001",
		"RBX=", "RCX=", "RDX=", "RSI=", "RDI=", "RBP=", "R8=", "R9=", "R10=", "R11=",
		"R12=", "R13=", "R14=", "R15=000000000000000f", "CR0=0000000080000011", "CR2=",
		"CR3=0000000000001000", "CR4=", "EFER=0000000000000500", "CS=0008 base=",
		"SS=", "DS=", "ES=", "FS=", "GS=", "TR=", "LDTR=", "GDTR=", "IDTR=",
		"code at RIP: 0f 0b 90",
	};

	s.cs.selector = 8;
	hv_regdump_format(buf, sizeof(buf), &r, &s, code, sizeof(code));
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		cr_assert(strstr(buf, tokens[i]), "dump lacks '%s':\n%s", tokens[i], buf);
	hv_regdump_format(buf, sizeof(buf), &r, &s, code, 0);
	cr_assert(strstr(buf, "code at RIP: unavailable"), "%s", buf);
	hv_regdump_format(buf, 64, &r, &s, code, 3);
	cr_assert_eq(strlen(buf), 63, "truncated, still terminated");
}

Test(regdump, emulation_reasons)
{
	char buf[256];
	__u64 data[4] = { 1, 0, 0, 0x1000 };
	uint8_t raw[16] = { 3, 0xf3, 0x0f, 0xb8 };

	memcpy(&data[1], raw, 16);
	hv_emulation_reason(buf, sizeof(buf), 0x1234, data, 4, NULL, 0);
	cr_assert_str_eq(buf, "emulation failure at RIP 0x1234: instruction bytes f3 0f b8");
	data[0] = 0; /* no bytes from KVM: use the fetched ones */
	hv_emulation_reason(buf, sizeof(buf), 0x1234, data, 4, (const uint8_t[]){ 0xcd, 0x80 }, 2);
	cr_assert_str_eq(buf, "emulation failure at RIP 0x1234: instruction bytes cd 80");
	hv_emulation_reason(buf, sizeof(buf), 0x10000000, data, 6, NULL, 0);
	cr_assert_str_eq(buf, "emulation failure at RIP 0x10000000: instruction fetch failed "
			      "(unbacked memory?)");
}

Test(regdump, exit_names)
{
	cr_assert_str_eq(hv_exit_name(KVM_EXIT_SHUTDOWN), "SHUTDOWN");
	cr_assert_str_eq(hv_exit_name(KVM_EXIT_FAIL_ENTRY), "FAIL_ENTRY");
	cr_assert_str_eq(hv_exit_name(1000), "unknown");
}

/* The CPUID table builder lives with the other pure formatters' tests. */
Test(regdump, cpuid_xen_leaves)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[3];
	} sup = { .c.nent = 3 };
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[11];
	} out;
	struct hv_cpuid_params p = { .guest_tsc_khz = 2300000, .host_tsc_khz = 2300000,
				     .vcpu_id = 0, .domid = 1 };

	sup.e[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = 0x81202000 };
	sup.e[1] = (struct kvm_cpuid_entry2){ .function = 0x40000000, .ebx = 0x4b4d564b };
	sup.e[2] = (struct kvm_cpuid_entry2){ .function = 0x40000001, .eax = 0x01007efb };
	cr_assert_eq(hv_cpuid_build(&out.c, 11, &sup.c, &p), 0);
	cr_assert_eq(out.c.nent, 9, "leaf 1 + 8 Xen entries");
	cr_assert_eq(out.e[0].function, 1);
	const struct kvm_cpuid_entry2 *x = &out.e[1];
	cr_assert_eq(x[0].function, 0x40000000);
	cr_assert_eq(x[0].eax, 0x40000005);
	cr_assert_eq(x[0].ebx, 0x566e6558);
	cr_assert_eq(x[1].eax, 0x00040011);
	cr_assert_eq(x[2].eax, 1);
	cr_assert_eq(x[2].ebx, 0x40000000);
	cr_assert_eq(x[3].ecx, 2300000);
	cr_assert(x[3].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	cr_assert_eq(x[5].index, 2);
	cr_assert_eq(x[5].eax, 2300000);
	cr_assert_eq(x[6].function, 0x40000004);
	cr_assert_eq(x[6].eax, (1u << 3) | (1u << 4) | (1u << 6)); /* + UPCALL_VECTOR */
	cr_assert_eq(x[6].ecx, 1);
	cr_assert_eq(x[7].function, 0x40000005);
	/* tsc -> ns: 1e9 ticks at 2.3 GHz are 434782608 ns. */
	uint64_t t = 1000000000, ns;
	int8_t sh = (int8_t)x[4].edx;
	t = sh < 0 ? t >> -sh : t << sh;
	ns = (t * x[4].ecx) >> 32;
	cr_assert(ns >= 434782600 && ns <= 434782610, "ns %llu", (unsigned long long)ns);
	cr_assert_eq(hv_cpuid_build(&out.c, 5, &sup.c, &p), -E2BIG);
}
