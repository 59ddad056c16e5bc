/* test_upcall_smp.c: per-vCPU upcalls on a multi-vCPU domain without KVM
 * (fake upcall ops record each MSI and can refuse it as a software-
 * disabled APIC does): each port's upcall goes to the APIC id of the vCPU
 * it notifies, bind_vcpu redirects it, VIRQ_TIMER goes to its own vCPU,
 * a blocked vCPU is woken, and a refused MSI is retried before the vCPU's
 * next entry instead of being lost. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "evtchn.h"
#include "hv_registry.h"
#include "hv_upcall.h"
#include "hv_wait.h"

#define MEM (4ull << 20)
#define NV 4

static struct hv_domain D;
static struct hv_vcpu V[NV];
static int msis, last_apic, last_vec, refuse;

static int fake_msi(struct hv_domain *d, unsigned apic, uint8_t vec)
{
	(void)d;
	msis++, last_apic = (int)apic, last_vec = vec;
	return !refuse;
}

static void fake_extint(struct hv_vcpu *v, uint8_t vec)
{
	(void)v;
	(void)vec;
}

static void fake_kick(struct hv_vcpu *v)
{
	(void)v;
}

static const struct hv_upcall_ops fake_ops = { fake_msi, fake_extint, fake_kick };

static void setup(void)
{
	memset(&D, 0, sizeof(D));
	cr_assert_eq(hv_domain_init(&D, 7, -1), 0);
	cr_assert_eq(gmem_ram_create(&D.mem, MEM, "test-upcall-smp"), 0);
	D.nr_vcpus = NV;
	for (unsigned i = 0; i < NV; i++) {
		V[i] = (struct hv_vcpu){ .dom = &D, .id = i, .fd = -1 };
		hv_wait_init(&V[i]);
		D.vcpus[i] = &V[i];
		atomic_store(&D.evtchn->vcpu[i].vector, (uint8_t)(0xe0 + i));
	}
	cr_assert_eq(hv_registry_add(&D), 0);
	hv_upcall_ops = &fake_ops;
	msis = refuse = 0;
	last_apic = last_vec = -1;
}

static void teardown(void)
{
	hv_registry_remove(&D);
	hv_domain_fini(&D);
	for (unsigned i = 0; i < NV; i++)
		hv_wait_fini(&V[i]);
	hv_upcall_ops = NULL;
}

TestSuite(upcall_smp, .init = setup, .fini = teardown, .timeout = 20);

/* The guest's upcall on vCPU v: clear upcall_pending and the selector,
 * and ack port p. */
static void guest_handle(unsigned v, evtchn_port_t p)
{
	struct vcpu_info *vi = evtchn_vcpu_info(&D, v);

	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	__atomic_and_fetch(&D.evtchn->shinfo->evtchn_pending[p / 64], ~(1ull << (p % 64)),
			   __ATOMIC_SEQ_CST);
}

Test(upcall_smp, ipi_goes_to_its_vcpus_apic)
{
	evtchn_port_t p[NV];

	for (unsigned k = 0; k < NV; k++) {
		cr_assert_eq(evtchn_bind_ipi(&D, k, &p[k]), 0);
		D.evtchn->shinfo->evtchn_mask[p[k] / 64] &= ~(1ull << (p[k] % 64));
	}
	for (unsigned k = 0; k < NV; k++) {
		int before = msis;

		cr_assert_eq(evtchn_send(&D, p[k]), 0);
		cr_assert_eq(msis, before + 1);
		cr_assert_eq(last_apic, (int)k, "IPI for vCPU %u went to APIC %d", k, last_apic);
		cr_assert_eq(last_vec, 0xe0 + (int)k, "with that vCPU's vector");
		for (unsigned j = 0; j < NV; j++)
			cr_assert_eq(evtchn_upcall_pending(&D, j), j == k);
		guest_handle(k, p[k]);
	}
}

