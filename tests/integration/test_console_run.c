/* test_console_run.c: `hospes-hv run --console-ring` (SPEC.md §16): the
 * guest gets a console ring (params, memory map) and hospes-hv serves it
 * itself, so nido's interactive shell works over stdin/stdout. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Runs nido with --console-ring, feeding input; returns its stdout and
 * exit code. */
static char *run_with_input(const char *input, const char *cmdline, int *code)
{
	static char out[65536];
	int in[2], o[2], st;
	size_t len = 0;
	pid_t pid;

	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(o), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(null, 2);
		close(in[1]);
		close(o[0]);
		execl(harness_path("bin/hospes-hv"), "hospes-hv", "run",
		      harness_path("guests/nido.elf"), "--mem", "64M", "--console-ring",
		      "--cmdline", cmdline, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	cr_assert_eq(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	for (;;) {
		struct pollfd p = { o[0], POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 30000) != 1) {
			kill(pid, SIGKILL);
			break;
		}
		n = read(o[0], out + len, sizeof(out) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = 0;
	close(in[1]);
	close(o[0]);
	waitpid(pid, &st, 0);
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

Test(console_run, the_shell_is_interactive_over_stdin_and_stdout, .timeout = 60)
{
	int code;
	char *out;

	harness_require_kvm();
	out = run_with_input("echo hi-run\nvcpus\npoweroff\n", "", &code);
	cr_assert_eq(code, 0, "exit %d\n%s", code, out);
	cr_assert(strstr(out, "nido> echo hi-run\r\nhi-run\n"), "%s", out);
	cr_assert(strstr(out, "nido> vcpus\r\nvcpus: 1\n"), "%s", out);
	cr_assert(strstr(out, "nido: shutting down (poweroff)"), "%s", out);
	/* The console page is reserved in the guest's memory map. */
	cr_assert(strstr(out, "0x0000000003fff000-0x0000000004000000 reserved"), "%s", out);
}

Test(console_run, a_script_still_runs_and_all_output_arrives, .timeout = 60)
{
	static char cmd[1024];
	size_t n = 0;
	int code, helps = 0;
	char *out;

	harness_require_kvm();
	n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "script=");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "help;");
	snprintf(cmd + n, sizeof(cmd) - n, "echo the-end");
	out = run_with_input("", cmd, &code);
	cr_assert_eq(code, 0, "exit %d\n%s", code, out);
	for (const char *p = out; (p = strstr(p, "commands: ")); p++)
		helps++;
	cr_assert_eq(helps, 100, "output lost through the 2 KiB ring:\n%s", out);
	cr_assert(strstr(out, "\nthe-end\n"), "%s", out);
}
