/* console_cli.c: hospes-console DOMID [--socket PATH]: attaches the
 * terminal to a domain's console through hospes-consoled. Raw mode when
 * stdin is a tty; Ctrl-] detaches. Exit: 0 detached or the domain ended,
 * 1 failure, 2 usage error. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cons_attach.h"

#define ESCAPE_KEY 0x1d /* Ctrl-] */

static struct termios saved;
static int raw_on;

static void raw_mode(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved) < 0)
		return;
	t = saved;
	cfmakeraw(&t);
	if (tcsetattr(0, TCSANOW, &t) == 0)
		raw_on = 1;
}

static void restore(void)
{
	if (raw_on)
		tcsetattr(0, TCSANOW, &saved);
	raw_on = 0;
}

static int write_out(const char *p, size_t n)
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

/* Runs until detach, end of input, or the daemon ends the attachment. */
static int attached(struct cons_conn *c)
{
	char buf[CONSOLED_MAX_PAYLOAD];
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { c->fd, POLLIN, 0 } };
	int stdin_open = 1;

	for (;;) {
		int r;

		pf[0].fd = stdin_open ? 0 : -1;
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (pf[1].revents) {
			while ((r = cons_recv(c, buf, sizeof(buf))) > 0)
				if (write_out(buf, (size_t)r))
					return 1;
			if (r < 0) {
				restore();
				fprintf(stderr, "\nhospes-console: %s\n",
					r == -ESRCH ? "the domain ended" : strerror(-r));
				return r == -ESRCH || r == -EPIPE ? 0 : 1;
			}
		}
		if (pf[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			char *esc;

			if (n <= 0) {
				stdin_open = 0; /* keep showing output */
				continue;
			}
			esc = raw_on ? memchr(buf, ESCAPE_KEY, (size_t)n) : NULL;
			if (esc)
				n = esc - buf;
			if (n > 0 && cons_send(c, buf, (size_t)n) < 0)
				return 1;
			if (esc)
				return 0;
		}
	}
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	struct cons_conn c;
	long domid = -1;
	char *end;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			sock = argv[++i];
		} else if (domid < 0 && argv[i][0] >= '0' && argv[i][0] <= '9') {
			domid = strtol(argv[i], &end, 10);
			if (*end || domid > 0x7fef)
				domid = -2;
		} else {
			domid = -2;
		}
	}
	if (domid < 0) {
		fprintf(stderr, "usage: hospes-console DOMID [--socket PATH]\n"
				"Attaches to the domain's console; Ctrl-] detaches.\n");
		return 2;
	}
	if ((r = cons_attach(sock, (uint32_t)domid, 5000, &c)) < 0) {
		fprintf(stderr, "hospes-console: dom%ld via %s: %s\n", domid, cons_socket_path(sock),
			r == -ESRCH ? "no console served for this domain" : strerror(-r));
		return 1;
	}
	if (isatty(0))
		fprintf(stderr, "[attached to dom%ld; Ctrl-] detaches]\r\n", domid);
	raw_mode();
	r = attached(&c);
	restore();
	cons_close(&c);
	return r;
}
