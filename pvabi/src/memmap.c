/* memmap.c: helpers over the start_info memory map. */
#include "internal.h"

static const char *const type_names[] = {
	[XEN_HVM_MEMMAP_TYPE_RAM] = "RAM",
	[XEN_HVM_MEMMAP_TYPE_RESERVED] = "reserved",
	[XEN_HVM_MEMMAP_TYPE_ACPI] = "ACPI",
	[XEN_HVM_MEMMAP_TYPE_NVS] = "NVS",
	[XEN_HVM_MEMMAP_TYPE_UNUSABLE] = "unusable",
	[XEN_HVM_MEMMAP_TYPE_DISABLED] = "disabled",
	[XEN_HVM_MEMMAP_TYPE_PMEM] = "PMEM",
};

const char *pvabi_memmap_type_name(uint32_t type)
{
	if (type >= sizeof(type_names) / sizeof(type_names[0]))
		return NULL;
	return type_names[type];
}

const struct hvm_memmap_table_entry *pvabi_memmap_entry(const struct pvabi_boot *boot,
							uint32_t i)
{
	return i < boot->memmap_entries ? &boot->memmap[i] : NULL;
}

uint64_t pvabi_memmap_ram_total(const struct pvabi_boot *boot)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < boot->memmap_entries; i++)
		if (boot->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			total += boot->memmap[i].size;
	return total;
}
