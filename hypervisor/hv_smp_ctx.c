/* hv_smp_ctx.c: checking a VCPUOP_initialise context (32-bit or 64-bit
 * start state) and turning it into KVM register state. Pure. */
#include <stdio.h>
#include <string.h>

#include <pvabi/errno.h>

#include "hv_smp.h"

/* Bits a start state may set; everything else is refused, so a guest
 * cannot hand KVM a state it would reject or that we never tested. */
#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR0_OK (CR0_PE | 0x2 | 0x4 | 0x8 | CR0_ET | 0x20 | (1ull << 16) | (1ull << 18) | \
		CR0_NW | CR0_CD | CR0_PG)
#define CR4_PAE (1ull << 5)
#define CR4_OK (0x4 | 0x8 | 0x10 | CR4_PAE | 0x40 | 0x80 | 0x100 | 0x200 | 0x400)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_OK (1ull | EFER_LME | EFER_LMA | (1ull << 11))
/* Defined RFLAGS bits except VM (17): CF PF AF ZF SF TF IF DF OF IOPL NT
 * RF AC VIF VIP ID, plus the always-one bit 1. */
#define RFLAGS_OK 0x3d7fd7ull
#define PHYS_LIMIT (1ull << 52)

/* Segment attributes: type 0-3, S 4, DPL 5-6, P 7, AVL 8, L 9, D/B 10, G 11. */
#define AR_TYPE(a) ((a) & 0xf)
#define AR_S(a) (((a) >> 4) & 1)
#define AR_DPL(a) (((a) >> 5) & 3)
#define AR_P(a) (((a) >> 7) & 1)
#define AR_L(a) (((a) >> 9) & 1)
#define AR_G(a) (((a) >> 11) & 1)

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18

#define BAD(...) (snprintf(why, len, __VA_ARGS__), -XEN_EINVAL)

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static struct kvm_segment seg(uint64_t base, uint32_t limit, uint16_t ar, uint16_t sel)
{
	return (struct kvm_segment){ .base = base, .limit = limit, .selector = sel,
				     .type = AR_TYPE(ar), .s = AR_S(ar), .dpl = AR_DPL(ar),
				     .present = AR_P(ar), .avl = (ar >> 8) & 1, .l = AR_L(ar),
				     .db = (ar >> 10) & 1, .g = AR_G(ar), .unusable = !AR_P(ar) };
}

/* Control registers and EFER, common to both modes. */
static int check_control(const struct hv_mem *mem, uint64_t cr0, uint64_t cr3, uint64_t cr4,
			 uint64_t efer, char *why, size_t len)
{
	if (cr0 & ~CR0_OK)
		return BAD("CR0 0x%llx sets unsupported bits", (unsigned long long)cr0);
	if (!(cr0 & CR0_PE))
		return BAD("CR0.PE is clear (real mode is not supported)");
	if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
		return BAD("CR0.NW without CR0.CD");
	if (cr4 & ~CR4_OK)
		return BAD("CR4 0x%llx sets unsupported bits", (unsigned long long)cr4);
	if (efer & ~EFER_OK)
		return BAD("EFER 0x%llx sets unsupported bits", (unsigned long long)efer);
	if (cr0 & CR0_PG) {
		uint64_t root = cr3 & ~0xfffull;

		if (cr3 >= PHYS_LIMIT || !gmem_gpa_ptr(mem, root, HV_PAGE_SIZE))
			return BAD("CR3 0x%llx is not a page of guest RAM", (unsigned long long)cr3);
	}
	return 0;
}

static int convert64(const struct hv_mem *mem, const struct vcpu_hvm_x86_64 *c,
		     struct kvm_regs *r, struct kvm_sregs *s, char *why, size_t len)
{
	const uint16_t code = 0xb | 0x10 | 0x80 | 0x200 | 0x800; /* L=1 */
	const uint16_t data = 0x3 | 0x10 | 0x80 | 0x400 | 0x800;
	int e;

	if ((e = check_control(mem, c->cr0, c->cr3, c->cr4, c->efer, why, len)))
		return e;
	if (!(c->cr0 & CR0_PG) || !(c->cr4 & CR4_PAE) || !(c->efer & EFER_LME))
		return BAD("64-bit mode needs CR0.PG, CR4.PAE and EFER.LME");
	if (!canonical(c->rip) || !canonical(c->rsp))
		return BAD("RIP 0x%llx or RSP 0x%llx is not canonical",
			   (unsigned long long)c->rip, (unsigned long long)c->rsp);
	if (c->rflags & ~RFLAGS_OK)
		return BAD("RFLAGS 0x%llx sets reserved bits or VM", (unsigned long long)c->rflags);
	*r = (struct kvm_regs){ .rax = c->rax, .rcx = c->rcx, .rdx = c->rdx, .rbx = c->rbx,
				.rsp = c->rsp, .rbp = c->rbp, .rsi = c->rsi, .rdi = c->rdi,
				.rip = c->rip, .rflags = c->rflags | 0x2 };
	s->cs = seg(0, 0xffffffff, code, SEL_CODE);
	s->ds = s->es = s->fs = s->gs = s->ss = seg(0, 0xffffffff, data, SEL_DATA);
	s->tr = seg(0, 0x67, 0xb | 0x80, SEL_TSS); /* 64-bit busy TSS */
	s->cr0 = c->cr0;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->efer = c->efer | EFER_LMA;
	return 0;
}

