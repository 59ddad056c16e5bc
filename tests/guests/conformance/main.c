/* conformance: calls every hypercall of the boot, discovery, console,
 * version and sched chapters with valid and invalid arguments and prints
 * one "CHECK <name> <value>" line each, then "CONFORMANCE DONE <n>".
 * Run with --mem 64M --cmdline "conf=1". */
#include "chapters.h"

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	conf_init();

	conf_discovery();
	conf_version();
	conf_console();
	conf_sched();
	conf_hypercall();
	conf_boot(boot);
	/* Last: polls that would hang if a timeout were ignored. */
	conf_sched_blocking();

	conf_done();
}
