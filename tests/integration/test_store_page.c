/* test_store_page.c: the xenstore ring page and port (SPEC.md §1.4, §8.5,
 * §13). The conformance-store guest checks its own view with and without
 * the xenstore flag (these tables are the authority); through the daemon,
 * dom0 finds the page and port in the info reply, maps the page through
 * get-memfd, binds the port and sees the guest's write and notification. */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pvabi/xs_wire.h>

#include "daemon_fixture.h"
#include "harness.h"

#define STORE_MARKER "hospes-store-ring"
/* --mem 64M: one RAM range [0, 64M); the page is its last frame. */
#define STORE_PFN_64M 0x3fffull

static const struct harness_check with_flag[] = {
	{ "store.get_pfn", "0" },
	{ "store.get_evtchn", "0" },
	{ "store.pfn", "0x3fff" },
	{ "store.port_nonzero", "1" },
	{ "store.map_entry", "1" },   /* right after the first RAM entry */
	{ "store.map_type", "2" },    /* XEN_HVM_MEMMAP_TYPE_RESERVED */
	{ "store.map_size", "0x1000" },
	{ "store.after_first_ram", "1" },
	{ "store.map_reserved_entries", "1" },
	{ "store.page_below_start_info", "1" }, /* the page is the highest */
	{ "store.e820", "0" },
	{ "store.e820_entries", "2" },
	{ "store.e820_reserved", "1" }, /* XENMEM_memory_map agrees */
	{ "store.page_zero", "1" },
	{ "store.connection", "0" },
	{ "store.server_features", "0" },
	{ "store.status", "0" },
	{ "store.status_state", "1" },  /* EVTCHNSTAT_unbound */
	{ "store.status_remote", "0" }, /* for dom 0 */
	{ "store.balloon_keeps_page", "0" }, /* no extent given back */
	{ "store.notify", "0" },
};

static const struct harness_check without_flag[] = {
	{ "store.get_pfn", "0" },
	{ "store.get_evtchn", "0" },
	{ "store.pfn", "0x0" },
	{ "store.port_nonzero", "0" },
	{ "store.map_reserved_entries", "0" },
	{ "store.port", "0" },
};

Test(store_page, guest_sees_the_ring_page_and_port_with_the_flag, .timeout = 60)
{
	const char *argv[] = { "run", harness_path("guests/conformance-store.elf"), "--mem", "64M",
			       "--xenstore", NULL };
	struct hv_run r;

	harness_require_kvm();
	r = harness_run(30, argv);
	cr_assert_eq(r.status, 0, "exit %d\n%s", r.status, r.err);
	harness_assert_checks(r.out, with_flag, sizeof(with_flag) / sizeof(with_flag[0]));
	harness_free(&r);
}

Test(store_page, nothing_changes_without_the_flag, .timeout = 60)
{
	struct hv_run r;

	harness_require_kvm();
	r = harness_boot("conformance-store", "64M", NULL);
	cr_assert_eq(r.status, 0, "exit %d\n%s", r.status, r.err);
	harness_assert_checks(r.out, without_flag, sizeof(without_flag) / sizeof(without_flag[0]));
	harness_free(&r);
}

/* 1 if the eventfd fd counts something within ms (consumed). */
static int notified(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, &v, 8) == 8 && v > 0;
}

static void start(void)
{
	harness_require_kvm();
	dfx_start("store");
}

static void stop(void)
{
	dfx_stop();
}

TestSuite(store_daemon, .init = start, .fini = stop, .timeout = 120);

Test(store_daemon, dom0_maps_the_ring_and_binds_the_port)
{
	struct hvctl_domain_config c = { .kernel = harness_path("guests/conformance-store.elf"),
					 .mem = 64ull << 20, .xenstore = true };
	struct hvctl_dominfo i;
	struct hvctl_memory m;
	struct hvctl *h = dfx_connect();
	uint32_t dom, port;
	int mfd, nfd, kfd;
	const struct xenstore_domain_interface *x;
	uint8_t *ram;

	cr_assert_eq(hvctl_create(h, &c, &dom), 0);
	cr_assert_eq(hvctl_info(h, dom, &i), 0);
	cr_assert_eq(i.store_pfn, STORE_PFN_64M);
	cr_assert_gt(i.store_port, 0);
	cr_assert_eq(hvctl_get_memfd(h, dom, &m, &mfd), 0);
	cr_assert_eq(m.nr_ranges, 1);
	cr_assert_eq(m.ranges[0].gpa, 0);
	ram = mmap(NULL, m.size, PROT_READ, MAP_SHARED, mfd, 0);
	cr_assert_neq(ram, MAP_FAILED);
	x = (const void *)(ram + m.ranges[0].fd_offset + i.store_pfn * 4096);
	cr_assert_eq(x->connection, 0);
	cr_assert_eq(x->req[0], 0, "the ring starts zeroed");
	cr_assert_eq(hvctl_bind_evtchn(h, dom, i.store_port, &port, &nfd, &kfd), 0);
	cr_assert_eq(port, i.store_port);
	cr_assert_eq(hvctl_start(h, dom), 0);
	cr_assert(notified(nfd, 20000), "no notification on the xenstore port");
	cr_assert_str_eq(x->req, STORE_MARKER, "dom0 does not see the guest's write");
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	cr_assert(dfx_console_wait(dom, "CONFORMANCE DONE 21", 5000));
	munmap(ram, m.size);
	close(mfd);
	close(nfd);
	close(kfd);
	cr_assert_eq(hvctl_destroy(h, dom), 0);
	hvctl_close(h);
}

Test(store_daemon, info_reports_no_page_without_the_flag)
{
	struct hvctl_domain_config c = { .kernel = harness_path("guests/conformance-store.elf"),
					 .mem = 64ull << 20 };
	struct hvctl_dominfo i;
	struct hvctl *h = dfx_connect();
	uint32_t dom;

	cr_assert_eq(hvctl_create(h, &c, &dom), 0);
	cr_assert_eq(hvctl_info(h, dom, &i), 0);
	cr_assert_eq(i.store_pfn, 0);
	cr_assert_eq(i.store_port, 0);
	cr_assert_eq(hvctl_destroy(h, dom), 0);
	hvctl_close(h);
}
