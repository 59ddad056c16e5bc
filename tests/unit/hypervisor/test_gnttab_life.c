/* test_gnttab_life.c: grant copies and the life of grants without KVM
 * (gnttab_fixture.h): copy both ways with every refusal, ballooning next to
 * grants, either side dying while mapped, domain-id reuse, dom0 mappings. */
#include "gnttab_fixture.h"

TestSuite(gnttab_life, .init = setup, .fini = teardown);

static int copy1(struct side *s, struct gnttab_copy *c)
{
	cr_assert_eq(gop(s, GNTTABOP_copy, c, sizeof(*c), 1), 0);
	return ((struct gnttab_copy *)g(s, ARGS))->status;
}

Test(gnttab_life, copy_both_ways_and_refusals)
{
	struct gnttab_copy c;

	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	grant(&A, 9, 2, PAGE_RO, true);
	memset(g(&B, TARGET), 0xab, 64);
	c = (struct gnttab_copy){ .len = 64, .flags = GNTCOPY_dest_gref };
	c.source.u.gmfn = TARGET >> 12;
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = 8;
	c.dest.domid = 1;
	c.dest.offset = 4032;
	cr_assert_eq(copy1(&B, &c), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&A, PAGE_A + 4095), 0xab);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access, "bits cleared after the copy");
	c.dest.offset = 4033;
	cr_assert_eq(copy1(&B, &c), GNTST_bad_copy_arg, "crosses the page");
	c.dest.offset = 0;
	c.len = 4097;
	cr_assert_eq(copy1(&B, &c), GNTST_bad_copy_arg);
	c.len = 8;
	c.flags = 0x80 | GNTCOPY_dest_gref;
	cr_assert_eq(copy1(&B, &c), GNTST_bad_copy_arg);
	c.flags = GNTCOPY_dest_gref;
	c.dest.u.ref = 9;
	cr_assert_eq(copy1(&B, &c), GNTST_permission_denied, "readonly as destination");
	c.dest.u.ref = 8;
	c.source.domid = 1; /* a foreign GFN without a grant */
	cr_assert_eq(copy1(&B, &c), GNTST_permission_denied);
	c.source.domid = DOMID_SELF;
	c.source.u.gmfn = MEM >> 12;
	cr_assert_eq(copy1(&B, &c), GNTST_bad_page);
	c.source.u.gmfn = UINT64_MAX;
	cr_assert_eq(copy1(&B, &c), GNTST_bad_page);
	c.dest.domid = 9;
	c.source.u.gmfn = TARGET >> 12;
	cr_assert_eq(copy1(&B, &c), GNTST_bad_domain);
	/* Readonly grant as a source, into B's own frame. */
	memset(g(&A, PAGE_RO), 0x3c, 32);
	c = (struct gnttab_copy){ .len = 32, .flags = GNTCOPY_source_gref };
	c.source.u.ref = 9;
	c.source.domid = 1;
	c.dest.u.gmfn = (TARGET >> 12) + 1;
	c.dest.domid = 2;
	cr_assert_eq(copy1(&B, &c), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&B, TARGET + 4096 + 31), 0x3c);
	/* Grant to grant, both A's, by B. */
	c = (struct gnttab_copy){ .len = 4, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref };
	c.source.u.ref = 9;
	c.source.domid = 1;
	c.dest.u.ref = 8;
	c.dest.domid = 1;
	cr_assert_eq(copy1(&B, &c), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&A, PAGE_A), 0x3c);
}

Test(gnttab_life, grantee_death_clears_in_use_bits)
{
	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, NULL), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	side_fini(&B);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access);
	cr_assert_eq(A.dom.gnttab->nr_pinned, 0);
}

Test(gnttab_life, granter_death_leaves_its_page_only)
{
	uint32_t h;

	table(&A);
	memset(g(&A, PAGE_A), 0x42, 4096);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, &h), GNTST_okay);
	side_fini(&A);
	/* Still the dead granter's page: valid memory, its last contents. */
	cr_assert_eq(*(uint8_t *)g(&B, TARGET), 0x42);
	/* A new domain takes id 1; B's unmap must not touch its table. */
	side_init(&A, 1);
	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET + 4096, GNTMAP_host_map, NULL), GNTST_okay);
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing,
		     "the new domain's pin stays");
	cr_assert_eq(A.dom.gnttab->act[8].wr, 1);
}

