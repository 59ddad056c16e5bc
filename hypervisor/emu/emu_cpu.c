/* emu_cpu.c: the software CPU's life cycle and run loop: register sync
 * with the caller's kvm_regs, completion of pending IN/RDMSR/WRMSR exits,
 * the decode-execute loop, and the exception path (an instruction that
 * faults is abandoned with longjmp and the exception delivered through the
 * IDT; nested faults become #DF, then a triple fault: with no IDT, as in
 * the PVH entry's 32-bit code, any exception ends in a shutdown). */
#include <stdlib.h>

#include "emu_int.h"

struct emu_cpu *emu_cpu_new(const struct emu_ops *ops, struct kvm_regs *regs,
			    struct kvm_sregs *sregs, struct kvm_run *run, size_t run_size)
{
	struct emu_cpu *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ops = *ops;
	c->regs = regs;
	c->sregs = sregs;
	c->run = run;
	c->run_size = run_size;
	/* Port I/O data after struct kvm_run, at the page boundary when the
	 * caller gave a second page as KVM does. */
	if (run_size >= 4096 + 8)
		c->io_offset = 4096;
	else
		c->io_offset = (sizeof(*run) + 7) & ~7u;
	c->pat = 0x0007040600070406ull;
	emu_sregs_changed(c);
	return c;
}

void emu_cpu_free(struct emu_cpu *c)
{
	free(c);
}

void emu_mode_update(struct emu_cpu *c)
{
	struct kvm_sregs *s = c->sregs;

	c->lma = (s->efer & EMU_EFER_LMA) != 0;
	c->code64 = c->lma && s->cs.l;
	c->paging = (s->cr0 & EMU_CR0_PG) != 0;
	c->defsize = (c->code64 || s->cs.db) ? 4 : 2;
	c->cpl = s->cs.dpl & 3;
	c->fetch_vpn = EMU_TLB_INVALID;
}

void emu_sregs_changed(struct emu_cpu *c)
{
	emu_mode_update(c);
	emu_tlb_flush(c);
}

void emu_flush_tlb(struct emu_cpu *c)
{
	emu_tlb_flush(c);
}

uint64_t emu_insns(const struct emu_cpu *c)
{
	return c->insns;
}

bool emu_interrupt_window(const struct emu_cpu *c)
{
	return (c->regs->rflags & EMU_IF) && !c->shadow_next;
}

/* ---- register sync ---- */

static void load_regs(struct emu_cpu *c)
{
	const struct kvm_regs *r = c->regs;

	c->gpr[EMU_RAX] = r->rax;
	c->gpr[EMU_RCX] = r->rcx;
	c->gpr[EMU_RDX] = r->rdx;
	c->gpr[EMU_RBX] = r->rbx;
	c->gpr[EMU_RSP] = r->rsp;
	c->gpr[EMU_RBP] = r->rbp;
	c->gpr[EMU_RSI] = r->rsi;
	c->gpr[EMU_RDI] = r->rdi;
	c->gpr[8] = r->r8;
	c->gpr[9] = r->r9;
	c->gpr[10] = r->r10;
	c->gpr[11] = r->r11;
	c->gpr[12] = r->r12;
	c->gpr[13] = r->r13;
	c->gpr[14] = r->r14;
	c->gpr[15] = r->r15;
	c->rip = r->rip;
	c->rflags = (r->rflags & EMU_FLAGS_WRITABLE) | 2;
}

static void store_regs(struct emu_cpu *c)
{
	struct kvm_regs *r = c->regs;

	r->rax = c->gpr[EMU_RAX];
	r->rcx = c->gpr[EMU_RCX];
	r->rdx = c->gpr[EMU_RDX];
	r->rbx = c->gpr[EMU_RBX];
	r->rsp = c->gpr[EMU_RSP];
	r->rbp = c->gpr[EMU_RBP];
	r->rsi = c->gpr[EMU_RSI];
	r->rdi = c->gpr[EMU_RDI];
	r->r8 = c->gpr[8];
	r->r9 = c->gpr[9];
	r->r10 = c->gpr[10];
	r->r11 = c->gpr[11];
	r->r12 = c->gpr[12];
	r->r13 = c->gpr[13];
	r->r14 = c->gpr[14];
	r->r15 = c->gpr[15];
	r->rip = c->rip;
	r->rflags = c->rflags;
}

