/* guest_bench.h: the toolstack's steps shared by the guest benchmarks
 * (xs_guest_bench, blk_guest_bench, net_guest_bench): connect to hospes-hv
 * and hospes-stored, create one nido with a store page, write its home
 * (name, domid) and optionally one PV device's frontend and backend
 * directories as libxl does, INTRODUCE, start, wait for the end. Errors are
 * printed as "PROG: what: why" and returned as 1 (the programs' exit code). */
#ifndef HOSPES_BENCH_GUEST_BENCH_H
#define HOSPES_BENCH_GUEST_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hvctl.h"
#include "xsclient.h"

struct gbench {
	const char *prog; /* prefix of error messages */
	struct hvctl *h;
	struct xsc *xs;
	uint32_t dom;
	struct hvctl_dominfo info;
};

/* One PV device: /local/domain/0/backend/TYPE/DOM/DEVID and
 * /local/domain/DOM/device/TYPE/DEVID, each with its link to the other end
 * (frontend, frontend-id / backend, backend-id), the given keys, then
 * state 1. */
struct gbench_dev {
	const char *type;
	unsigned devid;
	const char *const (*back)[2];
	size_t nback;
	const char *const (*front)[2];
	size_t nfront;
};

/* Prints "PROG: what: why"; returns 1. */
int gbench_fail(const struct gbench *g, const char *what, const char *why);
/* Connects to both sockets and creates (not starts) a 64 MiB domain with a
 * store page from kernel and cmdline; fills g->dom and g->info. */
int gbench_create(struct gbench *g, const char *hv_sock, const char *xs_sock, const char *kernel,
		  const char *cmdline);
/* Home, name, domid and dev's directories (dev may be NULL) in one
 * transaction, then INTRODUCE. */
int gbench_keys(struct gbench *g, const char *name, const struct gbench_dev *dev);
int gbench_start(struct gbench *g);
/* Waits until the domain has shut down (timeout_ms per wait). */
int gbench_wait_end(struct gbench *g, int timeout_ms);
/* The domain's console log in dir (NULL, after an error message, if none). */
FILE *gbench_console_log(const struct gbench *g, const char *dir);
void gbench_close(struct gbench *g);

#endif
