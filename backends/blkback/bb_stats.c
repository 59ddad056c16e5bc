/* bb_stats.c: per-device counters in <state-dir>/vbd-<domid>-<devid>.stats
 * ("key value" lines, replaced atomically), rewritten at most every
 * 100 ms while they change and at disconnect: what tests and operators
 * read to see which paths (indirect, persistent, flush) a frontend used. */
#include <stdio.h>
#include <string.h>

#include "bb.h"
#include "bctl.h"

#define BB_STATS_MS 100

static uv_timer_t timer;

void bb_stats_write(struct bb_dev *d)
{
	char tmp[300];
	FILE *f;

	d->stats_dirty = false;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->stats_path);
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f,
		"requests %llu\nreads %llu\nwrites %llu\nflushes %llu\ndiscards %llu\n"
		"indirect %llu\nerrors %llu\nbytes_read %llu\nbytes_written %llu\n"
		"grant_maps %llu\npersistent_hits %llu\npersistent_grants %u\nfdatasyncs %llu\n"
		"connects %llu\nconnected %d\n",
		(unsigned long long)d->st.reqs, (unsigned long long)d->st.reads,
		(unsigned long long)d->st.writes, (unsigned long long)d->st.flushes,
		(unsigned long long)d->st.discards, (unsigned long long)d->st.indirect,
		(unsigned long long)d->st.errors, (unsigned long long)d->st.bytes_read,
		(unsigned long long)d->st.bytes_written, (unsigned long long)d->st.grant_maps,
		(unsigned long long)d->st.persistent_hits, d->npgnt,
		(unsigned long long)d->st.fdatasyncs, (unsigned long long)d->st.connects,
		d->connected ? 1 : 0);
	if (fclose(f) == 0)
		rename(tmp, d->stats_path);
}

/* A device's counters on the control socket's "devices" lines. */
static void ctl_counters(struct xbb_dev *x, struct bctl_line *l)
{
	const struct bb_dev *d = x->priv;

	if (!d)
		return;
	bctl_line_putu(l, "sectors", d->sectors);
	bctl_line_putu(l, "reqs", d->st.reqs);
	bctl_line_putu(l, "reads", d->st.reads);
	bctl_line_putu(l, "writes", d->st.writes);
	bctl_line_putu(l, "flushes", d->st.flushes);
	bctl_line_putu(l, "discards", d->st.discards);
	bctl_line_putu(l, "indirect", d->st.indirect);
	bctl_line_putu(l, "errors", d->st.errors);
	bctl_line_putu(l, "bytes_read", d->st.bytes_read);
	bctl_line_putu(l, "bytes_written", d->st.bytes_written);
	bctl_line_putu(l, "persistent_hits", d->st.persistent_hits);
	bctl_line_putu(l, "connects", d->st.connects);
}

const struct bctl_config bb_ctl_config = {
    .name = "hospes-blkback",
    .counters = ctl_counters,
};

/* bb_ring_flush marks devices dirty; the timer writes those. */
static void on_timer(uv_timer_t *t)
{
	for (struct bb_dev *d = bb_devs; d; d = d->next)
		if (d->stats_dirty)
			bb_stats_write(d);
}

void bb_stats_init(void)
{
	uv_timer_init(bb_loop, &timer);
	uv_timer_start(&timer, on_timer, BB_STATS_MS, BB_STATS_MS);
}

void bb_stats_stop(void)
{
	uv_timer_stop(&timer);
	uv_close((uv_handle_t *)&timer, NULL);
}
