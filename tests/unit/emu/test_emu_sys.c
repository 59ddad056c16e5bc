/* test_emu_sys.c: the PVH boot path (32-bit flat entry to long mode
 * through the GDT), descriptor tables and far transfers, port I/O and
 * MSR exits with their completion, MSRs the CPU keeps, CPUID/RDTSC. */
#include <criterion/criterion.h>
#include <string.h>

#include "emu_fixture.h"

GSNIP(boot32);
GSNIP(boot64);
GSNIP(io);
GSNIP(msrs);
GSNIP(lgdt_far);
GSNIP(misc_sys);
GSNIP(ud2);
GSNIP(code32);

static struct fx f;

static void teardown(void)
{
	fx_fini(&f);
}

TestSuite(emu_sys, .fini = teardown);

Test(emu_sys, pvh_boot_path_to_long_mode)
{
	fx_init32(&f);
	GLOAD(&f, FX_CODE, boot32);
	GLOAD(&f, 0x100800, boot64);
	/* The GDT descriptor lgdt reads: limit, then a 32-bit base. */
	fx_put(&f, 0x300100, 2, 0x1f);
	fx_put(&f, 0x300102, 4, FX_GDT);
	f.sregs.gdt.base = 0;
	f.sregs.gdt.limit = 0;
	f.regs.rbx = 0xabcd;
	emu_sregs_changed(f.cpu);

	cr_assert_eq(fx_run(&f, 1000), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(*(uint32_t *)(void *)(f.ram + 0x300000), 0xabcd, "32-bit store");
	cr_assert_eq(f.sregs.gdt.base, FX_GDT);
	cr_assert_eq(f.sregs.gdt.limit, 0x1f);
	cr_assert(f.sregs.efer & 0x400, "EFER.LMA set by CR0.PG with LME: %llx",
		  (unsigned long long)f.sregs.efer);
	cr_assert(f.sregs.efer & 0x800, "NXE kept");
	cr_assert_eq(f.sregs.cs.selector, 0x08);
	cr_assert(f.sregs.cs.l, "CS.L from the descriptor");
	cr_assert_eq(f.sregs.ds.selector, 0x10);
	cr_assert_eq(f.sregs.ss.selector, 0x10);
	cr_assert_eq(f.regs.rbx, 0x123456789abcdef0ull, "64-bit push/pop");
	cr_assert_eq(f.regs.rcx, 0x80010033);
	cr_assert_eq(f.regs.rdx, 0x20);
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP);
	cr_assert_eq(f.regs.rip, 0x100800 + GLEN(boot64) + 1, "past the hlt");
	cr_assert_eq(f.cpuid_calls, 1);
}

Test(emu_sys, descriptor_tables_and_far_transfers)
{
	const uint64_t d = FX_DATA;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, lgdt_far);
	fx_put(&f, d, 2, 0x1f);
	fx_put(&f, d + 2, 8, FX_GDT);
	f.sregs.gdt.base = 0;
	f.regs.rbx = FX_DATA;
	emu_sregs_changed(f.cpu);

	cr_assert_eq(fx_run(&f, 1000), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(fx_get(&f, d + 16, 2), 0x1f, "sgdt limit");
	cr_assert_eq(fx_get(&f, d + 18, 8), FX_GDT, "sgdt base");
	cr_assert_eq(fx_get(&f, d + 32, 2), 0xfff, "sidt limit");
	cr_assert_eq(fx_get(&f, d + 34, 8), FX_IDT, "sidt base");
	cr_assert_eq(f.regs.rcx & 0xffff, 0x10, "mov from ss");
	cr_assert_eq(f.regs.rsi, 0x55, "far jump into 32-bit code ran");
	cr_assert_eq(f.sregs.cs.selector, 0x18);
	cr_assert(!f.sregs.cs.l && f.sregs.cs.db, "compatibility mode");
}

Test(emu_sys, port_io_exits_and_completion)
{
	uint8_t *data;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, io);
	data = (uint8_t *)f.run;

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_IO);
	cr_assert_eq(f.run->io.direction, KVM_EXIT_IO_OUT);
	cr_assert_eq(f.run->io.port, 0x80);
	cr_assert_eq(f.run->io.size, 1);
	cr_assert_eq(f.run->io.count, 1);
	cr_assert_eq(f.run->io.data_offset, 4096);
	cr_assert_eq(data[4096], 0x41);
	cr_assert_eq(f.regs.rip, FX_CODE + 4, "OUT: RIP past the instruction at the exit");

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->io.port, 0x1234);
	cr_assert_eq(f.run->io.size, 4);
	cr_assert_eq(*(uint32_t *)(void *)(data + 4096), 0x12345678);

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->io.direction, KVM_EXIT_IO_IN);
	cr_assert_eq(f.run->io.port, 0x71);
	cr_assert_eq(f.run->io.size, 1);
	data[4096] = 0x9c;

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM, "IN completed, next IN exits");
	cr_assert_eq((uint8_t)f.regs.rbx, 0x9c, "IN data in AL");
	cr_assert_eq(f.regs.rbx >> 8, 0x123456, "AL only");
	cr_assert_eq(f.run->io.port, 0x1234);
	cr_assert_eq(f.run->io.size, 4);
	memcpy(data + 4096, "\x01\x02\x03\x04", 4);
	f.regs.rax = ~0ull;

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rax, 0x04030201, "32-bit IN zero-extends");
}

