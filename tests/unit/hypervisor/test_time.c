/* test_time.c: PV clock math (scale, monotonic updates, the version
 * protocol, the wall clock), the timer thread's bookkeeping (order,
 * cancel, periodic), and the timer and block/poll hypercalls on a fake
 * vCPU without KVM. */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include <pvabi/errno.h>
#include <pvabi/sched.h>
#include <pvabi/shared_info.h>
#include <pvabi/vcpu.h>

#include "evtchn.h"
#include "hc.h"
#include "hv_cpuid.h"
#include "hv_pvclock.h"
#include "hv_time.h"
#include "hv_timer.h"
#include "hv_vtime.h"
#include "hv_wait.h"

/* ---- PV clock math ---- */

Test(pvclock, scale_of_known_frequencies)
{
	uint32_t mul;
	int8_t shift;

	/* 1 GHz: 1 ns per tick = (tick << 1) * 2^31 >> 32. */
	hv_tsc_to_ns_scale(1000000, &mul, &shift);
	cr_assert_eq(mul, 0x80000000u);
	cr_assert_eq(shift, 1);
	cr_assert_eq(hv_pvclock_scale(1000, mul, shift), 1000);
	/* 2.3 GHz: 1e6 / 2.3e6 = (2e6 / 2.3e6) / 2 -> mul = 2^32 * 20 / 23. */
	hv_tsc_to_ns_scale(2300000, &mul, &shift);
	cr_assert_eq(mul, 3734754170u);
	cr_assert_eq(shift, -1);
	uint64_t ns = hv_pvclock_scale(2300000000ull, mul, shift);
	cr_assert(ns >= 999999999 && ns <= 1000000000, "1 s of ticks -> %lu ns", ns);
	/* 500 MHz: 2 ns per tick needs a left shift of 2. */
	hv_tsc_to_ns_scale(500000, &mul, &shift);
	cr_assert_eq(shift, 2);
	cr_assert_eq(hv_pvclock_scale(500, mul, shift), 1000);
	/* A day of ticks at 3 GHz does not overflow. */
	hv_tsc_to_ns_scale(3000000, &mul, &shift);
	ns = hv_pvclock_scale(86400ull * 3000000000ull, mul, shift);
	cr_assert(ns > 86399999000000ull && ns <= 86400000000000ull, "%lu", ns);
}

Test(pvclock, read_and_update_stay_monotonic)
{
	struct hv_pvclock p = { 0 };

	hv_pvclock_update(&p, 1000000, 5000, 1000000); /* 1 GHz */
	cr_assert_eq(p.system_time, 5000);
	cr_assert_eq(hv_pvclock_read(&p, 1000000 + 700), 5700);
	cr_assert_eq(hv_pvclock_read(&p, 10), 5000, "TSC before the timestamp");
	/* The host clock says 5500 ns where the guest already reads 5700: the
	 * published value must not go back. */
	hv_pvclock_update(&p, 1000700, 5500, 1000000);
	cr_assert_eq(p.system_time, 5700);
	cr_assert_eq(p.tsc_timestamp, 1000700);
	/* A later host time is taken as is. */
	hv_pvclock_update(&p, 1000800, 9000, 1000000);
	cr_assert_eq(p.system_time, 9000);
}

Test(pvclock, version_protocol_and_fields)
{
	struct vcpu_time_info ti;
	struct hv_pvclock p = { .tsc_timestamp = 123, .system_time = 456, .mul = 789, .shift = -2 };

	memset(&ti, 0, sizeof(ti));
	hv_pvclock_write(&ti, &p, 0);
	cr_assert_eq(ti.version, 2);
	cr_assert_eq(ti.tsc_timestamp, 123);
	cr_assert_eq(ti.system_time, 456);
	cr_assert_eq(ti.tsc_to_system_mul, 789);
	cr_assert_eq(ti.tsc_shift, -2);
	cr_assert_eq(ti.flags, 0);
	ti.version = 7; /* a guest scribbled an odd value */
	hv_pvclock_write(&ti, &p, 0);
	cr_assert_eq(ti.version % 2, 0, "version %u must end even", ti.version);
	cr_assert(ti.version > 7);
}

Test(pvclock, wallclock_fields)
{
	static struct shared_info s;
	uint64_t ns = 0x123456789ull * 1000000000ull + 987654321ull; /* beyond 2^32 s */

	hv_wallclock_write(&s, ns);
	cr_assert_eq(s.wc_version, 2);
	cr_assert_eq(s.wc_sec, 0x23456789u);
	cr_assert_eq(s.wc_sec_hi, 0x1u);
	cr_assert_eq(s.wc_nsec, 987654321u);
}

/* ---- timer thread ---- */