/* One 32-bit segment: present (unless absent is allowed), DPL 0, limit
 * consistent with G, and of the right kind for the register. */
static int check_seg32(const char *name, uint32_t limit, uint16_t ar, bool code, bool may_be_absent,
		       char *why, size_t len)
{
	if (ar & 0xf000)
		return BAD("%s attributes 0x%x set reserved bits", name, ar);
	if (!AR_P(ar))
		return may_be_absent ? 0 : BAD("%s is not present", name);
	if (!AR_S(ar) || AR_DPL(ar) || AR_L(ar))
		return BAD("%s attributes 0x%x: want a DPL 0 code/data segment, L = 0", name, ar);
	if (AR_G(ar) && (limit & 0xfff) != 0xfff)
		return BAD("%s limit 0x%x does not end a 4 KiB page though G = 1", name, limit);
	if (!AR_G(ar) && limit > 0xfffff)
		return BAD("%s limit 0x%x needs G = 1", name, limit);
	if (code && (!(AR_TYPE(ar) & 8) || !((ar >> 10) & 1)))
		return BAD("%s attributes 0x%x: want 32-bit code", name, ar);
	if (!code && (AR_TYPE(ar) & 8) && !(AR_TYPE(ar) & 2))
		return BAD("%s attributes 0x%x: execute-only code cannot be a data segment", name, ar);
	return 0;
}

static int convert32(const struct hv_mem *mem, const struct vcpu_hvm_x86_32 *c,
		     struct kvm_regs *r, struct kvm_sregs *s, char *why, size_t len)
{
	uint16_t tr_ar = c->tr_ar ? c->tr_ar : 0xb | 0x80;
	uint32_t tr_limit = c->tr_ar ? c->tr_limit : 0x67;
	int e;

	if ((e = check_control(mem, c->cr0, c->cr3, c->cr4, c->efer, why, len)))
		return e;
	if (c->efer & (EFER_LME | EFER_LMA))
		return BAD("EFER.LME/LMA in 32-bit mode (use the 64-bit mode)");
	if (c->eflags & ~RFLAGS_OK)
		return BAD("EFLAGS 0x%x sets reserved bits or VM", c->eflags);
	if ((e = check_seg32("CS", c->cs_limit, c->cs_ar, true, false, why, len)) ||
	    (e = check_seg32("SS", c->ss_limit, c->ss_ar, false, false, why, len)) ||
	    (e = check_seg32("DS", c->ds_limit, c->ds_ar, false, true, why, len)) ||
	    (e = check_seg32("ES", c->es_limit, c->es_ar, false, true, why, len)))
		return e;
	if (AR_TYPE(c->ss_ar) & 8 || !(AR_TYPE(c->ss_ar) & 2))
		return BAD("SS attributes 0x%x: want writable data", c->ss_ar);
	if ((tr_ar & 0xff70) != 0 || !AR_P(tr_ar) || (AR_TYPE(tr_ar) != 0xb && AR_TYPE(tr_ar) != 3))
		return BAD("TR attributes 0x%x: want a present busy TSS", c->tr_ar);
	*r = (struct kvm_regs){ .rax = c->eax, .rcx = c->ecx, .rdx = c->edx, .rbx = c->ebx,
				.rsp = c->esp, .rbp = c->ebp, .rsi = c->esi, .rdi = c->edi,
				.rip = c->eip, .rflags = c->eflags | 0x2 };
	s->cs = seg(c->cs_base, c->cs_limit, c->cs_ar, SEL_CODE);
	s->ss = seg(c->ss_base, c->ss_limit, c->ss_ar, SEL_DATA);
	s->ds = seg(c->ds_base, c->ds_limit, c->ds_ar, AR_P(c->ds_ar) ? SEL_DATA : 0);
	s->es = seg(c->es_base, c->es_limit, c->es_ar, AR_P(c->es_ar) ? SEL_DATA : 0);
	s->fs = s->gs = seg(0, 0, 0, 0); /* unusable */
	s->tr = seg(c->tr_base, tr_limit, tr_ar, SEL_TSS);
	s->cr0 = c->cr0;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->efer = c->efer;
	return 0;
}

int hv_smp_ctx_convert(const struct hv_mem *mem, const struct vcpu_hvm_context *c,
		       struct kvm_regs *regs, struct kvm_sregs *sregs, char *why, size_t len)
{
	memset(sregs, 0, sizeof(*sregs));
	sregs->ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
	if (c->pad)
		return BAD("pad is 0x%x, not 0", c->pad);
	switch (c->mode) {
	case VCPU_HVM_MODE_64B:
		return convert64(mem, &c->cpu_regs.x86_64, regs, sregs, why, len);
	case VCPU_HVM_MODE_32B:
		return convert32(mem, &c->cpu_regs.x86_32, regs, sregs, why, len);
	default:
		return BAD("unknown mode %u", c->mode);
	}
}
