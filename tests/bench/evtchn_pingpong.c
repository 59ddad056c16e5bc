/* evtchn_pingpong.c: `evtchn_pingpong SOCKET GUEST N`: dom0 side of the
 * guest<->dom0 event round trip through a running `hospes-hv daemon`:
 * creates a domain running GUEST (bench-evtchn), binds a dom0 endpoint to
 * a fresh guest port, starts it, waits for its "ready" event, then times N
 * round trips (write kick_fd -> guest handler sends back -> read
 * notify_fd) and destroys the domain. Prints
 *   evtchn_pingpong_rt_ns <median ns> n <N> */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvctl.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Blocking read of the (non-blocking) notify eventfd, 10 s at most. */
static int wait_notify(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	for (;;) {
		if (read(fd, &v, 8) == 8)
			return 0;
		if (errno != EAGAIN || poll(&p, 1, 10000) != 1)
			return -1;
	}
}

static int run(struct hvctl *h, uint32_t dom, int nfd, int kfd, unsigned long n)
{
	uint64_t *t = calloc(n, sizeof(*t)), one = 1;

	if (!t || wait_notify(nfd)) {
		fprintf(stderr, "evtchn_pingpong: the guest never became ready\n");
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		if (write(kfd, &one, 8) != 8 || wait_notify(nfd)) {
			fprintf(stderr, "evtchn_pingpong: round trip %lu lost\n", i);
			return 1;
		}
		t[i] = now_ns() - t0;
	}
	qsort(t, n, sizeof(t[0]), cmp);
	printf("evtchn_pingpong_rt_ns %llu n %lu\n", (unsigned long long)t[n / 2], n);
	free(t);
	(void)h;
	(void)dom;
	return 0;
}

int main(int argc, char **argv)
{
	struct hvctl_domain_config cfg = { .mem = 16ull << 20 };
	unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000;
	uint32_t dom, port;
	struct hvctl *h;
	int r, nfd, kfd, status;

	if (argc < 3 || n == 0) {
		fprintf(stderr, "usage: evtchn_pingpong SOCKET GUEST [N]\n");
		return 2;
	}
	cfg.kernel = argv[2];
	if ((r = hvctl_connect(argv[1], &h)) || (r = hvctl_create(h, &cfg, &dom))) {
		fprintf(stderr, "evtchn_pingpong: %s\n", hvctl_strerror(r));
		return 1;
	}
	if ((r = hvctl_bind_evtchn(h, dom, 0, &port, &nfd, &kfd)) || (r = hvctl_start(h, dom))) {
		fprintf(stderr, "evtchn_pingpong: %s\n", hvctl_strerror(r));
		hvctl_destroy(h, dom);
		return 1;
	}
	status = run(h, dom, nfd, kfd, n);
	hvctl_destroy(h, dom);
	hvctl_close(h);
	return status;
}
