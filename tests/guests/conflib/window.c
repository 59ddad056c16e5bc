/* window.c: the test window at CONF_WIN: one 4 KiB page table replacing
 * the boot map's 2 MiB page there. Page 0 is read-write, page 1 read-only
 * (CR0.WP makes that binding in kernel mode too), page 2 not present. */
#include "conf.h"

static uint64_t window_pt[512] __attribute__((aligned(4096)));
static char window_pages[2][4096] __attribute__((aligned(4096)));

void conf_window_map(void)
{
	char *ro = window_pages[1];
	size_t tail = sizeof(CONF_RO_TAIL) - 1;

	/* Fill the read-only page through its writable identity mapping. */
	memset(ro, ' ', 4096);
	memcpy(ro, CONF_RO_HEAD, sizeof(CONF_RO_HEAD) - 1);
	ro[4096 - tail - 1] = '\n';
	memcpy(ro + 4096 - tail, CONF_RO_TAIL, tail);

	window_pt[0] = (uintptr_t)window_pages[0] | PVABI_PTE_P | PVABI_PTE_RW;
	window_pt[1] = (uintptr_t)window_pages[1] | PVABI_PTE_P;
	pvabi_boot_pd[CONF_WIN >> 21] = (uintptr_t)window_pt | PVABI_PTE_P | PVABI_PTE_RW;
	pvabi_write_cr3(pvabi_read_cr3());
}
