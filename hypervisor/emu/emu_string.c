/* emu_string.c: movs, cmps, stos, lods, scas with and without rep. RCX,
 * RSI and RDI are updated after every element, so a fault part-way
 * leaves a restartable state as on hardware. rep movs and rep stos going
 * forward copy a page-bounded chunk at a time. */
#include "emu_int.h"

/* Elements (or page chunks) a rep instruction handles per execution. */
#define EMU_REP_SLICE 65536u

static uint64_t areg(struct emu_cpu *c, unsigned r)
{
	return c->in.addrsize == 8   ? c->gpr[r]
	       : c->in.addrsize == 4 ? (uint32_t)c->gpr[r]
				     : (uint16_t)c->gpr[r];
}

static void set_areg(struct emu_cpu *c, unsigned r, uint64_t v)
{
	if (c->in.addrsize == 8)
		c->gpr[r] = v;
	else if (c->in.addrsize == 4)
		c->gpr[r] = (uint32_t)v;
	else
		c->gpr[r] = (c->gpr[r] & ~0xffffull) | (uint16_t)v;
}

/* Elements of size that fit before either address reaches a page end. */
static uint64_t page_room(uint64_t lin, unsigned size)
{
	return (0x1000 - (lin & 0xfff)) / size;
}

/* rep movs / rep stos forward: copies up to count elements within one
 * page of each side; returns the number done (0: take the slow path). */
static uint64_t fast_chunk(struct emu_cpu *c, bool movs, unsigned size, uint64_t count,
			   uint8_t sseg)
{
	uint64_t dlin = emu_lin(c, EMU_ES, areg(c, EMU_RDI));
	uint64_t n = page_room(dlin, size), slin = 0;
	uint8_t *dst, *src = NULL;

	if (movs) {
		uint64_t m;

		slin = emu_lin(c, sseg, areg(c, EMU_RSI));
		m = page_room(slin, size);
		if (m < n)
			n = m;
	}
	if (n > count)
		n = count;
	if (!n)
		return 0;
	c->acc_len = (uint8_t)size;
	if (movs)
		src = emu_translate(c, slin, EMU_READ);
	dst = emu_translate(c, dlin, EMU_WRITE);
	if (movs) {
		/* Element order matters when the destination runs just ahead
		 * of the source: copy only what does not overlap. */
		if (dst > src && dst < src + n * size) {
			n = (uint64_t)(dst - src) / size;
			if (!n)
				return 0;
		}
		memmove(dst, src, n * size);
	} else if (size == 1) {
		memset(dst, (int)(uint8_t)c->gpr[EMU_RAX], n);
	} else {
		for (uint64_t i = 0; i < n; i++)
			emu_set(dst + i * size, size, c->gpr[EMU_RAX]);
	}
	return n;
}

void emu_exec_string(struct emu_cpu *c, unsigned op)
{
	struct emu_insn *in = &c->in;
	unsigned size = (op & 1) ? in->opsize : 1;
	uint8_t sseg = in->seg == EMU_SEG_NONE ? EMU_DS : in->seg;
	int64_t step = (c->rflags & EMU_DF) ? -(int64_t)size : (int64_t)size;
	unsigned kind = (op & 0xfe);
	bool rep = in->rep != 0;
	unsigned iters = 0;
	uint64_t v;

	if (in->lock)
		emu_raise(c, EMU_X_UD);
	for (;;) {
		uint64_t count = rep ? areg(c, EMU_RCX) : 1;

		if (!count)
			return;
		/* A long rep yields now and then, as hardware lets interrupts
		 * in: the registers say where it is, and it runs again. */
		if (rep && ++iters > EMU_REP_SLICE) {
			in->next = in->rip;
			return;
		}
		if (rep && step > 0 && (kind == 0xa4 || kind == 0xaa)) {
			uint64_t n = fast_chunk(c, kind == 0xa4, size, count, sseg);

			if (n) {
				if (kind == 0xa4)
					set_areg(c, EMU_RSI, areg(c, EMU_RSI) + n * size);
				set_areg(c, EMU_RDI, areg(c, EMU_RDI) + n * size);
				set_areg(c, EMU_RCX, count - n);
				continue;
			}
		}
		switch (kind) {
		case 0xa4: /* movs */
			v = emu_read_mem(c, sseg, areg(c, EMU_RSI), size);
			emu_write_mem(c, EMU_ES, areg(c, EMU_RDI), size, v);
			set_areg(c, EMU_RSI, areg(c, EMU_RSI) + step);
			set_areg(c, EMU_RDI, areg(c, EMU_RDI) + step);
			break;
		case 0xa6: { /* cmps */
			uint64_t a = emu_read_mem(c, sseg, areg(c, EMU_RSI), size);
			uint64_t b = emu_read_mem(c, EMU_ES, areg(c, EMU_RDI), size);

			emu_alu(c, 7, a, b, size);
			set_areg(c, EMU_RSI, areg(c, EMU_RSI) + step);
			set_areg(c, EMU_RDI, areg(c, EMU_RDI) + step);
			break;
		}
		case 0xaa: /* stos */
			emu_write_mem(c, EMU_ES, areg(c, EMU_RDI), size, c->gpr[EMU_RAX]);
			set_areg(c, EMU_RDI, areg(c, EMU_RDI) + step);
			break;
		case 0xac: /* lods */
			v = emu_read_mem(c, sseg, areg(c, EMU_RSI), size);
			emu_reg_put(c, EMU_RAX, size, v);
			set_areg(c, EMU_RSI, areg(c, EMU_RSI) + step);
			break;
		default: /* scas */
			v = emu_read_mem(c, EMU_ES, areg(c, EMU_RDI), size);
			emu_alu(c, 7, c->gpr[EMU_RAX], v, size);
			set_areg(c, EMU_RDI, areg(c, EMU_RDI) + step);
			break;
		}
		if (!rep)
			return;
		set_areg(c, EMU_RCX, count - 1);
		if (kind == 0xa6 || kind == 0xae) {
			bool zf = (c->rflags & EMU_ZF) != 0;

			if ((in->rep == 0xf3 && !zf) || (in->rep == 0xf2 && zf))
				return;
		}
	}
}
