/* evtchn-hostile: a guest that misbehaves at the event level, for the
 * isolation tests. "mode=storm" sends events as fast as it can, forever;
 * "mode=hostile victim=<domid> vport=<port>" sends on ports it does not
 * own, binds other domains' ports that were not offered to it (vport: one
 * the victim offered to someone else), closes port 0 and huge ports,
 * registers vcpu_info at bad places and tries to give back the frame
 * holding its registered vcpu_info; it reports CHECK lines and powers off. */
#include "hostile.h"

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	const char *c = boot->cmdline;

	if (pvabi_cmdline_has(c, "mode=storm"))
		hostile_storm();
	if (!pvabi_cmdline_has(c, "mode=hostile"))
		pvabi_panic("evtchn-hostile: mode=storm or mode=hostile");
	conf_init();
	if (pvabi_events_init(0xf3))
		pvabi_panic("evtchn-hostile: no events");
	hostile_probe((domid_t)pvabi_cmdline_num(c, "victim", -1),
		      (evtchn_port_t)pvabi_cmdline_num(c, "vport", -1));
	hostile_vcpu_info();
	conf_done();
}
