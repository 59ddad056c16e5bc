/* cons_proto.c: frame parsing and checks of the consoled client protocol.
 * Pure: no I/O; unit-tested with malformed input. */
#include <errno.h>
#include <string.h>

#include "cons_proto.h"

int cons_frame_parse(const uint8_t *buf, size_t len, struct consoled_hdr *h)
{
	if (len < sizeof(*h))
		return 0;
	memcpy(h, buf, sizeof(*h));
	if (h->type < CONSOLED_ATTACH || h->type > CONSOLED_DATA)
		return -EPROTO;
	if (h->len > CONSOLED_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (len - sizeof(*h) < h->len)
		return 0;
	return (int)(sizeof(*h) + h->len);
}

int cons_frame_check_client(bool attached, const struct consoled_hdr *h, const uint8_t *payload)
{
	struct consoled_attach a;

	if (!attached) {
		if (h->type != CONSOLED_ATTACH || h->len != sizeof(a))
			return -EPROTO;
		memcpy(&a, payload, sizeof(a));
		return a.flags ? -EINVAL : 0;
	}
	return h->type == CONSOLED_DATA && h->len >= 1 ? 0 : -EPROTO;
}

int cons_frame_check_daemon(bool attached, const struct consoled_hdr *h)
{
	if (h->type == CONSOLED_STATUS)
		return h->len == sizeof(struct consoled_status) ? 0 : -EPROTO;
	return attached && h->type == CONSOLED_DATA && h->len >= 1 ? 0 : -EPROTO;
}

size_t cons_frame_build(uint8_t *out, uint32_t type, const void *payload, size_t n)
{
	struct consoled_hdr h = { type, (uint32_t)n };

	memcpy(out, &h, sizeof(h));
	if (n)
		memcpy(out + sizeof(h), payload, n);
	return sizeof(h) + n;
}
