/* bench-grant: grant-table costs against a null hypercall, all timed with
 * rdtsc in one guest. Prints
 *   grant_null_ns_x1000 <ns per null hypercall * 1000>
 *   grant_map_unmap_ns_x1000 <ns per map + unmap pair * 1000>
 *   grant_copy4k_ns_x1000 <ns per 4 KiB GNTTABOP_copy * 1000>
 *   n <n> tsc_khz <kHz>
 * The map/unmap pair maps the domain's own grant (one entry per call); the
 * copy moves a whole page from a granted frame into one of its own. n from
 * "n=<count>" (default 2000), "me=<domid>" (default 1). */
#include <pvabi.h>

#define PAGE __attribute__((aligned(4096)))
#define GFN(p) ((uint64_t)(uintptr_t)(p) >> 12)

static uint8_t table[4096] PAGE, src[4096] PAGE, dst[4096] PAGE, target[4096] PAGE;

static uint64_t ns_x1000(uint64_t cycles, uint32_t khz, unsigned long n)
{
	return khz ? cycles * 1000000ull / khz * 1000ull / n : 0;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long arg = pvabi_cmdline_num(boot->cmdline, "n", 0);
	unsigned long n = arg > 0 ? (unsigned long)arg : 2000;
	domid_t me = (domid_t)pvabi_cmdline_num(boot->cmdline, "me", 1);
	uint32_t khz = pvabi_cpuid(boot->cpuid_base + XEN_CPUID_LEAF_TIME, 0).ecx;
	struct gnttab_map_grant_ref m = { (uintptr_t)target, GNTMAP_host_map, 8, me, 0, 0, 0 };
	struct gnttab_unmap_grant_ref u = { (uintptr_t)target, 0, 0, 0, 0 };
	struct gnttab_copy c = { .len = 4096, .flags = GNTCOPY_source_gref };
	uint64_t t0, t_null, t_map, t_copy;

	if (pvabi_gnttab_init(GFN(table), 1) || pvabi_gnttab_grant_access(8, me, GFN(src), 0))
		pvabi_panic("bench-grant: no grant table");
	c.source.u.ref = 8;
	c.source.domid = me;
	c.dest.u.gmfn = GFN(dst);
	c.dest.domid = DOMID_SELF;

	t0 = pvabi_rdtsc();
	for (unsigned long i = 0; i < n; i++)
		pvabi_hypercall2(HYPERCALL_xen_version, 0, 0);
	t_null = pvabi_rdtsc() - t0;
	t0 = pvabi_rdtsc();
	for (unsigned long i = 0; i < n; i++) {
		pvabi_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
		u.handle = m.handle;
		pvabi_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
	}
	t_map = pvabi_rdtsc() - t0;
	if (m.status || u.status)
		pvabi_panic("bench-grant: map %d unmap %d", m.status, u.status);
	t0 = pvabi_rdtsc();
	for (unsigned long i = 0; i < n; i++)
		pvabi_gnttab_copy(&c, 1);
	t_copy = pvabi_rdtsc() - t0;
	if (c.status)
		pvabi_panic("bench-grant: copy %d", c.status);
	pvabi_printf("grant_null_ns_x1000 %lu\n", (unsigned long)ns_x1000(t_null, khz, n));
	pvabi_printf("grant_map_unmap_ns_x1000 %lu\n", (unsigned long)ns_x1000(t_map, khz, n));
	pvabi_printf("grant_copy4k_ns_x1000 %lu\n", (unsigned long)ns_x1000(t_copy, khz, n));
	pvabi_printf("n %lu tsc_khz %u\n", n, khz);
}
