/* emu_fixture.h: a fake machine for the software CPU's unit tests: guest
 * RAM in a host buffer (with an unbacked and a read-only range), fake
 * CPUID/MSR/TSC callbacks, and the register state of 64-bit long mode
 * (identity map of the first 8 MiB) or of the PVH entry (32-bit flat,
 * paging off). Guest-physical layout: */
#ifndef EMU_FIXTURE_H
#define EMU_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "emu/emu.h"

#define FX_RAM_SIZE (8u << 20)
#define FX_PML4 0x1000u
#define FX_PDPT 0x2000u
#define FX_PD 0x3000u
#define FX_PT 0x4000u /* 4 KiB pages for [6 MiB, 8 MiB) */
#define FX_IDT 0x5000u
#define FX_GDT 0x6000u
#define FX_CODE 0x100000u
#define FX_STACK_TOP 0x1ff000u
#define FX_DATA 0x300000u
#define FX_PT_BASE 0x600000u	/* first address mapped through FX_PT */
#define FX_UNBACKED 0xc0000000u /* [FX_UNBACKED, +16 MiB): no RAM (MMIO) */
#define FX_MSR_FAKE 0x1234u	/* an MSR the fake ops keep */
#define FX_MSR_USER 0x4b564d00u /* an MSR left to userspace (exit) */

#define FX_SEL_CODE64 0x08
#define FX_SEL_DATA 0x10
#define FX_SEL_CODE32 0x18

/* Guest code pieces of emu_guest.S. */
#define GSNIP(n) extern const uint8_t gsnip_##n[], gsnip_##n##_end[]
#define GLOAD(f, gpa, n) fx_load((f), (gpa), gsnip_##n, gsnip_##n##_end)
#define GLEN(n) ((uint64_t)(gsnip_##n##_end - gsnip_##n))

struct fx {
	uint8_t *ram;
	uint64_t ro_page; /* a guest page ops->page refuses for writing (0: none) */
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_run *run;
	struct emu_cpu *cpu;
	uint64_t tsc;
	uint64_t msr_fake;
	unsigned cpuid_calls;
};

void fx_init64(struct fx *f);
void fx_init32(struct fx *f);
void fx_fini(struct fx *f);
/* Another CPU on the same guest RAM and callbacks. */
struct emu_cpu *fx_cpu_new(struct fx *f, struct kvm_regs *regs, struct kvm_sregs *sregs,
			   struct kvm_run *run);
/* Copies code [start, end) to gpa and appends hlt. */
void fx_load(struct fx *f, uint64_t gpa, const void *start, const void *end);
void fx_load_bytes(struct fx *f, uint64_t gpa, const void *bytes, size_t n);
/* Runs at most max instructions. */
enum emu_exit fx_run(struct fx *f, uint64_t max);
/* Installs a 64-bit interrupt gate (type 0xe) or trap gate (0xf). */
void fx_gate(struct fx *f, uint8_t vec, uint64_t handler, unsigned type, unsigned ist);
uint64_t *fx_q(struct fx *f, uint64_t gpa); /* gpa 8-aligned */
/* Unaligned little-endian access to guest RAM. */
uint64_t fx_get(struct fx *f, uint64_t gpa, unsigned size);
void fx_put(struct fx *f, uint64_t gpa, unsigned size, uint64_t val);
/* The 4 KiB PTE mapping FX_PT_BASE + i * 4096. */
uint64_t *fx_pte(struct fx *f, unsigned i);

#endif
