/* test_grant.c: grant tables with real guests (SPEC.md §14). One domain:
 * the conformance-grant guest's CHECK lines (table setup, versions, its own
 * grants mapped and copied, every refusal, ballooning of granted frames)
 * and a write through a readonly mapping, which must stop the domain. Two
 * domains in one daemon (grant-pair): a page granted, mapped, read and
 * written back, revoking refused while mapped and accepted after; the
 * granter dying while mapped; and what a domain cannot reach without a
 * grant (isolation). Dom0 over the control socket: map, copy, unmap; and
 * a granter that powered off, whose grants dom0 still uses until it is
 * destroyed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon_fixture.h"
#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct harness_check conformance[] = {
	{ "grant.get_version", "0" },
	{ "grant.version", "1" },
	{ "grant.set_version_2", "-22" },
	{ "grant.set_version_2_reports", "1" },
	{ "grant.set_version_1", "0" },
	{ "grant.set_version_count2", "-22" },
	{ "grant.query_size", "0" },
	{ "grant.query_status", "0" },
	{ "grant.nr_frames_initial", "0" },
	{ "grant.max_nr_frames", "32" },
	{ "grant.query_other_domain", "-2" },   /* GNTST_bad_domain: no such domain */
	{ "grant.add_frame1", "0" },
	{ "grant.add_frame0", "0" },
	{ "grant.add_frame_over_max", "-22" },
	{ "grant.add_status_frame", "-22" },
	{ "grant.add_frame_outside_ram", "-22" },
	{ "grant.nr_frames_after_add", "2" },
	{ "grant.setup_table", "0" },
	{ "grant.setup_status", "0" },
	{ "grant.setup_frame0_is_mapped_gpfn", "1" },
	{ "grant.setup_over_max", "-1" },        /* GNTST_general_error */
	{ "grant.unsupported_dump_table", "-38" },
	{ "grant.unsupported_transfer", "-38" },
	{ "grant.batch_too_long", "-22" },
	{ "grant.bad_array_pointer", "-14" },
	{ "grant.init", "0" },
	{ "grant.table_is_overlay", "1" },
	{ "grant.first_ref", "8" },              /* refs 0-7 are reserved */
	{ "grant.second_ref", "9" },
	{ "grant.grant_rw", "0" },
	{ "grant.grant_ro", "0" },
	{ "grant.entry_flags", "1" },            /* GTF_permit_access */
	{ "grant.map_ref_beyond_table", "-3" },  /* GNTST_bad_gntref */
	{ "grant.map_ref_not_granted", "-3" },
	{ "grant.map_no_such_domain", "-2" },    /* GNTST_bad_domain */
	{ "grant.map_domid_self", "-2" },
	{ "grant.map_ro_grant_for_write", "-8" }, /* GNTST_permission_denied */
	{ "grant.map_unaligned", "-5" },         /* GNTST_bad_virt_addr */
	{ "grant.map_outside_ram", "-5" },
	{ "grant.map_onto_table", "-5" },
	{ "grant.map_without_host_map", "-1" },
	{ "grant.map_contains_pte", "-1" },
	{ "grant.flags_after_refusals", "1" },   /* no in-use bit left behind */
	{ "grant.map", "0" },
	{ "grant.target_shows_src", "1" },
	{ "grant.write_reaches_src", "1" },
	{ "grant.flags_mapped_rw", "25" },       /* permit | reading | writing */
	{ "grant.end_access_while_mapped", "-16" }, /* EBUSY */
	{ "grant.map_same_target_again", "-5" },
	{ "grant.map_ro", "0" },
	{ "grant.flags_mapped_ro", "13" },       /* permit | readonly | reading */
	{ "grant.hypercall_arg_in_mapping", "-14" },
	{ "grant.unmap_wrong_addr", "-5" },
	{ "grant.unmap", "0" },
	{ "grant.target_restored", "238" },      /* the frame's own page, 0xEE */
	{ "grant.unmap_twice", "-4" },           /* GNTST_bad_handle */
	{ "grant.unmap_bad_handle", "-4" },
	{ "grant.flags_unmapped", "1" },
	{ "grant.unmap_ro", "0" },
	{ "grant.flags_ro_unmapped", "5" },
	{ "grant.end_access", "0" },
	{ "grant.flags_ended", "0" },
	{ "grant.map_after_end", "-3" },
	{ "grant.map_granted_to_other", "-3" },
	{ "grant.realloc_freed_ref", "9" },
	{ "grant.copy_batch", "0" },
	{ "grant.copy_gfn_to_gref", "0" },
	{ "grant.copy_landed", "1" },
	{ "grant.copy_gref_to_gfn", "0" },
	{ "grant.copy_back", "1" },
	{ "grant.copy_crosses_page", "-10" },    /* GNTST_bad_copy_arg */
	{ "grant.flags_after_copies", "1" },
	{ "grant.copy_into_readonly", "-8" },
	{ "grant.copy_from_readonly", "0" },
	{ "grant.copy_foreign_gfn", "-8" },
	{ "grant.copy_bad_flags", "-10" },
	{ "grant.copy_ref_not_granted", "-3" },
	{ "grant.copy_gfn_outside_ram", "-9" },  /* GNTST_bad_page */
	{ "grant.release_granted_mapped_frame", "0" }, /* no extent given back */
	{ "grant.release_mapping_target", "0" },
	{ "grant.release_table_frame", "0" },
	{ "grant.unmap_for_release", "0" },
	{ "grant.release_unmapped_frame", "1" },
};

