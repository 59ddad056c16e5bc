/* hv_run.h: `hospes-hv run`: one domain in the foreground. */
#ifndef HOSPES_HV_RUN_H
#define HOSPES_HV_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"

struct hv_run_opts {
	const char *kernel;
	uint64_t mem;
	uint64_t maxmem; /* 0 = mem */
	unsigned vcpus;  /* 0 = 1 */
	const char *cmdline;
	unsigned nr_modules;
	const char *modules[BOOTINFO_MAX_MODULES];
	unsigned watchdog_ms;
	bool xenstore; /* --xenstore: ring page and port (hv_store.h) */
	bool console_ring; /* --console-ring: console page served by hv_console_pump.c */
};

/* Boots the kernel and runs it until it ends; returns the exit status
 * (hv_exit.h). Expects HV_KICK_SIGNAL, SIGINT and SIGTERM blocked. */
int hv_run(const struct hv_run_opts *o);

#endif
