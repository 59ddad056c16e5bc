/* test_gnttab_shutdown.c: grants of a domain that ended (SPEC.md §14.6,
 * gnttab_fixture.h): a granter that shut down or faulted still serves maps
 * and copies, by a domain and by dom0, until it is destroyed; then new uses
 * fail with bad_domain while mappings made before keep their page. */
#include <pvabi/sched.h>

#include "gnttab_fixture.h"
#include "hv_exit.h"

TestSuite(gnttab_shutdown, .init = setup, .fini = teardown);

static int copy_from(struct side *s, domid_t dom, unsigned ref, uint64_t to)
{
	struct gnttab_copy c = { .len = 16, .flags = GNTCOPY_source_gref };

	c.source.u.ref = ref;
	c.source.domid = dom;
	c.dest.u.gmfn = to >> 12;
	c.dest.domid = DOMID_SELF;
	cr_assert_eq(gop(s, GNTTABOP_copy, &c, sizeof(c), 1), 0);
	return ((struct gnttab_copy *)g(s, ARGS))->status;
}

Test(gnttab_shutdown, shut_down_granter_serves_until_destroyed)
{
	struct gnttab_maptab t;
	uint64_t off;
	uint32_t h, h0;
	uint8_t buf[16];

	table(&A);
	memset(g(&A, PAGE_A), 0x5a, 4096);
	grant(&A, 8, 2, PAGE_A, false);
	grant(&A, 9, 0, PAGE_A, false);
	gnttab_maptab_init(&t, 4);
	hv_domain_shutdown(&A.dom, SHUTDOWN_poweroff);
	cr_assert(atomic_load(&A.dom.dying), "the vCPUs must stop");

	/* Shut down: a guest grantee and dom0 map and copy as before. */
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, &h), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&B, TARGET + 7), 0x5a);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	cr_assert_eq(copy_from(&B, 1, 8, TARGET + 4096), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&B, TARGET + 4096 + 15), 0x5a);
	cr_assert_eq(gnttab_map_dom0(&t, 1, 9, false, &off, &h0), GNTST_okay);
	cr_assert_eq(off, PAGE_A);
	memset(buf, 0x11, sizeof(buf));
	cr_assert_eq(gnttab_copy_dom0(1, 9, 32, 16, buf, true), GNTST_okay);
	cr_assert_eq(*(uint8_t *)g(&B, TARGET + 32), 0x11, "the same page, through B's mapping");

	/* Destroyed: new maps and copies fail; the state (and exit status)
	 * stays the shutdown's. */
	hv_domain_destroy(&A.dom, "test");
	cr_assert_eq(hv_domain_exit_status(&A.dom), HV_EXIT_POWEROFF);
	cr_assert_eq(map(&B, 1, 8, TARGET + 8192, GNTMAP_host_map, NULL), GNTST_bad_domain);
	cr_assert_eq(copy_from(&B, 1, 8, TARGET + 4096), GNTST_bad_domain);
	cr_assert_eq(gnttab_map_dom0(&t, 1, 9, true, &off, NULL), GNTST_bad_domain);
	cr_assert_eq(gnttab_copy_dom0(1, 9, 0, 16, buf, false), GNTST_bad_domain);

	/* Mappings made before keep the page; their unmaps succeed once. */
	cr_assert_eq(*(uint8_t *)g(&B, TARGET + 33), 0x11);
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_okay);
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_bad_handle);
	cr_assert_eq(gnttab_unmap_dom0(&t, h0), GNTST_okay);
	cr_assert_eq(gnttab_unmap_dom0(&t, h0), GNTST_bad_handle);
	gnttab_maptab_release(&t, NULL);
	pthread_mutex_destroy(&t.lock);
}

Test(gnttab_shutdown, faulted_granter_serves_until_destroyed)
{
	uint8_t buf[16];

	table(&A);
	memset(g(&A, PAGE_A), 0x6b, 4096);
	grant(&A, 9, 0, PAGE_A, true);
	hv_domain_fault(&A.dom, "test fault");
	cr_assert_eq(gnttab_copy_dom0(1, 9, 100, 16, buf, false), GNTST_okay);
	cr_assert_eq(buf[15], 0x6b);
	cr_assert_eq(entry(&A, 9)->flags, GTF_permit_access | GTF_readonly, "released after the copy");
	hv_domain_destroy(&A.dom, "test");
	cr_assert_eq(gnttab_copy_dom0(1, 9, 100, 16, buf, false), GNTST_bad_domain);
}

Test(gnttab_shutdown, running_granter_destroyed_refuses_at_once)
{
	uint8_t buf[16];

	table(&A);
	grant(&A, 9, 0, PAGE_A, false);
	cr_assert_eq(gnttab_copy_dom0(1, 9, 0, 16, buf, false), GNTST_okay);
	/* Killed from outside: its vCPUs may still be stopping, but nobody
	 * reaches its grants any more. */
	hv_domain_destroy(&A.dom, "test");
	cr_assert_eq(gnttab_copy_dom0(1, 9, 0, 16, buf, false), GNTST_bad_domain);
	cr_assert_eq(map(&B, 1, 9, TARGET, GNTMAP_host_map, NULL), GNTST_bad_domain);
}
