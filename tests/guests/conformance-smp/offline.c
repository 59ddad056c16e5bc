/* offline.c: events for a vCPU that is not up yet stay pending and are
 * delivered on it, exactly once, once it is up; then vCPUs 1 (idles in
 * hlt), 2 (idles in SCHEDOP_block) and 3 (hlt) all run. */
#include "smpev.h"

static long where(evtchn_port_t p)
{
	return (long)sev_where[p] - 1;
}

void sev_offline(void)
{
	evtchn_port_t ipi3 = 0, a = 0, b = 0;
	unsigned int pongs = sev_pongs;

	conf_check("offline.bind_ipi_3", pvabi_evtchn_bind_ipi(3, &ipi3));
	pvabi_evtchn_alloc_unbound(DOMID_SELF, &a);
	pvabi_evtchn_bind_interdomain(DOMID_SELF, a, &b); /* b: initial event, masked */
	conf_check("offline.bind_vcpu_interdomain_3", pvabi_evtchn_bind_vcpu(a, 3));
	sev_relay[ipi3] = sev_relay[a] = sev_pong;
	pvabi_evtchn_bind_handler(ipi3, sev_handler, NULL);
	pvabi_evtchn_bind_handler(a, sev_handler, NULL);
	conf_check("offline.send_ipi", pvabi_evtchn_send(ipi3));
	conf_check("offline.send_interdomain", pvabi_evtchn_send(b));
	conf_check("offline.ipi_pending", pvabi_evtchn_is_pending(ipi3));
	conf_check("offline.interdomain_pending", pvabi_evtchn_is_pending(a));
	conf_check("offline.not_delivered", sev_hits[ipi3] + sev_hits[a]);

	conf_check("offline.start_1", sev_start(1, 0));
	conf_check("offline.start_2", sev_start(2, 1));
	conf_check("offline.start_3", sev_start(3, 0));
	conf_check("offline.delivered_after_up", sev_wait_pongs(pongs + 2));
	conf_check("offline.ipi_on", where(ipi3));
	conf_check("offline.ipi_hits", sev_hits[ipi3]);
	conf_check("offline.interdomain_on", where(a));
	conf_check("offline.interdomain_hits", sev_hits[a]);
	pvabi_evtchn_close(b);
	pvabi_evtchn_close(a);
	pvabi_evtchn_close(ipi3);
}