Test(grant, conformance_checks, .timeout = 60)
{
	const char *argv[] = { "run", harness_path("guests/conformance-grant.elf"), "--mem", "32M",
			       "--maxmem", "40M", NULL };
	struct hv_run run;

	harness_require_kvm();
	run = harness_run(60, argv);
	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert_eq(run.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", run.status, run.out,
		     run.err);
	harness_assert_checks(run.out, conformance, N(conformance));
	harness_free(&run);
}

Test(grant, write_through_readonly_mapping_stops_the_domain, .timeout = 60)
{
	const char *argv[] = { "run", harness_path("guests/conformance-grant.elf"), "--mem", "32M",
			       "--cmdline", "rowrite", NULL };
	struct hv_run run;

	harness_require_kvm();
	run = harness_run(60, argv);
	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert(harness_has_line(run.out, "RO MAP 0"), "the readonly map failed:\n%s", run.out);
	cr_assert_null(strstr(run.out, "RO WRITE SURVIVED"), "the write went through:\n%s", run.out);
	cr_assert_neq(run.status, 0, "a domain writing a readonly grant must not end normally");
	harness_free(&run);
}

Test(grant, grant_frames_option_limits_the_table, .timeout = 60)
{
	const char *argv[] = { "run", harness_path("guests/conformance-grant.elf"), "--mem", "32M",
			       "--grant-frames", "1", NULL };
	struct hv_run run;
	char v[32];

	harness_require_kvm();
	run = harness_run(60, argv);
	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert_str_eq(harness_value(run.out, "CHECK grant.max_nr_frames", v, sizeof(v)), "1",
			 "%s", run.out);
	cr_assert_str_eq(harness_value(run.out, "CHECK grant.add_frame1", v, sizeof(v)), "-22");
	cr_assert_str_eq(harness_value(run.out, "CHECK grant.add_frame0", v, sizeof(v)), "0");
	cr_assert_eq(run.status, 0, "the guest skips what needs two frames:\n%s", run.out);
	harness_free(&run);
}

/* ---- two domains ---- */

static void start(void)
{
	dfx_start("grant");
}

static void stop(void)
{
	/* A clean exit also means no sanitizer report in ASan builds. */
	char *log = dfx_log();
	int st = dfx_stop();

	cr_assert_eq(st, 0, "the daemon did not exit cleanly:\n%s", log);
	free(log);
}

static const struct harness_check granter_rows[] = {
	{ "gp.init", "0" },
	{ "gp.alloc_port", "0" },
	{ "gp.flags_while_mapped", "25" },
	{ "gp.ro_flags_while_mapped", "13" },
	{ "gp.end_access_while_mapped", "-16" },
	{ "gp.sees_reply", "1" },
	{ "gp.ro_page_unchanged", "1" },
	{ "gp.other_unused", "1" },
	{ "gp.flags_after_unmap", "1" },
	{ "gp.end_access", "0" },
	{ "gp.end_access_ro", "0" },
};

