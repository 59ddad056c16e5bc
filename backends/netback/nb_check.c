/* nb_check.c: the TX request checks. A packet is a chain of slots: the
 * first slot's size is the whole packet's length, later slots' sizes are
 * their pieces, and what the later pieces leave over is the first
 * piece. */
#include <errno.h>

#include "nb_check.h"

int nb_chain_len(const struct netif_tx_request *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!(s[i].flags & NETTXF_more_data))
			return (int)i + 1;
		if (i + 1 >= NB_TX_FATAL_SLOTS)
			return NB_CHAIN_FATAL;
	}
	return NB_CHAIN_PARTIAL;
}

int nb_check_tx(const struct netif_tx_request *s, unsigned n, unsigned *first_len,
		const char **why)
{
	unsigned rest = 0;

	*first_len = 0;
	if (n == 0 || n > NB_TX_MAX_SLOTS) {
		*why = "too many slots for one packet";
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		if (s[i].flags & NETTXF_extra_info) {
			*why = "extra info not negotiated";
			return -EINVAL;
		}
		if (i > 0) {
			if (s[i].size == 0 || (unsigned)s[i].offset + s[i].size > NB_PAGE) {
				*why = "piece beyond its page";
				return -EINVAL;
			}
			rest += s[i].size;
		}
	}
	if (s[0].size < NETIF_ETH_MIN_FRAME) { /* u16: never above XEN_NETIF_MAX_TX_SIZE */
		*why = "bad packet length";
		return -EINVAL;
	}
	if (rest >= s[0].size) {
		*why = "pieces larger than the packet";
		return -EINVAL;
	}
	if ((unsigned)s[0].offset + (s[0].size - rest) > NB_PAGE) {
		*why = "first piece beyond its page";
		return -EINVAL;
	}
	*first_len = s[0].size - rest;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nb_parse_mac(const char *s, uint8_t mac[6])
{
	if (!s)
		return -EINVAL;
	for (unsigned i = 0; i < 6; i++, s += 3) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
