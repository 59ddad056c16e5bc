/* test_evtchn.c: event channels without KVM: port life cycle, the 2-level
 * pending/mask/selector algorithm, upcall delivery decisions (recorded
 * through fake upcall ops), interdomain channels between two in-memory
 * domains, close on death, dom0 endpoints, vcpu_info and the shared_info
 * overlay. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "evtchn.h"
#include "evtchn_dom0.h"
#include "hv_registry.h"
#include "hv_upcall.h"
#include "hv_wait.h"

#define MEM (4ull << 20)
#define NV 2

struct tdom {
	struct hv_domain d;
	struct hv_vcpu v[NV];
};

static struct tdom A, B;
static int msis, msi_apic, msi_vec, extints, extint_vec, kicks;

static int fake_msi(struct hv_domain *d, unsigned apic, uint8_t vec)
{
	(void)d;
	msis++, msi_apic = (int)apic, msi_vec = vec;
	return 1; /* accepted */
}

static void fake_extint(struct hv_vcpu *v, uint8_t vec)
{
	(void)v;
	extints++, extint_vec = vec;
}

static void fake_kick(struct hv_vcpu *v)
{
	(void)v;
	kicks++;
}

static const struct hv_upcall_ops fake_ops = { fake_msi, fake_extint, fake_kick };

static void dom_up(struct tdom *t, domid_t id)
{
	cr_assert_eq(hv_domain_init(&t->d, id, -1), 0);
	cr_assert_eq(gmem_ram_create(&t->d.mem, MEM, "test-evtchn"), 0);
	t->d.nr_vcpus = NV;
	for (unsigned i = 0; i < NV; i++) {
		t->v[i] = (struct hv_vcpu){ .dom = &t->d, .id = i, .fd = -1 };
		hv_wait_init(&t->v[i]);
		t->d.vcpus[i] = &t->v[i];
	}
	cr_assert_eq(hv_registry_add(&t->d), 0);
}

static void dom_down(struct tdom *t)
{
	if (!t->d.evtchn)
		return;
	hv_registry_remove(&t->d);
	hv_domain_fini(&t->d);
	for (unsigned i = 0; i < NV; i++)
		hv_wait_fini(&t->v[i]);
}

static void setup(void)
{
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	dom_up(&A, 1);
	dom_up(&B, 2);
	hv_upcall_ops = &fake_ops;
	msis = extints = kicks = 0;
}

static void teardown(void)
{
	dom_down(&A);
	dom_down(&B);
	evtchn_dom0_shutdown();
}

TestSuite(evtchn, .init = setup, .fini = teardown, .timeout = 20);

static struct shared_info *sh(struct tdom *t)
{
	return t->d.evtchn->shinfo;
}

static int pending(struct tdom *t, evtchn_port_t p)
{
	return (int)((sh(t)->evtchn_pending[p / 64] >> (p % 64)) & 1);
}

static void set_vector(struct tdom *t, unsigned v, uint8_t vec)
{
	atomic_store(&t->d.evtchn->vcpu[v].vector, vec);
}

/* What a guest's upcall handler does first: clear upcall_pending and take
 * the selector; then it acks the ports it handles. */
