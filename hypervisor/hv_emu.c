/* hv_emu.c: the software-CPU accelerator's domains and vCPUs: kvm_run in
 * plain memory, the PVH boot state, CPUID, TSC, MSRs and the APIC hooks
 * the interpreter calls back into. The run loop is in hv_emu_run.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pvabi/cpuid.h>

#include "hv_balloon.h"
#include "evtchn.h"
#include "gnttab.h"
#include "hv_cpuid.h"
#include "hv_emu_int.h"
#include "hv_upcall.h"
#include "hv_wait.h"

uint32_t hv_emu_tsc_khz;

/* ---- process ---- */

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The guest reads the host TSC unscaled, so its rate is the host's: count
 * ticks across 10 ms of the monotonic clock. */
static uint32_t calibrate_tsc_khz(void)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	uint64_t n0 = mono_ns(), c0 = __builtin_ia32_rdtsc(), n1, c1;

	nanosleep(&pause, NULL);
	n1 = mono_ns();
	c1 = __builtin_ia32_rdtsc();
	if (n1 <= n0 || c1 <= c0)
		return 0;
	return (uint32_t)((c1 - c0) * 1000000ull / (n1 - n0));
}

int hv_emu_open(void)
{
	int r;

	if (!hv_emu_tsc_khz)
		hv_emu_tsc_khz = calibrate_tsc_khz();
	if ((r = hv_emu_guard_init()))
		return r;
	hv_upcall_use_emu();
	return 0;
}

/* ---- domain ---- */

int hv_emu_vm_create(struct hv_domain *d)
{
	d->accel = HV_ACCEL_EMU;
	return 0;
}

void hv_emu_vm_destroy(struct hv_domain *d)
{
	(void)d;
}

/* ---- callbacks from the interpreter ---- */

static uint8_t *page(void *ctx, uint64_t gpa, bool write)
{
	struct hv_emu_vcpu *e = ctx;
	const struct hv_mem *m = &e->v->dom->mem;

	(void)write; /* a read-only grant mapping faults in the guard */
	gpa &= HV_PAGE_MASK;
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		if (gpa < m->ranges[i].gpa || gpa - m->ranges[i].gpa >= m->ranges[i].size)
			continue;
		/* Given back: the access exits as MMIO, unless a grant-table or
		 * shared_info frame was placed there (as Linux does). */
		if (hv_balloon_is_absent(m, gpa / HV_PAGE_SIZE) &&
		    !gnttab_is_overlay(e->v->dom, gpa / HV_PAGE_SIZE) &&
		    !evtchn_frames_in_use(e->v->dom, gpa / HV_PAGE_SIZE, gpa / HV_PAGE_SIZE + 1))
			return NULL;
		return m->base + gpa;
	}
	return NULL;
}

static int rdmsr(void *ctx, uint32_t index, uint64_t *value)
{
	struct hv_emu_vcpu *e = ctx;

	if (index == XEN_HYPERCALL_MSR)
		return EMU_MSR_USER; /* as KVM's MSR filter: hv_vmexit.c answers */
	return hv_emu_apic_rdmsr(&e->apic, index, value);
}

static int wrmsr(void *ctx, uint32_t index, uint64_t value)
{
	struct hv_emu_vcpu *e = ctx;
	int r;

	if (index == XEN_HYPERCALL_MSR)
		return EMU_MSR_USER;
	r = hv_emu_apic_wrmsr(&e->apic, index, value);
	if (r == EMU_MSR_OK && index == HV_APIC_BASE_MSR)
		e->v->sregs->apic_base = value;
	/* An EOI or TPR change may unmask a requested vector. */
	if (r == EMU_MSR_OK)
		__atomic_store_n(&e->attention, 1, __ATOMIC_RELAXED);
	return r;
}

static void cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
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

