/* bk_stats.h: a backend device's counters, listed once by its daemon and
 * written both to the device's stats file (<state-dir>/<name>.stats,
 * "key value" lines replaced atomically) and to its control socket
 * "dev" line; and the timer that rewrites changed files. */
#ifndef HOSPES_BK_STATS_H
#define HOSPES_BK_STATS_H

#include <stdint.h>

#include <uv.h>

/* Where a listing goes: a stats file or a control line. */
struct bk_stats_out;
struct bctl_line;

/* A daemon's listing of one device's counters, in file order (and in
 * control line order: each side skips the keys it does not carry). */
typedef void bk_stats_list_fn(const void *dev, struct bk_stats_out *o);

/* One counter: file_key in the stats file, ctl_key on the control line;
 * either may be NULL (not written there). */
void bk_stats_u(struct bk_stats_out *o, const char *file_key, const char *ctl_key, uint64_t v);
/* The same for a string value. */
void bk_stats_s(struct bk_stats_out *o, const char *file_key, const char *ctl_key, const char *v);

/* Writes path (through path.tmp and a rename) with list's counters of
 * dev; a file that cannot be written is skipped. */
void bk_stats_write(const char *path, bk_stats_list_fn *list, const void *dev);
/* Appends list's counters of dev (none if NULL) to a control socket
 * "dev" line. */
void bk_stats_ctl(struct bctl_line *l, bk_stats_list_fn *list, const void *dev);

/* Calls flush every 100 ms (it writes the devices whose counters
 * changed) until bk_stats_timer_stop. */
void bk_stats_timer_start(uv_loop_t *loop, void (*flush)(void));
void bk_stats_timer_stop(void);

#endif
