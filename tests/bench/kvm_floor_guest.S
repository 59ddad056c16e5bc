/* kvm_floor_guest.S: guest code of the bare-KVM floor benchmark, position
 * independent, entered in 64-bit mode with RCX = iterations. Each loop
 * times RCX exits on FLOOR_PORT, which the VMM resumes at once, then
 * reports the start and end TSC (RSI, RDI) on FLOOR_REPORT_PORT and halts.
 *   floor_out:  out; dec; jnz (the bare exit)
 *   floor_call: the instruction stream of a hypercall through a hypercall
 *               page stub (xor; xor; call [mov; out; ret]; dec; jnz), so a
 *               comparison with hospes-hv isolates what the hypervisor adds */
#define FLOOR_PORT 0xec
#define FLOOR_REPORT_PORT 0xf0

	.section .rodata
	.globl floor_guest_start, floor_guest_end, floor_out, floor_call
	.code64
floor_guest_start:
floor_out:
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rsi
1:	out %eax, $FLOOR_PORT
	dec %rcx
	jnz 1b
	jmp report

floor_call:
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %r9
2:	xorl %edi, %edi
	xorl %esi, %esi
	call stub
	dec %rcx
	jnz 2b
	mov %r9, %rsi
	jmp report

	.balign 32
stub:
	movl $17, %eax
	out %eax, $FLOOR_PORT
	ret

report:
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rdi
	out %eax, $FLOOR_REPORT_PORT
3:	hlt
	jmp 3b
floor_guest_end:
	.section .note.GNU-stack, "", @progbits
