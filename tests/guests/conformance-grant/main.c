/* conformance-grant: grant_table_op in one domain: table setup through
 * add_to_physmap, query_size, set/get_version, granting to itself (Xen lets
 * a domain map its own grants), the flag protocol, copy, and every refusal.
 * One "CHECK <name> <value>" line each, then "CONFORMANCE DONE <n>".
 * Command line: "me=<own domid>" (default 1); "rowrite" instead writes
 * through a readonly mapping (the domain must be stopped). */
#include "conf.h"

#define PAGE __attribute__((aligned(4096)))
#define GFN(p) ((uint64_t)(uintptr_t)(p) >> 12)

static uint8_t table[2][4096] PAGE;
static uint8_t src[4096] PAGE, ro_page[4096] PAGE, target[4096] PAGE, spare[4096] PAGE;
static struct gnttab_copy copies[3];

static long op(unsigned int cmd, void *arg, unsigned int count)
{
	return pvabi_grant_table_op(cmd, arg, count);
}

static long add_frame(uint64_t idx, uint64_t gpfn)
{
	struct xen_add_to_physmap a = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx, .gpfn = gpfn
	};

	return pvabi_memory_op(XENMEM_add_to_physmap, &a);
}

static long map_status(domid_t dom, grant_ref_t ref, uint64_t gpa, uint32_t flags)
{
	struct gnttab_map_grant_ref m = { .host_addr = gpa, .flags = flags, .ref = ref, .dom = dom };
	long r = op(GNTTABOP_map_grant_ref, &m, 1);

	return r ? r : m.status;
}

static void setup(void)
{
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	struct gnttab_set_version sv = { .version = 2 };
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 2 };
	uint64_t frames[2] = { 0, 0 };

	conf_check("grant.get_version", op(GNTTABOP_get_version, &gv, 1));
	conf_check("grant.version", gv.version);
	conf_check("grant.set_version_2", op(GNTTABOP_set_version, &sv, 1));
	conf_check("grant.set_version_2_reports", sv.version);
	sv.version = 1;
	conf_check("grant.set_version_1", op(GNTTABOP_set_version, &sv, 1));
	conf_check("grant.set_version_count2", op(GNTTABOP_set_version, &sv, 2));
	conf_check("grant.query_size", op(GNTTABOP_query_size, &qs, 1));
	conf_check("grant.query_status", qs.status);
	conf_check("grant.nr_frames_initial", qs.nr_frames);
	conf_check("grant.max_nr_frames", qs.max_nr_frames);
	qs.dom = 999;
	op(GNTTABOP_query_size, &qs, 1);
	conf_check("grant.query_other_domain", qs.status);
	/* Highest index first, as Linux does. */
	conf_check("grant.add_frame1", add_frame(1, GFN(table[1])));
	conf_check("grant.add_frame0", add_frame(0, GFN(table[0])));
	conf_check("grant.add_frame_over_max", add_frame(32, GFN(spare)));
	conf_check("grant.add_status_frame", add_frame(0x80000000u, GFN(spare)));
	conf_check("grant.add_frame_outside_ram", add_frame(2, 0x7000000));
	qs.dom = DOMID_SELF;
	op(GNTTABOP_query_size, &qs, 1);
	conf_check("grant.nr_frames_after_add", qs.nr_frames);
	st.frame_list = frames;
	conf_check("grant.setup_table", op(GNTTABOP_setup_table, &st, 1));
	conf_check("grant.setup_status", st.status);
	conf_check("grant.setup_frame0_is_mapped_gpfn", frames[0] == GFN(table[0]));
	st.nr_frames = 33;
	op(GNTTABOP_setup_table, &st, 1);
	conf_check("grant.setup_over_max", st.status);
	conf_check("grant.unsupported_dump_table", op(GNTTABOP_dump_table, &gv, 1));
	conf_check("grant.unsupported_transfer", op(GNTTABOP_transfer, &gv, 1));
	conf_check("grant.batch_too_long", op(GNTTABOP_copy, copies, 4097));
	conf_check("grant.bad_array_pointer", op(GNTTABOP_map_grant_ref, CONF_UNMAPPED, 1));
}

