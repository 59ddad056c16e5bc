/* test_net_ip.c: nido's tiny IP stack (guest-kernel-patches/nido/net_ip.c,
 * the nido README) built for the host: checksums against known packets,
 * address parsing, ARP answers and learning, ICMP echo replies (checksum
 * patched, checked against a full recomputation), UDP echo on port 7,
 * the frames it builds, and truncated or malformed frames ignored. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nido_net.h"

#define OUT_MAX 8

static const uint8_t our_mac[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
#define OUR_IP 0x0ac90002u  /* 10.201.0.2 */
#define PEER_IP 0x0ac90001u /* 10.201.0.1 */

static struct {
	uint8_t buf[OUT_MAX][4096];
	uint32_t len[OUT_MAX];
	int n, full;
} out;

static uint8_t *t_begin(void *ctx)
{
	(void)ctx;
	return out.full || out.n >= OUT_MAX ? NULL : out.buf[out.n];
}

static int t_commit(void *ctx, uint32_t len)
{
	(void)ctx;
	out.len[out.n++] = len;
	return 0;
}

static struct nido_ip s;

static void setup(void)
{
	memset(&out, 0, sizeof(out));
	memset(&s, 0, sizeof(s));
	s.ops = (struct nido_ip_ops){t_begin, t_commit, NULL};
	memcpy(s.mac, our_mac, 6);
	s.addr = OUR_IP;
	s.prefix = 24;
}

TestSuite(net_ip, .init = setup);

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A ping from 10.201.0.1 (id 0x1234, seq 1, 56 bytes i*3+1), checksums
 * computed independently of the code under test. */
static const uint8_t ping_req[98] = {
    0x00, 0x16, 0x3e, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x54, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x01, 0x79, 0x47, 0x0a, 0xc9,
    0x00, 0x01, 0x0a, 0xc9, 0x00, 0x02, 0x08, 0x00, 0xe4, 0x75, 0x12, 0x34, 0x00, 0x01,
    0x01, 0x04, 0x07, 0x0a, 0x0d, 0x10, 0x13, 0x16, 0x19, 0x1c, 0x1f, 0x22, 0x25, 0x28,
    0x2b, 0x2e, 0x31, 0x34, 0x37, 0x3a, 0x3d, 0x40, 0x43, 0x46, 0x49, 0x4c, 0x4f, 0x52,
    0x55, 0x58, 0x5b, 0x5e, 0x61, 0x64, 0x67, 0x6a, 0x6d, 0x70, 0x73, 0x76, 0x79, 0x7c,
    0x7f, 0x82, 0x85, 0x88, 0x8b, 0x8e, 0x91, 0x94, 0x97, 0x9a, 0x9d, 0xa0, 0xa3, 0xa6,
};

/* UDP "hello hospes" from 10.201.0.1:40000 to port 7. */
static const uint8_t udp_req[54] = {
    0x00, 0x16, 0x3e, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x28, 0x01, 0x02, 0x40, 0x00, 0x40, 0x11, 0x24, 0x2f, 0x0a, 0xc9,
    0x00, 0x01, 0x0a, 0xc9, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x07, 0x00, 0x14, 0x00, 0x00,
    0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x68, 0x6f, 0x73, 0x70, 0x65, 0x73,
};

/* An IPv4 frame built by the stack: Ethernet to dst_mac, a valid header
 * from our address to dst with proto; returns the payload. */
static const uint8_t *check_ip(int i, const uint8_t *dst_mac, uint32_t dst, uint8_t proto,
			       uint32_t *plen)
{
	const uint8_t *f = out.buf[i], *h = f + 14;

	cr_assert_arr_eq(f, dst_mac, 6);
	cr_assert_arr_eq(f + 6, our_mac, 6);
	cr_assert_eq(be16(f + 12), 0x0800);
	cr_assert_eq(h[0], 0x45);
	cr_assert_eq(be16(h + 2), out.len[i] - 14, "total length");
	cr_assert_eq(be16(h + 6), 0x4000, "DF, no fragment");
	cr_assert_eq(h[8], 64);
	cr_assert_eq(h[9], proto);
	cr_assert_eq(nido_ip_csum(h, 20, 0), 0, "header checksum");
	cr_assert_eq(be32(h + 12), OUR_IP);
	cr_assert_eq(be32(h + 16), dst);
	*plen = out.len[i] - 34;
	return h + 20;
}

