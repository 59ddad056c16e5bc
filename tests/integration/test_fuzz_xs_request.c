/* test_fuzz_xs_request.c: a short libFuzzer run of hospes-stored's request
 * path (tests/fuzz/) from the seed corpus: it must end cleanly (no crash,
 * leak, sanitizer report or protocol violation) after real work. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

#define FUZZ_SECONDS 20

Test(fuzz, xs_request_short_run, .timeout = 180)
{
	char dir[] = "/tmp/hospes-fuzz-XXXXXX", cmd[1024], line[512];
	unsigned long runs = 0;
	FILE *p;
	int st;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir %s/corpus && %s %s/corpus", dir,
		 harness_path("fuzz/xs_seeds"), dir);
	cr_assert_eq(system(cmd), 0, "seeds: %s", cmd);
	/* crash inputs go to the temp dir; stats arrive on stderr */
	snprintf(cmd, sizeof(cmd), "%s -max_total_time=%d -print_final_stats=1 -artifact_prefix=%s/ "
		 "%s/corpus 2>&1", harness_path("fuzz/fuzz_xs_request"), FUZZ_SECONDS, dir, dir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "ERROR") || strstr(line, "deadly signal") || strstr(line, "SUMMARY"))
			fprintf(stderr, "fuzz: %s", line);
		sscanf(line, "stat::number_of_executed_units: %lu", &runs);
	}
	st = pclose(p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fuzzer failed (status %d)", st);
	/* far more than the seeds: the run really exercised the parser */
	cr_assert_gt(runs, 10000, "only %lu inputs executed", runs);
}
