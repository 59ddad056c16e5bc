/* traps.S: exception stubs for vectors 0-31. Each stub is 16 bytes
 * (pvabi_trap_stubs + 16 * vector), pushes a zero error code when the CPU
 * does not, then the vector, and joins the common path, which saves every
 * GPR (struct pvabi_trap_frame) and calls pvabi_trap_dispatch(frame). That
 * returns only to resume: the frame is restored and iretq'd. */

	.section .text.pvabi_traps, "ax"
	.code64
	/* 32 x 16 bytes inside one aligned 512-byte block: the stubs share
	 * the upper bits of their address (traps.c fills the IDT that way). */
	.p2align 9
	.globl pvabi_trap_stubs
pvabi_trap_stubs:
	.set vec, 0
	.rept 32
	.p2align 4
	/* The CPU pushes an error code for 8, 10-14, 17, 21, 29, 30. */
	.if !((vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30))
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

	.p2align 4
trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	/* The CPU aligned RSP to 16 before its 5-word frame; with the error
	 * code, vector and 15 registers RSP is 16-byte aligned again here. */
	movq %rsp, %rdi
	cld
	call pvabi_trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector, error code */
	iretq

	.section .note.GNU-stack, "", @progbits
