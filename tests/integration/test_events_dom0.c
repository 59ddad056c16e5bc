/* test_events_dom0.c: event channels between a guest and dom0 through
 * `hospes-hv daemon`: a dom0 endpoint (kick/notify eventfds from
 * hvctl_bind_evtchn) bound to a port of the bench-evtchn guest, which
 * answers each event by sending back from its upcall handler. Checks the
 * ready event, many exact round trips, the guest's view of the port
 * (status interdomain with dom 0, checked by the guest to find it), and
 * that destroying the domain leaves dom0's fds silent. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_fixture.h"
#include "harness.h"
#include "hvctl.h"

static void start_daemon(void)
{
	harness_require_kvm();
	dfx_start("evdom0");
}

static void stop_daemon(void)
{
	dfx_stop();
}

TestSuite(events_dom0, .init = start_daemon, .fini = stop_daemon, .timeout = 120);

/* 1 if the non-blocking eventfd fd counts something within ms (consumed). */
static int notified(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, &v, 8) == 8 && v > 0;
}

Test(events_dom0, guest_answers_every_kick_exactly_once)
{
	struct hvctl_domain_config c = { .kernel = harness_path("guests/bench-evtchn.elf"),
					 .mem = 16ull << 20 };
	uint32_t dom, port;
	struct hvctl *h;
	int nfd, kfd, r;
	uint64_t one = 1;

	h = dfx_connect();
	cr_assert_eq(hvctl_create(h, &c, &dom), 0);
	r = hvctl_bind_evtchn(h, dom, 0, &port, &nfd, &kfd);
	cr_assert_eq(r, 0, "bind: %s", hvctl_strerror(r));
	cr_assert_gt(port, 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	cr_assert(notified(nfd, 10000), "no ready event from the guest");
	for (int i = 0; i < 200; i++) {
		cr_assert_eq(write(kfd, &one, 8), 8);
		cr_assert(notified(nfd, 10000), "round trip %d lost", i);
		cr_assert_eq(notified(nfd, 0), 0, "round trip %d answered twice", i);
	}
	cr_assert_eq(hvctl_destroy(h, dom), 0);
	cr_assert_eq(write(kfd, &one, 8), 8, "dom0's fds stay usable");
	cr_assert_eq(notified(nfd, 200), 0, "nothing answers after the domain is gone");
	close(nfd);
	close(kfd);
	hvctl_close(h);
}

Test(events_dom0, binding_a_port_not_unbound_for_dom0_fails)
{
	struct hvctl_domain_config c = { .kernel = harness_path("guests/bench-evtchn.elf"),
					 .mem = 16ull << 20 };
	uint32_t dom, port;
	struct hvctl *h;
	int nfd, kfd;

	h = dfx_connect();
	cr_assert_eq(hvctl_create(h, &c, &dom), 0);
	cr_assert_eq(hvctl_bind_evtchn(h, dom, 0, &port, &nfd, &kfd), 0);
	close(nfd);
	close(kfd);
	cr_assert_eq(hvctl_bind_evtchn(h, dom, port, &port, &nfd, &kfd), -EINVAL,
		     "already bound");
	cr_assert_eq(hvctl_bind_evtchn(h, dom, 4000, &port, &nfd, &kfd), -EINVAL, "never allocated");
	cr_assert_eq(hvctl_destroy(h, dom), 0);
	hvctl_close(h);
}
