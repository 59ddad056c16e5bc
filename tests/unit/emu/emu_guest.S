/* emu_guest.S: guest code for the system tests, assembled for guest
 * addresses (the fixture's layout) and kept as data: never run on the
 * host. Each piece is the bytes between gsnip_NAME and gsnip_NAME_end. */

.macro G name
	.globl gsnip_\name
gsnip_\name:
.endm
.macro GEND name
	.globl gsnip_\name\()_end
gsnip_\name\()_end:
.endm

	.section .rodata.emu_guest, "a"

/* The PVH boot path: 32-bit flat entry, long mode on, far jump to
 * 64-bit code at 0x100800 (see test_emu_sys.c). */
	.code32
G boot32
	movl %ebx, 0x300000
	lgdt 0x300100
	movl $0x20, %eax
	movl %eax, %cr4
	movl $0x1000, %eax
	movl %eax, %cr3
	movl $0x80000000, %eax
	cpuid
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x900, %eax
	wrmsr
	movl $0x80010033, %eax
	movl %eax, %cr0
	ljmp $0x08, $0x100800
GEND boot32

/* Legacy paging from 32-bit code: CR3 = ebx, CR4 = ecx, PG on, then
 * reads at 0x400000 and 0x900000/0xb00000, a write at 0x400004. */
G paging32
	movl %ebx, %cr3
	movl %ecx, %cr4
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	movl 0x400000, %esi
	movl (%edx), %edi
	movl $0x99, 0x400004
GEND paging32

/* 32-bit code: inc/dec in 0x40-0x4f, 32- and 16-bit stack operations,
 * near call/ret, a counted loop, a string copy with 32-bit addressing. */
G code32
	movl $5, %eax
	incl %eax
	decl %ebx
	pushl $0x1234
	popl %ecx
	call 1f
	jmp 2f
1:	movl (%esp), %edx
	ret
2:	movl $3, %esi
3:	addl $10, %edi
	decl %esi
	jnz 3b
	pushw $7
	popw %bp
	movl $0x300000, %esi
	movl $0x300100, %edi
	movl $5, %ecx
	rep movsl
	movsbl 0x300000, %esi
GEND code32

/* A 32-bit fault with no IDT: the CPU shuts down. */
G fault32
	movl $1, %eax
	ud2
GEND fault32

	.code64
G boot64
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $0x1ff000, %rsp
	movabsq $0x123456789abcdef0, %rax
	pushq %rax
	popq %rbx
	movq %cr0, %rcx
	movq %cr4, %rdx
GEND boot64

G ud2
	movl $1, %eax
	ud2
	movl $2, %eax
GEND ud2

/* #UD/#GP/#DE handler: skips 2 bytes and returns. */
G skip2_handler
	addq $2, (%rsp)
	incq %r15
	iretq
GEND skip2_handler

/* Handler for vectors with an error code: keeps it in r14, skips 2. */
G skip2_err_handler
	popq %r14
	addq $2, (%rsp)
	incq %r15
	iretq
GEND skip2_err_handler

/* Handler reporting RFLAGS inside it (IF cleared or not). */
G flags_handler
	pushfq
	popq %rbx
	iretq
GEND flags_handler

G int40
	movl $5, %eax
	int $0x40
	movl $6, %ecx
GEND int40

G div0
	xorl %esi, %esi
	movl $7, %eax
	divl %esi
	movl $9, %ebx
GEND div0

G rdmsr_gp
	movl $0x99999, %ecx
	rdmsr
	movl $3, %ebx
GEND rdmsr_gp

G sti_nop
	sti
	nop
	nop
GEND sti_nop

G spin
1:	incq %rax
	jmp 1b
GEND spin

G io
	movb $0x41, %al
	outb %al, $0x80
	movl $0x12345678, %eax
	movw $0x1234, %dx
	outl %eax, %dx
	inb $0x71, %al
	movl %eax, %ebx
	inl %dx, %eax
GEND io

