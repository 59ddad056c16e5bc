/* test_balloon.c: reservation accounting (limits, partial completion, host
 * budget, hole coalescing) and the host memory really given back, without
 * KVM: the domain's RAM is a real memfd mapping. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv_balloon.h"

#define MEM (16ull << 20)
#define FRAMES (MEM / 4096)

static struct hv_domain dom;

static void setup(void)
{
	cr_assert_eq(hv_domain_init(&dom, 1, -1), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-balloon"), 0);
	cr_assert_eq(hv_mem_domain_init(&dom, 0), 0);
}

static void teardown(void)
{
	hv_domain_fini(&dom);
}

TestSuite(balloon, .init = setup, .fini = teardown);

static uint64_t release(const uint64_t *g, uint64_t n, unsigned order)
{
	return hv_balloon_release(&dom, g, n, order);
}

static uint64_t populate(const uint64_t *g, uint64_t n, unsigned order)
{
	return hv_balloon_populate(&dom, g, n, order);
}

static void fill(uint64_t *g, uint64_t first, uint64_t n, int64_t step)
{
	for (uint64_t i = 0; i < n; i++)
		g[i] = first + (uint64_t)((int64_t)i * step);
}

Test(balloon, init_counts_ram_and_checks_max)
{
	struct hv_domain d2;

	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES);
	cr_assert_eq(hv_mem_max_pages(&dom), FRAMES);
	cr_assert_eq(hv_mem_host_used(), FRAMES);
	cr_assert_eq(hv_mem_domain_init(&dom, 0), -EBUSY, "only once");
	cr_assert_eq(hv_domain_init(&d2, 2, -1), 0);
	cr_assert_eq(gmem_ram_create(&d2.mem, MEM, "test-balloon-2"), 0);
	cr_assert_eq(hv_mem_domain_init(&d2, MEM - 4096), -EINVAL, "max below RAM");
	cr_assert_eq(hv_mem_set_max(&d2, 100), -ENODEV, "not accounted yet");
	cr_assert_eq(hv_mem_domain_init(&d2, 2 * MEM), 0);
	cr_assert_eq(hv_mem_max_pages(&d2), 2 * FRAMES);
	cr_assert_eq(hv_mem_host_used(), 2 * FRAMES);
	hv_domain_fini(&d2);
	cr_assert_eq(hv_mem_host_used(), FRAMES, "fini uncharges");
	cr_assert_eq(hv_mem_set_max(&dom, 0), -EINVAL);
}

Test(balloon, release_and_populate_count_pages)
{
	uint64_t g[64];

	fill(g, 100, 64, 1);
	cr_assert_eq(release(g, 64, 0), 64);
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 64);
	cr_assert_eq(hv_mem_host_used(), FRAMES - 64);
	cr_assert_eq(hv_balloon_holes(&dom), 1, "one run coalesced");
	cr_assert(hv_balloon_is_absent(&dom.mem, 100) && hv_balloon_is_absent(&dom.mem, 163));
	cr_assert(!hv_balloon_is_absent(&dom.mem, 99) && !hv_balloon_is_absent(&dom.mem, 164));
	cr_assert_eq(populate(g, 64, 0), 64);
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES);
	cr_assert_eq(hv_balloon_holes(&dom), 0);
	cr_assert_eq(atomic_load(&dom.mem.nr_absent), 0);
}

Test(balloon, stops_at_first_bad_extent)
{
	uint64_t g[6] = { 10, 11, FRAMES, 12, 13, 14 };

	cr_assert_eq(release(g, 6, 0), 2, "frame past the RAM stops the call");
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 2);
	cr_assert(!hv_balloon_is_absent(&dom.mem, 12), "nothing after the failure");
	g[2] = 10; /* already given back */
	cr_assert_eq(release(g + 2, 4, 0), 0);
	uint64_t dup[3] = { 20, 21, 20 };
	cr_assert_eq(release(dup, 3, 0), 2, "a duplicate within one call fails");
	uint64_t present[2] = { 10, 30 };
	cr_assert_eq(populate(present, 2, 0), 1, "frame 30 was never given back");
	uint64_t huge = UINT64_MAX - 3;
	cr_assert_eq(release(&huge, 1, 0), 0, "no overflow");
	cr_assert_eq(release(g, 0, 0), 0);
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 3);
}

