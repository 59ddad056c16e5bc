/* hc_grant.c: grant_table_op (hypercall 20): sub-op dispatch, batches of
 * map / unmap / copy entries copied in and out in chunks, and the table
 * management sub-ops (setup_table, query_size, set/get_version). */
#include <pvabi/errno.h>
#include <pvabi/grant_table.h>

#include "gnttab.h"
#include "hc.h"
#include "hv_registry.h"

#define CHUNK 16 /* entries copied in and out per gmem call */

static bool is_self(const struct hv_vcpu *v, domid_t dom)
{
	return dom == DOMID_SELF || dom == v->dom->id;
}

/* Another domain as the target of a query: -ESRCH if none, else -EPERM
 * (only the domain itself may ask). */
static int64_t other_dom(domid_t dom)
{
	struct hv_domain *o;

	if (dom >= DOMID_FIRST_RESERVED || dom == 0 || !(o = hv_domain_get(dom)))
		return -XEN_ESRCH;
	hv_domain_put(o);
	return -XEN_EPERM;
}

#define BATCH(name, type, fn)                                                          \
	static int64_t name(struct hv_vcpu *v, uint64_t arg, uint64_t count)            \
	{                                                                               \
		type ops[CHUNK];                                                        \
		for (uint64_t done = 0; done < count;) {                                 \
			uint64_t n = count - done < CHUNK ? count - done : CHUNK;         \
			uint64_t at = arg + done * sizeof(type);                          \
			if (gmem_copy_from_guest(v, ops, at, n * sizeof(type)))           \
				return -XEN_EFAULT;                                       \
			for (uint64_t i = 0; i < n; i++)                                  \
				fn(v->dom, &ops[i]);                                      \
			if (gmem_copy_to_guest(v, at, ops, n * sizeof(type)))             \
				return -XEN_EFAULT;                                       \
			done += n;                                                        \
		}                                                                       \
		return 0;                                                               \
	}

BATCH(op_map, struct gnttab_map_grant_ref, gnttab_map_guest)
BATCH(op_unmap, struct gnttab_unmap_grant_ref, gnttab_unmap_guest)
BATCH(op_copy, struct gnttab_copy, gnttab_copy_guest)

static int64_t op_setup_table(struct hv_vcpu *v, uint64_t arg)
{
	struct gnttab_setup_table s;

	if (gmem_copy_from_guest(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (!is_self(v, s.dom))
		s.status = GNTST_permission_denied;
	else if ((s.status = (int16_t)gnttab_grow(v->dom, s.nr_frames)) == GNTST_okay)
		/* A translated guest cannot use frame numbers: report where
		 * each frame is mapped, all ones where it is not. */
		for (uint32_t i = 0; i < s.nr_frames; i++) {
			uint64_t f = gnttab_frame_gpfn(v->dom, i);

			if (gmem_copy_to_guest(v, s.frame_list + i * 8, &f, 8))
				return -XEN_EFAULT;
		}
	return gmem_copy_to_guest(v, arg, &s, sizeof(s)) ? -XEN_EFAULT : 0;
}

static int64_t op_query_size(struct hv_vcpu *v, uint64_t arg)
{
	struct gnttab_query_size q;
	unsigned nr, max;

	if (gmem_copy_from_guest(v, &q, arg, sizeof(q)))
		return -XEN_EFAULT;
	if (!is_self(v, q.dom)) {
		q.status = other_dom(q.dom) == -XEN_ESRCH ? GNTST_bad_domain
							 : GNTST_permission_denied;
	} else {
		gnttab_size(v->dom, &nr, &max);
		q.nr_frames = nr;
		q.max_nr_frames = max;
		q.status = GNTST_okay;
	}
	return gmem_copy_to_guest(v, arg, &q, sizeof(q)) ? -XEN_EFAULT : 0;
}

/* Only v1 exists: asking for it succeeds, anything else is -EINVAL; the
 * version in force (1) is written back either way, as Xen does. */
static int64_t op_set_version(struct hv_vcpu *v, uint64_t arg)
{
	struct gnttab_set_version s;
	int64_t r;

	if (gmem_copy_from_guest(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	r = s.version == 1 ? 0 : -XEN_EINVAL;
	s.version = 1;
	if (gmem_copy_to_guest(v, arg, &s, sizeof(s)))
		return -XEN_EFAULT;
	return r;
}

static int64_t op_get_version(struct hv_vcpu *v, uint64_t arg)
{
	struct gnttab_get_version g;

	if (gmem_copy_from_guest(v, &g, arg, sizeof(g)))
		return -XEN_EFAULT;
	if (!is_self(v, g.dom))
		return other_dom(g.dom);
	g.version = 1;
	return gmem_copy_to_guest(v, arg, &g, sizeof(g)) ? -XEN_EFAULT : 0;
}

int64_t hc_grant_table_op(struct hv_vcpu *v, const uint64_t a[PVABI_HYPERCALL_MAX_ARGS])
{
	uint64_t cmd = a[0], arg = a[1], count = a[2];

	if (!v->dom->gnttab)
		return -XEN_ENOSYS;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
	case GNTTABOP_copy:
		/* Xen splits long batches with continuations; Hospes bounds them. */
		if (count > GNTTAB_MAX_BATCH)
			return -XEN_EINVAL;
		return cmd == GNTTABOP_map_grant_ref   ? op_map(v, arg, count)
		       : cmd == GNTTABOP_unmap_grant_ref ? op_unmap(v, arg, count)
							 : op_copy(v, arg, count);
	case GNTTABOP_setup_table:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		if (count != 1)
			return -XEN_EINVAL;
		return cmd == GNTTABOP_setup_table   ? op_setup_table(v, arg)
		       : cmd == GNTTABOP_query_size  ? op_query_size(v, arg)
		       : cmd == GNTTABOP_set_version ? op_set_version(v, arg)
						     : op_get_version(v, arg);
	default:
		/* dump_table, transfer, unmap_and_replace, status frames (v2),
		 * swap_grant_ref, cache_flush: not provided. */
		return -XEN_ENOSYS;
	}
}