static uint64_t guest_take(struct tdom *t, unsigned v)
{
	struct vcpu_info *vi = evtchn_vcpu_info(&t->d, v);

	vi->evtchn_upcall_pending = 0;
	return __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

static void guest_ack(struct tdom *t, evtchn_port_t p)
{
	sh(t)->evtchn_pending[p / 64] &= ~(1ull << (p % 64));
}

Test(evtchn, alloc_unbound_status_and_port_limit)
{
	struct evtchn_status st;
	evtchn_port_t p, last = 0;

	cr_assert_eq(evtchn_alloc_unbound(&A.d, 7, &p), 0);
	cr_assert_eq(p, 1, "port 0 is never handed out");
	cr_assert_eq(evtchn_status(&A.d, p, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_unbound);
	cr_assert_eq(st.u.unbound.dom, 7);
	cr_assert_eq(st.vcpu, 0);
	cr_assert_eq(evtchn_alloc_unbound(&A.d, DOMID_SELF, &p), 0);
	cr_assert_eq(evtchn_status(&A.d, p, &st), 0);
	cr_assert_eq(st.u.unbound.dom, 1, "DOMID_SELF means the caller");
	cr_assert_eq(evtchn_status(&A.d, 0, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_closed);
	cr_assert_eq(evtchn_status(&A.d, 3, &st), -EINVAL, "never allocated");
	while (evtchn_alloc_unbound(&A.d, 0, &p) == 0)
		last = p;
	cr_assert_eq(last, EVTCHN_MAX_PORTS - 1);
	cr_assert_eq(evtchn_alloc_unbound(&A.d, 0, &p), -ENOSPC);
	cr_assert_eq(evtchn_close(&A.d, 100), 0);
	cr_assert_eq(evtchn_alloc_unbound(&A.d, 0, &p), 0);
	cr_assert_eq(p, 100, "the lowest free port is reused");
}

Test(evtchn, virq_binding_rules)
{
	struct evtchn_status st;
	evtchn_port_t p, q;

	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_TIMER, 0, &p), 0);
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_TIMER, 0, &q), -EEXIST);
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_TIMER, 1, &q), 0, "per-vCPU");
	cr_assert_neq(p, q);
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_DEBUG, 1, &q), 0);
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_CONSOLE, 1, &q), -EINVAL, "global: vCPU 0 only");
	cr_assert_eq(evtchn_bind_virq(&A.d, NR_VIRQS, 0, &q), -EINVAL);
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_TIMER, NV, &q), -ENOENT);
	cr_assert_eq(evtchn_status(&A.d, p, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_virq);
	cr_assert_eq(st.u.virq, VIRQ_TIMER);
	cr_assert_eq(evtchn_send(&A.d, p), -EINVAL, "VIRQ ports cannot be sent on");
	cr_assert_eq(evtchn_bind_vcpu(&A.d, p, 1), -EINVAL, "per-vCPU VIRQ stays");
	cr_assert_eq(evtchn_raise_virq(&A.d, 0, VIRQ_TIMER), 0);
	cr_assert(pending(&A, p));
	cr_assert_eq(evtchn_raise_virq(&A.d, 0, VIRQ_DEBUG), -ENOENT, "not bound on vCPU 0");
	cr_assert_eq(evtchn_close(&A.d, p), 0);
	cr_assert_eq(pending(&A, p), 0, "close clears pending");
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_TIMER, 0, &p), 0, "free again after close");
	cr_assert_eq(evtchn_bind_virq(&A.d, VIRQ_DOM_EXC, 0, &q), 0);
	cr_assert_eq(evtchn_bind_vcpu(&A.d, q, 1), 0, "global VIRQ moves");
	cr_assert_eq(evtchn_raise_virq(&A.d, 0, VIRQ_DOM_EXC), 0);
	cr_assert_eq(evtchn_vcpu_info(&A.d, 1)->evtchn_pending_sel, 1ull << (q / 64));
}

Test(evtchn, ipi_send_follows_the_2l_algorithm)
{
	struct vcpu_info *vi = evtchn_vcpu_info(&A.d, 1);
	evtchn_port_t p;

	set_vector(&A, 1, 0xf3);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 1, &p), 0);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 5, &p), -ENOENT);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert(pending(&A, p));
	cr_assert_eq(vi->evtchn_pending_sel, 1ull << (p / 64));
	cr_assert_eq(vi->evtchn_upcall_pending, 1);
	cr_assert_eq(evtchn_vcpu_info(&A.d, 0)->evtchn_upcall_pending, 0, "only its vCPU");
	cr_assert_eq(msis, 1);
	cr_assert_eq(msi_apic, 1);
	cr_assert_eq(msi_vec, 0xf3);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert_eq(msis, 1, "already pending: no new upcall");
	cr_assert_eq(guest_take(&A, 1), 1ull << (p / 64));
	guest_ack(&A, p);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert_eq(msis, 2, "after the guest handled it, a new upcall");
	cr_assert_eq(evtchn_bind_vcpu(&A.d, p, 0), -EINVAL, "IPIs stay");
}

Test(evtchn, selector_bit_already_set_means_no_new_upcall)
{
	evtchn_port_t p, q;

	set_vector(&A, 0, 0xf3);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 0, &p), 0);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 0, &q), 0);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	evtchn_vcpu_info(&A.d, 0)->evtchn_upcall_pending = 0; /* as if being handled */
	cr_assert_eq(evtchn_send(&A.d, q), 0);
	cr_assert(pending(&A, q));
	cr_assert_eq(evtchn_vcpu_info(&A.d, 0)->evtchn_upcall_pending, 0,
		     "same word, selector bit still set: the scan in progress finds it");
	cr_assert_eq(msis, 1);
}

