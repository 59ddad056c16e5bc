/* emu_snippets.S: instruction sequences run both natively (through
 * emu_native_call) and on the software CPU, whose results must agree.
 * Convention: inputs and outputs in the GPRs and RFLAGS; each snippet
 * is the code between snip_NAME and snip_NAME_end (a ret follows for the
 * native call, the tests put a hlt there instead). */

/* struct kvm_regs offsets */
#define RAX 0
#define RBX 8
#define RCX 16
#define RDX 24
#define RSI 32
#define RDI 40
#define RBP 56
#define R8 64
#define R9 72
#define R10 80
#define R11 88
#define R12 96
#define R13 104
#define R14 112
#define R15 120
#define RFL 136

	.text
/* void emu_native_call(struct kvm_regs *state, const void *code) */
	.globl emu_native_call
	.type emu_native_call, @function
emu_native_call:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rdi, native_state(%rip)
	movq %rsi, native_code(%rip)
	movq RAX(%rdi), %rax
	movq RBX(%rdi), %rbx
	movq RCX(%rdi), %rcx
	movq RDX(%rdi), %rdx
	movq RSI(%rdi), %rsi
	movq RBP(%rdi), %rbp
	movq R8(%rdi), %r8
	movq R9(%rdi), %r9
	movq R10(%rdi), %r10
	movq R11(%rdi), %r11
	movq R12(%rdi), %r12
	movq R13(%rdi), %r13
	movq R14(%rdi), %r14
	movq R15(%rdi), %r15
	pushq RFL(%rdi)
	movq RDI(%rdi), %rdi
	popfq
	call *native_code(%rip)
	pushfq
	pushq %rdi
	movq native_state(%rip), %rdi
	popq RDI(%rdi)
	popq RFL(%rdi)
	cld
	movq %rax, RAX(%rdi)
	movq %rbx, RBX(%rdi)
	movq %rcx, RCX(%rdi)
	movq %rdx, RDX(%rdi)
	movq %rsi, RSI(%rdi)
	movq %rbp, RBP(%rdi)
	movq %r8, R8(%rdi)
	movq %r9, R9(%rdi)
	movq %r10, R10(%rdi)
	movq %r11, R11(%rdi)
	movq %r12, R12(%rdi)
	movq %r13, R13(%rdi)
	movq %r14, R14(%rdi)
	movq %r15, R15(%rdi)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
	.size emu_native_call, . - emu_native_call

	.bss
	.p2align 3
native_state:
	.skip 8
native_code:
	.skip 8

	.text
.macro SNIP name
	.globl snip_\name
snip_\name:
.endm
.macro END name
	.globl snip_\name\()_end
snip_\name\()_end:
	ret
.endm

/* ---- group 1, all sizes, register and memory forms ---- */
.irp op, add, adc, sub, sbb, and, or, xor, cmp, test
SNIP \op\()b
	\op\()b %sil, %dil
END \op\()b
SNIP \op\()w
	\op\()w %si, %di
END \op\()w
SNIP \op\()l
	\op\()l %esi, %edi
END \op\()l
SNIP \op\()q
	\op\()q %rsi, %rdi
END \op\()q
SNIP \op\()q_mem
	pushq %rdi
	\op\()q %rsi, (%rsp)
	popq %rdi
END \op\()q_mem
SNIP \op\()l_memsrc
	pushq %rsi
	\op\()l 0(%rsp), %edi
	popq %rsi
END \op\()l_memsrc
SNIP \op\()b_ah
	\op\()b %ah, %bh
END \op\()b_ah
.endr
.irp op, add, adc, sub, sbb, and, or, xor, cmp
SNIP \op\()_imm8
	\op\()q $-3, %rdi
	\op\()l $0x7f, %esi
	\op\()w $0x80, %dx
END \op\()_imm8
SNIP \op\()_imm32
	\op\()q $0x12345678, %rdi
	\op\()l $0x87654321, %esi
	\op\()b $0xa5, %dl
	\op\()w $0x1234, %ax
