/* test_nb_check.c: hospes-netback's TX request checks: chain lengths
 * (complete, still being published, hostile), packet and piece bounds at
 * and beyond the page, sizes that do not add up, extra info, and the mac
 * parser. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "nb_check.h"

static struct netif_tx_request slot(uint32_t gref, uint16_t off, uint16_t size, uint16_t flags)
{
	struct netif_tx_request s;

	memset(&s, 0, sizeof(s));
	s.gref = gref;
	s.offset = off;
	s.size = size;
	s.flags = flags;
	s.id = (uint16_t)gref;
	return s;
}

Test(nb_chain, lengths)
{
	struct netif_tx_request s[NB_TX_FATAL_SLOTS + 2];

	s[0] = slot(1, 0, 60, 0);
	cr_assert_eq(nb_chain_len(s, 1), 1);
	s[0] = slot(1, 0, 3000, NETTXF_more_data);
	s[1] = slot(2, 0, 1000, NETTXF_more_data);
	s[2] = slot(3, 0, 1000, 0);
	s[3] = slot(4, 0, 60, 0);
	cr_assert_eq(nb_chain_len(s, 4), 3);
	cr_assert_eq(nb_chain_len(s, 3), 3);
	/* The end is not published yet: wait. */
	cr_assert_eq(nb_chain_len(s, 2), NB_CHAIN_PARTIAL);
	cr_assert_eq(nb_chain_len(s, 0), NB_CHAIN_PARTIAL);
}

Test(nb_chain, hostile_endless_chain)
{
	struct netif_tx_request s[NB_TX_FATAL_SLOTS + 2];

	for (unsigned i = 0; i < NB_TX_FATAL_SLOTS + 2; i++)
		s[i] = slot(i, 0, 100, NETTXF_more_data);
	cr_assert_eq(nb_chain_len(s, NB_TX_FATAL_SLOTS - 1), NB_CHAIN_PARTIAL);
	cr_assert_eq(nb_chain_len(s, NB_TX_FATAL_SLOTS), NB_CHAIN_FATAL);
	cr_assert_eq(nb_chain_len(s, NB_TX_FATAL_SLOTS + 2), NB_CHAIN_FATAL);
	/* Ending exactly at the last allowed slot is still a chain. */
	s[NB_TX_FATAL_SLOTS - 1].flags = 0;
	cr_assert_eq(nb_chain_len(s, NB_TX_FATAL_SLOTS + 2), (int)NB_TX_FATAL_SLOTS);
}

Test(nb_check, single_slot_bounds)
{
	struct netif_tx_request s = slot(1, 0, 60, 0);
	const char *why = NULL;
	unsigned first;

	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), 0);
	cr_assert_eq(first, 60);
	s = slot(1, 4096 - 1514, 1514, 0);
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), 0);
	cr_assert_eq(first, 1514);
	s = slot(1, 4096 - 1513, 1514, 0);
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), -EINVAL);
	cr_assert_not_null(why);
	s = slot(1, 0xffff, 14, 0);
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), -EINVAL);
	s = slot(1, 0, 4096, 0);
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), 0);
	s = slot(1, 0, 4097, 0); /* one slot cannot hold more than a page */
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), -EINVAL);
}

Test(nb_check, too_short_packets)
{
	struct netif_tx_request s = slot(1, 0, 13, 0);
	const char *why = NULL;
	unsigned first;

	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), -EINVAL);
	s.size = 0;
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), -EINVAL);
	s.size = 14;
	cr_assert_eq(nb_check_tx(&s, 1, &first, &why), 0);
}

Test(nb_check, chains)
{
	struct netif_tx_request s[NB_TX_MAX_SLOTS + 1];
	const char *why = NULL;
	unsigned first;

	/* 9000 bytes: 808 in the first piece, then two full pages. */
	s[0] = slot(1, 100, 9000, NETTXF_more_data);
	s[1] = slot(2, 0, 4096, NETTXF_more_data);
	s[2] = slot(3, 0, 4096, 0);
	cr_assert_eq(nb_check_tx(s, 3, &first, &why), 0);
	cr_assert_eq(first, 808);
	/* Later pieces as large as the packet leave no first piece. */
	s[0].size = 8192;
	cr_assert_eq(nb_check_tx(s, 3, &first, &why), -EINVAL);
	s[0].size = 9000;
	/* A later piece crossing its page. */
	s[2] = slot(3, 1, 4096, 0);
	cr_assert_eq(nb_check_tx(s, 3, &first, &why), -EINVAL);
	s[2] = slot(3, 0, 0, 0); /* empty piece */
	cr_assert_eq(nb_check_tx(s, 3, &first, &why), -EINVAL);
	/* First piece beyond its page. */
	s[0] = slot(1, 4000, 4096 + 200, NETTXF_more_data);
	s[1] = slot(2, 0, 4096, 0);
	cr_assert_eq(nb_check_tx(s, 2, &first, &why), -EINVAL);
	s[0].offset = 3896;
	cr_assert_eq(nb_check_tx(s, 2, &first, &why), 0);
	cr_assert_eq(first, 200);
}

Test(nb_check, slot_limit)
{
	struct netif_tx_request s[NB_TX_MAX_SLOTS + 1];
	const char *why = NULL;
	unsigned first;

	for (unsigned i = 0; i <= NB_TX_MAX_SLOTS; i++)
		s[i] = slot(i, 0, 100, NETTXF_more_data);
	s[0].size = (uint16_t)(100 * NB_TX_MAX_SLOTS);
	s[NB_TX_MAX_SLOTS - 1].flags = 0;
	cr_assert_eq(nb_check_tx(s, NB_TX_MAX_SLOTS, &first, &why), 0);
	cr_assert_eq(first, 100);
	s[0].size = (uint16_t)(100 * (NB_TX_MAX_SLOTS + 1));
	cr_assert_eq(nb_check_tx(s, NB_TX_MAX_SLOTS + 1, &first, &why), -EINVAL);
	cr_assert_eq(nb_check_tx(s, 0, &first, &why), -EINVAL);
}

Test(nb_check, extra_info_refused)
{
	struct netif_tx_request s[2];
	const char *why = NULL;
	unsigned first;

	s[0] = slot(1, 0, 60, NETTXF_extra_info);
	cr_assert_eq(nb_check_tx(s, 1, &first, &why), -EINVAL);
	s[0] = slot(1, 0, 160, NETTXF_more_data);
	s[1] = slot(2, 0, 100, NETTXF_extra_info);
	cr_assert_eq(nb_check_tx(s, 2, &first, &why), -EINVAL);
}

Test(nb_mac, parse)
{
	uint8_t m[6];

	cr_assert_eq(nb_parse_mac("00:16:3e:0a:Bc:ff", m), 0);
	cr_assert_eq(m[0], 0x00);
	cr_assert_eq(m[2], 0x3e);
	cr_assert_eq(m[4], 0xbc);
	cr_assert_eq(m[5], 0xff);
	cr_assert_eq(nb_parse_mac("00:16:3e:0a:bc:ff:", m), -EINVAL);
	cr_assert_eq(nb_parse_mac("00:16:3e:0a:bc", m), -EINVAL);
	cr_assert_eq(nb_parse_mac("00-16-3e-0a-bc-ff", m), -EINVAL);
	cr_assert_eq(nb_parse_mac("0g:16:3e:0a:bc:ff", m), -EINVAL);
	cr_assert_eq(nb_parse_mac("", m), -EINVAL);
	cr_assert_eq(nb_parse_mac(NULL, m), -EINVAL);
}
