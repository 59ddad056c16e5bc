/* evtchn_2l.c: the 2-level event-channel algorithm on the shared_info
 * page: pending bits, selector bits, evtchn_upcall_pending, and the
 * upcall when that goes 0 -> 1. All bit operations are atomic (LOCK'd)
 * because the guest changes the same words concurrently. */
#include "evtchn.h"
#include "hv_upcall.h"
#include "hv_wait.h"

#define BIT(n) (1ull << (n))

static bool test_and_set(uint64_t *word, unsigned bit)
{
	return __atomic_fetch_or(word, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static bool test_and_clear(uint64_t *word, unsigned bit)
{
	return __atomic_fetch_and(word, ~BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static bool test(const uint64_t *word, unsigned bit)
{
	return __atomic_load_n(word, __ATOMIC_SEQ_CST) & BIT(bit);
}

void evtchn_vcpu_mark_pending(struct hv_domain *d, unsigned vcpu)
{
	struct vcpu_info *vi = atomic_load(&d->evtchn->vcpu[vcpu].info);

	if (vi && __atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0)
		hv_upcall_raise(d, vcpu);
}

/* Marks word w in vcpu's selector; a newly set bit makes events pending. */
static void select_word(struct hv_domain *d, unsigned vcpu, unsigned w)
{
	struct vcpu_info *vi;

	if (vcpu >= HV_MAX_VCPUS || !(vi = atomic_load(&d->evtchn->vcpu[vcpu].info)))
		return; /* a vCPU >= 32 that has no vcpu_info yet: stays pending */
	if (!test_and_set(&vi->evtchn_pending_sel, w))
		evtchn_vcpu_mark_pending(d, vcpu);
}

void evtchn_2l_set_pending(struct hv_domain *d, evtchn_port_t p)
{
	struct shared_info *s = d->evtchn->shinfo;
	unsigned w = p / 64, b = p % 64;

	if (test_and_set(&s->evtchn_pending[w], b))
		return; /* already pending: no new edge */
	if (!test(&s->evtchn_mask[w], b))
		select_word(d, atomic_load(&d->evtchn->ports[p].vcpu), w);
	/* SCHEDOP_poll sleepers wait on any port, masked ones included, on
	 * any vCPU: let each re-check (harmless for vCPUs not waiting). */
	for (unsigned i = 0; i < d->nr_vcpus && i < HV_MAX_VCPUS; i++)
		if (d->vcpus[i])
			hv_vcpu_wake(d->vcpus[i]);
}

void evtchn_2l_unmask(struct hv_domain *d, evtchn_port_t p)
{
	struct shared_info *s = d->evtchn->shinfo;
	unsigned w = p / 64, b = p % 64;

	if (test_and_clear(&s->evtchn_mask[w], b) && test(&s->evtchn_pending[w], b))
		select_word(d, atomic_load(&d->evtchn->ports[p].vcpu), w);
}