static void self_map(domid_t me)
{
	volatile struct grant_entry_v1 *t;
	grant_handle_t h = 0, h2 = 0;
	long ref, ro;

	conf_check("grant.init", pvabi_gnttab_init(GFN(table[0]), 2));
	if (!(t = pvabi_gnttab_table()))
		return;
	conf_check("grant.table_is_overlay", (uintptr_t)t == (uintptr_t)table[0]);
	ref = pvabi_gnttab_alloc_ref();
	ro = pvabi_gnttab_alloc_ref();
	conf_check("grant.first_ref", ref);
	conf_check("grant.second_ref", ro);
	for (unsigned i = 0; i < 4096; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	target[0] = 0xEE;
	conf_check("grant.grant_rw", pvabi_gnttab_grant_access((grant_ref_t)ref, me, GFN(src), 0));
	conf_check("grant.grant_ro", pvabi_gnttab_grant_access((grant_ref_t)ro, me, GFN(ro_page), 1));
	conf_check("grant.entry_flags", t[ref].flags);

	/* Refusals, before any mapping succeeds. */
	conf_check("grant.map_ref_beyond_table", map_status(me, 1024, (uintptr_t)target, GNTMAP_host_map));
	conf_check("grant.map_ref_not_granted", map_status(me, 100, (uintptr_t)target, GNTMAP_host_map));
	conf_check("grant.map_no_such_domain", map_status(999, (grant_ref_t)ref, (uintptr_t)target, GNTMAP_host_map));
	conf_check("grant.map_domid_self", map_status(DOMID_SELF, (grant_ref_t)ref, (uintptr_t)target, GNTMAP_host_map));
	conf_check("grant.map_ro_grant_for_write", map_status(me, (grant_ref_t)ro, (uintptr_t)target, GNTMAP_host_map));
	conf_check("grant.map_unaligned", map_status(me, (grant_ref_t)ref, (uintptr_t)target + 8, GNTMAP_host_map));
	conf_check("grant.map_outside_ram", map_status(me, (grant_ref_t)ref, 0x7000000000ul, GNTMAP_host_map));
	conf_check("grant.map_onto_table", map_status(me, (grant_ref_t)ref, (uintptr_t)table[1], GNTMAP_host_map));
	conf_check("grant.map_without_host_map", map_status(me, (grant_ref_t)ref, (uintptr_t)target, 0));
	conf_check("grant.map_contains_pte", map_status(me, (grant_ref_t)ref, (uintptr_t)target, GNTMAP_host_map | GNTMAP_contains_pte));
	conf_check("grant.flags_after_refusals", t[ref].flags);

	/* The mapping: target now shows src; writes go to src. */
	conf_check("grant.map", pvabi_gnttab_map(me, (grant_ref_t)ref, (uintptr_t)target, 0, &h));
	conf_check("grant.target_shows_src", target[0] == 1 && target[4095] == (uint8_t)(4095 * 7 + 1));
	/* volatile: the compiler cannot know that the two alias now. */
	((volatile uint8_t *)target)[5] = 0x42;
	conf_check("grant.write_reaches_src", ((volatile uint8_t *)src)[5] == 0x42);
	conf_check("grant.flags_mapped_rw", t[ref].flags);
	conf_check("grant.end_access_while_mapped", pvabi_gnttab_end_access((grant_ref_t)ref));
	conf_check("grant.map_same_target_again", map_status(me, (grant_ref_t)ref, (uintptr_t)target, GNTMAP_host_map));
	conf_check("grant.map_ro", pvabi_gnttab_map(me, (grant_ref_t)ro, (uintptr_t)spare, 1, &h2));
	conf_check("grant.flags_mapped_ro", t[ro].flags);
	/* A hypercall argument inside a grant mapping is refused. */
	conf_check("grant.hypercall_arg_in_mapping", op(GNTTABOP_query_size, spare, 1));
	conf_check("grant.unmap_wrong_addr", pvabi_gnttab_unmap((uintptr_t)spare, h));
	conf_check("grant.unmap", pvabi_gnttab_unmap((uintptr_t)target, h));
	conf_check("grant.target_restored", target[0]);
	conf_check("grant.unmap_twice", pvabi_gnttab_unmap((uintptr_t)target, h));
	conf_check("grant.unmap_bad_handle", pvabi_gnttab_unmap((uintptr_t)target, 5000));
	conf_check("grant.flags_unmapped", t[ref].flags);
	conf_check("grant.unmap_ro", pvabi_gnttab_unmap((uintptr_t)spare, h2));
	conf_check("grant.flags_ro_unmapped", t[ro].flags);
	conf_check("grant.end_access", pvabi_gnttab_end_access((grant_ref_t)ref));
	conf_check("grant.flags_ended", t[ref].flags);
	conf_check("grant.map_after_end", map_status(me, (grant_ref_t)ref, (uintptr_t)target, GNTMAP_host_map));
	/* Grant it again to someone else: we may not map it. */
	pvabi_gnttab_grant_access((grant_ref_t)ref, (domid_t)(me + 1), GFN(src), 0);
	conf_check("grant.map_granted_to_other", map_status(me, (grant_ref_t)ref, (uintptr_t)target, GNTMAP_host_map));
	pvabi_gnttab_grant_access((grant_ref_t)ref, me, GFN(src), 0);
	pvabi_gnttab_free_ref((grant_ref_t)ro);
	conf_check("grant.realloc_freed_ref", pvabi_gnttab_alloc_ref());
}

static void copy_op(struct gnttab_copy *c, uint64_t s, uint16_t soff, domid_t sdom, uint64_t d,
		    uint16_t doff, domid_t ddom, uint16_t len, uint16_t flags)
{
	*c = (struct gnttab_copy){ .len = len, .flags = flags };
	c->source.u.gmfn = s;
	c->source.domid = sdom;
	c->source.offset = soff;
	c->dest.u.gmfn = d;
	c->dest.domid = ddom;
	c->dest.offset = doff;
}

static void copies_check(domid_t me)
{
	volatile struct grant_entry_v1 *t = pvabi_gnttab_table();
	long rc;

	/* ref 8 grants src (rw) to us, ref 9 ro_page readonly. */
	for (unsigned i = 0; i < 64; i++)
		spare[i] = (uint8_t)(0xC0 + i);
	copy_op(&copies[0], GFN(spare), 0, DOMID_SELF, 8, 100, me, 64, GNTCOPY_dest_gref);
	copy_op(&copies[1], 8, 100, me, GFN(target), 200, DOMID_SELF, 64, GNTCOPY_source_gref);
	copy_op(&copies[2], 8, 4000, me, GFN(target), 0, DOMID_SELF, 200, GNTCOPY_source_gref);
	rc = pvabi_gnttab_copy(copies, 3);
	conf_check("grant.copy_batch", rc);
	conf_check("grant.copy_gfn_to_gref", copies[0].status);
	conf_check("grant.copy_landed", src[100] == 0xC0 && src[163] == 0xFF);
	conf_check("grant.copy_gref_to_gfn", copies[1].status);
	conf_check("grant.copy_back", target[200] == 0xC0 && target[263] == 0xFF);
	conf_check("grant.copy_crosses_page", copies[2].status);
	conf_check("grant.flags_after_copies", t[8].flags);
	pvabi_gnttab_grant_access(9, me, GFN(ro_page), 1);
	copy_op(&copies[0], GFN(spare), 0, DOMID_SELF, 9, 0, me, 8, GNTCOPY_dest_gref);
	copy_op(&copies[1], 9, 0, me, GFN(target), 0, DOMID_SELF, 8, GNTCOPY_source_gref);
	copy_op(&copies[2], GFN(spare), 0, 999, GFN(target), 0, DOMID_SELF, 8, 0);
	pvabi_gnttab_copy(copies, 3);
	conf_check("grant.copy_into_readonly", copies[0].status);
	conf_check("grant.copy_from_readonly", copies[1].status);
	conf_check("grant.copy_foreign_gfn", copies[2].status);
	copy_op(&copies[0], GFN(spare), 0, DOMID_SELF, 8, 0, me, 8, GNTCOPY_dest_gref | 4);
	copy_op(&copies[1], GFN(spare), 0, DOMID_SELF, 77, 0, me, 8, GNTCOPY_dest_gref);
	copy_op(&copies[2], 0x7000000, 0, DOMID_SELF, GFN(target), 0, DOMID_SELF, 8, 0);
	pvabi_gnttab_copy(copies, 3);
	conf_check("grant.copy_bad_flags", copies[0].status);
	conf_check("grant.copy_ref_not_granted", copies[1].status);
	conf_check("grant.copy_gfn_outside_ram", copies[2].status);
}

static void balloon_check(domid_t me)
{
	grant_handle_t h = 0;
	uint64_t f;

	pvabi_gnttab_map(me, 8, (uintptr_t)target, 0, &h);
	f = GFN(src);
	conf_check("grant.release_granted_mapped_frame", pvabi_balloon_release(&f, 1, 0));
	f = GFN(target);
	conf_check("grant.release_mapping_target", pvabi_balloon_release(&f, 1, 0));
	f = GFN(table[0]);
	conf_check("grant.release_table_frame", pvabi_balloon_release(&f, 1, 0));
	conf_check("grant.unmap_for_release", pvabi_gnttab_unmap((uintptr_t)target, h));
	f = GFN(target);
	conf_check("grant.release_unmapped_frame", pvabi_balloon_release(&f, 1, 0));
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	domid_t me = (domid_t)pvabi_cmdline_num(boot->cmdline, "me", 1);

	conf_init();
	if (pvabi_cmdline_has(boot->cmdline, "rowrite")) {
		/* Hostile: write through a readonly mapping of our own grant. */
		grant_handle_t h;

		pvabi_gnttab_init(GFN(table[0]), 1);
		pvabi_gnttab_grant_access(8, me, GFN(ro_page), 1);
		pvabi_printf("RO MAP %ld\n", pvabi_gnttab_map(me, 8, (uintptr_t)spare, 1, &h));
		((volatile uint8_t *)spare)[0] = 1;
		pvabi_printf("RO WRITE SURVIVED %u\n", ((volatile uint8_t *)ro_page)[0]);
		return;
	}
	setup();
	self_map(me);
	if (pvabi_gnttab_table()) { /* else (a table limit of 1 frame) the rest cannot run */
		copies_check(me);
		balloon_check(me);
	}
	conf_done();
}
