/* traps.c: the IDT, exception dispatch to the kernel's hook, and the
 * default crash report. */
#include "internal.h"

#define IDT_ENTRIES 256
#define KERNEL_CS 0x08
#define GATE_INTERRUPT 0x8e00 /* present, DPL 0, 64-bit interrupt gate */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint16_t type_attr; /* IST in bits 0-2, type in 8-11, DPL 13-14, P 15 */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "idt gate");

struct idt_desc {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* traps.S: 32 stubs, 16 bytes apart, in one 512-byte-aligned block (so
 * their addresses differ only in the low 16 bits). */
extern const char pvabi_trap_stubs[];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static pvabi_trap_hook_t trap_hook;

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

const char *pvabi_exception_name(unsigned int vector)
{
	return vector < 32 ? names[vector] : "interrupt";
}

static void set_gate(unsigned int v, uintptr_t handler)
{
	idt[v] = (struct idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = KERNEL_CS,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

void pvabi_traps_init(void)
{
	struct idt_desc desc = { .limit = sizeof(idt) - 1, .base = (uintptr_t)idt };

	/* Gate 0 once, then a copy per vector with the next stub's offset:
	 * fewer instructions at boot, where each may be emulated. */
	set_gate(0, (uintptr_t)pvabi_trap_stubs);
	for (unsigned int v = 1; v < 32; v++) {
		idt[v] = idt[v - 1];
		idt[v].offset_lo += 16;
	}
	__asm__ volatile("lidt %0" : : "m"(desc) : "memory");
}

int pvabi_set_idt_gate(unsigned int vector, void (*handler)(void))
{
	if (vector < 32 || vector >= IDT_ENTRIES)
		return -XEN_EINVAL;
	set_gate(vector, (uintptr_t)handler);
	return 0;
}

pvabi_trap_hook_t pvabi_set_trap_hook(pvabi_trap_hook_t hook)
{
	pvabi_trap_hook_t old = trap_hook;

	trap_hook = hook;
	return old;
}

static uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

void pvabi_trap_dispatch(struct pvabi_trap_frame *f)
{
	static const char nested[] = "pvabi: exception while reporting an exception\n";
	static int reporting;
	const struct pvabi_trap_frame *r = f;

	if (trap_hook && trap_hook(f))
		return;
	if (reporting++) { /* the report itself faulted: say so the cheap way */
		pvabi_debugcon_write(nested, sizeof(nested) - 1);
		pvabi_shutdown(SHUTDOWN_crash);
	}
	pvabi_printf("pvabi: exception %lu (%s) error=0x%lx rip=0x%016lx cr2=0x%016lx\n"
		     "  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n"
		     "  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n"
		     "  r8=%016lx r9=%016lx r10=%016lx r11=%016lx\n"
		     "  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n"
		     "  cs=%lx ss=%lx rflags=%016lx\n",
		     r->vector, pvabi_exception_name((unsigned int)r->vector), r->error_code,
		     r->rip, read_cr2(), r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi,
		     r->rbp, r->rsp, r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14,
		     r->r15, r->cs, r->ss, r->rflags);
	pvabi_shutdown(SHUTDOWN_crash);
}