END \op\()_imm32
SNIP \op\()_acc
	\op\()q $-0x1234567, %rax
END \op\()_acc
.endr

/* ---- unary ---- */
.irp op, inc, dec, neg, not
SNIP \op\()b
	\op\()b %dil
END \op\()b
SNIP \op\()w
	\op\()w %di
END \op\()w
SNIP \op\()l
	\op\()l %edi
END \op\()l
SNIP \op\()q
	\op\()q %rdi
END \op\()q
SNIP \op\()q_mem
	pushq %rdi
	\op\()q (%rsp)
	popq %rdi
END \op\()q_mem
.endr

/* ---- shifts and rotates ---- */
.irp op, rol, ror, rcl, rcr, shl, shr, sar
SNIP \op\()b_cl
	\op\()b %cl, %dil
END \op\()b_cl
SNIP \op\()w_cl
	\op\()w %cl, %di
END \op\()w_cl
SNIP \op\()l_cl
	\op\()l %cl, %edi
END \op\()l_cl
SNIP \op\()q_cl
	\op\()q %cl, %rdi
END \op\()q_cl
SNIP \op\()q_1
	\op\()q $1, %rdi
	\op\()l $1, %esi
END \op\()q_1
SNIP \op\()_imm
	\op\()q $7, %rdi
	\op\()b $3, %sil
	\op\()w $9, %dx
	\op\()l $31, %eax
END \op\()_imm
SNIP \op\()q_mem
	pushq %rdi
	\op\()q %cl, (%rsp)
	popq %rdi
END \op\()q_mem
.endr
SNIP shldq_cl
	shldq %cl, %rsi, %rdi
END shldq_cl
SNIP shrdq_cl
	shrdq %cl, %rsi, %rdi
END shrdq_cl
SNIP shldl_cl
	shldl %cl, %esi, %edi
END shldl_cl
SNIP shrdl_cl
	shrdl %cl, %esi, %edi
END shrdl_cl
SNIP shldw_cl
	shldw %cl, %si, %di
END shldw_cl
SNIP shrdw_cl
	shrdw %cl, %si, %di
END shrdw_cl
SNIP shld_imm
	shldq $13, %rsi, %rdi
	shrdl $5, %esi, %edx
END shld_imm

/* ---- multiply and divide ---- */
.irp op, mul, imul
SNIP \op\()b
	\op\()b %sil
END \op\()b
SNIP \op\()w
	\op\()w %si
END \op\()w
SNIP \op\()l
	\op\()l %esi
END \op\()l
SNIP \op\()q
	\op\()q %rsi
END \op\()q
.endr
SNIP imul2q
	imulq %rsi, %rdi
END imul2q
SNIP imul2l
	imull %esi, %edi
END imul2l
SNIP imul2w
	imulw %si, %di
END imul2w
SNIP imul3
	imulq $-1234567, %rsi, %rdi
	imull $77, %esi, %edx
END imul3
SNIP imul3w
	imulw $-300, %si, %di
END imul3w
.irp op, div, idiv
SNIP \op\()b
	\op\()b %sil
END \op\()b
SNIP \op\()w
	\op\()w %si
END \op\()w
SNIP \op\()l
	\op\()l %esi
END \op\()l
SNIP \op\()q
	\op\()q %rsi
END \op\()q
.endr

/* ---- bit operations ---- */
.irp op, bt, bts, btr, btc
SNIP \op\()q
	\op\()q %rsi, %rdi
END \op\()q
SNIP \op\()l
	\op\()l %esi, %edi
END \op\()l
SNIP \op\()w
	\op\()w %si, %di
END \op\()w
SNIP \op\()_imm
	\op\()q $45, %rdi
	\op\()l $3, %esi
END \op\()_imm
SNIP \op\()q_mem
	subq $32, %rsp
	movq %rdi, 0(%rsp)
	movq %rdx, 8(%rsp)
	movq %rax, 16(%rsp)
	andq $127, %rsi
	subq $64, %rsi
	\op\()q %rsi, 8(%rsp)
	movq 0(%rsp), %rdi
	movq 8(%rsp), %rdx
	movq 16(%rsp), %rax
	addq $32, %rsp
