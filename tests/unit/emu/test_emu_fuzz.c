/* test_emu_fuzz.c: hostile code. Random instruction bytes with random
 * registers, in long mode and in 32-bit mode, over a fresh fake machine:
 * every run must end in a defined way (hlt, budget, an exit KVM knows)
 * without touching host memory outside guest RAM (run it under ASan). */
#include <criterion/criterion.h>
#include <string.h>

#include "emu_fixture.h"

#define HANDLER 0x180000u
#define RUNS 20000u

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Register values: mostly addresses inside guest RAM, some anything. */
static uint64_t reg_value(void)
{
	uint64_t r = rnd();

	switch (r & 3) {
	case 0:
		return rnd();
	case 1:
		return (r >> 8) & 0xff;
	default:
		return FX_DATA + ((r >> 8) & 0xfffff);
	}
}

static bool known_exit(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_IO:
	case KVM_EXIT_MMIO:
	case KVM_EXIT_SHUTDOWN:
	case KVM_EXIT_INTERNAL_ERROR:
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		return true;
	default:
		return false;
	}
}

static void run_random(bool long_mode)
{
	static struct fx f;
	unsigned kinds[4] = {0};

	for (unsigned i = 0; i < RUNS; i++) {
		uint8_t code[48];
		enum emu_exit e;

		if (i % 500 == 0) {
			if (i)
				fx_fini(&f);
			if (long_mode)
				fx_init64(&f);
			else
				fx_init32(&f);
			for (unsigned v = 0; v < 32; v++)
				fx_gate(&f, (uint8_t)v, HANDLER, 0xe, 0);
			f.ram[HANDLER] = 0xf4;
		}
		for (size_t k = 0; k < sizeof(code); k++)
			code[k] = (uint8_t)rnd();
		fx_load_bytes(&f, FX_CODE, code, sizeof(code));
		f.ram[FX_CODE + sizeof(code)] = 0xf4;
		for (unsigned r = 0; r < 16; r++)
			((uint64_t *)&f.regs)[r] = reg_value();
		f.regs.rsp = FX_STACK_TOP - (rnd() & 0xff0);
		f.regs.rip = FX_CODE;
		f.regs.rflags = 2 | (rnd() & 0xcd5);
		f.run->request_interrupt_window = 0;
		e = fx_run(&f, 64);
		cr_assert(e == EMU_EXIT_BUDGET || e == EMU_EXIT_HLT || e == EMU_EXIT_KVM,
			  "run %u: %d", i, e);
		if (e == EMU_EXIT_KVM)
			cr_assert(known_exit(f.run->exit_reason), "run %u: exit %u", i,
				  f.run->exit_reason);
		if (e == EMU_EXIT_KVM && f.run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
			cr_assert_eq(f.run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
			cr_assert(f.run->internal.ndata == 1 || f.run->internal.ndata == 3);
		}
		kinds[e]++;
		/* Whatever the code did to the machine's state: back to sane
		 * control state for the next run (RAM stays as it was left,
		 * the tables are rebuilt every 500 runs). */
		if (long_mode) {
			f.sregs.cr0 = 0x80010033;
			f.sregs.cr3 = FX_PML4;
			f.sregs.cr4 = 0x20;
			f.sregs.efer = 0xd00;
		} else {
			f.sregs.cr0 = 0x11;
			f.sregs.efer = 0;
		}
		f.sregs.idt.base = FX_IDT;
		f.sregs.idt.limit = 0xfff;
		f.sregs.gdt.base = FX_GDT;
		f.sregs.gdt.limit = 0x1f;
		f.sregs.cs.selector = long_mode ? FX_SEL_CODE64 : FX_SEL_CODE32;
		f.sregs.cs.l = long_mode;
		f.sregs.cs.db = !long_mode;
		f.sregs.cs.dpl = 0;
		f.sregs.cs.base = 0;
		f.sregs.ss = f.sregs.ds;
		f.sregs.fs.base = f.sregs.gs.base = 0;
		memcpy(&f.sregs.ss, &f.sregs.ds, sizeof(f.sregs.ds));
		emu_sregs_changed(f.cpu);
	}
	fx_fini(&f);
	cr_log_info("%u random runs: budget %u, hlt %u, exits %u", RUNS, kinds[0], kinds[1],
		    kinds[2]);
}

Test(emu_fuzz, random_code_in_long_mode)
{
	run_random(true);
}

Test(emu_fuzz, random_code_in_32bit_mode)
{
	run_random(false);
}
