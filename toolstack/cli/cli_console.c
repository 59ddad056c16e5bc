/* cli_console.c: hospes console DOMAIN: asks hospesd where the domain's
 * console is served (domain.console), then talks to hospes-consoled
 * directly through libconsclient. Raw terminal when stdin is a tty; Ctrl-]
 * detaches; from a pipe the input is sent and the output shown until the
 * domain ends. Exit 0 on detach or the domain's end. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "cons_attach.h"

#define DETACH_KEY 0x1d /* Ctrl-], as in xl console and virsh */

static struct termios saved_tty;
static bool tty_raw;

static void tty_enter_raw(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved_tty) < 0)
		return;
	t = saved_tty;
	cfmakeraw(&t);
	tty_raw = tcsetattr(0, TCSANOW, &t) == 0;
}

static void tty_restore(void)
{
	if (tty_raw)
		tcsetattr(0, TCSANOW, &saved_tty);
	tty_raw = false;
}

static int put_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* 0 detached or the domain ended; 1 on a failure. */
static int session(struct cons_conn *c, uint32_t domid)
{
	char buf[CONSOLED_MAX_PAYLOAD];
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { c->fd, POLLIN, 0 } };
	bool in_open = true;

	for (;;) {
		int r;

		pf[0].fd = in_open ? 0 : -1;
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return CLI_FAILED;
		}
		if (pf[1].revents) {
			while ((r = cons_recv(c, buf, sizeof(buf))) > 0)
				if (put_all(buf, (size_t)r))
					return CLI_FAILED;
			if (r < 0) {
				tty_restore();
				if (r == -ESRCH || r == -EPIPE) {
					fprintf(stderr, "\n[dom%u: console closed, the domain ended]\n",
						domid);
					return CLI_OK;
				}
				fprintf(stderr, "\nhospes: console of dom%u: %s\n", domid, strerror(-r));
				return CLI_FAILED;
			}
		}
		if (pf[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			char *esc;

			if (n <= 0) {
				in_open = false; /* end of a piped script: keep showing output */
				continue;
			}
			esc = memchr(buf, DETACH_KEY, (size_t)n);
			if (esc)
				n = esc - buf;
			if (n > 0 && cons_send(c, buf, (size_t)n) < 0)
				return CLI_FAILED;
			if (esc) {
				tty_restore();
				fprintf(stderr, "\n[detached from dom%u]\n", domid);
				return CLI_OK;
			}
		}
	}
}

int cli_console(int argc, char **argv)
{
	json_object *res;
	struct cons_conn c;
	char sock[256];
	uint32_t domid;
	int r;

	if (argc != 2)
		return cli_usage(argv[0]);
	r = cli_call("domain.console", cli_dom_params(argv[1]), &res);
	if (r)
		return r;
	domid = (uint32_t)cli_geti(res, "domid");
	snprintf(sock, sizeof(sock), "%s", cli_gets(res, "socket"));
	json_object_put(res);
	/* hospesd is not needed while attached */
	rpc_client_close(cli.rpc);
	cli.rpc = NULL;
	/* A domain created a moment ago may not be served yet: hospes-consoled
	 * takes it when its xenstore watch fires. */
	for (int tries = 0; (r = cons_attach(sock, domid, 5000, &c)) == -ESRCH && tries < 150;
	     tries++)
		usleep(20000);
	if (r < 0) {
		fprintf(stderr, "hospes: console of dom%u via %s: %s\n", domid, sock,
			r == -ESRCH ? "not served (domain gone?)" : strerror(-r));
		return CLI_FAILED;
	}
	if (isatty(0))
		fprintf(stderr, "[attached to dom%u; Ctrl-] detaches]\r\n", domid);
	tty_enter_raw();
	r = session(&c, domid);
	tty_restore();
	cons_close(&c);
	return r;
}
