/* nb_stats.c: per-vif counters in <state-dir>/vif-<domid>-<devid>.stats
 * ("key value" lines, replaced atomically), rewritten at most every
 * 100 ms while they change and at disconnect and removal. The same list
 * gives the control socket's "devices" lines. */
#include "bctl.h"
#include "bk_stats.h"
#include "nb.h"

/* File keys, and the control line's (NULL where a side has none); the
 * interface name leads the control line and ends the file. */
static void list_counters(const void *dev, struct bk_stats_out *o)
{
	const struct nb_dev *d = dev;

	bk_stats_s(o, NULL, "ifname", d->ifname);
	bk_stats_u(o, "tx_packets", "tx_packets", d->st.tx_packets);
	bk_stats_u(o, "tx_bytes", "tx_bytes", d->st.tx_bytes);
	bk_stats_u(o, "tx_errors", "tx_errors", d->st.tx_errors);
	bk_stats_u(o, "tx_dropped", NULL, d->st.tx_dropped);
	bk_stats_u(o, "rx_packets", "rx_packets", d->st.rx_packets);
	bk_stats_u(o, "rx_bytes", "rx_bytes", d->st.rx_bytes);
	bk_stats_u(o, "rx_dropped", "rx_dropped", d->st.rx_dropped);
	bk_stats_u(o, "rx_errors", NULL, d->st.rx_errors);
	bk_stats_u(o, "grant_maps", NULL, d->st.grant_maps);
	bk_stats_u(o, "connects", "connects", d->st.connects);
	bk_stats_u(o, "connected", NULL, d->connected ? 1 : 0);
	bk_stats_s(o, "ifname", NULL, d->ifname);
}

void nb_stats_write(struct nb_dev *d)
{
	d->stats_dirty = false;
	bk_stats_write(d->stats_path, list_counters, d);
}

void nb_stats_flush(void)
{
	for (struct nb_dev *d = nb_devs; d; d = d->next)
		if (d->stats_dirty)
			nb_stats_write(d);
}

/* The counters of a vif's "dev" line on the control socket. */
static void ctl_counters(struct xbb_dev *x, struct bctl_line *l)
{
	bk_stats_ctl(l, list_counters, x->priv);
}

const struct bctl_config nb_ctl_config = {
    .name = "hospes-netback",
    .counters = ctl_counters,
};
