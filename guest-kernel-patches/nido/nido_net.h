/* nido_net.h: nido's network: the tiny IP stack (net_ip.c: Ethernet, ARP,
 * IPv4, ICMP echo, UDP echo on port 7 and UDP send; plain C, also built
 * for the host unit tests), the device glue over frontends/net (net.c) and
 * the net-* shell commands (net_cmd.c). Addresses are kept in host byte
 * order; frames are built in network byte order. */
#ifndef NIDO_NET_H
#define NIDO_NET_H

#include <stddef.h>
#include <stdint.h>

#define NIDO_ETH_HLEN 14u
#define NIDO_IP_HLEN 20u
#define NIDO_UDP_HLEN 8u
#define NIDO_ICMP_HLEN 8u
#define NIDO_ETH_ARP 0x0806u
#define NIDO_ETH_IP 0x0800u
#define NIDO_IP_ICMP 1u
#define NIDO_IP_UDP 17u
#define NIDO_UDP_ECHO_PORT 7u
#define NIDO_UDP_MAX_PAYLOAD 1472u /* 1500 - IP - UDP headers */
#define NIDO_ARP_SLOTS 4u

/* Where frames go: a buffer of at least 1514 bytes to build one in (NULL:
 * none free, the frame is dropped) and its commit with the length. */
struct nido_ip_ops {
	uint8_t *(*tx_begin)(void *ctx);
	int (*tx_commit)(void *ctx, uint32_t len);
	void *ctx;
};

struct nido_arp_entry {
	uint32_t ip; /* 0: free */
	uint8_t mac[6];
};

struct nido_ip {
	struct nido_ip_ops ops;
	uint8_t mac[6];
	uint32_t addr;	 /* 0: no address yet (nothing is answered) */
	uint32_t prefix; /* 0..32 */
	struct nido_arp_entry arp[NIDO_ARP_SLOTS];
	uint32_t arp_next; /* slot replaced next */
	int arp_learned;   /* set by every entry learned */
	uint16_t ip_id;
	/* The echo reply net-ping waits for. */
	uint16_t ping_id, ping_seq;
	int ping_got;
	/* Counters. */
	uint64_t icmp_echoed, udp_echoed, arp_answered, ignored, tx_dropped;
};

/* net_ip.c ---------------------------------------------------------------- */

/* Internet checksum over len bytes added to sum (a running 32-bit sum of
 * 16-bit big-endian words), folded and complemented. */
uint16_t nido_ip_csum(const void *data, uint32_t len, uint32_t sum);
/* Parses "A.B.C.D" (with "/P" when prefix is not NULL: required) into
 * *ip; 0 or -1 for anything else. */
int nido_ip_parse(const char *s, uint32_t *ip, uint32_t *prefix);
/* Formats ip as "A.B.C.D" into buf (16 bytes at least). */
void nido_ip_format(uint32_t ip, char *buf);
/* 1 if ip is in our subnet (and not our own or the broadcast address). */
int nido_ip_on_link(const struct nido_ip *s, uint32_t ip);
/* The MAC of ip from the ARP cache, or NULL. */
const uint8_t *nido_ip_arp_lookup(const struct nido_ip *s, uint32_t ip);
/* Handles one received frame: ARP (answers requests for our address,
 * learns the sender of requests and replies meant for us), ICMP echo
 * requests (answered) and replies (net-ping's), UDP to port 7 (the payload
 * goes back to the sender). Anything else is counted as ignored. */
void nido_ip_input(struct nido_ip *s, const uint8_t *frame, uint32_t len);
/* Builders: each takes a tx buffer, builds the frame and commits it. 0,
 * -1 when no buffer was free (counted in tx_dropped) or the size is out
 * of range. */
int nido_ip_send_arp_request(struct nido_ip *s, uint32_t ip);
int nido_ip_send_ping(struct nido_ip *s, uint32_t ip, const uint8_t *mac, uint16_t id, uint16_t seq,
		      uint32_t payload);
/* size bytes of payload, every byte = fill. */
int nido_ip_send_udp(struct nido_ip *s, uint32_t ip, const uint8_t *mac, uint16_t sport,
		     uint16_t dport, uint32_t size, uint8_t fill);

/* net.c and net_cmd.c (guest only) ------------------------------------------ */

struct netfront;
/* The device and its stack (net.c); the device is set up by the first
 * nido_net_connect. */
struct netfront *nido_net_dev(void);
struct nido_ip *nido_net_ip(void);
/* Sets vif 0 up if needed and waits up to timeout_ms for Connected: 0,
 * -ETIMEDOUT or -errno. */
long nido_net_connect(unsigned long timeout_ms);
/* Serves the network until system time deadline_ns or until *flag (if not
 * NULL) is nonzero; sleeps on the device and store ports in between. */
void nido_net_serve_until(uint64_t deadline_ns, const int *flag);
/* Serves what is there; 1 if more is pending (do not sleep), else 0 with
 * the device's port armed for the next frame. */
int nido_net_busy(void);
/* Sleeps until a TX answer or frame may be there (or deadline_ns), then
 * serves. */
void nido_net_wait_tx(uint64_t deadline_ns);

/* Runs a net-* shell command (1 if cmd was one). */
int nido_net_command(const char *cmd, char *arg);
/* The device's event channel while it is up (0 otherwise), for the idle
 * waits that also serve the network. */
uint32_t nido_net_port(void);
/* Serves what arrived (frames, backend state changes) without blocking. */
void nido_net_service(void);
/* Sleeps ms milliseconds serving the network meanwhile. */
void nido_net_sleep(unsigned long ms);

#endif
