/* start.c: pvabi_start, the first C code: exceptions, hypervisor
 * discovery, the hypercall page, boot information, then the kernel. */
#include "internal.h"

static struct pvabi_boot boot;
static const char no_hv_msg[] = "pvabi: no Xen-compatible hypervisor found (CPUID 0x40000000+)\n";

/* Xen scans in 0x100 steps for the signature with at least two leaves
 * beyond the base (the hypercall leaf is base + 2). */
static uint32_t find_cpuid_base(void)
{
	for (uint32_t base = XEN_CPUID_FIRST_BASE; base <= XEN_CPUID_LAST_BASE;
	     base += XEN_CPUID_BASE_STEP) {
		struct pvabi_cpuid r = pvabi_cpuid(base, 0);
		if (r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
		    r.edx == XEN_CPUID_SIGNATURE_EDX && r.eax - base >= 2)
			return base;
	}
	return 0;
}

/* Addresses in start_info are physical; the boot map covers 4 GiB. */
static const void *phys(uint64_t gpa)
{
	return gpa != 0 && gpa < (1ull << 32) ? (const void *)(uintptr_t)gpa : NULL;
}

static void fill_boot(const struct hvm_start_info *si)
{
	boot.start_info = si;
	boot.cmdline = "";
	boot.image_start = (uintptr_t)__pvabi_image_start;
	boot.image_end = (uintptr_t)__pvabi_image_end;
	if (si == NULL || si->magic != XEN_HVM_START_MAGIC_VALUE) {
		pvabi_printf("pvabi: bad start_info at %p, ignoring it\n", (const void *)si);
		return;
	}
	if (phys(si->cmdline_paddr))
		boot.cmdline = phys(si->cmdline_paddr);
	boot.modules = phys(si->modlist_paddr);
	boot.nr_modules = boot.modules ? si->nr_modules : 0;
	if (si->version >= 1) {
		boot.memmap = phys(si->memmap_paddr);
		boot.memmap_entries = boot.memmap ? si->memmap_entries : 0;
	}
}

const struct pvabi_boot *pvabi_boot_info(void)
{
	return &boot;
}

void pvabi_start(struct hvm_start_info *start_info)
{
	struct xen_feature_info fi = { .submap_idx = 0 };

	pvabi_traps_init();
	boot.cpuid_base = find_cpuid_base();
	if (boot.cpuid_base == 0) {
		pvabi_debugcon_write(no_hv_msg, sizeof(no_hv_msg) - 1);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	boot.hypercall_msr = pvabi_cpuid(boot.cpuid_base + XEN_CPUID_LEAF_HYPERCALL, 0).ebx;
	pvabi_wrmsr(boot.hypercall_msr, (uint64_t)(uintptr_t)pvabi_hypercall_page);
	pvabi_hypercall_ready = 1;

	boot.xen_version = (uint32_t)pvabi_xen_version(XENVER_version, NULL);
	if (pvabi_xen_version(XENVER_get_features, &fi) == 0)
		boot.features = fi.submap;
	pvabi_features_set(boot.features);
	fill_boot(start_info);

	pvabi_kernel_main(&boot);
	pvabi_shutdown(SHUTDOWN_poweroff);
}
