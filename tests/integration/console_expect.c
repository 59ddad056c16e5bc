/* console_expect.c: a test's side of a console attachment through
 * hospes-consoled: attach, read until some text, type and expect, see the
 * domain end (see console_fixture.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "console_fixture.h"

void cfx_attach(uint32_t domid, struct cons_conn *c)
{
	int r = -ESRCH;

	/* consoled may not have seen the introduction yet. */
	for (int i = 0; i < 100 && r == -ESRCH; i++) {
		if ((r = cons_attach(cfx_socket(), domid, 5000, c)) == -ESRCH)
			usleep(50000);
	}
	cr_assert_eq(r, 0, "attach dom%u: %s\n%s", domid, strerror(-r), cfx_consoled_log());
}

int cfx_read_until(struct cons_conn *c, const char *text, int ms, char *acc, size_t cap)
{
	double end = dfx_now_ms() + ms;
	char buf[CONSOLED_MAX_PAYLOAD];

	while (!strstr(acc, text)) {
		struct pollfd pf = { c->fd, POLLIN, 0 };
		int r;
		double left = end - dfx_now_ms();

		while ((r = cons_recv(c, buf, sizeof(buf))) > 0) {
			size_t len = strlen(acc), k = (size_t)r < cap - 1 - len ? (size_t)r : cap - 1 - len;

			memcpy(acc + len, buf, k);
			acc[len + k] = 0;
		}
		if (strstr(acc, text))
			break;
		if (r < 0)
			return r;
		if (left <= 0)
			return 0;
		poll(&pf, 1, (int)left);
	}
	return 1;
}

/* Types a line and reads until want shows up. */
void cfx_type_expect(struct cons_conn *c, const char *line, const char *want)
{
	static char acc[16384];
	int r;

	acc[0] = 0;
	cr_assert_eq(cons_send(c, line, strlen(line)), 0);
	r = cfx_read_until(c, want, 20000, acc, sizeof(acc));
	cr_assert_eq(r, 1, "no '%s' after typing '%s' (%d); got:\n%s\n%s", want, line, r, acc,
		     cfx_consoled_log());
}

void cfx_expect_prompt(struct cons_conn *c)
{
	static char acc[16384];

	acc[0] = 0;
	/* The prompt may have come before we attached: an empty line brings
	 * a fresh one. */
	cr_assert_eq(cons_send(c, "\r", 1), 0);
	cr_assert_eq(cfx_read_until(c, "nido> ", 20000, acc, sizeof(acc)), 1, "no prompt:\n%s",
		     acc);
}

/* The domain ends: the toolstack releases it and the client is told. */
void cfx_expect_gone(struct hvctl *hv, struct xsc *xs, struct cons_conn *c, uint32_t dom)
{
	static char acc[16384];
	int r;

	cfx_wait_shutdown(hv, dom, 30000);
	cfx_release(xs, dom);
	acc[0] = 0;
	r = cfx_read_until(c, "\001never\001", 20000, acc, sizeof(acc));
	cr_assert_eq(r, -ESRCH, "client not told the domain ended (%d)\n%s", r, cfx_consoled_log());
}

/* Occurrences of needle in hay. */
int cfx_count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}
