/* hv_emu_run.c: one "KVM_RUN" on the software CPU: interrupt delivery
 * between instructions, HLT as a sleep until an interrupt can be taken,
 * kicks, and the guard that turns a host fault on guest RAM (a frame the
 * balloon or a grant unmap took away under a cached translation) into the
 * MMIO exit KVM would report. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "hv_emu_int.h"
#include "hv_smp.h"
#include "hv_time.h"
#include "hv_upcall.h"
#include "hv_wait.h"

/* Instructions per emu_run: bounds how long a kick signal (which only sets
 * run->immediate_exit) waits to be seen; ~1 ms of guest code. */
#define CHUNK 65536u
/* A halted vCPU re-checks immediate_exit this often: a kick signal cannot
 * wake the condition variable it sleeps on. */
#define HLT_POLL_NS 20000000ull
#define RFLAGS_IF 0x200u

/* ---- the guard ---- */

static __thread sigjmp_buf *guard_jmp;
static __thread uint8_t *guard_lo, *guard_hi;
static __thread uint8_t *guard_addr;
static __thread int guard_write;
static struct sigaction old_segv, old_bus;

static void guard_handler(int sig, siginfo_t *si, void *ucv)
{
	uint8_t *a = si->si_addr;
	struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;

	if (guard_jmp && a >= guard_lo && a < guard_hi) {
		sigjmp_buf *j = guard_jmp;
		const ucontext_t *uc = ucv;

		guard_jmp = NULL;
		guard_addr = a;
		guard_write = sig == SIGSEGV && (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
		siglongjmp(*j, 1);
	}
	/* Not ours: whoever handled it before (a sanitizer), else the
	 * default action when the instruction faults again. */
	if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
		old->sa_sigaction(sig, si, ucv);
	} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
	} else {
		signal(sig, SIG_DFL);
	}
}

