/* hv_bootacct.c: boot accounting (hv_bootacct.h): two clock reads per
 * exit while a domain has not written to its console, none afterwards. */
#include "hv.h"
#include "hv_time.h"

void hv_bootacct_start(struct hv_domain *d)
{
	uint64_t none = 0;

	/* The first start only: a pause/unpause is not a boot. */
	atomic_compare_exchange_strong(&d->boot.start_ns, &none, hv_monotonic_ns());
}

void hv_bootacct_thread(struct hv_vcpu *v)
{
	struct hv_bootacct_vcpu *b = &v->boot;
	uint64_t start = atomic_load(&v->dom->boot.start_ns);

	*b = (struct hv_bootacct_vcpu){ 0 };
	if (!start || atomic_load(&v->dom->boot.done))
		return;
	b->on = true;
	b->mark_ns = hv_monotonic_ns();
	/* Creating and starting the thread is the hypervisor's time too. */
	b->out_ns = b->mark_ns > start ? b->mark_ns - start : 0;
}

void hv_bootacct_enter(struct hv_vcpu *v)
{
	struct hv_bootacct_vcpu *b = &v->boot;
	uint64_t now;

	if (atomic_load_explicit(&v->dom->boot.done, memory_order_relaxed)) {
		b->on = false; /* another vCPU wrote first */
		return;
	}
	now = hv_monotonic_ns();
	b->out_ns += now - b->mark_ns;
	b->mark_ns = now;
}

void hv_bootacct_leave(struct hv_vcpu *v)
{
	struct hv_bootacct_vcpu *b = &v->boot;
	uint64_t now = hv_monotonic_ns();

	b->in_ns += now - b->mark_ns;
	b->mark_ns = now;
}

void hv_bootacct_console(struct hv_vcpu *v)
{
	struct hv_bootacct_vcpu *b = &v->boot;
	struct hv_bootacct *d = &v->dom->boot;
	bool was = false;
	uint64_t now;

	if (!b->on)
		return;
	b->on = false;
	if (!atomic_compare_exchange_strong(&d->done, &was, true))
		return;
	now = hv_monotonic_ns();
	b->out_ns += now - b->mark_ns;
	atomic_store(&d->hv_ns, b->out_ns);
	atomic_store(&d->guest_ns, b->in_ns);
	atomic_store(&d->console_ns, now - atomic_load(&d->start_ns));
	hv_log(v->dom, HV_LOG_DEBUG,
	       "first console output %llu us after start: hypervisor %llu us, guest %llu us "
	       "(build %llu us)",
	       (unsigned long long)(atomic_load(&d->console_ns) / 1000),
	       (unsigned long long)(b->out_ns / 1000), (unsigned long long)(b->in_ns / 1000),
	       (unsigned long long)(d->build_ns / 1000));
}
