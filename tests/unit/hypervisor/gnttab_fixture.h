/* gnttab_fixture.h: two domains with real memfd RAM and fake vCPUs
 * (paging off, GVA = GPA) for the grant-table unit tests: A (id 1) grants,
 * B (id 2) maps; helpers issue grant_table_op through hc_dispatch. */
#ifndef GNTTAB_FIXTURE_H
#define GNTTAB_FIXTURE_H

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <pvabi/errno.h>
#include <pvabi/grant_table.h>
#include <pvabi/memory.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hc.h"
#include "hv_balloon.h"
#include "hv_registry.h"

#define MEM (8ull << 20)
#define ARGS 0x10000ull  /* op arrays */
#define TAB 0x20000ull   /* table frame 0 */
#define PAGE_A 0x30000ull /* A's granted page */
#define PAGE_RO 0x31000ull
#define TARGET 0x40000ull /* B's mapping target */

struct side {
	struct hv_domain dom;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct hv_vcpu vcpu;
};

static struct side A, B; /* one pair per test binary */

static inline void side_init(struct side *s, domid_t id)
{
	cr_assert_eq(hv_domain_init(&s->dom, id, -1), 0);
	cr_assert_eq(gmem_ram_create(&s->dom.mem, MEM, "test-gnttab"), 0);
	cr_assert_eq(hv_mem_domain_init(&s->dom, 0), 0);
	cr_assert_eq(hv_registry_add(&s->dom), 0);
	memset(&s->regs, 0, sizeof(s->regs));
	memset(&s->sregs, 0, sizeof(s->sregs));
	s->sregs.cr0 = 0x11;
	s->vcpu = (struct hv_vcpu){ .dom = &s->dom, .regs = &s->regs, .sregs = &s->sregs, .fd = -1 };
}

static inline void side_fini(struct side *s)
{
	if (!s->dom.gnttab)
		return;
	hv_registry_remove(&s->dom);
	hv_domain_fini(&s->dom);
}

static inline void setup(void)
{
	side_init(&A, 1);
	side_init(&B, 2);
}

static inline void teardown(void)
{
	side_fini(&B);
	side_fini(&A);
}


static inline void *g(struct side *s, uint64_t gpa)
{
	return s->dom.mem.base + gpa;
}

static inline int64_t gop(struct side *s, unsigned cmd, const void *arg, size_t size, unsigned count)
{
	if (arg)
		memcpy(g(s, ARGS), arg, size);
	s->regs.rax = HYPERCALL_grant_table_op;
	s->regs.rdi = cmd;
	s->regs.rsi = ARGS;
	s->regs.rdx = count;
	return hc_dispatch(&s->vcpu);
}

static inline int64_t add_frame(struct side *s, uint64_t idx, uint64_t gpa)
{
	struct xen_add_to_physmap a = { DOMID_SELF, 0, XENMAPSPACE_grant_table, idx, gpa >> 12 };

	memcpy(g(s, ARGS), &a, sizeof(a));
	s->regs.rax = HYPERCALL_memory_op;
	s->regs.rdi = XENMEM_add_to_physmap;
	s->regs.rsi = ARGS;
	return hc_dispatch(&s->vcpu);
}

static inline volatile struct grant_entry_v1 *entry(struct side *s, unsigned ref)
{
	return (volatile struct grant_entry_v1 *)g(s, TAB) + ref;
}

static inline void grant(struct side *s, unsigned ref, domid_t to, uint64_t gpa, bool ro)
{
	entry(s, ref)->frame = (uint32_t)(gpa >> 12);
	entry(s, ref)->domid = to;
	entry(s, ref)->flags = (uint16_t)(GTF_permit_access | (ro ? GTF_readonly : 0));
}

/* One map by s; the status, handle in *h. */
static inline int map(struct side *s, domid_t dom, unsigned ref, uint64_t at, uint32_t flags, uint32_t *h)
{
	struct gnttab_map_grant_ref m = { at, flags, ref, dom, 0, 0, 0 };

	cr_assert_eq(gop(s, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
	memcpy(&m, g(s, ARGS), sizeof(m));
	if (h)
		*h = m.handle;
	return m.status;
}

static inline int unmap(struct side *s, uint64_t at, uint32_t h)
{
	struct gnttab_unmap_grant_ref u = { at, 0, h, 0, 0 };

	cr_assert_eq(gop(s, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	memcpy(&u, g(s, ARGS), sizeof(u));
	return u.status;
}

static inline void table(struct side *s)
{
	cr_assert_eq(add_frame(s, 0, TAB), 0);
}

#endif
