/* blk_fixture.h: guests with PV disks served by hospes-blkback, doing the
 * toolstack's part until hospesd does: hospes-hv daemon + hospes-stored
 * (guest_store_fixture), raw image files, the libxl-style frontend and
 * backend directories with Xen's permissions, and a hospes-blkback that
 * tests can SIGTERM, SIGKILL and restart. */
#ifndef HOSPES_TEST_BLK_FIXTURE_H
#define HOSPES_TEST_BLK_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_store_fixture.h"

#define BFX_XVDA 51712u /* 202 << 8: xvda */

/* hospes-hv, hospes-stored, a temp dir and hospes-blkback. */
void bfx_start(const char *tag);
/* Stops blkback (SIGTERM: expects exit code 0) and the rest. */
void bfx_stop(void);
/* bfx_start plus a control connection and a xenstore client (asserted),
 * and their undoing before bfx_stop: the suites' init and fini. */
void bfx_session_open(const char *tag, struct hvctl **hv, struct xsc **xs);
void bfx_session_close(struct hvctl **hv, struct xsc **xs);
void bfx_blkback_start(void);
int bfx_blkback_stop(void);  /* SIGTERM; its exit code */
void bfx_blkback_kill(void); /* SIGKILL (the crash of the recovery test) */
int bfx_blkback_pid(void);
char *bfx_blkback_log(void); /* malloc'd */
/* 1 once text is in blkback's stderr within ms. */
int bfx_blkback_log_wait(const char *text, int ms);

/* A sparse image file of bytes in the temp dir; its path (static per name
 * slot: valid until bfx_stop). */
const char *bfx_image(const char *name, uint64_t bytes);

/* Creates guests/<guest>.elf (mem bytes, xenstore page, not started),
 * its home directory, one disk (devid, image, read-only if ro), and
 * introduces it; starts it if start. */
uint32_t bfx_domain(struct hvctl *h, struct xsc *xs, const char *guest, uint64_t mem,
		    const char *cmdline, unsigned devid, const char *image, bool ro, bool start);
/* The frontend and backend directories of one disk (Xen's permissions:
 * frontend dir owned by the guest and readable by dom0, backend dir owned
 * by dom0 and readable by the guest). */
void bfx_add_disk(struct xsc *xs, uint32_t domid, unsigned devid, const char *image, bool ro);

/* A counter from <dir>/vbd-<domid>-<devid>.stats; -1 if absent. */
long long bfx_stat(uint32_t domid, unsigned devid, const char *key);
/* Waits until the domain shut down; fails the test with every log. */
void bfx_wait_shutdown(struct hvctl *h, uint32_t domid, uint32_t ms);
/* Fills / checks sectors [start, start+count) of path with blk_pattern.h
 * (check returns the number of bad sectors). */
void bfx_fill(const char *path, uint64_t seed, uint64_t start, uint64_t count);
uint64_t bfx_check(const char *path, uint64_t seed, uint64_t start, uint64_t count);

#endif
