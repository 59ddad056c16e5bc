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

/* event.c: the event loop on per-vCPU upcalls. nido_events_init maps
 * shared_info and sets vCPU 0's upcall vector (vCPUs started later get
 * theirs from pvabi_vcpu_start); 0 or -errno. nido_event_bind sets the
 * handler of port, which runs on the vCPU the port is bound to.
 * nido_event_wait, called with interrupts off, halts with interrupts on
 * until an upcall (or other interrupt) came, then returns with them off. */
long nido_events_init(void);
long nido_event_bind(evtchn_port_t port, pvabi_evtchn_handler_t fn, void *arg);
void nido_event_wait(void);
long nido_event_send(evtchn_port_t port);

/* timer.c: binds the calling vCPU's VIRQ_TIMER (once); sleeps ms
 * milliseconds on a single-shot timer. Returns the ns slept (PV clock).
 * nido_wait_count waits in the event loop until *count >= want or
 * timeout_ms passed: 1 if the count was reached, else 0. */
long nido_timer_init_cpu(void);
uint64_t nido_sleep_ms(unsigned long ms);
int nido_wait_count(volatile unsigned int *count, unsigned int want, unsigned long timeout_ms);

/* thread.c: nido_cpus_start starts every secondary vCPU once (each then
 * waits in the event loop); returns the vCPU count or -errno.
 * nido_threads runs n threads spread over every vCPU (each prints "thread
 * <i> on vcpu <k>"). 0 or -errno. */
long nido_cpus_start(void);
long nido_threads(unsigned int n);

/* ipi.c: pings every vCPU through an IPI channel bound to it and prints
 * "ipi: vcpu <k> received <count> on vcpu <where>" per vCPU, then "ipi: <n>
 * of <total> vcpus answered" (n counts exactly one receipt on the right
 * vCPU). 0 or -errno. */
long nido_ipi(void);

/* ringdemo.c: the shell's "ring-serve N" (granting and answering side;
 * peer domain from the peer= option) and "ring-client DOMID REF PORT N"
 * (mapping and requesting side) commands. */
void nido_ringdemo(const struct pvabi_boot *boot, const char *cmd, const char *arg);

/* xs.c (xenstore): nido_xs_boot connects to xenstore when the domain has a
 * store page and prints "nido: xenstore name=<name> domid=<domid>" from
 * its home directory; nido_xs_command runs the shell's xs-* commands (1 if
 * cmd was one). */
void nido_xs_boot(void);
int nido_xs_command(const char *cmd, char *arg);
/* 1 once nido_xs_boot connected to xenstore. */
int nido_xs_ready(void);

/* control.c (toolstack shutdown requests): nido_control_boot writes
 * control/feature-poweroff and feature-reboot and watches control/shutdown;
 * nido_input_wait sleeps until console input or a xenstore event (falls
 * back to the console port alone); nido_control_requested is the SHUTDOWN_*
 * asked for, or -1; nido_control_leave shuts down with it if one was. */
void nido_control_boot(void);
void nido_input_wait(void);
int nido_control_requested(void);
void nido_control_leave(void);

/* blk_cmd.c (disk, via frontends/block): runs the shell's blk-* commands
 * (1 if cmd was one); the disk connects on first use. */
int nido_blk_command(const char *cmd, char *arg);

/* shell.c: runs the script of the script= option (the rest of the line;
 * commands separated by ';'), if there is one. */
void nido_shell_script(const struct pvabi_boot *boot);
/* Runs one command line (modified in place); 1 when it was poweroff. */
int nido_shell_run(const struct pvabi_boot *boot, char *cmd);

/* console_shell.c: nido_console_init attaches pvabi's output to the PV
 * console ring when the domain has one (1 = attached, 0 = console_io);
 * nido_console_shell reads command lines from the ring (blocking on the
 * console port), echoing them, until poweroff. */
int nido_console_init(void);
int nido_console_has_script(const struct pvabi_boot *boot);
void nido_console_shell(const struct pvabi_boot *boot);

#endif
