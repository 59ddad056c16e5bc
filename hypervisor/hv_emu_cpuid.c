/* hv_emu_cpuid.c: the CPUID table of a vCPU on the software CPU: what the
 * interpreter implements, plus the Xen leaves (hv_cpuid_build). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv_cpuid.h"
#include "hv_emu_int.h"

#define SIG(a, b, c, d)                                                                            \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/* The "supported" table hv_cpuid_build starts from: integer-only x86-64
 * with PAE paging, NX, the TSC, MSRs and an x2APIC; no FPU/SSE/AVX, no
 * popcnt, no xsave. Vendor "HospesEmuCPU". */
static const struct {
	uint32_t fn, index, eax, ebx, ecx, edx;
} emu_supported[] = {
    /* vendor: EBX, EDX, ECX spell it */
    {0x0, 0, 0x1, SIG('H', 'o', 's', 'p'), SIG('u', 'C', 'P', 'U'), SIG('e', 's', 'E', 'm')},
    /* family 6; CLFLUSH size 8 quadwords; x2APIC (21), hypervisor (31);
     * PSE (3), TSC (4), MSR (5), PAE (6), APIC (9), CMOV (15), PAT (16). */
    {0x1, 0, 0x600, 0x00010800, (1u << 21) | (1u << 31),
     (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 9) | (1u << 15) | (1u << 16)},
    {0x80000000u, 0, 0x80000008u, 0, 0, 0},
    /* NX (20), long mode (29); no SYSCALL: a PV kernel has no user mode */
    {0x80000001u, 0, 0, 0, 0, (1u << 20) | (1u << 29)},
    {0x80000008u, 0, 0x3028, 0, 0, 0}, /* 40 physical, 48 virtual address bits */
};

int hv_emu_cpuid_build(struct hv_emu_vcpu *e)
{
	const unsigned n = sizeof(emu_supported) / sizeof(emu_supported[0]), max = n + 16;
	struct hv_cpuid_params p = {.vcpu_id = e->v->id,
				    .domid = e->v->dom->id,
				    .guest_tsc_khz = hv_emu_tsc_khz,
				    .host_tsc_khz = hv_emu_tsc_khz};
	struct kvm_cpuid2 *sup = calloc(1, sizeof(*sup) + n * sizeof(sup->entries[0]));
	int r = -ENOMEM;

	e->cpuid = calloc(1, sizeof(*e->cpuid) + max * sizeof(e->cpuid->entries[0]));
	if (!sup || !e->cpuid)
		goto out;
	sup->nent = n;
	for (unsigned i = 0; i < n; i++)
		sup->entries[i] = (struct kvm_cpuid_entry2){.function = emu_supported[i].fn,
							    .index = emu_supported[i].index,
							    .eax = emu_supported[i].eax,
							    .ebx = emu_supported[i].ebx,
							    .ecx = emu_supported[i].ecx,
							    .edx = emu_supported[i].edx};
	if ((r = hv_cpuid_build(e->cpuid, max, sup, &p)))
		goto out;
	/* Leaf 1 EBX[31:24]: the initial APIC id, as KVM fills it per vCPU. */
	for (uint32_t i = 0; i < e->cpuid->nent; i++)
		if (e->cpuid->entries[i].function == 1)
			e->cpuid->entries[i].ebx |= e->v->id << 24;
out:
	free(sup);
	return r;
}

void hv_emu_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	const struct hv_emu_vcpu *e = ctx;

	memset(out, 0, 4 * sizeof(out[0]));
	for (uint32_t i = 0; i < e->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *c = &e->cpuid->entries[i];

		if (c->function != leaf ||
		    ((c->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && c->index != subleaf))
			continue;
		out[0] = c->eax;
		out[1] = c->ebx;
		out[2] = c->ecx;
		out[3] = c->edx;
		return;
	}
}