Test(upcall_smp, bind_vcpu_and_timer_virq_target)
{
	evtchn_port_t a, b, t;

	cr_assert_eq(evtchn_alloc_unbound(&D, DOMID_SELF, &a), 0);
	cr_assert_eq(evtchn_bind_interdomain(&D, DOMID_SELF, a, &b), 0);
	guest_handle(0, b); /* the binder's initial event (masked anyway) */
	D.evtchn->shinfo->evtchn_mask[a / 64] &= ~(1ull << (a % 64));
	cr_assert_eq(evtchn_bind_vcpu(&D, a, 3), 0);
	cr_assert_eq(evtchn_send(&D, b), 0);
	cr_assert_eq(last_apic, 3);
	cr_assert_eq(last_vec, 0xe3);
	guest_handle(3, a);
	cr_assert_eq(evtchn_bind_virq(&D, VIRQ_TIMER, 2, &t), 0);
	D.evtchn->shinfo->evtchn_mask[t / 64] &= ~(1ull << (t % 64));
	cr_assert_eq(evtchn_raise_virq(&D, 2, VIRQ_TIMER), 0);
	cr_assert_eq(last_apic, 2);
	cr_assert_eq(evtchn_upcall_pending(&D, 2), 1);
	cr_assert_eq(evtchn_upcall_pending(&D, 0), 0);
}

/* Without the retry the refused upcall is lost for good: upcall_pending
 * stays 1, so no later event raises another. */
Test(upcall_smp, refused_msi_is_retried_before_entry)
{
	evtchn_port_t p;

	cr_assert_eq(evtchn_bind_ipi(&D, 1, &p), 0);
	D.evtchn->shinfo->evtchn_mask[p / 64] &= ~(1ull << (p % 64));
	refuse = 1;
	cr_assert_eq(evtchn_send(&D, p), 0);
	cr_assert_eq(msis, 1);
	hv_upcall_pre_run(&V[1]); /* APIC still disabled */
	cr_assert_eq(msis, 2, "retried");
	refuse = 0;
	hv_upcall_pre_run(&V[1]); /* now enabled: accepted */
	cr_assert_eq(msis, 3);
	cr_assert_eq(last_apic, 1);
	hv_upcall_pre_run(&V[1]);
	cr_assert_eq(msis, 3, "accepted: no longer owed");
	hv_upcall_pre_run(&V[0]);
	cr_assert_eq(msis, 3, "other vCPUs owe nothing");
}

Test(upcall_smp, refused_msi_not_retried_once_handled)
{
	evtchn_port_t p;

	cr_assert_eq(evtchn_bind_ipi(&D, 2, &p), 0);
	D.evtchn->shinfo->evtchn_mask[p / 64] &= ~(1ull << (p % 64));
	refuse = 1;
	cr_assert_eq(evtchn_send(&D, p), 0);
	refuse = 0;
	guest_handle(2, p); /* the guest saw the event some other way (poll) */
	hv_upcall_pre_run(&V[2]);
	cr_assert_eq(msis, 1, "no upcall for events already handled");
}

static bool upcall_on(struct hv_vcpu *v, void *ctx)
{
	(void)ctx;
	return evtchn_upcall_pending(v->dom, v->id);
}

static void *blocker(void *arg)
{
	struct hv_vcpu *v = arg;

	return (void *)(intptr_t)hv_vcpu_wait(v, upcall_on, NULL, 0);
}

Test(upcall_smp, blocked_vcpu_woken_by_its_ipi)
{
	pthread_t th;
	evtchn_port_t p;
	void *ret;

	cr_assert_eq(evtchn_bind_ipi(&D, 3, &p), 0);
	D.evtchn->shinfo->evtchn_mask[p / 64] &= ~(1ull << (p % 64));
	cr_assert_eq(pthread_create(&th, NULL, blocker, &V[3]), 0);
	usleep(20000); /* let it sleep (not a timing claim: it must wake either way) */
	cr_assert_eq(evtchn_send(&D, p), 0);
	cr_assert_eq(pthread_join(th, &ret), 0);
	cr_assert_eq((intptr_t)ret, 0);
}
