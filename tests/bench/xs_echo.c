/* xs_echo.c: the baseline server and client for xs_bench (see xs_echo.h).
 * One thread and epoll, like hospes-stored's single event loop, so the
 * ratio isolates what the daemon does per request. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_echo.h"

uint32_t xs_echo_reply_len[XS_TYPE_COUNT];

struct peer {
	int fd;
	size_t have;
	uint8_t buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
};

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t w = send(fd, (const char *)buf + off, len - off, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* Answers every complete request in the peer's buffer; -1 closes it. */
static int serve(struct peer *p)
{
	static const uint8_t fill[XENSTORE_PAYLOAD_MAX];
	uint8_t out[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h;

	while (p->have >= sizeof(h)) {
		size_t total;

		memcpy(&h, p->buf, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX || h.type >= XS_TYPE_COUNT)
			return -1;
		total = sizeof(h) + h.len;
		if (p->have < total)
			return 0;
		h.len = xs_echo_reply_len[h.type];
		memcpy(out, &h, sizeof(h));
		memcpy(out + sizeof(h), fill, h.len);
		if (write_all(p->fd, out, sizeof(h) + h.len))
			return -1;
		p->have -= total;
		memmove(p->buf, p->buf + total, p->have);
	}
	return 0;
}

static void *loop(void *arg)
{
	int lfd = (int)(intptr_t)arg, ep = epoll_create1(0);
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = NULL }, evs[16];

	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &e);
	for (;;) {
		int n = epoll_wait(ep, evs, 16, -1);

		for (int i = 0; i < n; i++) {
			struct peer *p = evs[i].data.ptr;
			ssize_t r;

			if (!p) {
				p = calloc(1, sizeof(*p));
				if (!p || (p->fd = accept(lfd, NULL, NULL)) < 0) {
					free(p);
					continue;
				}
				e.data.ptr = p;
				epoll_ctl(ep, EPOLL_CTL_ADD, p->fd, &e);
				continue;
			}
			r = read(p->fd, p->buf + p->have, sizeof(p->buf) - p->have);
			if (r > 0)
				p->have += (size_t)r;
			if (r <= 0 || serve(p)) {
				close(p->fd); /* also leaves the epoll set */
				free(p);
			}
		}
	}
	return NULL;
}

static int unix_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	strcpy(a->sun_path, path);
	return 0;
}

int xs_echo_start(const char *path)
{
	struct sockaddr_un a;
	pthread_t t;
	int fd;

	if (unix_addr(path, &a))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 64))
		return -errno;
	if (pthread_create(&t, NULL, loop, (void *)(intptr_t)fd))
		return -EAGAIN;
	pthread_detach(t);
	return 0;
}

int xs_echo_connect(const char *path)
{
	struct sockaddr_un a;
	int fd;

	if (unix_addr(path, &a))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* One round trip: the framed request out, the whole reply back. */
int xs_echo_call(int fd, uint32_t type, const void *payload, uint32_t len)
{
	uint8_t buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h = { .type = type, .req_id = 1, .len = len };
	size_t have = 0, want = sizeof(h);

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	if (write_all(fd, buf, sizeof(h) + len))
		return -EPIPE;
	while (have < want) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);

		if (r <= 0)
			return -EPIPE;
		have += (size_t)r;
		if (have >= sizeof(h)) {
			memcpy(&h, buf, sizeof(h));
			want = sizeof(h) + h.len;
		}
	}
	return 0;
}
