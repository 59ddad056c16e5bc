/* emu_exec0f.c: execution of the two-byte (0F xx) opcode map: cmovcc,
 * setcc, jcc rel32, bit tests and scans, double shifts, movzx/movsx,
 * cmpxchg/xadd, bswap, and the system instructions (through emu_sys.c). */
#include "emu_int.h"

/* bt bts btr btc (op 0-3) with the bit offset in a register (reg true:
 * a memory operand may lie beyond the addressed word) or an immediate. */
static void bit_op(struct emu_cpu *c, unsigned op, unsigned size, uint64_t bitoff, bool reg)
{
	struct emu_insn *in = &c->in;
	struct emu_opnd o;
	unsigned bits = size * 8;
	uint64_t old, mask;

	if (in->mod == 3 || !reg) {
		emu_opnd_rm(c, &o, size, op != 0);
		bitoff &= bits - 1;
	} else {
		int64_t s = (int64_t)emu_sext(bitoff, size);
		int64_t word = s >> (size == 8 ? 6 : size == 4 ? 5 : 4);
		uint64_t lin = emu_ea_lin(c) + (uint64_t)(word * (int64_t)size);

		if (!c->code64)
			lin = (uint32_t)lin;
		emu_opnd_mem(c, &o, lin, size, op != 0);
		bitoff = (uint64_t)s & (bits - 1);
	}
	mask = 1ull << bitoff;
	if (op == 0) {
		old = emu_opnd_get(&o, size);
	} else {
		EMU_RMW(c, &o, size, old,
			op == 1	  ? old | mask
			: op == 2 ? old & ~mask
				  : old ^ mask);
	}
	emu_setflag(c, EMU_CF, old & mask);
}

static void bit_scan(struct emu_cpu *c, bool reverse, unsigned size)
{
	struct emu_insn *in = &c->in;
	struct emu_opnd o;
	uint64_t v;
	/* F3 0F BC is tzcnt; F3 0F BD stays bsr (no LZCNT in our CPUID). */
	bool cnt = in->rep == 0xf3 && !reverse;

	emu_opnd_rm(c, &o, size, false);
	v = emu_opnd_get(&o, size);
	if (cnt) {
		unsigned bits = size * 8;
		uint64_t r = !v ? bits : (unsigned)__builtin_ctzll(v);

		c->rflags &= ~(uint64_t)EMU_ARITH;
		emu_setflag(c, EMU_CF, !v);
		emu_setflag(c, EMU_ZF, r == 0);
		emu_reg_put(c, in->reg, size, r);
		return;
	}
	c->rflags &= ~(uint64_t)EMU_ARITH;
	if (!v) {
		c->rflags |= EMU_ZF;
		return; /* destination unchanged, as CPUs do */
	}
	emu_reg_put(c, in->reg, size,
		    reverse ? 63u - (unsigned)__builtin_clzll(v) : (unsigned)__builtin_ctzll(v));
}

static void cmpxchg(struct emu_cpu *c, unsigned size)
{
	struct emu_insn *in = &c->in;
	struct emu_opnd o;
	uint64_t acc = c->gpr[EMU_RAX] & emu_mask(size), src = emu_reg_get(c, in->reg, size), old;

	emu_opnd_rm(c, &o, size, true);
	if (in->lock && !o.reg && !o.split && !((uintptr_t)o.p & (size - 1))) {
		do {
			old = emu_opnd_get(&o, size);
			if (old != acc)
				break;
		} while (!emu_commit(c, &o, size, old, src));
	} else {
		old = emu_opnd_get(&o, size);
		/* Memory is written either way; a register only on success
		 * (its upper half survives a failed 32-bit compare). */
		if (old == acc || !o.reg)
			emu_opnd_put(c, &o, size, old == acc ? src : old);
	}
	emu_alu(c, 7, acc, old, size);
	if (old != acc)
		emu_reg_put(c, EMU_RAX, size, old);
}

