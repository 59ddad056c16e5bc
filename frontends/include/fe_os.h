/* fe_os.h: the OS glue a kernel gives Hospes's frontend drivers. The
 * drivers are freestanding C on top of pvabi; only memory and sleeping
 * differ between kernels, so that is all this interface holds. */
#ifndef FE_OS_H
#define FE_OS_H

#include <pvabi.h>

struct fe_os {
	/* 2^order page-aligned pages, identity-mapped below 4 GiB (grant
	 * frames are 32-bit), or NULL. Contents undefined (drivers initialise
	 * what they use; clearing megabytes is costly in emulated kernel
	 * mode). Drivers never free them. */
	void *(*alloc_pages)(void *ctx, unsigned int order);
	/* A new event channel of the driver: prepare it for wait() (e.g.
	 * mask it when wait uses SCHEDOP_poll, or bind a handler). */
	void (*bind)(void *ctx, evtchn_port_t port);
	/* Sleeps until port was signalled or a xenstore event may have come,
	 * and clears the port's pending state. Called only after the driver
	 * re-checked its ring (so no event is lost). Returns nonzero when
	 * xenstore may have news (the driver then runs its watches). */
	int (*wait)(void *ctx, evtchn_port_t port);
	void *ctx;
};

#endif
