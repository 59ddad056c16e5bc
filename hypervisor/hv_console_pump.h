/* hv_console_pump.h: `hospes-hv run --console-ring`: hospes-hv itself is
 * the console backend of its one domain, so `run` stays a one-command way
 * to an interactive guest: ring output to stdout, stdin into the ring. */
#ifndef HOSPES_HV_CONSOLE_PUMP_H
#define HOSPES_HV_CONSOLE_PUMP_H

#include "hv.h"

struct hv_console_pump;

/* Binds the domain's console port (built with the console flag) to a dom0
 * endpoint and starts a thread copying `out` to out_fd and in_fd into
 * `in`. A terminal on in_fd loses echo and line editing (the guest
 * echoes) but keeps its signals. 0 or -errno (logged). */
int hv_console_pump_start(struct hv_domain *d, int out_fd, int in_fd,
			  struct hv_console_pump **out);

/* Stops the thread after a last drain of `out`, restores the terminal and
 * frees everything. NULL is fine. */
void hv_console_pump_stop(struct hv_console_pump *p);

#endif