Test(net_ip, checksum_of_known_headers)
{
	/* The classic example header, checksum b861. */
	const uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint8_t odd[3] = {0x01, 0x02, 0x03};

	cr_assert_eq(nido_ip_csum(h, 20, 0), 0xb861);
	cr_assert_eq(nido_ip_csum(ping_req + 14, 20, 0), 0, "a valid header sums to zero");
	cr_assert_eq(nido_ip_csum(ping_req + 34, 64, 0), 0, "a valid ICMP message too");
	/* Odd length: the last byte is the high half of a word. */
	cr_assert_eq(nido_ip_csum(odd, 3, 0), (uint16_t) ~(0x0102 + 0x0300));
}

Test(net_ip, addresses_parse_and_format)
{
	uint32_t ip, p;
	char buf[16];

	cr_assert_eq(nido_ip_parse("10.201.0.2/24", &ip, &p), 0);
	cr_assert_eq(ip, OUR_IP);
	cr_assert_eq(p, 24);
	cr_assert_eq(nido_ip_parse("255.255.255.255", &ip, NULL), 0);
	cr_assert_eq(ip, 0xffffffffu);
	cr_assert_eq(nido_ip_parse("10.201.0.2", &ip, &p), -1, "prefix required");
	cr_assert_eq(nido_ip_parse("10.201.0.2/33", &ip, &p), -1);
	cr_assert_eq(nido_ip_parse("10.201.0.256", &ip, NULL), -1);
	cr_assert_eq(nido_ip_parse("10.201.0", &ip, NULL), -1);
	cr_assert_eq(nido_ip_parse("10.201.0.1x", &ip, NULL), -1);
	cr_assert_eq(nido_ip_parse("", &ip, NULL), -1);
	cr_assert_eq(nido_ip_parse("1.2.3.4/24", &ip, NULL), -1, "no prefix wanted");
	nido_ip_format(0x0a00c864u, buf);
	cr_assert_str_eq(buf, "10.0.200.100");
	nido_ip_format(0, buf);
	cr_assert_str_eq(buf, "0.0.0.0");
	cr_assert(nido_ip_on_link(&s, PEER_IP));
	cr_assert_not(nido_ip_on_link(&s, OUR_IP));
	cr_assert_not(nido_ip_on_link(&s, 0x0ac900ffu), "broadcast");
	cr_assert_not(nido_ip_on_link(&s, 0x0ac90000u), "network");
	cr_assert_not(nido_ip_on_link(&s, 0x0ac90101u), "another subnet");
}

static void arp_frame(uint8_t *f, uint16_t op, uint32_t spa, uint32_t tpa)
{
	static const uint8_t hdr[8] = {0, 1, 8, 0, 6, 4, 0, 0};

	memset(f, 0xff, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, hdr, 8);
	f[21] = (uint8_t)op;
	memcpy(f + 22, peer_mac, 6);
	f[28] = (uint8_t)(spa >> 24), f[29] = (uint8_t)(spa >> 16);
	f[30] = (uint8_t)(spa >> 8), f[31] = (uint8_t)spa;
	memset(f + 32, 0, 6);
	f[38] = (uint8_t)(tpa >> 24), f[39] = (uint8_t)(tpa >> 16);
	f[40] = (uint8_t)(tpa >> 8), f[41] = (uint8_t)tpa;
}

Test(net_ip, arp_requests_for_us_are_answered_and_learned)
{
	uint8_t f[60] = {0};
	const uint8_t *a = out.buf[0] + 14;

	arp_frame(f, 1, PEER_IP, OUR_IP);
	nido_ip_input(&s, f, 42); /* unpadded, as a TAP may deliver it */
	cr_assert_eq(out.n, 1);
	cr_assert_eq(out.len[0], 60, "padded to the Ethernet minimum");
	cr_assert_arr_eq(out.buf[0], peer_mac, 6);
	cr_assert_arr_eq(out.buf[0] + 6, our_mac, 6);
	cr_assert_eq(be16(out.buf[0] + 12), 0x0806);
	cr_assert_eq(be16(a + 6), 2, "reply");
	cr_assert_arr_eq(a + 8, our_mac, 6);
	cr_assert_eq(be32(a + 14), OUR_IP);
	cr_assert_arr_eq(a + 18, peer_mac, 6);
	cr_assert_eq(be32(a + 24), PEER_IP);
	cr_assert_eq(s.arp_answered, 1);
	cr_assert_not_null(nido_ip_arp_lookup(&s, PEER_IP));
	cr_assert_arr_eq(nido_ip_arp_lookup(&s, PEER_IP), peer_mac, 6);
}

