/* idle: a guest that never ends by itself, for tests that stop a domain
 * from outside. "mode=spin" loops in guest kernel mode (KVM_RUN never
 * returns), anything else halts with interrupts off (the vCPU waits in the
 * hypervisor). Prints "idle: <mode>" first so the test knows it is up. */
#include <pvabi.h>

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	if (pvabi_cmdline_has(boot->cmdline, "mode=spin")) {
		pvabi_printf("idle: spin\n");
		for (;;)
			__asm__ volatile("pause");
	}
	pvabi_printf("idle: halt\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
