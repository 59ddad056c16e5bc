/* bk_stats.c: one device's counters to its stats file or control line,
 * and the timer rewriting stats files that changed. */
#include <stdio.h>

#include "bctl.h"
#include "bk_stats.h"

#define BK_STATS_MS 100

struct bk_stats_out {
	FILE *f;	     /* the stats file, or */
	struct bctl_line *l; /* the control line */
};

static uv_timer_t timer;
static void (*flush_fn)(void);

void bk_stats_u(struct bk_stats_out *o, const char *file_key, const char *ctl_key, uint64_t v)
{
	if (o->f && file_key)
		fprintf(o->f, "%s %llu\n", file_key, (unsigned long long)v);
	if (o->l && ctl_key)
		bctl_line_putu(o->l, ctl_key, v);
}

void bk_stats_s(struct bk_stats_out *o, const char *file_key, const char *ctl_key, const char *v)
{
	if (o->f && file_key)
		fprintf(o->f, "%s %s\n", file_key, v);
	if (o->l && ctl_key)
		bctl_line_put(o->l, ctl_key, v);
}

void bk_stats_write(const char *path, bk_stats_list_fn *list, const void *dev)
{
	struct bk_stats_out o = {0};
	char tmp[300];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(o.f = fopen(tmp, "w")))
		return;
	list(dev, &o);
	if (fclose(o.f) == 0)
		rename(tmp, path);
}

void bk_stats_ctl(struct bctl_line *l, bk_stats_list_fn *list, const void *dev)
{
	struct bk_stats_out o = {.l = l};

	if (dev) /* a device xbb follows before its probe set it up */
		list(dev, &o);
}

static void on_timer(uv_timer_t *t)
{
	(void)t;
	flush_fn();
}

void bk_stats_timer_start(uv_loop_t *loop, void (*flush)(void))
{
	flush_fn = flush;
	uv_timer_init(loop, &timer);
	uv_timer_start(&timer, on_timer, BK_STATS_MS, BK_STATS_MS);
}

void bk_stats_timer_stop(void)
{
	uv_timer_stop(&timer);
	uv_close((uv_handle_t *)&timer, NULL);
}
