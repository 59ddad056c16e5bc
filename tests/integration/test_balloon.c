/* test_balloon.c: ballooning measured from the host. hospes-hv runs with
 * --mem-stats, which logs how much host memory backs the domain's RAM
 * (fstat of its memfd) whenever the guest asks for its reservation. The balloon guest gives back
 * 32 MiB and takes it again; the hostile guest floods, asks for more than
 * its maximum and touches a given-back page. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_STATS 4096

struct stat_line {
	char what[32];
	long cur, max, holes, kib;
};

static struct stat_line stats[MAX_STATS];
static int nr_stats;

/* Every "mem-stats <what>: current=.. max=.. holes=.. memfd_kib=.." line of
 * the log, in order. */
static void parse_stats(const char *err)
{
	nr_stats = 0;
	for (const char *p = strstr(err, "mem-stats "); p; p = strstr(p + 1, "mem-stats ")) {
		struct stat_line *s = &stats[nr_stats];

		cr_assert_lt(nr_stats, MAX_STATS);
		cr_assert_eq(sscanf(p, "mem-stats %31[a-z_]: current=%ld max=%ld holes=%ld memfd_kib=%ld",
				    s->what, &s->cur, &s->max, &s->holes, &s->kib), 5,
			     "bad stats line: %.120s", p);
		nr_stats++;
	}
}

static int find(const char *what, int from)
{
	for (int i = from; i < nr_stats; i++)
		if (!strcmp(stats[i].what, what))
			return i;
	return -1;
}

static void assert_check(const char *out, const char *name, const char *value)
{
	char key[96], buf[64];

	snprintf(key, sizeof(key), "CHECK %s", name);
	cr_assert_not_null(harness_value(out, key, buf, sizeof(buf)), "no %s in:\n%s", name, out);
	cr_assert_str_eq(buf, value, "%s", name);
}

/* Never more pages than the maximum, never more host memory than that. */
static void assert_within_maximum(void)
{
	for (int i = 0; i < nr_stats; i++) {
		cr_assert_leq(stats[i].cur, stats[i].max, "line %d (%s)", i, stats[i].what);
		cr_assert_leq(stats[i].kib, stats[i].max * 4, "line %d (%s): %ld KiB", i,
			      stats[i].what, stats[i].kib);
	}
}

static struct hv_run boot(const char *cmdline)
{
	const char *argv[] = { "run", harness_path("guests/balloon.elf"), "--mem", "64M",
			       "--mem-stats", "--cmdline", cmdline, NULL };

	harness_require_kvm();
	return harness_run(100, argv);
}

Test(balloon, gives_back_and_takes_again_32_mib, .timeout = 120)
{
	struct hv_run run = boot("mode=cycle");
	int before, released, after, fin;

	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert_eq(run.status, 0, "exit %d\n%s\n%s", run.status, run.out, run.err);
	assert_check(run.out, "balloon.released_pages", "8192");
	assert_check(run.out, "balloon.current_drop", "8192");
	assert_check(run.out, "balloon.populated_pages", "8192");
	assert_check(run.out, "balloon.zeroed", "1");
	assert_check(run.out, "balloon.current_back", "0");
	/* The guest asks for its reservation at start, before giving back,
	 * after giving back, and after repopulating and touching again. */
	parse_stats(run.err);
	before = find("current_reservation", 1);
	released = find("current_reservation", before + 1);
	after = find("current_reservation", released + 1);
	fin = find("final", 0);
	cr_assert(before > 0 && released > 0 && after > 0 && fin > after, "%s", run.err);
	cr_assert_geq(stats[before].kib - stats[released].kib, 32768,
		      "host memory dropped from %ld to %ld KiB", stats[before].kib,
		      stats[released].kib);
	cr_assert_eq(stats[released].cur, stats[before].cur - 8192);
	cr_assert_eq(stats[released].holes, 1, "one run: the order-0 part and the 2 MiB extents");
	cr_assert_geq(stats[after].kib - stats[released].kib, 32768,
		      "host memory rose from %ld to %ld KiB", stats[released].kib, stats[after].kib);
	cr_assert_eq(stats[after].cur, stats[before].cur);
	cr_assert_eq(stats[fin].holes, 0);
	assert_within_maximum();
	harness_free(&run);
}

Test(balloon, hostile_guest_stays_within_its_maximum, .timeout = 120)
{
	struct hv_run run = boot("mode=hostile");
	int before, last;

	cr_assert(!run.timed_out, "guest hung; stderr:\n%s", run.err);
	cr_assert_eq(run.status, 6, "exit %d (want 6, guest fault)\n%s\n%s", run.status, run.out,
		     run.err);
	cr_assert(strstr(run.err, "domain fault: access to given-back guest frame 0x1007 at "
				  "0x1007000 (write, 8 bytes)"),
		  "%s", run.err);
	cr_assert(strstr(run.out, "hostile: touching a given-back page"), "%s", run.out);
	cr_assert_null(strstr(run.out, "hostile: still running"), "%s", run.out);
	assert_check(run.out, "hostile.flood_done", "0");
	assert_check(run.out, "hostile.released_pages", "8192");
	assert_check(run.out, "hostile.charged", "8192");
	assert_check(run.out, "hostile.over_max", "0");
	assert_check(run.out, "hostile.over_max_flood", "0");
	assert_check(run.out, "hostile.current_minus_max", "0");
	/* Lines: at start, after the over-maximum requests (just before the
	 * touch), and at the end. */
	parse_stats(run.err);
	cr_assert_eq(nr_stats, 3, "%s", run.err);
	before = 0;
	last = nr_stats - 1;
	cr_assert_str_eq(stats[last].what, "final");
	cr_assert_eq(stats[1].cur, stats[1].max, "charged up to the maximum");
	/* The given-back 32 MiB stayed given back: neither the requests over
	 * the maximum nor the touch brought any of it back. */
	cr_assert_geq(stats[before].kib - stats[1].kib, 32768, "%ld -> %ld KiB",
		      stats[before].kib, stats[1].kib);
	cr_assert_leq(stats[last].kib, stats[1].kib + 64, "the touch allocated memory");
	assert_within_maximum();
	harness_free(&run);
}