Test(evtchn, masked_event_is_delivered_once_on_unmask)
{
	struct vcpu_info *vi = evtchn_vcpu_info(&A.d, 0);
	evtchn_port_t p;

	set_vector(&A, 0, 0xf3);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 0, &p), 0);
	sh(&A)->evtchn_mask[p / 64] |= 1ull << (p % 64);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert(pending(&A, p));
	cr_assert_eq(vi->evtchn_pending_sel, 0);
	cr_assert_eq(vi->evtchn_upcall_pending, 0);
	cr_assert_eq(msis, 0);
	cr_assert_eq(evtchn_unmask(&A.d, p), 0);
	cr_assert_eq(sh(&A)->evtchn_mask[p / 64], 0);
	cr_assert_eq(vi->evtchn_upcall_pending, 1);
	cr_assert_eq(msis, 1);
	guest_take(&A, 0);
	guest_ack(&A, p);
	cr_assert_eq(evtchn_unmask(&A.d, p), 0);
	cr_assert_eq(msis, 1, "exactly once");
	cr_assert_eq(evtchn_unmask(&A.d, EVTCHN_MAX_PORTS), -EINVAL);
}

Test(evtchn, send_on_unbound_closed_and_invalid_ports)
{
	evtchn_port_t p;

	cr_assert_eq(evtchn_alloc_unbound(&A.d, 2, &p), 0);
	cr_assert_eq(evtchn_send(&A.d, p), 0, "unbound: silently dropped");
	cr_assert_eq(pending(&A, p), 0);
	cr_assert_eq(evtchn_close(&A.d, p), 0);
	cr_assert_eq(evtchn_send(&A.d, p), -EINVAL, "closed");
	cr_assert_eq(evtchn_close(&A.d, p), -EINVAL, "closed twice");
	cr_assert_eq(evtchn_send(&A.d, 0), -EINVAL);
	cr_assert_eq(evtchn_send(&A.d, 4000), -EINVAL);
	cr_assert_eq(evtchn_send(&A.d, UINT32_MAX), -EINVAL);
	cr_assert_eq(evtchn_set_pending(&A.d, p), -EINVAL);
}

