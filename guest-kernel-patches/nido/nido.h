/* nido.h: the nido reference kernel's internal interfaces. */
#ifndef NIDO_H
#define NIDO_H

#include <pvabi.h>

#define NIDO_VERSION "0.1"

/* cmdline.c: copy the value of option key ("key=value", space separated)
 * into buf (NUL-terminated, truncated to size). 1 if found, else 0. */
int nido_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/* power.c: SHUTDOWN_* number for "poweroff", "reboot", "crash",
 * "suspend", or -1. */
int nido_shutdown_reason(const char *name);
/* power.c: the name of a SHUTDOWN_* reason ("type N" is not produced:
 * unknown reasons give "unknown"). */
const char *nido_shutdown_name(unsigned int reason);
/* power.c: honour shutdown= and shutdown_code= and leave. */
PVABI_NORETURN void nido_power_off(const struct pvabi_boot *boot);

/* info.c: the boot report: banner, features, memory map, command line,
 * modules. */
void nido_print_boot_info(const struct pvabi_boot *boot);

#endif