/* ---- abandoning an instruction ---- */

_Noreturn void emu_raise_err(struct emu_cpu *c, uint8_t vec, uint32_t err)
{
	c->exc_vec = vec;
	c->exc_has_err = true;
	c->exc_err = err;
	longjmp(c->jb, EMU_ABORT_EXC);
}

_Noreturn void emu_raise(struct emu_cpu *c, uint8_t vec)
{
	bool err = vec == EMU_X_DF || (vec >= EMU_X_TS && vec <= EMU_X_PF) || vec == EMU_X_AC;

	c->exc_vec = vec;
	c->exc_has_err = err;
	c->exc_err = 0;
	longjmp(c->jb, EMU_ABORT_EXC);
}

_Noreturn void emu_exit_kvm(struct emu_cpu *c)
{
	longjmp(c->jb, EMU_ABORT_EXIT);
}

void emu_fill_internal_error(struct emu_cpu *c, bool with_bytes)
{
	struct kvm_run *run = c->run;
	uint8_t raw[16] = {0};

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	if (!with_bytes || !c->in.len) {
		/* No bytes: the hypervisor fetches them itself if it can. */
		run->internal.ndata = 1;
		run->internal.data[0] = 0;
		return;
	}
	raw[0] = c->in.len;
	memcpy(raw + 1, c->in.bytes, c->in.len);
	run->internal.ndata = 3;
	run->internal.data[0] = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	memcpy(&run->internal.data[1], raw, sizeof(raw));
}

_Noreturn void emu_unsupported(struct emu_cpu *c)
{
	/* Report the whole instruction where it can be fetched (ModRM and
	 * what follows are not decoded for an unknown opcode). */
	uint64_t lin = c->in.rip + c->in.len;

	while (c->in.len < 15) {
		const struct emu_tlb_entry *e = emu_tlb_slot(c, lin, EMU_FETCH);

		/* Only pages already translated for fetching: no new walk. */
		if (e->tag[EMU_FETCH] != lin >> 12)
			break;
		c->in.bytes[c->in.len++] = e->host[lin & 0xfff];
		lin++;
	}
	emu_fill_internal_error(c, true);
	emu_exit_kvm(c);
}

/* ---- exceptions ---- */

static bool contributory(uint8_t vec)
{
	return vec == EMU_X_DE || (vec >= EMU_X_TS && vec <= EMU_X_GP);
}

static void shutdown(struct emu_cpu *c)
{
	c->run->exit_reason = KVM_EXIT_SHUTDOWN;
	c->delivering = 0;
}

/* Delivers c->exc_* (raised by an instruction or a delivery). Returns
 * false on a triple fault (run filled). A fault while delivering longjmps
 * back to the caller's setjmp, which calls this again. */
static bool deliver_exception(struct emu_cpu *c)
{
	uint8_t vec = c->exc_vec;
	bool has_err = c->exc_has_err;
	uint32_t err = c->exc_err;

	if (c->delivering) {
		uint8_t prev = (uint8_t)(c->delivering - 1);

		if (prev == EMU_X_DF) {
			shutdown(c);
			return false;
		}
		if ((contributory(prev) && contributory(vec)) ||
		    (prev == EMU_X_PF && (vec == EMU_X_PF || contributory(vec)))) {
			vec = EMU_X_DF;
			has_err = true;
			err = 0;
		}
	}
	c->delivering = vec + 1;
	emu_deliver(c, vec, has_err, err, false);
	c->delivering = 0;
	c->shadow_next = false;
	return true;
}

/* ---- completion of pending exits ---- */