Test(net_ip, arp_for_others_and_malformed_arp_are_ignored)
{
	uint8_t f[60] = {0};

	arp_frame(f, 1, PEER_IP, 0x0ac90003u);
	nido_ip_input(&s, f, 42);
	arp_frame(f, 1, PEER_IP, OUR_IP);
	nido_ip_input(&s, f, 41); /* truncated */
	f[18] = 7;		  /* hlen 7 */
	nido_ip_input(&s, f, 42);
	arp_frame(f, 3, PEER_IP, OUR_IP); /* unknown op */
	nido_ip_input(&s, f, 42);
	arp_frame(f, 1, 0x0a000001u, OUR_IP); /* sender off the link: answered, not learned */
	nido_ip_input(&s, f, 42);
	cr_assert_eq(out.n, 1);
	cr_assert_eq(s.ignored, 4);
	cr_assert_null(nido_ip_arp_lookup(&s, 0x0a000001u));
	cr_assert_null(nido_ip_arp_lookup(&s, PEER_IP));
}

Test(net_ip, arp_replies_fill_a_small_cache)
{
	uint8_t f[60] = {0};

	cr_assert_eq(nido_ip_send_arp_request(&s, PEER_IP), 0);
	cr_assert_eq(out.n, 1);
	cr_assert_eq(be16(out.buf[0] + 14 + 6), 1, "request");
	cr_assert_eq(out.buf[0][0], 0xff, "broadcast");
	cr_assert_eq(be32(out.buf[0] + 14 + 24), PEER_IP);
	for (uint32_t i = 1; i <= NIDO_ARP_SLOTS + 2; i++) {
		arp_frame(f, 2, 0x0ac90000u + 10 + i, OUR_IP);
		f[27] = (uint8_t)i; /* sender MAC differs */
		nido_ip_input(&s, f, 42);
	}
	cr_assert_eq(out.n, 1, "replies are not answered");
	cr_assert_null(nido_ip_arp_lookup(&s, 0x0ac90000u + 11), "oldest replaced");
	cr_assert_not_null(nido_ip_arp_lookup(&s, 0x0ac90000u + 10 + NIDO_ARP_SLOTS + 2));
	cr_assert_eq(nido_ip_arp_lookup(&s, 0x0ac90000u + 10 + NIDO_ARP_SLOTS + 2)[5],
		     NIDO_ARP_SLOTS + 2);
	/* A changed MAC for a known address replaces the entry. */
	arp_frame(f, 2, 0x0ac90000u + 13, OUR_IP);
	f[27] = 0x77;
	nido_ip_input(&s, f, 42);
	cr_assert_eq(nido_ip_arp_lookup(&s, 0x0ac90000u + 13)[5], 0x77);
}

Test(net_ip, ping_is_answered_with_a_valid_reply)
{
	const uint8_t *icmp;
	uint32_t len;

	nido_ip_input(&s, ping_req, sizeof(ping_req));
	cr_assert_eq(out.n, 1);
	icmp = check_ip(0, peer_mac, PEER_IP, 1, &len);
	cr_assert_eq(len, 64);
	cr_assert_eq(icmp[0], 0, "echo reply");
	cr_assert_eq(icmp[1], 0);
	cr_assert_eq(be16(icmp + 2), 0xec75, "checksum computed independently");
	cr_assert_arr_eq(icmp + 4, ping_req + 38, 60, "id, seq and data echoed");
	cr_assert_eq(s.icmp_echoed, 1);
}

