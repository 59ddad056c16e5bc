/* hd_dom_end.c: a domain's end: the on_poweroff/on_reboot/on_crash
 * actions, and shutdown/reboot through xenstore with a fallback when the
 * guest does not react. */
#include <stdlib.h>
#include <string.h>

#include <pvabi/sched.h>

#include "hd.h"

/* Destroys d and builds a new domain from its configuration. An end
 * action carries the count of short lives over; a reboot the operator
 * asked for starts it again (it is no restart loop). */
static void restart(struct hd_dom *d, bool by_operator)
{
	struct hd_config cfg = d->cfg;
	char uuid[37], name[HD_NAME_MAX];
	unsigned restarts = d->restarts + 1, fast = by_operator ? 0 : d->fast_restarts;
	struct hd_dom *nd;
	int r;

	memcpy(uuid, d->uuid, sizeof(uuid));
	memcpy(name, cfg.name, sizeof(name));
	hd_dom_destroy(d);
	r = hd_dom_create(&cfg, uuid, false, &nd);
	if (r)
		hd_log(-1, "restart of '%s' failed: %s", name, strerror(-r));
	else {
		nd->restarts = restarts;
		nd->fast_restarts = fast;
		hd_dom_save(nd);
		hd_event("restarted", nd, NULL, NULL);
	}
}

void hd_dom_ended(struct hd_dom *d)
{
	enum hd_action act;
	const char *why;

	if (d->ended)
		return;
	d->ended = true;
	if (d->info.state == HVCTL_STATE_SHUTDOWN) {
		switch (d->info.shutdown_reason) {
		case SHUTDOWN_poweroff: act = d->cfg.on_poweroff, why = "poweroff"; break;
		case SHUTDOWN_reboot: act = d->cfg.on_reboot, why = "reboot"; break;
		case SHUTDOWN_suspend: act = HD_ACT_PRESERVE, why = "suspend"; break;
		case SHUTDOWN_soft_reset: act = d->cfg.on_reboot, why = "soft_reset"; break;
		default: act = d->cfg.on_crash, why = "crash"; break;
		}
	} else {
		act = d->cfg.on_crash;
		why = d->info.state == HVCTL_STATE_FAULT ? "fault" : "error";
	}
	/* A guest that ends as soon as it starts would be rebuilt forever:
	 * fast_restarts counts the short lives in a row (this one included),
	 * so the HD_FAST_RESTARTS-th is preserved after one less restart. */
	if (act == HD_ACT_RESTART) {
		d->fast_restarts = hd_now() - d->created_at < HD_FAST_LIFE_S ? d->fast_restarts + 1 : 0;
		if (d->fast_restarts >= HD_FAST_RESTARTS) {
			hd_log((int)d->domid, "'%s' ended %u times in a row, each life under %g s: preserved",
			       d->cfg.name, d->fast_restarts, HD_FAST_LIFE_S);
			act = HD_ACT_PRESERVE;
		}
	}
	hd_log((int)d->domid, "'%s' ended (%s): %s", d->cfg.name, why, hd_action_name(act));
	hd_event("ended", d, "reason", why);
	hd_dom_drop_timer(d);
	if (act == HD_ACT_DESTROY) {
		hd_dom_destroy(d);
	} else if (act == HD_ACT_RESTART) {
		restart(d, false);
	} else {
		d->preserved = true;
		hd_dom_save(d);
	}
}

static void on_shutdown_timeout(uv_timer_t *t)
{
	struct hd_dom *d = t->data;
	bool reboot = d->pending_shutdown == 2;

	hd_log((int)d->domid, "no reaction to control/shutdown; %s", reboot ? "restarting" : "destroying");
	hd_event("shutdown_timeout", d, NULL, NULL);
	hd_dom_drop_timer(d);
	if (reboot)
		restart(d, true);
	else
		hd_dom_destroy(d);
}

int hd_dom_shutdown(struct hd_dom *d, bool reboot, unsigned timeout_ms)
{
	int r;

	if (d->ended)
		return reboot ? (restart(d, true), 0) : hd_dom_destroy(d);
	r = hd_store_control(d, reboot ? "reboot" : "poweroff");
	if (r)
		hd_log((int)d->domid, "cannot write control/shutdown (%s); the timeout decides",
		       strerror(-r));
	d->pending_shutdown = reboot ? 2 : 1;
	d->shutdown_deadline = hd_now() + timeout_ms / 1000.0;
	hd_dom_save(d); /* a restarted hospesd keeps the deadline */
	return hd_dom_arm_shutdown(d);
}

int hd_dom_arm_shutdown(struct hd_dom *d)
{
	double left = d->shutdown_deadline - hd_now();

	hd_dom_drop_timer(d);
	d->shutdown_timer = calloc(1, sizeof(*d->shutdown_timer));
	if (!d->shutdown_timer)
		return -ENOMEM;
	uv_timer_init(hd.loop, d->shutdown_timer);
	d->shutdown_timer->data = d;
	/* The loop's clock is stale while hospesd starts (services, records)
	 * before uv_run: counted from it, a reattached fallback would fire
	 * early. Rounded up, it never fires before the deadline. */
	uv_update_time(hd.loop);
	uv_timer_start(d->shutdown_timer, on_shutdown_timeout,
		       left > 0 ? (uint64_t)(left * 1000) + 1 : 0, 0);
	return 0;
}
