/* net_ip.c: nido's tiny IP stack: Ethernet II, an ARP cache of a few
 * entries, IPv4 without fragments or options on output, ICMP echo and UDP
 * echo on port 7. Plain C without pvabi (the host unit tests build it
 * too). Every received field is checked against the frame's length before
 * use. Guest instructions are emulated one by one, so nothing walks a
 * payload it does not have to: echo replies patch the ICMP checksum
 * (RFC 1624) instead of recomputing it, and UDP goes without a checksum
 * (allowed on IPv4). */
#include "nido_net.h"

#define copy __builtin_memcpy
#define fill __builtin_memset

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

uint16_t nido_ip_csum(const void *data, uint32_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int parse_num(const char **s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (uint32_t)(*p - '0')) > max)
			return -1;
	*s = p;
	*out = v;
	return 0;
}

int nido_ip_parse(const char *s, uint32_t *ip, uint32_t *prefix)
{
	uint32_t v = 0, b;

	for (int i = 0; i < 4; i++) {
		if (parse_num(&s, 255, &b) || (i < 3 && *s++ != '.'))
			return -1;
		v = v << 8 | b;
	}
	if (prefix && (*s++ != '/' || parse_num(&s, 32, prefix)))
		return -1;
	if (*s)
		return -1;
	*ip = v;
	return 0;
}

void nido_ip_format(uint32_t ip, char *buf)
{
	for (int i = 3; i >= 0; i--) {
		uint32_t b = (ip >> (8 * i)) & 0xff;

		if (b >= 100)
			*buf++ = (char)('0' + b / 100);
		if (b >= 10)
			*buf++ = (char)('0' + b / 10 % 10);
		*buf++ = (char)('0' + b % 10);
		*buf++ = i ? '.' : '\0';
	}
}

static uint32_t netmask(const struct nido_ip *s)
{
	return s->prefix ? 0xffffffffu << (32 - s->prefix) : 0;
}

int nido_ip_on_link(const struct nido_ip *s, uint32_t ip)
{
	uint32_t m = netmask(s);

	return s->addr && ip != s->addr && ((ip ^ s->addr) & m) == 0 && (ip | m) != 0xffffffffu &&
	       (ip & ~m) != 0;
}

const uint8_t *nido_ip_arp_lookup(const struct nido_ip *s, uint32_t ip)
{
	for (uint32_t i = 0; i < NIDO_ARP_SLOTS; i++)
		if (s->arp[i].ip == ip && ip)
			return s->arp[i].mac;
	return NULL;
}

static void arp_learn(struct nido_ip *s, uint32_t ip, const uint8_t *mac)
{
	struct nido_arp_entry *e = NULL;

	if (!nido_ip_on_link(s, ip) || (mac[0] & 1))
		return; /* never a group address, never off-link */
	for (uint32_t i = 0; i < NIDO_ARP_SLOTS && !e; i++)
		if (s->arp[i].ip == ip)
			e = &s->arp[i];
	if (!e) {
		e = &s->arp[s->arp_next];
		s->arp_next = (s->arp_next + 1) % NIDO_ARP_SLOTS;
	}
	e->ip = ip;
	copy(e->mac, mac, 6);
	s->arp_learned = 1;
}

static uint8_t *tx_begin(struct nido_ip *s)
{
	uint8_t *p = s->ops.tx_begin(s->ops.ctx);

	if (!p)
		s->tx_dropped++;
	return p;
}

static void eth_header(const struct nido_ip *s, uint8_t *f, const uint8_t *dst, uint32_t type)
{
	copy(f, dst, 6);
	copy(f + 6, s->mac, 6);
	put16(f + 12, type);
}

/* IPv4 header without options for a payload of len bytes. */
static void ip_header(struct nido_ip *s, uint8_t *h, uint32_t proto, uint32_t dst, uint32_t len)
{
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, NIDO_IP_HLEN + len);
	put16(h + 4, s->ip_id++);
	put16(h + 6, 0x4000); /* don't fragment */
	h[8] = 64;
	h[9] = (uint8_t)proto;
	put16(h + 10, 0);
	put32(h + 12, s->addr);
	put32(h + 16, dst);
	put16(h + 10, nido_ip_csum(h, NIDO_IP_HLEN, 0));
}

