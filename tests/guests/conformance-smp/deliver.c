/* deliver.c: IPIs to each vCPU, to itself, from one AP to another and in a
 * burst; an interdomain port moved between vCPUs (also while pending and
 * masked); VIRQ_TIMER firing on its own vCPU. Each handler run records the
 * vCPU it ran on; relays end with a pong to vCPU 0. */
#include "smpev.h"

static evtchn_port_t ipi[SMPEV_VCPUS];

static long where(evtchn_port_t p)
{
	return (long)sev_where[p] - 1;
}

static void clear(evtchn_port_t p)
{
	sev_hits[p] = 0;
	sev_where[p] = 0;
}

/* Sends on p and waits for the relay chain's pong. */
static int ping(evtchn_port_t p)
{
	unsigned int want = sev_pongs + 1;

	pvabi_evtchn_send(p);
	return sev_wait_pongs(want);
}

void sev_ipis(void)
{
	static const char *const to_name[SMPEV_VCPUS][3] = {
		{ "ipi.to_0.done", "ipi.to_0.on", "ipi.to_0.hits" },
		{ "ipi.to_1.done", "ipi.to_1.on", "ipi.to_1.hits" },
		{ "ipi.to_2.done", "ipi.to_2.on", "ipi.to_2.hits" },
		{ "ipi.to_3.done", "ipi.to_3.on", "ipi.to_3.hits" },
	};
	long first_err = 0, r;
	unsigned int want;

	for (unsigned int k = 0; k < SMPEV_VCPUS; k++) {
		if ((r = pvabi_evtchn_bind_ipi(k, &ipi[k])) && !first_err)
			first_err = r;
		sev_relay[ipi[k]] = sev_pong;
		pvabi_evtchn_bind_handler(ipi[k], sev_handler, NULL);
	}
	conf_check("ipi.bind_all", first_err);
	for (unsigned int k = 0; k < SMPEV_VCPUS; k++) {
		clear(ipi[k]);
		conf_check(to_name[k][0], ping(ipi[k]));
		conf_check(to_name[k][1], where(ipi[k]));
		conf_check(to_name[k][2], sev_hits[ipi[k]]);
	}
	/* 1 -> 2 -> 0: an AP sends to another AP. */
	clear(ipi[1]);
	clear(ipi[2]);
	sev_relay[ipi[1]] = ipi[2];
	conf_check("ipi.chain_done", ping(ipi[1]));
	conf_check("ipi.chain_first_on", where(ipi[1]));
	conf_check("ipi.chain_second_on", where(ipi[2]));
	sev_relay[ipi[1]] = sev_pong;
	/* Three at once: each on its own vCPU. */
	for (unsigned int k = 1; k < SMPEV_VCPUS; k++)
		clear(ipi[k]);
	want = sev_pongs + SMPEV_VCPUS - 1;
	for (unsigned int k = 1; k < SMPEV_VCPUS; k++)
		pvabi_evtchn_send(ipi[k]);
	conf_check("ipi.burst_done", sev_wait_pongs(want));
	conf_check("ipi.burst_right_vcpus", where(ipi[1]) == 1 && where(ipi[2]) == 2 &&
						  where(ipi[3]) == 3);
	conf_check("ipi.burst_hits", sev_hits[ipi[1]] + sev_hits[ipi[2]] + sev_hits[ipi[3]]);
	conf_check("wake.blocked_ap_blocked", sev_blocks[2] > 0);
	conf_check("wake.halted_ap_never_blocked", sev_blocks[1] + sev_blocks[3]);
}

void sev_move(void)
{
	struct evtchn_status st = { .dom = DOMID_SELF };
	evtchn_port_t a = 0, b = 0;
	unsigned int want = sev_pongs + 1;

	pvabi_evtchn_alloc_unbound(DOMID_SELF, &a);
	pvabi_evtchn_bind_interdomain(DOMID_SELF, a, &b);
	sev_relay[a] = sev_relay[b] = sev_pong;
	pvabi_evtchn_bind_handler(b, sev_handler, NULL); /* the initial event */
	conf_check("move.initial_event", sev_wait_pongs(want));
	pvabi_evtchn_bind_handler(a, sev_handler, NULL);
	conf_check("move.to_2", pvabi_evtchn_bind_vcpu(a, 2));
	st.port = a;
	pvabi_evtchn_status(&st);
	conf_check("move.to_2_status_vcpu", st.vcpu);
	clear(a);
	conf_check("move.to_2_done", ping(b));
	conf_check("move.to_2_on", where(a));
	conf_check("move.to_1", pvabi_evtchn_bind_vcpu(a, 1));
	clear(a);
	conf_check("move.to_1_done", ping(b));
	conf_check("move.to_1_on", where(a));
	conf_check("move.to_0", pvabi_evtchn_bind_vcpu(a, 0));
	clear(a);
	conf_check("move.to_0_done", ping(b));
	conf_check("move.to_0_on", where(a));
	/* Pending while masked, then moved: the unmask delivers it on the
	 * vCPU it was moved to. */
	clear(a);
	pvabi_evtchn_mask(a);
	pvabi_evtchn_send(b);
	conf_check("move.masked_pending", pvabi_evtchn_is_pending(a));
	conf_check("move.masked_to_3", pvabi_evtchn_bind_vcpu(a, 3));
	conf_check("move.masked_not_delivered", sev_hits[a]);
	want = sev_pongs + 1;
	pvabi_evtchn_unmask(a);
	conf_check("move.unmask_done", sev_wait_pongs(want));
	conf_check("move.unmask_on", where(a));
	conf_check("move.unmask_hits", sev_hits[a]);
	pvabi_evtchn_close(b);
	pvabi_evtchn_close(a);
}

/* Each vCPU arms a due single-shot timer for itself from its IPI handler;
 * the VIRQ_TIMER bound to that vCPU runs there and pongs. */
void sev_timers(void)
{
	static const char *const names[SMPEV_VCPUS][2] = {
		{ NULL, NULL }, /* vCPU 0's timer is the hang detector's */
		{ "timer.1.done", "timer.1.on" },
		{ "timer.2.done", "timer.2.on" },
		{ "timer.3.done", "timer.3.on" },
	};
	evtchn_port_t t[SMPEV_VCPUS] = { 0 };
	long first_err = 0, r;

	for (unsigned int k = 1; k < SMPEV_VCPUS; k++) {
		if ((r = pvabi_evtchn_bind_virq(VIRQ_TIMER, k, &t[k])) && !first_err)
			first_err = r;
		sev_relay[t[k]] = sev_pong;
		pvabi_evtchn_bind_handler(t[k], sev_handler, NULL);
	}
	conf_check("timer.bind_each", first_err);
	for (unsigned int k = 1; k < SMPEV_VCPUS; k++) {
		unsigned int want = sev_pongs + 1;

		clear(t[k]);
		sev_arm_timer[k] = 1;
		pvabi_evtchn_send(ipi[k]);
		conf_check(names[k][0], sev_wait_pongs(want));
		conf_check(names[k][1], where(t[k]));
	}
	for (unsigned int k = 1; k < SMPEV_VCPUS; k++)
		pvabi_evtchn_close(t[k]);
}
