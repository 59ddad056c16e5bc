/* net_cmd.c: nido's net-* shell commands over net.c and the IP stack of
 * net_ip.c. The output lines are an interface (nido's README.md): tests grep
 * them. */
#include "nido.h"
#include "nido_net.h"

#include <netfront.h>

#define NS_PER_MS 1000000ull
#define CONNECT_MS 10000u
#define PING_ID 0x4e44u
#define PING_PAYLOAD 56u

static const char *phase_name(int phase)
{
	return phase == NETFRONT_CONNECTED   ? "connected"
	       : phase == NETFRONT_PUBLISHED ? "connecting"
					     : "down";
}

static void mac_text(const uint8_t *m, char *out)
{
	pvabi_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		       m[5]);
}

/* Next space-separated word of *s as a number; -1 if there is none. */
static long word_num(char **s)
{
	char *p = *s;
	long v = 0;

	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9' && v < 100000000; p++)
		v = v * 10 + (*p - '0');
	*s = p;
	return (*p == ' ' || !*p) ? v : -1;
}

/* Cuts the first word of *s (NUL-terminated in place). */
static char *word(char **s)
{
	char *p = *s, *w;

	while (*p == ' ')
		p++;
	w = p;
	while (*p && *p != ' ')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return w;
}

static void cmd_up(char *arg)
{
	struct nido_ip *s = nido_net_ip();
	uint32_t addr, prefix;
	char mac[18], a[16];
	long r;

	if (nido_ip_parse(word(&arg), &addr, &prefix) || prefix == 0) {
		pvabi_printf("net: error bad address (A.B.C.D/P)\n");
		return;
	}
	if ((r = nido_net_connect(CONNECT_MS))) {
		pvabi_printf("net: error %s (%ld)\n",
			     r == -XEN_ETIMEDOUT ? "backend not connected" : "no device", r);
		return;
	}
	s->addr = addr;
	s->prefix = prefix;
	mac_text(s->mac, mac);
	nido_ip_format(addr, a);
	pvabi_printf("net: vif0 up mac %s ip %s/%u\n", mac, a, prefix);
}

static void cmd_info(void)
{
	struct netfront *nf = nido_net_dev();
	struct nido_ip *s = nido_net_ip();
	char mac[18], a[16];

	if (!nf) {
		pvabi_printf("net: error not up\n");
		return;
	}
	netfront_check(nf);
	mac_text(nf->mac, mac);
	nido_ip_format(s->addr, a);
	pvabi_printf("net: vif0 mac %s ip %s/%u state %s tx %lu rx %lu dropped %lu\n", mac, a,
		     s->prefix, phase_name(nf->phase), (unsigned long)nf->st.tx_packets,
		     (unsigned long)nf->st.rx_packets,
		     (unsigned long)(nf->st.rx_errors + nf->st.tx_errors + s->tx_dropped));
}

/* Our address must be set and dst on the link. NULL on error (printed). */
static struct nido_ip *ready_for(const char *dst_text, uint32_t *dst)
{
	struct nido_ip *s = nido_net_ip();

	if (!nido_net_dev() || !s->addr) {
		pvabi_printf("net: error not up\n");
		return NULL;
	}
	if (nido_ip_parse(dst_text, dst, NULL)) {
		pvabi_printf("net: error bad address %s\n", dst_text);
		return NULL;
	}
	if (!nido_ip_on_link(s, *dst)) {
		pvabi_printf("net: error no route to %s\n", dst_text);
		return NULL;
	}
	return s;
}

/* The MAC of dst: from the cache, or one ARP request answered within 1 s. */
static const uint8_t *resolve(struct nido_ip *s, uint32_t dst)
{
	const uint8_t *m = nido_ip_arp_lookup(s, dst);
	uint64_t deadline = pvabi_time_ns() + 1000 * NS_PER_MS;

	if (m)
		return m;
	nido_ip_send_arp_request(s, dst);
	netfront_push(nido_net_dev());
	while (!(m = nido_ip_arp_lookup(s, dst)) && pvabi_time_ns() < deadline) {
		s->arp_learned = 0;
		nido_net_serve_until(deadline, &s->arp_learned);
	}
	return m;
}

