/* test_emu_paging.c: the 4-level page walk: #PF error codes and CR2 for
 * absent, read-only (with and without CR0.WP) and no-execute pages,
 * accessed and dirty bits, a write across a page boundary that faults on
 * the second page, invlpg, non-canonical addresses. */
#include <criterion/criterion.h>

#include "emu_fixture.h"

GSNIP(read_rbx);
GSNIP(write_rcx);
GSNIP(write8_rcx);
GSNIP(jmp_rdx);
GSNIP(invlpg);
GSNIP(paging32);

#define HANDLER 0x180000u
#define PAGE(i) (FX_PT_BASE + (i)*4096ull)

static struct fx f;

static void teardown(void)
{
	fx_fini(&f);
}

static void setup(void)
{
	fx_init64(&f);
	f.ram[HANDLER] = 0xf4;
	fx_gate(&f, 14, HANDLER, 0xe, 0);
	fx_gate(&f, 13, HANDLER, 0xe, 0);
}

TestSuite(emu_paging, .init = setup, .fini = teardown);

static uint64_t stack_q(unsigned i)
{
	return *fx_q(&f, f.regs.rsp + 8 * i);
}

/* Runs to the handler's hlt; returns the #PF error code. */
static uint64_t run_to_fault(void)
{
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rip, HANDLER + 1, "fault handler reached (rip %llx)",
		     (unsigned long long)f.regs.rip);
	return stack_q(0);
}

Test(emu_paging, not_present_read)
{
	GLOAD(&f, FX_CODE, read_rbx);
	*fx_pte(&f, 5) = 0;
	f.regs.rbx = PAGE(5) + 0x10;
	cr_assert_eq(run_to_fault(), 0);
	cr_assert_eq(f.sregs.cr2, PAGE(5) + 0x10);
	cr_assert_eq(stack_q(1), FX_CODE, "RIP of the faulting load");
}

Test(emu_paging, read_only_write_with_and_without_wp)
{
	GLOAD(&f, FX_CODE, write_rcx);
	*fx_pte(&f, 6) = PAGE(6) | 1;
	f.regs.rcx = PAGE(6) + 8;
	cr_assert_eq(run_to_fault(), 3, "P|W");
	cr_assert_eq(f.sregs.cr2, PAGE(6) + 8);
	cr_assert_eq(*fx_q(&f, PAGE(6) + 8), 0, "nothing written");

	f.sregs.cr0 &= ~(1ull << 16);
	emu_sregs_changed(f.cpu);
	f.regs.rip = FX_CODE;
	f.regs.rsp = FX_STACK_TOP;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rip, FX_CODE + GLEN(write_rcx) + 1);
	cr_assert_eq(*fx_q(&f, PAGE(6) + 8), 0x77, "supervisor write allowed without WP");
}

Test(emu_paging, no_execute_fetch)
{
	GLOAD(&f, FX_CODE, jmp_rdx);
	*fx_pte(&f, 7) = PAGE(7) | 3 | (1ull << 63);
	f.ram[PAGE(7)] = 0xf4;
	f.regs.rdx = PAGE(7);
	cr_assert_eq(run_to_fault(), 0x11, "P|I");
	cr_assert_eq(f.sregs.cr2, PAGE(7));
	cr_assert_eq(stack_q(1), PAGE(7), "RIP of the target");
}

Test(emu_paging, nx_bit_without_nxe_is_reserved)
{
	GLOAD(&f, FX_CODE, read_rbx);
	f.sregs.efer &= ~(1ull << 11);
	emu_sregs_changed(f.cpu);
	*fx_pte(&f, 7) = PAGE(7) | 3 | (1ull << 63);
	f.regs.rbx = PAGE(7);
	cr_assert_eq(run_to_fault(), 9, "P|RSVD");
}

Test(emu_paging, accessed_and_dirty_bits)
{
	GLOAD(&f, FX_CODE, read_rbx);
	*fx_pte(&f, 8) = PAGE(8) | 3;
	*fx_q(&f, FX_PML4) &= ~0x20ull;
	f.regs.rbx = PAGE(8);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(*fx_pte(&f, 8) & 0x60, 0x20, "read: A only");
	cr_assert(*fx_q(&f, FX_PML4) & 0x20, "A on the upper levels");
	cr_assert(*fx_q(&f, FX_PD + 3 * 8) & 0x20);

	GLOAD(&f, FX_CODE, write_rcx);
	f.regs.rip = FX_CODE;
	f.regs.rcx = PAGE(8);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(*fx_pte(&f, 8) & 0x60, 0x60, "write: A and D");
	cr_assert_eq(*fx_q(&f, PAGE(8)), 0x77);
}