Test(net_ip, patched_echo_checksums_hold_for_any_payload)
{
	uint8_t f[1514];
	uint32_t len;

	srand(7);
	for (int n = 0; n < 2000; n++) {
		uint32_t plen = (uint32_t)(rand() % 1473);
		uint8_t *icmp = f + 34;

		memcpy(f, ping_req, 34);
		f[16] = (uint8_t)((20 + 8 + plen) >> 8);
		f[17] = (uint8_t)(20 + 8 + plen);
		f[24] = f[25] = 0;
		uint16_t c = nido_ip_csum(f + 14, 20, 0);
		f[24] = (uint8_t)(c >> 8);
		f[25] = (uint8_t)c;
		icmp[0] = 8;
		icmp[1] = 0;
		icmp[2] = icmp[3] = 0;
		for (uint32_t i = 4; i < 8 + plen; i++)
			icmp[i] = (uint8_t)rand();
		if (n < 4) /* payloads making the request checksum 0x0000 or 0xffff-ish */
			memset(icmp + 4, n & 1 ? 0xff : 0, 4 + plen);
		c = nido_ip_csum(icmp, 8 + plen, 0);
		icmp[2] = (uint8_t)(c >> 8);
		icmp[3] = (uint8_t)c;
		out.n = 0;
		nido_ip_input(&s, f, 34 + 8 + plen);
		cr_assert_eq(out.n, 1);
		const uint8_t *r = check_ip(0, peer_mac, PEER_IP, 1, &len);
		cr_assert_eq(len, 8 + plen);
		cr_assert_eq(nido_ip_csum(r, len, 0), 0, "reply checksum valid (payload %u)", plen);
	}
}

Test(net_ip, udp_port_7_is_echoed)
{
	const uint8_t *u;
	uint32_t len;

	nido_ip_input(&s, udp_req, sizeof(udp_req));
	cr_assert_eq(out.n, 1);
	u = check_ip(0, peer_mac, PEER_IP, 17, &len);
	cr_assert_eq(len, 20);
	cr_assert_eq(be16(u), 7);
	cr_assert_eq(be16(u + 2), 40000);
	cr_assert_eq(be16(u + 4), 20);
	cr_assert_eq(be16(u + 6), 0, "no checksum");
	cr_assert_arr_eq(u + 8, "hello hospes", 12);
	cr_assert_eq(s.udp_echoed, 1);
}

Test(net_ip, malformed_or_foreign_ip_is_ignored)
{
	uint8_t f[128];
	int n = 0;

#define TRY(mutate, len)                                                                           \
	do {                                                                                       \
		memcpy(f, udp_req, sizeof(udp_req));                                               \
		mutate;                                                                            \
		nido_ip_input(&s, f, len);                                                         \
		n++;                                                                               \
	} while (0)
	TRY((void)0, 33);			/* shorter than the IP header */
	TRY((void)0, 53);			/* total length beyond the frame */
	TRY(f[14] = 0x46, 54);			/* checksum no longer valid */
	TRY(f[14] = 0x44, 54);			/* IHL below 5 */
	TRY(f[14] = 0x65, 54);			/* IPv6 version nibble */
	TRY(f[25] ^= 1, 54);			/* bad checksum */
	TRY((f[20] = 0x20, f[24] += 0x20), 54); /* more fragments, checksum fixed */
	TRY((f[33] = 3, f[25] -= 1), 54);	/* to another address */
	TRY(f[37] = 9, 54);			/* another UDP port */
	TRY(f[39] = 0x40, 54);			/* UDP length beyond the packet */
	TRY(f[39] = 0x04, 54);			/* UDP length below its header */
	TRY(f[12] = 0x86, 54);			/* unknown ethertype */
	TRY((void)0, 13);			/* not even Ethernet */
#undef TRY
	cr_assert_eq(out.n, 0);
	cr_assert_eq(s.ignored, (uint64_t)n);
	/* Without an address nothing is answered either. */
	s.addr = 0;
	nido_ip_input(&s, udp_req, sizeof(udp_req));
	nido_ip_input(&s, ping_req, sizeof(ping_req));
	cr_assert_eq(out.n, 0);
}