Test(gnttab_life, dom0_mappings_per_connection)
{
	struct gnttab_maptab t;
	uint64_t off;
	uint32_t h, h2;
	uint8_t buf[16];

	table(&A);
	grant(&A, 8, 0, PAGE_A, false);
	grant(&A, 9, 0, PAGE_RO, true);
	grant(&A, 10, 2, PAGE_A, false);
	gnttab_maptab_init(&t, 4);
	cr_assert_eq(gnttab_map_dom0(&t, 1, 8, false, &off, &h), GNTST_okay);
	cr_assert_eq(off, PAGE_A, "RAM below 3 GiB starts the memfd");
	cr_assert_eq(gnttab_map_dom0(&t, 1, 9, false, &off, &h2), GNTST_permission_denied);
	cr_assert_eq(gnttab_map_dom0(&t, 1, 9, true, &off, &h2), GNTST_okay);
	cr_assert_eq(gnttab_map_dom0(&t, 1, 10, true, &off, NULL), GNTST_bad_gntref);
	cr_assert_eq(gnttab_map_dom0(&t, 3, 8, true, &off, NULL), GNTST_bad_domain);
	cr_assert_eq(entry(&A, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	cr_assert_eq(gnttab_unmap_dom0(&t, h2), GNTST_okay);
	cr_assert_eq(gnttab_unmap_dom0(&t, h2), GNTST_bad_handle);
	memset(buf, 7, sizeof(buf));
	cr_assert_eq(gnttab_copy_dom0(1, 8, 100, 16, buf, true), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&A, PAGE_A + 115), 7);
	cr_assert_eq(gnttab_copy_dom0(1, 9, 0, 16, buf, true), GNTST_permission_denied);
	cr_assert_eq(gnttab_copy_dom0(1, 9, 0, 16, buf, false), GNTST_okay);
	cr_assert_eq(gnttab_copy_dom0(1, 8, 4090, 16, buf, false), GNTST_bad_copy_arg);
	/* The connection goes: its mappings end. */
	gnttab_maptab_release(&t, NULL);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access);
	cr_assert_eq(A.dom.gnttab->nr_pinned, 0);
}

Test(gnttab_life, ballooned_target_and_pinned_frames)
{
	uint64_t f = TARGET >> 12;
	uint32_t h;

	table(&A);
	memset(g(&A, PAGE_A), 0x61, 4096);
	grant(&A, 8, 2, PAGE_A, false);
	/* Linux maps grants into frames it gave back. */
	cr_assert_eq(hv_balloon_release(&B.dom, &f, 1, 0), 1);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, &h), GNTST_okay);
	cr_assert_eq(*(volatile uint8_t *)g(&B, TARGET), 0x61);
	cr_assert_eq(hv_balloon_populate(&B.dom, &f, 1, 0), 0, "not over a mapping");
	/* The granter cannot overlay a table frame on a frame in use. */
	cr_assert_eq(add_frame(&A, 1, PAGE_A), -XEN_EINVAL);
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_okay);
	cr_assert(hv_balloon_is_absent(&B.dom.mem, f), "still given back");
	cr_assert_eq(hv_balloon_populate(&B.dom, &f, 1, 0), 1);
	cr_assert_eq(add_frame(&A, 1, PAGE_A), 0, "free again");
}

Test(gnttab_life, table_frame_in_a_given_back_frame)
{
	uint64_t f = (TAB >> 12) + 8;

	cr_assert_eq(hv_balloon_release(&A.dom, &f, 1, 0), 1);
	cr_assert_eq(add_frame(&A, 0, f << 12), 0, "as Linux does");
	((volatile struct grant_entry_v1 *)g(&A, f << 12))[8].flags = GTF_permit_access;
	cr_assert_eq(((struct grant_entry_v1 *)A.dom.gnttab->tab)[8].flags, GTF_permit_access,
		     "the guest writes the table itself");
	cr_assert_eq(hv_balloon_populate(&A.dom, &f, 1, 0), 0, "a table frame stays");
	cr_assert_eq(add_frame(&A, 0, TAB), 0, "moved");
	cr_assert(hv_balloon_is_absent(&A.dom.mem, f));
	cr_assert_eq(hv_balloon_populate(&A.dom, &f, 1, 0), 1, "free again");
}
