/* emu_int.h: the software CPU's private state, shared by the emu_*.c
 * files. Nothing here is visible to the hypervisor (emu.h is the API). */
#ifndef HV_EMU_INT_H
#define HV_EMU_INT_H

#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include "emu.h"

/* RFLAGS bits. */
#define EMU_CF 0x0001u
#define EMU_PF 0x0004u
#define EMU_AF 0x0010u
#define EMU_ZF 0x0040u
#define EMU_SF 0x0080u
#define EMU_TF 0x0100u
#define EMU_IF 0x0200u
#define EMU_DF 0x0400u
#define EMU_OF 0x0800u
#define EMU_IOPL 0x3000u
#define EMU_NT 0x4000u
#define EMU_RF 0x10000u
#define EMU_AC 0x40000u
#define EMU_ID 0x200000u
#define EMU_ARITH (EMU_CF | EMU_PF | EMU_AF | EMU_ZF | EMU_SF | EMU_OF)
/* What popf/iret may change at CPL 0 (VM, VIF, VIP stay clear). */
#define EMU_FLAGS_WRITABLE                                                                         \
	(EMU_ARITH | EMU_TF | EMU_IF | EMU_DF | EMU_IOPL | EMU_NT | EMU_AC | EMU_ID)

/* Exception vectors. */
enum {
	EMU_X_DE = 0,
	EMU_X_DB = 1,
	EMU_X_BP = 3,
	EMU_X_OF = 4,
	EMU_X_UD = 6,
	EMU_X_DF = 8,
	EMU_X_TS = 10,
	EMU_X_NP = 11,
	EMU_X_SS = 12,
	EMU_X_GP = 13,
	EMU_X_PF = 14,
	EMU_X_AC = 17,
};

/* #PF error code bits. */
#define EMU_PFE_P 1u
#define EMU_PFE_W 2u
#define EMU_PFE_U 4u
#define EMU_PFE_RSVD 8u
#define EMU_PFE_I 16u

/* Control-register and EFER bits the CPU interprets. */
#define EMU_CR0_PE (1ull << 0)
#define EMU_CR0_TS (1ull << 3)
#define EMU_CR0_WP (1ull << 16)
#define EMU_CR0_PG (1ull << 31)
#define EMU_CR4_PSE (1ull << 4)
#define EMU_CR4_PAE (1ull << 5)
#define EMU_EFER_SCE (1ull << 0)
#define EMU_EFER_LME (1ull << 8)
#define EMU_EFER_LMA (1ull << 10)
#define EMU_EFER_NXE (1ull << 11)

/* MSRs kept by the CPU itself. */
#define EMU_MSR_TSC 0x10
#define EMU_MSR_PAT 0x277
#define EMU_MSR_EFER 0xc0000080
#define EMU_MSR_STAR 0xc0000081
#define EMU_MSR_LSTAR 0xc0000082
#define EMU_MSR_CSTAR 0xc0000083
#define EMU_MSR_FMASK 0xc0000084
#define EMU_MSR_FS_BASE 0xc0000100
#define EMU_MSR_GS_BASE 0xc0000101
#define EMU_MSR_KERNEL_GS_BASE 0xc0000102
#define EMU_MSR_TSC_AUX 0xc0000103

/* Segment register numbers (the ModRM reg field of mov Sreg). */
enum { EMU_ES, EMU_CS, EMU_SS, EMU_DS, EMU_FS, EMU_GS, EMU_SEG_NONE = 7 };

/* GPR numbers in encoding order. */
enum { EMU_RAX, EMU_RCX, EMU_RDX, EMU_RBX, EMU_RSP, EMU_RBP, EMU_RSI, EMU_RDI };

/* Access kinds for translation; also the TLB tag slot. */
enum emu_access { EMU_READ = 0, EMU_WRITE = 1, EMU_FETCH = 2 };

#define EMU_TLB_SIZE 512 /* per array: one for data, one for fetches */
#define EMU_TLB_INVALID (~0ull)

/* One cached translation: the tags hold the virtual page number for each
 * access kind the page allows (EMU_TLB_INVALID otherwise; a write tag is
 * only set once the D bit is set in the guest's page table). */
struct emu_tlb_entry {
	uint64_t tag[3];
	uint8_t *host;
	bool user; /* the walk allowed CPL 3 */
};

