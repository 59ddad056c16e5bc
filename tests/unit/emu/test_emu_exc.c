/* test_emu_exc.c: exceptions and interrupts in long mode: delivery
 * through 16-byte IDT gates (frame, error codes, IF for interrupt versus
 * trap gates), iretq, int n, #DE, #GP from an MSR, double and triple
 * faults, external interrupts with the interrupt window and the sti
 * shadow, and a fault in 32-bit code before any IDT. */
#include <criterion/criterion.h>

#include "emu_fixture.h"

GSNIP(ud2);
GSNIP(skip2_handler);
GSNIP(skip2_err_handler);
GSNIP(flags_handler);
GSNIP(int40);
GSNIP(div0);
GSNIP(rdmsr_gp);
GSNIP(sti_nop);
GSNIP(spin);
GSNIP(fault32);

#define HANDLER 0x180000u
#define HANDLER2 0x181000u

static struct fx f;

static void teardown(void)
{
	fx_fini(&f);
}

TestSuite(emu_exc, .fini = teardown);

static uint64_t stack_q(unsigned i)
{
	return *fx_q(&f, f.regs.rsp + 8 * i);
}

Test(emu_exc, ud2_delivers_frame_and_iretq_resumes)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, ud2);
	f.ram[HANDLER] = 0xf4; /* stop in the handler first */
	fx_gate(&f, 6, HANDLER, 0xe, 0);
	f.regs.rflags = 0x202 | 0x1;   /* IF, CF */
	f.regs.rsp = FX_STACK_TOP - 8; /* not 16-aligned: the CPU aligns */
	emu_sregs_changed(f.cpu);

	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rip, HANDLER + 1);
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP - 16 - 40, "frame below the 16-aligned RSP");
	cr_assert_eq(stack_q(0), FX_CODE + 5, "RIP of the ud2");
	cr_assert_eq(stack_q(1), 0x08, "CS");
	cr_assert_eq(stack_q(2), 0x203, "RFLAGS");
	cr_assert_eq(stack_q(3), FX_STACK_TOP - 8, "old RSP");
	cr_assert_eq(stack_q(4), 0x10, "SS");
	cr_assert_eq(f.regs.rflags & 0x200, 0, "interrupt gate clears IF");

	/* The real handler: skip the ud2 and iretq. */
	fx_fini(&f);
	fx_init64(&f);
	GLOAD(&f, FX_CODE, ud2);
	GLOAD(&f, HANDLER, skip2_handler);
	fx_gate(&f, 6, HANDLER, 0xe, 0);
	f.regs.rflags = 0x202;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rax, 2, "resumed after ud2");
	cr_assert_eq(f.regs.r15, 1, "handler ran once");
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP);
	cr_assert_eq(f.regs.rflags & 0x200, 0x200, "iretq restored IF");
}

Test(emu_exc, trap_gate_keeps_if_and_int_n_returns_after)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, int40);
	GLOAD(&f, HANDLER, flags_handler);
	fx_gate(&f, 0x40, HANDLER, 0xf, 0);
	f.regs.rflags = 0x202;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rbx & 0x200, 0x200, "trap gate: IF stays set in the handler");
	cr_assert_eq(f.regs.rcx, 6, "int returns after itself");
	cr_assert_eq(f.regs.rax, 5);
}

Test(emu_exc, divide_error_and_gp_error_code)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, div0);
	GLOAD(&f, HANDLER, skip2_handler);
	fx_gate(&f, 0, HANDLER, 0xe, 0);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.r15, 1, "#DE delivered");
	cr_assert_eq(f.regs.rbx, 9, "resumed");

	fx_fini(&f);
	fx_init64(&f);
	GLOAD(&f, FX_CODE, rdmsr_gp);
	GLOAD(&f, HANDLER, skip2_err_handler);
	fx_gate(&f, 13, HANDLER, 0xe, 0);
	f.regs.r14 = 0xdead;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.r15, 1, "#GP delivered");
	cr_assert_eq(f.regs.r14, 0, "#GP error code 0");
	cr_assert_eq(f.regs.rbx, 3);
}

Test(emu_exc, user_msr_error_becomes_gp)
{
	static const uint8_t code[] = {0xb9, 0x00, 0x4d, 0x56, 0x4b, 0x0f, 0x32, 0xbb, 3, 0, 0, 0};

	fx_init64(&f);
	fx_load(&f, FX_CODE, code, code + sizeof(code));
	GLOAD(&f, HANDLER, skip2_err_handler);
	fx_gate(&f, 13, HANDLER, 0xe, 0);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_X86_RDMSR);
	f.run->msr.error = 1;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.r15, 1, "#GP delivered for the refused MSR");
	cr_assert_eq(f.regs.rbx, 3);
}

Test(emu_exc, missing_gates_become_double_fault)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, ud2);
	f.ram[HANDLER] = 0xf4;
	fx_gate(&f, 8, HANDLER, 0xe, 0); /* only #DF; #UD and #NP absent */
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rip, HANDLER + 1, "#DF handler reached");
	cr_assert_eq(stack_q(0), 0, "#DF error code");
	cr_assert_eq(stack_q(1), FX_CODE + 5, "RIP of the faulting ud2");
}

Test(emu_exc, empty_idt_is_a_triple_fault)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, ud2);
	f.sregs.idt.limit = 0;
	f.sregs.idt.base = 0;
	emu_sregs_changed(f.cpu);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_SHUTDOWN);
	cr_assert_eq(f.regs.rip, FX_CODE + 5, "RIP at the ud2");
	cr_assert_eq(f.regs.rax, 1);
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP, "nothing pushed");
}

