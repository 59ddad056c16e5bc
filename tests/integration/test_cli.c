/* test_cli.c: hospes-hv run rejects bad invocations and bad kernels with a
 * clear message and the documented exit status (1 error, 2 usage). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(cli, .init = harness_require_kvm, .timeout = 60);

static void expect(const char *const argv[], int code, const char *msg)
{
	struct hv_run r = harness_run(30, argv);
	cr_assert_eq(r.status, code, "exit %d, want %d; stderr:\n%s", r.status, code, r.err);
	cr_assert(strstr(r.err, msg), "stderr lacks '%s':\n%s", msg, r.err);
	cr_assert_eq(r.out[0], '\0', "nothing may reach the console: %s", r.out);
	harness_free(&r);
}

Test(cli, usage_errors_exit_2)
{
	const char *nido = harness_path("guests/nido.elf");
	const char *none[] = { NULL };
	expect(none, 2, "usage");
	const char *bad_cmd[] = { "frobnicate", NULL };
	expect(bad_cmd, 2, "frobnicate");
	const char *no_mem[] = { "run", nido, "--mem", NULL };
	expect(no_mem, 2, "--mem");
	const char *bad_mem[] = { "run", nido, "--mem", "12Q", NULL };
	expect(bad_mem, 2, "12Q");
	const char *small_mem[] = { "run", nido, "--mem", "1M", NULL };
	expect(small_mem, 2, "1M");
	const char *unaligned_mem[] = { "run", nido, "--mem", "65537K", NULL };
	expect(unaligned_mem, 2, "65537K");
	const char *bad_opt[] = { "run", nido, "--mem", "64M", "--bogus", NULL };
	expect(bad_opt, 2, "--bogus");
}

Test(cli, bad_kernels_exit_1)
{
	const char *missing[] = { "run", "/nonexistent/kernel.elf", "--mem", "64M", NULL };
	expect(missing, 1, "/nonexistent/kernel.elf");
	const char *text = harness_temp_file("text.elf", "hello, not an ELF\n", 18);
	const char *not_elf[] = { "run", text, "--mem", "64M", NULL };
	expect(not_elf, 1, "magic");
	const char *missing_module[] = { "run", harness_path("guests/nido.elf"), "--mem", "64M",
					  "--module", "/nonexistent/initrd", NULL };
	expect(missing_module, 1, "/nonexistent/initrd");
}

Test(cli, oversized_command_line_is_refused)
{
	static char cmdline[5000];
	memset(cmdline, 'x', sizeof(cmdline) - 1);
	const char *argv[] = { "run", harness_path("guests/nido.elf"), "--mem", "64M",
			       "--cmdline", cmdline, NULL };
	expect(argv, 1, "command line");
}
