/* chapters.h: the check groups of the first conformance guest (boot,
 * discovery, console, version, sched). */
#ifndef CONFORMANCE_CHAPTERS_H
#define CONFORMANCE_CHAPTERS_H

#include "conf.h"

void conf_discovery(void);
void conf_version(void);
void conf_console(void);
void conf_sched(void);
void conf_sched_blocking(void);
void conf_hypercall(void);
void conf_boot(const struct pvabi_boot *boot);

#endif
