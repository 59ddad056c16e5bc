/* nido_blk.h: nido's disk (blk.c glue, blk_cmd.c shell commands). */
#ifndef NIDO_BLK_H
#define NIDO_BLK_H

#include <blkfront.h>

/* The connected disk (connects on first call; NULL if there is none). */
struct blkfront *nido_blk_dev(void);
/* Follows a detach of the connected disk while the shell is idle. */
void nido_blk_idle(void);
/* 2^order pages from the bump heap above the image (contents undefined). */
void *nido_blk_alloc(unsigned int order);
/* ns spent asleep in the glue's wait (for the benchmark's guest time). */
extern uint64_t nido_blk_wait_ns;

/* blk_cmd.c: runs a blk-* shell command (1 if cmd was one). */
int nido_blk_command(const char *cmd, char *arg);
/* blk_bench.c: "blk-bench MODE OP BS QD N[s]" (secs: N is seconds). */
void nido_blk_bench(struct blkfront *bf, const char *mode, const char *op, uint64_t bs,
		    uint64_t qd, uint64_t n, int secs);

#endif
