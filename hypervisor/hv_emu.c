/* hv_emu.c: the software-CPU accelerator's domains and vCPUs: kvm_run in
 * plain memory, the PVH boot state, TSC, MSRs and the APIC hooks the
 * interpreter calls back into. CPUID is in hv_emu_cpuid.c, the run loop
 * in hv_emu_run.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pvabi/cpuid.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hv_balloon.h"
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
	struct timespec pause = {0, 10 * 1000 * 1000};
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

static uint64_t rdtsc(void *ctx)
{
	(void)ctx;
	return __builtin_ia32_rdtsc(); /* TSC offset 0 (hv_emu_vcpu_tsc) */
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
	if ((r = hv_emu_cpuid_build(e))) {
		hv_log(v->dom, HV_LOG_ERROR, "vCPU %u: cannot build its CPUID table: %d", v->id, r);
		return r;
	}
	e->ops = (struct emu_ops){.ctx = e,
				  .page = page,
				  .rdmsr = rdmsr,
				  .wrmsr = wrmsr,
				  .cpuid = hv_emu_cpuid,
				  .rdtsc = rdtsc};
	e->cpu = emu_cpu_new(&e->ops, v->regs, v->sregs, v->run, v->run_size);
	return e->cpu ? 0 : -ENOMEM;
}

void hv_emu_vcpu_destroy(struct hv_vcpu *v)
{
	struct hv_emu_vcpu *e = v->emu;

	if (e) {
		if (e->cpu) {
			hv_log(v->dom, HV_LOG_DEBUG,
			       "vCPU %u: %llu instructions on the software CPU", v->id,
			       (unsigned long long)emu_insns(e->cpu));
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
	return (struct kvm_segment){.base = 0,
				    .limit = 0xffffffff,
				    .selector = sel,
				    .type = type,
				    .present = 1,
				    .dpl = 0,
				    .db = 1,
				    .s = 1,
				    .l = 0,
				    .g = 1};
}

/* The same PVH entry state as hv_kvm_vcpu_boot. */
int hv_emu_vcpu_boot(struct hv_vcpu *v, uint64_t entry, uint64_t start_info)
{
	struct kvm_sregs *s = v->sregs;
	uint64_t apic_base = s->apic_base;

	memset(s, 0, sizeof(*s));
	*v->regs = (struct kvm_regs){.rip = entry, .rbx = start_info, .rflags = 0x2};
	s->cs = flat(0x08, 0xb);
	s->ds = s->es = s->fs = s->gs = s->ss = flat(0x10, 0x3);
	s->tr = (struct kvm_segment){.limit = 0x67, .selector = 0x18, .type = 0xb, .present = 1};
	s->ldt = (struct kvm_segment){.type = 0x2, .unusable = 1};
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
