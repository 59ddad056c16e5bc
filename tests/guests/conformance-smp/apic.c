/* apic.c: an upcall raised while the vCPU's local APIC is software-
 * disabled (SVR bit 8 clear, as at reset and on an AP that has not set
 * its APIC up yet) is not lost: it arrives once the APIC is enabled and
 * the vCPU next enters the hypervisor. */
#include "smpev.h"

#define MSR_X2APIC_SVR 0x80f

void sev_apic(void)
{
	evtchn_port_t p = 0;

	pvabi_evtchn_bind_ipi(0, &p);
	sev_hits[p] = 0;
	sev_where[p] = 0;
	pvabi_evtchn_bind_handler(p, sev_handler, NULL);
	pvabi_wrmsr(MSR_X2APIC_SVR, 0xff); /* software-disabled */
	conf_check("apic.send_while_disabled", pvabi_evtchn_send(p));
	pvabi_wrmsr(MSR_X2APIC_SVR, 0x1ff);
	conf_check("apic.not_yet", sev_hits[p]);
	/* Two trips through the hypervisor with interrupts on: the owed
	 * upcall is injected on the way back. */
	pvabi_irq_enable();
	pvabi_xen_version(XENVER_version, NULL);
	pvabi_xen_version(XENVER_version, NULL);
	pvabi_irq_disable();
	conf_check("apic.delivered_after_enable", sev_hits[p]);
	conf_check("apic.delivered_on", (long)sev_where[p] - 1);
	pvabi_evtchn_close(p);
}
