/* kvm_timer_floor_guest.S: guest code of the bare LAPIC timer floor,
 * entered in 64-bit mode with RCX = rounds, RBX = TSC ticks per ms. Each
 * round arms the x2APIC TSC-deadline timer 1 ms ahead, halts with
 * interrupts on until the timer interrupt, and stores handler TSC minus
 * deadline at LATE_GPA + 8 * round. Then it reports on REPORT_PORT. */
#define REPORT_PORT 0xf0
#define STAMP_GPA 0x1f0000
#define LATE_GPA 0x200000
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_EOI 0x80b
#define MSR_X2APIC_SVR 0x80f
#define MSR_X2APIC_LVTT 0x832
#define TIMER_VECTOR 0x40

	.section .rodata
	.globl timer_guest_start, timer_guest_end, timer_guest_entry, timer_guest_handler
	.code64
timer_guest_start:
timer_guest_entry:
	/* x2APIC on (EN | EXTD), software-enabled, LVT timer in TSC-deadline mode */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $0xc00, %eax
	wrmsr
	mov $MSR_X2APIC_SVR, %ecx
	mov $0x1ff, %eax
	xor %edx, %edx
	wrmsr
	mov $MSR_X2APIC_LVTT, %ecx
	mov $(0x40000 | TIMER_VECTOR), %eax
	wrmsr
	mov %rsp, %r12            /* rounds were saved on the stack by the VMM: rcx */
	mov (%r12), %r13          /* r13 = rounds */
	xor %r14, %r14            /* r14 = round */
	mov $LATE_GPA, %r15
1:	movq $0, STAMP_GPA
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	add %rbx, %rax
	mov %rax, %r8             /* r8 = deadline */
	mov %rax, %rdx
	shr $32, %rdx
	mov $MSR_TSC_DEADLINE, %ecx
	wrmsr
2:	sti
	hlt
	cli
	cmpq $0, STAMP_GPA
	je 2b
	mov STAMP_GPA, %rax
	sub %r8, %rax
	mov %rax, (%r15, %r14, 8)
	inc %r14
	cmp %r13, %r14
	jb 1b
	out %eax, $REPORT_PORT
3:	hlt
	jmp 3b

timer_guest_handler:
	push %rax
	push %rcx
	push %rdx
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, STAMP_GPA
	mov $MSR_X2APIC_EOI, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rdx
	pop %rcx
	pop %rax
	iretq
timer_guest_end:
	.section .note.GNU-stack, "", @progbits
