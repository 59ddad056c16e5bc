/* xsc_io.c: framing over the daemon socket and the synchronous request/reply
 * exchange. Replies are matched by req_id; events in between are queued. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xsc_internal.h"

int xsc_fail(struct xsc *h, int err)
{
	if (!h->broken)
		h->broken_err = err;
	h->broken = true;
	return err;
}

/* Writes everything (the socket may take a message in several pieces). */
static int send_all(struct xsc *h, struct iovec *iov, int n)
{
	while (n > 0) {
		/* no SIGPIPE in the caller's process if the daemon went away */
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
		ssize_t w = sendmsg(h->fd, &m, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) /* SO_SNDTIMEO: part may be sent */
			return xsc_fail(h, -ETIMEDOUT);
		if (w < 0)
			return xsc_fail(h, errno == EPIPE ? -EPIPE : -errno);
		for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* One complete message from rbuf into *hdr/payload: 1, 0 if incomplete,
 * -EBADMSG if the header announces more than the protocol allows. */
static int take_message(struct xsc *h, struct xsd_sockmsg *hdr, char *payload)
{
	size_t total;

	if (h->rlen < sizeof(*hdr))
		return 0;
	memcpy(hdr, h->rbuf, sizeof(*hdr));
	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return xsc_fail(h, -EBADMSG);
	total = sizeof(*hdr) + hdr->len;
	if (h->rlen < total)
		return 0;
	memcpy(payload, h->rbuf + sizeof(*hdr), hdr->len);
	payload[hdr->len] = '\0';
	h->rlen -= total;
	memmove(h->rbuf, h->rbuf + total, h->rlen);
	return 1;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads what the socket has (waiting up to timeout_ms for the first byte). */
static int fill(struct xsc *h, int timeout_ms)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	int64_t end = timeout_ms < 0 ? 0 : now_ms() + timeout_ms;
	ssize_t r;

	for (;;) {
		int left = timeout_ms < 0 ? -1 : (int)(end - now_ms());

		if (timeout_ms >= 0 && left < 0)
			left = 0;
		r = poll(&p, 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return xsc_fail(h, -errno);
		if (r == 0)
			return -ETIMEDOUT;
		r = read(h->fd, h->rbuf + h->rlen, sizeof(h->rbuf) - h->rlen);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return xsc_fail(h, -errno);
		if (r == 0) /* the daemon closed the connection */
			return xsc_fail(h, -EPIPE);
		h->rlen += (size_t)r;
		return 0;
	}
}

/* A reply must answer this request: same id and transaction (the start of
 * one carries no id yet), the request's type or ERROR. */
static int check_reply(struct xsc *h, const struct xsd_sockmsg *req, struct xsc_reply *r)
{
	if (r->hdr.req_id != req->req_id)
		return xsc_fail(h, -EBADMSG);
	if (req->type != XS_TRANSACTION_START && r->hdr.tx_id != req->tx_id)
		return xsc_fail(h, -EBADMSG);
	if (r->hdr.type == XS_ERROR) {
		/* one name, NUL-terminated, nothing after it */
		if (r->hdr.len < 2 || strlen(r->payload) + 1 != r->hdr.len)
			return xsc_fail(h, -EBADMSG);
		return xsc_error_from_name(r->payload);
	}
	if (r->hdr.type != req->type)
		return xsc_fail(h, -EBADMSG);
	return 0;
}

/* Handles every complete message already buffered; with nothing
 * outstanding only events may come. */
static int drain(struct xsc *h)
{
	struct xsd_sockmsg hdr;
	char payload[XENSTORE_PAYLOAD_MAX + 1];
	int err;

	while ((err = take_message(h, &hdr, payload)) > 0) {
		if (hdr.type != XS_WATCH_EVENT)
			return xsc_fail(h, -EBADMSG);
		err = xsc_queue_event(h, payload, hdr.len);
		if (err)
			return err;
	}
	return err;
}

int xsc_request(struct xsc *h, uint32_t type, uint32_t tx, const struct iovec *parts,
		int nparts, struct xsc_reply *r)
{
	struct xsd_sockmsg req = { .type = type, .tx_id = tx };
	struct iovec iov[8];
	int64_t end;
	int err;

	if (h->broken)
		return -EPIPE;
	if (nparts < 0 || nparts > 7)
		return -EINVAL;
	iov[0] = (struct iovec){ &req, sizeof(req) };
	for (int i = 0; i < nparts; i++) {
		iov[i + 1] = parts[i];
		if (parts[i].iov_len > XENSTORE_PAYLOAD_MAX - req.len)
			return -E2BIG;
		req.len += (uint32_t)parts[i].iov_len;
	}
	req.req_id = h->next_req++;
	end = now_ms() + h->timeout_ms;
	err = send_all(h, iov, nparts + 1);
	if (err)
		return err;
	for (;;) {
		err = take_message(h, &r->hdr, r->payload);
		if (err < 0)
			return err;
		if (err == 0) {
			int left = h->timeout_ms ? (int)(end - now_ms()) : -1;

			/* no reply in time: it may still come, after the next
			 * request, so the stream is given up */
			err = h->timeout_ms && left <= 0 ? -ETIMEDOUT : fill(h, left);
			if (err == -ETIMEDOUT)
				return xsc_fail(h, err);
			if (err)
				return err;
			continue;
		}
		if (r->hdr.type != XS_WATCH_EVENT) {
			int derr;

			err = check_reply(h, &req, r);
			/* events right behind the reply must show on xsc_fileno */
			derr = h->broken ? 0 : drain(h);
			return derr ? derr : err;
		}
		err = xsc_queue_event(h, r->payload, r->hdr.len);
		if (err)
			return err;
	}
}

int xsc_request_strs(struct xsc *h, uint32_t type, uint32_t tx, const char *const strs[],
		     struct xsc_reply *r)
{
	struct iovec iov[7];
	int n = 0;

	for (; strs[n]; n++) {
		if (n == 7)
			return -EINVAL;
		iov[n] = (struct iovec){ (void *)strs[n], strlen(strs[n]) + 1 };
	}
	return xsc_request(h, type, tx, iov, n, r);
}

int xsc_expect_ok(struct xsc *h, const struct xsc_reply *r)
{
	if (r->hdr.len != 3 || memcmp(r->payload, "OK", 3) != 0)
		return xsc_fail(h, -EBADMSG);
	return 0;
}

int xsc_pump(struct xsc *h, int timeout_ms)
{
	int err;

	if (h->broken)
		return -EPIPE;
	err = fill(h, timeout_ms);
	return err ? err : drain(h);
}
