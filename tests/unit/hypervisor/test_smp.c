/* test_smp.c: vcpu_op bring-up without KVM: start-state checks and
 * conversion (hv_smp_ctx.c), and the initialise/up/down/is_up state
 * machine (hv_smp.c) with fake thread ops, plus pause. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/errno.h>
#include <pvabi/vcpu.h>

#include "hc.h"
#include "hv_smp.h"
#include "hv_wait.h"

#define MEM (16ull << 20)
#define CTX 0x10000ull /* where the test puts a vcpu_hvm_context (GVA = GPA) */

static struct hv_domain dom;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct hv_vcpu vcpus[3];
static unsigned starts, kicks;
static int start_result;

static int fake_start(struct hv_vcpu *v) { (void)v; starts++; return start_result; }
static void fake_kick(struct hv_vcpu *v) { (void)v; kicks++; }
static const struct hv_smp_ops fake_ops = { fake_start, fake_kick };

static void setup(void)
{
	cr_assert_eq(hv_domain_init(&dom, 1, -1), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-smp"), 0);
	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	sregs.cr0 = 0x11; /* paging off: GVA = GPA */
	for (unsigned i = 0; i < 3; i++) {
		vcpus[i] = (struct hv_vcpu){ .dom = &dom, .id = i, .regs = &regs, .sregs = &sregs,
					     .fd = -1 };
		hv_wait_init(&vcpus[i]);
		dom.vcpus[i] = &vcpus[i];
	}
	dom.nr_vcpus = 3;
	starts = kicks = 0;
	start_result = 0;
	hv_smp_init(&dom, &fake_ops);
	cr_assert_eq(hv_smp_start_boot(&dom), 0);
}

static void teardown(void)
{
	for (unsigned i = 0; i < 3; i++)
		hv_wait_fini(&vcpus[i]);
	hv_domain_fini(&dom);
}

TestSuite(smp, .init = setup, .fini = teardown);

static int64_t op(unsigned cmd, uint64_t id, uint64_t arg)
{
	regs.rax = HYPERCALL_vcpu_op, regs.rdi = cmd, regs.rsi = id, regs.rdx = arg;
	return hc_dispatch(&vcpus[0]);
}

static struct vcpu_hvm_context ctx64(void)
{
	struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

	c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){ .rip = 0x100000, .rsp = 0x200000,
						     .rdi = 7, .rflags = 0x2, .cr0 = 0x80010033,
						     .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x900 };
	return c;
}

static struct vcpu_hvm_context ctx32(void)
{
	struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };
	struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

	r->eip = 0x100000;
	r->cr0 = 0x11;
	r->cs_limit = r->ss_limit = r->ds_limit = r->es_limit = 0xffffffff;
	r->cs_ar = 0xc9b;
	r->ss_ar = r->ds_ar = r->es_ar = 0xc93;
	return c;
}

static int conv(const struct vcpu_hvm_context *c, struct kvm_regs *r, struct kvm_sregs *s)
{
	char why[128];

	return hv_smp_ctx_convert(&dom.mem, c, r, s, why, sizeof(why));
}

Test(smp, context_64_converts_to_long_mode)
{
	struct vcpu_hvm_context c = ctx64();
	struct kvm_regs r;
	struct kvm_sregs s;

	cr_assert_eq(conv(&c, &r, &s), 0);
	cr_assert_eq(r.rip, 0x100000);
	cr_assert_eq(r.rsp, 0x200000);
	cr_assert_eq(r.rdi, 7);
	cr_assert_eq(s.cs.l, 1);
	cr_assert_eq(s.cs.db, 0);
	cr_assert_eq(s.cs.selector, 0x08);
	cr_assert_eq(s.ss.selector, 0x10);
	cr_assert_eq(s.tr.type, 0xb);
	cr_assert_eq(s.efer, 0x900 | 0x400, "LMA set by the hypervisor");
	cr_assert_eq(s.cr3, 0x1000);
	cr_assert_eq(s.gdt.limit, 0);
}

Test(smp, context_32_converts_segments)
{
	struct vcpu_hvm_context c = ctx32();
	struct kvm_regs r;
	struct kvm_sregs s;

	c.cpu_regs.x86_32.ds_ar = 0; /* absent DS is allowed */
	cr_assert_eq(conv(&c, &r, &s), 0);
	cr_assert_eq(s.cs.type, 0xb);
	cr_assert_eq(s.cs.db, 1);
	cr_assert_eq(s.cs.g, 1);
	cr_assert_eq(s.ds.unusable, 1);
	cr_assert_eq(s.tr.limit, 0x67, "tr_ar 0: the PVH entry TSS");
	cr_assert_eq(s.efer, 0);
}

