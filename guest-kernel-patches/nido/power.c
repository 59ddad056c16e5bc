/* power.c: how nido leaves: shutdown=<reason>, shutdown_code=<reason>. */
#include "nido.h"

static const char *const reasons[] = {
	[SHUTDOWN_poweroff] = "poweroff",
	[SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",
	[SHUTDOWN_crash] = "crash",
};
#define NR_REASONS (int)(sizeof(reasons) / sizeof(reasons[0]))

int nido_shutdown_reason(const char *name)
{
	for (int i = 0; i < NR_REASONS; i++)
		if (reasons[i] && strcmp(name, reasons[i]) == 0)
			return i;
	return -1;
}

const char *nido_shutdown_name(unsigned int reason)
{
	return reason < (unsigned int)NR_REASONS && reasons[reason] ? reasons[reason] : "unknown";
}

/* The reason named by option key, or -1 if absent or unknown. */
static int option_reason(const struct pvabi_boot *boot, const char *key)
{
	char val[16];
	int reason;

	if (!nido_cmdline_get(boot->cmdline, key, val, sizeof(val)))
		return -1;
	reason = nido_shutdown_reason(val);
	if (reason < 0)
		pvabi_printf("nido: ignoring %s=%s\n", key, val);
	return reason;
}

void nido_power_off(const struct pvabi_boot *boot)
{
	int reason = option_reason(boot, "shutdown");
	int code = option_reason(boot, "shutdown_code");

	if (reason < 0)
		reason = SHUTDOWN_poweroff;
	if (code >= 0) {
		struct sched_shutdown arg = { .reason = (uint32_t)code };
		long rc = pvabi_sched_op(SCHEDOP_shutdown_code, &arg);

		if (rc < 0)
			pvabi_printf("nido: shutdown_code failed: %ld\n", rc);
	}
	pvabi_printf("nido: shutting down (%s)\n", nido_shutdown_name((unsigned int)reason));
	pvabi_shutdown((unsigned int)reason);
}
