/* unbacked: read a quadword at 0xc0000000, identity-mapped by the boot page
 * tables but with no RAM behind it when the domain has 64 MiB. hospes-hv
 * must stop the domain with the unbacked-address reason (exit 6). */
#include <pvabi.h>

#define UNBACKED_ADDR 0xc0000000ul

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	uint64_t v;

	pvabi_printf("unbacked: reading 0x%016lx\n", UNBACKED_ADDR);
	v = *(volatile uint64_t *)UNBACKED_ADDR;
	pvabi_printf("unbacked: read 0x%016lx\n", v);
}