static int arp_send(struct nido_ip *s, uint32_t op, const uint8_t *dst_mac, const uint8_t *tha,
		    uint32_t tpa)
{
	uint8_t *f = tx_begin(s), *a;

	if (!f)
		return -1;
	eth_header(s, f, dst_mac, NIDO_ETH_ARP);
	a = f + NIDO_ETH_HLEN;
	put16(a, 1); /* Ethernet */
	put16(a + 2, NIDO_ETH_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	copy(a + 8, s->mac, 6);
	put32(a + 14, s->addr);
	copy(a + 18, tha, 6);
	put32(a + 24, tpa);
	/* Padded to Ethernet's 60-byte minimum. */
	fill(a + 28, 0, 60 - NIDO_ETH_HLEN - 28);
	return s->ops.tx_commit(s->ops.ctx, 60) ? -1 : 0;
}

int nido_ip_send_arp_request(struct nido_ip *s, uint32_t ip)
{
	static const uint8_t zero[6];

	return arp_send(s, 1, bcast, zero, ip);
}

static void arp_input(struct nido_ip *s, const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + NIDO_ETH_HLEN;
	uint32_t op, spa, tpa;

	if (len < NIDO_ETH_HLEN + 28 || get16(a) != 1 || get16(a + 2) != NIDO_ETH_IP || a[4] != 6 ||
	    a[5] != 4) {
		s->ignored++;
		return;
	}
	op = get16(a + 6);
	spa = get32(a + 14);
	tpa = get32(a + 24);
	if (!s->addr || tpa != s->addr || (op != 1 && op != 2)) {
		s->ignored++;
		return;
	}
	arp_learn(s, spa, a + 8);
	if (op == 1 && arp_send(s, 2, a + 8, a + 8, spa) == 0)
		s->arp_answered++;
}

int nido_ip_send_ping(struct nido_ip *s, uint32_t ip, const uint8_t *mac, uint16_t id, uint16_t seq,
		      uint32_t payload)
{
	uint32_t ilen = NIDO_ICMP_HLEN + payload;
	uint8_t *f, *icmp;

	if (payload > NIDO_UDP_MAX_PAYLOAD || !(f = tx_begin(s)))
		return -1;
	eth_header(s, f, mac, NIDO_ETH_IP);
	ip_header(s, f + NIDO_ETH_HLEN, NIDO_IP_ICMP, ip, ilen);
	icmp = f + NIDO_ETH_HLEN + NIDO_IP_HLEN;
	icmp[0] = 8;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	fill(icmp + 8, 'n', payload);
	put16(icmp + 2, nido_ip_csum(icmp, ilen, 0));
	return s->ops.tx_commit(s->ops.ctx, NIDO_ETH_HLEN + NIDO_IP_HLEN + ilen) ? -1 : 0;
}

int nido_ip_send_udp(struct nido_ip *s, uint32_t ip, const uint8_t *mac, uint16_t sport,
		     uint16_t dport, uint32_t size, uint8_t byte)
{
	uint8_t *f, *u;

	if (size > NIDO_UDP_MAX_PAYLOAD || !(f = tx_begin(s)))
		return -1;
	eth_header(s, f, mac, NIDO_ETH_IP);
	ip_header(s, f + NIDO_ETH_HLEN, NIDO_IP_UDP, ip, NIDO_UDP_HLEN + size);
	u = f + NIDO_ETH_HLEN + NIDO_IP_HLEN;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, NIDO_UDP_HLEN + size);
	put16(u + 6, 0); /* no checksum */
	fill(u + 8, byte, size);
	return s->ops.tx_commit(s->ops.ctx, NIDO_ETH_HLEN + NIDO_IP_HLEN + NIDO_UDP_HLEN + size)
		   ? -1
		   : 0;
}

/* Echo request of ilen bytes at icmp (in the received page; its header
 * already checked in the private copy hc, whose checksum is used): the
 * same message back to mac with type 0; the checksum is patched for the
 * one changed word. */
static void icmp_echo(struct nido_ip *s, const uint8_t *mac, const uint8_t *icmp, const uint8_t *hc,
		      uint32_t ilen, uint32_t src)
{
	uint8_t *o = tx_begin(s), *oi;
	uint32_t sum;

	if (!o)
		return;
	eth_header(s, o, mac, NIDO_ETH_IP);
	ip_header(s, o + NIDO_ETH_HLEN, NIDO_IP_ICMP, src, ilen);
	oi = o + NIDO_ETH_HLEN + NIDO_IP_HLEN;
	copy(oi, icmp, ilen);
	oi[0] = 0;
	oi[1] = 0;
	/* HC' = ~(~HC + ~m + m') with m = 0x0800 (type 8, code 0), m' = 0. */
	sum = (uint16_t)~get16(hc + 2) + 0xf7ffu;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	/* 0xffff, never 0x0000: the one form also right for an all-zero message. */
	sum = ~sum & 0xffff;
	put16(oi + 2, sum ? sum : 0xffff);
	if (s->ops.tx_commit(s->ops.ctx, NIDO_ETH_HLEN + NIDO_IP_HLEN + ilen) == 0)
		s->icmp_echoed++;
}

