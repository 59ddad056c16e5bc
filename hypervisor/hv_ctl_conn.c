/* hv_ctl_conn.c: control-socket connections: accept with the SO_PEERCRED
 * check, non-blocking framed reads (fds a request must not carry are
 * closed), and queued replies with SCM_RIGHTS so a slow client never
 * blocks the loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hv_ctl.h"
#include "hvctl_proto.h"

static void set_events(struct hv_ctl *c, struct ctl_conn *k, bool out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = &k->src };

	if (k->want_out != out && epoll_ctl(c->epfd, EPOLL_CTL_MOD, k->fd, &ev) == 0)
		k->want_out = out;
}

void ctl_conn_accept(struct hv_ctl *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct ctl_conn *k;
	int fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		hv_log(NULL, HV_LOG_WARN, "control: refused a client: no credentials: %s",
		       strerror(errno));
		close(fd);
		return;
	}
	/* Only root may drive the hypervisor for now (dom0's privilege). */
	if (cr.uid != 0) {
		hv_log(NULL, HV_LOG_WARN, "control: refused pid %d uid %u: not root", (int)cr.pid,
		       (unsigned)cr.uid);
		close(fd);
		return;
	}
	struct epoll_event ev = { .events = EPOLLIN };
	if (!(k = calloc(1, sizeof(*k)))) {
		close(fd);
		return;
	}
	k->src.kind = CTL_SRC_CONN;
	k->fd = fd;
	k->uid = cr.uid;
	k->pid = cr.pid;
	ev.data.ptr = &k->src;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(k);
		return;
	}
	k->next = c->conns;
	c->conns = k;
	hv_log(NULL, HV_LOG_DEBUG, "control: client pid %d connected", (int)cr.pid);
}

static void close_fds(const int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void flush_out(struct hv_ctl *c, struct ctl_conn *k)
{
	while (k->out) {
		struct ctl_out *o = k->out;
		union {
			char buf[CMSG_SPACE(sizeof(int) * HVCTL_MAX_FDS)];
			struct cmsghdr align;
		} u;
		struct iovec iov = { o->data + o->off, o->len - o->off };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (o->nfds && o->off == 0) {
			memset(&u, 0, sizeof(u));
			m.msg_control = u.buf;
			m.msg_controllen = CMSG_SPACE(sizeof(int) * o->nfds);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * o->nfds);
			memcpy(CMSG_DATA(cm), o->fds, sizeof(int) * o->nfds);
		}
		n = sendmsg(k->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				k->dead = true;
			break;
		}
		if (o->off == 0) { /* the fds went with the first byte */
			close_fds(o->fds, o->nfds);
			o->nfds = 0;
		}
		o->off += (size_t)n;
		k->out_bytes -= (size_t)n;
		if (o->off < o->len)
			break;
		k->out = o->next;
		if (!k->out)
			k->out_tail = NULL;
		free(o);
	}
	if (!k->dead)
		set_events(c, k, k->out != NULL);
}

void ctl_conn_reply(struct hv_ctl *c, struct ctl_conn *k, uint32_t type, uint32_t id,
		    const void *payload, size_t len, const int *fds, unsigned nfds)
{
	struct hvctl_hdr h = { HVCTL_REPLY_BIT | type, (uint32_t)len, id, nfds };
	struct ctl_out *o;

	if (k->dead || k->out_bytes + sizeof(h) + len > CTL_OUT_LIMIT ||
	    !(o = malloc(sizeof(*o) + sizeof(h) + len))) {
		/* A client that does not read its replies loses its connection. */
		if (!k->dead)
			hv_log(NULL, HV_LOG_WARN, "control: pid %d does not read its replies; dropped",
			       (int)k->pid);
		k->dead = true;
		close_fds(fds, nfds);
		return;
	}
	o->next = NULL;
	o->len = sizeof(h) + len;
	o->off = 0;
	o->nfds = nfds;
	if (nfds)
		memcpy(o->fds, fds, sizeof(int) * nfds);
	memcpy(o->data, &h, sizeof(h));
	memcpy(o->data + sizeof(h), payload, len);
	if (k->out_tail)
		k->out_tail->next = o;
	else
		k->out = o;
	k->out_tail = o;
	k->out_bytes += o->len;
	flush_out(c, k);
}

