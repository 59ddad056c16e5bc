/* cons_session.c: the terminal side of an attached console: one poll loop
 * moving stdin to the daemon and its output to stdout. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cons_session.h"

static int write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Shows the daemon's output that arrived; -1 while the attachment goes
 * on, else how it ended. */
static int show_output(struct cons_conn *c, int *err)
{
	char buf[CONSOLED_MAX_PAYLOAD];
	int r;

	while ((r = cons_recv(c, buf, sizeof(buf))) > 0)
		if ((*err = write_all(buf, (size_t)r)))
			return CONS_SESSION_FAILED;
	if (r == 0)
		return -1;
	*err = r;
	return r == -ESRCH || r == -EPIPE || r == -ECONNRESET ? CONS_SESSION_ENDED
							      : CONS_SESSION_FAILED;
}

/* Our input met a socket the daemon had closed: it ended the attachment,
 * and its last output and final status are still ours to read. */
static enum cons_session_end after_send_failed(struct cons_conn *c, int *err)
{
	struct pollfd pf = { c->fd, POLLIN, 0 };
	int send_err = *err, end, r;

	while ((end = show_output(c, err)) < 0) {
		r = poll(&pf, 1, 5000);
		if (r == 0 || (r < 0 && errno != EINTR) || (pf.revents & POLLNVAL)) {
			*err = send_err;
			return CONS_SESSION_FAILED;
		}
	}
	return (enum cons_session_end)end;
}

static enum cons_session_end loop(struct cons_conn *c, int *err)
{
	char buf[CONSOLED_MAX_PAYLOAD];
	struct pollfd pf[2] = { { 0, POLLIN, 0 }, { c->fd, POLLIN, 0 } };
	bool in_open = true;
	int end;

	for (;;) {
		pf[0].fd = in_open ? 0 : -1;
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			*err = -errno;
			return CONS_SESSION_FAILED;
		}
		if (pf[1].revents && (end = show_output(c, err)) >= 0)
			return (enum cons_session_end)end;
		if (pf[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			char *esc;

			if (n <= 0) {
				in_open = false; /* end of piped input: keep showing output */
				continue;
			}
			esc = memchr(buf, CONS_DETACH_KEY, (size_t)n);
			if (esc)
				n = esc - buf;
			if (n > 0 && (*err = cons_send(c, buf, (size_t)n)) < 0)
				return *err == -EPIPE || *err == -ECONNRESET
					   ? after_send_failed(c, err)
					   : CONS_SESSION_FAILED;
			if (esc) {
				*err = 0;
				return CONS_SESSION_DETACHED;
			}
		}
	}
}

enum cons_session_end cons_session_run(struct cons_conn *c, int *err)
{
	struct termios saved, t;
	bool raw = false;
	enum cons_session_end end;

	if (isatty(0) && tcgetattr(0, &saved) == 0) {
		t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(0, TCSANOW, &t) == 0;
	}
	*err = 0;
	end = loop(c, err);
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	return end;
}
