/* test_tree.c: tree requests: WRITE/READ/MKDIR/RM/DIRECTORY(_PART). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

TestSuite(tree, .init = store_reset);

Test(tree, initial_nodes_like_xen)
{
	struct cap *c = cap_new(0, true);
	struct cap_msg *m = REQ(c, XS_DIRECTORY, 0, "/");

	cr_assert_eq(m->h.type, XS_DIRECTORY);
	cr_assert_eq(m->h.len, 11);
	cr_assert_eq(memcmp(m->data, "tool\0local\0", 11), 0);
	m = REQ(c, XS_DIRECTORY, 0, "/local");
	cr_assert_str_eq(m->data, "domain");
	cr_assert(cap_is_ok(REQ(c, XS_DIRECTORY, 0, "/tool/xenstored")) == false);
	cr_assert_eq(c->msg[0].h.len, 0, "empty directory, empty payload");
	m = REQ(c, XS_GET_PERMS, 0, "/");
	cr_assert_eq(m->h.len, 3);
	cr_assert_str_eq(m->data, "n0");
	cap_free(c);
}

Test(tree, write_creates_parents_read_is_raw)
{
	struct cap *c = cap_new(0, true);
	struct cap_msg *m = WR(c, 0, "/a/b/c\0hello");

	cr_assert(cap_is_ok(m));
	cr_assert_eq(m->h.type, XS_WRITE);
	cr_assert_eq(m->h.req_id, 0x1234, "req_id echoed");
	m = REQ(c, XS_READ, 0, "/a/b/c");
	cr_assert_eq(m->h.type, XS_READ);
	cr_assert_eq(m->h.len, 5, "value without NUL");
	cr_assert_eq(memcmp(m->data, "hello", 5), 0);
	m = REQ(c, XS_READ, 0, "/a/b");
	cr_assert_eq(m->h.type, XS_READ);
	cr_assert_eq(m->h.len, 0, "created parents are empty");
	cr_assert(cap_is_ok(WR(c, 0, "/a/b/c\0x")));
	m = REQ(c, XS_READ, 0, "/a/b/c");
	cr_assert_eq(m->h.len, 1);
	cr_assert(cap_is_err(REQ(c, XS_READ, 0, "/nope"), "ENOENT"));
	/* relative paths of dom0 sockets live below /local/domain/0 */
	cr_assert(cap_is_ok(WR(c, 0, "name\0Domain-0")));
	m = REQ(c, XS_READ, 0, "/local/domain/0/name");
	cr_assert_str_eq(m->data, "Domain-0");
	cap_free(c);
}

Test(tree, mkdir_rm_and_directory_order)
{
	struct cap *c = cap_new(0, true);
	struct cap_msg *m;

	cr_assert(cap_is_ok(REQ(c, XS_MKDIR, 0, "/d/z")));
	cr_assert(cap_is_ok(REQ(c, XS_MKDIR, 0, "/d/a")));
	cr_assert(cap_is_ok(REQ(c, XS_MKDIR, 0, "/d/a")), "existing: fine");
	cr_assert(cap_is_ok(WR(c, 0, "/d/m/deep/er\0v")));
	m = REQ(c, XS_DIRECTORY, 0, "/d");
	cr_assert_eq(m->h.len, 6);
	cr_assert_eq(memcmp(m->data, "z\0a\0m\0", 6), 0, "creation order");
	cr_assert(cap_is_ok(REQ(c, XS_RM, 0, "/d/m")));
	cr_assert(cap_is_err(REQ(c, XS_READ, 0, "/d/m/deep/er"), "ENOENT"), "subtree removed");
	cr_assert(cap_is_ok(REQ(c, XS_RM, 0, "/d/m")), "missing node, parent exists");
	cr_assert(cap_is_err(REQ(c, XS_RM, 0, "/d/m/x"), "ENOENT"), "parent missing");
	cr_assert(cap_is_err(REQ(c, XS_RM, 0, "/"), "EINVAL"));
	cr_assert(cap_is_err(REQ(c, XS_READ, 0, "/a//b"), "EINVAL"));
	cr_assert(cap_is_err(REQ(c, XS_WRITE, 0, "@introduceDomain"), "EINVAL"));
	cap_free(c);
}

