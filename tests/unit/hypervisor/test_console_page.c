/* test_console_page.c: the console ring page (SPEC.md §1.4, §16): placed
 * right below the xenstore page (or at the top without it), zeroed, one
 * reserved memory-map entry for both special pages, and never counted as
 * a frame the guest may give back. */
#include <criterion/criterion.h>
#include <string.h>

#include <pvabi/hvm_start_info.h>

#include "bootinfo.h"
#include "evtchn.h"
#include "hv_console_ring.h"

static struct hv_mem mem;
static char err[512];
static struct bootinfo_result res;

static void *at(uint64_t gpa, uint64_t len)
{
	void *p = gmem_gpa_ptr(&mem, gpa, len);

	cr_assert(p, "0x%llx not in RAM", (unsigned long long)gpa);
	return p;
}

static void fini(void)
{
	gmem_ram_destroy(&mem);
}

TestSuite(console_page, .fini = fini);

static const struct hvm_memmap_table_entry *build(uint64_t size, bool store, unsigned *n)
{
	struct bootinfo_req req = { .kernel_lo = 0x100000, .kernel_hi = 0x200000,
				    .store_page = store, .console_page = true };
	const struct hvm_start_info *si;

	cr_assert_eq(gmem_ram_create(&mem, size, "test-console-page"), 0);
	memset(at(size - 8192, 8192), 0xa5, 8192);
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), 0, "%s", err);
	si = at(res.start_info, sizeof(*si));
	*n = si->memmap_entries;
	return at(si->memmap_paddr, *n * sizeof(struct hvm_memmap_table_entry));
}

Test(console_page, below_the_store_page_in_one_reserved_entry)
{
	uint64_t top = 64ull << 20;
	unsigned n;
	const struct hvm_memmap_table_entry *e = build(top, true, &n);
	const uint8_t *z;

	cr_assert_eq(res.store_gpa, top - 4096);
	cr_assert_eq(res.console_gpa, top - 8192, "console right below the store page");
	cr_assert_eq(res.start_info, top - 12288, "boot data below both");
	cr_assert_eq(n, 2);
	cr_assert_eq(e[0].addr, 0);
	cr_assert_eq(e[0].size, top - 8192);
	cr_assert_eq(e[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(e[1].addr, top - 8192);
	cr_assert_eq(e[1].size, 8192);
	cr_assert_eq(e[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	z = at(res.console_gpa, 4096);
	for (unsigned i = 0; i < 4096; i++)
		cr_assert_eq(z[i], 0, "byte %u of the console page not zeroed", i);
}

Test(console_page, alone_it_takes_the_last_frame)
{
	uint64_t top = 64ull << 20;
	unsigned n;
	const struct hvm_memmap_table_entry *e = build(top, false, &n);

	cr_assert_eq(res.store_gpa, 0);
	cr_assert_eq(res.console_gpa, top - 4096);
	cr_assert_eq(n, 2);
	cr_assert_eq(e[0].size, top - 4096);
	cr_assert_eq(e[1].addr, top - 4096);
	cr_assert_eq(e[1].size, 4096);
	cr_assert_eq(e[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
}

Test(console_page, above_3g_the_entry_ends_the_first_range)
{
	unsigned n;
	const struct hvm_memmap_table_entry *e = build(5ull << 30, true, &n);

	cr_assert_eq(res.console_gpa, (3ull << 30) - 8192);
	cr_assert_eq(n, 3);
	cr_assert_eq(e[1].addr, (3ull << 30) - 8192);
	cr_assert_eq(e[1].size, 8192);
	cr_assert_eq(e[2].addr, 4ull << 30);
	cr_assert_eq(e[2].type, XEN_HVM_MEMMAP_TYPE_RAM);
}

Test(console_page, the_balloon_never_takes_it)
{
	struct hv_domain d;

	memset(&d, 0, sizeof(d));
	d.console_gpfn = 0x3ffe;
	cr_assert_eq(hv_reserved_top_pages(&d), 1);
	cr_assert(evtchn_frames_in_use(&d, 0x3ffe, 0x3fff));
	cr_assert(evtchn_frames_in_use(&d, 0x3000, 0x4000));
	cr_assert_not(evtchn_frames_in_use(&d, 0x3fff, 0x4000));
	d.store_gpfn = 0x3fff;
	cr_assert_eq(hv_reserved_top_pages(&d), 2);
}
