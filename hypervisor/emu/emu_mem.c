/* emu_mem.c: guest memory as the CPU sees it. Segment bases (only FS/GS
 * in 64-bit mode), the page walk (4-level, legacy PAE and 2-level) with
 * permission checks and A/D bits set atomically in the guest's tables,
 * direct-mapped software TLBs of host page pointers (data and fetches),
 * and accesses split at page boundaries. Guest
 * pages are only ever reached through ops->page; a page it refuses ends
 * the instruction with an MMIO exit before anything is written. */
#include "emu_int.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

void emu_tlb_flush(struct emu_cpu *c)
{
	for (unsigned k = 0; k < 2; k++) {
		for (unsigned i = 0; i < EMU_TLB_SIZE; i++) {
			struct emu_tlb_entry *e = &c->tlb[k][i];

			e->tag[0] = e->tag[1] = e->tag[2] = EMU_TLB_INVALID;
			e->host = NULL;
		}
	}
	c->fetch_vpn = EMU_TLB_INVALID;
}

void emu_tlb_flush_page(struct emu_cpu *c, uint64_t lin)
{
	for (unsigned k = 0; k < 3; k += 2) {
		struct emu_tlb_entry *e = emu_tlb_slot(c, lin, k);

		e->tag[0] = e->tag[1] = e->tag[2] = EMU_TLB_INVALID;
	}
	c->fetch_vpn = EMU_TLB_INVALID;
}

/* MMIO exit for an access to guest-physical gpa nothing backs. */
static _Noreturn void mmio_exit(struct emu_cpu *c, uint64_t gpa, bool write, unsigned len)
{
	struct kvm_run *run = c->run;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = len ? len : 1;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	emu_exit_kvm(c);
}

uint8_t *emu_phys(struct emu_cpu *c, uint64_t gpa, bool write)
{
	uint8_t *page = c->ops.page(c->ops.ctx, gpa & ~0xfffull, write);

	return page ? page + (gpa & 0xfff) : NULL;
}

static void set_bits(uint8_t *pte, uint64_t bits, bool wide)
{
	/* Page-table entries are naturally aligned (table + index * size). */
	if (wide) {
		uint64_t *q = (uint64_t *)(void *)pte;

		if ((__atomic_load_n(q, __ATOMIC_RELAXED) & bits) != bits)
			__atomic_fetch_or(q, bits, __ATOMIC_RELAXED);
	} else {
		uint32_t *q = (uint32_t *)(void *)pte;

		if ((__atomic_load_n(q, __ATOMIC_RELAXED) & bits) != bits)
			__atomic_fetch_or(q, (uint32_t)bits, __ATOMIC_RELAXED);
	}
}

static _Noreturn void page_fault(struct emu_cpu *c, uint64_t lin, uint32_t err)
{
	c->sregs->cr2 = lin;
	emu_raise_err(c, EMU_X_PF, err);
}

/* Walks the page tables for lin (or maps it 1:1 with paging off); fills
 * the TLB entry and returns the host pointer of the page. */
