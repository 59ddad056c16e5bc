/* test_perms.c: permissions: checks, inheritance, owner rules, quotas. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"

TestSuite(perms, .init = store_reset);

Test(perms, unprivileged_access_follows_the_list)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(5, false), *o = cap_new(6, false);

	cr_assert(cap_is_ok(WR(d0, 0, "/local/domain/5/x\0secret")));
	cr_assert(cap_is_err(REQ(g, XS_READ, 0, "x"), "EACCES"), "inherits n0 from the root");
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5\0n5")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5/x\0n0\0r5")));
	struct cap_msg *m = REQ(g, XS_READ, 0, "x");
	cr_assert_eq(m->h.type, XS_READ);
	cr_assert_str_eq(m->data, "secret");
	cr_assert(cap_is_err(WR(g, 0, "x\0new"), "EACCES"), "read-only for dom5");
	cr_assert(cap_is_err(REQ(o, XS_READ, 0, "/local/domain/5/x"), "EACCES"));
	m = REQ(g, XS_GET_PERMS, 0, "x");
	cr_assert_eq(m->h.len, 6);
	cr_assert_eq(memcmp(m->data, "n0\0r5\0", 6), 0);
	cap_free(d0);
	cap_free(g);
	cap_free(o);
}

Test(perms, creation_inherits_and_domain_owns)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(5, false);
	struct cap_msg *m;

	cr_assert(cap_is_ok(REQ(d0, XS_MKDIR, 0, "/local/domain/5")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5\0n5\0r7")));
	cr_assert(cap_is_ok(WR(g, 0, "data/a\0v")));
	m = REQ(d0, XS_GET_PERMS, 0, "/local/domain/5/data/a");
	cr_assert_eq(m->h.len, 6);
	cr_assert_eq(memcmp(m->data, "n5\0r7\0", 6), 0, "inherited, owned by dom5");
	/* dom0 creating under someone else's node keeps the inherited owner */
	cr_assert(cap_is_ok(WR(d0, 0, "/local/domain/5/from0\0v")));
	m = REQ(d0, XS_GET_PERMS, 0, "/local/domain/5/from0");
	cr_assert_eq(memcmp(m->data, "n5\0r7\0", 6), 0);
	cr_assert(cap_is_err(WR(g, 0, "/tool/x\0v"), "EACCES"), "no write on /tool");
	cap_free(d0);
	cap_free(g);
}

Test(perms, set_perms_owner_rules)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(5, false), *h = cap_new(6, false);

	cr_assert(cap_is_ok(REQ(d0, XS_MKDIR, 0, "/local/domain/5/n")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5/n\0b5")));
	cr_assert(cap_is_ok(REQ(g, XS_SET_PERMS, 0, "n\0n5\0r6")), "owner changes the list");
	cr_assert(cap_is_err(REQ(g, XS_SET_PERMS, 0, "n\0n6"), "EPERM"), "owner change");
	cr_assert(cap_is_err(REQ(h, XS_SET_PERMS, 0, "/local/domain/5/n\0n6"), "EACCES"));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5/n\0n6")), "dom0 may");
	cr_assert(cap_is_err(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5/n\0q6"), "EINVAL"));
	cr_assert(cap_is_err(REQ(d0, XS_SET_PERMS, 0, "/nope\0n0"), "ENOENT"));
	/* permission entries quota (5) for domains, not for dom0 */
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5/n\0n5")));
	cr_assert(cap_is_err(REQ(g, XS_SET_PERMS, 0, "n\0n5\0r1\0r2\0r3\0r4\0r6"), "ENOSPC"));
	cr_assert(cap_is_ok(REQ(g, XS_SET_PERMS, 0, "n\0n5\0r1\0r2\0r3\0r4")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5/n\0n5\0r1\0r2\0r3\0r4\0r6")));
	cap_free(d0);
	cap_free(g);
	cap_free(h);
}

Test(perms, special_nodes)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(5, false);
	struct cap_msg *m = REQ(d0, XS_GET_PERMS, 0, "@releaseDomain");

	cr_assert_eq(m->h.type, XS_GET_PERMS);
	cr_assert_str_eq(m->data, "n0");
	cr_assert(cap_is_err(REQ(g, XS_SET_PERMS, 0, "@releaseDomain\0n0\0r5"), "EACCES"));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "@releaseDomain\0n0\0r5")));
	m = REQ(d0, XS_GET_PERMS, 0, "@releaseDomain");
	cr_assert_eq(memcmp(m->data, "n0\0r5\0", 6), 0);
	cr_assert(cap_is_err(REQ(d0, XS_GET_PERMS, 0, "@other"), "ENOENT"));
	cap_free(d0);
	cap_free(g);
}

Test(perms, node_quotas_for_domains)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(5, false);
	char big[2100];

	xs_quota[XS_Q_NODES] = 3;
	cr_assert(cap_is_ok(REQ(d0, XS_MKDIR, 0, "/local/domain/5")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/5\0n0\0b5")));
	cr_assert(cap_is_ok(WR(g, 0, "a\0v")));
	cr_assert(cap_is_ok(WR(g, 0, "b/c\0v")), "two more nodes: 3 owned");
	cr_assert(cap_is_err(WR(g, 0, "d\0v"), "ENOSPC"));
	cr_assert(cap_is_ok(WR(g, 0, "a\0changed")), "rewriting costs no node");
	cr_assert(cap_is_ok(WR(d0, 0, "/local/domain/5/e\0v")), "dom0 exempt");
	cr_assert(cap_is_ok(REQ(g, XS_RM, 0, "b")));
	cr_assert(cap_is_ok(WR(g, 0, "d\0v")), "room again after RM");
	/* node size: 2048 bytes by default */
	memcpy(big, "a\0", 2);
	memset(big + 2, 'x', sizeof(big) - 2);
	cr_assert(cap_is_err(cap_req(g, XS_WRITE, 0, big, sizeof(big)), "ENOSPC"));
	cr_assert(cap_is_ok(cap_req(g, XS_WRITE, 0, big, 1000)));
	cr_assert(cap_is_ok(cap_req(d0, XS_WRITE, 0, "/x\0", 3)));
	cap_free(d0);
	cap_free(g);
}