/* Datagram of ulen bytes at u (received page; header checked in hc)
 * back to mac, from port 7 to its source port. */
static void udp_echo(struct nido_ip *s, const uint8_t *mac, const uint8_t *u, const uint8_t *hc,
		     uint32_t ulen, uint32_t src)
{
	uint8_t *o = tx_begin(s), *ou;

	if (!o)
		return;
	eth_header(s, o, mac, NIDO_ETH_IP);
	ip_header(s, o + NIDO_ETH_HLEN, NIDO_IP_UDP, src, ulen);
	ou = o + NIDO_ETH_HLEN + NIDO_IP_HLEN;
	put16(ou, NIDO_UDP_ECHO_PORT);
	put16(ou + 2, get16(hc));
	put16(ou + 4, ulen);
	put16(ou + 6, 0);
	copy(ou + 8, u + 8, ulen - NIDO_UDP_HLEN);
	if (s->ops.tx_commit(s->ops.ctx, NIDO_ETH_HLEN + NIDO_IP_HLEN + ulen) == 0)
		s->udp_echoed++;
}

/* hc: the private copy of the frame's first bytes (all headers); f: the
 * frame itself, read only for payloads. */
static void ip_input(struct nido_ip *s, const uint8_t *hc, const uint8_t *f, uint32_t len)
{
	const uint8_t *h = hc + NIDO_ETH_HLEN, *p;
	uint32_t hl, tot, src, plen;

	if (len < NIDO_ETH_HLEN + NIDO_IP_HLEN || (h[0] >> 4) != 4)
		goto ignore;
	hl = (h[0] & 0xfu) * 4;
	tot = get16(h + 2);
	if (hl < NIDO_IP_HLEN || tot < hl || tot > len - NIDO_ETH_HLEN ||
	    nido_ip_csum(h, hl, 0) != 0 || (get16(h + 6) & 0x3fff) /* a fragment */ || !s->addr ||
	    get32(h + 16) != s->addr)
		goto ignore;
	src = get32(h + 12);
	p = h + hl; /* its first 8 bytes are in the copy */
	plen = tot - hl;
	if (h[9] == NIDO_IP_ICMP && plen >= NIDO_ICMP_HLEN) {
		if (p[0] == 8 && p[1] == 0) {
			icmp_echo(s, hc + 6, f + NIDO_ETH_HLEN + hl, p, plen, src);
			return;
		}
		if (p[0] == 0 && p[1] == 0 && get16(p + 4) == s->ping_id &&
		    get16(p + 6) == s->ping_seq) {
			s->ping_got = 1;
			return;
		}
	} else if (h[9] == NIDO_IP_UDP && plen >= NIDO_UDP_HLEN) {
		uint32_t ulen = get16(p + 4);

		if (ulen >= NIDO_UDP_HLEN && ulen <= plen && get16(p + 2) == NIDO_UDP_ECHO_PORT) {
			udp_echo(s, hc + 6, f + NIDO_ETH_HLEN + hl, p, ulen, src);
			return;
		}
	}
ignore:
	s->ignored++;
}

/* Ethernet, IPv4 with the largest options, an ICMP or UDP header. */
#define HDR_COPY (NIDO_ETH_HLEN + 60u + 8u)

void nido_ip_input(struct nido_ip *s, const uint8_t *frame, uint32_t len)
{
	uint8_t hc[HDR_COPY];
	uint32_t type;

	if (len < NIDO_ETH_HLEN) {
		s->ignored++;
		return;
	}
	/* Headers are parsed from a private copy: the page may be written by
	 * the backend at any time, and every length checked must be the one
	 * used (one rep movsb in the guest). */
	copy(hc, frame, len < HDR_COPY ? len : HDR_COPY);
	type = get16(hc + 12);
	if (type == NIDO_ETH_ARP)
		arp_input(s, hc, len);
	else if (type == NIDO_ETH_IP)
		ip_input(s, hc, frame, len);
	else
		s->ignored++;
}