static uint8_t *walk(struct emu_cpu *c, uint64_t lin, enum emu_access acc)
{
	struct kvm_sregs *s = c->sregs;
	struct emu_tlb_entry *e = emu_tlb_slot(c, lin, acc);
	bool write = acc == EMU_WRITE;
	bool user = c->cpl == 3;
	uint32_t uerr = (write ? EMU_PFE_W : 0) | (user ? EMU_PFE_U : 0) |
			(acc == EMU_FETCH && (s->efer & EMU_EFER_NXE) ? EMU_PFE_I : 0);
	bool nxe = (s->efer & EMU_EFER_NXE) != 0;
	uint8_t *ptes[4];
	int levels = 0;
	uint64_t gpa, vpn = lin >> 12;
	bool rw = true, us = true, nx = false, leaf_wide = true;
	uint8_t *host;

	if (!c->paging) {
		gpa = c->lma ? lin & ~0xfffull : (uint32_t)lin & ~0xfffu;
	} else {
		/* 4-level (long mode), 3-level PAE or 2-level 32-bit tables. */
		bool pae = c->lma || (s->cr4 & EMU_CR4_PAE);
		bool wide = pae;
		int level = c->lma ? 4 : pae ? 3 : 2;
		uint64_t table = c->lma ? s->cr3 & PTE_ADDR
				 : pae	? s->cr3 & 0xffffffe0u
					: s->cr3 & 0xfffff000u;

		if (c->lma && (uint64_t)((int64_t)(lin << 16) >> 16) != lin)
			emu_raise_err(c, EMU_X_GP, 0);
		for (;; level--) {
			unsigned shift = wide ? 12 + 9 * (level - 1) : 12 + 10 * (level - 1);
			uint64_t idx = (lin >> shift) & (wide ? 511 : 1023);
			uint64_t ea, pte;
			uint8_t *p;
			bool pdpte = pae && !c->lma && level == 3;

			if (pdpte)
				idx = (lin >> 30) & 3;
			ea = table + idx * (wide ? 8 : 4);
			p = emu_phys(c, ea, false);
			if (!p)
				mmio_exit(c, ea, false, wide ? 8 : 4);
			pte = wide ? __atomic_load_n((uint64_t *)(void *)p, __ATOMIC_RELAXED)
				   : __atomic_load_n((uint32_t *)(void *)p, __ATOMIC_RELAXED);
			if (!(pte & PTE_P))
				page_fault(c, lin, uerr);
			if ((pte & PTE_NX) && !nxe)
				page_fault(c, lin, uerr | EMU_PFE_P | EMU_PFE_RSVD);
			if (pdpte) { /* PAE PDPTE: present bit only, no A bit */
				table = pte & PTE_ADDR;
				continue;
			}
			rw = rw && (pte & PTE_RW);
			us = us && (pte & PTE_US);
			nx = nx || (pte & PTE_NX);
			ptes[levels++] = p;
			if (level == 1 || (pte & PTE_PS && (level == 2 || (level == 3 && c->lma)) &&
					   (wide || (s->cr4 & EMU_CR4_PSE)))) {
				uint64_t size = 1ull << shift;
				uint64_t frame = wide ? pte & PTE_ADDR : pte & 0xfffff000u;

				gpa = ((frame & ~(size - 1)) | (lin & (size - 1))) & ~0xfffull;
				break;
			}
			table = wide ? pte & PTE_ADDR : pte & 0xfffff000u;
		}
		leaf_wide = wide;
		if (user && !us)
			page_fault(c, lin, uerr | EMU_PFE_P);
		if (write && !rw && (user || (s->cr0 & EMU_CR0_WP)))
			page_fault(c, lin, uerr | EMU_PFE_P);
		if (acc == EMU_FETCH && nx && nxe)
			page_fault(c, lin, uerr | EMU_PFE_P);
	}
	host = c->ops.page(c->ops.ctx, gpa, write);
	if (!host) {
		if (acc == EMU_FETCH) {
			emu_fill_internal_error(c, false);
			emu_exit_kvm(c);
		}
		mmio_exit(c, gpa | (lin & 0xfff), write, c->acc_len);
	}
	/* Translation succeeded: A on every level, D on the leaf for a write. */
	for (int i = 0; i < levels; i++)
		set_bits(ptes[i], PTE_A | (write && i == levels - 1 ? PTE_D : 0), leaf_wide);
	if (e->host != host || (e->tag[EMU_READ] != vpn && e->tag[EMU_FETCH] != vpn))
		e->tag[0] = e->tag[1] = e->tag[2] = EMU_TLB_INVALID;
	e->host = host;
	e->user = us;
	if (acc == EMU_FETCH)
		e->tag[EMU_FETCH] = vpn;
	else
		e->tag[EMU_READ] = vpn;
	/* Writes are cached only after a write walk (D set): a page the
	 * hypervisor gave for reading may be refused for writing. */
	if (write)
		e->tag[EMU_WRITE] = vpn;
	return host;
}

uint8_t *emu_translate(struct emu_cpu *c, uint64_t lin, enum emu_access acc)
{
	struct emu_tlb_entry *e = emu_tlb_slot(c, lin, acc);

	if (__builtin_expect(e->tag[acc] == lin >> 12 && (c->cpl < 3 || e->user), 1))
		return e->host + (lin & 0xfff);
	return walk(c, lin, acc) + (lin & 0xfff);
}

uint64_t emu_lin(struct emu_cpu *c, uint8_t seg, uint64_t off)
{
	const struct kvm_sregs *s = c->sregs;

	if (c->code64) {
		if (seg == EMU_FS)
			return off + s->fs.base;
		if (seg == EMU_GS)
			return off + s->gs.base;
		return off;
	}
	switch (seg) {
	case EMU_ES:
		return (uint32_t)(off + s->es.base);
	case EMU_CS:
		return (uint32_t)(off + s->cs.base);
	case EMU_SS:
		return (uint32_t)(off + s->ss.base);
	case EMU_FS:
		return (uint32_t)(off + s->fs.base);
	case EMU_GS:
		return (uint32_t)(off + s->gs.base);
	default:
		return (uint32_t)(off + s->ds.base);
	}
}

