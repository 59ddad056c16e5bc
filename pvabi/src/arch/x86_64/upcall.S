/* upcall.S: the event-channel upcall entries. Both save the caller-saved
 * registers and call pvabi_evtchn_do_upcall(); the per-vCPU vector entry
 * EOIs its x2APIC first (so an event raised while the handler runs is
 * delivered again after iretq), the domain-wide callback entry does not
 * (that vector is injected outside the APIC). Kept short: every guest
 * kernel instruction is emulated on some hosts. */

	.section .text.pvabi_upcall, "ax"
	.code64

	.globl pvabi_upcall_entry_eoi
pvabi_upcall_entry_eoi:
	pushq %rax
	pushq %rcx
	pushq %rdx
	movl $0x80b, %ecx	/* x2APIC EOI */
	xorl %eax, %eax
	xorl %edx, %edx
	wrmsr
	jmp 1f

	.globl pvabi_upcall_entry_noeoi
pvabi_upcall_entry_noeoi:
	pushq %rax
	pushq %rcx
	pushq %rdx
1:	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	/* 5 CPU words + 9 saved: RSP is 16-byte aligned for the call. */
	cld
	call pvabi_evtchn_do_upcall
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	iretq

	/* APIC spurious vector: no EOI. */
	.globl pvabi_spurious_entry
pvabi_spurious_entry:
	iretq

	.section .note.GNU-stack, "", @progbits