Test(balloon, order_9_and_bad_orders)
{
	uint64_t g[2] = { 512, 1024 + 512 };

	cr_assert_eq(release(g, 2, 9), 2);
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 1024);
	cr_assert_eq(hv_balloon_holes(&dom), 2);
	cr_assert_eq(release(g, 1, 10), 0, "order above 9");
	uint64_t tail = FRAMES - 256;
	cr_assert_eq(release(&tail, 1, 9), 0, "extent running past the RAM");
	cr_assert_eq(populate(g, 2, 9), 2);
	cr_assert_eq(hv_balloon_holes(&dom), 0);
	uint64_t four[1] = { 40 };
	cr_assert_eq(release(four, 1, 2), 1, "any order up to 9");
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 4);
}

Test(balloon, populate_stops_at_maximum)
{
	uint64_t g[100];

	fill(g, 200, 100, 1);
	cr_assert_eq(release(g, 100, 0), 100);
	cr_assert_eq(hv_mem_set_max(&dom, FRAMES - 60), 0);
	cr_assert_eq(populate(g, 100, 0), 40, "partial count at the maximum");
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 60);
	cr_assert_eq(populate(g + 40, 60, 0), 0, "flood beyond the maximum");
	cr_assert_eq(hv_mem_set_max(&dom, FRAMES - 200), 0, "below current is allowed");
	cr_assert_eq(populate(g + 40, 1, 0), 0);
	cr_assert_eq(hv_balloon_charge(&dom, 1, 0), 0);
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES - 60);
}

Test(balloon, charge_without_frames)
{
	uint64_t g[8];

	cr_assert_eq(hv_balloon_charge(&dom, 1, 0), 0, "already at the maximum");
	fill(g, 300, 8, 1);
	cr_assert_eq(release(g, 8, 0), 8);
	cr_assert_eq(hv_balloon_charge(&dom, 1000000, 0), 8, "up to the maximum");
	cr_assert_eq(hv_mem_current_pages(&dom), FRAMES);
	cr_assert_eq(populate(g, 8, 0), 0, "charged pages use up the maximum");
	cr_assert_eq(hv_balloon_charge(&dom, 1, 10), 0, "bad order");
	cr_assert_eq(hv_mem_set_max(&dom, FRAMES + 1024), 0);
	cr_assert_eq(hv_balloon_charge(&dom, 3, 9), 2, "whole extents only");
}

Test(balloon, host_budget)
{
	struct hv_domain d2;
	uint64_t g[16];

	hv_mem_set_host_budget(FRAMES + 10);
	cr_assert_eq(hv_mem_host_budget(), FRAMES + 10);
	cr_assert_eq(hv_domain_init(&d2, 2, -1), 0);
	cr_assert_eq(gmem_ram_create(&d2.mem, 2ull << 20, "test-balloon-2"), 0);
	cr_assert_eq(hv_mem_domain_init(&d2, 0), -ENOMEM, "RAM does not fit the budget");
	cr_assert_eq(hv_mem_host_used(), FRAMES);
	hv_domain_fini(&d2);
	cr_assert_eq(hv_mem_set_max(&dom, FRAMES + 100), 0);
	cr_assert_eq(hv_balloon_charge(&dom, 100, 0), 10, "the budget, not the maximum");
	fill(g, 400, 16, 1);
	cr_assert_eq(release(g, 16, 0), 16);
	cr_assert_eq(hv_mem_host_used(), FRAMES + 10 - 16);
	hv_mem_set_host_budget(FRAMES - 10);
	cr_assert_eq(populate(g, 16, 0), 0, "budget lowered below use");
	hv_mem_set_host_budget(0);
	cr_assert_eq(populate(g, 16, 0), 16, "unlimited");
}

Test(balloon, holes_coalesce_both_directions)
{
	uint64_t g[10];

	fill(g, 19, 10, -1); /* 19, 18, ..., 10: one descending run */
	cr_assert_eq(release(g, 10, 0), 10);
	cr_assert_eq(hv_balloon_holes(&dom), 1);
	g[0] = 30;
	cr_assert_eq(release(g, 1, 0), 1);
	cr_assert_eq(hv_balloon_holes(&dom), 2);
	fill(g, 20, 10, 1); /* fills the gap: the holes join */
	cr_assert_eq(release(g, 10, 0), 10);
	cr_assert_eq(hv_balloon_holes(&dom), 1);
	g[0] = 25; /* back in the middle: the hole splits */
	cr_assert_eq(populate(g, 1, 0), 1);
	cr_assert_eq(hv_balloon_holes(&dom), 2);
	g[0] = 10; /* at an edge: the hole shrinks */
	cr_assert_eq(populate(g, 1, 0), 1);
	cr_assert_eq(hv_balloon_holes(&dom), 2);
}

