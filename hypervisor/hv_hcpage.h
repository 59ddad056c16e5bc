/* hv_hcpage.h: filling the hypercall page on a write of the hypercall MSR. */
#ifndef HOSPES_HV_HCPAGE_H
#define HOSPES_HV_HCPAGE_H

#include <stdint.h>

#include "hv.h"

/* 0xcc everywhere; stub n at n * 32: b8 <n:le32> e7 <port> c3; stub 23 ud2. */
void hv_hcpage_fill(uint8_t page[HV_PAGE_SIZE]);
/* Handles a guest wrmsr(XEN_HYPERCALL_MSR, msr_value): 0, or -EINVAL
 * (non-zero page index) / -EFAULT (not a RAM page); both mean #GP. */
int hv_hcpage_install(struct hv_domain *d, uint64_t msr_value);

#endif
