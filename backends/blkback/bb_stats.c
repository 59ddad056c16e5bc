/* bb_stats.c: per-device counters in <state-dir>/vbd-<domid>-<devid>.stats
 * ("key value" lines, replaced atomically), rewritten at most every
 * 100 ms while they change and at disconnect: what tests and operators
 * read to see which paths (indirect, persistent, flush) a frontend used.
 * The same list gives the control socket's "devices" lines. */
#include "bb.h"
#include "bctl.h"
#include "bk_stats.h"

/* File keys, and the control line's (NULL where a side has none). */
static void list_counters(const void *dev, struct bk_stats_out *o)
{
	const struct bb_dev *d = dev;

	bk_stats_u(o, NULL, "sectors", d->sectors);
	bk_stats_u(o, "requests", "reqs", d->st.reqs);
	bk_stats_u(o, "reads", "reads", d->st.reads);
	bk_stats_u(o, "writes", "writes", d->st.writes);
	bk_stats_u(o, "flushes", "flushes", d->st.flushes);
	bk_stats_u(o, "discards", "discards", d->st.discards);
	bk_stats_u(o, "indirect", "indirect", d->st.indirect);
	bk_stats_u(o, "errors", "errors", d->st.errors);
	bk_stats_u(o, "bytes_read", "bytes_read", d->st.bytes_read);
	bk_stats_u(o, "bytes_written", "bytes_written", d->st.bytes_written);
	bk_stats_u(o, "grant_maps", NULL, d->st.grant_maps);
	bk_stats_u(o, "persistent_hits", "persistent_hits", d->st.persistent_hits);
	bk_stats_u(o, "persistent_grants", NULL, d->npgnt);
	bk_stats_u(o, "fdatasyncs", NULL, d->st.fdatasyncs);
	bk_stats_u(o, "connects", "connects", d->st.connects);
	bk_stats_u(o, "connected", NULL, d->connected ? 1 : 0);
}

void bb_stats_write(struct bb_dev *d)
{
	d->stats_dirty = false;
	bk_stats_write(d->stats_path, list_counters, d);
}

/* A device's counters on the control socket's "devices" lines. */
static void ctl_counters(struct xbb_dev *x, struct bctl_line *l)
{
	bk_stats_ctl(l, list_counters, x->priv);
}

const struct bctl_config bb_ctl_config = {
    .name = "hospes-blkback",
    .counters = ctl_counters,
};

/* bb_ring_flush marks devices dirty; the timer writes those. */
void bb_stats_flush(void)
{
	for (struct bb_dev *d = bb_devs; d; d = d->next)
		if (d->stats_dirty)
			bb_stats_write(d);
}
