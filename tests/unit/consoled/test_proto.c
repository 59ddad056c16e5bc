/* test_proto.c: hospes-consoled's client protocol framing (cons_proto.c)
 * with malformed frames, and the client library (cons_attach.c) reading
 * a hostile daemon's frames over a socketpair. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cons_attach.h"
#include "cons_proto.h"

static size_t frame(uint8_t *out, uint32_t type, uint32_t len, const void *p, size_t plen)
{
	struct consoled_hdr h = { type, len };

	memcpy(out, &h, sizeof(h));
	if (plen)
		memcpy(out + sizeof(h), p, plen);
	return sizeof(h) + plen;
}

Test(cons_proto, incomplete_frames_ask_for_more)
{
	uint8_t b[64];
	struct consoled_hdr h;
	size_t n = frame(b, CONSOLED_DATA, 5, "hello", 5);

	for (size_t i = 0; i < n; i++)
		cr_assert_eq(cons_frame_parse(b, i, &h), 0, "at %zu bytes", i);
	cr_assert_eq(cons_frame_parse(b, n, &h), (int)n);
	cr_assert_eq(h.type, CONSOLED_DATA);
	cr_assert_eq(h.len, 5);
}

Test(cons_proto, oversized_and_unknown_frames_are_rejected)
{
	uint8_t b[16];
	struct consoled_hdr h;

	frame(b, CONSOLED_DATA, CONSOLED_MAX_PAYLOAD + 1, NULL, 0);
	cr_assert_eq(cons_frame_parse(b, 8, &h), -EMSGSIZE, "rejected before the payload arrives");
	frame(b, CONSOLED_DATA, 0xffffffffu, NULL, 0);
	cr_assert_eq(cons_frame_parse(b, 8, &h), -EMSGSIZE);
	frame(b, 0, 0, NULL, 0);
	cr_assert_eq(cons_frame_parse(b, 8, &h), -EPROTO);
	frame(b, 4, 0, NULL, 0);
	cr_assert_eq(cons_frame_parse(b, 8, &h), -EPROTO);
	frame(b, 0x80000003u, 0, NULL, 0);
	cr_assert_eq(cons_frame_parse(b, 8, &h), -EPROTO);
	frame(b, CONSOLED_DATA, CONSOLED_MAX_PAYLOAD, NULL, 0);
	cr_assert_eq(cons_frame_parse(b, 8, &h), 0, "the largest frame is legal");
}

Test(cons_proto, clients_attach_first_and_then_send_data_only)
{
	struct consoled_attach a = { 3, 0 }, bad = { 3, 1 };
	struct consoled_hdr att = { CONSOLED_ATTACH, sizeof(a) }, data = { CONSOLED_DATA, 1 };
	struct consoled_hdr empty = { CONSOLED_DATA, 0 }, st = { CONSOLED_STATUS, 8 };
	struct consoled_hdr shortatt = { CONSOLED_ATTACH, 4 }, longatt = { CONSOLED_ATTACH, 12 };
	uint8_t p[16] = { 0 };

	memcpy(p, &a, sizeof(a));
	cr_assert_eq(cons_frame_check_client(false, &att, p), 0);
	cr_assert_eq(cons_frame_check_client(false, &data, p), -EPROTO, "data before attach");
	cr_assert_eq(cons_frame_check_client(false, &st, p), -EPROTO);
	cr_assert_eq(cons_frame_check_client(false, &shortatt, p), -EPROTO);
	cr_assert_eq(cons_frame_check_client(false, &longatt, p), -EPROTO);
	memcpy(p, &bad, sizeof(bad));
	cr_assert_eq(cons_frame_check_client(false, &att, p), -EINVAL, "reserved flags");
	cr_assert_eq(cons_frame_check_client(true, &data, p), 0);
	cr_assert_eq(cons_frame_check_client(true, &att, p), -EPROTO, "second attach");
	cr_assert_eq(cons_frame_check_client(true, &empty, p), -EPROTO, "empty data");
	cr_assert_eq(cons_frame_check_client(true, &st, p), -EPROTO, "status from a client");
}

Test(cons_proto, daemon_frames)
{
	struct consoled_hdr st = { CONSOLED_STATUS, 8 }, st4 = { CONSOLED_STATUS, 4 };
	struct consoled_hdr data = { CONSOLED_DATA, 3 }, att = { CONSOLED_ATTACH, 8 };

	cr_assert_eq(cons_frame_check_daemon(false, &st), 0);
	cr_assert_eq(cons_frame_check_daemon(false, &st4), -EPROTO);
	cr_assert_eq(cons_frame_check_daemon(false, &data), -EPROTO, "data before the status");
	cr_assert_eq(cons_frame_check_daemon(true, &data), 0);
	cr_assert_eq(cons_frame_check_daemon(true, &att), -EPROTO);
}

Test(cons_proto, build_round_trips)
{
	uint8_t b[CONS_FRAME_MAX];
	struct consoled_hdr h;
	size_t n = cons_frame_build(b, CONSOLED_DATA, "abc", 3);

	cr_assert_eq(n, 11);
	cr_assert_eq(cons_frame_parse(b, n, &h), 11);
	cr_assert_eq(memcmp(b + 8, "abc", 3), 0);
}

/* The client library against a daemon that sends what it must not. */
static int recv_after(const uint8_t *bytes, size_t n, char *out)
{
	struct cons_conn c = { .fd = -1 };
	int sv[2], r;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	cr_assert_eq(write(sv[1], bytes, n), (ssize_t)n);
	r = cons_recv(&c, out, CONSOLED_MAX_PAYLOAD);
	close(sv[1]);
	cons_close(&c);
	return r;
}

