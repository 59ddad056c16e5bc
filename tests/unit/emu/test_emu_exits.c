/* test_emu_exits.c: how a run ends besides hlt: unsupported opcodes
 * (emulation failure with the instruction bytes, RIP unchanged), MMIO
 * exits for unbacked memory (nothing committed), fetches from unbacked
 * memory, the instruction budget and the attention word. */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "emu_fixture.h"

GSNIP(popcnt);
GSNIP(vmcall);
GSNIP(mmio_read);
GSNIP(mmio_write);
GSNIP(fetch_unbacked);
GSNIP(spin);
GSNIP(write_rcx);
GSNIP(rep_long);
GSNIP(store_twice);

static struct fx f;

static void teardown(void)
{
	fx_fini(&f);
}

TestSuite(emu_exits, .fini = teardown);

static void assert_bytes(const uint8_t *want, size_t n)
{
	uint8_t raw[16];

	cr_assert_eq(f.run->exit_reason, KVM_EXIT_INTERNAL_ERROR);
	cr_assert_eq(f.run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
	cr_assert_eq(f.run->internal.ndata, 3);
	cr_assert_eq(f.run->internal.data[0], KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES);
	memcpy(raw, &f.run->internal.data[1], 16);
	cr_assert_geq(raw[0], n);
	cr_assert_leq(raw[0], 15);
	cr_assert_arr_eq(raw + 1, want, n);
}

Test(emu_exits, popcnt_is_an_emulation_failure_with_bytes)
{
	static const uint8_t want[] = {0xf3, 0x48, 0x0f, 0xb8, 0xc0};

	fx_init64(&f);
	GLOAD(&f, FX_CODE, popcnt);
	f.regs.rax = 0xff;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	assert_bytes(want, sizeof(want));
	cr_assert_eq(f.regs.rip, FX_CODE, "RIP unchanged");
	cr_assert_eq(f.regs.rax, 0xff);
}

Test(emu_exits, vmcall_is_an_emulation_failure)
{
	static const uint8_t want[] = {0x0f, 0x01, 0xc1};

	fx_init64(&f);
	GLOAD(&f, FX_CODE, vmcall);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	assert_bytes(want, sizeof(want));
	cr_assert_eq(f.regs.rip, FX_CODE);
}

Test(emu_exits, mmio_read_and_write_commit_nothing)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, mmio_read);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_MMIO);
	cr_assert_eq(f.run->mmio.phys_addr, 0xc0001008ull, "through a 1 GiB page");
	cr_assert_eq(f.run->mmio.len, 8);
	cr_assert_eq(f.run->mmio.is_write, 0);
	cr_assert_eq(f.regs.rax, 7, "destination untouched");
	cr_assert_eq(f.regs.rip, FX_CODE + 17, "RIP at the load");

	fx_fini(&f);
	fx_init64(&f);
	GLOAD(&f, FX_CODE, mmio_write);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_MMIO);
	cr_assert_eq(f.run->mmio.phys_addr, 0xc0002004ull);
	cr_assert_eq(f.run->mmio.len, 4);
	cr_assert_eq(f.run->mmio.is_write, 1);
}

Test(emu_exits, page_refused_for_writing_is_mmio)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, write_rcx);
	f.ro_page = FX_DATA;
	f.regs.rcx = FX_DATA + 0x10;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_MMIO);
	cr_assert_eq(f.run->mmio.phys_addr, FX_DATA + 0x10);
	cr_assert_eq(f.run->mmio.is_write, 1);
	cr_assert_eq(f.regs.rip, FX_CODE);
}

Test(emu_exits, fetch_from_unbacked_memory)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, fetch_unbacked);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_INTERNAL_ERROR);
	cr_assert_eq(f.run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
	cr_assert_eq(f.run->internal.ndata, 1, "no bytes");
	cr_assert_eq(f.run->internal.data[0], 0);
	cr_assert_eq(f.regs.rip, 0xc0003000ull);
}