G msrs
	movl $0x4b564d00, %ecx
	rdmsr
	movl %eax, %ebx
	movl %edx, %esi
	movl $0xaabbccdd, %eax
	movl $0x11223344, %edx
	wrmsr
	movl $0x1234, %ecx
	movl $0x55, %eax
	xorl %edx, %edx
	wrmsr
	rdmsr
	movl %eax, %edi
	movl $0xc0000080, %ecx
	rdmsr
	movl %eax, %r8d
	movl $0xc0000100, %ecx
	movl $0x300000, %eax
	xorl %edx, %edx
	wrmsr
	movq %fs:8, %r9
	movl $0xc0000101, %ecx
	movl $0x300010, %eax
	wrmsr
	movl $0xc0000102, %ecx
	movl $0x300020, %eax
	wrmsr
	movq %gs:0, %r10
	swapgs
	movq %gs:0, %r11
	cpuid
	rdtsc
GEND msrs

G rep_long
	std
	rep stosb
	cld
	movq %rbx, %rdi
	movq %rdx, %rcx
	rep movsq
GEND rep_long

G misc_sys
	movq $5, %rax
	movq %rax, %cr8
	movq %cr8, %rbx
	clts
	smsw %ecx
	movq %rcx, %r8
	rdtscp
	movq %rcx, %r9
	pushq %fs
	popq %rdx
	pushq $0x10
	popq %gs
	movw %gs, %si
	movl $0x40, %eax
	movl %eax, %ds
	movl $0x77, %edi
GEND misc_sys

G store_twice
	movq $0x77, (%rcx)
	movq $1, %rax
	outb %al, $0x80
	movq $0x78, (%rcx)
GEND store_twice

G popcnt
	popcnt %rax, %rax
GEND popcnt

G vmcall
	vmcall
GEND vmcall

G mmio_read
	movq $7, %rax
	movabsq $0xc0001000, %rbx
	movq 8(%rbx), %rax
GEND mmio_read

G mmio_write
	movabsq $0xc0002000, %rbx
	movl $0x1234, 4(%rbx)
GEND mmio_write

G fetch_unbacked
	movabsq $0xc0003000, %rbx
	jmp *%rbx
GEND fetch_unbacked

/* Paging: read rbx, write rcx, jump to rdx. */
G read_rbx
	movq (%rbx), %rax
GEND read_rbx

G write_rcx
	movq $0x77, (%rcx)
GEND write_rcx

G write8_rcx
	movq $-1, (%rcx)
GEND write8_rcx

G jmp_rdx
	jmp *%rdx
GEND jmp_rdx

G invlpg
	movq (%rbx), %rax
	movq %rsi, (%rdi)
	movq (%rbx), %r8
	invlpg (%rbx)
	movq (%rbx), %r9
GEND invlpg

G atomic_loop
1:	lock incq (%rbx)
	movq (%rbx), %rax
2:	movq 8(%rbx), %rax
	leaq 1(%rax), %rdx
	lock cmpxchgq %rdx, 8(%rbx)
	jne 2b
	movl $1, %edx
	lock xaddq %rdx, 16(%rbx)
	movl $1, %edx
	xchgq %rdx, 24(%rbx)
	decl %ecx
	jnz 1b
GEND atomic_loop

G bench_loop
	movl $0x300000, %ebx
1:	movq (%rbx), %rax
	addq %rcx, %rax
	movq %rax, (%rbx)
	xorq %rdx, %rax
	shrq $3, %rax
	cmpq %rdx, %rax
	leaq 8(%rax,%rdx,2), %rsi
	decl %ecx
	jnz 1b
GEND bench_loop

G lgdt_far
	lgdt (%rbx)
	sgdt 16(%rbx)
	sidt 32(%rbx)
	pushq $0x08
	leaq 1f(%rip), %rax
	pushq %rax
	lretq
1:	movw %ss, %cx
	movabsq $0x300080, %rdx
	leaq 2f(%rip), %rax
	movl %eax, (%rdx)
	movw $0x18, 4(%rdx)
	ljmpl *(%rdx)
	.code32
2:	movl $0x55, %esi
	hlt
GEND lgdt_far

	.section .note.GNU-stack, "", @progbits
