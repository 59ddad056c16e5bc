/* test_signals.c: a running domain is destroyed cleanly when hospes-hv run
 * gets SIGTERM or SIGINT, whether its vCPU is inside KVM_RUN (spinning in
 * guest kernel mode) or waiting in the hypervisor (halted); exit status 9. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

TestSuite(signals, .init = harness_require_kvm, .timeout = 60);

static void expect_destroyed(const char *mode, int sig, const char *name)
{
	char cmdline[32], when[32], line[64];
	snprintf(cmdline, sizeof(cmdline), "mode=%s", mode);
	snprintf(when, sizeof(when), "idle: %s\n", mode);
	const char *argv[] = { "run", harness_path("guests/idle.elf"), "--mem", "16M",
			       "--cmdline", cmdline, NULL };
	struct hv_run r = harness_run_signal(30, argv, when, sig);
	cr_assert(!r.timed_out, "hospes-hv ignored %s; log:\n%s", name, r.err);
	cr_assert_eq(r.status, 9, "exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
	snprintf(line, sizeof(line), "domain destroyed: %s", name);
	cr_assert(strstr(r.err, line), "missing '%s':\n%s", line, r.err);
	harness_free(&r);
}

Test(signals, sigterm_destroys_a_spinning_domain)
{
	expect_destroyed("spin", SIGTERM, "SIGTERM");
}

Test(signals, sigint_destroys_a_spinning_domain)
{
	expect_destroyed("spin", SIGINT, "SIGINT");
}

Test(signals, sigterm_destroys_a_halted_domain)
{
	expect_destroyed("halt", SIGTERM, "SIGTERM");
}
