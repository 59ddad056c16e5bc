/* silent_socket.h: for the timeout tests of the control clients
 * (hypervisor/test_hvctl_timeout.c, xsclient/test_timeout.c): a UNIX
 * socket in a temp dir that accepts connections (the kernel's backlog)
 * but whose owner never reads or writes, as a stopped daemon's.
 * Header-only: the tests belong to components that link nothing shared. */
#ifndef HOSPES_TEST_SILENT_SOCKET_H
#define HOSPES_TEST_SILENT_SOCKET_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct silent_socket {
	char dir[32], path[64];
	int fd; /* listening; accept() to play the daemon waking up */
};

/* Listens at <dir>/s, dir made from tmpl ("/tmp/xxxx-XXXXXX"; asserted). */
static inline void silent_socket_open(struct silent_socket *s, const char *tmpl)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	snprintf(s->dir, sizeof(s->dir), "%s", tmpl);
	cr_assert_not_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/s", s->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->path);
	s->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(s->fd, 0);
	cr_assert_eq(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(s->fd, 8), 0);
}

static inline void silent_socket_close(struct silent_socket *s)
{
	close(s->fd);
	unlink(s->path);
	rmdir(s->dir);
}

#endif
