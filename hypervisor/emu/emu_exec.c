/* emu_exec.c: execution of the one-byte opcode map. An instruction reads
 * its operands, then writes memory, then registers, so a fault part-way
 * leaves the guest's state as before it (RIP is committed last). */
#include "emu_int.h"

/* Offset of the decoded memory operand (RIP-relative resolved: call only
 * after every immediate is fetched). */
uint64_t emu_ea_off(struct emu_cpu *c)
{
	uint64_t off = c->in.ea + (c->in.rip_rel ? c->in.next : 0);

	return c->in.addrsize == 4 ? (uint32_t)off : off;
}

uint64_t emu_ea_lin(struct emu_cpu *c)
{
	return emu_lin(c, c->in.ea_seg, emu_ea_off(c));
}

void emu_opnd_rm(struct emu_cpu *c, struct emu_opnd *o, unsigned size, bool write)
{
	if (c->in.mod == 3) {
		if (c->in.lock)
			emu_raise(c, EMU_X_UD);
		emu_opnd_reg(c, o, c->in.rm, size);
		return;
	}
	emu_opnd_mem(c, o, emu_ea_lin(c), size, write);
}

/* Stores a read-modify-write result: with lock on guest memory only if
 * the operand still holds old (false: the caller recomputes). */
bool emu_commit(struct emu_cpu *c, struct emu_opnd *o, unsigned size, uint64_t old, uint64_t val)
{
	/* Atomic when naturally aligned (a misaligned locked access would
	 * be a split lock: no guest of ours does that). */
	if (c->in.lock && !o->reg && !o->split && !((uintptr_t)o->p & (size - 1))) {
		switch (size) {
		case 1: {
			uint8_t e = (uint8_t)old;
			return __atomic_compare_exchange_n(o->p, &e, (uint8_t)val, false,
							   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		}
		case 2: {
			uint16_t e = (uint16_t)old;
			return __atomic_compare_exchange_n((uint16_t *)(void *)o->p, &e,
							   (uint16_t)val, false, __ATOMIC_SEQ_CST,
							   __ATOMIC_SEQ_CST);
		}
		case 4: {
			uint32_t e = (uint32_t)old;
			return __atomic_compare_exchange_n((uint32_t *)(void *)o->p, &e,
							   (uint32_t)val, false, __ATOMIC_SEQ_CST,
							   __ATOMIC_SEQ_CST);
		}
		default: {
			uint64_t e = old;
			return __atomic_compare_exchange_n((uint64_t *)(void *)o->p, &e, val, false,
							   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		}
		}
	}
	emu_opnd_put(c, o, size, val);
	return true;
}

#define RMW EMU_RMW

/* Group-1 operation on an r/m destination. */
static void alu_rm(struct emu_cpu *c, unsigned op, unsigned size, uint64_t src)
{
	struct emu_opnd o;
	uint64_t old;

	if (op == 7) {
		emu_opnd_rm(c, &o, size, false);
		emu_alu(c, 7, emu_opnd_get(&o, size), src, size);
		return;
	}
	emu_opnd_rm(c, &o, size, true);
	RMW(c, &o, size, old, emu_alu(c, op, old, src, size));
}

static unsigned stack_size(struct emu_cpu *c)
{
	if (c->code64)
		return c->in.opsize_prefix ? 2 : 8;
	return c->in.opsize;
}

static uint64_t branch_target(struct emu_cpu *c, uint64_t target)
{
	if (c->code64)
		return target;
	return c->in.opsize == 2 ? (uint16_t)target : (uint32_t)target;
}

static uint64_t imm_z(struct emu_cpu *c, unsigned size)
{
	return emu_fetch_imm(c, size == 2 ? 2 : 4);
}

static void group3(struct emu_cpu *c, unsigned size)
{
	struct emu_opnd o;
	uint64_t old, src, m = emu_mask(size);
	unsigned bits = size * 8;

	switch (c->in.reg & 7) {
	case 0:
	case 1: { /* test */
		uint64_t imm = size == 1 ? emu_fetch_imm(c, 1) : imm_z(c, size);

		emu_opnd_rm(c, &o, size, false);
		emu_alu(c, 4, emu_opnd_get(&o, size), imm, size);
		return;
	}
	case 2: /* not */
		emu_opnd_rm(c, &o, size, true);
		RMW(c, &o, size, old, ~old & m);
		return;
	case 3: /* neg */
		emu_opnd_rm(c, &o, size, true);
		RMW(c, &o, size, old, emu_alu(c, 5, 0, old, size));
		return;
	default:
		break;
	}
	if (c->in.lock)
		emu_raise(c, EMU_X_UD);
	emu_opnd_rm(c, &o, size, false);
	src = emu_opnd_get(&o, size);
	uint64_t a = c->gpr[EMU_RAX] & m;
	uint64_t d = size == 1 ? (c->gpr[EMU_RAX] >> 8) & 0xff : c->gpr[EMU_RDX] & m;
	uint64_t lo, hi;
	bool of;

	switch (c->in.reg & 7) {
	case 4: { /* mul */
		unsigned __int128 p = (unsigned __int128)a * src;

		lo = (uint64_t)p & m;
		hi = size == 8 ? (uint64_t)(p >> 64) : (uint64_t)(p >> bits) & m;
		of = hi != 0;
		break;
	}
	case 5: { /* imul */
		__int128 p = (__int128)(int64_t)emu_sext(a, size) * (int64_t)emu_sext(src, size);

		lo = (uint64_t)p & m;
		hi = size == 8 ? (uint64_t)(p >> 64) : (uint64_t)(p >> bits) & m;
		of = p != (__int128)(int64_t)emu_sext(lo, size);
		break;
	}
	case 6: { /* div */
		unsigned __int128 n = size == 8 ? ((unsigned __int128)d << 64) | a
						: ((unsigned __int128)d << bits) | a;
		unsigned __int128 q;

		if (!src)
			emu_raise(c, EMU_X_DE);
		q = n / src;
		if (q > m)
			emu_raise(c, EMU_X_DE);
		lo = (uint64_t)q;
		hi = (uint64_t)(n % src);
		goto store_div;
	}
	default: { /* idiv */
		unsigned __int128 un = size == 8 ? ((unsigned __int128)d << 64) | a
						 : ((unsigned __int128)d << bits) | a;
		__int128 n, q, r;
		int64_t s = (int64_t)emu_sext(src, size);

		if (size < 8)
			n = (__int128)(int64_t)emu_sext((uint64_t)un, size * 2);
		else
			n = (__int128)un;
		if (!s)
			emu_raise(c, EMU_X_DE);
		if (s == -1 && size == 8 && un == (unsigned __int128)1 << 127)
			emu_raise(c, EMU_X_DE);
		q = n / s;
		r = n % s;
		if (q > (__int128)(int64_t)(m >> 1) || q < -(__int128)(int64_t)(m >> 1) - 1)
			emu_raise(c, EMU_X_DE);
		lo = (uint64_t)q & m;
		hi = (uint64_t)r & m;
		goto store_div;
	}
	}
	/* mul/imul: CF = OF = the high half matters; SF ZF PF from the low. */
	{
		uint64_t f = (of ? EMU_CF | EMU_OF : 0);

		if (!(lo & m))
			f |= EMU_ZF;
		if (lo >> (bits - 1))
			f |= EMU_SF;
		if (!__builtin_parity((unsigned)(lo & 0xff)))
			f |= EMU_PF;
		c->rflags = (c->rflags & ~(uint64_t)EMU_ARITH) | f;
	}
store_div:
	if (size == 1) {
		c->gpr[EMU_RAX] = (c->gpr[EMU_RAX] & ~0xffffull) | (hi << 8) | lo;
	} else {
		emu_reg_put(c, EMU_RAX, size, lo);
		emu_reg_put(c, EMU_RDX, size, hi);
	}
}

static void group5(struct emu_cpu *c, unsigned size)
{
	struct emu_opnd o;
	uint64_t old, v;
	unsigned op = c->in.reg & 7;

	switch (op) {
	case 0:
	case 1:
		emu_opnd_rm(c, &o, size, true);
		RMW(c, &o, size, old, emu_incdec(c, op == 1, old, size));
		return;
	default:
		break;
	}
	if (c->in.lock || (size == 1))
		emu_raise(c, EMU_X_UD);
	switch (op) {
	case 2: /* call near indirect */
	case 4: /* jmp near indirect */ {
		unsigned s = c->code64 ? 8 : c->in.opsize;

		emu_opnd_rm(c, &o, s, false);
		v = emu_opnd_get(&o, s);
		if (op == 2)
			emu_push(c, c->in.next, s);
		c->in.next = branch_target(c, v);
		return;
	}
	case 5: { /* jmp far m16:32/64 */
		uint64_t lin, off;

		if (c->in.mod == 3)
			emu_raise(c, EMU_X_UD);
		lin = emu_ea_lin(c);
		off = emu_read_lin(c, lin, c->in.opsize);
		v = emu_read_lin(c, lin + c->in.opsize, 2);
		emu_sys_far_jump(c, (uint16_t)v, off);
		return;
	}
	case 6: { /* push */
		unsigned s = stack_size(c);

		emu_opnd_rm(c, &o, s, false);
		emu_push(c, emu_opnd_get(&o, s), s);
		return;
	}
	default:
		emu_unsupported(c);
	}
}

static void xchg(struct emu_cpu *c, unsigned size)
{
	struct emu_opnd o;
	uint64_t src = emu_reg_get(c, c->in.reg, size), old;

	if (c->in.mod == 3) {
		old = emu_reg_get(c, c->in.rm, size);
		emu_reg_put(c, c->in.rm, size, src);
		emu_reg_put(c, c->in.reg, size, old);
		return;
	}
	/* xchg with memory is always atomic. */
	emu_opnd_mem(c, &o, emu_ea_lin(c), size, true);
	if (o.split || ((uintptr_t)o.p & (size - 1))) {
		old = emu_opnd_get(&o, size);
		emu_opnd_put(c, &o, size, src);
	} else {
		switch (size) {
		case 1:
			old = __atomic_exchange_n(o.p, (uint8_t)src, __ATOMIC_SEQ_CST);
			break;
		case 2:
			old = __atomic_exchange_n((uint16_t *)(void *)o.p, (uint16_t)src,
						  __ATOMIC_SEQ_CST);
			break;
		case 4:
			old = __atomic_exchange_n((uint32_t *)(void *)o.p, (uint32_t)src,
						  __ATOMIC_SEQ_CST);
			break;
		default:
			old = __atomic_exchange_n((uint64_t *)(void *)o.p, src, __ATOMIC_SEQ_CST);
			break;
		}
	}
	emu_reg_put(c, c->in.reg, size, old);
}

static void popf(struct emu_cpu *c)
{
	unsigned s = stack_size(c);
	uint64_t v = emu_pop(c, s);
	uint64_t keep = s == 2 ? ~0xffffull : 0;

	v = (c->rflags & keep) | (v & ~keep);
	c->rflags = (v & EMU_FLAGS_WRITABLE) | 2;
}

static void enter(struct emu_cpu *c)
{
	unsigned s = stack_size(c);
	uint64_t alloc = (uint16_t)emu_fetch_imm(c, 2);
	unsigned level = emu_fetch8(c) & 31;
	uint64_t rbp = c->gpr[EMU_RBP], frame;

	if (level)
		emu_unsupported(c);
	emu_push(c, rbp, s);
	frame = c->gpr[EMU_RSP];
	c->gpr[EMU_RSP] -= alloc;
	emu_reg_put(c, EMU_RBP, s, frame);
}

/* Opcodes lock may prefix (with a memory destination, checked when the
 * operand is decoded; group members are checked by their handlers). */
static bool lockable(unsigned op)
{
	if (op < 0x40)
		return (op & 7) < 2 && (op >> 3) != 7;
	switch (op) {
	case 0x80 ... 0x83:
	case 0x86:
	case 0x87:
	case 0xf6:
	case 0xf7:
	case 0xfe:
	case 0xff:
	case 0x1ab:
	case 0x1b3:
	case 0x1bb:
	case 0x1ba:
	case 0x1b0:
	case 0x1b1:
	case 0x1c0:
	case 0x1c1:
	case 0x1c7:
		return true;
	default:
		return false;
	}
}

void emu_exec_one(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	struct emu_opnd o;
	unsigned op, size;
	uint64_t v, old;

	in->next = c->rip;
	op = emu_decode_prefixes(c);
	in->op = (uint8_t)op;
	if (__builtin_expect(in->lock, 0) && !lockable(op))
		emu_raise(c, EMU_X_UD);
	if (op >= 0x100) {
		emu_exec_0f(c, op & 0xff);
		c->rip = in->next;
		return;
	}
	size = in->opsize;
	switch (op) {
	case 0x00 ... 0x3f:
		if ((op & 7) >= 6)
			emu_unsupported(c); /* daa das aaa aas, push/pop es cs ss ds */
		switch (op & 7) {
		case 0:
			emu_decode_modrm(c);
			alu_rm(c, op >> 3, 1, emu_reg_get(c, in->reg, 1));
			break;
		case 1:
			emu_decode_modrm(c);
			alu_rm(c, op >> 3, size, emu_reg_get(c, in->reg, size));
			break;
		case 2:
		case 3: {
			unsigned s = (op & 1) ? size : 1;

			if (in->lock)
				emu_raise(c, EMU_X_UD);
			emu_decode_modrm(c);
			emu_opnd_rm(c, &o, s, false);
			v = emu_alu(c, op >> 3, emu_reg_get(c, in->reg, s), emu_opnd_get(&o, s), s);
			if ((op >> 3) != 7)
				emu_reg_put(c, in->reg, s, v);
			break;
		}
		case 4:
		case 5: {
			unsigned s = (op & 1) ? size : 1;
			uint64_t imm = s == 1 ? emu_fetch_imm(c, 1) : imm_z(c, s);

			if (in->lock)
				emu_raise(c, EMU_X_UD);
			v = emu_alu(c, op >> 3, c->gpr[EMU_RAX], imm, s);
			if ((op >> 3) != 7)
				emu_reg_put(c, EMU_RAX, s, v);
			break;
		}
		}
		break;
	case 0x40 ... 0x4f: /* inc/dec r (32-bit code only: REX otherwise) */
		v = emu_incdec(c, op >= 0x48, c->gpr[op & 7], size);
		emu_reg_put(c, op & 7, size, v);
		break;
	case 0x50 ... 0x57:
		emu_push(c, c->gpr[(op & 7) | ((in->rex & 1) << 3)], stack_size(c));
		break;
	case 0x58 ... 0x5f: {
		unsigned s = stack_size(c);

		v = emu_pop(c, s);
		emu_reg_put(c, (op & 7) | ((in->rex & 1) << 3), s, v);
		break;
	}
	case 0x63: /* movsxd */
		if (!c->code64)
			emu_unsupported(c); /* arpl */
		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, 4, false);
		v = emu_sext(emu_opnd_get(&o, 4), 4);
		emu_reg_put(c, in->reg, size, v);
		break;
	case 0x68:
		emu_push(c, imm_z(c, stack_size(c)), stack_size(c));
		break;
	case 0x6a:
		emu_push(c, emu_fetch_imm(c, 1), stack_size(c));
		break;
	case 0x69:
	case 0x6b: { /* imul Gv, Ev, imm */
		uint64_t imm;
		__int128 p;

		emu_decode_modrm(c);
		imm = op == 0x6b ? emu_fetch_imm(c, 1) : imm_z(c, size);
		emu_opnd_rm(c, &o, size, false);
		p = (__int128)(int64_t)emu_sext(emu_opnd_get(&o, size), size) *
		    (int64_t)emu_sext(imm, size);
		v = (uint64_t)p & emu_mask(size);
		emu_flags_logic(c, v, size);
		if (p != (__int128)(int64_t)emu_sext(v, size))
			c->rflags |= EMU_CF | EMU_OF;
		emu_reg_put(c, in->reg, size, v);
		break;
	}
	case 0x70 ... 0x7f:
		v = emu_fetch_imm(c, 1);
		if (emu_cond(c, op & 15))
			in->next = branch_target(c, in->next + v);
		break;
	case 0x80:
	case 0x81:
	case 0x82:
	case 0x83: {
		unsigned s = (op & 1) ? size : 1;
		uint64_t imm;

		if (op == 0x82 && c->code64)
			emu_raise(c, EMU_X_UD);
		emu_decode_modrm(c);
		imm = op == 0x81 ? imm_z(c, s) : emu_fetch_imm(c, 1);
		if (in->lock && (in->reg & 7) == 7)
			emu_raise(c, EMU_X_UD);
		alu_rm(c, in->reg & 7, s, imm);
		break;
	}
	case 0x84:
	case 0x85: {
		unsigned s = (op & 1) ? size : 1;

		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, s, false);
		emu_alu(c, 4, emu_opnd_get(&o, s), emu_reg_get(c, in->reg, s), s);
		break;
	}
	case 0x86:
	case 0x87:
		emu_decode_modrm(c);
		xchg(c, (op & 1) ? size : 1);
		break;
	case 0x88:
	case 0x89: {
		unsigned s = (op & 1) ? size : 1;

		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, s, true);
		emu_opnd_put(c, &o, s, emu_reg_get(c, in->reg, s));
		break;
	}
	case 0x8a:
	case 0x8b: {
		unsigned s = (op & 1) ? size : 1;

		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, s, false);
		emu_reg_put(c, in->reg, s, emu_opnd_get(&o, s));
		break;
	}
	case 0x8c: { /* mov r/m, Sreg */
		static const size_t off[6] = {
		    offsetof(struct kvm_sregs, es), offsetof(struct kvm_sregs, cs),
		    offsetof(struct kvm_sregs, ss), offsetof(struct kvm_sregs, ds),
		    offsetof(struct kvm_sregs, fs), offsetof(struct kvm_sregs, gs),
		};
		const struct kvm_segment *sg;

		emu_decode_modrm(c);
		if ((in->reg & 7) > 5)
			emu_raise(c, EMU_X_UD);
		sg = (const struct kvm_segment *)(const void *)((const uint8_t *)c->sregs +
								off[in->reg & 7]);
		if (in->mod == 3) {
			emu_reg_put(c, in->rm, size, sg->selector);
		} else {
			emu_opnd_rm(c, &o, 2, true);
			emu_opnd_put(c, &o, 2, sg->selector);
		}
		break;
	}
	case 0x8d:
		emu_decode_modrm(c);
		if (in->mod == 3)
			emu_raise(c, EMU_X_UD);
		emu_reg_put(c, in->reg, size, emu_ea_off(c));
		break;
	case 0x8e:
		emu_decode_modrm(c);
		emu_opnd_rm(c, &o, 2, false);
		emu_sys_load_seg(c, in->reg & 7, (uint16_t)emu_opnd_get(&o, 2));
		break;
	case 0x8f: {
		unsigned s = stack_size(c);

		emu_decode_modrm(c);
		if ((in->reg & 7) != 0)
			emu_unsupported(c);
		v = emu_pop(c, s);
		if (in->mod == 3) {
			emu_reg_put(c, in->rm, s, v);
		} else {
			emu_opnd_rm(c, &o, s, true);
			emu_opnd_put(c, &o, s, v);
		}
		break;
	}
	case 0x90:
		/* nop and pause, unless REX.B makes it xchg r8, rax */
		if (!(in->rex & 1))
			break;
		/* fallthrough */
	case 0x91 ... 0x97: {
		unsigned r = (op & 7) | ((in->rex & 1) << 3);

		v = emu_reg_get(c, r, size);
		emu_reg_put(c, r, size, c->gpr[EMU_RAX]);
		emu_reg_put(c, EMU_RAX, size, v);
		break;
	}
	case 0x98: /* cbw cwde cdqe */
		emu_reg_put(c, EMU_RAX, size, emu_sext(c->gpr[EMU_RAX], size / 2));
		break;
	case 0x99: /* cwd cdq cqo */
		v = (c->gpr[EMU_RAX] >> (size * 8 - 1)) & 1;
		emu_reg_put(c, EMU_RDX, size, v ? ~0ull : 0);
		break;
	case 0x9c:
		emu_push(c, c->rflags & ~(uint64_t)(EMU_RF | 0x20000), stack_size(c));
		break;
	case 0x9d:
		popf(c);
		break;
	case 0x9e: /* sahf */
		c->rflags = (c->rflags & ~0xd5ull) | ((c->gpr[EMU_RAX] >> 8) & 0xd5) | 2;
		break;
	case 0x9f: /* lahf */
		c->gpr[EMU_RAX] = (c->gpr[EMU_RAX] & ~0xff00ull) | ((c->rflags & 0xd7) << 8);
		break;
	case 0xa0 ... 0xa3: { /* mov between AL/rAX and moffs */
		unsigned s = (op & 1) ? size : 1;
		uint64_t off = emu_fetch_imm(c, in->addrsize);
		uint8_t seg = in->seg == EMU_SEG_NONE ? EMU_DS : in->seg;

		if (in->addrsize == 4)
			off = (uint32_t)off;
		if (op < 0xa2)
			emu_reg_put(c, EMU_RAX, s, emu_read_mem(c, seg, off, s));
		else
			emu_write_mem(c, seg, off, s, c->gpr[EMU_RAX]);
		break;
	}
	case 0xa4 ... 0xa7:
	case 0xaa ... 0xaf:
		emu_exec_string(c, op);
		break;
	case 0xa8:
		emu_alu(c, 4, c->gpr[EMU_RAX], emu_fetch_imm(c, 1), 1);
		break;
	case 0xa9:
		emu_alu(c, 4, c->gpr[EMU_RAX], imm_z(c, size), size);
		break;
	case 0xb0 ... 0xb7:
		emu_reg_put(c, (op & 7) | ((in->rex & 1) << 3), 1, emu_fetch_imm(c, 1));
		break;
	case 0xb8 ... 0xbf:
		emu_reg_put(c, (op & 7) | ((in->rex & 1) << 3), size, emu_fetch_imm(c, size));
		break;
	case 0xc0:
	case 0xc1:
	case 0xd0 ... 0xd3: {
		unsigned s = (op & 1) ? size : 1;
		unsigned count;

		emu_decode_modrm(c);
		if (op <= 0xc1)
			count = emu_fetch8(c);
		else if (op <= 0xd1)
			count = 1;
		else
			count = c->gpr[EMU_RCX] & 0xff;
		if (in->lock)
			emu_raise(c, EMU_X_UD);
		emu_opnd_rm(c, &o, s, true);
		old = emu_opnd_get(&o, s);
		v = emu_shift(c, in->reg & 7, old, count, s);
		emu_opnd_put(c, &o, s, v);
		break;
	}
	case 0xc2:
	case 0xc3: {
		unsigned s = c->code64 ? 8 : in->opsize;
		uint64_t extra = op == 0xc2 ? (uint16_t)emu_fetch_imm(c, 2) : 0;

		v = emu_pop(c, s);
		c->gpr[EMU_RSP] += extra;
		if (!c->code64)
			c->gpr[EMU_RSP] = (uint32_t)c->gpr[EMU_RSP];
		in->next = branch_target(c, v);
		break;
	}
	case 0xc6:
	case 0xc7: {
		unsigned s = (op & 1) ? size : 1;

		emu_decode_modrm(c);
		if ((in->reg & 7) != 0)
			emu_unsupported(c); /* xabort, xbegin */
		v = s == 1 ? emu_fetch_imm(c, 1) : imm_z(c, s);
		emu_opnd_rm(c, &o, s, true);
		emu_opnd_put(c, &o, s, v);
		break;
	}
	case 0xc8:
		enter(c);
		break;
	case 0xc9: { /* leave */
		unsigned s = stack_size(c);
		uint64_t sp = c->code64 ? c->gpr[EMU_RBP] : (uint32_t)c->gpr[EMU_RBP];

		v = emu_read_mem(c, EMU_SS, sp, s);
		c->gpr[EMU_RSP] = sp + s;
		emu_reg_put(c, EMU_RBP, s, v);
		break;
	}
	case 0xca:
	case 0xcb:
		emu_sys_far_ret(c, in->opsize, op == 0xca ? (uint16_t)emu_fetch_imm(c, 2) : 0);
		break;
	case 0xcc:
		c->rip = in->next;
		emu_deliver(c, EMU_X_BP, false, 0, false);
		in->next = c->rip;
		break;
	case 0xcd: {
		uint8_t vec = emu_fetch8(c);

		c->rip = in->next;
		emu_deliver(c, vec, false, 0, false);
		in->next = c->rip;
		break;
	}
	case 0xcf:
		emu_sys_iret(c, in->opsize);
		break;
	case 0xe0 ... 0xe3: { /* loopnz loopz loop jrcxz */
		uint64_t disp = emu_fetch_imm(c, 1);
		uint64_t m = emu_mask(in->addrsize);
		uint64_t cx = c->gpr[EMU_RCX] & m;
		bool take;

		if (op == 0xe3) {
			take = cx == 0;
		} else {
			cx = (cx - 1) & m;
			c->gpr[EMU_RCX] = (c->gpr[EMU_RCX] & ~m) | cx;
			if (in->addrsize == 4)
				c->gpr[EMU_RCX] = cx;
			take = cx != 0;
			if (op == 0xe0)
				take = take && !(c->rflags & EMU_ZF);
			else if (op == 0xe1)
				take = take && (c->rflags & EMU_ZF);
		}
		if (take)
			in->next = branch_target(c, in->next + disp);
		break;
	}
	case 0xe4 ... 0xe7:
	case 0xec ... 0xef: {
		unsigned s = (op & 1) ? (size == 2 ? 2 : 4) : 1;
		uint16_t port = op < 0xe8 ? emu_fetch8(c) : (uint16_t)c->gpr[EMU_RDX];

		emu_sys_io(c, !(op & 2), port, s);
		break;
	}
	case 0xe8:
		v = imm_z(c, size);
		emu_push(c, in->next, stack_size(c));
		in->next = branch_target(c, in->next + v);
		break;
	case 0xe9:
		v = imm_z(c, size);
		in->next = branch_target(c, in->next + v);
		break;
	case 0xea: { /* jmp ptr16:32 */
		uint64_t off;

		if (c->code64)
			emu_raise(c, EMU_X_UD);
		off = (uint64_t)emu_fetch_imm(c, in->opsize) & emu_mask(in->opsize);
		v = (uint16_t)emu_fetch_imm(c, 2);
		emu_sys_far_jump(c, (uint16_t)v, off);
		break;
	}
	case 0xeb:
		v = emu_fetch_imm(c, 1);
		in->next = branch_target(c, in->next + v);
		break;
	case 0xf4:
		if (c->cpl)
			emu_raise_err(c, EMU_X_GP, 0);
		c->halted = true;
		break;
	case 0xf5:
		c->rflags ^= EMU_CF;
		break;
	case 0xf6:
	case 0xf7:
		emu_decode_modrm(c);
		group3(c, (op & 1) ? size : 1);
		break;
	case 0xf8:
		c->rflags &= ~(uint64_t)EMU_CF;
		break;
	case 0xf9:
		c->rflags |= EMU_CF;
		break;
	case 0xfa:
		c->rflags &= ~(uint64_t)EMU_IF;
		break;
	case 0xfb:
		if (!(c->rflags & EMU_IF))
			c->shadow_next = true;
		c->rflags |= EMU_IF;
		break;
	case 0xfc:
		c->rflags &= ~(uint64_t)EMU_DF;
		break;
	case 0xfd:
		c->rflags |= EMU_DF;
		break;
	case 0xfe:
		emu_decode_modrm(c);
		if ((in->reg & 7) > 1)
			emu_unsupported(c);
		group5(c, 1);
		break;
	case 0xff:
		emu_decode_modrm(c);
		group5(c, size);
		break;
	default:
		emu_unsupported(c);
	}
	c->rip = in->next;
}