static bool crosses(uint64_t lin, unsigned size)
{
	return ((lin & 0xfff) + size) > 0x1000;
}

void emu_read_block(struct emu_cpu *c, uint64_t lin, void *buf, unsigned size)
{
	uint8_t *out = buf;

	while (size) {
		unsigned chunk = 0x1000 - (lin & 0xfff);

		if (chunk > size)
			chunk = size;
		c->acc_len = (uint8_t)(chunk < 8 ? chunk : 8);
		memcpy(out, emu_translate(c, lin, EMU_READ), chunk);
		out += chunk;
		lin += chunk;
		size -= chunk;
	}
}

uint64_t emu_read_lin(struct emu_cpu *c, uint64_t lin, unsigned size)
{
	uint8_t buf[8];

	c->acc_len = (uint8_t)size;
	if (__builtin_expect(!crosses(lin, size), 1))
		return emu_get(emu_translate(c, lin, EMU_READ), size);
	emu_read_block(c, lin, buf, size);
	return emu_get(buf, size);
}

void emu_write_lin(struct emu_cpu *c, uint64_t lin, unsigned size, uint64_t val)
{
	uint8_t buf[8], *a, *b;
	unsigned first;

	c->acc_len = (uint8_t)size;
	if (__builtin_expect(!crosses(lin, size), 1)) {
		emu_set(emu_translate(c, lin, EMU_WRITE), size, val);
		return;
	}
	/* Both pages must be writable before either is written. */
	first = 0x1000 - (lin & 0xfff);
	a = emu_translate(c, lin, EMU_WRITE);
	b = emu_translate(c, lin + first, EMU_WRITE);
	emu_set(buf, size, val);
	memcpy(a, buf, first);
	memcpy(b, buf + first, size - first);
}

uint64_t emu_read_mem(struct emu_cpu *c, uint8_t seg, uint64_t off, unsigned size)
{
	return emu_read_lin(c, emu_lin(c, seg, off), size);
}

void emu_write_mem(struct emu_cpu *c, uint8_t seg, uint64_t off, unsigned size, uint64_t val)
{
	emu_write_lin(c, emu_lin(c, seg, off), size, val);
}

void emu_opnd_mem(struct emu_cpu *c, struct emu_opnd *o, uint64_t lin, unsigned size, bool write)
{
	o->reg = false;
	o->lin = lin;
	c->acc_len = (uint8_t)size;
	if (__builtin_expect(!crosses(lin, size), 1)) {
		o->split = false;
		o->p = emu_translate(c, lin, write ? EMU_WRITE : EMU_READ);
		return;
	}
	if (write) {
		emu_translate(c, lin, EMU_WRITE);
		emu_translate(c, (lin | 0xfff) + 1, EMU_WRITE);
		c->acc_len = (uint8_t)size;
	}
	emu_read_block(c, lin, o->bounce, size);
	o->split = write;
	o->p = o->bounce;
}

void emu_opnd_flush(struct emu_cpu *c, struct emu_opnd *o, unsigned size)
{
	emu_write_lin(c, o->lin, size, emu_get(o->bounce, size));
}

void emu_push(struct emu_cpu *c, uint64_t val, unsigned size)
{
	uint64_t rsp = c->gpr[EMU_RSP] - size;

	if (!c->code64)
		rsp = (uint32_t)rsp;
	emu_write_mem(c, EMU_SS, rsp, size, val);
	c->gpr[EMU_RSP] = c->code64 ? rsp : (c->gpr[EMU_RSP] & ~0xffffffffull) | (uint32_t)rsp;
}

uint64_t emu_pop(struct emu_cpu *c, unsigned size)
{
	uint64_t rsp = c->gpr[EMU_RSP];
	uint64_t v = emu_read_mem(c, EMU_SS, c->code64 ? rsp : (uint32_t)rsp, size);

	rsp += size;
	c->gpr[EMU_RSP] = c->code64 ? rsp : (c->gpr[EMU_RSP] & ~0xffffffffull) | (uint32_t)rsp;
	return v;
}
