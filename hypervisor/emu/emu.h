/* emu.h: Hospes's software CPU, an x86-64 interpreter that runs a guest
 * where /dev/kvm is unavailable. It executes guest code (32-bit flat
 * protected mode from the PVH entry, then long mode with 4-level paging)
 * on the hypervisor's own register structures, so everything above
 * hv_kvm.c (hypercall dispatch, register dumps, faults) works unchanged:
 * an emulated vCPU produces the same exits KVM_RUN would (struct kvm_run).
 *
 * Scope: the integer instruction set compilers emit for freestanding
 * kernel code (no x87/SSE/AVX: the guest build rejects them anyway), the
 * system instructions a PVH kernel uses, paging with A/D bits, exceptions
 * and external interrupts through the IDT. Anything else ends the run with
 * KVM_EXIT_INTERNAL_ERROR / KVM_INTERNAL_ERROR_EMULATION and the
 * instruction bytes, as KVM's emulator reports it.
 *
 * Threading: one struct emu_cpu per vCPU, used only by that vCPU's thread.
 * Guest memory is shared between vCPUs (and dom0 mappings): locked
 * instructions and xchg are host atomics on the guest page. */
#ifndef HV_EMU_H
#define HV_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/* What the CPU asks of the hypervisor. Every callback gets ctx. */
struct emu_ops {
	void *ctx;
	/* Host address of the 4 KiB guest-physical page holding gpa (page
	 * aligned: the CPU adds the offset), or NULL when the page is not
	 * guest RAM (unbacked, given back): a data access then exits with
	 * KVM_EXIT_MMIO, a fetch with an emulation failure without bytes.
	 * write: the access is a write (read-only pages may return NULL). */
	uint8_t *(*page)(void *ctx, uint64_t gpa, bool write);
	/* MSRs the CPU does not keep itself (emu_sys.c keeps EFER, FS/GS
	 * bases, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/FMASK, PAT, TSC_AUX, and
	 * reads TSC through rdtsc). Return EMU_MSR_OK (done), EMU_MSR_GP (#GP to the
	 * guest) or EMU_MSR_USER (exit KVM_EXIT_X86_RDMSR/WRMSR; the result
	 * is taken from run->msr at the next emu_run, as KVM does). */
	int (*rdmsr)(void *ctx, uint32_t index, uint64_t *value);
	int (*wrmsr)(void *ctx, uint32_t index, uint64_t value);
	/* CPUID leaf/subleaf -> eax, ebx, ecx, edx. */
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
	/* The guest's TSC now. */
	uint64_t (*rdtsc)(void *ctx);
};

#define EMU_MSR_OK 0
#define EMU_MSR_GP 1
#define EMU_MSR_USER 2

/* Why emu_run returned. */
enum emu_exit {
	EMU_EXIT_BUDGET = 0, /* max_insns executed, or *attention became nonzero */
	EMU_EXIT_HLT,	     /* hlt executed (RIP is past it); the caller waits for an interrupt */
	EMU_EXIT_KVM,	     /* run->exit_reason says what (IO, X86_RDMSR/WRMSR, SHUTDOWN,
				MMIO, INTERNAL_ERROR), filled as KVM would */
};

struct emu_cpu;

/* A CPU working on regs/sregs (owned by the caller, e.g. the kvm_run sync
 * area) with exits reported in run (the caller allocates run_size bytes;
 * port I/O data lives in it at io.data_offset, as with KVM). NULL on
 * allocation failure. The initial state is whatever regs/sregs hold. */
struct emu_cpu *emu_cpu_new(const struct emu_ops *ops, struct kvm_regs *regs,
			    struct kvm_sregs *sregs, struct kvm_run *run, size_t run_size);
void emu_cpu_free(struct emu_cpu *c);

/* The caller changed *sregs (or paging-relevant state) from outside:
 * re-derive the mode and drop cached translations. */
void emu_sregs_changed(struct emu_cpu *c);
/* Drops cached guest-physical -> host translations (the hypervisor changed
 * what backs guest memory: balloon, grant map/unmap, add_to_physmap). */
void emu_flush_tlb(struct emu_cpu *c);

/* Executes up to max_insns instructions. Returns early with
 * EMU_EXIT_BUDGET when *attention is nonzero (checked between
 * instructions; the caller sets it from other threads to deliver an
 * interrupt or stop the vCPU), with EMU_EXIT_HLT on hlt, with EMU_EXIT_KVM
 * on an exit for the hypervisor. A pending IN/RDMSR exit is completed from
 * run at the start of the next call, as KVM_RUN does. */
enum emu_exit emu_run(struct emu_cpu *c, uint64_t max_insns, const volatile uint32_t *attention);

/* True when an external interrupt can be taken now: RFLAGS.IF set and no
 * interrupt shadow (the instruction after sti or mov ss). */
bool emu_interrupt_window(const struct emu_cpu *c);
/* Delivers external interrupt vector through the IDT now (the caller
 * checked emu_interrupt_window). Returns EMU_EXIT_BUDGET when delivered
 * or when delivery raised an exception that was delivered instead,
 * EMU_EXIT_KVM with KVM_EXIT_SHUTDOWN in run on a triple fault. */
enum emu_exit emu_interrupt(struct emu_cpu *c, uint8_t vector);

/* emu_run or emu_interrupt was left by a longjmp from a host fault
 * handler in the middle of c's current instruction (a guest page the
 * hypervisor made inaccessible under a cached translation): stores the
 * working registers into *regs with RIP at that instruction's first byte
 * (a string instruction keeps the progress it made, as after a fault),
 * drops cached translations and per-run state, so that the next emu_run
 * starts there. Returns the size of the data access in progress (0 when
 * unknown, e.g. an instruction fetch). */
unsigned emu_abandon(struct emu_cpu *c);

/* Instructions retired so far (for statistics and tests). */
uint64_t emu_insns(const struct emu_cpu *c);

#endif