Test(emu_sys, msrs_kept_by_ops_and_exits)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, msrs);
	*(uint64_t *)(void *)(f.ram + FX_DATA + 8) = 0xf5f5;
	*(uint64_t *)(void *)(f.ram + FX_DATA + 0x10) = 0x6060;
	*(uint64_t *)(void *)(f.ram + FX_DATA + 0x20) = 0x2020;

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_X86_RDMSR);
	cr_assert_eq(f.run->msr.index, FX_MSR_USER);
	cr_assert_eq(f.regs.rip, FX_CODE + 5, "RIP at the rdmsr");
	f.run->msr.data = 0x0102030405060708ull;
	f.run->msr.error = 0;

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.regs.rbx, 0x05060708);
	cr_assert_eq(f.regs.rsi, 0x01020304);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_X86_WRMSR);
	cr_assert_eq(f.run->msr.index, FX_MSR_USER);
	cr_assert_eq(f.run->msr.data, 0x11223344aabbccddull);
	f.run->msr.error = 0;

	cr_assert_eq(fx_run(&f, 1000), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.msr_fake, 0x55, "wrmsr through ops");
	cr_assert_eq(f.regs.rdi, 0x55, "rdmsr through ops");
	cr_assert_eq(f.regs.r8, 0xd00, "EFER");
	cr_assert_eq(f.sregs.fs.base, FX_DATA, "FS_BASE");
	cr_assert_eq(f.regs.r9, 0xf5f5, "fs-relative load");
	cr_assert_eq(f.regs.r10, 0x6060, "gs-relative load");
	cr_assert_eq(f.regs.r11, 0x2020, "swapgs took KERNEL_GS_BASE");
	cr_assert_eq(f.sregs.gs.base, FX_DATA + 0x20);
	cr_assert_eq(f.cpuid_calls, 1);
	cr_assert_eq(f.regs.rax, (uint32_t)f.tsc, "rdtsc through ops");
	cr_assert_eq(f.regs.rdx, f.tsc >> 32);
}

Test(emu_sys, cr8_clts_smsw_rdtscp_segment_pushes_and_bad_selector)
{
	static const uint8_t handler[] = {0x41, 0x5e, 0x48, 0x83, 0x04, 0x24, 0x02, 0x48, 0xcf};

	fx_init64(&f);
	GLOAD(&f, FX_CODE, misc_sys);
	/* #GP handler: pop the error code into r14, skip 2 bytes, iretq. */
	fx_load_bytes(&f, 0x180000, handler, sizeof(handler));
	fx_gate(&f, 13, 0x180000, 0xe, 0);
	f.sregs.cr0 |= 8; /* TS */
	f.sregs.fs.selector = 0x10;
	emu_sregs_changed(f.cpu);
	cr_assert_eq(fx_run(&f, 1000), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rbx, 5, "CR8");
	cr_assert_eq(f.sregs.cr8, 5);
	cr_assert_eq(f.sregs.cr0 & 8, 0, "clts");
	cr_assert_eq(f.regs.r8, 0x80010033, "smsw r32: CR0 after clts");
	cr_assert_eq(f.regs.r9, 0, "rdtscp: TSC_AUX");
	cr_assert_eq(f.regs.rdx, 0x10, "push fs");
	cr_assert_eq(f.sregs.gs.selector, 0x10, "pop gs");
	cr_assert_eq(f.regs.rsi & 0xffff, 0x10);
	cr_assert_eq(f.regs.r14, 0x40, "#GP(selector) beyond the GDT limit");
	cr_assert_eq(f.sregs.ds.selector, 0x10, "DS unchanged");
	cr_assert_eq(f.regs.rdi, 0x77, "resumed");
}

Test(emu_sys, ist_stack_from_the_tss)
{
	const uint64_t tss = 0x310000, ist1 = 0x1e0000;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, ud2);
	f.ram[0x180000] = 0xf4;
	fx_gate(&f, 6, 0x180000, 0xe, 1);
	fx_put(&f, tss + 0x24, 8, ist1);
	f.sregs.tr.base = tss;
	emu_sregs_changed(f.cpu);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rip, 0x180001);
	cr_assert_eq(f.regs.rsp, ist1 - 40, "frame on the IST stack");
	cr_assert_eq(fx_get(&f, ist1 - 16, 8), FX_STACK_TOP, "old RSP saved");
}

Test(emu_sys, code_in_32bit_mode)
{
	fx_init32(&f);
	GLOAD(&f, FX_CODE, code32);
	for (unsigned i = 0; i < 5; i++)
		fx_put(&f, FX_DATA + 4 * i, 4, 0xf0 + i);
	f.regs.rbx = 100;
	f.regs.rdi = 1;
	cr_assert_eq(fx_run(&f, 1000), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rax, 6, "0x40 is inc in 32-bit code");
	cr_assert_eq(f.regs.rbx, 99, "0x4b is dec");
	cr_assert_eq(f.regs.rcx, 0, "rep movsl counted down");
	cr_assert_eq(f.regs.rdx, FX_CODE + 18, "call pushed a 32-bit return address");
	cr_assert_eq(f.regs.rbp & 0xffff, 7, "16-bit push/pop");
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP, "stack balanced");
	for (unsigned i = 0; i < 5; i++)
		cr_assert_eq(fx_get(&f, FX_DATA + 0x100 + 4 * i, 4), 0xf0 + i);
	cr_assert_eq(f.regs.rsi, 0xfffffff0, "movsbl sign-extends");
	cr_assert_eq(f.regs.rdi, 0x300114);
}
