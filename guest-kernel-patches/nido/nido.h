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

/* event.c: the event loop. nido_events_init maps shared_info (0 or
 * -errno); nido_event_bind adds a handler for port on vCPU cpu; the
 * calling vCPU's nido_event_wait runs the handlers of its pending ports,
 * sleeping in SCHEDOP_block until at least one ran. */
typedef void nido_event_fn(void *arg);
long nido_events_init(void);
long nido_event_bind(unsigned int cpu, uint32_t port, nido_event_fn *fn, void *arg);
void nido_event_wait(void);
long nido_event_send(uint32_t port);

/* timer.c: binds the calling vCPU's VIRQ_TIMER (once); sleeps ms
 * milliseconds on a single-shot timer. Returns the ns slept (PV clock). */
long nido_timer_init_cpu(void);
uint64_t nido_sleep_ms(unsigned long ms);

/* thread.c: runs n threads spread over every vCPU (each prints "thread
 * <i> on vcpu <k>"), starting the secondary vCPUs on first use. 0 or
 * -errno. */
long nido_threads(unsigned int n);

/* shell.c: runs the script of the script= option (the rest of the line;
 * commands separated by ';'), if there is one. */
void nido_shell_script(const struct pvabi_boot *boot);

#endif