Test(balloon, memory_really_returned_and_zeroed)
{
	uint64_t g[1024], before, after;

	memset(dom.mem.base + (1ull << 20), 0xab, 4ull << 20);
	before = hv_mem_backed_bytes(&dom);
	cr_assert_geq(before, 4ull << 20);
	fill(g, 256, 512, 1);
	cr_assert_eq(release(g, 512, 0), 512);
	fill(g, 768, 1, 1);
	cr_assert_eq(release(g, 1, 9), 1, "2 MiB in one extent");
	after = hv_mem_backed_bytes(&dom);
	cr_assert_leq(after + (4ull << 20), before, "memfd shrank by 4 MiB (%lu -> %lu)",
		      (unsigned long)before, (unsigned long)after);
	cr_assert_null(gmem_gpa_ptr(&dom.mem, 256 * 4096, 1), "no host pointer to it");
	cr_assert_null(gmem_gpa_ptr(&dom.mem, 255 * 4096, 8192), "nor across it");
	cr_assert_not_null(gmem_gpa_ptr(&dom.mem, 255 * 4096, 4096));
	fill(g, 256, 512, 1);
	cr_assert_eq(populate(g, 512, 0), 512);
	g[0] = 768;
	cr_assert_eq(populate(g, 1, 9), 1);
	cr_assert_leq(hv_mem_backed_bytes(&dom), after + (64ull << 10),
		      "repopulating allocates nothing until touched");
	for (uint64_t off = 1ull << 20; off < (5ull << 20); off += 4096)
		cr_assert_eq(dom.mem.base[off], 0, "repopulated page at 0x%lx is zeroed",
			     (unsigned long)off);
}

/* A given-back frame is not mapped on the host: any access faults instead
 * of allocating memory again. The kernel reports that as EFAULT when it
 * reads the page for write() (a signal would be caught by sanitizers). */
Test(balloon, given_back_page_is_unmapped)
{
	uint64_t g = 50;
	uint8_t *page = dom.mem.base + 50 * 4096;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	page[0] = 1;
	cr_assert_eq(write(p[1], page, 1), 1, "mapped before");
	cr_assert_eq(release(&g, 1, 0), 1);
	errno = 0;
	cr_assert_eq(write(p[1], page, 1), -1);
	cr_assert_eq(errno, EFAULT, "not mapped after");
	cr_assert_eq(populate(&g, 1, 0), 1);
	cr_assert_eq(write(p[1], page, 1), 1, "mapped again");
	close(p[0]);
	close(p[1]);
}

Test(balloon, hole_limit)
{
	struct hv_domain big;
	uint64_t g[512], n = 0, done = 0;

	/* Every other frame: each one a hole of its own. */
	cr_assert_eq(hv_domain_init(&big, 2, -1), 0);
	cr_assert_eq(gmem_ram_create(&big.mem, 2 * HV_BALLOON_MAX_HOLES * 4096ull + (1 << 20),
				     "test-balloon-holes"), 0);
	cr_assert_eq(hv_mem_domain_init(&big, 0), 0);
	for (uint64_t f = 0; f < 2 * HV_BALLOON_MAX_HOLES + 64; f += 2) {
		g[n++] = f;
		if (n == 512) {
			for (uint64_t i = 0; i < n; i++)
				done += hv_balloon_release(&big, &g[i], 1, 0);
			n = 0;
		}
	}
	for (uint64_t i = 0; i < n; i++)
		done += hv_balloon_release(&big, &g[i], 1, 0);
	cr_assert_eq(done, HV_BALLOON_MAX_HOLES);
	cr_assert_eq(hv_balloon_holes(&big), HV_BALLOON_MAX_HOLES);
	g[0] = 1; /* joins two holes: always allowed */
	cr_assert_eq(hv_balloon_release(&big, g, 1, 0), 1);
	cr_assert_eq(hv_balloon_holes(&big), HV_BALLOON_MAX_HOLES - 1);
	hv_domain_fini(&big);
}
