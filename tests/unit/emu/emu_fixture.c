/* emu_fixture.c: the fake machine of emu_fixture.h. */
#include "emu_fixture.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *fx_page(void *ctx, uint64_t gpa, bool write)
{
	struct fx *f = ctx;

	if (gpa >= FX_RAM_SIZE)
		return NULL;
	if (write && f->ro_page && gpa == f->ro_page)
		return NULL;
	return f->ram + gpa;
}

static int fx_rdmsr(void *ctx, uint32_t index, uint64_t *value)
{
	struct fx *f = ctx;

	if (index == FX_MSR_FAKE) {
		*value = f->msr_fake;
		return EMU_MSR_OK;
	}
	if (index == FX_MSR_USER)
		return EMU_MSR_USER;
	return EMU_MSR_GP;
}

static int fx_wrmsr(void *ctx, uint32_t index, uint64_t value)
{
	struct fx *f = ctx;

	if (index == FX_MSR_FAKE) {
		f->msr_fake = value;
		return EMU_MSR_OK;
	}
	if (index == FX_MSR_USER)
		return EMU_MSR_USER;
	return EMU_MSR_GP;
}

static void fx_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	struct fx *f = ctx;

	f->cpuid_calls++;
	out[0] = leaf == 0x80000000u ? 0x80000001u : leaf + 1;
	out[1] = subleaf;
	out[2] = 0x11111111;
	out[3] = leaf == 0x80000001u ? (1u << 20) | (1u << 29) : 0x22222222;
}

static uint64_t fx_rdtsc(void *ctx)
{
	struct fx *f = ctx;

	return f->tsc += 1000;
}

static const struct emu_ops fx_ops_template = {
    .page = fx_page,
    .rdmsr = fx_rdmsr,
    .wrmsr = fx_wrmsr,
    .cpuid = fx_cpuid,
    .rdtsc = fx_rdtsc,
};

uint64_t *fx_q(struct fx *f, uint64_t gpa)
{
	return (uint64_t *)(void *)(f->ram + gpa);
}

uint64_t fx_get(struct fx *f, uint64_t gpa, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, f->ram + gpa, size);
	return v;
}

void fx_put(struct fx *f, uint64_t gpa, unsigned size, uint64_t val)
{
	memcpy(f->ram + gpa, &val, size);
}

uint64_t *fx_pte(struct fx *f, unsigned i)
{
	return fx_q(f, FX_PT + i * 8);
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool l, bool db)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = l;
	s->db = db;
}

static void common(struct fx *f)
{
	struct emu_ops ops = fx_ops_template;

	memset(f, 0, sizeof(*f));
	f->ram = aligned_alloc(4096, FX_RAM_SIZE);
	cr_assert(f->ram);
	memset(f->ram, 0, FX_RAM_SIZE);
	f->run = aligned_alloc(4096, 8192);
	cr_assert(f->run);
	memset(f->run, 0, 8192);
	/* GDT: null, 64-bit code, flat data, 32-bit code. */
	*fx_q(f, FX_GDT + 0x00) = 0;
	*fx_q(f, FX_GDT + 0x08) = 0x00af9a000000ffffull;
	*fx_q(f, FX_GDT + 0x10) = 0x00cf92000000ffffull;
	*fx_q(f, FX_GDT + 0x18) = 0x00cf9a000000ffffull;
	f->sregs.gdt.base = FX_GDT;
	f->sregs.gdt.limit = 0x1f;
	f->sregs.tr.type = 11;
	f->sregs.tr.present = 1;
	f->sregs.tr.limit = 0x67;
	/* Identity map [0, 8 MiB): 2 MiB pages except the last, in 4 KiB. */
	*fx_q(f, FX_PML4) = FX_PDPT | 7;
	*fx_q(f, FX_PDPT) = FX_PD | 7;
	for (unsigned i = 0; i < 3; i++)
		*fx_q(f, FX_PD + i * 8) = ((uint64_t)i << 21) | 0x87;
	*fx_q(f, FX_PD + 3 * 8) = FX_PT | 7;
	for (unsigned i = 0; i < 512; i++)
		*fx_pte(f, i) = (FX_PT_BASE + i * 4096ull) | 3;
	/* Unbacked guest-physical range mapped at the same virtual address. */
	*fx_q(f, FX_PDPT + 3 * 8) = (uint64_t)FX_UNBACKED | 0x83;
	f->regs.rip = FX_CODE;
	f->regs.rsp = FX_STACK_TOP;
	f->regs.rflags = 2;
	ops.ctx = f;
	f->cpu = emu_cpu_new(&ops, &f->regs, &f->sregs, f->run, 8192);
	cr_assert(f->cpu);
}

void fx_init64(struct fx *f)
{
	common(f);
	seg(&f->sregs.cs, FX_SEL_CODE64, 11, true, false);
	seg(&f->sregs.ds, FX_SEL_DATA, 3, false, true);
	f->sregs.es = f->sregs.ss = f->sregs.fs = f->sregs.gs = f->sregs.ds;
	f->sregs.cr0 = 0x80010033;
	f->sregs.cr3 = FX_PML4;
	f->sregs.cr4 = 0x20;
	f->sregs.efer = 0xd00;
	f->sregs.idt.base = FX_IDT;
	f->sregs.idt.limit = 0xfff;
	emu_sregs_changed(f->cpu);
}

void fx_init32(struct fx *f)
{
	common(f);
	seg(&f->sregs.cs, FX_SEL_CODE32, 11, false, true);
	seg(&f->sregs.ds, FX_SEL_DATA, 3, false, true);
	f->sregs.es = f->sregs.ss = f->sregs.fs = f->sregs.gs = f->sregs.ds;
	f->sregs.cr0 = 0x11;
	emu_sregs_changed(f->cpu);
}

struct emu_cpu *fx_cpu_new(struct fx *f, struct kvm_regs *regs, struct kvm_sregs *sregs,
			   struct kvm_run *run)
{
	struct emu_ops ops = fx_ops_template;

	ops.ctx = f;
	return emu_cpu_new(&ops, regs, sregs, run, 8192);
}

void fx_fini(struct fx *f)
{
	emu_cpu_free(f->cpu);
	free(f->run);
	free(f->ram);
}

void fx_load_bytes(struct fx *f, uint64_t gpa, const void *bytes, size_t n)
{
	cr_assert(gpa + n <= FX_RAM_SIZE);
	memcpy(f->ram + gpa, bytes, n);
}

void fx_load(struct fx *f, uint64_t gpa, const void *start, const void *end)
{
	size_t n = (size_t)((const uint8_t *)end - (const uint8_t *)start);

	fx_load_bytes(f, gpa, start, n);
	f->ram[gpa + n] = 0xf4;
}

enum emu_exit fx_run(struct fx *f, uint64_t max)
{
	return emu_run(f->cpu, max, NULL);
}

void fx_gate(struct fx *f, uint8_t vec, uint64_t handler, unsigned type, unsigned ist)
{
	uint64_t lo = (handler & 0xffff) | ((uint64_t)FX_SEL_CODE64 << 16) | ((uint64_t)ist << 32) |
		      ((uint64_t)(0x80 | type) << 40) | ((handler & 0xffff0000ull) << 32);

	*fx_q(f, FX_IDT + vec * 16u) = lo;
	*fx_q(f, FX_IDT + vec * 16u + 8) = handler >> 32;
}
