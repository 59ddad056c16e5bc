/* hv_hcpage.c: the hypercall page the guest installs by writing the
 * XEN_HYPERCALL_MSR: 128 stubs that trap with port I/O. */
#include <errno.h>
#include <string.h>

#include "hv_hcpage.h"

void hv_hcpage_fill(uint8_t page[HV_PAGE_SIZE])
{
	memset(page, 0xcc, HV_PAGE_SIZE);
	for (uint32_t n = 0; n < PVABI_HYPERCALL_PAGE_STUBS; n++) {
		uint8_t *s = page + n * PVABI_HYPERCALL_STUB_SIZE;

		if (n == HYPERCALL_iret) {
			s[0] = 0x0f, s[1] = 0x0b; /* ud2: iret is PV only */
			continue;
		}
		s[0] = 0xb8; /* mov $n, %eax */
		s[1] = n & 0xff, s[2] = (n >> 8) & 0xff, s[3] = (n >> 16) & 0xff, s[4] = n >> 24;
		s[5] = 0xe7; /* out %eax, $port */
		s[6] = PVABI_HYPERCALL_PORT;
		s[7] = 0xc3; /* ret */
	}
}

int hv_hcpage_install(struct hv_domain *d, uint64_t msr_value)
{
	uint8_t *page;

	/* Low 12 bits: page index in a multi-page area; only page 0 exists. */
	if (msr_value & (HV_PAGE_SIZE - 1))
		return -EINVAL;
	page = gmem_gpa_ptr(&d->mem, msr_value, HV_PAGE_SIZE);
	if (!page)
		return -EFAULT;
	hv_hcpage_fill(page);
	return 0;
}