/* Isolation: without a grant for it, nothing of the peer is reachable. */
static const struct harness_check isolation_rows[] = {
	{ "iso.map_ref_granted_to_other", "-3" },
	{ "iso.map_ref_never_granted", "-3" },
	{ "iso.map_ref_reserved", "-3" },
	{ "iso.copy_from_foreign_gfn", "-8" },
	{ "iso.copy_ref_granted_to_other", "-3" },
	{ "iso.copy_to_foreign_gfn", "-8" },
	{ "iso.add_to_physmap_foreign", "-38" },
	{ "iso.add_to_physmap_gmfn", "-38" },
	{ "iso.own_page_untouched", "0" },
};

static const struct harness_check mapper_rows[] = {
	{ "gm.bind", "0" },
	{ "gm.map_ro_for_write", "-8" },
	{ "gm.map_rw", "0" },
	{ "gm.map_ro", "0" },
	{ "gm.sees_pattern", "1" },
	{ "gm.sees_ro_pattern", "1" },
	{ "gm.map_twice", "0" },
	{ "gm.second_view", "1" },
	{ "gm.unmap_second", "0" },
	{ "gm.unmap_rw", "0" },
	{ "gm.unmap_ro", "0" },
	{ "gm.unmap_twice", "-4" },
	{ "gm.map_after_end_access", "-3" },
};

static const struct harness_check dead_granter_rows[] = {
	{ "gm.bind", "0" },
	{ "gm.map_ro_for_write", "-8" },
	{ "gm.map_rw", "0" },
	{ "gm.map_ro", "0" },
	{ "gm.sees_pattern", "1" },
	{ "gm.sees_ro_pattern", "1" },
	{ "gm.mapping_survives_granter", "1" },
	{ "gm.unmap_after_granter_died", "0" },
	{ "gm.unmap_ro_after_granter_died", "0" },
	{ "gm.map_after_granter_died", "-2" },
	{ "gm.own_page_back", "0" },
};

/* The mapper's output against isolation rows plus its own rows. */
static void assert_rows(const char *out, const struct harness_check *a, size_t na,
			const struct harness_check *b, size_t nb)
{
	struct harness_check all[64];

	cr_assert_leq(na + nb, N(all));
	memcpy(all, a, na * sizeof(*a));
	memcpy(all + na, b, nb * sizeof(*b));
	harness_assert_checks(out, all, na + nb);
}

/* Starts the granter for mapper id mid; its console's READY line gives the
 * mapper's arguments. */
static void start_granter(struct hvctl *h, uint32_t gid, uint32_t mid, const char *extra,
			  char *args, size_t len)
{
	unsigned rw, ro, port;
	unsigned long gfn;
	char cmd[96];
	char *out;

	snprintf(cmd, sizeof(cmd), "role=granter peer=%u%s", mid, extra);
	cr_assert_eq(dfx_create(h, "grant-pair", 16ull << 20, cmd, true), gid);
	cr_assert(dfx_console_wait(gid, "GNT READY", 20000), "no READY:\n%s", dfx_console(gid));
	out = dfx_console(gid);
	cr_assert_eq(sscanf(strstr(out, "GNT READY"), "GNT READY %u %u %u %lu", &rw, &ro, &port, &gfn),
		     4, "%s", out);
	snprintf(args, len, "rw=%u ro=%u port=%u gfn=%lu", rw, ro, port, gfn);
	free(out);
}

static char *assert_poweroff(struct hvctl *h, uint32_t id)
{
	struct hvctl_dominfo i = dfx_wait_end(h, id, 30000);
	char *out = dfx_console(id);

	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN, "dom %u state %u:\n%s", id, i.state, out);
	cr_assert_eq(i.shutdown_reason, 0, "dom %u: poweroff\n%s", id, out);
	return out;
}

TestSuite(grant_pair, .init = start, .fini = stop, .timeout = 120);

