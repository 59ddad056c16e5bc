/* discovery.c: CPUID leaves, the hypercall MSR and the page's contents. */
#include "chapters.h"

struct msr_write {
	uint32_t msr;
	uint64_t value;
};

static void do_wrmsr(void *arg)
{
	const struct msr_write *w = arg;

	pvabi_wrmsr(w->msr, w->value);
}

static uint64_t rdmsr_value;

static void do_rdmsr(void *arg)
{
	rdmsr_value = pvabi_rdmsr(*(const uint32_t *)arg);
}

static void call_stub23(void *arg)
{
	__asm__ volatile("call *%0"
			 :
			 : "r"(PVABI_HCALL_STUB(HYPERCALL_iret))
			 : "rax", "rdi", "rsi", "rdx", "r10", "r8", "memory");
}

static void check_cpuid(uint32_t base)
{
	struct pvabi_cpuid r = pvabi_cpuid(base, 0);

	conf_check("cpuid.base", base);
	conf_check("cpuid.max_leaf", r.eax);
	conf_check("cpuid.version", pvabi_cpuid(base + XEN_CPUID_LEAF_VERSION, 0).eax);
	r = pvabi_cpuid(base + XEN_CPUID_LEAF_HYPERCALL, 0);
	conf_check("cpuid.hcall_pages", r.eax);
	conf_check("cpuid.hcall_msr", r.ebx);
	r = pvabi_cpuid(base + XEN_CPUID_LEAF_HVM, 0);
	conf_check("cpuid.hvm_flags", r.eax);
	conf_check("cpuid.vcpu_id", r.ebx);
	conf_check("cpuid.domid", r.ecx);
}

static void check_msr(uint32_t msr)
{
	uint64_t page = (uintptr_t)pvabi_hypercall_page;
	struct msr_write bad_index = { msr, page | 1 };
	struct msr_write outside = { msr, 0x80000000ull };
	struct msr_write again = { msr, page };
	long vec;

	vec = conf_probe(do_rdmsr, &msr);
	if (vec < 0)
		conf_check("msr.read", (long)rdmsr_value);
	else
		conf_check("msr.read", -1000 - vec); /* faulted: -1000 - vector */
	conf_check("msr.write_bad_index", conf_probe(do_wrmsr, &bad_index));
	conf_check("msr.write_outside_ram", conf_probe(do_wrmsr, &outside));
	vec = conf_probe(do_wrmsr, &again);
	conf_check("msr.rewrite", vec < 0 ? 0 : vec);
}

/* Stub 17 is exactly mov $17,%eax; out %eax,$0xec; ret; then int3 fill. */
static int stub17_exact(void)
{
	static const uint8_t code[] = { 0xb8, 0x11, 0x00, 0x00, 0x00, 0xe7, 0xec, 0xc3 };
	const uint8_t *s = PVABI_HCALL_STUB(HYPERCALL_xen_version);

	if (memcmp(s, code, sizeof(code)) != 0)
		return 0;
	for (size_t i = sizeof(code); i < PVABI_HYPERCALL_STUB_SIZE; i++)
		if (s[i] != 0xcc)
			return 0;
	return 1;
}

static void check_page(void)
{
	const uint8_t *s23 = PVABI_HCALL_STUB(HYPERCALL_iret);

	conf_check("hcall_page.stub17", stub17_exact());
	conf_check("hcall_page.stub23_ud2", s23[0] == 0x0f && s23[1] == 0x0b);
	conf_check("hcall_page.iret_call", conf_probe(call_stub23, NULL));
}

void conf_discovery(void)
{
	const struct pvabi_boot *boot = pvabi_boot_info();

	check_cpuid(boot->cpuid_base);
	check_msr(boot->hypercall_msr);
	check_page();
}
