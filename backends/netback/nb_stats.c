/* nb_stats.c: per-vif counters in <state-dir>/vif-<domid>-<devid>.stats
 * ("key value" lines, replaced atomically), rewritten at most every
 * 100 ms while they change and at disconnect and removal. */
#include <stdio.h>

#include "bctl.h"
#include "nb.h"

#define NB_STATS_MS 100

static uv_timer_t timer;

void nb_stats_write(struct nb_dev *d)
{
	char tmp[300];
	FILE *f;

	d->stats_dirty = false;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->stats_path);
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f,
		"tx_packets %llu\ntx_bytes %llu\ntx_errors %llu\ntx_dropped %llu\n"
		"rx_packets %llu\nrx_bytes %llu\nrx_dropped %llu\nrx_errors %llu\n"
		"grant_maps %llu\nconnects %llu\nconnected %d\nifname %s\n",
		(unsigned long long)d->st.tx_packets, (unsigned long long)d->st.tx_bytes,
		(unsigned long long)d->st.tx_errors, (unsigned long long)d->st.tx_dropped,
		(unsigned long long)d->st.rx_packets, (unsigned long long)d->st.rx_bytes,
		(unsigned long long)d->st.rx_dropped, (unsigned long long)d->st.rx_errors,
		(unsigned long long)d->st.grant_maps, (unsigned long long)d->st.connects,
		d->connected ? 1 : 0, d->ifname);
	if (fclose(f) == 0)
		rename(tmp, d->stats_path);
}

static void on_timer(uv_timer_t *t)
{
	(void)t;
	for (struct nb_dev *d = nb_devs; d; d = d->next)
		if (d->stats_dirty)
			nb_stats_write(d);
}

void nb_stats_init(void)
{
	uv_timer_init(nb_loop, &timer);
	uv_timer_start(&timer, on_timer, NB_STATS_MS, NB_STATS_MS);
}

void nb_stats_stop(void)
{
	uv_timer_stop(&timer);
	uv_close((uv_handle_t *)&timer, NULL);
}

/* The counters of a vif's "dev" line on the control socket. */
static void ctl_counters(struct xbb_dev *x, struct bctl_line *l)
{
	struct nb_dev *d = x->priv;

	if (!d)
		return;
	bctl_line_put(l, "ifname", d->ifname);
	bctl_line_putu(l, "tx_packets", d->st.tx_packets);
	bctl_line_putu(l, "tx_bytes", d->st.tx_bytes);
	bctl_line_putu(l, "tx_errors", d->st.tx_errors);
	bctl_line_putu(l, "rx_packets", d->st.rx_packets);
	bctl_line_putu(l, "rx_bytes", d->st.rx_bytes);
	bctl_line_putu(l, "rx_dropped", d->st.rx_dropped);
	bctl_line_putu(l, "connects", d->st.connects);
}

const struct bctl_config nb_ctl_config = {
    .name = "hospes-netback",
    .counters = ctl_counters,
};
