/* cons_attach.c: hospes-consoled client library (see cons_attach.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cons_attach.h"

const char *cons_socket_path(const char *path)
{
	const char *e = getenv(CONSOLED_SOCKET_ENV);

	return path ? path : e && *e ? e : CONSOLED_DEFAULT_SOCKET;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A complete frame from rbuf, or one nonblocking read for more. */
static int next_frame(struct cons_conn *c, struct consoled_hdr *h, const uint8_t **p)
{
	for (int tries = 0; tries < 2; tries++) {
		int n = cons_frame_parse(c->rbuf, c->rlen, h);
		ssize_t got;

		if (n < 0)
			return -EPROTO;
		if (n > 0) {
			*p = c->rbuf + sizeof(*h);
			return n;
		}
		if (tries)
			break;
		got = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, MSG_DONTWAIT);
		if (got == 0)
			return -EPIPE;
		if (got < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		c->rlen += (size_t)got;
	}
	return 0;
}

static void consume(struct cons_conn *c, int n)
{
	memmove(c->rbuf, c->rbuf + n, c->rlen - (size_t)n);
	c->rlen -= (size_t)n;
}

int cons_recv(struct cons_conn *c, void *out, size_t max)
{
	struct consoled_hdr h;
	const uint8_t *p;
	int n;

	if (c->status)
		return c->status;
	if ((n = next_frame(c, &h, &p)) <= 0)
		return n;
	if (cons_frame_check_daemon(true, &h) < 0 || (h.type == CONSOLED_DATA && h.len > max))
		return -EPROTO;
	if (h.type == CONSOLED_STATUS) {
		struct consoled_status s;

		memcpy(&s, p, sizeof(s));
		consume(c, n);
		c->status = s.status < 0 && s.status > -4096 ? s.status : -EPROTO;
		return c->status;
	}
	memcpy(out, p, h.len);
	consume(c, n);
	return (int)h.len;
}

int cons_attach(const char *path, uint32_t domid, int timeout_ms, struct cons_conn *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct consoled_attach req = { domid, 0 };
	uint8_t frame[sizeof(struct consoled_hdr) + sizeof(req)];
	struct consoled_hdr h;
	const uint8_t *p;
	int r, n;

	path = cons_socket_path(path);
	memset(c, 0, sizeof(*c));
	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = write_all(c->fd, frame, cons_frame_build(frame, CONSOLED_ATTACH, &req,
							  sizeof(req)))))
		goto fail;
	for (;;) {
		struct pollfd pf = { c->fd, POLLIN, 0 };

		if ((n = next_frame(c, &h, &p)) < 0) {
			r = n;
			goto fail;
		}
		if (n > 0)
			break;
		if (poll(&pf, 1, timeout_ms) != 1) {
			r = -ETIMEDOUT;
			goto fail;
		}
	}
	if (h.type != CONSOLED_STATUS || cons_frame_check_daemon(false, &h) < 0) {
		r = -EPROTO;
		goto fail;
	}
	memcpy(&r, p, sizeof(r));
	consume(c, n);
	if (r > 0 || r < -4095)
		r = -EPROTO;
	if (r == 0)
		return 0;
fail:
	close(c->fd);
	c->fd = -1;
	return r;
}

int cons_send(struct cons_conn *c, const void *buf, size_t n)
{
	uint8_t frame[CONS_FRAME_MAX];
	const uint8_t *p = buf;

	while (n) {
		size_t k = n < CONSOLED_MAX_PAYLOAD ? n : CONSOLED_MAX_PAYLOAD;
		int r = write_all(c->fd, frame, cons_frame_build(frame, CONSOLED_DATA, p, k));

		if (r)
			return r;
		p += k;
		n -= k;
	}
	return 0;
}

void cons_close(struct cons_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
