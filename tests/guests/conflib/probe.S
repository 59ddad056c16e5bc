/* probe.S: conf_probe(fn, arg), a setjmp-like frame around one call that
 * may fault. The trap hook (main.c) sees conf_probe_armed, sets RSP to
 * conf_probe_rsp, RIP to conf_probe_resume and RAX to the vector. */

	.text
	.globl conf_probe, conf_probe_resume
conf_probe:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp			/* 16-byte alignment for the call */
	movq %rsp, conf_probe_rsp(%rip)
	movq $1, conf_probe_armed(%rip)
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	movq $-1, %rax
conf_probe_resume:
	movq $0, conf_probe_armed(%rip)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.bss
	.p2align 3
	.globl conf_probe_rsp, conf_probe_armed
conf_probe_rsp:
	.quad 0
conf_probe_armed:
	.quad 0

	.section .note.GNU-stack, "", @progbits
