/* bench-balloon: touches 128 MiB, then times giving it all back with
 * decrease_reservation and prints
 *   balloon_free_ns <ns> pages <n> order <0|9>
 * "order=9" gives it back as 2 MiB extents in one call, anything else as
 * 4 KiB frames in lists of 512 (Linux's balloon batch). hospes-hv runs with
 * --mem-stats: the current_reservation calls around the timed part make it
 * log the host memory backing the RAM, so the benchmark divides memory
 * actually freed by time. Run with --mem 160M. */
#include <pvabi.h>

#define FIRST_GFN 0x1000ul /* 16 MiB */
#define FRAMES 32768ul     /* 128 MiB */
#define BATCH 512ul

static uint64_t list[FRAMES];

static void touch(void)
{
	for (uint64_t f = 0; f < FRAMES; f++)
		*(volatile uint64_t *)((FIRST_GFN + f) << 12) = f;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	uint32_t khz = pvabi_cpuid(boot->cpuid_base + XEN_CPUID_LEAF_TIME, 0).ecx;
	unsigned order = pvabi_cmdline_has(boot->cmdline, "order=9") ? 9 : 0;
	uint64_t n = order ? FRAMES / 512 : FRAMES, done = 0, t0, cycles;

	for (uint64_t i = 0; i < n; i++)
		list[i] = FIRST_GFN + (i << order);
	touch();
	pvabi_memory_pages(XENMEM_current_reservation);
	t0 = pvabi_rdtsc();
	if (order)
		done = (uint64_t)pvabi_balloon_release(list, n, 9) << 9;
	else
		for (uint64_t i = 0; i < n; i += BATCH)
			done += (uint64_t)pvabi_balloon_release(list + i, BATCH, 0);
	cycles = pvabi_rdtsc() - t0;
	pvabi_memory_pages(XENMEM_current_reservation);
	pvabi_printf("balloon_free_ns %lu pages %lu order %u\n",
		     khz ? (unsigned long)(cycles * 1000000ull / khz) : 0ul, (unsigned long)done,
		     order);
}
