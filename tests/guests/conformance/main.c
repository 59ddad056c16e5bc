/* conformance: calls every hypercall of the boot, discovery, console,
 * version and sched chapters with valid and invalid arguments and prints
 * one "CHECK <name> <value>" line each, then "CONFORMANCE DONE <n>".
 * Run with --mem 64M --cmdline "conf=1". */
#include "conf.h"

extern uint64_t conf_probe_rsp, conf_probe_armed;
extern const char conf_probe_resume[];

static unsigned int nr_checks;

void conf_check(const char *name, long value)
{
	pvabi_printf("CHECK %s %ld\n", name, value);
	nr_checks++;
}

void conf_check_str(const char *name, const char *value)
{
	pvabi_printf("CHECK %s %s\n", name, value);
	nr_checks++;
}

void conf_check_hex(const char *name, uint64_t value)
{
	pvabi_printf("CHECK %s 0x%lx\n", name, value);
	nr_checks++;
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

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	pvabi_set_trap_hook(probe_hook);
	conf_window_map();

	conf_discovery();
	conf_version();
	conf_console();
	conf_sched();
	conf_hypercall();
	conf_boot(boot);
	/* Last: these two may block on a hypervisor that follows Xen to the
	 * letter, and then only they are lost. */
	conf_sched_blocking();

	pvabi_printf("CONFORMANCE DONE %u\n", nr_checks);
}
