/* boot.S: PVH entry. Xen ELF notes, the 32-bit entry that switches to long
 * mode on static identity-mapped page tables, and the boot stack.
 *
 * Every guest kernel-mode instruction may be emulated (~0.5 us each on some
 * KVM hosts), so this path is straight-line: the page tables are data in
 * the image, not built by a loop, and BSS is left to the loader. */

#include <pvabi/elfnote.h>

#define CR0_PE (1 << 0)
#define CR0_ET (1 << 4)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CPUID_EXT_NX_BIT 20

#define GDT_CODE64 0x08
#define GDT_DATA 0x10

#define BOOT_STACK_SIZE 16384

/* ---- Xen ELF notes (PT_NOTE) ------------------------------------------ */

/* XEN_NOTE type: open a "Xen" note whose descriptor follows up to
 * XEN_NOTE_END (4-byte aligned). */
.macro XEN_NOTE type
	.p2align 2
	.long 4			/* namesz: "Xen\0" */
	.long 2f - 1f		/* descsz */
	.long \type
	.asciz "Xen"
1:
.endm
.macro XEN_NOTE_END
2:	.p2align 2
.endm

	.section .note.Xen, "a", @note
	XEN_NOTE XEN_ELFNOTE_PHYS32_ENTRY
	.long pvabi_pvh_entry32
	XEN_NOTE_END
	XEN_NOTE XEN_ELFNOTE_GUEST_OS
	.asciz "pvabi"
	XEN_NOTE_END
	XEN_NOTE XEN_ELFNOTE_XEN_VERSION
	.asciz "xen-3.0"
	XEN_NOTE_END
	XEN_NOTE XEN_ELFNOTE_LOADER
	.asciz "generic"
	XEN_NOTE_END

/* ---- 32-bit entry ----------------------------------------------------- */

/* Entered in 32-bit flat protected mode, paging off, EBX = physical
 * address of the hvm_start_info, no stack. */
	.section .text.boot32, "ax"
	.code32
	.globl pvabi_pvh_entry32
	.type pvabi_pvh_entry32, @function
pvabi_pvh_entry32:
	movl %ebx, pvabi_start_info_gpa
	lgdt boot_gdt_desc

	movl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pvabi_boot_pml4, %eax
	movl %eax, %cr3

	/* EFER.LME, plus NXE when CPUID 0x80000001 EDX[20] says NX exists. */
	movl $0x80000000, %eax
	cpuid
	xorl %esi, %esi
	cmpl $0x80000001, %eax
	jb 1f
	movl $0x80000001, %eax
	cpuid
	btl $CPUID_EXT_NX_BIT, %edx
	jnc 1f
	movl $EFER_NXE, %esi
1:	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	orl %esi, %eax
	wrmsr

	movl $(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $GDT_CODE64, $entry64
	.size pvabi_pvh_entry32, . - pvabi_pvh_entry32

/* ---- 64-bit ----------------------------------------------------------- */

	.section .text.boot, "ax"
	.code64
entry64:
	movl $GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs

	/* No BSS clearing: the loader zero-fills every PT_LOAD segment up to
	 * p_memsz (SPEC.md §1.1; Xen's loader does the same), and an emulated
	 * `rep stosq` costs about a microsecond per 8 bytes. */
	movq $boot_stack_top, %rsp
	movl pvabi_start_info_gpa(%rip), %edi
	call pvabi_start
2:	cli
	hlt
	jmp 2b

/* ---- Data ------------------------------------------------------------- */

	.section .data.pvabi_boot, "aw"
	.p2align 3
pvabi_start_info_gpa:
	.long 0
	.long 0

	.p2align 3
boot_gdt:
	.quad 0				/* null */
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: data, 4 GiB, DPL 0 */
boot_gdt_end:

	.p2align 3
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

/* Identity map of [0, 4 GiB): PML4[0] -> PDPT, PDPT[0..3] -> 4 PDs of
 * 512 entries, each a present, writable 2 MiB page. */
#define PTE_PRW 0x003
#define PTE_PS_PRW 0x083

	.section .data.pvabi_pagetables, "aw"
	.p2align 12
	.globl pvabi_boot_pml4
pvabi_boot_pml4:
	.quad pvabi_boot_pdpt + PTE_PRW
	.fill 511, 8, 0

	.globl pvabi_boot_pdpt
pvabi_boot_pdpt:
	.quad pvabi_boot_pd + 0x0000 + PTE_PRW
	.quad pvabi_boot_pd + 0x1000 + PTE_PRW
	.quad pvabi_boot_pd + 0x2000 + PTE_PRW
	.quad pvabi_boot_pd + 0x3000 + PTE_PRW
	.fill 508, 8, 0

	.globl pvabi_boot_pd
pvabi_boot_pd:
	.set pde, 0
	.rept 2048
	.quad (pde << 21) | PTE_PS_PRW
	.set pde, pde + 1
	.endr

	.section .bss.pvabi_stack, "aw", @nobits
	.p2align 4
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