Test(evtchn, interdomain_bind_send_status_close)
{
	struct evtchn_status st;
	evtchn_port_t pb, pa, x;

	cr_assert_eq(evtchn_alloc_unbound(&B.d, 1, &pb), 0);
	cr_assert_eq(evtchn_bind_interdomain(&A.d, 3, pb, &x), -ESRCH, "no domain 3");
	cr_assert_eq(evtchn_bind_interdomain(&A.d, 2, pb + 1, &x), -EINVAL);
	cr_assert_eq(evtchn_bind_interdomain(&A.d, 2, pb, &pa), 0);
	cr_assert(pending(&A, pa), "the binder gets one initial event");
	cr_assert_eq(evtchn_bind_interdomain(&A.d, 2, pb, &x), -EINVAL, "no longer unbound");
	cr_assert_eq(evtchn_status(&A.d, pa, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_interdomain);
	cr_assert_eq(st.u.interdomain.dom, 2);
	cr_assert_eq(st.u.interdomain.port, pb);
	cr_assert_eq(evtchn_status(&B.d, pb, &st), 0);
	cr_assert_eq(st.u.interdomain.dom, 1);
	cr_assert_eq(st.u.interdomain.port, pa);
	cr_assert_eq(evtchn_send(&A.d, pa), 0);
	cr_assert(pending(&B, pb));
	guest_ack(&A, pa);
	cr_assert_eq(evtchn_send(&B.d, pb), 0);
	cr_assert(pending(&A, pa));
	cr_assert_eq(evtchn_bind_vcpu(&B.d, pb, 1), 0);
	cr_assert_eq(evtchn_status(&B.d, pb, &st), 0);
	cr_assert_eq(st.vcpu, 1);
	cr_assert_eq(evtchn_close(&A.d, pa), 0);
	cr_assert_eq(evtchn_status(&B.d, pb, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_unbound, "the peer waits for a new partner");
	cr_assert_eq(st.u.unbound.dom, 1);
	cr_assert_eq(evtchn_send(&B.d, pb), 0);
	cr_assert_eq(evtchn_bind_interdomain(&A.d, 2, pb, &pa), 0, "and can be bound again");
}

Test(evtchn, loopback_within_one_domain)
{
	evtchn_port_t p, q;

	cr_assert_eq(evtchn_alloc_unbound(&A.d, DOMID_SELF, &p), 0);
	cr_assert_eq(evtchn_bind_interdomain(&A.d, DOMID_SELF, p, &q), 0);
	guest_ack(&A, q);
	cr_assert_eq(evtchn_send(&A.d, q), 0);
	cr_assert(pending(&A, p));
	cr_assert_eq(evtchn_close(&A.d, p), 0);
	cr_assert_eq(evtchn_send(&A.d, q), 0, "q is unbound now: dropped");
	cr_assert_eq(evtchn_close(&A.d, q), 0);
}

Test(evtchn, death_unbinds_the_peers)
{
	struct evtchn_status st;
	evtchn_port_t pb, pa;

	cr_assert_eq(evtchn_alloc_unbound(&B.d, 1, &pb), 0);
	cr_assert_eq(evtchn_bind_interdomain(&A.d, 2, pb, &pa), 0);
	dom_down(&B);
	cr_assert_eq(evtchn_status(&A.d, pa, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_unbound);
	cr_assert_eq(st.u.unbound.dom, 2);
	cr_assert_eq(evtchn_send(&A.d, pa), 0);
}

Test(evtchn, callback_vector_type2_is_owed_then_injected_outside_the_apic)
{
	evtchn_port_t p;

	cr_assert_eq(evtchn_hvm_param_set(&A.d, HVM_PARAM_CALLBACK_IRQ,
					  HVM_PARAM_CALLBACK_VECTOR(0xf2)), 0);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 0, &p), 0);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert_eq(msis, 0, "not through the APIC");
	cr_assert_eq(kicks, 1, "another thread kicks the vCPU out of KVM_RUN");
	cr_assert(atomic_load(&A.d.evtchn->vcpu[0].extint));
	hv_upcall_pre_run(&A.v[0]);
	cr_assert_eq(extints, 1);
	cr_assert_eq(extint_vec, 0xf2);
	hv_upcall_pre_run(&A.v[0]);
	cr_assert_eq(extints, 1, "owed once");
	/* The per-vCPU vector takes precedence (as in Xen). */
	guest_take(&A, 0);
	guest_ack(&A, p);
	set_vector(&A, 0, 0xf3);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert_eq(msis, 1);
	cr_assert_eq(kicks, 1);
}

Test(evtchn, no_callback_configured_keeps_the_event_pending)
{
	evtchn_port_t p;

	cr_assert_eq(evtchn_bind_ipi(&A.d, 0, &p), 0);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert(evtchn_upcall_pending(&A.d, 0));
	cr_assert_eq(msis + extints + kicks, 0);
	set_vector(&A, 0, 0x40);
	cr_assert_eq(msis, 0, "setting the vector directly does not deliver");
}

Test(evtchn, register_vcpu_info_moves_and_rescans)
{
	struct vcpu_info *old = evtchn_vcpu_info(&A.d, 0), *vi;
	evtchn_port_t p;

	old->time.system_time = 1234;
	cr_assert_eq(evtchn_register_vcpu_info(&A.d, 0, 0x20, 4096 - 32), -EINVAL, "crosses");
	cr_assert_eq(evtchn_register_vcpu_info(&A.d, 0, 0x20, 4), -EINVAL, "misaligned");
	cr_assert_eq(evtchn_register_vcpu_info(&A.d, 0, MEM >> 12, 0), -EINVAL, "not RAM");
	cr_assert_eq(evtchn_register_vcpu_info(&A.d, 0, 0x20, 64), 0);
	vi = evtchn_vcpu_info(&A.d, 0);
	cr_assert_eq((uint8_t *)vi, A.d.mem.base + 0x20040);
	cr_assert_eq(vi->time.system_time, 1234, "contents copied");
	cr_assert_eq(vi->evtchn_pending_sel, ~0ull);
	cr_assert_eq(vi->evtchn_upcall_pending, 1);
	cr_assert_eq(evtchn_register_vcpu_info(&A.d, 0, 0x21, 0), -EINVAL, "only once");
	guest_take(&A, 0);
	cr_assert_eq(evtchn_bind_ipi(&A.d, 0, &p), 0);
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert_eq(vi->evtchn_pending_sel, 1ull << (p / 64), "events go to the new place");
	cr_assert_eq(old->evtchn_pending_sel, 0);
}

Test(evtchn, shared_info_overlay_and_move)
{
	uint8_t *ram = A.d.mem.base;

	ram[0x5000] = 0xaa;
	sh(&A)->wc_sec = 0x11223344;
	cr_assert_eq(evtchn_shinfo_map(&A.d, MEM >> 12), -EINVAL, "beyond RAM");
	cr_assert_eq(evtchn_shinfo_map(&A.d, 5), 0);
	cr_assert_eq(((struct shared_info *)(ram + 0x5000))->wc_sec, 0x11223344);
	cr_assert_eq(evtchn_shinfo_map(&A.d, 6), 0);
	cr_assert_eq(ram[0x5000], 0, "the released RAM frame comes back empty");
	cr_assert_eq(((struct shared_info *)(ram + 0x6000))->wc_sec, 0x11223344);
	((struct shared_info *)(ram + 0x6000))->evtchn_mask[0] = 5;
	cr_assert_eq(sh(&A)->evtchn_mask[0], 5, "guest writes reach the page");
}

Test(evtchn, hvm_params)
{
	uint64_t v = 1;

	cr_assert_eq(evtchn_hvm_param_get(&A.d, HVM_PARAM_STORE_PFN, &v), 0);
	cr_assert_eq(v, 0, "unset params read 0");
	cr_assert_eq(evtchn_hvm_param_set(&A.d, HVM_PARAM_STORE_EVTCHN, 9), 0);
	cr_assert_eq(evtchn_hvm_param_get(&A.d, HVM_PARAM_STORE_EVTCHN, &v), 0);
	cr_assert_eq(v, 9);
	cr_assert_eq(evtchn_hvm_param_set(&A.d, HVM_NR_PARAMS, 0), -EINVAL);
	cr_assert_eq(evtchn_hvm_param_get(&A.d, HVM_NR_PARAMS, &v), -EINVAL);
}

static int wait_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 2000) == 1;
}

