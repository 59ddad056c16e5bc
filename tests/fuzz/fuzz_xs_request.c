/* fuzz_xs_request.c: libFuzzer target for hospes-stored's request path:
 * arbitrary bytes go through the connection framing (xs_conn_feed) and the
 * dispatcher, as a socket or guest peer would send them.
 *
 * Entry points used (toolstack/stored/xs.h): xs_store_init/fini for a fresh
 * store per input, xs_conn_init/fini for a connection context with our own
 * send function, xs_conn_feed(conn, buf, len) for the bytes.
 *
 * Input: byte 0 chooses the peer and the framing: bit 7 set feeds the rest
 * to an unprivileged guest connection (domain 1) instead of dom0, bits 0-6
 * are the chunk size (0: all at once) so headers and payloads also arrive
 * split. Every message the daemon sends back is checked against the wire
 * rules (xs_wire.h); a violation aborts, which the fuzzer reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

static const struct xsd_errors names[XSD_ERRORS_COUNT] = XSD_ERRORS_INIT;

static void check_error(const char *p, uint32_t len)
{
	if (len < 2 || p[len - 1] != '\0' || strlen(p) + 1 != len)
		abort();
	for (int i = 0; i < XSD_ERRORS_COUNT; i++)
		if (strcmp(p, names[i].errstring) == 0)
			return;
	abort();
}

static void check_event(const struct xsd_sockmsg *h, const char *p)
{
	size_t pl;

	if (h->len < 3 || p[h->len - 1] != '\0')
		abort();
	pl = strnlen(p, h->len);
	if (pl == 0 || pl + 1 >= h->len || pl + 2 + strlen(p + pl + 1) != h->len)
		abort();
}

/* The daemon's replies and events must be valid protocol for any input. */
static void fuzz_send(struct xs_conn *c, const struct xsd_sockmsg *h, const void *payload)
{
	const char *p = payload;

	if (h->len > XENSTORE_PAYLOAD_MAX || (h->len && !payload))
		abort();
	if (h->type == XS_ERROR)
		check_error(p, h->len);
	else if (h->type == XS_WATCH_EVENT)
		check_event(h, p);
	else if (h->type >= XS_TYPE_COUNT || h->type == XS_RESTRICT)
		abort();
	else if (h->type == XS_DIRECTORY && h->len && p[h->len - 1] != '\0')
		abort();
}

/* The daemon logs every refused message; keep the fuzzer's output readable
 * but still format each line, so bad format arguments are caught. */
void xs_log(const char *who, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	(void)who;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xs_conn dom0, domu;
	struct xs_conn *c;
	size_t chunk;

	if (size < 1)
		return 0;
	xs_store_init();
	xs_conn_init(&dom0, 0, true, fuzz_send, NULL);
	xs_conn_init(&domu, 1, false, fuzz_send, NULL);
	c = data[0] & 0x80 ? &domu : &dom0;
	chunk = data[0] & 0x7f;
	data++;
	size--;
	if (chunk == 0)
		chunk = size ? size : 1;
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (!xs_conn_feed(c, data + off, n))
			break;
	}
	xs_conn_fini(&domu);
	xs_conn_fini(&dom0);
	xs_store_fini();
	return 0;
}
