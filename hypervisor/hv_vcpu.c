/* hv_vcpu.c: a vCPU thread: the KVM_RUN loop with the hypercall fast path,
 * and the kick signal that gets it out of KVM_RUN. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hc.h"
#include "hv_balloon.h"
#include "hv_kvm.h"
#include "hv_smp.h"
#include "hv_upcall.h"
#include "hv_vcpu.h"
#include "hv_vtime.h"

static void record_cpu_time(struct hv_vcpu *v);

/* The kvm_run of the vCPU this thread runs, for the signal handler. */
static __thread struct kvm_run *tls_run;

static void kick_handler(int sig)
{
	(void)sig;
	/* If the signal lands just before KVM_RUN, this makes it return at
	 * once; inside KVM_RUN the signal itself causes -EINTR. */
	if (tls_run)
		tls_run->immediate_exit = 1;
}

int hv_vcpu_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: KVM_RUN must return -EINTR */
	return sigaction(HV_KICK_SIGNAL, &sa, NULL) < 0 ? -errno : 0;
}

void hv_vcpu_kick(struct hv_vcpu *v)
{
	pthread_kill(v->thread, HV_KICK_SIGNAL);
}

static inline bool is_hypercall(const struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_IO && run->io.port == PVABI_HYPERCALL_PORT &&
	       run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 4 && run->io.count == 1;
}

static void vcpu_loop(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;

	while (!v->stop && !atomic_load_explicit(&v->dom->dying, memory_order_relaxed)) {
		int r;

		if (__builtin_expect(hv_smp_must_park(v), 0)) {
			hv_smp_park(v); /* down or paused (hv_smp.c) */
			continue;
		}
		hv_upcall_pre_run(v); /* events: a type-2 callback owed to this vCPU */
		if (__builtin_expect(v->boot.on, 0))
			hv_bootacct_enter(v);
		atomic_store_explicit(&v->in_run, true, memory_order_relaxed);
		r = hv_kvm_run(v);
		atomic_store_explicit(&v->in_run, false, memory_order_relaxed);
		if (__builtin_expect(v->boot.on, 0))
			hv_bootacct_leave(v);
		atomic_fetch_add_explicit(&v->exits, 1, memory_order_relaxed);
		if (__builtin_expect(r == 0 && is_hypercall(run), 1)) {
			/* Fast path: registers come from and go back through the
			 * sync area, so no extra ioctl. */
			v->regs->rax = (uint64_t)hc_dispatch(v);
			run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
		} else if (r == 0) {
			hv_exit_handle(v);
		} else if (r == -EINTR || r == -EAGAIN) {
			hv_exit_kicked(v);
#ifdef KVM_EXIT_MEMORY_FAULT
		} else if (r == -EFAULT && run->exit_reason == KVM_EXIT_MEMORY_FAULT &&
			   hv_balloon_fault(v, run->memory_fault.gpa, -1,
					    (unsigned)run->memory_fault.size)) {
			/* a given-back frame (hv_balloon.c) */
#endif
		} else {
			hv_domain_error(v->dom, "KVM_RUN failed: %s", strerror(-r));
		}
	}
}

/* Time (hv_vtime.c): the PV clock needs the vCPU's TSC, read before it
 * first runs (vCPU ioctls wait while the vCPU is in KVM_RUN). */
static void start_time(struct hv_vcpu *v)
{
	int64_t offset;
	uint32_t khz;

	if (hv_kvm_vcpu_tsc(v, &offset, &khz))
		khz = 0;
	hv_vtime_start(v, offset, khz);
}

static void *vcpu_thread(void *arg)
{
	struct hv_vcpu *v = arg;
	struct kvm_sregs start_sregs;
	struct kvm_regs start_regs;
	uint64_t one = 1;
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, HV_KICK_SIGNAL);
	tls_run = v->run;
	hv_bootacct_thread(v);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (hv_smp_take_start(v, &start_regs, &start_sregs) &&
	    (r = hv_kvm_vcpu_load_start(v, &start_regs, &start_sregs)))
		hv_domain_error(v->dom, "cannot start vCPU %u: %s", v->id, strerror(-r));
	start_time(v);
	vcpu_loop(v);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	tls_run = NULL;
	record_cpu_time(v);
	if (write(v->dom->done_fd, &one, sizeof(one)) < 0)
		hv_log(v->dom, HV_LOG_ERROR, "vCPU %u: cannot signal its end: %s", v->id,
		       strerror(errno));
	return NULL;
}

/* The thread's CPU clock dies with it: keep its final value for info. */
static void record_cpu_time(struct hv_vcpu *v)
{
	struct timespec t;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t))
		return;
	pthread_mutex_lock(&v->dom->lock);
	v->cpu_ns_final = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
	v->thread_ended = true;
	pthread_mutex_unlock(&v->dom->lock);
}

int hv_vcpu_start(struct hv_vcpu *v)
{
	int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

	return -r;
}
