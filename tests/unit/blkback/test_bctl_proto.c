/* test_bctl_proto.c: the backend control protocol's lines
 * (backends/common/bctl_proto.c, pvabi/backend_ctl.h): requests, escaped
 * values, overflow, reading fields back, hostile replies. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "bctl.h"

static int req(const char *s)
{
	return bctl_parse_request(s, strlen(s));
}

Test(bctl_proto, requests)
{
	cr_assert_eq(req("status"), BCTL_STATUS);
	cr_assert_eq(req("devices"), BCTL_DEVICES);
	cr_assert_eq(req(""), -EINVAL);
	cr_assert_eq(req("status "), -EINVAL);
	cr_assert_eq(req("Status"), -EINVAL);
	cr_assert_eq(req("statusx"), -EINVAL);
	cr_assert_eq(req("stat"), -EINVAL);
	cr_assert_eq(bctl_parse_request("status\0junk", 11), -EINVAL);
	cr_assert_eq(req("devices\r"), -EINVAL);
}

Test(bctl_proto, line_round_trip)
{
	struct bctl_line l;
	char v[128];
	uint64_t n;

	bctl_line_start(&l, BCTL_DEV);
	bctl_line_putu(&l, "domid", 7);
	bctl_line_put(&l, "error", "image /x y: No such file (=100%)");
	bctl_line_put(&l, "empty", "");
	bctl_line_put(&l, "dash", "-");
	bctl_line_put(&l, "none", NULL);
	bctl_line_putu(&l, "big", UINT64_MAX);
	cr_assert_eq(bctl_line_end(&l), 0);
	cr_assert_eq(l.buf[l.len - 1], '\n');
	l.buf[l.len] = 0;
	/* one line, no raw spaces inside values */
	cr_assert_eq(strchr(l.buf, '\n'), l.buf + l.len - 1);
	cr_assert(strstr(l.buf, "error=image%20/x%20y:%20No%20such%20file%20(%3D100%25)"), "%s",
		  l.buf);
	cr_assert(bctl_line_is(l.buf, BCTL_DEV));
	cr_assert(!bctl_line_is(l.buf, "de"));
	cr_assert_eq(bctl_line_get(l.buf, "error", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "image /x y: No such file (=100%)");
	cr_assert_eq(bctl_line_get(l.buf, "empty", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "");
	cr_assert_eq(bctl_line_get(l.buf, "none", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "");
	cr_assert_eq(bctl_line_get(l.buf, "dash", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "-");
	cr_assert_eq(bctl_line_getu(l.buf, "domid", &n), 0);
	cr_assert_eq(n, 7);
	cr_assert_eq(bctl_line_getu(l.buf, "big", &n), 0);
	cr_assert_eq(n, UINT64_MAX);
	cr_assert_eq(bctl_line_get(l.buf, "missing", v, sizeof(v)), -ENOENT);
	/* a key is matched whole, not as a prefix or inside a value */
	cr_assert_eq(bctl_line_get(l.buf, "dom", v, sizeof(v)), -ENOENT);
	cr_assert_eq(bctl_line_get(l.buf, "file", v, sizeof(v)), -ENOENT);
	cr_assert_eq(bctl_line_get(l.buf, "error", v, 4), -E2BIG);
	cr_assert_eq(bctl_line_getu(l.buf, "error", &n), -EINVAL);
}

Test(bctl_proto, overflow_is_an_error_not_a_cut_line)
{
	struct bctl_line l;
	char big[BCTL_LINE_MAX];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	bctl_line_start(&l, BCTL_OK);
	bctl_line_put(&l, "k", big);
	cr_assert(l.overflow);
	cr_assert_eq(bctl_line_end(&l), -E2BIG);
	cr_assert_leq(l.len, sizeof(l.buf));
	/* exactly full still fits with its '\n' */
	bctl_line_start(&l, BCTL_OK);
	big[sizeof(l.buf) - 6] = 0; /* "ok" + " k=" + value + newline */
	bctl_line_put(&l, "k", big);
	cr_assert_eq(bctl_line_end(&l), 0);
	cr_assert_eq(l.len, sizeof(l.buf));
}

Test(bctl_proto, hostile_replies)
{
	char v[16];
	uint64_t n;

	cr_assert_eq(bctl_line_get("ok a=%4", "a", v, sizeof(v)), -EINVAL);
	cr_assert_eq(bctl_line_get("ok a=%G1", "a", v, sizeof(v)), -EINVAL);
	cr_assert_eq(bctl_line_get("ok a=%", "a", v, sizeof(v)), -EINVAL);
	cr_assert_eq(bctl_line_get("ok a=%41%42\n", "a", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "AB");
	cr_assert_eq(bctl_line_getu("ok n=18446744073709551616", "n", &n), -EINVAL);
	cr_assert_eq(bctl_line_getu("ok n=-1", "n", &n), -EINVAL);
	cr_assert_eq(bctl_line_getu("ok n=", "n", &n), -EINVAL);
	cr_assert_eq(bctl_line_getu("ok n=12x", "n", &n), -EINVAL);
	cr_assert_eq(bctl_line_getu("ok n=0012\n", "n", &n), 0);
	cr_assert_eq(n, 12);
	cr_assert(bctl_line_is("ok\n", BCTL_OK));
	cr_assert(bctl_line_is("err errno=EINVAL", BCTL_ERR));
	cr_assert(!bctl_line_is("okay", BCTL_OK));
	cr_assert(!bctl_line_is("", BCTL_OK));
}