Test(net_ip, built_ping_and_udp_frames)
{
	const uint8_t *p;
	uint32_t len;

	cr_assert_eq(nido_ip_send_ping(&s, PEER_IP, peer_mac, 0x4e44, 3, 56), 0);
	p = check_ip(0, peer_mac, PEER_IP, 1, &len);
	cr_assert_eq(len, 64);
	cr_assert_eq(p[0], 8);
	cr_assert_eq(be16(p + 4), 0x4e44);
	cr_assert_eq(be16(p + 6), 3);
	cr_assert_eq(nido_ip_csum(p, len, 0), 0);
	cr_assert_eq(nido_ip_send_udp(&s, PEER_IP, peer_mac, 7, 9000, 1472, 0x5a), 0);
	p = check_ip(1, peer_mac, PEER_IP, 17, &len);
	cr_assert_eq(out.len[1], 1514, "a full Ethernet frame");
	cr_assert_eq(be16(p), 7);
	cr_assert_eq(be16(p + 2), 9000);
	cr_assert_eq(be16(p + 4), 1480);
	for (uint32_t i = 8; i < len; i++)
		cr_assert_eq(p[i], 0x5a);
	cr_assert_neq(be16(out.buf[0] + 18), be16(out.buf[1] + 18), "IP ids differ");
	cr_assert_eq(nido_ip_send_udp(&s, PEER_IP, peer_mac, 7, 9000, 1473, 0), -1);
	cr_assert_eq(nido_ip_send_ping(&s, PEER_IP, peer_mac, 1, 1, 1473), -1);
}

Test(net_ip, the_awaited_echo_reply_is_noticed)
{
	uint8_t f[98];

	memcpy(f, ping_req, sizeof(f));
	f[34] = 0; /* echo reply, checksum patched by 0x0800 */
	f[36] = 0xec;
	f[37] = 0x75;
	s.ping_id = 0x1234;
	s.ping_seq = 2;
	nido_ip_input(&s, f, sizeof(f));
	cr_assert_eq(s.ping_got, 0, "another sequence number");
	s.ping_seq = 1;
	nido_ip_input(&s, f, sizeof(f));
	cr_assert_eq(s.ping_got, 1);
	cr_assert_eq(out.n, 0, "replies are not answered");
}

Test(net_ip, no_free_buffer_drops_and_counts)
{
	out.full = 1;
	nido_ip_input(&s, ping_req, sizeof(ping_req));
	nido_ip_input(&s, udp_req, sizeof(udp_req));
	cr_assert_eq(nido_ip_send_udp(&s, PEER_IP, peer_mac, 7, 9, 10, 0), -1);
	cr_assert_eq(s.tx_dropped, 3);
	cr_assert_eq(out.n, 0);
}

/* Random frames (Ethernet type and IP version often right, the rest
 * random), each in a buffer of exactly its length so a read beyond it is
 * caught under ASan: whatever is answered is a well-formed frame. */
Test(net_ip, random_frames_never_read_beyond_their_end)
{
	int answered = 0;

	srand(11);
	for (int n = 0; n < 20000; n++) {
		uint32_t len = (uint32_t)(rand() % 160);
		uint8_t *f = malloc(len ? len : 1);

		cr_assert_not_null(f);
		for (uint32_t i = 0; i < len; i++)
			f[i] = (uint8_t)rand();
		if (len >= 14 && (n & 1)) {
			memcpy(f, udp_req, len < 42 ? len : 42); /* valid headers, random rest */
			if (len >= 18 && (n & 2)) {
				f[16] = (uint8_t)(rand() & 1);
				f[17] = (uint8_t)rand();
			}
		} else if (len >= 14 && (n & 2)) {
			f[12] = 0x08;
			f[13] = 0x06;
		}
		out.n = 0;
		nido_ip_input(&s, f, len);
		for (int i = 0; i < out.n; i++) {
			cr_assert_geq(out.len[i], 42);
			cr_assert_arr_eq(out.buf[i] + 6, our_mac, 6);
			if (be16(out.buf[i] + 12) == 0x0800)
				cr_assert_eq(nido_ip_csum(out.buf[i] + 14, 20, 0), 0);
		}
		answered += out.n;
		free(f);
	}
	cr_assert_gt(answered, 1000, "the valid ones were answered");
}