Test(evtchn, dom0_endpoint_notify_kick_unbind_close)
{
	struct evtchn_status st;
	evtchn_port_t p, x;
	int nfd, kfd, id;
	uint64_t n = 1;

	set_vector(&A, 0, 0xf3);
	cr_assert_eq(evtchn_alloc_unbound(&A.d, 2, &x), 0);
	cr_assert_eq(evtchn_dom0_bind(&A.d, x, &nfd, &kfd), -EINVAL, "not for dom 0");
	cr_assert_eq(evtchn_alloc_unbound(&A.d, 0, &p), 0);
	id = evtchn_dom0_bind(&A.d, p, &nfd, &kfd);
	cr_assert_gt(id, 0);
	cr_assert_eq(evtchn_dom0_bind(&A.d, p, &nfd, &kfd), -EINVAL, "already bound");
	cr_assert_eq(evtchn_status(&A.d, p, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_interdomain);
	cr_assert_eq(st.u.interdomain.dom, 0);
	cr_assert_eq(st.u.interdomain.port, (uint32_t)id);
	cr_assert_eq(pending(&A, p), 0, "no initial event: dom0 kicks when ready");
	cr_assert_eq(evtchn_send(&A.d, p), 0);
	cr_assert(wait_readable(nfd));
	cr_assert_eq(read(nfd, &n, 8), 8);
	cr_assert_eq(n, 1);
	n = 1;
	cr_assert_eq(write(kfd, &n, 8), 8);
	for (int i = 0; i < 2000 && !pending(&A, p); i++)
		usleep(1000);
	cr_assert(pending(&A, p), "the event thread made the port pending");
	cr_assert_eq(msis, 1);
	cr_assert_eq(evtchn_dom0_unbind(&A.d, p), 0);
	cr_assert_eq(evtchn_status(&A.d, p, &st), 0);
	cr_assert_eq(st.status, EVTCHNSTAT_unbound);
	cr_assert_eq(st.u.unbound.dom, 0);
	cr_assert_eq(evtchn_dom0_unbind(&A.d, p), -EINVAL);
	close(nfd);
	close(kfd);
	/* The guest closing its end frees the endpoint too. */
	cr_assert_gt(evtchn_dom0_bind(&A.d, p, &nfd, &kfd), 0);
	cr_assert_eq(evtchn_close(&A.d, p), 0);
	guest_ack(&A, p);
	cr_assert_eq(write(kfd, &n, 8), 8);
	usleep(20000);
	cr_assert_eq(pending(&A, p), 0, "a kick after close goes nowhere");
	close(nfd);
	close(kfd);
}
