/* hd_events.c: what goes to clients unasked: domain and service events
 * to subscribers, store watch events to the connection that set the watch. */
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "hd_conn.h"

bool hd_conn_subscribed(const struct hd_conn *c)
{
	return c->subscribed;
}

void hd_conn_subscribe(struct hd_conn *c)
{
	c->subscribed = true;
}

unsigned hd_conn_id(const struct hd_conn *c)
{
	return c->id;
}

void hd_event(const char *type, const struct hd_dom *d, const char *extra_key,
	      const char *extra_val)
{
	json_object *p = json_object_new_object(), *n = json_object_new_object();

	json_object_object_add(p, "type", json_object_new_string(type));
	if (d) {
		json_object_object_add(p, "domid", json_object_new_int((int)d->domid));
		json_object_object_add(p, "name", json_object_new_string(d->cfg.name));
		json_object_object_add(p, "state", json_object_new_string(hd_state_name(d->info.state)));
	}
	if (extra_key)
		json_object_object_add(p, extra_key, json_object_new_string(extra_val));
	json_object_object_add(n, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(n, "method", json_object_new_string("event"));
	json_object_object_add(n, "params", p);
	for (struct hd_conn *c = hd.conns, *next; c; c = next) {
		next = c->next; /* a send may drop c */
		if (c->subscribed)
			hd_conn_send(c, n);
	}
	json_object_put(n);
}

void hd_conn_store_event(const char *path, const char *token)
{
	unsigned id = (unsigned)strtoul(token + 1, NULL, 10);

	for (struct hd_conn *c = hd.conns; c; c = c->next) {
		if (c->id != id)
			continue;
		json_object *p = json_object_new_object(), *n = json_object_new_object();
		const char *colon = strchr(token, ':');

		json_object_object_add(p, "path", json_object_new_string(path));
		json_object_object_add(p, "watch", json_object_new_string(colon ? colon + 1 : ""));
		json_object_object_add(n, "jsonrpc", json_object_new_string("2.0"));
		json_object_object_add(n, "method", json_object_new_string("store.watch_event"));
		json_object_object_add(n, "params", p);
		hd_conn_send(c, n);
		json_object_put(n);
		return;
	}
}