END \op\()q_mem
.endr
SNIP bsfq
	bsfq %rsi, %rdi
END bsfq
SNIP bsrq
	bsrq %rsi, %rdi
END bsrq
SNIP bsfl
	bsfl %esi, %edi
END bsfl
SNIP bsrw
	bsrw %si, %di
END bsrw
SNIP tzcntq
	tzcntq %rsi, %rdi
END tzcntq
SNIP tzcntl
	tzcntl %esi, %edi
END tzcntl
SNIP bswap
	bswapq %rdi
	bswapl %esi
END bswap

/* ---- moves and conversions ---- */
SNIP movx
	movzbl %sil, %eax
	movzwq %si, %rbx
	movsbl %dil, %ecx
	movsbq %dil, %rdx
	movswl %di, %r8d
	movswq %di, %r9
	movslq %edi, %r10
	movzbw %dil, %r11w
	movb %ah, %bh
	movq %rsi, %r13
	movl %esi, %r14d
	movw %si, %r15w
END movx
SNIP cbw_family
	movq %rdi, %rax
	cbtw
	movq %rax, %rbx
	movq %rdi, %rax
	cwtl
	movq %rax, %rcx
	movq %rdi, %rax
	cltq
	movq %rax, %r8
	movq %rsi, %rax
	cwtd
	movq %rdx, %r9
	movq %rsi, %rax
	cltd
	movq %rdx, %r10
	movq %rsi, %rax
	cqto
END cbw_family
SNIP lea
	leaq 0x10(%rdi,%rsi,4), %rax
	leal -8(%rsi,%rdi), %ebx
	leaq (,%rsi,8), %rcx
	leaq 0x12345678(%rdi), %rdx
	leaw 3(%rdi,%rsi,2), %r8w
	leaq (%r12,%r13,2), %r9
	leaq 0x20(%rbp,%r14), %r10
	leaq (%r13), %r11
END lea
SNIP xchg
	xchgq %rdi, %rsi
	xchgl %eax, %edx
	xchgb %bl, %cl
	xchgw %r8w, %r9w
	xchgq %rax, %r10
	pushq %r11
	xchgq %r12, (%rsp)
	popq %r11
END xchg
SNIP xadd
	xaddq %rsi, %rdi
	xaddl %eax, %edx
	pushq %r8
	lock xaddq %r9, (%rsp)
	popq %r8
END xadd
SNIP cmpxchg
	cmpxchgq %rsi, %rdi
	movq %rdi, %rbx
	cmpxchgl %edx, %ecx
	pushq %r8
	lock cmpxchgq %r9, (%rsp)
	popq %r8
END cmpxchg
SNIP lahf_sahf
	lahf
	movq %rax, %rbx
	movq %rdi, %rax
	sahf
END lahf_sahf
SNIP pushf_popf
	pushfq
	popq %rbx
	pushq %rdi
	andq $0x8d5, (%rsp)
	popfq
END pushf_popf
SNIP flags_ops
	stc
	setc %al
	cmc
	setc %bl
	clc
	adcq $0, %rcx
END flags_ops
SNIP push_pop
	pushq %rdi
	pushw %si
	pushq $-7
	pushq $0x12345678
	popq %rax
	popq %rbx
	popw %cx
	popq %rdx
END push_pop
SNIP call_ret
	call 1f
	jmp 2f
1:	movq (%rsp), %rax
	subq %rax, %rax
	addq $1, %rdi
	ret
2:	addq $2, %rdi
END call_ret
SNIP loop_jcc
	xorl %eax, %eax
	movl $37, %ecx
1:	addq %rcx, %rax
	cmpq $10, %rcx
	jae 2f
	addq $1000, %rax
2:	loop 1b
	jrcxz 3f
	movq $-1, %rax