/* Why an instruction was abandoned (the longjmp value). */
enum emu_abort {
	EMU_ABORT_EXC = 1, /* exception in c->exc_* */
	EMU_ABORT_EXIT,	   /* run already filled: return EMU_EXIT_KVM */
};

/* What the next emu_run must complete first. */
enum emu_pending { EMU_PEND_NONE, EMU_PEND_IN, EMU_PEND_RDMSR, EMU_PEND_WRMSR };

/* An operand: a pointer to its bytes (a GPR, a guest page, or bounce for
 * a memory operand crossing a page) plus what put needs to know. */
struct emu_opnd {
	uint8_t *p;
	bool reg;     /* p points into c->gpr */
	bool split;   /* p == bounce: write back to lin on put */
	uint64_t lin; /* linear address of a memory operand */
	uint8_t bounce[16];
};

/* The instruction being executed. */
struct emu_insn {
	uint64_t rip;	  /* its first byte */
	uint64_t next;	  /* RIP after it as far as fetched */
	uint8_t len;	  /* bytes fetched */
	uint8_t op;	  /* opcode byte (second byte for 0F xx) */
	uint8_t opsize;	  /* 1, 2, 4, 8 (2/4/8 for v-sized; byte ops set 1 themselves) */
	uint8_t addrsize; /* 2, 4, 8 */
	uint8_t rex;	  /* REX byte or 0 */
	uint8_t rep;	  /* 0, 0xf2, 0xf3 */
	bool lock;
	bool opsize_prefix;	     /* 66 seen */
	uint8_t seg;		     /* override or EMU_SEG_NONE */
	uint8_t modrm, mod, reg, rm; /* reg and rm include REX.R / REX.B */
	bool rip_rel;
	uint64_t ea;	   /* effective address (offset within seg) */
	uint8_t ea_seg;	   /* segment the effective address defaults to */
	uint8_t bytes[15]; /* fetched bytes, for failure reports */
};

struct emu_cpu {
	struct emu_ops ops;
	struct kvm_regs *regs;
	struct kvm_sregs *sregs;
	struct kvm_run *run;
	size_t run_size;
	uint32_t io_offset;

	/* Working copies of the GPRs, RIP and RFLAGS (loaded from *regs at
	 * emu_run's start and stored back when it returns). */
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;

	/* Mode, derived from *sregs by emu_mode_update. */
	bool code64;	 /* 64-bit code segment in long mode */
	bool lma;	 /* IA-32e mode active */
	bool paging;	 /* CR0.PG */
	uint8_t defsize; /* default operand size (2 or 4) */
	uint8_t cpl;

	bool shadow_next;  /* interrupt shadow: sti / mov ss just ran */
	bool halted;	   /* hlt executed: leave the loop */
	uint8_t acc_len;   /* size of the data access being translated (MMIO exits) */
	uint8_t pending;   /* enum emu_pending */
	uint8_t pend_size; /* IN: 1/2/4 */
	uint64_t pend_rip; /* RIP after the pending instruction */
	uint64_t insns;
	uint64_t budget; /* instructions left in this emu_run */
	const volatile uint32_t *attention;

	/* MSRs kept here. */
	uint64_t kernel_gs_base, star, lstar, cstar, fmask, pat, tsc_aux;

	/* Exception being raised or delivered. */
	jmp_buf jb;
	uint8_t exc_vec;
	bool exc_has_err;
	uint32_t exc_err;
	int delivering; /* vector being delivered + 1, 0 when none */

	struct emu_insn in;
	/* Page of the last fetch, so decoding a byte is one compare. */
	uint64_t fetch_vpn;
	const uint8_t *fetch_host;
	struct emu_tlb_entry tlb[2][EMU_TLB_SIZE];
};

/* The TLB entry for lin: data accesses and fetches in separate arrays
 * (code and data often lie a multiple of 2 MiB apart). */
static inline struct emu_tlb_entry *emu_tlb_slot(struct emu_cpu *c, uint64_t lin, unsigned acc)
{
	uint64_t vpn = lin >> 12;

	return &c->tlb[acc == 2][(vpn ^ (vpn >> 9)) & (EMU_TLB_SIZE - 1)];
}

