/* info.c: the boot report nido prints (integration tests check it). */
#include "nido.h"

static void print_banner(const struct pvabi_boot *boot)
{
	char extra[XEN_EXTRAVERSION_LEN + 1] = { 0 };

	if (pvabi_xen_version(XENVER_extraversion, extra) < 0)
		extra[0] = '\0';
	pvabi_printf("nido " NIDO_VERSION " on Xen %u.%u%s\n", boot->xen_version >> 16,
		     boot->xen_version & 0xffff, extra);
	pvabi_printf("features: 0x%x\n", boot->features);
}

static void print_memmap(const struct pvabi_boot *boot)
{
	pvabi_printf("memory map: %u entries\n", boot->memmap_entries);
	for (uint32_t i = 0; i < boot->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = pvabi_memmap_entry(boot, i);
		const char *name = pvabi_memmap_type_name(e->type);
		char other[16];

		if (name == NULL) {
			pvabi_snprintf(other, sizeof(other), "type %u", e->type);
			name = other;
		}
		pvabi_printf("  0x%016lx-0x%016lx %s\n", e->addr, e->addr + e->size, name);
	}
}

static void print_modules(const struct pvabi_boot *boot)
{
	pvabi_printf("modules: %u\n", boot->nr_modules);
	for (uint32_t i = 0; i < boot->nr_modules; i++)
		pvabi_printf("  module %u: 0x%lx %lu bytes\n", i, boot->modules[i].paddr,
			     boot->modules[i].size);
}

void nido_print_boot_info(const struct pvabi_boot *boot)
{
	print_banner(boot);
	print_memmap(boot);
	pvabi_printf("command line: %s\n", boot->cmdline);
	print_modules(boot);
}
