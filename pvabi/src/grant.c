/* grant.c: the guest side of grant tables v1: mapping the table, granting
 * and revoking entries, a small ref allocator, map/unmap/copy wrappers. */
#include "internal.h"

#define NR_REFS_MAX (PVABI_GNTTAB_MAX_FRAMES * GNTTAB_ENTRIES_PER_FRAME)
#define NO_REF 0xffffu

static volatile struct grant_entry_v1 *table;
static unsigned int nr_refs;
/* Allocator: refs below 'fresh' were handed out at least once; freed ones
 * are chained through next_free (O(1) both ways, no init loop). */
static unsigned int fresh = GNTTAB_NR_RESERVED_ENTRIES;
static uint16_t free_head = NO_REF;
static uint16_t next_free[NR_REFS_MAX];

long pvabi_grant_table_op(unsigned int cmd, void *arg, unsigned int count)
{
	return pvabi_hypercall3(HYPERCALL_grant_table_op, cmd, (unsigned long)arg, count);
}

int pvabi_gnttab_init(uint64_t gpfn_base, unsigned int nr_frames)
{
	struct gnttab_set_version sv = { .version = 1 };
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	long r;

	if (nr_frames == 0 || nr_frames > PVABI_GNTTAB_MAX_FRAMES)
		return -XEN_EINVAL;
	if ((r = pvabi_grant_table_op(GNTTABOP_set_version, &sv, 1)))
		return (int)r;
	if ((r = pvabi_grant_table_op(GNTTABOP_query_size, &qs, 1)))
		return (int)r;
	if (qs.status != GNTST_okay || nr_frames > qs.max_nr_frames)
		return -XEN_EINVAL;
	/* Highest index first: the hypervisor grows the table once. */
	for (unsigned int i = nr_frames; i-- > 0;) {
		struct xen_add_to_physmap a = {
			.domid = DOMID_SELF,
			.space = XENMAPSPACE_grant_table,
			.idx = i,
			.gpfn = gpfn_base + i,
		};

		if ((r = pvabi_memory_op(XENMEM_add_to_physmap, &a)))
			return (int)r;
	}
	table = (volatile struct grant_entry_v1 *)(uintptr_t)(gpfn_base << PVABI_PAGE_SHIFT);
	nr_refs = nr_frames * GNTTAB_ENTRIES_PER_FRAME;
	return 0;
}

volatile struct grant_entry_v1 *pvabi_gnttab_table(void)
{
	return table;
}

unsigned int pvabi_gnttab_nr_refs(void)
{
	return nr_refs;
}

long pvabi_gnttab_alloc_ref(void)
{
	if (free_head != NO_REF) {
		unsigned int ref = free_head;

		free_head = next_free[ref];
		return ref;
	}
	if (fresh >= nr_refs)
		return -XEN_ENOSPC;
	return fresh++;
}

void pvabi_gnttab_free_ref(grant_ref_t ref)
{
	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= fresh)
		return;
	next_free[ref] = free_head;
	free_head = (uint16_t)ref;
}

int pvabi_gnttab_grant_access(grant_ref_t ref, domid_t domid, uint64_t gfn, int readonly)
{
	if (ref >= nr_refs || gfn > UINT32_MAX)
		return -XEN_EINVAL;
	table[ref].frame = (uint32_t)gfn;
	table[ref].domid = domid;
	/* The flags store publishes the entry: frame and domid must be
	 * visible first (a compiler barrier suffices on x86's TSO). */
	__asm__ volatile("" : : : "memory");
	table[ref].flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
	return 0;
}

int pvabi_gnttab_end_access(grant_ref_t ref)
{
	if (ref >= nr_refs)
		return -XEN_EINVAL;
	volatile uint16_t *flags = &table[ref].flags;
	uint16_t old = *flags;

	/* The hypervisor sets reading/writing with a cmpxchg of its own; a
	 * failed exchange means it just changed them: look again. */
	for (;;) {
		uint16_t seen = old;

		if (old & (GTF_reading | GTF_writing))
			return -XEN_EBUSY;
		__asm__ volatile("lock cmpxchgw %2, %1"
				 : "+a"(seen), "+m"(*flags)
				 : "r"((uint16_t)0)
				 : "memory");
		if (seen == old)
			return 0;
		old = seen;
	}
}

long pvabi_gnttab_map(domid_t dom, grant_ref_t ref, uint64_t gpa, int readonly,
		      grant_handle_t *handle)
{
	struct gnttab_map_grant_ref m = {
		.host_addr = gpa,
		.flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
		.ref = ref,
		.dom = dom,
	};
	long r = pvabi_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

	if (r)
		return r;
	if (m.status == GNTST_okay && handle)
		*handle = m.handle;
	return m.status;
}

long pvabi_gnttab_unmap(uint64_t gpa, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = gpa, .handle = handle };
	long r = pvabi_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

	return r ? r : u.status;
}

long pvabi_gnttab_copy(struct gnttab_copy *ops, unsigned int n)
{
	return pvabi_grant_table_op(GNTTABOP_copy, ops, n);
}
