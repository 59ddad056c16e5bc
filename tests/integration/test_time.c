/* test_time.c: the time chapter (SPEC.md §9) on a real guest. The
 * conformance-time guest reports `CHECK time.<name> <value>`; this table
 * is the authority for each result. Timing checks use generous bounds: a
 * 1 ms timer must not fire early and must be less than 100 ms late. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static const struct harness_check expected[] = {
	{ "time.setup", "0" },
	/* PV clock and wall clock (§9.2, §9.3) */
	{ "time.pvclock_published", "1" },
	{ "time.pvclock_scale_is_cpuid", "1" },
	{ "time.pvclock_monotonic", "1" },
	{ "time.pvclock_matches_get_time", "1" },
	{ "time.pvclock_advances", "1" },
	{ "time.wallclock_plausible", "1" },
	{ "time.wallclock_version_even", "1" },
	/* Timers and VIRQ_TIMER (§9.4), block and poll (§9.5) */
	{ "time.bind_virq_port_nonzero", "1" },
	{ "time.singleshot_future_in_past", "-62" },
	{ "time.singleshot_set", "0" },
	{ "time.block", "0" },
	{ "time.singleshot_virq_pending", "1" },
	{ "time.singleshot_not_early", "1" },
	{ "time.singleshot_within_100ms", "1" },
	{ "time.singleshot_stop", "0" },
	{ "time.singleshot_stopped_silent", "1" },
	{ "time.singleshot_no_such_vcpu", "-2" },
	{ "time.set_timer_op", "0" },
	{ "time.set_timer_op_poll", "0" },
	{ "time.set_timer_op_fired", "1" },
	{ "time.poll_pending_at_entry", "0" },
	{ "time.set_timer_op_cancel_arm", "0" },
	{ "time.set_timer_op_zero", "0" },
	{ "time.poll_timeout", "0" },
	{ "time.poll_waited_until_timeout", "1" },
	{ "time.set_timer_op_cancelled", "1" },
	{ "time.periodic_too_short", "-22" },
	{ "time.periodic_set", "0" },
	{ "time.periodic_fired_5", "5" },
	{ "time.periodic_not_early", "1" },
	{ "time.periodic_stop", "0" },
	{ "time.periodic_stopped_silent", "1" },
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

TestSuite(time, .init = harness_require_kvm, .timeout = 120);

Test(time, conformance_time_checks)
{
	char cmdline[64];

	snprintf(cmdline, sizeof(cmdline), "host_utc=%lld", (long long)time(NULL));
	struct hv_run r = harness_boot("conformance-time", "64M", cmdline);
	cr_assert(!r.timed_out, "guest hung; stderr:\n%s", r.err);
	cr_assert_eq(r.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
	harness_assert_checks(r.out, expected, N_EXPECTED);
	harness_free(&r);
}

/* The benchmark mode prints a plausible lateness line (the figures
 * themselves are the benchmark's business). */
Test(time, timer_lateness_mode_reports)
{
	struct hv_run r = harness_boot("conformance-time", "16M", "bench=20");
	cr_assert_eq(r.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
	const char *l = strstr(r.out, "timer_lateness_mean_ns ");
	cr_assert(l, "%s", r.out);
	cr_assert(strstr(l, " p99_ns ") && strstr(l, " n 20"), "%s", l);
	harness_free(&r);
}

/* nido's shell runs a script from the command line: sleep really sleeps
 * (by the guest's clock and the host's), time reads both clocks, threads
 * spread over every vCPU. */
Test(time, nido_shell_script)
{
	const char *argv[] = { "run", harness_path("guests/nido.elf"), "--mem", "64M", "--vcpus", "2",
			       "--cmdline",
			       "script=echo hi there; sleep 200; vcpus; time; threads 4; help; poweroff; echo never",
			       NULL };
	long long host = (long long)time(NULL);
	struct hv_run r = harness_run(60, argv);

	cr_assert(!r.timed_out, "hung; stderr:\n%s", r.err);
	cr_assert_eq(r.status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
	cr_assert(harness_has_line(r.out, "nido 0.1 on Xen 4.17.0-hospes"), "%s", r.out);
	cr_assert(harness_has_line(r.out, "hi there"), "%s", r.out);
	const char *s = strstr(r.out, "\nsleep 200: ");
	cr_assert(s, "%s", r.out);
	long long slept = strtoll(s + strlen("\nsleep 200: "), NULL, 10);
	cr_assert(slept >= 200000 && slept < 10000000, "slept %lld us", slept);
	cr_assert(r.seconds >= 0.2, "the whole run took %.3f s", r.seconds);
	cr_assert(harness_has_line(r.out, "vcpus: 2"), "%s", r.out);
	const char *t = strstr(r.out, "time: system ");
	cr_assert(t, "%s", r.out);
	const char *utc = strstr(t, ", utc ");
	cr_assert(utc, "%s", t);
	long long sec = strtoll(utc + strlen(", utc "), NULL, 10);
	cr_assert(sec >= host - 60 && sec <= host + 60, "guest utc %lld, host %lld", sec, host);
	for (int i = 0; i < 4; i++) {
		char line[64];
		snprintf(line, sizeof(line), "thread %d on vcpu %d", i, i % 2);
		cr_assert(harness_has_line(r.out, line), "missing '%s' in:\n%s", line, r.out);
	}
	cr_assert(harness_has_line(r.out, "threads: 4 done"), "%s", r.out);
	cr_assert(!harness_has_line(r.out, "never"), "poweroff must end the script:\n%s", r.out);
	cr_assert(harness_has_line(r.out, "nido: shutting down (poweroff)"), "%s", r.out);
	harness_free(&r);
}