/* ---- emu_cpu.c ---- */
void emu_mode_update(struct emu_cpu *c);
_Noreturn void emu_raise(struct emu_cpu *c, uint8_t vec);
_Noreturn void emu_raise_err(struct emu_cpu *c, uint8_t vec, uint32_t err);
/* Ends the instruction with run already filled (RIP unchanged). */
_Noreturn void emu_exit_kvm(struct emu_cpu *c);
/* Ends the instruction with an emulation failure carrying its bytes. */
_Noreturn void emu_unsupported(struct emu_cpu *c);
void emu_fill_internal_error(struct emu_cpu *c, bool with_bytes);

/* ---- emu_mem.c ---- */
/* Host pointer for linear address lin (any offset) for the access kind;
 * raises #PF or ends with an MMIO exit. */
uint8_t *emu_translate(struct emu_cpu *c, uint64_t lin, enum emu_access acc);
void emu_tlb_flush(struct emu_cpu *c);
void emu_tlb_flush_page(struct emu_cpu *c, uint64_t lin);
uint64_t emu_lin(struct emu_cpu *c, uint8_t seg, uint64_t off);
uint64_t emu_read_lin(struct emu_cpu *c, uint64_t lin, unsigned size);
void emu_write_lin(struct emu_cpu *c, uint64_t lin, unsigned size, uint64_t val);
void emu_read_block(struct emu_cpu *c, uint64_t lin, void *buf, unsigned size);
uint64_t emu_read_mem(struct emu_cpu *c, uint8_t seg, uint64_t off, unsigned size);
void emu_write_mem(struct emu_cpu *c, uint8_t seg, uint64_t off, unsigned size, uint64_t val);
/* Operand at linear address lin for read (write false) or read-modify-write. */
void emu_opnd_mem(struct emu_cpu *c, struct emu_opnd *o, uint64_t lin, unsigned size, bool write);
void emu_opnd_flush(struct emu_cpu *c, struct emu_opnd *o, unsigned size);
/* Reads a physical (guest) qword of a page table: host pointer or NULL. */
uint8_t *emu_phys(struct emu_cpu *c, uint64_t gpa, bool write);
void emu_push(struct emu_cpu *c, uint64_t val, unsigned size);
uint64_t emu_pop(struct emu_cpu *c, unsigned size);

/* ---- emu_decode.c ---- */
uint8_t emu_fetch8_slow(struct emu_cpu *c);

/* The next instruction byte: from the page of the last fetch when it is
 * the same (64-bit code: CS base 0), else through the TLB. */
static inline uint8_t emu_fetch8(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	uint64_t lin = in->next;

	if (__builtin_expect(c->code64 && lin >> 12 == c->fetch_vpn && in->len < 15, 1)) {
		uint8_t b = c->fetch_host[lin & 0xfff];

		in->bytes[in->len++] = b;
		in->next++;
		return b;
	}
	return emu_fetch8_slow(c);
}
uint64_t emu_fetch_imm(struct emu_cpu *c, unsigned size); /* sign-extended */
/* Decodes prefixes and the opcode; returns the opcode byte, with 0x100
 * added for the 0F map. */
unsigned emu_decode_prefixes(struct emu_cpu *c);
void emu_decode_modrm(struct emu_cpu *c);

