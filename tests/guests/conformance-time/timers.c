/* timers.c: single-shot and periodic timers, set_timer_op, block, poll. */
#include "ctime.h"

int ct_timer_pending(void)
{
	return (int)((ct_shinfo->evtchn_pending[ct_timer_port / 64] >> (ct_timer_port % 64)) & 1);
}

void ct_ack(void)
{
	ct_vcpu->evtchn_upcall_pending = 0;
	__atomic_exchange_n(&ct_vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	__atomic_and_fetch(&ct_shinfo->evtchn_pending[ct_timer_port / 64],
			   ~(1ull << (ct_timer_port % 64)), __ATOMIC_SEQ_CST);
}

long ct_poll(uint64_t deadline)
{
	uint32_t port = ct_timer_port;
	struct sched_poll p = { .ports = &port, .nr_ports = 1, .timeout = deadline };

	return pvabi_sched_op(SCHEDOP_poll, &p);
}

static void singleshot(void)
{
	uint64_t deadline = ct_now() + 1 * MS, woke;

	conf_check("time.singleshot_future_in_past",
		   pvabi_singleshot_timer(ct_now() - 1000, VCPU_SSHOTTMR_future));
	conf_check("time.singleshot_set", pvabi_singleshot_timer(deadline, 0));
	/* block: sleeps until the timer's event is pending (no spinning) */
	conf_check("time.block", pvabi_sched_op(SCHEDOP_block, NULL));
	woke = ct_now();
	conf_check("time.singleshot_virq_pending", ct_timer_pending());
	conf_check("time.singleshot_not_early", woke >= deadline);
	/* "within a bound": a 1 ms timer less than 100 ms late */
	conf_check("time.singleshot_within_100ms", woke < deadline + 100 * MS);
	ct_ack();
	/* stopped before its deadline: nothing arrives */
	pvabi_singleshot_timer(ct_now() + 5 * MS, 0);
	conf_check("time.singleshot_stop", pvabi_stop_singleshot_timer());
	ct_poll(ct_now() + 30 * MS);
	conf_check("time.singleshot_stopped_silent", !ct_timer_pending());
	/* another vCPU's single-shot timer: this domain has only vCPU 0 */
	struct vcpu_set_singleshot_timer s = { .timeout_abs_ns = ct_now() + MS };
	conf_check("time.singleshot_no_such_vcpu",
		   pvabi_vcpu_op(VCPUOP_set_singleshot_timer, 5, &s));
}

static void set_timer_op(void)
{
	uint64_t t0 = ct_now();

	conf_check("time.set_timer_op", pvabi_set_timer_op(t0 + 2 * MS));
	conf_check("time.set_timer_op_poll", ct_poll(t0 + 2000 * MS));
	conf_check("time.set_timer_op_fired", ct_timer_pending() && ct_now() >= t0 + 2 * MS &&
						     ct_now() < t0 + 1000 * MS);
	/* pending at entry: poll returns at once even without a timeout */
	conf_check("time.poll_pending_at_entry", ct_poll(0));
	ct_ack();
	conf_check("time.set_timer_op_cancel_arm", pvabi_set_timer_op(ct_now() + 5 * MS));
	conf_check("time.set_timer_op_zero", pvabi_set_timer_op(0));
	t0 = ct_now();
	conf_check("time.poll_timeout", ct_poll(t0 + 20 * MS));
	conf_check("time.poll_waited_until_timeout", ct_now() >= t0 + 20 * MS);
	conf_check("time.set_timer_op_cancelled", !ct_timer_pending());
}

static void periodic(void)
{
	uint64_t t0 = ct_now();
	int fires = 0;

	conf_check("time.periodic_too_short", pvabi_periodic_timer(MS - 1));
	conf_check("time.periodic_set", pvabi_periodic_timer(2 * MS));
	while (fires < 5 && ct_now() < t0 + 2000 * MS) {
		ct_poll(ct_now() + 1000 * MS);
		if (ct_timer_pending()) {
			ct_ack();
			fires++;
		}
	}
	conf_check("time.periodic_fired_5", fires);
	conf_check("time.periodic_not_early", ct_now() >= t0 + 10 * MS);
	conf_check("time.periodic_stop", pvabi_stop_periodic_timer());
	ct_ack(); /* an expiry may have landed between the last poll and stop */
	ct_poll(ct_now() + 20 * MS);
	conf_check("time.periodic_stopped_silent", !ct_timer_pending());
}

void ct_timer_checks(void)
{
	conf_check("time.bind_virq_port_nonzero", ct_timer_port != 0);
	singleshot();
	set_timer_op();
	periodic();
}
