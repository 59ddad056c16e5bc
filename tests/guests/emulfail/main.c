/* emulfail: execute popcnt, which KVM's instruction emulator lacks. Where
 * guest kernel mode is emulated hospes-hv must report an emulation failure
 * with the instruction bytes (exit 6); elsewhere it runs. Built with
 * --allow popcnt. */
#include <pvabi.h>

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	uint64_t v = 0xff;

	pvabi_printf("emulfail: popcnt\n");
	__asm__ volatile("popcnt %%rax, %%rax" : "+a"(v));
	pvabi_printf("emulfail: popcnt ran\n");
}