Test(emu_exc, fault_in_32bit_code_shuts_down)
{
	fx_init32(&f);
	GLOAD(&f, FX_CODE, fault32);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_SHUTDOWN);
	cr_assert_eq(f.regs.rip, FX_CODE + 5);
}

Test(emu_exc, idt_delivery_and_iret_in_32bit_mode)
{
	/* addl $2, (%esp); incl %edi; iret */
	static const uint8_t handler[] = {0x83, 0x04, 0x24, 0x02, 0x47, 0xcf};
	uint64_t gate = (HANDLER & 0xffff) | ((uint64_t)FX_SEL_CODE32 << 16) | (0x8eull << 40) |
			((uint64_t)(HANDLER >> 16) << 48);

	fx_init32(&f);
	GLOAD(&f, FX_CODE, fault32);
	f.ram[HANDLER] = 0xf4;
	fx_put(&f, FX_IDT + 6 * 8, 8, gate);
	f.sregs.idt.base = FX_IDT;
	f.sregs.idt.limit = 0xff;
	f.regs.rflags = 0x203;
	emu_sregs_changed(f.cpu);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rip, HANDLER + 1);
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP - 12, "three 32-bit words");
	cr_assert_eq(fx_get(&f, f.regs.rsp, 4), FX_CODE + 5, "EIP of the ud2");
	cr_assert_eq(fx_get(&f, f.regs.rsp + 4, 4), FX_SEL_CODE32);
	cr_assert_eq(fx_get(&f, f.regs.rsp + 8, 4), 0x203);
	cr_assert_eq(f.regs.rflags & 0x200, 0, "interrupt gate");

	fx_fini(&f);
	fx_init32(&f);
	GLOAD(&f, FX_CODE, fault32);
	fx_load_bytes(&f, HANDLER, handler, sizeof(handler));
	fx_put(&f, FX_IDT + 6 * 8, 8, gate);
	f.sregs.idt.base = FX_IDT;
	f.sregs.idt.limit = 0xff;
	f.regs.rflags = 0x202;
	emu_sregs_changed(f.cpu);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT, "exit %u", f.run->exit_reason);
	cr_assert_eq(f.regs.rdi & 0xffffffff, 1, "handler ran");
	cr_assert_eq(f.regs.rip, FX_CODE + 5 + 2 + 1, "resumed after ud2, then hlt");
	cr_assert_eq(f.regs.rsp, FX_STACK_TOP);
	cr_assert(f.regs.rflags & 0x200, "iret restored IF");
}

Test(emu_exc, external_interrupt_window_and_sti_shadow)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, sti_nop);
	GLOAD(&f, HANDLER, flags_handler);
	fx_gate(&f, 0x30, HANDLER, 0xe, 0);
	f.regs.rflags = 0x2;
	cr_assert_not(emu_interrupt_window(f.cpu), "IF clear");
	cr_assert_eq(fx_run(&f, 1), EMU_EXIT_BUDGET);
	cr_assert_eq(f.regs.rip, FX_CODE + 1);
	cr_assert(f.regs.rflags & 0x200);
	cr_assert_not(emu_interrupt_window(f.cpu), "shadow after sti");
	cr_assert_eq(fx_run(&f, 1), EMU_EXIT_BUDGET);
	cr_assert(emu_interrupt_window(f.cpu), "open after the next instruction");

	cr_assert_eq(emu_interrupt(f.cpu, 0x30), EMU_EXIT_BUDGET);
	cr_assert_eq(f.regs.rip, HANDLER);
	cr_assert_eq(stack_q(0), FX_CODE + 2, "interrupted RIP");
	cr_assert_eq(stack_q(2) & 0x200, 0x200, "saved IF");
	cr_assert_eq(f.regs.rflags & 0x200, 0);
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_HLT);
	cr_assert_eq(f.regs.rbx & 0x200, 0, "IF clear inside the handler");
	cr_assert_eq(f.regs.rip, FX_CODE + 4, "back, then the appended hlt");
}

Test(emu_exc, interrupt_window_exit_on_request)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, sti_nop);
	f.regs.rflags = 0x2;
	f.run->request_interrupt_window = 1;
	cr_assert_eq(fx_run(&f, 100), EMU_EXIT_KVM);
	cr_assert_eq(f.run->exit_reason, KVM_EXIT_IRQ_WINDOW_OPEN);
	cr_assert_eq(f.regs.rip, FX_CODE + 2, "after sti and the shadowed nop");
	cr_assert(f.run->if_flag);
	cr_assert(f.run->ready_for_interrupt_injection);
}

Test(emu_exc, interrupt_with_bad_gate_faults_into_handler)
{
	fx_init64(&f);
	GLOAD(&f, FX_CODE, spin);
	GLOAD(&f, HANDLER, skip2_err_handler);
	fx_gate(&f, 11, HANDLER, 0xe, 0); /* #NP */
	f.ram[HANDLER] = 0xf4;
	fx_gate(&f, 0x31, HANDLER2, 0xe, 0);
	*fx_q(&f, FX_IDT + 0x31 * 16) &= ~(1ull << 47); /* not present */
	f.regs.rflags = 0x202;
	cr_assert_eq(emu_interrupt(f.cpu, 0x31), EMU_EXIT_BUDGET,
		     "gate 0x31 absent: #NP instead (exit %u)", f.run->exit_reason);
	cr_assert_eq(f.regs.rip, HANDLER);
	cr_assert_eq(stack_q(0), 0x31 * 8 + 2 + 1, "IDT, external");
}
