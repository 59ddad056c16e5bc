/* test_bootinfo.c: hvm_start_info, memory map, command line and modules as
 * the guest finds them, and the refusals (long command line, no room). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <pvabi/hvm_start_info.h>

#include "bootinfo.h"

static struct hv_mem mem;
static char err[512];
static struct bootinfo_result res;

static void *at(uint64_t gpa, uint64_t len)
{
	void *p = gmem_gpa_ptr(&mem, gpa, len);
	cr_assert(p, "0x%llx not in RAM", (unsigned long long)gpa);
	return p;
}

static const struct hvm_start_info *build_ok(uint64_t size, const struct bootinfo_req *req)
{
	cr_assert_eq(gmem_ram_create(&mem, size, "test-bootinfo"), 0);
	cr_assert_eq(bootinfo_build(&mem, req, &res, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(res.start_info % 4096, 0);
	return at(res.start_info, sizeof(struct hvm_start_info));
}

static void fini(void)
{
	gmem_ram_destroy(&mem);
}

TestSuite(bootinfo, .fini = fini);

Test(bootinfo, fields_and_memmap_64m)
{
	struct bootinfo_req req = { .cmdline = "console=hvc0 x=1", .kernel_lo = 0x100000,
				    .kernel_hi = 0x200000 };
	const struct hvm_start_info *si = build_ok(64ull << 20, &req);

	cr_assert_eq(si->magic, XEN_HVM_START_MAGIC_VALUE);
	cr_assert_eq(si->version, 1);
	cr_assert_eq(si->flags, 0);
	cr_assert_eq(si->rsdp_paddr, 0);
	cr_assert_eq(si->nr_modules, 0);
	cr_assert_eq(si->modlist_paddr, 0);
	cr_assert_eq(res.start_info, (64ull << 20) - 4096, "top page of RAM");
	cr_assert_eq(si->memmap_entries, 1);
	const struct hvm_memmap_table_entry *e = at(si->memmap_paddr, sizeof(*e));
	cr_assert_eq(e->addr, 0);
	cr_assert_eq(e->size, 64ull << 20);
	cr_assert_eq(e->type, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_str_eq((const char *)at(si->cmdline_paddr, 17), "console=hvc0 x=1");
}

Test(bootinfo, memmap_5g_has_two_ranges)
{
	struct bootinfo_req req = { .kernel_lo = 0x100000, .kernel_hi = 0x200000 };
	const struct hvm_start_info *si = build_ok(5ull << 30, &req);

	cr_assert_eq(res.start_info, (3ull << 30) - 4096, "top of the first range");
	cr_assert_eq(si->memmap_entries, 2);
	const struct hvm_memmap_table_entry *e = at(si->memmap_paddr, 2 * sizeof(*e));
	cr_assert_eq(e[0].addr, 0);
	cr_assert_eq(e[0].size, 3ull << 30);
	cr_assert_eq(e[1].addr, 4ull << 30);
	cr_assert_eq(e[1].size, 2ull << 30);
	cr_assert_eq(e[1].type, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_str_eq((const char *)at(si->cmdline_paddr, 1), "", "no --cmdline: empty string");
}

/* The xenstore page: the last frame of the first range, zeroed, a reserved
 * entry between the two RAM entries; the boot data moves below it. */
