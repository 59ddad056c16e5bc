/* smp.c: counting and starting vCPUs with vcpu_op (VCPUOP_initialise in
 * 64-bit mode on the boot page tables, then VCPUOP_up), and the per-CPU id
 * each vCPU finds through its GS base. */
#include <pvabi/vcpu.h>

#include "internal.h"

#define MSR_EFER 0xc0000080u
#define MSR_GS_BASE 0xc0000101u
#define KERNEL_CS 0x08

/* What a starting vCPU needs; GS points at its own slot, so the first
 * field (self) gives the CPU its id with one load. */
struct pvabi_cpu {
	struct pvabi_cpu *self;
	unsigned int id;
	pvabi_vcpu_entry_t entry;
	void *arg;
};

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct pvabi_cpu cpus[PVABI_MAX_VCPUS];
static struct vcpu_hvm_context start_ctx; /* one start at a time (caller's lock) */
static struct desc_ptr idt_desc;
static unsigned int nr_vcpus;
static int smp_active; /* GS bases are set: pvabi_cpu_id reads them */

/* Same layout as the boot GDT: a start state's selectors (0x08 code, 0x10
 * data) index it, and iretq reloads CS from it. */
static const uint64_t ap_gdt[3] __attribute__((aligned(8))) = {
	0, 0x00af9a000000ffffull, 0x00cf92000000ffffull,
};

long pvabi_vcpu_op(int cmd, unsigned int id, void *arg)
{
	return pvabi_hypercall3(HYPERCALL_vcpu_op, (unsigned long)cmd, id, (unsigned long)arg);
}

/* Xen has no "how many vCPUs" call: VCPUOP_is_up answers -ENOENT exactly
 * for ids the domain does not have, so the first such id is the count. */
unsigned int pvabi_vcpu_count(void)
{
	unsigned int n = 1;

	if (nr_vcpus)
		return nr_vcpus;
	while (n < PVABI_MAX_VCPUS && pvabi_vcpu_op(VCPUOP_is_up, n, NULL) != -XEN_ENOENT)
		n++;
	nr_vcpus = n;
	return n;
}

unsigned int pvabi_cpu_id(void)
{
	struct pvabi_cpu *c;

	if (!smp_active)
		return 0;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c->id;
}

static void set_gs(struct pvabi_cpu *c)
{
	c->self = c;
	pvabi_wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

/* First code of a started vCPU, on its own stack with RDI = its slot.
 * GDTR/IDTR are empty in a start state: load them before anything can
 * fault. When entry returns the vCPU takes itself down. */
static PVABI_NORETURN void ap_start(struct pvabi_cpu *c)
{
	struct desc_ptr gdt = { sizeof(ap_gdt) - 1, (uint64_t)(uintptr_t)ap_gdt };

	__asm__ volatile("lgdt %0" : : "m"(gdt) : "memory");
	__asm__ volatile("lidt %0" : : "m"(idt_desc) : "memory");
	set_gs(c);
	/* The kernel chose per-vCPU upcalls: this vCPU gets its own before
	 * any of its code runs, so ports bound to it work from the start. */
	if (pvabi_events_ap_init())
		pvabi_panic("vCPU %u: no upcall vector", c->id);
	c->entry(c->arg);
	for (;;)
		pvabi_vcpu_op(VCPUOP_down, c->id, NULL);
}

int pvabi_vcpu_start(unsigned int id, pvabi_vcpu_entry_t entry, void *arg, void *stack_top)
{
	struct vcpu_hvm_x86_64 *r = &start_ctx.cpu_regs.x86_64;
	uint64_t cr0, cr4, sp = (uint64_t)(uintptr_t)stack_top & ~15ull;
	long rc;

	if (id == 0 || id >= PVABI_MAX_VCPUS || !entry || !stack_top)
		return -XEN_EINVAL;
	if (!smp_active) {
		__asm__ volatile("sidt %0" : "=m"(idt_desc));
		cpus[0].id = 0;
		set_gs(&cpus[0]);
		smp_active = 1;
	}
	cpus[id] = (struct pvabi_cpu){ &cpus[id], id, entry, arg };
	__asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	start_ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
	r->rip = (uint64_t)(uintptr_t)ap_start;
	r->rsp = sp - 8; /* as if called: the ABI wants RSP + 8 16-byte aligned */
	r->rdi = (uint64_t)(uintptr_t)&cpus[id];
	r->rflags = 0x2; /* interrupts off */
	r->cr0 = cr0;
	r->cr3 = pvabi_read_cr3();
	r->cr4 = cr4;
	r->efer = pvabi_rdmsr(MSR_EFER);
	if ((rc = pvabi_vcpu_op(VCPUOP_initialise, id, &start_ctx)))
		return (int)rc;
	return (int)pvabi_vcpu_op(VCPUOP_up, id, NULL);
}
