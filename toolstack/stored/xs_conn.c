/* xs_conn.c: connections: lifetime and the byte-stream framing (header,
 * then payload; partial reads and several messages per read). */
#include <stdio.h>
#include <string.h>

#include "xs.h"

void xs_conn_init(struct xs_conn *c, unsigned domid, bool priv, xs_send_fn *send, void *transport)
{
	static unsigned serial;

	memset(c, 0, sizeof(*c));
	c->domid = domid;
	c->priv = priv;
	c->send = send;
	c->transport = transport;
	snprintf(c->name, sizeof(c->name), "conn%u dom%u", ++serial, domid);
	c->next = xs_conns;
	xs_conns = c;
}

void xs_conn_fini(struct xs_conn *c)
{
	for (struct xs_conn **pp = &xs_conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	xs_watch_del_all(c);
	xs_txn_abort_all(c);
}

bool xs_conn_feed(struct xs_conn *c, const void *data, size_t len)
{
	const char *p = data;
	const size_t hsz = sizeof(struct xsd_sockmsg);

	while (len > 0 && !c->dead) {
		size_t want, take;
		if (c->have < hsz) {
			want = hsz - c->have;
		} else {
			want = hsz + c->hdr.len - c->have;
		}
		take = len < want ? len : want;
		memcpy(c->buf + c->have, p, take);
		c->have += (uint32_t)take;
		p += take;
		len -= take;
		if (c->have == hsz) {
			memcpy(&c->hdr, c->buf, hsz);
			if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
				xs_log(c->name, "message type %u length %u exceeds %u, disconnecting",
				       c->hdr.type, c->hdr.len, XENSTORE_PAYLOAD_MAX);
				c->dead = true;
				return false;
			}
		}
		if (c->have >= hsz && c->have == hsz + c->hdr.len) {
			struct xsd_sockmsg h = c->hdr;
			c->have = 0;
			xs_dispatch(c, &h, c->buf + hsz);
		}
	}
	return !c->dead;
}