Test(cons_proto, client_rejects_hostile_daemon_frames)
{
	static char out[CONSOLED_MAX_PAYLOAD];
	struct consoled_status pos = { 5, 0 }, huge = { -100000, 0 }, gone = { -ESRCH, 0 };
	uint8_t b[64];

	cr_assert_eq(recv_after(b, frame(b, CONSOLED_DATA, 2, "hi", 2), out), 2);
	cr_assert_eq(memcmp(out, "hi", 2), 0);
	cr_assert_eq(recv_after(b, frame(b, CONSOLED_DATA, 0, NULL, 0), out), -EPROTO);
	cr_assert_eq(recv_after(b, frame(b, CONSOLED_ATTACH, 8, "12345678", 8), out), -EPROTO);
	cr_assert_eq(recv_after(b, frame(b, 99, 0, NULL, 0), out), -EPROTO);
	cr_assert_eq(recv_after(b, frame(b, CONSOLED_STATUS, 8, &pos, 8), out), -EPROTO);
	cr_assert_eq(recv_after(b, frame(b, CONSOLED_STATUS, 8, &huge, 8), out), -EPROTO);
	cr_assert_eq(recv_after(b, frame(b, CONSOLED_STATUS, 8, &gone, 8), out), -ESRCH);
	cr_assert_eq(recv_after(b, frame(b, CONSOLED_DATA, 10, "abc", 3), out), 0, "incomplete");
}

/* The final status is not lost to a caller that stopped reading at some
 * output: every later call returns it again; a close without a status
 * reads as -EPIPE every time. */
Test(cons_proto, client_keeps_the_final_status)
{
	static char out[CONSOLED_MAX_PAYLOAD];
	struct consoled_status gone = { -ESRCH, 0 };
	struct cons_conn c = { .fd = -1 };
	uint8_t b[64];
	size_t n;
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	n = frame(b, CONSOLED_DATA, 3, "bye", 3);
	n += frame(b + n, CONSOLED_STATUS, 8, &gone, 8);
	cr_assert_eq(write(sv[1], b, n), (ssize_t)n);
	close(sv[1]);
	cr_assert_eq(cons_recv(&c, out, sizeof(out)), 3);
	cr_assert_eq(memcmp(out, "bye", 3), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(cons_recv(&c, out, sizeof(out)), -ESRCH, "call %d", i);
	cons_close(&c);

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c = (struct cons_conn){ .fd = sv[0] };
	close(sv[1]);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(cons_recv(&c, out, sizeof(out)), -EPIPE, "call %d", i);
	cons_close(&c);
}
