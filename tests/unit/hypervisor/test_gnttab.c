/* test_gnttab.c: grant_table_op without KVM (gnttab_fixture.h): table
 * setup, versions, map/unmap with every refusal, the in-use bits and
 * their counts, a hostile granter, the active-map limit, batches. */
#include "gnttab_fixture.h"

TestSuite(gnttab, .init = setup, .fini = teardown);

Test(gnttab, table_setup_query_and_versions)
{
	struct gnttab_query_size q = { DOMID_SELF, 0, 0, 0, 0, 0 };
	struct gnttab_set_version sv = { 2 };
	struct gnttab_get_version gv = { DOMID_SELF, 0, 0 };

	cr_assert_eq(gop(&A, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	memcpy(&q, g(&A, ARGS), sizeof(q));
	cr_assert_eq(q.nr_frames, 0);
	cr_assert_eq(q.max_nr_frames, GNTTAB_DEFAULT_MAX_FRAMES);
	cr_assert_eq(add_frame(&A, 3, TAB), 0);
	cr_assert_eq(A.dom.gnttab->nr_frames, 4, "grows to idx + 1");
	cr_assert_eq(add_frame(&A, 0, TAB), -XEN_EINVAL, "frame 3 is there already");
	cr_assert_eq(add_frame(&A, 32, TAB + 4096), -XEN_EINVAL);
	cr_assert_eq(add_frame(&A, 0, MEM), -XEN_EINVAL, "outside RAM");
	cr_assert_eq(add_frame(&A, 0x80000000u, TAB + 4096), -XEN_EINVAL, "v2 status frame");
	cr_assert_eq(add_frame(&A, 0, TAB + 4096), 0);
	cr_assert_eq(evtchn_shinfo_map(&A.dom, (TAB >> 12) + 1), -EINVAL, "shared_info not over it");
	cr_assert_eq(gop(&A, GNTTABOP_set_version, &sv, sizeof(sv), 1), -XEN_EINVAL);
	cr_assert_eq(*(uint32_t *)g(&A, ARGS), 1, "version in force written back");
	sv.version = 1;
	cr_assert_eq(gop(&A, GNTTABOP_set_version, &sv, sizeof(sv), 1), 0);
	cr_assert_eq(gop(&A, GNTTABOP_set_version, &sv, sizeof(sv), 0), -XEN_EINVAL);
	cr_assert_eq(gop(&A, GNTTABOP_get_version, &gv, sizeof(gv), 1), 0);
	cr_assert_eq(((struct gnttab_get_version *)g(&A, ARGS))->version, 1);
	gv.dom = 2;
	cr_assert_eq(gop(&A, GNTTABOP_get_version, &gv, sizeof(gv), 1), -XEN_EPERM);
	gv.dom = 77;
	cr_assert_eq(gop(&A, GNTTABOP_get_version, &gv, sizeof(gv), 1), -XEN_ESRCH);
	cr_assert_eq(gop(&A, GNTTABOP_swap_grant_ref, NULL, 0, 1), -XEN_ENOSYS);
	cr_assert_eq(gop(&A, 99, NULL, 0, 1), -XEN_ENOSYS);
	cr_assert_eq(gop(&A, GNTTABOP_map_grant_ref, NULL, 0, GNTTAB_MAX_BATCH + 1), -XEN_EINVAL);
	A.regs.rsi = MEM + 4096;
	cr_assert_eq(hc_dispatch(&A.vcpu), -XEN_EINVAL, "count checked first");
}

Test(gnttab, setup_table_reports_frames)
{
	struct gnttab_setup_table st = { DOMID_SELF, 0, 2, 0, { 0 }, ARGS + 64 };
	uint64_t *list = g(&A, ARGS + 64);

	table(&A);
	cr_assert_eq(gop(&A, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	cr_assert_eq(((struct gnttab_setup_table *)g(&A, ARGS))->status, GNTST_okay);
	cr_assert_eq(list[0], TAB >> 12);
	cr_assert_eq(list[1], GNTTAB_NO_GPFN);
	st.nr_frames = 33;
	cr_assert_eq(gop(&A, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	cr_assert_eq(((struct gnttab_setup_table *)g(&A, ARGS))->status, GNTST_general_error);
	st.nr_frames = 1;
	st.dom = 2;
	cr_assert_eq(gop(&A, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
	cr_assert_eq(((struct gnttab_setup_table *)g(&A, ARGS))->status, GNTST_permission_denied);
}

Test(gnttab, map_read_write_and_in_use_bits)
{
	uint32_t h;

	table(&A);
	memset(g(&A, PAGE_A), 0x5a, 4096);
	memset(g(&B, TARGET), 0x11, 4096);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, &h), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	cr_assert_eq(*(uint8_t *)g(&B, TARGET), 0x5a, "B sees A's page");
	*(uint8_t *)g(&B, TARGET + 7) = 0x77;
	cr_assert_eq(*(uint8_t *)g(&A, PAGE_A + 7), 0x77, "and writes it");
	cr_assert_null(gmem_gpa_ptr(&B.dom.mem, TARGET, 1), "gmem keeps out of mappings");
	cr_assert_eq(hv_balloon_release(&A.dom, (uint64_t[]){ PAGE_A >> 12 }, 1, 0), 0,
		     "a mapped grant is not given back");
	cr_assert_eq(hv_balloon_release(&B.dom, (uint64_t[]){ TARGET >> 12 }, 1, 0), 0);
	cr_assert_eq(hv_balloon_release(&A.dom, (uint64_t[]){ TAB >> 12 }, 1, 0), 0);
	cr_assert_eq(unmap(&B, TARGET + 4096, h), GNTST_bad_virt_addr);
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access);
	cr_assert_eq(*(uint8_t *)g(&B, TARGET), 0x11, "B's own page is back");
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_bad_handle);
	cr_assert_eq(unmap(&B, TARGET, 123456), GNTST_bad_handle);
	cr_assert_eq(hv_balloon_release(&A.dom, (uint64_t[]){ PAGE_A >> 12 }, 1, 0), 1);
}

Test(gnttab, map_refusals)
{
	uint32_t h;

	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	grant(&A, 9, 2, PAGE_RO, true);
	grant(&A, 10, 3, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 512, TARGET, GNTMAP_host_map, &h), GNTST_bad_gntref, "past the table");
	cr_assert_eq(h, UINT32_MAX);
	cr_assert_eq(map(&B, 1, 11, TARGET, GNTMAP_host_map, NULL), GNTST_bad_gntref, "invalid entry");
	cr_assert_eq(map(&B, 1, 10, TARGET, GNTMAP_host_map, NULL), GNTST_bad_gntref, "other domid");
	cr_assert_eq(map(&B, 1, 9, TARGET, GNTMAP_host_map, NULL), GNTST_permission_denied);
	cr_assert_eq(map(&B, 5, 8, TARGET, GNTMAP_host_map, NULL), GNTST_bad_domain);
	cr_assert_eq(map(&B, 0, 8, TARGET, GNTMAP_host_map, NULL), GNTST_bad_domain);
	cr_assert_eq(map(&B, DOMID_SELF, 8, TARGET, GNTMAP_host_map, NULL), GNTST_bad_domain);
	cr_assert_eq(map(&B, 1, 8, TARGET + 1, GNTMAP_host_map, NULL), GNTST_bad_virt_addr);
	cr_assert_eq(map(&B, 1, 8, MEM, GNTMAP_host_map, NULL), GNTST_bad_virt_addr);
	cr_assert_eq(map(&B, 1, 8, TARGET, 0, NULL), GNTST_general_error);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map | GNTMAP_device_map, NULL),
		     GNTST_general_error);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access, "nothing left in use");
	/* A grant of a frame that is not plain RAM of the granter. */
	grant(&A, 12, 2, TAB, false);
	cr_assert_eq(map(&B, 1, 12, TARGET, GNTMAP_host_map, NULL), GNTST_bad_page);
	cr_assert_eq(entry(&A, 12)->flags, GTF_permit_access);
	grant(&A, 13, 2, MEM + 4096, false);
	cr_assert_eq(map(&B, 1, 13, TARGET, GNTMAP_host_map, NULL), GNTST_bad_page);
	/* Onto B's own table frame: refused. */
	table(&B);
	cr_assert_eq(map(&B, 1, 8, TAB, GNTMAP_host_map, NULL), GNTST_bad_virt_addr);
}

Test(gnttab, readonly_mapping_and_refcounts)
{
	uint32_t h1, h2, h3;

	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map | GNTMAP_readonly, &h1), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading);
	cr_assert_eq(map(&B, 1, 8, TARGET + 4096, GNTMAP_host_map, &h2), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, &h3), GNTST_bad_virt_addr, "taken");
	cr_assert_eq(unmap(&B, TARGET + 4096, h2), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access | GTF_reading, "writer gone");
	cr_assert_eq(unmap(&B, TARGET, h1), GNTST_okay);
	cr_assert_eq(entry(&A, 8)->flags, GTF_permit_access);
}