Test(emu_paging, write_across_pages_faults_on_second_without_writing)
{
	GLOAD(&f, FX_CODE, write8_rcx);
	*fx_pte(&f, 11) = PAGE(11) | 1;
	f.regs.rcx = PAGE(11) - 4;
	cr_assert_eq(run_to_fault(), 3);
	cr_assert_eq(f.sregs.cr2, PAGE(11), "CR2 at the second page");
	cr_assert_eq(*fx_q(&f, PAGE(11) - 8), 0, "first page untouched");

	*fx_pte(&f, 11) = PAGE(11) | 3;
	emu_flush_tlb(f.cpu);
	f.regs.rip = FX_CODE;
	f.regs.rsp = FX_STACK_TOP;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(fx_get(&f, PAGE(11) - 4, 8), ~0ull, "split write done");
}

Test(emu_paging, invlpg_drops_the_cached_translation)
{
	GLOAD(&f, FX_CODE, invlpg);
	*fx_q(&f, PAGE(12)) = 0x1111;
	*fx_q(&f, PAGE(13)) = 0x2222;
	f.regs.rbx = PAGE(12);
	f.regs.rdi = FX_PT + 12 * 8;
	f.regs.rsi = PAGE(13) | 3;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rax, 0x1111);
	cr_assert_eq(f.regs.r9, 0x2222, "after invlpg the new mapping is used");
}

Test(emu_paging, non_canonical_is_gp)
{
	GLOAD(&f, FX_CODE, read_rbx);
	f.regs.rbx = 0x0000800000000000ull;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rip, HANDLER + 1);
	cr_assert_eq(stack_q(0), 0, "#GP(0)");
	cr_assert_eq(f.sregs.cr2, 0, "no CR2 for #GP");
}

static void put32(uint64_t gpa, uint32_t v)
{
	fx_put(&f, gpa, 4, v);
}

Test(emu_paging, legacy_two_level_paging_with_4m_pages)
{
	fx_fini(&f);
	fx_init32(&f);
	GLOAD(&f, FX_CODE, paging32);
	/* PD at 0x8000: [0] identity 4 MiB through the PT at 0x9000, [1] a PT
	 * at 0xa000 mapping 0x400000 to FX_DATA, [2] a 4 MiB page at 0. */
	for (uint32_t i = 0; i < 1024; i++)
		put32(0x9000 + i * 4, i * 4096 | 3);
	put32(0x8000, 0x9000 | 3);
	put32(0x8004, 0xa000 | 3);
	put32(0x8008, 0x83);
	put32(0xa000, FX_DATA | 3);
	fx_put(&f, FX_DATA, 4, 0x12345678);
	f.regs.rbx = 0x8000;
	f.regs.rcx = 0x10; /* PSE */
	f.regs.rdx = 0x800000 + FX_DATA;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rsi, 0x12345678, "through a 4 KiB page");
	cr_assert_eq(f.regs.rdi, 0x12345678, "through a 4 MiB page");
	cr_assert_eq(fx_get(&f, FX_DATA + 4, 4), 0x99);
	cr_assert_eq(fx_get(&f, 0xa000, 4) & 0x60, 0x60, "A and D on the 4-byte PTE");
	cr_assert_eq(fx_get(&f, 0x8004, 4) & 0x20, 0x20, "A on the PDE");
	cr_assert_eq(fx_get(&f, 0x8008, 4) & 0x60, 0x20, "read-only use of the 4 MiB page: A only");
}

Test(emu_paging, legacy_pae_paging)
{
	fx_fini(&f);
	fx_init32(&f);
	GLOAD(&f, FX_CODE, paging32);
	/* PDPT at 0xb000 -> PD at 0xc000: [0] 2 MiB identity, [2] PT at
	 * 0xd000 (0x400000 -> FX_DATA), [4] 2 MiB page at 0x200000. */
	fx_put(&f, 0xb000, 8, 0xc000 | 1);
	fx_put(&f, 0xc000, 8, 0x83);
	fx_put(&f, 0xc010, 8, 0xd000 | 3);
	fx_put(&f, 0xc020, 8, 0x200000 | 0x83);
	fx_put(&f, 0xd000, 8, FX_DATA | 3);
	fx_put(&f, FX_DATA, 4, 0xcafe);
	f.regs.rbx = 0xb000;
	f.regs.rcx = 0x20; /* PAE */
	f.regs.rdx = 0x900000;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rsi, 0xcafe);
	cr_assert_eq(f.regs.rdi, 0xcafe, "through a 2 MiB page");
	cr_assert_eq(fx_get(&f, 0xd000, 8) & 0x60, 0x60, "A and D");
	cr_assert_eq(fx_get(&f, 0xb000, 8) & 0x20, 0, "no A bit in a PDPTE");
	cr_assert_eq(f.sregs.efer & 0x400, 0, "not long mode");
}
