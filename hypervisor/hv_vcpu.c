/* hv_vcpu.c: a vCPU thread: the KVM_RUN loop with the hypercall fast path,
 * and the kick signal that gets it out of KVM_RUN. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hc.h"
#include "hv_kvm.h"
#include "hv_vcpu.h"

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

		atomic_store_explicit(&v->in_run, true, memory_order_relaxed);
		r = hv_kvm_run(v);
		atomic_store_explicit(&v->in_run, false, memory_order_relaxed);
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
		} else {
			hv_domain_error(v->dom, "KVM_RUN failed: %s", strerror(-r));
		}
	}
}

static void *vcpu_thread(void *arg)
{
	struct hv_vcpu *v = arg;
	uint64_t one = 1;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, HV_KICK_SIGNAL);
	tls_run = v->run;
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	vcpu_loop(v);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	tls_run = NULL;
	if (write(v->dom->done_fd, &one, sizeof(one)) < 0)
		hv_log(v->dom, HV_LOG_ERROR, "vCPU %u: cannot signal its end: %s", v->id,
		       strerror(errno));
	return NULL;
}

int hv_vcpu_start(struct hv_vcpu *v)
{
	int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

	return -r;
}