Test(gnttab, hostile_granter_rewrites_entry)
{
	uint32_t h;

	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, &h), GNTST_okay);
	/* A wipes the entry (no cmpxchg) and points it elsewhere. */
	entry(&A, 8)->flags = 0;
	entry(&A, 8)->frame = 0;
	cr_assert_eq(map(&B, 1, 8, TARGET + 4096, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	grant(&A, 8, 2, PAGE_RO, false);
	memset(g(&A, PAGE_RO), 0x99, 16);
	/* Later pins use the frame captured by the first one. */
	cr_assert_eq(map(&B, 1, 8, TARGET + 4096, GNTMAP_host_map, NULL), GNTST_okay);
	cr_assert_neq(*(uint8_t *)g(&B, TARGET + 4096), 0x99);
	cr_assert_eq(unmap(&B, TARGET, h), GNTST_okay);
}

Test(gnttab, active_map_limit)
{
	uint32_t h;

	table(&A);
	cr_assert_eq(gnttab_set_limits(&B.dom, 32, 2), 0);
	cr_assert_eq(gnttab_set_limits(&B.dom, 0, 2), -EINVAL);
	cr_assert_eq(gnttab_set_limits(&B.dom, 32, GNTTAB_LIMIT_MAPS + 1), -EINVAL);
	grant(&A, 8, 2, PAGE_A, false);
	cr_assert_eq(map(&B, 1, 8, TARGET, GNTMAP_host_map, NULL), GNTST_okay);
	cr_assert_eq(map(&B, 1, 8, TARGET + 4096, GNTMAP_host_map, &h), GNTST_okay);
	cr_assert_eq(map(&B, 1, 8, TARGET + 8192, GNTMAP_host_map, NULL), GNTST_no_space);
	cr_assert_eq(unmap(&B, TARGET + 4096, h), GNTST_okay);
	cr_assert_eq(map(&B, 1, 8, TARGET + 8192, GNTMAP_host_map, NULL), GNTST_okay);
	cr_assert_eq(gnttab_set_limits(&A.dom, 2, 8), 0);
	cr_assert_eq(add_frame(&A, 2, TAB + 8192), -XEN_EINVAL, "max_frames 2");
	cr_assert_eq(add_frame(&A, 1, TAB + 4096), 0);
	cr_assert_eq(gnttab_set_limits(&A.dom, 1, 8), -EINVAL, "below the frames in use");
}

Test(gnttab, batch_with_mixed_results)
{
	struct gnttab_map_grant_ref m[20];

	table(&A);
	grant(&A, 8, 2, PAGE_A, false);
	memset(m, 0, sizeof(m));
	for (unsigned i = 0; i < 20; i++)
		m[i] = (struct gnttab_map_grant_ref){ TARGET + i * 4096ull, GNTMAP_host_map,
						      i % 2 ? 8 : 9, 1, 0, 0, 0 };
	cr_assert_eq(gop(&B, GNTTABOP_map_grant_ref, m, sizeof(m), 20), 0);
	memcpy(m, g(&B, ARGS), sizeof(m));
	for (unsigned i = 0; i < 20; i++)
		cr_assert_eq(m[i].status, i % 2 ? GNTST_okay : GNTST_bad_gntref, "entry %u", i);
	cr_assert_eq(A.dom.gnttab->act[8].wr, 10);
	B.regs.rsi = MEM - 64; /* the array runs off the RAM */
	B.regs.rdx = 4;
	cr_assert_eq(hc_dispatch(&B.vcpu), -XEN_EFAULT);
}

/* The granter rewrites its entry from another thread while B maps and
 * unmaps: every result is a valid status and nothing stays pinned. */
static atomic_bool racing;

static void *flipper(void *arg)
{
	volatile struct grant_entry_v1 *e = arg;
	uint32_t x = 1;

	while (atomic_load(&racing)) {
		x = x * 1103515245u + 12345u;
		e->flags = (uint16_t)((x >> 8) & 0x1f);
		e->domid = (x >> 20) & 1 ? 2 : 3;
		e->frame = (uint32_t)((x >> 16) & 1 ? PAGE_A >> 12 : PAGE_RO >> 12);
	}
	return NULL;
}

Test(gnttab, racing_granter)
{
	pthread_t t;
	unsigned ok = 0;

	table(&A);
	atomic_store(&racing, true);
	cr_assert_eq(pthread_create(&t, NULL, flipper, (void *)entry(&A, 8)), 0);
	for (unsigned i = 0; i < 2000; i++) {
		uint32_t h;
		int st = map(&B, 1, 8, TARGET, GNTMAP_host_map | (i % 2 ? GNTMAP_readonly : 0), &h);

		cr_assert(st == GNTST_okay || st == GNTST_bad_gntref || st == GNTST_permission_denied,
			  "status %d", st);
		if (st == GNTST_okay) {
			ok++;
			cr_assert_eq(unmap(&B, TARGET, h), GNTST_okay);
		}
	}
	atomic_store(&racing, false);
	pthread_join(t, NULL);
	cr_assert_eq(A.dom.gnttab->nr_pinned, 0);
	cr_assert_eq(A.dom.gnttab->act[8].rd + A.dom.gnttab->act[8].wr, 0);
	cr_log_info("%u of 2000 maps found the entry valid", ok);
}
