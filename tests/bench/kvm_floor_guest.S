/* kvm_floor_guest.S: the guest code of the bare-KVM floor benchmark,
 * position independent, entered in 64-bit mode with RCX = iterations.
 * It times RCX `out` exits to a port the VMM ignores, then reports the
 * start and end TSC on FLOOR_REPORT_PORT and halts. */
#define FLOOR_PORT 0xec
#define FLOOR_REPORT_PORT 0xf0

	.section .rodata
	.globl floor_guest_start, floor_guest_end
	.code64
floor_guest_start:
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rsi
1:	out %eax, $FLOOR_PORT
	dec %rcx
	jnz 1b
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rdi
	out %eax, $FLOOR_REPORT_PORT
2:	hlt
	jmp 2b
floor_guest_end:
	.section .note.GNU-stack, "", @progbits
