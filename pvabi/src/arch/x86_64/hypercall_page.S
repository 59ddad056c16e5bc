/* hypercall_page.S: the page the hypervisor fills with hypercall stubs
 * when pvabi_start() writes its GPA to the hypercall MSR. Zeros in the
 * image; page-aligned and executable. */

	.section .hypercall_page, "ax"
	.p2align 12
	.globl pvabi_hypercall_page
	.type pvabi_hypercall_page, @object
pvabi_hypercall_page:
	.fill 4096, 1, 0
	.size pvabi_hypercall_page, 4096

	.section .note.GNU-stack, "", @progbits