static void cmpxchg8b(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	struct emu_opnd o;
	uint64_t expect = (uint32_t)c->gpr[EMU_RAX] | (c->gpr[EMU_RDX] << 32);
	uint64_t val = (uint32_t)c->gpr[EMU_RBX] | (c->gpr[EMU_RCX] << 32);
	uint64_t old;

	if (in->mod == 3 || (in->rex & 8))
		emu_unsupported(c); /* cmpxchg16b */
	emu_opnd_rm(c, &o, 8, true);
	if (!o.split && !((uintptr_t)o.p & 7)) {
		old = expect;
		if (!__atomic_compare_exchange_n((uint64_t *)(void *)o.p, &old, val, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			/* old holds the memory value */
		} else {
			old = expect;
		}
	} else {
		old = emu_opnd_get(&o, 8);
		emu_opnd_put(c, &o, 8, old == expect ? val : old);
	}
	emu_setflag(c, EMU_ZF, old == expect);
	if (old != expect) {
		c->gpr[EMU_RAX] = (uint32_t)old;
		c->gpr[EMU_RDX] = old >> 32;
	}
}

void emu_exec_0f(struct emu_cpu *c, unsigned op)
{
	struct emu_insn *in = &c->in;
	struct emu_opnd o;
	unsigned size = in->opsize;
	uint64_t v, old;

	switch (op) {
	case 0x01:
		emu_decode_modrm(c);
		emu_sys_group7(c);
		break;
	case 0x06: /* clts */
		c->sregs->cr0 &= ~EMU_CR0_TS;
		break;
	case 0x08: /* invd */
	case 0x09: /* wbinvd */
		break;
	case 0x0b: /* ud2 */
		emu_raise(c, EMU_X_UD);
	case 0x0d:	    /* prefetch */
	case 0x18 ... 0x1f: /* hints, nop Ev */
		emu_decode_modrm(c);
		break;
	case 0x20:
	case 0x22:
		emu_decode_modrm(c);
		emu_sys_mov_cr(c, op == 0x22);
		break;
	case 0x30:
		emu_sys_wrmsr(c);
		break;
	case 0x31: /* rdtsc */
		v = c->ops.rdtsc(c->ops.ctx);
		c->gpr[EMU_RAX] = (uint32_t)v;
		c->gpr[EMU_RDX] = v >> 32;
		break;
	case 0x32:
		emu_sys_rdmsr(c);
		break;
	case 0x40 ... 0x4f: /* cmovcc */
		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, size, false);
		v = emu_opnd_get(&o, size);
		if (emu_cond(c, op & 15))
			emu_reg_put(c, in->reg, size, v);
		else if (size == 4)
			c->gpr[in->reg] = (uint32_t)c->gpr[in->reg];
		break;
	case 0x80 ... 0x8f:
		v = emu_fetch_imm(c, (c->code64 || size != 2) ? 4 : 2);
		if (emu_cond(c, op & 15)) {
			in->next += v;
			if (!c->code64)
				in->next = size == 2 ? (uint16_t)in->next : (uint32_t)in->next;
		}
		break;
	case 0x90 ... 0x9f: /* setcc */
		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, 1, true);
		emu_opnd_put(c, &o, 1, emu_cond(c, op & 15));
		break;
	case 0xa0: /* push fs */
	case 0xa8: /* push gs */
		emu_push(c, op == 0xa0 ? c->sregs->fs.selector : c->sregs->gs.selector,
			 c->code64 ? (in->opsize_prefix ? 2 : 8) : size);
		break;
	case 0xa1:   /* pop fs */
	case 0xa9: { /* pop gs */
		unsigned s = c->code64 ? (in->opsize_prefix ? 2 : 8) : size;
		uint64_t rsp = c->gpr[EMU_RSP];

		v = emu_pop(c, s);
		c->gpr[EMU_RSP] = rsp; /* only once the load succeeds */
		emu_sys_load_seg(c, op == 0xa1 ? EMU_FS : EMU_GS, (uint16_t)v);
		c->gpr[EMU_RSP] = rsp + s;
		break;
	}
	case 0xa2:
		emu_sys_cpuid(c);
		break;
	case 0xa3: /* bt */
	case 0xab: /* bts */
	case 0xb3: /* btr */
	case 0xbb: /* btc */
		emu_decode_modrm(c);
		bit_op(c,
		       op == 0xa3   ? 0
		       : op == 0xab ? 1
		       : op == 0xb3 ? 2
				    : 3,
		       size, emu_reg_get(c, in->reg, size), true);
		break;
	case 0xba: { /* bt* Ev, Ib */
		unsigned k;

		emu_decode_modrm(c);
		k = in->reg & 7;
		if (k < 4)
			emu_raise(c, EMU_X_UD);
		if (in->lock && k == 4)
			emu_raise(c, EMU_X_UD);
		v = emu_fetch8(c);
		bit_op(c, k - 4, size, v, false);
		break;
	}
	case 0xa4:
	case 0xa5:
	case 0xac:
	case 0xad: { /* shld / shrd */
		unsigned count;

		emu_decode_modrm(c);
		count = (op & 1) ? c->gpr[EMU_RCX] & 0xff : emu_fetch8(c);
		emu_opnd_rm(c, &o, size, true);
		old = emu_opnd_get(&o, size);
		v = emu_shld(c, op >= 0xac, old, emu_reg_get(c, in->reg, size), count, size);
		emu_opnd_put(c, &o, size, v);
		break;
	}
	case 0xaf: { /* imul Gv, Ev */
		__int128 p;

		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, size, false);
		p = (__int128)(int64_t)emu_sext(emu_opnd_get(&o, size), size) *
		    (int64_t)emu_sext(emu_reg_get(c, in->reg, size), size);
		v = (uint64_t)p & emu_mask(size);
		emu_flags_logic(c, v, size);
		if (p != (__int128)(int64_t)emu_sext(v, size))
			c->rflags |= EMU_CF | EMU_OF;
		emu_reg_put(c, in->reg, size, v);
		break;
	}
	case 0xae:
		emu_decode_modrm(c);
		if (in->mod == 3) {
			unsigned k = in->reg & 7;

			if (k < 5)
				emu_unsupported(c);
			__atomic_thread_fence(__ATOMIC_SEQ_CST); /* lfence mfence sfence */
		} else if ((in->reg & 7) == 7) {
			(void)emu_ea_lin(c); /* clflush: coherent memory, nothing to do */
		} else {
			emu_unsupported(c); /* fxsave, ldmxcsr, xsave... */
		}
		break;
	case 0xb0:
	case 0xb1:
		emu_decode_modrm(c);
		cmpxchg(c, op == 0xb0 ? 1 : size);
		break;
	case 0xb6:
	case 0xb7:
	case 0xbe:
	case 0xbf: { /* movzx / movsx */
		unsigned s = (op & 1) ? 2 : 1;

		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, s, false);
		v = emu_opnd_get(&o, s);
		if (op >= 0xbe)
			v = emu_sext(v, s);
		emu_reg_put(c, in->reg, size, v);
		break;
	}
	case 0xbc:
	case 0xbd:
		emu_decode_modrm(c);
		bit_scan(c, op == 0xbd, size);
		break;
	case 0xc0:
	case 0xc1: { /* xadd */
		unsigned s = op == 0xc0 ? 1 : size;
		uint64_t src;

		emu_decode_modrm(c);
		src = emu_reg_get(c, in->reg, s);
		emu_opnd_rm(c, &o, s, true);
		EMU_RMW(c, &o, s, old, emu_alu(c, 0, old, src, s));
		if (!(o.reg && in->rm == in->reg))
			emu_reg_put(c, in->reg, s, old);
		break;
	}
	case 0xc7:
		emu_decode_modrm(c);
		if ((in->reg & 7) != 1)
			emu_unsupported(c); /* rdrand, rdseed, vmptrld... */
		cmpxchg8b(c);
		break;
	case 0xc8 ... 0xcf: { /* bswap */
		unsigned r = (op & 7) | ((in->rex & 1) << 3);

		if (size == 8)
			c->gpr[r] = __builtin_bswap64(c->gpr[r]);
		else if (size == 4)
			c->gpr[r] = __builtin_bswap32((uint32_t)c->gpr[r]);
		else
			emu_reg_put(c, r, 2, 0); /* undefined; CPUs give 0 */
		break;
	}
	default:
		emu_unsupported(c); /* popcnt, SSE, syscall, vmx... */
	}
}
