/* emu_decode.c: instruction fetch and decoding: legacy prefixes, REX,
 * the opcode (one byte or 0F xx), ModRM with SIB, displacements and
 * RIP-relative addressing, immediates. 16-bit addressing (67 in 32-bit
 * code) is not decoded: no guest of ours emits it. */
#include "emu_int.h"

uint8_t emu_fetch8_slow(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	uint64_t lin;
	const uint8_t *p;

	if (in->len >= 15)
		emu_raise_err(c, EMU_X_GP, 0);
	lin = c->code64 ? in->next : (uint32_t)(in->next + c->sregs->cs.base);
	p = emu_translate(c, lin, EMU_FETCH);
	c->fetch_vpn = lin >> 12;
	c->fetch_host = p - (lin & 0xfff);
	in->bytes[in->len++] = *p;
	in->next++;
	return *p;
}

/* Fetches size (1, 2, 4, 8) bytes little-endian, sign-extended. */
uint64_t emu_fetch_imm(struct emu_cpu *c, unsigned size)
{
	struct emu_insn *in = &c->in;
	uint64_t lin = c->code64 ? in->next : (uint32_t)(in->next + c->sregs->cs.base);
	uint64_t v = 0;

	if (in->len + size <= 15 && (lin & 0xfff) + size <= 0x1000) {
		const uint8_t *p = lin >> 12 == c->fetch_vpn ? c->fetch_host + (lin & 0xfff)
							     : emu_translate(c, lin, EMU_FETCH);

		memcpy(in->bytes + in->len, p, size);
		in->len += size;
		in->next += size;
		v = emu_get(p, size);
	} else {
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)emu_fetch8(c) << (8 * i);
	}
	return emu_sext(v, size);
}

unsigned emu_decode_prefixes(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	bool addr_prefix = false;
	uint8_t b;

	in->opsize_prefix = false;
	in->rep = 0;
	in->lock = false;
	in->seg = EMU_SEG_NONE;
	in->rex = 0;
	in->rip_rel = false;
	for (;;) {
		b = emu_fetch8(c);
		switch (b) {
		case 0x66:
			in->opsize_prefix = true;
			break;
		case 0x67:
			addr_prefix = true;
			break;
		case 0xf0:
			in->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			in->rep = b;
			break;
		case 0x26:
			in->seg = EMU_ES;
			break;
		case 0x2e:
			in->seg = EMU_CS;
			break;
		case 0x36:
			in->seg = EMU_SS;
			break;
		case 0x3e:
			in->seg = EMU_DS;
			break;
		case 0x64:
			in->seg = EMU_FS;
			break;
		case 0x65:
			in->seg = EMU_GS;
			break;
		default:
			if (c->code64 && (b & 0xf0) == 0x40) {
				/* REX counts only right before the opcode. */
				in->rex = b;
				b = emu_fetch8(c);
				if ((b & 0xf0) == 0x40 || b == 0x66 || b == 0x67 || b == 0xf0 ||
				    b == 0xf2 || b == 0xf3 || b == 0x26 || b == 0x2e || b == 0x36 ||
				    b == 0x3e || b == 0x64 || b == 0x65) {
					in->rex = 0;
					in->next--;
					in->len--;
					continue;
				}
			}
			goto opcode;
		}
	}
opcode:
	if (c->code64) {
		in->opsize = (in->rex & 8) ? 8 : in->opsize_prefix ? 2 : 4;
		in->addrsize = addr_prefix ? 4 : 8;
	} else {
		in->opsize = in->opsize_prefix ? 6 - c->defsize : c->defsize;
		in->addrsize = addr_prefix ? 6 - c->defsize : c->defsize;
	}
	if (b == 0x0f)
		return 0x100 | emu_fetch8(c);
	return b;
}

void emu_decode_modrm(struct emu_cpu *c)
{
	struct emu_insn *in = &c->in;
	uint8_t m = emu_fetch8(c);
	uint8_t rex = in->rex;
	uint64_t ea = 0;
	unsigned base;

	in->modrm = m;
	in->mod = m >> 6;
	in->reg = ((m >> 3) & 7) | ((rex & 4) << 1);
	in->rm = m & 7;
	in->ea_seg = EMU_DS;
	if (in->mod == 3) {
		in->rm |= (rex & 1) << 3;
		return;
	}
	if (in->addrsize == 2)
		emu_unsupported(c);
	if (in->rm == 4) {
		uint8_t sib = emu_fetch8(c);
		unsigned index = ((sib >> 3) & 7) | ((rex & 2) << 2);

		base = (sib & 7) | ((rex & 1) << 3);
		if (index != 4)
			ea = c->gpr[index] << (sib >> 6);
		if ((sib & 7) == 5 && in->mod == 0) {
			ea += emu_fetch_imm(c, 4);
		} else {
			ea += c->gpr[base];
			if ((base & 7) == 4 || (base & 7) == 5)
				in->ea_seg = EMU_SS;
		}
	} else if (in->rm == 5 && in->mod == 0) {
		ea = emu_fetch_imm(c, 4);
		in->rip_rel = c->code64;
	} else {
		base = in->rm | ((rex & 1) << 3);
		ea = c->gpr[base];
		if ((base & 7) == 5)
			in->ea_seg = EMU_SS;
	}
	if (in->mod == 1)
		ea += emu_fetch_imm(c, 1);
	else if (in->mod == 2)
		ea += emu_fetch_imm(c, 4);
	in->ea = ea;
	if (in->seg != EMU_SEG_NONE)
		in->ea_seg = in->seg;
}
