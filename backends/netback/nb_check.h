/* nb_check.h: validation of TX requests copied out of the ring (pure
 * functions: no I/O, no globals; unit-tested in tests/unit/netback). */
#ifndef HOSPES_NB_CHECK_H
#define HOSPES_NB_CHECK_H

#include <stdint.h>

#include <pvabi/netif.h>

#define NB_PAGE 4096u
/* Slots one packet may use (feature-sg: Linux's minimum). */
#define NB_TX_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* A chain that is still going after this many slots is not a packet but a
 * hostile frontend: the device is dropped. */
#define NB_TX_FATAL_SLOTS 64u

enum nb_chain {
	NB_CHAIN_PARTIAL = 0, /* the chain's end is not published yet: wait */
	NB_CHAIN_FATAL = -1,  /* longer than NB_TX_FATAL_SLOTS */
};

/* Length of the chain of slots starting at s[0], among n published slots:
 * the number of slots up to and including the first one without
 * NETTXF_more_data, NB_CHAIN_PARTIAL if the chain goes on beyond n (and
 * n < NB_TX_FATAL_SLOTS), or NB_CHAIN_FATAL. */
int nb_chain_len(const struct netif_tx_request *s, unsigned n);

/* Checks one packet of n slots (a chain as nb_chain_len found it): at most
 * NB_TX_MAX_SLOTS, no extra_info, every piece within its page, the packet
 * length (first slot's size) between NETIF_ETH_MIN_FRAME and
 * XEN_NETIF_MAX_TX_SIZE and larger than the later pieces together.
 * 0 with *first_len = the first piece's length, or -EINVAL with *why. */
int nb_check_tx(const struct netif_tx_request *s, unsigned n, unsigned *first_len,
		const char **why);

/* "xx:xx:xx:xx:xx:xx" (hex digits, either case) into mac[6]: 0 or
 * -EINVAL. */
int nb_parse_mac(const char *s, uint8_t mac[6]);

#endif