static void cmd_ping(char *arg)
{
	char *dst_text = word(&arg);
	long count = word_num(&arg);
	unsigned long replies = 0;
	struct nido_ip *s;
	uint32_t dst;

	if (count < 0) {
		pvabi_printf("net: error usage net-ping A.B.C.D COUNT\n");
		return;
	}
	if (!(s = ready_for(dst_text, &dst)))
		return;
	for (long i = 1; i <= count; i++) {
		const uint8_t *m = resolve(s, dst);

		if (!m)
			continue; /* no ARP answer within 1 s: this one is lost */
		s->ping_id = PING_ID;
		s->ping_seq = (uint16_t)i;
		s->ping_got = 0;
		if (nido_ip_send_ping(s, dst, m, PING_ID, (uint16_t)i, PING_PAYLOAD))
			continue;
		netfront_push(nido_net_dev());
		nido_net_serve_until(pvabi_time_ns() + 1000 * NS_PER_MS, &s->ping_got);
		replies += s->ping_got != 0;
		s->ping_seq = 0;
	}
	pvabi_printf("net-ping %s: %lu/%ld replies\n", dst_text, replies, count);
}

static void cmd_serve(char *arg)
{
	struct netfront *nf = nido_net_dev();
	long secs = word_num(&arg);
	uint64_t tx, rx;

	if (secs < 0 || !nf) {
		pvabi_printf(nf ? "net: error usage net-serve SECONDS\n" : "net: error not up\n");
		return;
	}
	tx = nf->st.tx_packets;
	rx = nf->st.rx_packets;
	nido_net_serve_until(pvabi_time_ns() + (uint64_t)secs * 1000 * NS_PER_MS, NULL);
	pvabi_printf("net-serve: done tx %lu rx %lu\n", (unsigned long)(nf->st.tx_packets - tx),
		     (unsigned long)(nf->st.rx_packets - rx));
}

/* As fast as the TX ring allows: when every transmit page is in flight,
 * publish, take the answers and, if none came, sleep on the port. Gives
 * up after 5 s without progress (backend gone). Reports once the backend
 * answered every datagram (errors: answers other than OKAY), so a
 * poweroff right after it loses none still on the ring. */
static void cmd_udp_send(char *arg)
{
	char *dst_text = word(&arg);
	long port = word_num(&arg), size = word_num(&arg), count = word_num(&arg), sent = 0;
	struct netfront *nf = nido_net_dev();
	uint64_t stall = 0, errors;
	const uint8_t *m;
	struct nido_ip *s;
	uint32_t dst;

	if (port < 1 || port > 65535 || size < 0 || size > (long)NIDO_UDP_MAX_PAYLOAD ||
	    count < 0) {
		pvabi_printf("net: error usage net-udp-send A.B.C.D PORT SIZE(<=1472) COUNT\n");
		return;
	}
	if (!(s = ready_for(dst_text, &dst)))
		return;
	if (!(m = resolve(s, dst))) {
		pvabi_printf("net: error no ARP reply from %s\n", dst_text);
		return;
	}
	errors = nf->st.tx_errors;
	while (sent < count) {
		if (nf->phase == NETFRONT_CONNECTED && nf->tx_nfree) {
			if (nido_ip_send_udp(s, dst, m, NIDO_UDP_ECHO_PORT, (uint16_t)port,
					     (uint32_t)size, (uint8_t)sent) == 0) {
				sent++;
				stall = 0;
				continue;
			}
		}
		netfront_push(nf);
		nido_net_service();
		if (nf->tx_nfree && nf->phase == NETFRONT_CONNECTED)
			continue;
		if (!stall)
			stall = pvabi_time_ns() + 5000 * NS_PER_MS;
		else if (pvabi_time_ns() >= stall)
			break;
		nido_net_wait_tx(stall);
	}
	netfront_push(nf);
	stall = pvabi_time_ns() + 5000 * NS_PER_MS;
	while (netfront_tx_in_flight(nf) && nf->phase == NETFRONT_CONNECTED &&
	       pvabi_time_ns() < stall)
		nido_net_wait_tx(stall);
	pvabi_printf("net-udp-send: sent %ld errors %lu\n", sent,
		     (unsigned long)(nf->st.tx_errors - errors));
}

int nido_net_command(const char *cmd, char *arg)
{
	if (strncmp(cmd, "net-", 4))
		return 0;
	if (!strcmp(cmd, "net-up"))
		cmd_up(arg);
	else if (!strcmp(cmd, "net-info"))
		cmd_info();
	else if (!strcmp(cmd, "net-ping"))
		cmd_ping(arg);
	else if (!strcmp(cmd, "net-serve"))
		cmd_serve(arg);
	else if (!strcmp(cmd, "net-udp-send"))
		cmd_udp_send(arg);
	else
		return 0;
	return 1;
}
