/* triple-fault: load an empty IDT and execute ud2. #UD cannot be
 * delivered, nor can the double fault: the CPU shuts down, which hospes-hv
 * must report as a triple fault with RIP at the ud2 (exit 6). */
#include <pvabi.h>

extern const char triple_fault_ud2[];

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	pvabi_printf("triple-fault: faulting at 0x%016lx\n", (unsigned long)triple_fault_ud2);
	__asm__ volatile("lidt %0\n\t"
			 ".globl triple_fault_ud2\n"
			 "triple_fault_ud2:\n\t"
			 "ud2"
			 :
			 : "m"(empty_idt)
			 : "memory");
	pvabi_printf("triple-fault: still running\n");
}