Test(smp, bad_contexts_are_refused)
{
	struct vcpu_hvm_context c;
	struct kvm_regs r;
	struct kvm_sregs s;

#define BAD(base, stmt)                                                                 \
	do {                                                                            \
		c = base();                                                             \
		stmt;                                                                   \
		cr_assert_eq(conv(&c, &r, &s), -XEN_EINVAL, "%s", #stmt);               \
	} while (0)
	BAD(ctx64, c.mode = 2);
	BAD(ctx64, c.pad = 1);
	BAD(ctx64, c.cpu_regs.x86_64.cr0 &= ~0x80000000u);
	BAD(ctx64, c.cpu_regs.x86_64.cr0 &= ~1u);
	BAD(ctx64, c.cpu_regs.x86_64.cr0 |= 1u << 29);
	BAD(ctx64, c.cpu_regs.x86_64.cr4 = 0);
	BAD(ctx64, c.cpu_regs.x86_64.cr4 |= 1u << 18);
	BAD(ctx64, c.cpu_regs.x86_64.efer = 0x800);
	BAD(ctx64, c.cpu_regs.x86_64.efer |= 1u << 12);
	BAD(ctx64, c.cpu_regs.x86_64.rip = 0x0000800000000000ull);
	BAD(ctx64, c.cpu_regs.x86_64.rsp = 0x1234000000000000ull);
	BAD(ctx64, c.cpu_regs.x86_64.rflags = 0x20002);
	BAD(ctx64, c.cpu_regs.x86_64.cr3 = MEM);
	BAD(ctx64, c.cpu_regs.x86_64.cr3 = 1ull << 52);
	BAD(ctx32, c.cpu_regs.x86_32.cr0 = 0);
	BAD(ctx32, c.cpu_regs.x86_32.efer = 0x100);
	BAD(ctx32, c.cpu_regs.x86_32.cs_ar = 0xc93);
	BAD(ctx32, c.cpu_regs.x86_32.cs_ar = 0x89b);
	BAD(ctx32, c.cpu_regs.x86_32.cs_ar = 0xcbb);
	BAD(ctx32, c.cpu_regs.x86_32.cs_ar = 0x1c9b);
	BAD(ctx32, c.cpu_regs.x86_32.ss_ar = 0xc13);
	BAD(ctx32, c.cpu_regs.x86_32.ss_ar = 0xc9b);
	BAD(ctx32, c.cpu_regs.x86_32.ds_ar = 0xc98);
	BAD(ctx32, c.cpu_regs.x86_32.cs_limit = 0xfffff000);
	BAD(ctx32, (c.cpu_regs.x86_32.cs_ar = 0x49b, c.cpu_regs.x86_32.cs_limit = 0x100000));
	BAD(ctx32, c.cpu_regs.x86_32.tr_ar = 0x89);
	BAD(ctx32, (c.cpu_regs.x86_32.cr0 = 0x80000011, c.cpu_regs.x86_32.cr3 = 0xfffff000));
}

Test(smp, bring_up_state_machine)
{
	struct vcpu_hvm_context c = ctx64();

	memcpy(dom.mem.base + CTX, &c, sizeof(c));
	cr_assert_eq(starts, 1, "vCPU 0 started by the builder");
	cr_assert_eq(op(VCPUOP_is_up, 0, 0), 1);
	cr_assert_eq(op(VCPUOP_is_up, 1, 0), 0);
	cr_assert_eq(op(VCPUOP_is_up, 3, 0), -XEN_ENOENT);
	cr_assert_eq(op(VCPUOP_up, 1, 0), -XEN_EINVAL, "not initialised");
	cr_assert_eq(op(VCPUOP_initialise, 1, 0xf0000000ull), -XEN_EFAULT);
	cr_assert_eq(op(VCPUOP_initialise, 0, CTX), -XEN_EEXIST);
	cr_assert_eq(op(VCPUOP_initialise, 1, CTX), 0);
	cr_assert_eq(op(VCPUOP_initialise, 1, CTX), -XEN_EEXIST);
	cr_assert(vcpus[1].smp_apply_start);
	cr_assert_eq(vcpus[1].smp_regs.rip, 0x100000);
	cr_assert_eq(op(VCPUOP_up, 1, 0), 0);
	cr_assert_eq(starts, 2);
	cr_assert_eq(op(VCPUOP_is_up, 1, 0), 1);
	cr_assert_eq(op(VCPUOP_up, 1, 0), 0, "already up: no effect");
	cr_assert_eq(starts, 2, "no second thread");
	cr_assert_eq(op(VCPUOP_down, 1, 0), 0);
	cr_assert_eq(kicks, 1, "another vCPU is kicked out of the guest");
	cr_assert_eq(op(VCPUOP_is_up, 1, 0), 0);
	cr_assert(hv_smp_must_park(&vcpus[1]));
	cr_assert_eq(op(VCPUOP_up, 1, 0), 0);
	cr_assert_eq(starts, 2, "up after down resumes the same thread");
	cr_assert(!hv_smp_must_park(&vcpus[1]));
	cr_assert_eq(hv_smp_online(&dom), 2);
}

Test(smp, last_vcpu_down_powers_off)
{
	cr_assert_eq(op(VCPUOP_down, 0, 0), 0);
	cr_assert_eq(dom.state, HV_DOM_SHUTDOWN);
	cr_assert_eq(dom.shutdown_reason, 0);
	cr_assert(vcpus[0].stop);
}

Test(smp, failed_thread_start_leaves_the_vcpu_down)
{
	struct vcpu_hvm_context c = ctx64();

	memcpy(dom.mem.base + CTX, &c, sizeof(c));
	cr_assert_eq(op(VCPUOP_initialise, 2, CTX), 0);
	start_result = -EAGAIN;
	cr_assert_eq(op(VCPUOP_up, 2, 0), -XEN_ENOMEM);
	cr_assert_eq(op(VCPUOP_is_up, 2, 0), 0);
}

Test(smp, pause_parks_every_vcpu)
{
	cr_assert_eq(hv_smp_set_paused(&dom, true), 0);
	cr_assert(hv_smp_must_park(&vcpus[0]));
	cr_assert_eq(kicks, 1, "the one started vCPU kicked");
	cr_assert_eq(hv_smp_set_paused(&dom, false), 0);
	cr_assert(!hv_smp_must_park(&vcpus[0]));
	hv_domain_destroy(&dom, "test");
	cr_assert_eq(hv_smp_set_paused(&dom, true), -ESRCH);
}