Test(grant_pair, share_a_page_and_revoke)
{
	struct hvctl *h = dfx_connect();
	uint32_t gid = dfx_free_id(h, 0), mid = dfx_free_id(h, 1);
	char args[96], cmd[192], *out;

	harness_require_kvm();
	start_granter(h, gid, mid, "", args, sizeof(args));
	snprintf(cmd, sizeof(cmd), "role=mapper peer=%u %s", gid, args);
	cr_assert_eq(dfx_create(h, "grant-pair", 16ull << 20, cmd, true), mid);
	out = assert_poweroff(h, mid);
	assert_rows(out, isolation_rows, N(isolation_rows), mapper_rows, N(mapper_rows));
	free(out);
	out = assert_poweroff(h, gid);
	harness_assert_checks(out, granter_rows, N(granter_rows));
	free(out);
	hvctl_destroy(h, gid);
	hvctl_destroy(h, mid);
	cr_assert(dfx_alive());
	hvctl_close(h);
}

Test(grant_pair, granter_dies_while_mapped)
{
	struct hvctl *h = dfx_connect();
	uint32_t gid = dfx_free_id(h, 0), mid = dfx_free_id(h, 1);
	char args[96], cmd[192], *out;

	harness_require_kvm();
	start_granter(h, gid, mid, " die", args, sizeof(args));
	snprintf(cmd, sizeof(cmd), "role=mapper peer=%u die %s", gid, args);
	cr_assert_eq(dfx_create(h, "grant-pair", 16ull << 20, cmd, true), mid);
	free(assert_poweroff(h, gid));
	/* Gone for good: the mapper's unmap and new map see no granter. */
	cr_assert_eq(hvctl_destroy(h, gid), 0);
	out = assert_poweroff(h, mid);
	assert_rows(out, isolation_rows, N(isolation_rows), dead_granter_rows, N(dead_granter_rows));
	free(out);
	hvctl_destroy(h, mid);
	cr_assert(dfx_alive());
	hvctl_close(h);
}

/* ---- dom0 through the control socket ---- */

static void kick(int fd)
{
	uint64_t one = 1;

	cr_assert_eq(write(fd, &one, 8), 8);
}

static void wait_notify(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t n;

	cr_assert_eq(poll(&p, 1, 20000), 1, "the guest did not answer");
	cr_assert_eq(read(fd, &n, 8), 8);
}

