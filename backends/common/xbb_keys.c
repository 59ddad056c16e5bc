/* xbb_keys.c: number parsing and the frontend's ring keys
 * (ring-ref / ring-ref<N> + ring-page-order, event-channel, protocol,
 * feature-persistent), checked before anything is mapped. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xbb.h"

long long xbb_parse_num(const char *s, unsigned long long max)
{
	unsigned long long v = 0;

	if (!s || !*s || strlen(s) > 20)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v <= max ? (long long)v : -1;
}

int xbb_parse_ring_keys(const char *(*get)(void *arg, const char *key), void *arg,
			unsigned max_order, struct xbb_ring_keys *k, const char **why)
{
	const char *v;
	long long n;
	char key[24];

	memset(k, 0, sizeof(*k));
	if (max_order > PVABI_RING_MAX_ORDER)
		max_order = PVABI_RING_MAX_ORDER;
	v = get(arg, XENBUS_KEY_RING_PAGE_ORDER);
	if (v) {
		n = xbb_parse_num(v, max_order);
		if (n < 0) {
			*why = "bad ring-page-order";
			return -EINVAL;
		}
		k->order = (unsigned)n;
	}
	k->nr_refs = 1u << k->order;
	if (!v) {
		n = xbb_parse_num(get(arg, XENBUS_KEY_RING_REF), UINT32_MAX);
		if (n < 0) {
			*why = "missing or bad ring-ref";
			return -EINVAL;
		}
		k->refs[0] = (uint32_t)n;
	} else {
		for (unsigned i = 0; i < k->nr_refs; i++) {
			snprintf(key, sizeof(key), XENBUS_KEY_RING_REF_N, i);
			n = xbb_parse_num(get(arg, key), UINT32_MAX);
			/* order 0 may still use plain ring-ref */
			if (n < 0 && k->order == 0)
				n = xbb_parse_num(get(arg, XENBUS_KEY_RING_REF), UINT32_MAX);
			if (n < 0) {
				*why = "missing or bad ring-ref<N>";
				return -EINVAL;
			}
			k->refs[i] = (uint32_t)n;
		}
	}
	n = xbb_parse_num(get(arg, XENBUS_KEY_EVENT_CHANNEL), UINT32_MAX);
	if (n <= 0) {
		*why = "missing or bad event-channel";
		return -EINVAL;
	}
	k->port = (uint32_t)n;
	v = get(arg, XENBUS_KEY_PROTOCOL);
	if (v && *v && strcmp(v, XENBUS_PROTOCOL_X86_64)) {
		*why = "unsupported protocol";
		return -EINVAL;
	}
	v = get(arg, XENBUS_KEY_FEATURE_PERSISTENT);
	k->persistent = v && !strcmp(v, "1");
	return 0;
}
