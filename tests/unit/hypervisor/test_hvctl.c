/* test_hvctl.c: the control-socket message checks (hvctl_proto.c): the
 * exact-size table, oversized/unknown/truncated requests, fd counts, the
 * create request's fields and the client's reply checks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hvctl_proto.h"

static struct hvctl_hdr hdr(uint32_t type, uint32_t len, uint32_t fds)
{
	return (struct hvctl_hdr){ type, len, 7, fds };
}

Test(hvctl, every_request_type_has_its_exact_size)
{
	static const struct { uint32_t type, size; } t[] = {
		{ HVCTL_CREATE, sizeof(struct hvctl_create) },
		{ HVCTL_START, 8 }, { HVCTL_PAUSE, 8 }, { HVCTL_UNPAUSE, 8 },
		{ HVCTL_DESTROY, 8 }, { HVCTL_INFO, 8 }, { HVCTL_GET_MEMFD, 8 },
		{ HVCTL_SET_MAXMEM, 16 }, { HVCTL_WAIT, 16 }, { HVCTL_BIND_EVTCHN, 8 },
		{ HVCTL_LIST, 0 },
		{ HVCTL_GNT_MAP, 272 }, { HVCTL_GNT_UNMAP, 264 }, { HVCTL_GNT_COPY, 4232 },
	};

	cr_assert_eq(sizeof(t) / sizeof(t[0]), HVCTL_TYPE_MAX);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hvctl_hdr h = hdr(t[i].type, t[i].size, 0);

		cr_assert_eq(hvctl_check_request(&h), 0, "type %u", t[i].type);
		h.length = t[i].size + 1;
		cr_assert_eq(hvctl_check_request(&h), -EBADMSG, "type %u too long", t[i].type);
		if (t[i].size) {
			h.length = t[i].size - 1;
			cr_assert_eq(hvctl_check_request(&h), -EBADMSG, "type %u truncated", t[i].type);
		}
	}
}

Test(hvctl, unknown_and_reply_types_are_refused)
{
	struct hvctl_hdr h = hdr(0, 0, 0);

	cr_assert_eq(hvctl_check_request(&h), -ENOSYS);
	h = hdr(HVCTL_TYPE_MAX + 1, 8, 0);
	cr_assert_eq(hvctl_check_request(&h), -ENOSYS);
	h = hdr(HVCTL_REPLY_BIT | HVCTL_INFO, 8, 0);
	cr_assert_eq(hvctl_check_request(&h), -ENOSYS);
	h = hdr(0xffffffffu, 8, 0);
	cr_assert_eq(hvctl_check_request(&h), -ENOSYS);
}

Test(hvctl, oversized_payload_closes_the_connection)
{
	struct hvctl_hdr h = hdr(HVCTL_INFO, HVCTL_MAX_PAYLOAD + 1, 0);

	cr_assert_eq(hvctl_check_request(&h), -EMSGSIZE);
	h = hdr(HVCTL_INFO, 0xffffffffu, 0);
	cr_assert_eq(hvctl_check_request(&h), -EMSGSIZE);
	/* Unknown type with a huge length: still closed, not skipped. */
	h = hdr(999, 0x7fffffffu, 0);
	cr_assert_eq(hvctl_check_request(&h), -EMSGSIZE);
}

Test(hvctl, requests_carry_no_fds)
{
	struct hvctl_hdr h = hdr(HVCTL_INFO, 8, 1);

	cr_assert_eq(hvctl_check_request(&h), -EBADF);
	h.nr_fds = 0xffffffffu;
	cr_assert_eq(hvctl_check_request(&h), -EBADF);
}

static struct hvctl_create good_create(void)
{
	struct hvctl_create c;

	memset(&c, 0, sizeof(c));
	c.mem = 32ull << 20;
	c.vcpus = 2;
	strcpy(c.kernel, "/boot/k.elf");
	strcpy(c.cmdline, "console=hvc0");
	return c;
}