Test(grant_pair, dom0_maps_copies_and_unmaps)
{
	struct hvctl *h = dfx_connect(), *h2 = dfx_connect();
	uint32_t gid = dfx_free_id(h, 0), port, bport, refs[2];
	unsigned rw, ro, gport;
	unsigned long gfn;
	struct hvctl_gnt_pages pg, pg2;
	struct hvctl_gnt_mapping m[3];
	struct hvctl_gnt_seg segs[3];
	uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[32];
	int32_t st[3];
	int nfd, kfd;
	char args[96], *o;

	harness_require_kvm();
	start_granter(h, gid, 0, "", args, sizeof(args));
	cr_assert_eq(sscanf(args, "rw=%u ro=%u port=%u gfn=%lu", &rw, &ro, &gport, &gfn), 4);
	cr_assert_eq(hvctl_bind_evtchn(h, gid, gport, &bport, &nfd, &kfd), 0);
	port = bport;
	(void)port;

	/* Map the writable grant; see the pattern; answer in it. */
	refs[0] = rw;
	cr_assert_eq(hvctl_gnt_map_pages(h, gid, refs, 1, false, &pg), 0);
	cr_assert_eq(pg.status[0], 0);
	cr_assert_not_null(pg.page[0]);
	cr_assert_eq(((uint8_t *)pg.page[0])[0], 0xA5);
	cr_assert_eq(((uint8_t *)pg.page[0])[4095], (uint8_t)(4095 ^ 0xA5));
	((uint8_t *)pg.page[0])[0] = 'R';
	((uint8_t *)pg.page[0])[4095] = 'Z';
	/* A second client maps it too, then just goes away. */
	cr_assert_eq(hvctl_gnt_map_pages(h2, gid, refs, 1, false, &pg2), 0);
	cr_assert_eq(pg2.status[0], 0);
	munmap(pg2.base, pg2.size);
	hvctl_close(h2);

	/* The readonly grant: only readonly; others' and unknown refs fail. */
	refs[0] = ro;
	cr_assert_eq(hvctl_gnt_map(h, gid, refs, 1, false, m), 0);
	cr_assert_eq(m[0].status, -8, "readonly grant mapped writable");
	refs[1] = ro + 1; /* granted to another domain */
	cr_assert_eq(hvctl_gnt_map(h, gid, refs, 2, true, m), 0);
	cr_assert_eq(m[0].status, 0);
	cr_assert_eq(m[1].status, -3);
	cr_assert_eq(hvctl_gnt_map(h, 999, refs, 1, true, m + 2), 0);
	cr_assert_eq(m[2].status, -2, "no such granter");

	/* Copies: read from the rw grant, write into the ro grant (refused),
	 * a piece crossing the page end (refused). */
	segs[0] = (struct hvctl_gnt_seg){ rw, 16, 16, 0, 0 };
	segs[1] = (struct hvctl_gnt_seg){ ro, 0, 8, HVCTL_GNT_TO_GUEST, 0 };
	segs[2] = (struct hvctl_gnt_seg){ rw, 4090, 16, 0, 0 };
	cr_assert_eq(hvctl_gnt_copy(h, gid, segs, 3, in, out, st), 0);
	cr_assert_eq(st[0], 0);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(out[i], (uint8_t)((16 + i) ^ 0xA5));
	cr_assert_eq(st[1], -8);
	cr_assert_eq(st[2], -10);

	kick(kfd); /* the guest checks the in-use bits and our reply */
	wait_notify(nfd);
	cr_assert_eq(hvctl_gnt_unmap_pages(h, &pg), 0);
	refs[0] = m[0].handle;
	cr_assert_eq(hvctl_gnt_unmap(h, refs, 1, st), 0);
	cr_assert_eq(st[0], 0);
	cr_assert_eq(hvctl_gnt_unmap(h, refs, 1, st), 0);
	cr_assert_eq(st[0], -4, "double unmap");
	kick(kfd); /* the guest ends access */
	wait_notify(nfd);
	kick(kfd); /* and may power off */
	o = assert_poweroff(h, gid);
	harness_assert_checks(o, granter_rows, N(granter_rows));
	free(o);
	close(nfd);
	close(kfd);
	hvctl_destroy(h, gid);
	cr_assert(dfx_alive());
	hvctl_close(h);
}

/* The granter powers off ("die") with dom0's mappings in place. As in Xen
 * its memory and grants stay until it is destroyed, so dom0 still maps and
 * copies them (a backend finishing a guest's last requests); after the
 * destroy the domain is gone (bad_domain), and a mapping held across it
 * still shows the granter's last page and unmaps cleanly (SPEC.md §14.6). */