int hv_emu_guard_init(void)
{
	static int done;
	struct sigaction sa;

	if (done)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guard_handler;
	sigemptyset(&sa.sa_mask);
	/* NODEFER: siglongjmp leaves the handler without restoring the mask. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	if (sigaction(SIGSEGV, &sa, &old_segv) < 0 || sigaction(SIGBUS, &sa, &old_bus) < 0)
		return -errno;
	done = 1;
	return 0;
}

/* emu_run (vector < 0) or the delivery of an external interrupt, under
 * the guard: both touch guest RAM (an interrupt pushes its frame). */
static enum emu_exit guarded(struct hv_emu_vcpu *e, uint64_t budget, int vector)
{
	const struct hv_mem *m = &e->v->dom->mem;
	struct kvm_run *run = e->v->run;
	sigjmp_buf jb;
	enum emu_exit x;

	if (sigsetjmp(jb, 0)) {
		/* The instruction did not complete: registers as at its start
		 * (RIP on it), cached translations dropped. */
		unsigned len = emu_abandon(e->cpu);

		run->exit_reason = KVM_EXIT_MMIO;
		memset(&run->mmio, 0, sizeof(run->mmio));
		run->mmio.phys_addr = (uint64_t)(guard_addr - m->base);
		run->mmio.is_write = (uint8_t)guard_write;
		run->mmio.len = len ? len : 1;
		return EMU_EXIT_KVM;
	}
	guard_lo = m->base;
	guard_hi = m->base + m->span;
	guard_jmp = &jb;
	x = vector < 0 ? emu_run(e->cpu, budget, &e->attention)
		       : emu_interrupt(e->cpu, (uint8_t)vector);
	guard_jmp = NULL;
	return x;
}

/* ---- interrupts ---- */

static bool interrupt_wanted(const struct hv_emu_vcpu *e)
{
	return e->extint >= 0 || hv_emu_apic_pending(&e->apic) >= 0;
}

/* One external interrupt through the IDT if the window is open: the
 * queued ExtINT (type-2 callback) first, then the APIC's best vector.
 * 1 delivered, 0 not, -1 an exit in run instead (a triple fault, or the
 * guard's MMIO exit when the frame could not be pushed). */
static int deliver(struct hv_emu_vcpu *e)
{
	int vec;

	if (!emu_interrupt_window(e->cpu))
		return 0;
	if (e->extint >= 0) {
		vec = e->extint;
		e->extint = -1;
	} else if ((vec = hv_emu_apic_pending(&e->apic)) >= 0) {
		hv_emu_apic_ack(&e->apic, (uint8_t)vec);
	} else {
		return 0;
	}
	return guarded(e, 0, vec) == EMU_EXIT_KVM ? -1 : 1;
}

/* ---- HLT ---- */

static bool hlt_done(struct hv_vcpu *v, void *ctx)
{
	struct hv_emu_vcpu *e = ctx;

	return __atomic_load_n(&e->attention, __ATOMIC_ACQUIRE) || v->run->immediate_exit ||
	       hv_smp_must_park(v);
}

static bool must_leave(struct hv_vcpu *v)
{
	return v->run->immediate_exit || v->stop ||
	       atomic_load_explicit(&v->dom->dying, memory_order_relaxed) || hv_smp_must_park(v);
}

/* Sleeps until something needs the vCPU's attention: an interrupt
 * (attention set by the sender, who also wakes us), a kick, a pause. */
static void halt_wait(struct hv_vcpu *v, struct hv_emu_vcpu *e)
{
	hv_vcpu_wait(v, hlt_done, e, hv_monotonic_ns() + HLT_POLL_NS);
}

/* ---- the run ---- */

static void report_window(struct hv_emu_vcpu *e, struct kvm_run *run)
{
	run->if_flag = (e->v->regs->rflags & RFLAGS_IF) != 0;
	run->ready_for_interrupt_injection = e->extint < 0 && emu_interrupt_window(e->cpu);
}

int hv_emu_run(struct hv_vcpu *v)
{
	struct hv_emu_vcpu *e = v->emu;
	struct kvm_run *run = v->run;
	bool halted = false;

	/* Registers are live in the sync area; changed segments or control
	 * registers (as KVM_SYNC_X86_SREGS would load) need a new mode. */
	if (run->kvm_dirty_regs & KVM_SYNC_X86_SREGS)
		emu_sregs_changed(e->cpu);
	run->kvm_dirty_regs = 0;
	for (;;) {
		uint64_t gen;
		enum emu_exit x;
		int d;

		if (must_leave(v)) {
			/* As KVM: a halted vCPU resumes halted (RIP is past hlt
			 * only if the interrupt was taken, which it was not). */
			e->halted = halted;
			run->exit_reason = KVM_EXIT_INTR;
			report_window(e, run);
			return -EINTR;
		}
		/* A full barrier: cleared before the checks below read what
		 * senders publish ahead of setting it. */
		(void)__atomic_exchange_n(&e->attention, 0, __ATOMIC_SEQ_CST);
		hv_upcall_pre_run(v); /* a type-2 callback owed: e->extint */
		gen = atomic_load_explicit(&v->dom->mem_gen, memory_order_acquire);
		if (gen != e->mem_gen) {
			e->mem_gen = gen;
			emu_flush_tlb(e->cpu);
		}
		halted |= e->halted;
		e->halted = false;
		if ((d = deliver(e)) < 0) {
			report_window(e, run);
			return 0;
		}
		if (d > 0)
			halted = false;
		if (halted) {
			halt_wait(v, e);
			continue;
		}
		/* Pending but masked: the interpreter stops where RFLAGS.IF
		 * and the end of an interrupt shadow open the window. */
		run->request_interrupt_window = interrupt_wanted(e);
		x = guarded(e, CHUNK, -1);
		run->request_interrupt_window = 0;
		if (x == EMU_EXIT_BUDGET)
			continue;
		if (x == EMU_EXIT_HLT) {
			halted = true;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IRQ_WINDOW_OPEN)
			continue;
		report_window(e, run);
		return 0;
	}
}
