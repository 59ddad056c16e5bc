/* capture.c: unit-test connections whose replies are captured in memory. */
#include <stdlib.h>
#include <string.h>

#include "capture.h"

static void cap_send(struct xs_conn *conn, const struct xsd_sockmsg *h, const void *payload)
{
	struct cap *c = conn->transport;
	struct cap_msg *m;

	if (c->n >= CAP_MAX)
		return;
	m = &c->msg[c->n++];
	m->h = *h;
	memcpy(m->data, payload, h->len);
	m->data[h->len] = '\0';
}

struct cap *cap_new(unsigned domid, bool priv)
{
	struct cap *c = calloc(1, sizeof(*c));

	xs_conn_init(&c->conn, domid, priv, cap_send, c);
	return c;
}

void cap_free(struct cap *c)
{
	xs_conn_fini(&c->conn);
	free(c);
}

struct cap_msg *cap_req(struct cap *c, uint32_t type, uint32_t tx, const char *payload,
			size_t len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = 0x1234, .tx_id = tx, .len = (uint32_t)len };
	char buf[sizeof(h) + XENSTORE_PAYLOAD_MAX];

	c->n = 0;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	xs_conn_feed(&c->conn, buf, sizeof(h) + len);
	return c->n ? &c->msg[0] : NULL;
}

bool cap_is_err(const struct cap_msg *m, const char *name)
{
	return m && m->h.type == XS_ERROR && m->h.len == strlen(name) + 1 && !strcmp(m->data, name);
}

bool cap_is_ok(const struct cap_msg *m)
{
	return m && m->h.type != XS_ERROR && m->h.len == 3 && !memcmp(m->data, "OK", 3);
}

unsigned cap_events(const struct cap *c, const char *path, const char *token)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->n; i++) {
		const struct cap_msg *m = &c->msg[i];
		size_t pl = strlen(m->data) + 1;
		if (m->h.type == XS_WATCH_EVENT && !strcmp(m->data, path) && pl < m->h.len &&
		    !strcmp(m->data + pl, token))
			n++;
	}
	return n;
}

void store_reset(void)
{
	xs_store_init();
	for (int q = 0; q < XS_Q_COUNT; q++)
		xs_quota[q] = (unsigned[]){ 1000, 2048, 128, 10, 20, 5 }[q];
}