3:
END loop_jcc
SNIP enter_leave
	movq %rsp, %rbx
	enter $32, $0
	movq %rbp, %rcx
	subq %rsp, %rcx
	movq %rdi, -8(%rbp)
	leave
	subq %rsp, %rbx
END enter_leave
.irp cc, o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
SNIP cmov\cc
	cmov\cc\()q %rsi, %rdi
	cmov\cc\()l %esi, %edx
	set\cc %al
	j\cc 1f
	movq $77, %rbx
1:
END cmov\cc
.endr

/* ---- hints, fences, nops ---- */
SNIP nops
	nop
	pause
	nopl (%rax)
	nopw 0(%rax,%rax,1)
	.byte 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0
	xchgw %ax, %ax
	lfence
	mfence
	sfence
	clflush (%rsp)
	prefetcht0 (%rsp)
	movl $1, %eax
END nops
SNIP cmpxchg8b_ne
	pushq %r8
	lock cmpxchg8b (%rsp)
	popq %r8
END cmpxchg8b_ne
SNIP cmpxchg8b_eq
	movq %r8, %rax
	movq %r8, %rdx
	shrq $32, %rdx
	pushq %r8
	cmpxchg8b (%rsp)
	popq %r8
END cmpxchg8b_eq

/* ---- string instructions on the stack ---- */
SNIP string
	subq $256, %rsp
	movq %rsp, %rdi
	movq %rsi, %rax
	movl $32, %ecx
	rep stosq
	movq %rsp, %rsi
	leaq 128(%rsp), %rdi
	movl $13, %ecx
	rep movsb
	movq %rsp, %rsi
	leaq 128(%rsp), %rdi
	movl $16, %ecx
	repe cmpsb
	movq %rcx, %r8
	leaq 128(%rsp), %rdi
	movq $0, %rax
	movl $32, %ecx
	repne scasb
	movq %rcx, %r9
	movq %rsp, %rsi
	lodsl
	movq %rax, %r10
	std
	leaq 255(%rsp), %rdi
	movb $0x5a, %al
	movl $3, %ecx
	rep stosb
	cld
	movq 248(%rsp), %r11
	movq 128(%rsp), %r12
	movq 136(%rsp), %r13
	addq $256, %rsp
	xorl %esi, %esi
	xorl %edi, %edi
END string

SNIP string2
	subq $512, %rsp
	movq %rsp, %rdi
	movl $64, %ecx
1:	movq %rsi, (%rdi)
	addq %rdx, %rsi
	addq $8, %rdi
	loop 1b
	/* single moves of every size */
	movq %rsp, %rsi
	leaq 256(%rsp), %rdi
	movsb
	movsw
	movsl
	movsq
	/* backwards rep movsq and movsw overlapping */
	std
	leaq 248(%rsp), %rsi
	leaq 504(%rsp), %rdi
	movl $10, %ecx
	rep movsq
	leaq 100(%rsp), %rsi
	leaq 102(%rsp), %rdi
	movl $7, %ecx
	rep movsw
	cld
	/* forward overlapping byte copy: a pattern fill */
	leaq 300(%rsp), %rsi
	leaq 301(%rsp), %rdi
	movl $50, %ecx
	rep movsb
	/* loads and scans of every size */
	movq %rsp, %rsi
	lodsb
	movq %rax, %r8
	lodsw
	movq %rax, %r9
	lodsq
	movq %rax, %r10
	movq 16(%rsp), %rax
	movq %rsp, %rdi
	movl $64, %ecx
	repne scasq
	movq %rcx, %r11
	leaq 256(%rsp), %rsi
	movq %rsp, %rdi
	movl $8, %ecx
	repe cmpsw
	movq %rcx, %r12
	pushfq
	popq %r13
	andl $0x8d5, %r13d
	movq 300(%rsp), %r14
	movq 500(%rsp), %r15
	movq 104(%rsp), %rbx
	movq 340(%rsp), %rbp
	addq $512, %rsp
	xorl %esi, %esi
	xorl %edi, %edi
END string2

	.section .note.GNU-stack, "", @progbits