Test(grant_pair, dom0_uses_grants_of_a_shut_down_domain_until_destroy)
{
	struct hvctl *h = dfx_connect();
	uint32_t gid = dfx_free_id(h, 0), bport, refs[2], ro_handle;
	unsigned rw, ro, gport;
	unsigned long gfn;
	struct hvctl_gnt_pages held, late;
	struct hvctl_gnt_mapping m[1];
	struct hvctl_gnt_seg segs[2];
	struct hvctl_dominfo info;
	struct hvctl_memory layout;
	uint8_t in[4] = { 'L', 'A', 'T', 'E' }, out[16], *p;
	int32_t st[2];
	int nfd, kfd, fd;
	char args[96], *o;

	harness_require_kvm();
	start_granter(h, gid, 0, " die", args, sizeof(args));
	cr_assert_eq(sscanf(args, "rw=%u ro=%u port=%u gfn=%lu", &rw, &ro, &gport, &gfn), 4);
	cr_assert_eq(hvctl_bind_evtchn(h, gid, gport, &bport, &nfd, &kfd), 0);

	/* Held across the poweroff and the destroy: both grants (the granter
	 * checks they are in use) and the reply it looks for. */
	refs[0] = rw;
	cr_assert_eq(hvctl_gnt_map_pages(h, gid, refs, 1, false, &held), 0);
	cr_assert_eq(held.status[0], 0);
	p = held.page[0];
	p[0] = 'R';
	p[4095] = 'Z';
	refs[0] = ro;
	cr_assert_eq(hvctl_gnt_map(h, gid, refs, 1, true, m), 0);
	cr_assert_eq(m[0].status, 0);
	ro_handle = m[0].handle;
	kick(kfd); /* the granter checks, writes 'D' at byte 1 and powers off */
	o = assert_poweroff(h, gid);
	harness_assert_checks(o, granter_rows, 8); /* up to gp.other_unused */
	cr_assert(harness_has_line(o, "GNT DYING"), "%s", o);
	free(o);

	/* Shut down, not destroyed: a new map and copies both ways work. */
	refs[0] = rw;
	cr_assert_eq(hvctl_gnt_map_pages(h, gid, refs, 1, false, &late), 0);
	cr_assert_eq(late.status[0], 0, "map after the poweroff: status %d", late.status[0]);
	p = late.page[0];
	cr_assert(p[0] == 'R' && p[1] == 'D' && p[2] == (uint8_t)(2 ^ 0xA5) && p[4095] == 'Z',
		  "the granter's last page: %02x %02x %02x %02x", p[0], p[1], p[2], p[4095]);
	segs[0] = (struct hvctl_gnt_seg){ rw, 0, 16, 0, 0 };
	segs[1] = (struct hvctl_gnt_seg){ rw, 100, 4, HVCTL_GNT_TO_GUEST, 0 };
	cr_assert_eq(hvctl_gnt_copy(h, gid, segs, 2, in, out, st), 0);
	cr_assert_eq(st[0], 0, "copy from a shut-down granter: %d", st[0]);
	cr_assert_eq(st[1], 0, "copy into a shut-down granter: %d", st[1]);
	cr_assert(out[0] == 'R' && out[1] == 'D');
	for (int i = 2; i < 16; i++)
		cr_assert_eq(out[i], (uint8_t)(i ^ 0xA5));
	cr_assert_eq(memcmp(p + 100, in, 4), 0, "the copy reached the page");
	cr_assert_eq(hvctl_gnt_unmap_pages(h, &late), 0);
	/* A send to it is accepted and dropped: the vCPUs stay stopped. */
	kick(kfd);
	cr_assert_eq(hvctl_info(h, gid, &info), 0);
	cr_assert_eq(info.state, HVCTL_STATE_SHUTDOWN);

	/* Destroyed: gone for every new use. */
	cr_assert_eq(hvctl_destroy(h, gid), 0);
	refs[0] = rw;
	cr_assert_eq(hvctl_gnt_map(h, gid, refs, 1, true, m), 0);
	cr_assert_eq(m[0].status, -2, "map after destroy: GNTST_bad_domain, got %d", m[0].status);
	segs[0] = (struct hvctl_gnt_seg){ rw, 0, 16, 0, 0 };
	cr_assert_eq(hvctl_gnt_copy(h, gid, segs, 1, NULL, out, st), 0);
	cr_assert_eq(st[0], -2, "copy after destroy: GNTST_bad_domain, got %d", st[0]);
	cr_assert_eq(hvctl_get_memfd(h, gid, &layout, &fd), -ESRCH);

	/* The mapping held across the destroy: still the granter's last page
	 * (dom0's memfd mapping keeps it alive) and still writable (a fault
	 * would end this test); its handles unmap once. */
	p = held.page[0];
	cr_assert(p[1] == 'D' && p[100] == 'L', "%02x %02x", p[1], p[100]);
	p[0] = 'X';
	refs[0] = held.handle[0];
	refs[1] = ro_handle;
	cr_assert_eq(hvctl_gnt_unmap(h, refs, 2, st), 0);
	cr_assert(st[0] == 0 && st[1] == 0, "unmap after destroy: %d %d", st[0], st[1]);
	cr_assert_eq(hvctl_gnt_unmap(h, refs, 1, st), 0);
	cr_assert_eq(st[0], -4, "double unmap");
	munmap(held.base, held.size);
	close(nfd);
	close(kfd);
	cr_assert(dfx_alive());
	hvctl_close(h);
}
