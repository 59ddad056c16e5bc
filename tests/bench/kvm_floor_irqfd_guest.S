/* kvm_floor_irqfd_guest.S: guest of the irqfd floor (kvm_floor irqfd):
 * enables its x2APIC, reports ready on port 0xf1, then halts with
 * interrupts on. Its handler for vector 0x40 does what an event-channel
 * upcall handler minimally does: notify the host (out to an ioeventfd
 * port, no exit to user space) and EOI the x2APIC. */
	.section .rodata
	.globl irqfd_guest_start, irqfd_guest_end, irqfd_entry, irqfd_handler
	.code64
irqfd_guest_start:
irqfd_entry:
	movl $0x1b, %ecx	/* IA32_APIC_BASE: EN | EXTD */
	rdmsr
	orl $0xc00, %eax
	wrmsr
	movl $0x80f, %ecx	/* SVR: enabled, spurious vector 0xff */
	movl $0x1ff, %eax
	xorl %edx, %edx
	wrmsr
	outb %al, $0xf1
1:	sti
	hlt
	jmp 1b

irqfd_handler:
	pushq %rax
	pushq %rcx
	pushq %rdx
	outb %al, $0x31		/* ioeventfd */
	movl $0x80b, %ecx	/* EOI */
	xorl %eax, %eax
	xorl %edx, %edx
	wrmsr
	popq %rdx
	popq %rcx
	popq %rax
	iretq
irqfd_guest_end:
	.section .note.GNU-stack, "", @progbits
