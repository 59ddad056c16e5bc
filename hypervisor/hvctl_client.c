/* hvctl_client.c: libhvctl: connecting, one function per control-socket
 * operation, replies checked with hvctl_check_reply, fds via SCM_RIGHTS. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvctl.h"
#include "hvctl_proto.h"

struct hvctl {
	int fd;
	uint32_t next_id;
	/* a send or receive timed out mid-exchange: a late reply would be taken
	 * for the next request's, so the connection is not used again */
	bool broken;
};

/* Bounds every send and receive on fd (0: none); for an AF_UNIX socket
 * SO_SNDTIMEO also bounds connect() when the listener's backlog is full. */
static int set_timeouts(int fd, unsigned timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

const char *hvctl_socket_path(const char *path)
{
	const char *env = getenv(HVCTL_SOCKET_ENV);

	return path && *path ? path : env && *env ? env : HVCTL_DEFAULT_SOCKET;
}

int hvctl_connect(const char *path, struct hvctl **out)
{
	return hvctl_connect_timeout(path, 0, out);
}

int hvctl_set_timeout(struct hvctl *h, unsigned timeout_ms)
{
	return set_timeouts(h->fd, timeout_ms);
}

bool hvctl_broken(const struct hvctl *h)
{
	return h->broken;
}

int hvctl_connect_timeout(const char *path, unsigned timeout_ms, struct hvctl **out)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct hvctl *h;

	path = hvctl_socket_path(path);
	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	if (!(h = calloc(1, sizeof(*h))))
		return -ENOMEM;
	h->next_id = 1;
	if ((h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    (timeout_ms && set_timeouts(h->fd, timeout_ms) < 0) ||
	    connect(h->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int r = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;

		if (h->fd >= 0)
			close(h->fd);
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

void hvctl_close(struct hvctl *h)
{
	if (h) {
		close(h->fd);
		free(h);
	}
}

const char *hvctl_strerror(int err)
{
	if (err == -ESRCH)
		return "no such domain";
	if (err == -EPROTO)
		return "malformed reply from hospes-hv";
	if (err == -ECONNRESET || err == -EPIPE)
		return "hospes-hv closed the connection";
	return strerror(-err);
}

static int send_all(int fd, const void *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -ETIMEDOUT; /* SO_SNDTIMEO */
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p = (const uint8_t *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads exactly len bytes; the first read may carry fds. */
static int recv_all(int fd, void *p, size_t len, int *fds, unsigned *nfds)
{
	while (len) {
		union {
			char buf[CMSG_SPACE(sizeof(int) * HVCTL_MAX_FDS)];
			struct cmsghdr align;
		} u;
		struct iovec iov = { p, len };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (fds) {
			m.msg_control = u.buf;
			m.msg_controllen = sizeof(u.buf);
		}
		n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -ETIMEDOUT; /* SO_RCVTIMEO */
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		for (struct cmsghdr *c = fds ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			unsigned k = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (unsigned i = 0; i < k; i++) {
				int f;

				memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (*nfds < HVCTL_MAX_FDS)
					fds[(*nfds)++] = f;
				else
					close(f);
			}
		}
		p = (uint8_t *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

int hvctl_call(struct hvctl *h, uint32_t type, const void *payload, uint32_t len, void *reply,
	       uint32_t reply_max, uint32_t *reply_len, int *fds)
{
	struct hvctl_hdr q = { type, len, h->next_id++, 0 }, a;
	uint8_t buf[HVCTL_MAX_PAYLOAD] __attribute__((aligned(8)));
	int got[HVCTL_MAX_FDS];
	unsigned nfds = 0;
	int r;

	if (h->broken)
		return -EPIPE;
	if ((r = send_all(h->fd, &q, sizeof(q))) || (r = send_all(h->fd, payload, len))) {
		h->broken |= r == -ETIMEDOUT;
		return r;
	}
	if ((r = recv_all(h->fd, &a, sizeof(a), got, &nfds)))
		goto fail;
	r = -EPROTO;
	if (a.length > sizeof(buf) || a.length > reply_max)
		goto fail;
	if ((r = recv_all(h->fd, buf, a.length, got, &nfds)))
		goto fail;
	if ((r = hvctl_check_reply(type, q.request_id, &a, buf, nfds)))
		goto fail;
	memcpy(reply, buf, a.length);
	*reply_len = a.length;
	for (unsigned i = 0; i < nfds; i++) {
		if (fds)
			fds[i] = got[i];
		else
			close(got[i]);
	}
	return ((struct hvctl_reply *)buf)->status;
fail:
	for (unsigned i = 0; i < nfds; i++)
		close(got[i]);
	h->broken |= r == -ETIMEDOUT;
	return r;
}

static int simple(struct hvctl *h, uint32_t type, const void *p, uint32_t len, void *rep,
		  uint32_t rep_len, int *fds)
{
	struct hvctl_reply st;
	uint32_t got;

	if (!rep) {
		rep = &st;
		rep_len = sizeof(st);
	}
	return hvctl_call(h, type, p, len, rep, rep_len, &got, fds);
}

static int dom_op(struct hvctl *h, uint32_t type, uint32_t domid)
{
	struct hvctl_domid q = { domid, 0 };

	return simple(h, type, &q, sizeof(q), NULL, 0, NULL);
}

int hvctl_start(struct hvctl *h, uint32_t domid) { return dom_op(h, HVCTL_START, domid); }
int hvctl_pause(struct hvctl *h, uint32_t domid) { return dom_op(h, HVCTL_PAUSE, domid); }
int hvctl_unpause(struct hvctl *h, uint32_t domid) { return dom_op(h, HVCTL_UNPAUSE, domid); }
int hvctl_destroy(struct hvctl *h, uint32_t domid) { return dom_op(h, HVCTL_DESTROY, domid); }

static int copy_str(char *dst, size_t size, const char *src, bool absolute)
{
	char abs[PATH_MAX];

	if (!src)
		src = "";
	if (absolute) {
		if (!realpath(src, abs))
			return -errno;
		src = abs;
	}
	if (strlen(src) >= size)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

int hvctl_create(struct hvctl *h, const struct hvctl_domain_config *c, uint32_t *domid)
{
	struct hvctl_create *q = calloc(1, sizeof(*q));
	struct hvctl_create_reply rep;
	int r;

	if (!q)
		return -ENOMEM;
	*q = (struct hvctl_create){ .mem = c->mem, .maxmem = c->maxmem,
				    .vcpus = c->vcpus ? c->vcpus : 1, .nr_modules = c->nr_modules,
				    .flags = (c->start ? HVCTL_CREATE_START : 0) |
					     (c->xenstore ? HVCTL_CREATE_XENSTORE : 0) |
					     (c->console ? HVCTL_CREATE_CONSOLE : 0) };
	r = c->nr_modules > HVCTL_MAX_MODULES ? -EINVAL : 0;
	if (!r && !(r = copy_str(q->kernel, sizeof(q->kernel), c->kernel, true)))
		r = copy_str(q->cmdline, sizeof(q->cmdline), c->cmdline, false);
	for (unsigned i = 0; !r && i < c->nr_modules; i++)
		r = copy_str(q->modules[i], sizeof(q->modules[i]), c->modules[i], true);
	if (!r && !(r = simple(h, HVCTL_CREATE, q, sizeof(*q), &rep, sizeof(rep), NULL)))
		*domid = rep.domid;
	free(q);
	return r;
}

int hvctl_info(struct hvctl *h, uint32_t domid, struct hvctl_dominfo *info)
{
	struct hvctl_domid q = { domid, 0 };

	return simple(h, HVCTL_INFO, &q, sizeof(q), info, sizeof(*info), NULL);
}

int hvctl_set_maxmem(struct hvctl *h, uint32_t domid, uint64_t max_bytes)
{
	struct hvctl_set_maxmem q = { domid, 0, max_bytes };

	return simple(h, HVCTL_SET_MAXMEM, &q, sizeof(q), NULL, 0, NULL);
}

int hvctl_wait(struct hvctl *h, uint32_t domid, uint32_t generation, uint32_t timeout_ms,
	       struct hvctl_dominfo *info)
{
	struct hvctl_wait q = { domid, generation, timeout_ms, 0 };

	return simple(h, HVCTL_WAIT, &q, sizeof(q), info, sizeof(*info), NULL);
}

int hvctl_bind_evtchn(struct hvctl *h, uint32_t domid, uint32_t port, uint32_t *port_out,
		      int *notify_fd, int *kick_fd)
{
	struct hvctl_bind_evtchn q = { domid, port };
	struct hvctl_bind_reply rep;
	int fds[HVCTL_MAX_FDS], r;

	if ((r = simple(h, HVCTL_BIND_EVTCHN, &q, sizeof(q), &rep, sizeof(rep), fds)))
		return r;
	*port_out = rep.port;
	*notify_fd = fds[0];
	*kick_fd = fds[1];
	return 0;
}

int hvctl_get_memfd(struct hvctl *h, uint32_t domid, struct hvctl_memory *layout, int *fd)
{
	struct hvctl_domid q = { domid, 0 };

	return simple(h, HVCTL_GET_MEMFD, &q, sizeof(q), layout, sizeof(*layout), fd);
}

int hvctl_list(struct hvctl *h, uint32_t *domids, unsigned max, unsigned *count)
{
	static const size_t size = sizeof(struct hvctl_list) + HVCTL_LIST_MAX * 4;
	struct hvctl_list *l = malloc(size);
	uint32_t got;
	int r;

	if (!l)
		return -ENOMEM;
	if (!(r = hvctl_call(h, HVCTL_LIST, NULL, 0, l, (uint32_t)size, &got, NULL))) {
		*count = l->count;
		for (unsigned i = 0; i < l->count && i < max; i++)
			domids[i] = l->domids[i];
	}
	free(l);
	return r;
}