Test(tree, directory_part_chunks)
{
	struct cap *c = cap_new(0, true);
	char req[64], all[20000];
	size_t total = 0, off = 0;
	unsigned names = 0, rounds = 0;
	struct cap_msg *m;

	for (int i = 0; i < 300; i++) {
		int n = snprintf(req, sizeof(req), "/big/child-with-a-long-name-%03d", i);
		cr_assert(cap_is_ok(cap_req(c, XS_MKDIR, 0, req, (size_t)n + 1)));
		total += (size_t)n - 5 + 1;
	}
	cr_assert(cap_is_err(REQ(c, XS_DIRECTORY, 0, "/big"), "E2BIG"));
	for (;;) {
		int n = snprintf(req, sizeof(req), "/big%c%zu", 0, off);
		m = cap_req(c, XS_DIRECTORY_PART, 0, req, (size_t)n + 1);
		cr_assert_eq(m->h.type, XS_DIRECTORY_PART);
		cr_assert_leq(m->h.len, XENSTORE_PAYLOAD_MAX);
		size_t gl = strlen(m->data) + 1, pos = gl;
		cr_assert_gt(gl, 1, "gencnt first");
		bool end = false;
		while (pos < m->h.len) {
			size_t l = strlen(m->data + pos);
			if (l == 0) {
				end = true;
				cr_assert_eq(pos + 1, m->h.len, "empty string only at the end");
				break;
			}
			memcpy(all + off, m->data + pos, l + 1);
			off += l + 1;
			pos += l + 1;
			names++;
		}
		rounds++;
		if (end)
			break;
		cr_assert_lt(rounds, 10);
	}
	cr_assert_eq(names, 300);
	cr_assert_eq(off, total);
	cr_assert_gt(rounds, 1, "needed several chunks");
	cr_assert_str_eq(all, "child-with-a-long-name-000");
	cr_assert(cap_is_err(REQ(c, XS_DIRECTORY_PART, 0, "/big\0" "3"), "EINVAL"),
		  "offset inside a name");
	cr_assert(cap_is_err(REQ(c, XS_DIRECTORY_PART, 0, "/big\0x"), "EINVAL"));
	cap_free(c);
}

Test(tree, deepest_paths_in_transactions_and_release)
{
	struct cap *c = cap_new(0, true);
	static char req[XENSTORE_ABS_PATH_MAX + 8];
	size_t n = 0;
	struct cap_msg *m;

	/* /local/domain/9/a/a/...: as deep as the path limits allow */
	n = (size_t)sprintf(req, "/local/domain/9");
	while (n + 2 <= 16 + XENSTORE_REL_PATH_MAX)
		n += (size_t)sprintf(req + n, "/a");
	cr_assert(cap_is_ok(cap_req(c, XS_WRITE, 0, req, n + 1)));
	m = REQ(c, XS_TRANSACTION_START, 0, "");
	uint32_t t = (uint32_t)strtoul(m->data, NULL, 10);
	cr_assert(cap_is_ok(REQ(c, XS_RM, t, "/local/domain/9/a")));
	cr_assert(cap_is_ok(REQ(c, XS_TRANSACTION_END, t, "T")));
	cr_assert(cap_is_err(REQ(c, XS_READ, 0, "/local/domain/9/a"), "ENOENT"));
	/* owned by dom9 and released */
	cr_assert(cap_is_ok(cap_req(c, XS_WRITE, 0, req, n + 1)));
	cr_assert(cap_is_ok(REQ(c, XS_SET_PERMS, 0, "/local/domain/9/a\0n9")));
	cr_assert(cap_is_ok(REQ(c, XS_INTRODUCE, 0, "9\0" "1\0" "1")));
	cr_assert(cap_is_ok(REQ(c, XS_RELEASE, 0, "9")));
	cr_assert(cap_is_err(REQ(c, XS_READ, 0, "/local/domain/9/a"), "ENOENT"));
	cap_free(c);
}