static uint64_t rdtsc(void *ctx)
{
	(void)ctx;
	return __builtin_ia32_rdtsc(); /* TSC offset 0 (hv_emu_vcpu_tsc) */
}

/* ---- CPUID: what the interpreter implements ---- */

#define SIG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/* The "supported" table hv_cpuid_build starts from: integer-only x86-64
 * with PAE paging, NX, the TSC, MSRs and an x2APIC; no FPU/SSE/AVX, no
 * popcnt, no xsave. Vendor "HospesEmuCPU". */
static const struct {
	uint32_t fn, index, eax, ebx, ecx, edx;
} emu_supported[] = {
	/* vendor: EBX, EDX, ECX spell it */
	{ 0x0, 0, 0x1, SIG('H', 'o', 's', 'p'), SIG('u', 'C', 'P', 'U'), SIG('e', 's', 'E', 'm') },
	/* family 6; CLFLUSH size 8 quadwords; x2APIC (21), hypervisor (31);
	 * PSE (3), TSC (4), MSR (5), PAE (6), APIC (9), CMOV (15), PAT (16). */
	{ 0x1, 0, 0x600, 0x00010800, (1u << 21) | (1u << 31),
	  (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 9) | (1u << 15) | (1u << 16) },
	{ 0x80000000u, 0, 0x80000008u, 0, 0, 0 },
	/* SYSCALL (11), NX (20), long mode (29) */
	{ 0x80000001u, 0, 0, 0, 0, (1u << 11) | (1u << 20) | (1u << 29) },
	{ 0x80000008u, 0, 0x3028, 0, 0, 0 }, /* 40 physical, 48 virtual address bits */
};

static int build_cpuid(struct hv_emu_vcpu *e)
{
	const unsigned n = sizeof(emu_supported) / sizeof(emu_supported[0]), max = n + 16;
	struct hv_cpuid_params p = { .vcpu_id = e->v->id, .domid = e->v->dom->id,
				     .guest_tsc_khz = hv_emu_tsc_khz, .host_tsc_khz = hv_emu_tsc_khz };
	struct kvm_cpuid2 *sup = calloc(1, sizeof(*sup) + n * sizeof(sup->entries[0]));
	int r = -ENOMEM;

	e->cpuid = calloc(1, sizeof(*e->cpuid) + max * sizeof(e->cpuid->entries[0]));
	if (!sup || !e->cpuid)
		goto out;
	sup->nent = n;
	for (unsigned i = 0; i < n; i++)
		sup->entries[i] = (struct kvm_cpuid_entry2){
			.function = emu_supported[i].fn, .index = emu_supported[i].index,
			.eax = emu_supported[i].eax, .ebx = emu_supported[i].ebx,
			.ecx = emu_supported[i].ecx, .edx = emu_supported[i].edx };
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

/* ---- vCPU ---- */

int hv_emu_vcpu_create(struct hv_vcpu *v)
{
	struct hv_emu_vcpu *e = calloc(1, sizeof(*e));
	int r;

	if (!e)
		return -ENOMEM;
	v->emu = e;
	e->v = v;
	e->extint = -1;
	v->run = aligned_alloc(HV_PAGE_SIZE, HV_EMU_RUN_SIZE);
	if (!v->run)
		return -ENOMEM;
	memset(v->run, 0, HV_EMU_RUN_SIZE);
	v->run_size = HV_EMU_RUN_SIZE;
	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	v->regs = &v->run->s.regs.regs;
	v->sregs = &v->run->s.regs.sregs;
	hv_emu_apic_init(&e->apic, v->id, v->id == 0);
	v->sregs->apic_base = atomic_load(&e->apic.base);
	if ((r = build_cpuid(e))) {
		hv_log(v->dom, HV_LOG_ERROR, "vCPU %u: cannot build its CPUID table: %d", v->id, r);
		return r;
	}
	e->ops = (struct emu_ops){ .ctx = e, .page = page, .rdmsr = rdmsr, .wrmsr = wrmsr,
				   .cpuid = cpuid, .rdtsc = rdtsc };
	e->cpu = emu_cpu_new(&e->ops, v->regs, v->sregs, v->run, v->run_size);
	return e->cpu ? 0 : -ENOMEM;
}

void hv_emu_vcpu_destroy(struct hv_vcpu *v)
{
	struct hv_emu_vcpu *e = v->emu;

	if (e) {
		if (e->cpu) {
			hv_log(v->dom, HV_LOG_DEBUG, "vCPU %u: %llu instructions on the software CPU",
			       v->id, (unsigned long long)emu_insns(e->cpu));
			emu_cpu_free(e->cpu);
		}
		free(e->cpuid);
		free(e);
	}
	free(v->run);
	v->emu = NULL;
	v->run = NULL;
	v->regs = NULL;
	v->sregs = NULL;
}

static struct kvm_segment flat(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
				     .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1 };
}

