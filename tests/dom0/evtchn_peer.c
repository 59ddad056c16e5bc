/* evtchn_peer.c: a dom0 test program: binds a guest's event channel port to
 * a dom0 endpoint through libhvctl and exchanges events with the guest.
 *   evtchn_peer --socket PATH --domid D [--port P] [--rounds N]
 *               [--guest-first] [--timeout-ms T]
 * Port 0 (the default) asks hospes-hv to allocate an unbound port for dom0
 * and prints "PEER PORT <p>" so the guest can be told. Each round: kick the
 * guest (its port becomes pending), then wait for the guest's send on the
 * port (notify eventfd); --guest-first waits before kicking. Prints
 * "PEER ROUND <i>" per round and "PEER DONE <n>". Exit: 0 all rounds done,
 * 1 failure or timeout, 2 usage. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvctl.h"

struct opts {
	const char *socket;
	uint32_t domid, port, rounds, timeout_ms;
	int guest_first;
};

static int parse(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){ .rounds = 1, .timeout_ms = 30000 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t *num = !strcmp(a, "--domid")	 ? &o->domid
				: !strcmp(a, "--port")	 ? &o->port
				: !strcmp(a, "--rounds") ? &o->rounds
				: !strcmp(a, "--timeout-ms") ? &o->timeout_ms
							     : NULL;

		if (!strcmp(a, "--guest-first")) {
			o->guest_first = 1;
		} else if (!strcmp(a, "--socket") && v) {
			o->socket = v;
			i++;
		} else if (num && v) {
			char *end;
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !*v || n > UINT32_MAX)
				return -1;
			*num = (uint32_t)n;
			i++;
		} else {
			return -1;
		}
	}
	return o->domid ? 0 : -1;
}

/* Waits for the guest's next send; 0, or -ETIMEDOUT / -errno. */
static int wait_notify(int fd, uint32_t timeout_ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t n;
	int r = poll(&p, 1, (int)timeout_ms);

	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0 || read(fd, &n, sizeof(n)) != sizeof(n))
		return -errno;
	return 0;
}

static int kick(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

int main(int argc, char **argv)
{
	struct hvctl *h;
	struct opts o;
	uint32_t port;
	int nfd, kfd, r;

	if (parse(&o, argc, argv)) {
		fprintf(stderr, "usage: evtchn_peer --socket PATH --domid D [--port P] [--rounds N]"
				" [--guest-first] [--timeout-ms T]\n");
		return 2;
	}
	if ((r = hvctl_connect(o.socket, &h)) ||
	    (r = hvctl_bind_evtchn(h, o.domid, o.port, &port, &nfd, &kfd))) {
		fprintf(stderr, "evtchn_peer: bind: %s\n", hvctl_strerror(r));
		return 1;
	}
	printf("PEER PORT %u\n", port);
	fflush(stdout);
	for (uint32_t i = 0; i < o.rounds; i++) {
		if ((o.guest_first && (r = wait_notify(nfd, o.timeout_ms))) || (r = kick(kfd)) ||
		    (!o.guest_first && (r = wait_notify(nfd, o.timeout_ms)))) {
			fprintf(stderr, "evtchn_peer: round %u: %s\n", i, strerror(-r));
			return 1;
		}
		printf("PEER ROUND %u\n", i);
		fflush(stdout);
	}
	printf("PEER DONE %u\n", o.rounds);
	close(nfd);
	close(kfd);
	hvctl_close(h);
	return 0;
}
