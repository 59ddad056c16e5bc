/* balloon: gives 32 MiB back to the hypervisor (16 MiB as 4 KiB frames,
 * 16 MiB as 2 MiB extents), repopulates it, and with "mode=hostile"
 * misbehaves: floods reservation calls, asks for more than its maximum
 * and finally touches a given-back page. Run with --mem 64M --mem-stats;
 * the host test reads the mem-stats lines hospes-hv logs. */
#include <pvabi.h>

#define REGION_GFN 0x1000ul /* 16 MiB */
#define SMALL_FRAMES 4096ul /* [16, 32) MiB as 4 KiB frames */
#define BIG_GFN 0x2000ul    /* [32, 48) MiB as 2 MiB extents */
#define BIG_EXTENTS 8ul
#define BATCH 512ul

static uint64_t list[BATCH];

/* One write per page, so that every frame of the region is host memory. */
static void touch_region(void)
{
	for (uint64_t f = 0; f < 2 * SMALL_FRAMES; f++)
		*(volatile uint64_t *)((REGION_GFN + f) << 12) = f + 1;
}

static void report(const char *name, long value)
{
	pvabi_printf("CHECK %s %ld\n", name, value);
}

/* All 8192 frames, order 0 in batches then order 9 in one call. Returns
 * the number of pages done. */
static long whole_region(int populate)
{
	long (*op)(const uint64_t *, unsigned long, unsigned) =
		populate ? pvabi_balloon_populate : pvabi_balloon_release;
	long pages = 0, r;

	for (uint64_t b = 0; b < SMALL_FRAMES; b += BATCH) {
		for (uint64_t i = 0; i < BATCH; i++)
			list[i] = REGION_GFN + b + i;
		if ((r = op(list, BATCH, 0)) > 0)
			pages += r;
	}
	for (uint64_t i = 0; i < BIG_EXTENTS; i++)
		list[i] = BIG_GFN + i * 512;
	if ((r = op(list, BIG_EXTENTS, 9)) > 0)
		pages += r * 512;
	return pages;
}

static void cycle(void)
{
	long before = pvabi_memory_pages(XENMEM_current_reservation), zero = 1;

	report("balloon.released_pages", whole_region(0));
	report("balloon.current_drop", before - pvabi_memory_pages(XENMEM_current_reservation));
	report("balloon.populated_pages", whole_region(1));
	/* Repopulated frames come back zeroed. */
	for (uint64_t f = 0; f < 2 * SMALL_FRAMES; f += 509)
		zero &= *(volatile uint64_t *)((REGION_GFN + f) << 12) == 0;
	report("balloon.zeroed", zero);
	touch_region();
	report("balloon.current_back", pvabi_memory_pages(XENMEM_current_reservation) - before);
}

static void hostile(void)
{
	struct xen_memory_reservation huge = {
		.extent_start = (xen_pfn_t *)0x0000700000000000ul, /* unmapped */
		.nr_extents = (1ul << 26) - 1,
		.domid = DOMID_SELF,
	};
	long total = 0;

	/* Floods that must all do nothing: present frames, frames past the
	 * RAM, an unreadable list of 64M entries. */
	for (int i = 0; i < 100; i++) {
		for (uint64_t j = 0; j < BATCH; j++)
			list[j] = REGION_GFN + j;
		total += pvabi_balloon_populate(list, BATCH, 0);
		list[0] = 0x100000ul + (uint64_t)i; /* 4 GiB up: not RAM */
		total += pvabi_balloon_release(list, 1, 0);
		total += pvabi_memory_op(XENMEM_decrease_reservation, &huge);
	}
	report("hostile.flood_done", total);
	report("hostile.released_pages", whole_region(0));
	/* Fill up to the maximum without frames, then ask for the RAM back. */
	huge.extent_start = NULL;
	report("hostile.charged", pvabi_memory_op(XENMEM_increase_reservation, &huge));
	report("hostile.over_max", whole_region(1));
	for (int i = 0; i < 20; i++)
		total += whole_region(1);
	report("hostile.over_max_flood", total);
	report("hostile.current_minus_max", pvabi_memory_pages(XENMEM_current_reservation) -
						    pvabi_memory_pages(XENMEM_maximum_reservation));
	pvabi_printf("hostile: touching a given-back page\n");
	*(volatile uint64_t *)((REGION_GFN + 7) << 12) = 1;
	pvabi_printf("hostile: still running\n");
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	/* list[] is in BSS, host memory only once written: write it before
	 * the first measurement so that only the region's pages move. */
	for (unsigned long i = 0; i < BATCH; i++)
		((volatile uint64_t *)list)[i] = 0;
	touch_region();
	pvabi_memory_pages(XENMEM_current_reservation); /* measured before */
	if (pvabi_cmdline_has(boot->cmdline, "mode=hostile"))
		hostile();
	else
		cycle();
	pvabi_printf("BALLOON DONE\n");
}