static void complete_pending(struct emu_cpu *c)
{
	struct kvm_run *run = c->run;
	uint8_t kind = c->pending;

	c->pending = EMU_PEND_NONE;
	switch (kind) {
	case EMU_PEND_IN: {
		uint64_t v = 0;

		memcpy(&v, (uint8_t *)run + c->io_offset, c->pend_size);
		emu_reg_put(c, EMU_RAX, c->pend_size, v);
		c->rip = c->pend_rip;
		break;
	}
	case EMU_PEND_RDMSR:
		if (run->msr.error)
			emu_raise_err(c, EMU_X_GP, 0);
		c->gpr[EMU_RAX] = (uint32_t)run->msr.data;
		c->gpr[EMU_RDX] = run->msr.data >> 32;
		c->rip = c->pend_rip;
		break;
	case EMU_PEND_WRMSR:
		if (run->msr.error)
			emu_raise_err(c, EMU_X_GP, 0);
		c->rip = c->pend_rip;
		break;
	default:
		break;
	}
}

/* ---- the loop ---- */

static enum emu_exit loop(struct emu_cpu *c)
{
	const volatile uint32_t *att = c->attention;

	for (;;) {
		if (!c->budget || (att && *att))
			return EMU_EXIT_BUDGET;
		/* As KVM: with an interrupt waiting the caller asks to hear
		 * as soon as one can be taken. */
		if (__builtin_expect(c->run->request_interrupt_window, 0) && (c->rflags & EMU_IF) &&
		    !c->shadow_next) {
			c->run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
			return EMU_EXIT_KVM;
		}
		c->shadow_next = false;
		c->in.rip = c->rip;
		c->in.len = 0;
		c->acc_len = 0;
		emu_exec_one(c);
		c->insns++;
		c->budget--;
		if (__builtin_expect(c->halted, 0))
			return EMU_EXIT_HLT;
	}
	return EMU_EXIT_BUDGET;
}

enum emu_exit emu_run(struct emu_cpu *c, uint64_t max_insns, const volatile uint32_t *attention)
{
	volatile enum emu_exit r = EMU_EXIT_BUDGET;
	int why;

	load_regs(c);
	c->in.rip = c->rip;
	c->in.len = 0;
	c->budget = max_insns;
	c->attention = attention;
	for (;;) {
		why = setjmp(c->jb);
		if (why == EMU_ABORT_EXIT) {
			r = EMU_EXIT_KVM;
			break;
		}
		if (why == EMU_ABORT_EXC) {
			if (!deliver_exception(c)) {
				r = EMU_EXIT_KVM;
				break;
			}
			/* A delivery counts against the budget: a handler that
			 * faults at once must not keep emu_run busy forever. */
			if (c->budget)
				c->budget--;
			continue;
		}
		if (c->pending)
			complete_pending(c);
		c->halted = false;
		r = loop(c);
		break;
	}
	store_regs(c);
	c->run->if_flag = (c->rflags & EMU_IF) != 0;
	c->run->ready_for_interrupt_injection = emu_interrupt_window(c);
	return r;
}

enum emu_exit emu_interrupt(struct emu_cpu *c, uint8_t vector)
{
	volatile enum emu_exit r = EMU_EXIT_BUDGET;
	volatile bool first = true;
	int why;

	load_regs(c);
	c->in.len = 0;
	c->in.rip = c->rip;
	c->acc_len = 0;
	for (;;) {
		why = setjmp(c->jb);
		if (why == EMU_ABORT_EXIT) {
			r = EMU_EXIT_KVM;
			break;
		}
		if (why == EMU_ABORT_EXC) {
			if (!deliver_exception(c))
				r = EMU_EXIT_KVM;
			break;
		}
		if (!first)
			break;
		first = false;
		if (c->pending)
			complete_pending(c); /* the exit's instruction finishes first */
		c->delivering = 0;
		emu_deliver(c, vector, false, 0, true);
		c->shadow_next = false;
		break;
	}
	store_regs(c);
	c->run->if_flag = (c->rflags & EMU_IF) != 0;
	c->run->ready_for_interrupt_injection = emu_interrupt_window(c);
	return r;
}

unsigned emu_abandon(struct emu_cpu *c)
{
	unsigned len = c->acc_len;

	/* Nothing after a fault commits RIP: the instruction (or the event
	 * delivery, which changes RIP last) starts again from c->in.rip. */
	c->rip = c->in.rip;
	c->pending = EMU_PEND_NONE;
	c->delivering = 0;
	c->halted = false;
	c->budget = 0;
	c->acc_len = 0;
	store_regs(c);
	emu_tlb_flush(c);
	return len;
}