void ctl_conn_reply_status(struct hv_ctl *c, struct ctl_conn *k, uint32_t type, uint32_t id,
			   int status)
{
	struct hvctl_reply r = { status, 0 };

	ctl_conn_reply(c, k, type, id, &r, sizeof(r), NULL, 0);
}

/* Closes any descriptors that came with a request (none may). */
static void drop_rights(struct ctl_conn *k, struct msghdr *m)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[16];

		memcpy(fds, CMSG_DATA(cm), sizeof(int) * (n < 16 ? n : 16));
		close_fds(fds, n < 16 ? (unsigned)n : 16);
		k->bad_fds = true;
	}
}

/* One complete message at k->in; returns its total size, or 0 to close. */
static size_t handle_one(struct hv_ctl *c, struct ctl_conn *k)
{
	struct hvctl_hdr h;
	int r;

	memcpy(&h, k->in, sizeof(h));
	r = hvctl_check_request(&h);
	if (r == -EMSGSIZE) {
		hv_log(NULL, HV_LOG_WARN, "control: pid %d sent a %u-byte payload; disconnected",
		       (int)k->pid, h.length);
		return 0;
	}
	if (k->in_len < sizeof(h) + h.length)
		return (size_t)-1; /* incomplete */
	if (!r && k->bad_fds)
		r = -EBADF;
	k->bad_fds = false;
	if (r) {
		hv_log(NULL, HV_LOG_DEBUG, "control: pid %d: bad message type %u length %u fds %u: %s",
		       (int)k->pid, h.type, h.length, h.nr_fds, strerror(-r));
		ctl_conn_reply_status(c, k, h.type & ~HVCTL_REPLY_BIT, h.request_id, r);
	} else {
		ctl_ops_dispatch(c, k, &h, k->in + sizeof(h));
	}
	return sizeof(h) + h.length;
}

static void read_in(struct hv_ctl *c, struct ctl_conn *k)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { k->in + k->in_len, sizeof(k->in) - k->in_len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(k->fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			k->dead = true;
		return;
	}
	drop_rights(k, &m);
	if (m.msg_flags & MSG_CTRUNC)
		k->bad_fds = true;
	k->in_len += (size_t)n;
	while (!k->dead && k->in_len >= sizeof(struct hvctl_hdr)) {
		size_t used = handle_one(c, k);

		if (used == 0) {
			k->dead = true;
		} else if (used == (size_t)-1) {
			break;
		} else {
			memmove(k->in, k->in + used, k->in_len - used);
			k->in_len -= used;
		}
	}
}

void ctl_conn_event(struct hv_ctl *c, struct ctl_conn *k, uint32_t events)
{
	if (events & EPOLLOUT)
		flush_out(c, k);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_in(c, k);
}

static void conn_free(struct hv_ctl *c, struct ctl_conn *k)
{
	ctl_wait_drop_conn(c, k);
	ctl_gnt_conn_free(k); /* grant tables: its dom0 mappings end */
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, k->fd, NULL);
	close(k->fd);
	while (k->out) {
		struct ctl_out *o = k->out;

		k->out = o->next;
		close_fds(o->fds, o->nfds);
		free(o);
	}
	free(k);
}

void ctl_conn_reap_dead(struct hv_ctl *c)
{
	for (struct ctl_conn **p = &c->conns; *p;) {
		struct ctl_conn *k = *p;

		if (k->dead) {
			*p = k->next;
			hv_log(NULL, HV_LOG_DEBUG, "control: client pid %d gone", (int)k->pid);
			conn_free(c, k);
		} else {
			p = &k->next;
		}
	}
}

void ctl_conn_close_all(struct hv_ctl *c)
{
	for (struct ctl_conn *k = c->conns; k; k = k->next)
		k->dead = true;
	ctl_conn_reap_dead(c);
}
