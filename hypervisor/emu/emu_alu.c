/* emu_alu.c: arithmetic with exact flags: the group-1 operations, inc and
 * dec, shifts and rotates, double shifts, and condition codes. Flags the
 * architecture leaves undefined get the values current Intel CPUs give
 * where that is simple (AF cleared by logic operations). */
#include "emu_int.h"

static inline uint64_t szp(uint64_t res, unsigned size)
{
	uint64_t f = 0;

	res &= emu_mask(size);
	if (!res)
		f |= EMU_ZF;
	if (res >> (size * 8 - 1))
		f |= EMU_SF;
	if (!__builtin_parity((unsigned)(res & 0xff)))
		f |= EMU_PF;
	return f;
}

static inline void set_arith(struct emu_cpu *c, uint64_t f)
{
	c->rflags = (c->rflags & ~(uint64_t)EMU_ARITH) | f;
}

void emu_flags_logic(struct emu_cpu *c, uint64_t res, unsigned size)
{
	set_arith(c, szp(res, size));
}

uint64_t emu_alu(struct emu_cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned size)
{
	uint64_t m = emu_mask(size), msb = 1ull << (size * 8 - 1);
	uint64_t res, f = 0;
	uint64_t cin = c->rflags & EMU_CF;

	a &= m;
	b &= m;
	switch (op) {
	case 0: /* add */
	case 2: /* adc */
		if (op == 0)
			cin = 0;
		res = (a + b + cin) & m;
		if (cin ? res <= a : res < a)
			f |= EMU_CF;
		if ((a ^ res) & (b ^ res) & msb)
			f |= EMU_OF;
		f |= (a ^ b ^ res) & EMU_AF;
		break;
	case 3: /* sbb */
	case 5: /* sub */
	case 7: /* cmp */
		if (op != 3)
			cin = 0;
		res = (a - b - cin) & m;
		if (cin ? a <= b : a < b)
			f |= EMU_CF;
		if ((a ^ b) & (a ^ res) & msb)
			f |= EMU_OF;
		f |= (a ^ b ^ res) & EMU_AF;
		break;
	case 1:
		res = a | b;
		break;
	case 4:
		res = a & b;
		break;
	default:
		res = a ^ b;
		break;
	}
	set_arith(c, f | szp(res, size));
	return res;
}

uint64_t emu_incdec(struct emu_cpu *c, bool dec, uint64_t a, unsigned size)
{
	uint64_t m = emu_mask(size), msb = 1ull << (size * 8 - 1);
	uint64_t res, f = c->rflags & EMU_CF;

	a &= m;
	res = (dec ? a - 1 : a + 1) & m;
	if (dec ? a == msb : res == msb)
		f |= EMU_OF;
	f |= (a ^ 1 ^ res) & EMU_AF;
	set_arith(c, f | szp(res, size));
	return res;
}

/* Group-2 operation op (rol ror rcl rcr shl shr sal sar) of a by count
 * (masked here); flags change only for a nonzero masked count. */
uint64_t emu_shift(struct emu_cpu *c, unsigned op, uint64_t a, unsigned count, unsigned size)
{
	unsigned bits = size * 8;
	uint64_t m = emu_mask(size), msb = 1ull << (bits - 1);
	uint64_t res, f, cf = 0, of = 0;

	count &= size == 8 ? 63 : 31;
	a &= m;
	if (!count)
		return a;
	f = c->rflags & EMU_ARITH;
	switch (op) {
	case 0: { /* rol */
		unsigned n = count % bits;

		res = n ? ((a << n) | (a >> (bits - n))) & m : a;
		cf = res & 1;
		of = ((res & msb) != 0) ^ cf;
		f &= ~(uint64_t)(EMU_CF | EMU_OF);
		break;
	}
	case 1: { /* ror */
		unsigned n = count % bits;

		res = n ? ((a >> n) | (a << (bits - n))) & m : a;
		cf = (res & msb) != 0;
		of = cf ^ ((res >> (bits - 2)) & 1);
		f &= ~(uint64_t)(EMU_CF | EMU_OF);
		break;
	}
	case 2: /* rcl */
	case 3: /* rcr */ {
		unsigned n = size < 4 ? count % (bits + 1) : count;
		uint64_t carry = c->rflags & EMU_CF;

		res = a;
		for (unsigned i = 0; i < n; i++) {
			if (op == 2) {
				uint64_t out = (res & msb) != 0;

				res = ((res << 1) | carry) & m;
				carry = out;
			} else {
				uint64_t out = res & 1;

				res = (res >> 1) | (carry ? msb : 0);
				carry = out;
			}
		}
		cf = carry;
		if (op == 2)
			of = ((res & msb) != 0) ^ cf;
		else
			of = ((res >> (bits - 1)) ^ (res >> (bits - 2))) & 1;
		f &= ~(uint64_t)(EMU_CF | EMU_OF);
		break;
	}
	case 4:
	case 6: /* shl */
		res = count < 64 ? (a << count) & m : 0;
		cf = count <= bits ? (a >> (bits - count)) & 1 : 0;
		of = ((res & msb) != 0) ^ cf;
		f = szp(res, size);
		break;
	case 5: /* shr */
		res = a >> count;
		cf = (a >> (count - 1)) & 1;
		of = (a & msb) != 0;
		f = szp(res, size);
		break;
	default: { /* sar */
		int64_t s = (int64_t)emu_sext(a, size);

		res = (uint64_t)(s >> count) & m;
		cf = (uint64_t)(s >> (count - 1)) & 1;
		of = 0;
		f = szp(res, size);
		break;
	}
	}
	f |= (cf ? EMU_CF : 0) | (of ? EMU_OF : 0);
	set_arith(c, f);
	return res;
}

/* shld (right false) / shrd of a with bits from b. */
uint64_t emu_shld(struct emu_cpu *c, bool right, uint64_t a, uint64_t b, unsigned count,
		  unsigned size)
{
	unsigned bits = size * 8;
	uint64_t m = emu_mask(size), msb = 1ull << (bits - 1);
	uint64_t res, cf;

	count &= size == 8 ? 63 : 31;
	a &= m;
	b &= m;
	if (!count)
		return a;
	if (count >= bits) /* undefined (16-bit operands only): keep a */
		return a;
	if (right) {
		res = ((a >> count) | (b << (bits - count))) & m;
		cf = (a >> (count - 1)) & 1;
	} else {
		res = ((a << count) | (b >> (bits - count))) & m;
		cf = (a >> (bits - count)) & 1;
	}
	set_arith(c, szp(res, size) | (cf ? EMU_CF : 0) | (((res ^ a) & msb) ? EMU_OF : 0));
	return res;
}

bool emu_cond(const struct emu_cpu *c, unsigned cc)
{
	uint64_t f = c->rflags;
	bool r;

	switch (cc >> 1) {
	case 0:
		r = f & EMU_OF;
		break;
	case 1:
		r = f & EMU_CF;
		break;
	case 2:
		r = f & EMU_ZF;
		break;
	case 3:
		r = f & (EMU_CF | EMU_ZF);
		break;
	case 4:
		r = f & EMU_SF;
		break;
	case 5:
		r = f & EMU_PF;
		break;
	case 6:
		r = !(f & EMU_SF) != !(f & EMU_OF);
		break;
	default:
		r = (f & EMU_ZF) || (!(f & EMU_SF) != !(f & EMU_OF));
		break;
	}
	return (cc & 1) ? !r : r;
}
