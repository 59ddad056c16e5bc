/* test_xbb_keys.c: the backend's parsing of a frontend's ring keys (all
 * guest-written): single and multi-page rings, missing or malformed
 * values, orders beyond the advertised maximum, foreign protocols. */
#include <criterion/criterion.h>
#include <string.h>

#include "xbb.h"

struct kv {
	const char *k[20], *v[20];
	unsigned n;
};

static const char *get(void *arg, const char *key)
{
	struct kv *kv = arg;

	for (unsigned i = 0; i < kv->n; i++)
		if (!strcmp(kv->k[i], key))
			return kv->v[i];
	return NULL;
}

static void put(struct kv *kv, const char *k, const char *v)
{
	kv->k[kv->n] = k;
	kv->v[kv->n++] = v;
}

Test(xbb_keys, single_page)
{
	struct kv kv = {.n = 0};
	struct xbb_ring_keys k;
	const char *why = NULL;

	put(&kv, "ring-ref", "8");
	put(&kv, "event-channel", "5");
	put(&kv, "protocol", "x86_64-abi");
	put(&kv, "feature-persistent", "1");
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), 0);
	cr_assert_eq(k.order, 0);
	cr_assert_eq(k.nr_refs, 1);
	cr_assert_eq(k.refs[0], 8);
	cr_assert_eq(k.port, 5);
	cr_assert(k.persistent);
}

Test(xbb_keys, multi_page)
{
	struct kv kv = {.n = 0};
	struct xbb_ring_keys k;
	const char *why = NULL;

	put(&kv, "ring-page-order", "2");
	put(&kv, "ring-ref0", "10");
	put(&kv, "ring-ref1", "11");
	put(&kv, "ring-ref2", "12");
	put(&kv, "ring-ref3", "4294967295");
	put(&kv, "event-channel", "7");
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), 0, "%s", why);
	cr_assert_eq(k.nr_refs, 4);
	cr_assert_eq(k.refs[3], 4294967295u);
	cr_assert_not(k.persistent);
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 1, &k, &why), -EINVAL, "order above max");
	kv.v[4] = "4294967296";
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), -EINVAL, "ref beyond 32 bits");
	kv.n = 3; /* ring-ref2 and 3 missing */
	put(&kv, "event-channel", "7");
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), -EINVAL);
}

Test(xbb_keys, malformed)
{
	const char *bad_port[] = {"", "0", "-1", "7x", " 7", "99999999999999999999999"};
	struct xbb_ring_keys k;
	const char *why = NULL;

	for (unsigned i = 0; i < sizeof(bad_port) / sizeof(bad_port[0]); i++) {
		struct kv kv = {.n = 0};

		put(&kv, "ring-ref", "8");
		put(&kv, "event-channel", bad_port[i]);
		cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), -EINVAL, "port '%s'",
			     bad_port[i]);
	}
	struct kv kv = {.n = 0};
	put(&kv, "event-channel", "3");
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), -EINVAL, "no ring-ref");
	put(&kv, "ring-ref", "1");
	put(&kv, "protocol", "x86_32-abi");
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), -EINVAL, "foreign protocol");
	kv.v[2] = "x86_64-abi";
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), 0);
	put(&kv, "ring-page-order", "9");
	cr_assert_eq(xbb_parse_ring_keys(get, &kv, 4, &k, &why), -EINVAL);
}

Test(xbb_keys, numbers)
{
	cr_assert_eq(xbb_parse_num("0", 5), 0);
	cr_assert_eq(xbb_parse_num("5", 5), 5);
	cr_assert_eq(xbb_parse_num("6", 5), -1);
	cr_assert_eq(xbb_parse_num("18446744073709551615", UINT64_MAX >> 1), -1);
	cr_assert_eq(xbb_parse_num(NULL, 5), -1);
	cr_assert_eq(xbb_parse_num("+1", 5), -1);
}
