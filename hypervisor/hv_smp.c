/* hv_smp.c: the vcpu_op bring-up rows (initialise, up, down, is_up) with
 * Xen's semantics, parking of offline/paused vCPUs, and domain pause. */
#include <errno.h>

#include <pvabi/errno.h>
#include <pvabi/sched.h>

#include "hc.h"
#include "hv_smp.h"
#include "hv_wait.h"

void hv_smp_init(struct hv_domain *d, const struct hv_smp_ops *ops)
{
	d->smp_ops = ops;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct hv_vcpu *v = d->vcpus[i];

		v->smp_initialised = i == 0;
		v->smp_started = false;
		v->smp_apply_start = false;
		atomic_store(&v->smp_down, i != 0);
	}
}

int hv_smp_start_boot(struct hv_domain *d)
{
	struct hv_vcpu *v = d->vcpus[0];
	int r;

	pthread_mutex_lock(&d->lock);
	if (!(r = d->smp_ops->start(v))) {
		v->smp_started = true;
		d->smp_threads++;
	}
	pthread_mutex_unlock(&d->lock);
	return r;
}

bool hv_smp_take_start(struct hv_vcpu *v, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	bool take;

	pthread_mutex_lock(&v->dom->lock);
	take = v->smp_apply_start;
	if (take) {
		*regs = v->smp_regs;
		*sregs = v->smp_sregs;
		v->smp_apply_start = false;
	}
	pthread_mutex_unlock(&v->dom->lock);
	return take;
}

unsigned hv_smp_online(struct hv_domain *d)
{
	unsigned n = 0;

	pthread_mutex_lock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		n += !atomic_load(&d->vcpus[i]->smp_down);
	pthread_mutex_unlock(&d->lock);
	return n;
}

int64_t hv_smp_initialise(struct hv_vcpu *self, struct hv_vcpu *t, uint64_t arg)
{
	struct hv_domain *d = self->dom;
	struct vcpu_hvm_context ctx;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	char why[128];
	int64_t r = 0;

	if (gmem_copy_from_guest(self, &ctx, arg, sizeof(ctx)))
		return -XEN_EFAULT;
	pthread_mutex_lock(&d->lock);
	/* Xen checks "already initialised" first; taking a vCPU down does not
	 * reset it. The conversion is pure and short, so it runs locked. */
	if (t->smp_initialised) {
		r = -XEN_EEXIST;
	} else if (hv_smp_ctx_convert(&d->mem, &ctx, &regs, &sregs, why, sizeof(why))) {
		hv_log(d, HV_LOG_DEBUG, "VCPUOP_initialise vCPU %u: %s", t->id, why);
		r = -XEN_EINVAL;
	} else {
		t->smp_regs = regs;
		t->smp_sregs = sregs;
		t->smp_initialised = true;
		t->smp_apply_start = true;
	}
	pthread_mutex_unlock(&d->lock);
	return r;
}

int64_t hv_smp_up(struct hv_vcpu *self, struct hv_vcpu *t, uint64_t arg)
{
	struct hv_domain *d = self->dom;
	int64_t r = 0;
	int e;

	(void)arg;
	pthread_mutex_lock(&d->lock);
	if (!t->smp_initialised) {
		r = -XEN_EINVAL;
	} else if (atomic_load(&d->dying)) {
		r = 0; /* the domain is ending; nothing will run again */
	} else if (!t->smp_started) {
		atomic_store(&t->smp_down, false);
		if ((e = d->smp_ops->start(t))) {
			atomic_store(&t->smp_down, true);
			hv_log(d, HV_LOG_ERROR, "cannot start vCPU %u: %d", t->id, e);
			r = -XEN_ENOMEM;
		} else {
			t->smp_started = true;
			d->smp_threads++;
		}
	} else {
		atomic_store(&t->smp_down, false);
	}
	pthread_mutex_unlock(&d->lock);
	if (!r && t->smp_started)
		hv_vcpu_wake(t);
	return r;
}

int64_t hv_smp_down(struct hv_vcpu *self, struct hv_vcpu *t, uint64_t arg)
{
	struct hv_domain *d = self->dom;
	unsigned others = 0;

	(void)arg;
	pthread_mutex_lock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		others += d->vcpus[i] != t && !atomic_load(&d->vcpus[i]->smp_down);
	if (others)
		atomic_store(&t->smp_down, true);
	pthread_mutex_unlock(&d->lock);
	/* Xen: taking the last online vCPU down powers the domain off. */
	if (!others) {
		hv_log(d, HV_LOG_INFO, "last online vCPU %u taken down: poweroff", t->id);
		hv_domain_shutdown(d, SHUTDOWN_poweroff);
		self->stop = true;
		return 0;
	}
	/* The caller parks on its way back to the guest; another target must
	 * first leave KVM_RUN. */
	if (t != self && t->smp_started)
		d->smp_ops->kick(t);
	return 0;
}

int64_t hv_smp_is_up(struct hv_vcpu *self, struct hv_vcpu *t, uint64_t arg)
{
	(void)self;
	(void)arg;
	return !atomic_load(&t->smp_down);
}

static bool may_run(struct hv_vcpu *v, void *ctx)
{
	(void)ctx;
	return !hv_smp_must_park(v);
}

void hv_smp_park(struct hv_vcpu *v)
{
	hv_vcpu_wait(v, may_run, NULL, 0);
}

int hv_smp_set_paused(struct hv_domain *d, bool paused)
{
	bool started[HV_MAX_VCPUS];

	pthread_mutex_lock(&d->lock);
	if (d->state != HV_DOM_RUNNING) {
		pthread_mutex_unlock(&d->lock);
		return -ESRCH;
	}
	atomic_store(&d->paused, paused);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		started[i] = d->vcpus[i]->smp_started;
	pthread_mutex_unlock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		if (!started[i])
			continue;
		if (paused)
			d->smp_ops->kick(d->vcpus[i]);
		else
			hv_vcpu_wake(d->vcpus[i]);
	}
	return 0;
}
