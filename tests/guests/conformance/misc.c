/* misc.c: hypercall numbers outside the table, the direct trap, the debug
 * port and the start_info the domain booted with. */
#include "chapters.h"

void conf_hypercall(void)
{
	static const char msg[] = "debugcon ok\n";

	conf_check("hypercall.unknown_in_page", pvabi_hypercall0(60));
	conf_check("hypercall.pv_only", pvabi_hypercall4(1, 0, 0, 0, DOMID_SELF));
	conf_check("hypercall.trap_out_of_table", pvabi_hypercall_trap(1000, 0, 0, 0, 0, 0));
	conf_check("hypercall.trap_version",
		   pvabi_hypercall_trap(HYPERCALL_xen_version, XENVER_version, 0, 0, 0, 0));
	conf_check("debugcon.in", pvabi_inb(PVABI_DEBUGCON_PORT));
	pvabi_debugcon_write(msg, sizeof(msg) - 1);
}

void conf_boot(const struct pvabi_boot *boot)
{
	const struct hvm_start_info *si = boot->start_info;
	uint64_t ram_end = 0;

	for (uint32_t i = 0; i < boot->memmap_entries; i++) {
		if (boot->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM) {
			ram_end = boot->memmap[i].addr + boot->memmap[i].size;
			break;
		}
	}
	conf_check("boot.magic", si->magic);
	conf_check("boot.version", si->version);
	conf_check("boot.memmap_entries", boot->memmap_entries);
	conf_check("boot.ram_end", (long)ram_end);
	conf_check_str("boot.cmdline", boot->cmdline);
	conf_check("boot.start_info_aligned", ((uintptr_t)si & 0xfff) == 0);
}