Test(bootinfo, store_page_is_reserved_at_the_top_of_the_first_range)
{
	struct bootinfo_req req = { .kernel_lo = 0x100000, .kernel_hi = 0x200000,
				    .store_page = true };
	uint64_t page = (3ull << 30) - 4096;

	cr_assert_eq(gmem_ram_create(&mem, 5ull << 30, "test-bootinfo"), 0);
	memset(at(page, 4096), 0xa5, 4096);
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(res.store_gpa, page);
	cr_assert_eq(bootinfo_store_gpa(&mem), page);
	cr_assert_eq(res.start_info, page - 4096, "boot data below the page");
	const struct hvm_start_info *si = at(res.start_info, sizeof(*si));
	cr_assert_eq(si->memmap_entries, 3);
	const struct hvm_memmap_table_entry *e = at(si->memmap_paddr, 3 * sizeof(*e));
	cr_assert_eq(e[0].addr, 0);
	cr_assert_eq(e[0].size, page);
	cr_assert_eq(e[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(e[1].addr, page);
	cr_assert_eq(e[1].size, 4096);
	cr_assert_eq(e[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	cr_assert_eq(e[2].addr, 4ull << 30);
	cr_assert_eq(e[2].size, 2ull << 30);
	cr_assert_eq(e[2].type, XEN_HVM_MEMMAP_TYPE_RAM);
	const uint8_t *z = at(page, 4096);
	for (unsigned i = 0; i < 4096; i++)
		cr_assert_eq(z[i], 0, "byte %u of the page not zeroed", i);
}

Test(bootinfo, command_line_limit)
{
	static char line[4097];
	struct bootinfo_req req = { .cmdline = line, .kernel_hi = 0x200000 };

	memset(line, 'x', 4095);
	const struct hvm_start_info *si = build_ok(16ull << 20, &req);
	cr_assert_eq(strlen((const char *)at(si->cmdline_paddr, 4096)), 4095);
	line[4095] = 'y';
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), -E2BIG);
	cr_assert(strstr(err, "command line too long (4096 bytes, at most 4095)"), "%s", err);
}

Test(bootinfo, modules_placed_high_aligned_and_listed)
{
	static uint8_t a[10000], b[5000];
	memset(a, 0x5a, sizeof(a));
	memset(b, 0xa5, sizeof(b));
	struct bootinfo_module mods[] = { { "a", a, sizeof(a) }, { "b", b, sizeof(b) } };
	struct bootinfo_req req = { .cmdline = "m", .nr_modules = 2, .modules = mods,
				    .kernel_lo = 0x100000, .kernel_hi = 0x180000 };
	const struct hvm_start_info *si = build_ok(32ull << 20, &req);
	uint64_t end = 32ull << 20;

	cr_assert_eq(res.module_gpa[0], end - 3 * 4096, "module 0 is highest");
	cr_assert_eq(res.module_gpa[1], end - 5 * 4096);
	cr_assert_eq(res.start_info, end - 6 * 4096, "info below the modules");
	cr_assert_arr_eq(at(res.module_gpa[0], sizeof(a)), a, sizeof(a));
	cr_assert_arr_eq(at(res.module_gpa[1], sizeof(b)), b, sizeof(b));
	cr_assert_eq(si->nr_modules, 2);
	const struct hvm_modlist_entry *m = at(si->modlist_paddr, 2 * sizeof(*m));
	cr_assert_eq(m[0].paddr, res.module_gpa[0]);
	cr_assert_eq(m[0].size, sizeof(a));
	cr_assert_eq(m[0].cmdline_paddr, 0);
	cr_assert_eq(m[1].paddr, res.module_gpa[1]);
	cr_assert_eq(m[1].size, sizeof(b));
	/* The info region (start_info .. command line) stays below module 1. */
	cr_assert_lt(si->cmdline_paddr + 2, res.module_gpa[1]);
	cr_assert_geq(res.start_info, req.kernel_hi);
}

Test(bootinfo, not_enough_memory_above_the_kernel)
{
	static uint8_t a[8192];
	struct bootinfo_module mods[] = { { "a", a, sizeof(a) } };
	struct bootinfo_req req = { .nr_modules = 1, .modules = mods, .kernel_lo = 0x100000,
				    .kernel_hi = (16ull << 20) - 8192 };

	cr_assert_eq(gmem_ram_create(&mem, 16ull << 20, "test-bootinfo"), 0);
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), -ENOMEM);
	cr_assert(strstr(err, "not enough memory"), "%s", err);
	req.nr_modules = 0; /* one page for the info fits... */
	req.kernel_hi = (16ull << 20) - 4096;
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), 0, "%s", err);
	req.kernel_hi = (16ull << 20) - 4095; /* ...but not one byte less */
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), -ENOMEM);
}

Test(bootinfo, too_many_modules)
{
	static struct bootinfo_module mods[17];
	struct bootinfo_req req = { .nr_modules = 17, .modules = mods, .kernel_hi = 0x200000 };

	cr_assert_eq(gmem_ram_create(&mem, 16ull << 20, "test-bootinfo"), 0);
	cr_assert_eq(bootinfo_build(&mem, &req, &res, err, sizeof(err)), -E2BIG);
	cr_assert(strstr(err, "too many modules (17, at most 16)"), "%s", err);
}
