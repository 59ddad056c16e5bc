/* bctl_client.c: the blocking client of a backend's control socket
 * (backend_ctl.h), with one deadline for connect, request and reply:
 * hospesd asks "status" to know that a backend is up. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bctl.h"

#define REPLY_MAX (1u << 20)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_sock(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* The reply is complete once its last line starts "ok" or "err". */
static bool complete(const char *buf, size_t len)
{
	const char *start = buf;

	if (!len || buf[len - 1] != '\n')
		return false;
	for (const char *p = buf; p < buf + len - 1; p++)
		if (*p == '\n')
			start = p + 1;
	return bctl_line_is(start, BCTL_OK) || bctl_line_is(start, BCTL_ERR);
}

static int wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = ev};
	long long left = deadline - now_ms();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(&p, 1, (int)left);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

int bctl_query(const char *path, const char *cmd, int timeout_ms, char **reply)
{
	long long deadline = now_ms() + timeout_ms;
	char req[BCTL_REQ_MAX + 1], *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, r;

	*reply = NULL;
	if ((size_t)snprintf(req, sizeof(req), "%s\n", cmd) >= BCTL_REQ_MAX + 1)
		return -E2BIG;
	if ((fd = open_sock(path)) < 0)
		return fd;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		r = -errno ?: -EIO;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = cap + 4096 > REPLY_MAX ? NULL : realloc(buf, cap + 4096 + 1);

			if (!nb) {
				r = -EPROTO; /* no reply is this long */
				goto out;
			}
			buf = nb;
			cap += 4096;
		}
		if ((r = wait_fd(fd, POLLIN, deadline)) < 0)
			goto out;
		n = recv(fd, buf + len, cap - len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			r = n == 0 ? -EPROTO : -errno; /* closed before the reply ended */
			goto out;
		}
		len += (size_t)n;
		if (complete(buf, len))
			break;
	}
	buf[len] = 0;
	*reply = buf;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

int bctl_get_status(const char *path, int timeout_ms, struct bctl_status *st)
{
	char *rep = NULL;
	uint64_t v = 0, n = 0;
	int r = bctl_query(path, BCTL_CMD_STATUS, timeout_ms, &rep);

	if (r)
		return r;
	memset(st, 0, sizeof(*st));
	if (!bctl_line_is(rep, BCTL_OK) ||
	    bctl_line_get(rep, BCTL_KEY_NAME, st->name, sizeof(st->name)) ||
	    bctl_line_getu(rep, BCTL_KEY_VERSION, &v) || bctl_line_getu(rep, BCTL_KEY_DEVICES, &n))
		r = -EPROTO;
	st->version = (unsigned)v;
	st->devices = (unsigned)n;
	free(rep);
	return r;
}