Test(hvctl, create_fields_are_checked)
{
	struct hvctl_create c = good_create();
	const char *why;

	cr_assert_eq(hvctl_check_create(&c, &why), 0);
	cr_assert_null(why);
#define BAD(stmt)                                                                    \
	do {                                                                         \
		c = good_create();                                                   \
		stmt;                                                                \
		cr_assert_eq(hvctl_check_create(&c, &why), -EINVAL, "%s", #stmt);    \
		cr_assert_not_null(why);                                             \
	} while (0)
	BAD(c.vcpus = 0);
	BAD(c.vcpus = 9);
	BAD(c.mem = 1 << 20);
	BAD(c.mem = (32ull << 20) + 1);
	BAD(c.mem = 1ull << 40);
	BAD(c.maxmem = 16ull << 20);
	BAD(c.maxmem = (64ull << 20) + 512);
	BAD(c.pad = 1);
	BAD(c.flags = 8); /* console: bit 2 is HVCTL_CREATE_CONSOLE */
	BAD(c.nr_modules = HVCTL_MAX_MODULES + 1);
	BAD(memset(c.kernel, 'a', sizeof(c.kernel)));
	BAD(strcpy(c.kernel, "relative.elf"));
	BAD(c.kernel[0] = 0);
	BAD(memset(c.cmdline, 'x', sizeof(c.cmdline)));
	BAD((c.nr_modules = 1, strcpy(c.modules[0], "initrd")));
	BAD((c.nr_modules = 2, strcpy(c.modules[0], "/a"), memset(c.modules[1], 'b', 256)));
	c = good_create();
	c.nr_modules = 1;
	strcpy(c.modules[0], "/initrd");
	c.maxmem = 64ull << 20;
	c.flags = HVCTL_CREATE_START;
	cr_assert_eq(hvctl_check_create(&c, &why), 0);
	c.flags = HVCTL_CREATE_START | HVCTL_CREATE_XENSTORE;
	cr_assert_eq(hvctl_check_create(&c, &why), 0);
	c.flags = HVCTL_CREATE_XENSTORE | HVCTL_CREATE_CONSOLE;
	cr_assert_eq(hvctl_check_create(&c, &why), 0);
}

Test(hvctl, replies_are_checked_by_the_client)
{
	struct hvctl_dominfo info = { { 0, 0 }, 3 };
	struct hvctl_reply err = { -ESRCH, 0 };
	struct hvctl_hdr h = { HVCTL_REPLY_BIT | HVCTL_INFO, sizeof(info), 5, 0 };

	cr_assert_eq(hvctl_check_reply(HVCTL_INFO, 5, &h, &info, 0), 0);
	cr_assert_eq(hvctl_check_reply(HVCTL_INFO, 6, &h, &info, 0), -EPROTO, "wrong id");
	cr_assert_eq(hvctl_check_reply(HVCTL_PAUSE, 5, &h, &info, 0), -EPROTO, "wrong type");
	cr_assert_eq(hvctl_check_reply(HVCTL_INFO, 5, &h, &info, 1), -EPROTO, "stray fd");
	h.length = sizeof(info) - 4;
	cr_assert_eq(hvctl_check_reply(HVCTL_INFO, 5, &h, &info, 0), -EPROTO, "short");
	h.length = sizeof(err);
	cr_assert_eq(hvctl_check_reply(HVCTL_INFO, 5, &h, &err, 0), 0, "error reply");
	err.status = 5;
	cr_assert_eq(hvctl_check_reply(HVCTL_INFO, 5, &h, &err, 0), -EPROTO, "positive status");
}

Test(hvctl, fd_replies_and_lists)
{
	struct hvctl_bind_reply b = { { 0, 0 }, 3, 1 };
	struct hvctl_hdr h = { HVCTL_REPLY_BIT | HVCTL_BIND_EVTCHN, sizeof(b), 1, 2 };
	uint32_t buf[4 + 2] = { 0, 0, 2, 0, 1, 2 };

	cr_assert_eq(hvctl_check_reply(HVCTL_BIND_EVTCHN, 1, &h, &b, 2), 0);
	cr_assert_eq(hvctl_check_reply(HVCTL_BIND_EVTCHN, 1, &h, &b, 1), -EPROTO);
	h = (struct hvctl_hdr){ HVCTL_REPLY_BIT | HVCTL_LIST, sizeof(buf), 1, 0 };
	cr_assert_eq(hvctl_check_reply(HVCTL_LIST, 1, &h, buf, 0), 0);
	buf[2] = 3; /* count says 3, payload holds 2 */
	cr_assert_eq(hvctl_check_reply(HVCTL_LIST, 1, &h, buf, 0), -EPROTO);
	buf[2] = 0xffffffffu;
	cr_assert_eq(hvctl_check_reply(HVCTL_LIST, 1, &h, buf, 0), -EPROTO);
}