/* ---- operands (inline) ---- */
static inline uint64_t emu_mask(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static inline uint64_t emu_sext(uint64_t v, unsigned size)
{
	switch (size) {
	case 1:
		return (uint64_t)(int64_t)(int8_t)v;
	case 2:
		return (uint64_t)(int64_t)(int16_t)v;
	case 4:
		return (uint64_t)(int64_t)(int32_t)v;
	default:
		return v;
	}
}

static inline uint64_t emu_get(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1:
		return *p;
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static inline void emu_set(uint8_t *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2: {
		uint16_t w = (uint16_t)v;
		memcpy(p, &w, 2);
		break;
	}
	case 4: {
		uint32_t w = (uint32_t)v;
		memcpy(p, &w, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
		break;
	}
}

/* GPR reg as an operand of size bytes (AH..BH for 4-7 without REX). */
static inline uint8_t *emu_reg_ptr(struct emu_cpu *c, unsigned reg, unsigned size)
{
	if (size == 1 && !c->in.rex && reg >= 4 && reg < 8)
		return (uint8_t *)&c->gpr[reg - 4] + 1;
	return (uint8_t *)&c->gpr[reg];
}

static inline uint64_t emu_reg_get(struct emu_cpu *c, unsigned reg, unsigned size)
{
	return emu_get(emu_reg_ptr(c, reg, size), size);
}

/* Writes a GPR: 32-bit writes zero the upper half, 8/16-bit ones merge. */
static inline void emu_reg_put(struct emu_cpu *c, unsigned reg, unsigned size, uint64_t v)
{
	if (size == 4)
		c->gpr[reg] = (uint32_t)v;
	else
		emu_set(emu_reg_ptr(c, reg, size), size, v);
}

static inline void emu_opnd_reg(struct emu_cpu *c, struct emu_opnd *o, unsigned reg, unsigned size)
{
	o->p = emu_reg_ptr(c, reg, size);
	o->reg = true;
	o->split = false;
}

static inline uint64_t emu_opnd_get(const struct emu_opnd *o, unsigned size)
{
	return emu_get(o->p, size);
}

static inline void emu_opnd_put(struct emu_cpu *c, struct emu_opnd *o, unsigned size, uint64_t v)
{
	if (o->reg && size == 4) {
		uint64_t w = (uint32_t)v;
		memcpy(o->p, &w, 8);
		return;
	}
	emu_set(o->p, size, v);
	if (o->split)
		emu_opnd_flush(c, o, size);
}

/* ---- emu_alu.c ---- */
/* The eight group-1 operations (add or adc sbb and sub xor cmp): result,
 * with RFLAGS's arithmetic flags updated. */
uint64_t emu_alu(struct emu_cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned size);
uint64_t emu_incdec(struct emu_cpu *c, bool dec, uint64_t a, unsigned size);
uint64_t emu_shift(struct emu_cpu *c, unsigned op, uint64_t a, unsigned count, unsigned size);
uint64_t emu_shld(struct emu_cpu *c, bool right, uint64_t a, uint64_t b, unsigned count,
		  unsigned size);
void emu_flags_logic(struct emu_cpu *c, uint64_t res, unsigned size);
bool emu_cond(const struct emu_cpu *c, unsigned cc);

/* Register-image modifications of RFLAGS. */
static inline void emu_setflag(struct emu_cpu *c, uint64_t flag, bool on)
{
	c->rflags = on ? c->rflags | flag : c->rflags & ~flag;
}

/* ---- emu_exec.c / emu_exec0f.c / emu_string.c / emu_sys.c ---- */
void emu_exec_one(struct emu_cpu *c);
void emu_exec_0f(struct emu_cpu *c, unsigned op);
void emu_exec_string(struct emu_cpu *c, unsigned op);
/* Offset / linear address of the decoded memory operand (call after
 * every immediate is fetched: RIP-relative needs the end). */
uint64_t emu_ea_off(struct emu_cpu *c);
uint64_t emu_ea_lin(struct emu_cpu *c);
bool emu_commit(struct emu_cpu *c, struct emu_opnd *o, unsigned size, uint64_t old, uint64_t val);
/* old = operand; operand = expr (re-evaluated until a locked store wins). */
#define EMU_RMW(c, o, size, old, expr)                                                             \
	do {                                                                                       \
		uint64_t new_;                                                                     \
		do {                                                                               \
			old = emu_opnd_get(o, size);                                               \
			new_ = (expr);                                                             \
		} while (!emu_commit(c, o, size, old, new_));                                      \
	} while (0)
/* The r/m operand of the decoded ModRM (register or memory). */
void emu_opnd_rm(struct emu_cpu *c, struct emu_opnd *o, unsigned size, bool write);

void emu_sys_mov_cr(struct emu_cpu *c, bool to_cr);
void emu_sys_rdmsr(struct emu_cpu *c);
void emu_sys_wrmsr(struct emu_cpu *c);
void emu_sys_cpuid(struct emu_cpu *c);
void emu_sys_group7(struct emu_cpu *c);
void emu_sys_load_seg(struct emu_cpu *c, unsigned seg, uint16_t sel);
void emu_sys_far_jump(struct emu_cpu *c, uint16_t sel, uint64_t off);
void emu_sys_far_ret(struct emu_cpu *c, unsigned size, uint16_t extra);
void emu_sys_iret(struct emu_cpu *c, unsigned size);
void emu_sys_io(struct emu_cpu *c, bool in, uint16_t port, unsigned size);
/* Delivers vector through the IDT (ext: external interrupt; soft: int n,
 * which pushes the RIP after the instruction). */
void emu_deliver(struct emu_cpu *c, uint8_t vec, bool has_err, uint32_t err, bool ext);

#endif
