/* gmem_walk.c: guest-virtual to guest-physical translation by walking the
 * guest's own page tables (none, 32-bit, PAE, 4-level long mode). */
#include <errno.h>

#include "hv.h"

#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull

/* What a walk found: the entries it used (to set A/D once it succeeded). */
struct walk {
	const struct hv_mem *mem;
	bool check_rw; /* write access with CR0.WP: every level needs R/W */
	unsigned n;
	void *ent[4];
	unsigned width; /* 4 or 8 bytes per entry */
	bool set_a[4];
};

/* Loads entry idx of the table at GPA table; -EFAULT if the table is not
 * guest RAM, the entry is not present or denies the write. */
static int walk_step(struct walk *w, uint64_t table, uint64_t idx, bool has_rw, uint64_t *e)
{
	void *p = gmem_gpa_ptr(w->mem, table + idx * w->width, w->width);

	if (!p)
		return -EFAULT;
	/* The guest may change its tables concurrently: read each entry once. */
	*e = w->width == 8 ? __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED)
			   : __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
	if (!(*e & PTE_P) || (has_rw && w->check_rw && !(*e & PTE_RW)))
		return -EFAULT;
	w->ent[w->n] = p;
	w->set_a[w->n] = has_rw; /* PAE PDPTEs have no A bit */
	w->n++;
	return 0;
}

static void or_bits(void *p, unsigned width, uint64_t bits)
{
	if (width == 8)
		__atomic_fetch_or((uint64_t *)p, bits, __ATOMIC_RELAXED);
	else
		__atomic_fetch_or((uint32_t *)p, (uint32_t)bits, __ATOMIC_RELAXED);
}

/* Accessed on every entry used, Dirty on the leaf for writes, as the CPU
 * does; skip the atomic when the bits are already there. */
static void walk_commit(struct walk *w, bool write)
{
	for (unsigned i = 0; i < w->n; i++) {
		uint64_t bits = w->set_a[i] ? PTE_A : 0;
		uint64_t e = w->width == 8 ? *(uint64_t *)w->ent[i] : *(uint32_t *)w->ent[i];

		if (write && i == w->n - 1)
			bits |= PTE_D;
		if ((e & bits) != bits)
			or_bits(w->ent[i], w->width, bits);
	}
}

static int walk_long(struct walk *w, uint64_t cr3, uint64_t gva, uint64_t *gpa)
{
	uint64_t table = cr3 & PTE_ADDR, e;

	if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
		return -EFAULT; /* non-canonical */
	for (int shift = 39; shift >= 12; shift -= 9) {
		if (walk_step(w, table, (gva >> shift) & 511, true, &e))
			return -EFAULT;
		if (shift == 39 && (e & PTE_PS))
			return -EFAULT; /* reserved in a PML4E */
		if (shift == 12 || (e & PTE_PS)) {
			uint64_t size = 1ull << shift;

			*gpa = (e & PTE_ADDR & ~(size - 1)) | (gva & (size - 1));
			return 0;
		}
		table = e & PTE_ADDR;
	}
	return -EFAULT;
}

static int walk_pae(struct walk *w, uint64_t cr3, uint64_t gva, uint64_t *gpa)
{
	uint64_t e;

	if (walk_step(w, cr3 & 0xffffffe0ull, (gva >> 30) & 3, false, &e) ||
	    walk_step(w, e & PTE_ADDR, (gva >> 21) & 511, true, &e))
		return -EFAULT;
	if (e & PTE_PS) {
		*gpa = (e & PTE_ADDR & ~0x1fffffull) | (gva & 0x1fffff);
		return 0;
	}
	if (walk_step(w, e & PTE_ADDR, (gva >> 12) & 511, true, &e))
		return -EFAULT;
	*gpa = (e & PTE_ADDR) | (gva & 0xfff);
	return 0;
}

static int walk_32(struct walk *w, uint64_t cr3, uint64_t cr4, uint64_t gva, uint64_t *gpa)
{
	uint64_t e;

	w->width = 4;
	if (walk_step(w, cr3 & 0xfffff000ull, gva >> 22, true, &e))
		return -EFAULT;
	if ((e & PTE_PS) && (cr4 & CR4_PSE)) {
		/* PSE-36: bits 13..20 of a 4 MiB PDE are physical bits 32..39. */
		*gpa = (e & 0xffc00000ull) | (((e >> 13) & 0xff) << 32) | (gva & 0x3fffff);
		return 0;
	}
	if (walk_step(w, e & 0xfffff000ull, (gva >> 12) & 1023, true, &e))
		return -EFAULT;
	*gpa = (e & 0xfffff000ull) | (gva & 0xfff);
	return 0;
}

int gmem_translate(struct hv_vcpu *v, uint64_t gva, int access, uint64_t *gpa)
{
	const struct kvm_sregs *s = v->sregs;
	bool write = access == GMEM_WRITE;
	struct walk w = { .mem = &v->dom->mem, .check_rw = write && (s->cr0 & CR0_WP), .width = 8 };
	int r;

	if (!(s->cr0 & CR0_PG)) {
		if (gva > 0xffffffffull)
			return -EFAULT;
		*gpa = gva;
		r = 0;
	} else if (s->efer & EFER_LMA) {
		if (s->cr4 & CR4_LA57)
			return -EFAULT; /* 5-level paging is not supported */
		r = walk_long(&w, s->cr3, gva, gpa);
	} else if (gva > 0xffffffffull) {
		return -EFAULT;
	} else if (s->cr4 & CR4_PAE) {
		r = walk_pae(&w, s->cr3, gva, gpa);
	} else {
		r = walk_32(&w, s->cr3, s->cr4, gva, gpa);
	}
	if (r || !gmem_gpa_ptr(w.mem, *gpa, 1))
		return -EFAULT;
	walk_commit(&w, write);
	return 0;
}
