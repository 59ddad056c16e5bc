/* evtchn-hostile: a guest that misbehaves at the event level, for the
 * isolation tests. "mode=storm" sends events as fast as it can, forever;
 * "mode=hostile victim=<domid> vport=<port>" sends on ports it does not
 * own, binds other domains' ports that were not offered to it (vport: one
 * the victim offered to someone else), closes port 0 and huge ports,
 * registers vcpu_info at bad places and tries to give back the frame
 * holding its registered vcpu_info; it reports CHECK lines and powers off. */
#include "hostile.h"

long hostile_arg(const char *cmdline, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, klen) && p[klen] == '=') {
			long v = 0;

			for (p += klen + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			return v;
		}
	}
	return -1;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	const char *c = boot->cmdline;

	if (!strncmp(c, "mode=storm", 10))
		hostile_storm();
	if (strncmp(c, "mode=hostile", 12))
		pvabi_panic("evtchn-hostile: mode=storm or mode=hostile");
	conf_init();
	if (pvabi_events_init(0xf3))
		pvabi_panic("evtchn-hostile: no events");
	hostile_probe((domid_t)hostile_arg(c, "victim"), (evtchn_port_t)hostile_arg(c, "vport"));
	hostile_vcpu_info();
	conf_done();
}
