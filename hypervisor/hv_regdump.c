/* hv_regdump.c: formatting the register dump and fault reasons (pure). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hv_regdump.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

void hv_hexbytes(char *buf, size_t size, const uint8_t *p, size_t n)
{
	struct out o = { buf, size, 0 };

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 16; i++)
		put(&o, "%s%02x", i ? " " : "", p[i]);
}

static void put_seg(struct out *o, const char *name, const struct kvm_segment *s)
{
	put(o, "%s=%04x base=%016llx limit=%08x type=%x dpl=%u p=%u db=%u l=%u g=%u%s\n", name,
	    s->selector, (unsigned long long)s->base, s->limit, s->type, s->dpl, s->present, s->db,
	    s->l, s->g, s->unusable ? " unusable" : "");
}

void hv_regdump_format(char *buf, size_t size, const struct kvm_regs *r,
		       const struct kvm_sregs *s, const uint8_t *code, size_t code_len)
{
	struct out o = { buf, size, 0 };
	char hex[64];

	buf[0] = '\0';
	put(&o, "RIP=%016llx RSP=%016llx RFLAGS=%016llx\n", r->rip, r->rsp, r->rflags);
	put(&o, "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n", r->rax, r->rbx, r->rcx, r->rdx);
	put(&o, "RSI=%016llx RDI=%016llx RBP=%016llx R8=%016llx\n", r->rsi, r->rdi, r->rbp, r->r8);
	put(&o, "R9=%016llx R10=%016llx R11=%016llx R12=%016llx\n", r->r9, r->r10, r->r11, r->r12);
	put(&o, "R13=%016llx R14=%016llx R15=%016llx\n", r->r13, r->r14, r->r15);
	put(&o, "CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx EFER=%016llx\n", s->cr0, s->cr2,
	    s->cr3, s->cr4, s->efer);
	put_seg(&o, "CS", &s->cs);
	put_seg(&o, "SS", &s->ss);
	put_seg(&o, "DS", &s->ds);
	put_seg(&o, "ES", &s->es);
	put_seg(&o, "FS", &s->fs);
	put_seg(&o, "GS", &s->gs);
	put_seg(&o, "TR", &s->tr);
	put_seg(&o, "LDTR", &s->ldt);
	put(&o, "GDTR=%016llx/%04x IDTR=%016llx/%04x\n", (unsigned long long)s->gdt.base,
	    s->gdt.limit, (unsigned long long)s->idt.base, s->idt.limit);
	if (code_len) {
		hv_hexbytes(hex, sizeof(hex), code, code_len);
		put(&o, "code at RIP: %s", hex);
	} else {
		put(&o, "code at RIP: unavailable");
	}
}

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_OSI] = "OSI",
	[KVM_EXIT_PAPR_HCALL] = "PAPR_HCALL",
	[KVM_EXIT_WATCHDOG] = "WATCHDOG",
	[KVM_EXIT_EPR] = "EPR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "HYPERV",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "XEN",
	[KVM_EXIT_NOTIFY] = "NOTIFY",
};

const char *hv_exit_name(uint32_t reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "unknown";
}

void hv_emulation_reason(char *buf, size_t size, uint64_t rip, const __u64 *data,
			 uint32_t ndata, const uint8_t *fetched, size_t nfetched)
{
	char hex[64];
	uint8_t raw[16] = { 0 };

	if (ndata >= 3)
		memcpy(raw, &data[1], sizeof(raw));
	/* data[0] bit 0: KVM put the instruction length and bytes in
	 * data[1..2] (16 bytes: length first, then up to 15 bytes). */
	if (ndata >= 3 && (data[0] & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) &&
	    raw[0]) {
		size_t n = raw[0] < 15 ? raw[0] : 15;
		hv_hexbytes(hex, sizeof(hex), raw + 1, n);
	} else if (nfetched) {
		hv_hexbytes(hex, sizeof(hex), fetched, nfetched < 15 ? nfetched : 15);
	} else {
		snprintf(buf, size,
			 "emulation failure at RIP 0x%llx: instruction fetch failed (unbacked memory?)",
			 (unsigned long long)rip);
		return;
	}
	snprintf(buf, size, "emulation failure at RIP 0x%llx: instruction bytes %s",
		 (unsigned long long)rip, hex);
}