#define MS 1000000ull
static int order[8], nr_fired;

static void record(struct hv_timer *t)
{
	if (nr_fired < 8)
		order[nr_fired++] = (int)(intptr_t)t->ctx;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int fired(void)
{
	int n;
	hv_timer_lock();
	n = nr_fired;
	hv_timer_unlock();
	return n;
}

static void reset(void)
{
	nr_fired = 0;
	memset(order, 0, sizeof(order));
}

TestSuite(timer, .init = reset, .fini = hv_timer_shutdown, .timeout = 30);

Test(timer, expire_in_deadline_order_not_before)
{
	static struct hv_timer a, b, c;
	uint64_t now = hv_monotonic_ns();

	cr_assert_eq(hv_timer_arm(&c, record, (void *)3, now + 30 * MS, 0), 0);
	cr_assert_eq(hv_timer_arm(&a, record, (void *)1, now + 10 * MS, 0), 0);
	cr_assert_eq(hv_timer_arm(&b, record, (void *)2, now + 20 * MS, 0), 0);
	cr_assert(hv_timer_armed(&a));
	while (fired() < 3 && hv_monotonic_ns() < now + 5000 * MS)
		sleep_ms(1);
	cr_assert(hv_monotonic_ns() >= now + 30 * MS, "fired early");
	cr_assert_eq(fired(), 3);
	cr_assert_eq(order[0], 1);
	cr_assert_eq(order[1], 2);
	cr_assert_eq(order[2], 3);
	cr_assert(!hv_timer_armed(&a) && !hv_timer_armed(&c), "one-shot timers disarm");
}

Test(timer, cancel_and_rearm)
{
	static struct hv_timer a, b;
	uint64_t now = hv_monotonic_ns();

	hv_timer_arm(&a, record, (void *)1, now + 20 * MS, 0);
	hv_timer_arm(&b, record, (void *)2, now + 5 * MS, 0);
	hv_timer_cancel(&b);
	/* Re-arming replaces the deadline rather than adding one. */
	hv_timer_arm(&a, record, (void *)1, now + 40 * MS, 0);
	sleep_ms(80);
	cr_assert_eq(fired(), 1);
	cr_assert_eq(order[0], 1);
	hv_timer_cancel(&a); /* cancelling a disarmed timer is harmless */
}

Test(timer, periodic_fires_until_cancelled)
{
	static struct hv_timer p;

	hv_timer_arm(&p, record, (void *)5, hv_monotonic_ns() + 5 * MS, 5 * MS);
	while (fired() < 4)
		sleep_ms(1);
	hv_timer_cancel(&p);
	int n = fired();
	sleep_ms(30);
	cr_assert_eq(fired(), n, "fired after cancel");
	cr_assert(!hv_timer_armed(&p));
}

/* ---- hypercalls on a fake vCPU ---- */

#define MEM (16ull << 20)
#define BUF 0x10000ull

static struct hv_domain dom;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct hv_vcpu vcpu;

static void hc_setup(void)
{
	cr_assert_eq(hv_domain_init(&dom, 1, -1), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-time"), 0);
	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	sregs.cr0 = 0x11;
	vcpu = (struct hv_vcpu){ .dom = &dom, .regs = &regs, .sregs = &sregs, .fd = -1 };
	hv_wait_init(&vcpu);
	dom.vcpus[0] = &vcpu;
	dom.nr_vcpus = 1;
	hv_vtime_start(&vcpu, 0, 2000000);
}

static void hc_teardown(void)
{
	hv_vtime_fini(&vcpu);
	hv_timer_shutdown();
	hv_wait_fini(&vcpu);
	hv_domain_fini(&dom);
}

static int64_t call(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	regs.rax = nr, regs.rdi = a1, regs.rsi = a2, regs.rdx = a3;
	return hc_dispatch(&vcpu);
}

static void *g(uint64_t gpa)
{
	return dom.mem.base + gpa;
}

TestSuite(hc_time, .init = hc_setup, .fini = hc_teardown, .timeout = 30);

Test(hc_time, pvclock_published_in_vcpu_info)
{
	struct vcpu_info *vi = atomic_load(&dom.evtchn->vcpu[0].info);
	struct vcpu_time_info t;

	cr_assert(vi, "vCPU 0 has its shared_info slot");
	t = vi->time;
	cr_assert_eq(t.version % 2, 0);
	cr_assert(t.version >= 2);
	cr_assert_eq(t.tsc_to_system_mul, 0x80000000u); /* 2 GHz: 0.5 ns per tick */
	cr_assert_eq(t.tsc_shift, 0);
	uint64_t now = hv_system_time_ns(&dom);
	cr_assert(t.system_time <= now && now - t.system_time < 1000 * MS, "%lu vs %lu",
		  t.system_time, now);
	cr_assert(dom.evtchn->shinfo->wc_sec > 1600000000u, "wall clock %u", dom.evtchn->shinfo->wc_sec);
}

Test(hc_time, singleshot_argument_checks)
{
	struct vcpu_set_singleshot_timer *s = g(BUF);

	*s = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future };
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_singleshot_timer, 0, BUF), -XEN_ETIME);
	cr_assert(!hv_timer_armed(&vcpu.vtime.singleshot));
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_singleshot_timer, 0, 0xf0000000ull),
		     -XEN_EFAULT);
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_singleshot_timer, 1, BUF), -XEN_ENOENT);
	s->timeout_abs_ns = hv_system_time_ns(&dom) + 10000 * MS;
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_singleshot_timer, 0, BUF), 0);
	cr_assert(hv_timer_armed(&vcpu.vtime.singleshot));
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0);
	cr_assert(!hv_timer_armed(&vcpu.vtime.singleshot));
}

