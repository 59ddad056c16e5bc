/* test_persist.c: loading a saved tree (xs_persist_parse): nodes, values
 * (hex, binary-safe), permissions, creation order; every malformed file is
 * refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../../toolstack/stored/xs_persist.h"
#include "capture.h"

TestSuite(persist, .init = store_reset);

#define HEAD "hospes-stored tree 1\n/ n0 -\n"

static int parse(const char *s)
{
	return xs_persist_parse(s, strlen(s));
}

Test(persist, loads_nodes_values_perms_in_order)
{
	struct cap *c = cap_new(0, true);
	struct cap_msg *m;

	cr_assert_eq(parse(HEAD "/local n0 -\n/local/domain n0 -\n/local/domain/5 n5,r7 -\n"
				"/local/domain/5/b n5 6869\n/local/domain/5/a n5 00ff0a\nend\n"),
		     6);
	m = REQ(c, XS_READ, 0, "/local/domain/5/a");
	cr_assert_eq(m->h.len, 3);
	cr_assert_eq(memcmp(m->data, "\x00\xff\n", 3), 0);
	m = REQ(c, XS_DIRECTORY, 0, "/local/domain/5");
	cr_assert_eq(m->h.len, 4);
	cr_assert_eq(memcmp(m->data, "b\0a\0", 4), 0, "creation order kept");
	m = REQ(c, XS_GET_PERMS, 0, "/local/domain/5");
	cr_assert_eq(m->h.len, 6);
	cr_assert_eq(memcmp(m->data, "n5\0r7\0", 6), 0);
	/* The initial tree is replaced, not merged. */
	cr_assert(cap_is_err(REQ(c, XS_READ, 0, "/tool"), "ENOENT"));
	cap_free(c);
}

Test(persist, refuses_malformed_files)
{
	static const char *const bad[] = {
		"",
		"hospes-stored tree 2\n/ n0 -\nend\n",
		HEAD,                                   /* no end line */
		HEAD "end\nextra\n",                    /* bytes after the end */
		"hospes-stored tree 1\nend\n",          /* no root */
		"hospes-stored tree 1\n/a n0 -\nend\n", /* root not first */
		HEAD "/ n0 -\nend\n",                   /* root twice */
		HEAD "/a/b n0 -\nend\n",                /* parent missing */
		HEAD "/a n0 -\n/a n0 -\nend\n",         /* duplicate */
		HEAD "/a x0 -\nend\n",                  /* bad permission */
		HEAD "/a n0, -\nend\n",                 /* empty permission */
		HEAD "/a n0 6\nend\n",                  /* odd hex */
		HEAD "/a n0 zz\nend\n",                 /* not hex */
		HEAD "/a n0 AB\nend\n",                 /* upper case is not ours */
		HEAD "/a n0\nend\n",                    /* missing field */
		HEAD "/a n0 - x\nend\n",                /* extra field */
		HEAD "/a// n0 -\nend\n",                /* bad path */
		HEAD "a n0 -\nend\n",                   /* relative path */
		HEAD "@introduceDomain n0 -\nend\n",    /* not a node */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		store_reset();
		cr_expect_eq(parse(bad[i]), -1, "accepted case %zu", i);
	}
	/* A NUL inside the file is refused as well. */
	store_reset();
	cr_expect_eq(xs_persist_parse(HEAD "end\n\0", sizeof(HEAD "end\n")), -1);
}

Test(persist, value_limit_is_the_protocol_limit)
{
	static char f[2 * 4097 + 128];
	size_t n = (size_t)snprintf(f, sizeof(f), HEAD "/a n0 ");

	for (int i = 0; i < 4096; i++, n += 2)
		memcpy(f + n, "41", 2);
	strcpy(f + n, "\nend\n");
	cr_assert_eq(parse(f), 2);
	store_reset();
	n = strlen(f) - 5;
	strcpy(f + n, "41\nend\n");
	cr_assert_eq(parse(f), -1, "4097 bytes accepted");
}
