/* vmcall: issue a raw vmcall with RAX = 17 (xen_version), RDI = 0.
 * On hardware KVM it returns (-KVM_ENOSYS); on hosts where KVM_RUN spins
 * on it, hospes-hv's watchdog must stop the domain (exit 6). Built with
 * --allow vmcall. */
#include <pvabi.h>

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long rax = HYPERCALL_xen_version;

	pvabi_printf("vmcall: issuing\n");
	__asm__ volatile("vmcall" : "+a"(rax) : "D"(0ul) : "memory");
	pvabi_printf("vmcall: returned %ld\n", rax);
}