Test(emu_exits, budget_and_attention)
{
	uint32_t attention = 0;
	uint64_t before;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, spin);
	before = emu_insns(f.cpu);
	cr_assert_eq(emu_run(f.cpu, 1000, &attention), EMU_EXIT_BUDGET);
	cr_assert_eq(emu_insns(f.cpu) - before, 1000);
	cr_assert_eq(f.regs.rax, 500);
	attention = 1;
	cr_assert_eq(emu_run(f.cpu, 1000, &attention), EMU_EXIT_BUDGET);
	cr_assert_eq(emu_insns(f.cpu) - before, 1000, "nothing runs with attention set");
	cr_assert_eq(emu_run(f.cpu, 0, NULL), EMU_EXIT_BUDGET);
	cr_assert_eq(f.regs.rax, 500);
}

Test(emu_exits, long_rep_yields_and_resumes)
{
	uint64_t before;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, rep_long);
	/* Backwards (element by element) over 300000 bytes, then forwards
	 * (page chunks) 160000 qwords from there to 0x580000. */
	f.regs.rax = 0xa5;
	f.regs.rdi = FX_DATA + 300000 - 1;
	f.regs.rcx = 300000;
	f.regs.rsi = FX_DATA;
	f.regs.rbx = 0x580000;
	f.regs.rdx = 160000;
	before = emu_insns(f.cpu);
	cr_assert_eq(emu_run(f.cpu, 3, NULL), EMU_EXIT_BUDGET);
	cr_assert_eq(f.regs.rip, FX_CODE + 1, "still at the rep stosb");
	cr_assert_eq(f.regs.rcx, 300000 - 2 * 65536, "two slices done");
	cr_assert_eq(fx_run(&f, 1000), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rcx, 0);
	for (uint64_t i = 0; i < 160000 * 8; i += 997) {
		uint8_t want = i < 300000 ? 0xa5 : 0;

		cr_assert_eq(f.ram[FX_DATA + i], want, "stos at %llu", (unsigned long long)i);
		cr_assert_eq(f.ram[0x580000 + i], want, "movs at %llu", (unsigned long long)i);
	}
	cr_assert_eq(f.regs.rdi, 0x580000 + 160000 * 8);
	cr_assert_eq(f.regs.rsi, FX_DATA + 160000 * 8);
	cr_assert_gt(emu_insns(f.cpu) - before, 7, "the rep ran in slices");
}

static sigjmp_buf guard_jb;

static void guard_handler(int sig)
{
	(void)sig;
	siglongjmp(guard_jb, 1);
}

Test(emu_exits, abandon_after_a_host_fault_mid_instruction)
{
	struct sigaction sa = {.sa_handler = guard_handler}, old;
	volatile unsigned len = 99;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, store_twice);
	f.regs.rcx = FX_DATA + 8;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_IO, "first store done, translation cached");
	/* The page goes away under the cached translation, as a balloon
	 * race would do it to the hypervisor. */
	cr_assert_eq(mprotect(f.ram + FX_DATA, 4096, PROT_NONE), 0);
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGSEGV, &sa, &old), 0);
	if (sigsetjmp(guard_jb, 1) == 0)
		fx_run(&f, 100);
	else
		len = emu_abandon(f.cpu);
	sigaction(SIGSEGV, &old, NULL);
	cr_assert_eq(mprotect(f.ram + FX_DATA, 4096, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(len, 8, "size of the store in progress");
	cr_assert_eq(f.regs.rip, FX_CODE + 16, "RIP at the faulting store");
	cr_assert_eq(f.regs.rax, 1, "registers of the run stored");
	cr_assert_eq(fx_get(&f, FX_DATA + 8, 8), 0x77);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT, "restarts at the store");
	cr_assert_eq(fx_get(&f, FX_DATA + 8, 8), 0x78);
}
