/* check.c: reporting checks ("CHECK <name> <value>") and the trap hook
 * that lets conf_probe() survive an expected fault. */
#include "conf.h"

extern uint64_t conf_probe_rsp, conf_probe_armed;
extern const char conf_probe_resume[];

unsigned int conf_nr_checks;

void conf_check(const char *name, long value)
{
	pvabi_printf("CHECK %s %ld\n", name, value);
	conf_nr_checks++;
}

void conf_check_str(const char *name, const char *value)
{
	pvabi_printf("CHECK %s %s\n", name, value);
	conf_nr_checks++;
}

void conf_check_hex(const char *name, uint64_t value)
{
	pvabi_printf("CHECK %s 0x%lx\n", name, value);
	conf_nr_checks++;
}

/* Unwind a fault inside conf_probe; any other exception is a crash. */
static int probe_hook(struct pvabi_trap_frame *f)
{
	if (!conf_probe_armed)
		return 0;
	conf_probe_armed = 0;
	f->rsp = conf_probe_rsp;
	f->rip = (uintptr_t)conf_probe_resume;
	f->rax = f->vector;
	return 1;
}

void conf_init(void)
{
	pvabi_set_trap_hook(probe_hook);
	conf_window_map();
}

void conf_done(void)
{
	pvabi_printf("CONFORMANCE DONE %u\n", conf_nr_checks);
}
