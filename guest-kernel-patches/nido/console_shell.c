/* console_shell.c: nido's interactive shell over the PV console ring: it
 * blocks on the console port until input arrives (no polling), echoes what
 * it reads and runs each line like a script= command. */
#include "nido.h"
#include "nido_blk.h"

#define LINE_MAX 256

int nido_console_init(void)
{
	int r = pvabi_console_ring_init();

	/* Only a domain with a ring gets events set up here: waiting on the
	 * console port needs shared_info (the pending bits). */
	if (r == -XEN_EINVAL && nido_events_init() == 0)
		r = pvabi_console_ring_init();
	return r == 0;
}

int nido_console_has_script(const struct pvabi_boot *boot)
{
	const char *p = boot->cmdline;

	for (; *p; p++)
		if ((p == boot->cmdline || p[-1] == ' ') && !strncmp(p, "script=", 7))
			return 1;
	return 0;
}

/* Feeds n input bytes into the line; echoes them and runs complete lines.
 * Returns 1 after poweroff. */
static int feed(const struct pvabi_boot *boot, char *line, unsigned *len, const char *in, long n)
{
	char echo[2 * 64 + 8];
	unsigned e = 0;

	for (long i = 0; i < n; i++) {
		char c = in[i];

		if (c == '\r' || c == '\n') {
			if (e)
				pvabi_console_write(echo, e);
			e = 0;
			pvabi_console_write("\r\n", 2);
			line[*len] = '\0';
			*len = 0;
			if (nido_shell_run(boot, line))
				return 1;
			pvabi_console_write("nido> ", 6);
		} else if (c == 0x7f || c == 0x08) {
			if (*len) {
				(*len)--;
				echo[e++] = '\b';
				echo[e++] = ' ';
				echo[e++] = '\b';
			}
		} else if (c >= 0x20 && c < 0x7f && *len < LINE_MAX - 1) {
			line[(*len)++] = c;
			echo[e++] = c;
		}
		if (e >= sizeof(echo) - 4) {
			pvabi_console_write(echo, e);
			e = 0;
		}
	}
	if (e)
		pvabi_console_write(echo, e);
	return 0;
}

void nido_console_shell(const struct pvabi_boot *boot)
{
	static char line[LINE_MAX];
	unsigned len = 0;
	char in[64];
	long n;

	pvabi_printf("nido: interactive shell on the console ring (help for commands)\n");
	pvabi_console_write("nido> ", 6);
	for (;;) {
		n = pvabi_console_read(in, sizeof(in));
		if (n < 0) {
			pvabi_printf("nido: console input failed: %ld\n", n);
			return;
		}
		if (n == 0) {
			/* a disk being detached; checked before sleeping, since
			 * an event queued during the last command wakes nobody */
			nido_blk_idle();
			nido_input_wait(); /* console input or control/shutdown */
			if (nido_control_requested() >= 0)
				return;
			continue;
		}
		if (feed(boot, line, &len, in, n))
			return;
	}
}
