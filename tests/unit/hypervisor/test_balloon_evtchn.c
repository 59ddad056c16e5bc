/* test_balloon_evtchn.c: the balloon keeps the frames hospes-hv writes
 * event state into (a registered vcpu_info, the shared_info overlay): a
 * guest that gave one back would have the next event written into a hole
 * (a crash of the whole process before this was checked). Frames next to
 * them are still given back. */
#include <criterion/criterion.h>
#include <errno.h>

#include "evtchn.h"
#include "hv_balloon.h"

#define MEM (16ull << 20)

static struct hv_domain dom;

static void setup(void)
{
	cr_assert_eq(hv_domain_init(&dom, 1, -1), 0);
	cr_assert_eq(gmem_ram_create(&dom.mem, MEM, "test-balloon-evtchn"), 0);
	cr_assert_eq(hv_mem_domain_init(&dom, 0), 0);
}

static void teardown(void)
{
	hv_domain_fini(&dom);
}

TestSuite(balloon_evtchn, .init = setup, .fini = teardown);

Test(balloon_evtchn, registered_vcpu_info_frame_is_kept)
{
	uint64_t g[3] = { 0x300, 0x301, 0x302 }, g2 = 0x200;
	struct vcpu_info *vi;

	cr_assert_eq(evtchn_register_vcpu_info(&dom, 0, 0x301, 64), 0);
	cr_assert_eq(hv_balloon_release(&dom, &g2, 1, 9), 0, "nor a 2 MiB extent holding it");
	g2 = 0x400;
	cr_assert_eq(hv_balloon_release(&dom, &g2, 1, 9), 1, "another 2 MiB extent goes");
	cr_assert_eq(hv_balloon_release(&dom, g, 3, 0), 1, "stops at the vcpu_info frame");
	cr_assert_eq(hv_balloon_release(&dom, &g[2], 1, 0), 1, "the frame after it goes");
	/* Still writable: an event for vCPU 0 lands in it. */
	vi = evtchn_vcpu_info(&dom, 0);
	cr_assert_eq((uint8_t *)vi, dom.mem.base + 0x301000 + 64);
	evtchn_vcpu_mark_pending(&dom, 0);
	cr_assert_eq(vi->evtchn_upcall_pending, 1);
}

Test(balloon_evtchn, register_on_a_given_back_frame_fails)
{
	uint64_t g = 0x310;

	cr_assert_eq(hv_balloon_release(&dom, &g, 1, 0), 1);
	cr_assert_eq(evtchn_register_vcpu_info(&dom, 0, 0x310, 0), -EINVAL);
	cr_assert_eq(hv_balloon_populate(&dom, &g, 1, 0), 1);
	cr_assert_eq(evtchn_register_vcpu_info(&dom, 0, 0x310, 0), 0);
}

Test(balloon_evtchn, shared_info_frame_is_kept_until_moved)
{
	uint64_t g = 0x320;

	cr_assert_eq(evtchn_shinfo_map(&dom, 0x320), 0);
	cr_assert_eq(hv_balloon_release(&dom, &g, 1, 0), 0);
	cr_assert_eq(evtchn_shinfo_map(&dom, 0x321), 0);
	cr_assert_eq(hv_balloon_release(&dom, &g, 1, 0), 1, "RAM again once shared_info moved");
}
