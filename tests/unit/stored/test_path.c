/* test_path.c: path validation, canonical form, relative paths, matching. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"

static enum xs_err canon(unsigned dom, const char *in, char *out)
{
	return xs_path_canon(dom, in, out, XS_PATH_BUF);
}

Test(path, absolute_and_relative)
{
	char out[XS_PATH_BUF];

	cr_assert_eq(canon(0, "/a/b-c_D@9", out), XS_OK);
	cr_assert_str_eq(out, "/a/b-c_D@9");
	cr_assert_eq(canon(7, "device/vbd", out), XS_OK);
	cr_assert_str_eq(out, "/local/domain/7/device/vbd");
	cr_assert_eq(canon(0, "/", out), XS_OK);
	cr_assert_str_eq(out, "/");
	cr_assert_str_eq(xs_path_relative(7, "/local/domain/7/device/vbd"), "device/vbd");
	cr_assert_null(xs_path_relative(7, "/local/domain/70/x"));
}

Test(path, rejects_bad_forms)
{
	char out[XS_PATH_BUF];
	static const char *const bad[] = { "", "/a//b", "/a/", "/a b", "/a.b", "/a\tb", "a//b",
					   "/é", "@bad/x" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(canon(0, bad[i], out), XS_EINVAL, "accepted '%s'", bad[i]);
}

Test(path, length_limits)
{
	char in[5000], out[XS_PATH_BUF];

	/* absolute: 3072 accepted, 3073 refused */
	memset(in, 'a', sizeof(in));
	in[0] = '/';
	in[XENSTORE_ABS_PATH_MAX] = '\0';
	cr_assert_eq(canon(0, in, out), XS_OK);
	in[XENSTORE_ABS_PATH_MAX] = 'a';
	in[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	cr_assert_eq(canon(0, in, out), XS_EINVAL);
	/* relative: 2048 accepted, 2049 refused */
	memset(in, 'b', sizeof(in));
	in[XENSTORE_REL_PATH_MAX] = '\0';
	cr_assert_eq(canon(3, in, out), XS_OK);
	in[XENSTORE_REL_PATH_MAX] = 'b';
	in[XENSTORE_REL_PATH_MAX + 1] = '\0';
	cr_assert_eq(canon(3, in, out), XS_EINVAL);
	/* absolute below a domain's home is held to the relative limit */
	strcpy(in, "/local/domain/3/");
	memset(in + 16, 'c', XENSTORE_REL_PATH_MAX + 1);
	in[16 + XENSTORE_REL_PATH_MAX + 1] = '\0';
	cr_assert_eq(canon(0, in, out), XS_EINVAL);
}

Test(path, special_names)
{
	char out[XS_PATH_BUF];

	cr_assert_eq(canon(5, "@releaseDomain", out), XS_OK);
	cr_assert_str_eq(out, "@releaseDomain");
	cr_assert(xs_path_is_special(out));
	cr_assert_not(xs_path_is_special("/a"));
}

Test(path, below_on_component_boundaries)
{
	cr_assert(xs_path_is_below("/a/b", "/a/b"));
	cr_assert(xs_path_is_below("/a/b/c", "/a/b"));
	cr_assert_not(xs_path_is_below("/a/bc", "/a/b"));
	cr_assert_not(xs_path_is_below("/a", "/a/b"));
	cr_assert(xs_path_is_below("/x", "/"));
	cr_assert_eq(xs_path_depth_below("/a/b", "/a/b"), 0);
	cr_assert_eq(xs_path_depth_below("/a/b/c/d", "/a/b"), 2);
	cr_assert_eq(xs_path_depth_below("/a", "/"), 1);
}

Test(path, perms_parse_and_format)
{
	struct xs_perms ps;
	char buf[64];

	cr_assert_eq(xs_perms_parse("b3\0r5\0n0", 9, &ps), XS_OK);
	cr_assert_eq(ps.n, 3);
	cr_assert_eq(ps.p[0].domid, 3);
	cr_assert_eq(ps.p[0].perm, XS_PERM_BOTH);
	cr_assert_eq(ps.p[1].perm, XS_PERM_READ);
	cr_assert_eq(xs_perms_format(&ps, buf, sizeof(buf)), 9);
	cr_assert_eq(memcmp(buf, "b3\0r5\0n0", 9), 0);
	/* owner and listed domains; others get the owner's letter */
	cr_assert_eq(xs_perms_for(&ps, 3, ~0u, false), XS_PERM_BOTH);
	cr_assert_eq(xs_perms_for(&ps, 5, ~0u, false), XS_PERM_READ);
	cr_assert_eq(xs_perms_for(&ps, 9, ~0u, false), XS_PERM_BOTH);
	cr_assert_eq(xs_perms_for(&ps, 0, ~0u, false), XS_PERM_NONE);
	cr_assert_eq(xs_perms_for(&ps, 0, ~0u, true), XS_PERM_BOTH);
	cr_assert_eq(xs_perms_for(&ps, 9, 5, false), XS_PERM_READ, "acts as its target");
	cr_assert_eq(xs_perms_for(&ps, 11, 3, false), XS_PERM_BOTH, "target owns it");
	xs_perms_free(&ps);
	cr_assert_eq(xs_perms_parse("x3", 3, &ps), XS_EINVAL);
	cr_assert_eq(xs_perms_parse("r", 2, &ps), XS_EINVAL);
	cr_assert_eq(xs_perms_parse("r3", 2, &ps), XS_EINVAL, "no NUL");
	cr_assert_eq(xs_perms_parse("r99999", 7, &ps), XS_EINVAL);
}
