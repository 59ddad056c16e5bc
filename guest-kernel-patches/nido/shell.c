/* shell.c: nido's shell. The script comes from the command line option
 * script=, which takes the rest of the line; commands are separated by
 * ';'. Interactive input over the console ring is console_shell.c. */
#include "nido.h"
#include "nido_net.h"

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

static unsigned long number(const char *s)
{
	unsigned long v = 0;

	for (s = skip_spaces(s); *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned long)(*s - '0');
	return v;
}

static void cmd_time(void)
{
	uint64_t sys = pvabi_time_ns(), utc = pvabi_utc_ns();

	pvabi_printf("time: system %lu ns, utc %lu.%09lu\n", (unsigned long)sys,
		     (unsigned long)(utc / 1000000000ull), (unsigned long)(utc % 1000000000ull));
}

static void cmd_help(void)
{
	pvabi_printf("commands: echo TEXT; sleep MS; time; vcpus; threads N; ipi; "
		     "ring-serve N; ring-client DOMID REF PORT N; xs-read PATH; xs-write PATH VALUE; "
		     "xs-ls PATH; xs-watch PATH N; xs-bench N; blk-info; blk-write SEED START COUNT; "
		     "blk-read START COUNT; blk-verify SEED START COUNT; blk-flush; blk-discard START COUNT; "
		     "blk-bench seq|rand read|write BS QD N[s]; net-up A.B.C.D/P; net-info; "
		     "net-ping A.B.C.D COUNT; net-serve SECONDS; net-udp-send A.B.C.D PORT SIZE COUNT; "
		     "help; poweroff\n");
}

/* Runs one command (cmd is NUL-terminated, without the ';'). Returns 1
 * when the script must stop (poweroff). The console shell shares it. */
int nido_shell_run(const struct pvabi_boot *boot, char *cmd)
{
	char *arg;
	size_t len;

	cmd = (char *)skip_spaces(cmd);
	len = strlen(cmd);
	while (len && cmd[len - 1] == ' ')
		cmd[--len] = '\0';
	if (!*cmd)
		return 0;
	for (arg = cmd; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = '\0';
	arg = (char *)skip_spaces(arg);
	if (!strcmp(cmd, "echo")) {
		pvabi_printf("%s\n", arg);
	} else if (!strcmp(cmd, "sleep")) {
		unsigned long ms = number(arg);
		uint64_t t0 = pvabi_time_ns(), ns;

		if (nido_net_dev()) /* the network is served while asleep */
			nido_net_sleep(ms);
		else
			nido_sleep_ms(ms);
		ns = pvabi_time_ns() - t0;

		pvabi_printf("sleep %lu: %lu us\n", ms, ns / 1000);
	} else if (!strcmp(cmd, "time")) {
		cmd_time();
	} else if (!strcmp(cmd, "vcpus")) {
		pvabi_printf("vcpus: %u\n", pvabi_vcpu_count());
	} else if (!strcmp(cmd, "threads")) {
		unsigned long n = number(arg);
		long rc = nido_threads((unsigned int)n);

		if (rc)
			pvabi_printf("threads: failed: %ld\n", rc);
		else
			pvabi_printf("threads: %lu done\n", n);
	} else if (!strcmp(cmd, "ipi")) {
		long rc = nido_ipi();

		if (rc)
			pvabi_printf("ipi: failed: %ld\n", rc);
	} else if (!strncmp(cmd, "ring-", 5)) {
		nido_ringdemo(boot, cmd, arg);
	} else if (nido_xs_command(cmd, arg)) {
		/* xenstore: xs.c */
	} else if (nido_blk_command(cmd, arg)) {
		/* disk: blk_cmd.c */
	} else if (nido_net_command(cmd, arg)) {
		/* network: net_cmd.c */
	} else if (!strcmp(cmd, "help")) {
		cmd_help();
	} else if (!strcmp(cmd, "poweroff")) {
		return 1;
	} else {
		pvabi_printf("nido: unknown command '%s'\n", cmd);
	}
	(void)boot;
	return 0;
}

void nido_shell_script(const struct pvabi_boot *boot)
{
	static char script[4096];
	const char *p = boot->cmdline;
	char *cmd;

	/* script= must be the last option: it runs to the end of the line. */
	for (; *p; p++)
		if ((p == boot->cmdline || p[-1] == ' ') && !strncmp(p, "script=", 7))
			break;
	if (!*p)
		return;
	p += 7;
	if (strlen(p) >= sizeof(script)) {
		pvabi_printf("nido: script too long\n");
		return;
	}
	memcpy(script, p, strlen(p) + 1);
	if (nido_events_init())
		pvabi_printf("nido: no shared_info: no timers\n");
	cmd = script;
	for (char *s = script;; s++) {
		if (*s == ';' || *s == '\0') {
			int end = *s == '\0';

			*s = '\0';
			pvabi_printf("> %s\n", skip_spaces(cmd));
			if (nido_shell_run(boot, cmd) || end)
				return;
			cmd = s + 1;
		}
	}
}
