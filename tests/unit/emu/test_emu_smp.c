/* test_emu_smp.c: two software CPUs on two threads sharing guest RAM:
 * lock inc, lock cmpxchg loops, lock xadd and xchg are atomic on guest
 * memory. Also prints the interpreter's speed on a simple loop (a figure,
 * not an assertion). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "emu_fixture.h"

GSNIP(atomic_loop);
GSNIP(bench_loop);

#define ITER 20000u

struct vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_run *run;
	struct emu_cpu *cpu;
	enum emu_exit result;
};

static struct fx f;

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;

	v->result = emu_run(v->cpu, ~0ull, NULL);
	return NULL;
}

Test(emu_smp, locked_operations_are_atomic)
{
	struct vcpu v[2];
	pthread_t t[2];

	fx_init64(&f);
	GLOAD(&f, FX_CODE, atomic_loop);
	for (int i = 0; i < 2; i++) {
		v[i].regs = f.regs;
		v[i].regs.rbx = FX_DATA;
		v[i].regs.rcx = ITER;
		v[i].regs.rsp = FX_STACK_TOP - i * 0x1000;
		v[i].sregs = f.sregs;
		v[i].run = aligned_alloc(4096, 8192);
		cr_assert(v[i].run);
		memset(v[i].run, 0, 8192);
		v[i].cpu = fx_cpu_new(&f, &v[i].regs, &v[i].sregs, v[i].run);
		cr_assert(v[i].cpu);
	}
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, vcpu_thread, &v[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(v[i].result, EMU_EXIT_HLT, "vCPU %d exit %u", i,
			     v[i].run->exit_reason);
		emu_cpu_free(v[i].cpu);
		free(v[i].run);
	}
	cr_assert_eq(*fx_q(&f, FX_DATA), 2 * ITER, "lock inc");
	cr_assert_eq(*fx_q(&f, FX_DATA + 8), 2 * ITER, "lock cmpxchg loop");
	cr_assert_eq(*fx_q(&f, FX_DATA + 16), 2 * ITER, "lock xadd");
	cr_assert_eq(*fx_q(&f, FX_DATA + 24), 1, "xchg");
	fx_fini(&f);
}

Test(emu_smp, speed_figure)
{
	struct timespec a, b;
	uint64_t n, before;
	double s;

	fx_init64(&f);
	GLOAD(&f, FX_CODE, bench_loop);
	f.regs.rcx = 2000000;
	before = emu_insns(f.cpu);
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(fx_run(&f, ~0ull), EMU_EXIT_HLT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	n = emu_insns(f.cpu) - before;
	cr_assert_eq(n, 2000000ull * 9 + 2, "every instruction counted");
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	cr_log_info("software CPU: %llu instructions in %.3f s: %.1f M instructions/s",
		    (unsigned long long)n, s, (double)n / s / 1e6);
	fx_fini(&f);
}
