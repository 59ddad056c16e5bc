/* capture.h: unit-test connections whose replies are captured in memory. */
#ifndef CAPTURE_H
#define CAPTURE_H

#include "../../../toolstack/stored/xs.h"

#define CAP_MAX 64
struct cap_msg {
	struct xsd_sockmsg h;
	char data[XENSTORE_PAYLOAD_MAX + 1]; /* NUL added after the payload */
};
struct cap {
	struct xs_conn conn;
	struct cap_msg msg[CAP_MAX];
	unsigned n;
};

struct cap *cap_new(unsigned domid, bool priv);
void cap_free(struct cap *c);
/* Sends one request (payload of len bytes); returns the first message
 * sent back (c->n counts all of them, including watch events). */
struct cap_msg *cap_req(struct cap *c, uint32_t type, uint32_t tx, const char *payload,
			size_t len);
/* String literal payloads: "a\0b" sends "a\0b\0" (the literal's NUL). */
#define REQ(c, type, tx, lit) cap_req((c), (type), (tx), (lit), sizeof(lit))
/* WRITE: "path\0value" without a trailing NUL. */
#define WR(c, tx, lit) cap_req((c), XS_WRITE, (tx), (lit), sizeof(lit) - 1)
bool cap_is_err(const struct cap_msg *m, const char *name);
bool cap_is_ok(const struct cap_msg *m);
/* Counts captured WATCH_EVENTs with this path and token. */
unsigned cap_events(const struct cap *c, const char *path, const char *token);
void store_reset(void);

#endif