/* The same PVH entry state as hv_kvm_vcpu_boot. */
int hv_emu_vcpu_boot(struct hv_vcpu *v, uint64_t entry, uint64_t start_info)
{
	struct kvm_sregs *s = v->sregs;
	uint64_t apic_base = s->apic_base;

	memset(s, 0, sizeof(*s));
	*v->regs = (struct kvm_regs){ .rip = entry, .rbx = start_info, .rflags = 0x2 };
	s->cs = flat(0x08, 0xb);
	s->ds = s->es = s->fs = s->gs = s->ss = flat(0x10, 0x3);
	s->tr = (struct kvm_segment){ .limit = 0x67, .selector = 0x18, .type = 0xb, .present = 1 };
	s->ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
	s->cr0 = 0x11;
	s->apic_base = apic_base;
	emu_sregs_changed(v->emu->cpu);
	return 0;
}

int hv_emu_vcpu_load_start(struct hv_vcpu *v, const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs)
{
	struct kvm_sregs *s = v->sregs;

	*v->regs = *regs;
	s->cs = sregs->cs;
	s->ds = sregs->ds;
	s->es = sregs->es;
	s->fs = sregs->fs;
	s->gs = sregs->gs;
	s->ss = sregs->ss;
	s->tr = sregs->tr;
	s->ldt = sregs->ldt;
	s->gdt = sregs->gdt;
	s->idt = sregs->idt;
	s->cr0 = sregs->cr0;
	s->cr3 = sregs->cr3;
	s->cr4 = sregs->cr4;
	s->efer = sregs->efer;
	emu_sregs_changed(v->emu->cpu);
	return 0;
}

int hv_emu_vcpu_tsc(struct hv_vcpu *v, int64_t *offset, uint32_t *khz)
{
	(void)v;
	*offset = 0;
	*khz = hv_emu_tsc_khz;
	return 0;
}

/* ---- interrupts ---- */

int hv_emu_signal_msi(struct hv_domain *d, unsigned apic_id, uint8_t vector)
{
	struct hv_vcpu *v = apic_id < d->nr_vcpus ? d->vcpus[apic_id] : NULL;
	int r;

	if (!v || !v->emu)
		return 0; /* no such APIC: nobody accepts it */
	r = hv_emu_apic_msi(&v->emu->apic, vector);
	if (r) {
		__atomic_store_n(&v->emu->attention, 1, __ATOMIC_RELEASE);
		hv_vcpu_wake(v); /* out of HLT */
	}
	return r;
}

int hv_emu_interrupt(struct hv_vcpu *v, uint8_t vector)
{
	if (v->emu->extint >= 0)
		return -EEXIST;
	v->emu->extint = vector;
	return 0;
}

void hv_emu_kick(struct hv_vcpu *v)
{
	if (!v->emu)
		return;
	__atomic_store_n(&v->emu->attention, 1, __ATOMIC_RELEASE);
	hv_vcpu_wake(v);
}