Test(hc_time, set_timer_op_arms_and_zero_cancels)
{
	cr_assert_eq(call(HYPERCALL_set_timer_op, hv_system_time_ns(&dom) + 10000 * MS, 0, 0), 0);
	cr_assert(hv_timer_armed(&vcpu.vtime.singleshot));
	cr_assert_eq(call(HYPERCALL_set_timer_op, 0, 0, 0), 0);
	cr_assert(!hv_timer_armed(&vcpu.vtime.singleshot));
}

Test(hc_time, periodic_limits_fire_and_stop)
{
	struct vcpu_set_periodic_timer *p = g(BUF);

	p->period_ns = HV_VTIME_PERIOD_MIN_NS - 1;
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_periodic_timer, 0, BUF), -XEN_EINVAL);
	p->period_ns = HV_VTIME_PERIOD_MAX_NS + 1;
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_periodic_timer, 0, BUF), -XEN_EINVAL);
	p->period_ns = 2 * MS;
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_set_periodic_timer, 0, BUF), 0);
	sleep_ms(30);
	hv_timer_lock();
	uint64_t n = vcpu.vtime.periodic.fired;
	hv_timer_unlock();
	cr_assert(n >= 3, "periodic fired %lu times in 30 ms", n);
	cr_assert_eq(call(HYPERCALL_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0), 0);
	cr_assert(!hv_timer_armed(&vcpu.vtime.periodic));
}

/* VIRQ_TIMER bound: the expiry sets the port and upcall_pending, which is
 * what wakes SCHEDOP_block. */
Test(hc_time, singleshot_raises_virq_and_wakes_block)
{
	evtchn_port_t port;
	uint64_t t0 = hv_system_time_ns(&dom);

	cr_assert_eq(evtchn_bind_virq(&dom, VIRQ_TIMER, 0, &port), 0);
	cr_assert_eq(call(HYPERCALL_set_timer_op, t0 + 20 * MS, 0, 0), 0);
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_block, 0, 0), 0);
	cr_assert(hv_system_time_ns(&dom) >= t0 + 20 * MS, "block returned before the timer");
	cr_assert_eq(evtchn_port_pending(&dom, port), 1);
	cr_assert(evtchn_upcall_pending(&dom, 0));
}

Test(hc_time, poll_times_out_and_sees_pending_port)
{
	struct sched_poll *p = g(BUF);
	uint32_t *ports = g(BUF + 64);
	evtchn_port_t port;
	uint64_t t0 = hv_system_time_ns(&dom);

	cr_assert_eq(evtchn_bind_virq(&dom, VIRQ_TIMER, 0, &port), 0);
	ports[0] = port;
	*p = (struct sched_poll){ .ports = BUF + 64, .nr_ports = 1, .timeout = t0 + 20 * MS };
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), 0);
	cr_assert(hv_system_time_ns(&dom) >= t0 + 20 * MS, "poll returned before its timeout");
	/* A timer on the polled port ends the poll before the timeout. */
	t0 = hv_system_time_ns(&dom);
	cr_assert_eq(call(HYPERCALL_set_timer_op, t0 + 10 * MS, 0, 0), 0);
	p->timeout = t0 + 5000 * MS;
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), 0);
	uint64_t took = hv_system_time_ns(&dom) - t0;
	cr_assert(took >= 10 * MS && took < 4000 * MS, "poll took %lu ns", took);
	/* Already pending at entry: returns at once. */
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_poll, BUF, 0), 0);
}

Test(hc_time, block_returns_when_the_domain_dies)
{
	hv_domain_destroy(&dom, "test");
	cr_assert_eq(call(HYPERCALL_sched_op, SCHEDOP_block, 0, 0), 0);
}
