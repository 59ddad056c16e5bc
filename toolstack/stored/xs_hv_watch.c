/* xs_hv_watch.c: notices when an introduced domain shuts down or is gone
 * from hospes-hv, without threads or polling: an HVCTL_WAIT request stays
 * open on a control connection of its own (libuv reads the reply), and is
 * renewed with each new generation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvctl.h"
#include "hvctl_proto.h"
#include "xs_ring.h"

#define WAIT_REPLY_MAX (sizeof(struct hvctl_hdr) + sizeof(struct hvctl_dominfo))

struct xs_hv_watch {
	uv_pipe_t pipe;
	unsigned domid;
	void (*down)(unsigned domid);
	void (*gone)(unsigned domid);
	uint32_t req_id;
	bool was_down;
	uint32_t have;
	char buf[WAIT_REPLY_MAX] __attribute__((aligned(8))); /* read as hvctl structs */
};

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

void xs_hv_watch_stop(struct xs_hv_watch *w)
{
	if (w && !uv_is_closing((uv_handle_t *)&w->pipe))
		uv_close((uv_handle_t *)&w->pipe, on_closed);
}

/* Asks for the next state change after generation gen (~0u: at once). */
static int send_wait(struct xs_hv_watch *w, uint32_t gen)
{
	struct {
		struct hvctl_hdr h;
		struct hvctl_wait w;
	} msg = { { HVCTL_WAIT, sizeof(struct hvctl_wait), ++w->req_id, 0 },
		  { w->domid, gen, 0, 0 } };
	uv_buf_t b = uv_buf_init((char *)&msg, sizeof(msg));

	/* 32 bytes on a connection with nothing else queued: all or error. */
	return uv_try_write((uv_stream_t *)&w->pipe, &b, 1) == (int)sizeof(msg) ? 0 : -EIO;
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct xs_hv_watch *w = h->data;

	*buf = uv_buf_init(w->buf + w->have, (unsigned)(sizeof(w->buf) - w->have));
}

/* Ends the watch; gone() last, since it may free w through stop. */
static void finish(struct xs_hv_watch *w, bool gone, const char *why)
{
	void (*fn)(unsigned) = w->gone;
	unsigned domid = w->domid;

	if (why)
		xs_log(NULL, "dom%u: hypervisor watch ended: %s", domid, why);
	uv_read_stop((uv_stream_t *)&w->pipe);
	if (gone)
		fn(domid);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct xs_hv_watch *w = s->data;
	const struct hvctl_hdr *h = (const void *)w->buf;
	const struct hvctl_dominfo *info = (const void *)(w->buf + sizeof(*h));
	uint32_t hsz = sizeof(*h);

	if (n < 0) {
		/* hospes-hv went away, and its domains with it. */
		finish(w, true, n == UV_EOF ? "hypervisor closed the connection" : uv_strerror((int)n));
		return;
	}
	w->have += (uint32_t)n;
	if (w->have < hsz)
		return;
	if (h->length > sizeof(*info) || h->length < sizeof(struct hvctl_reply)) {
		finish(w, false, "malformed reply");
		return;
	}
	if (w->have < hsz + h->length)
		return;
	if (hvctl_check_reply(HVCTL_WAIT, w->req_id, h, info, 0) < 0) {
		finish(w, false, "malformed reply");
		return;
	}
	if (info->r.status == -ESRCH) {
		finish(w, true, NULL);
		return;
	}
	if (info->r.status) {
		finish(w, false, strerror(-info->r.status));
		return;
	}
	w->have = 0;
	if (info->state == HVCTL_STATE_DESTROYED || info->state == HVCTL_STATE_ERROR) {
		finish(w, true, NULL);
		return;
	}
	if ((info->state == HVCTL_STATE_SHUTDOWN || info->state == HVCTL_STATE_FAULT) &&
	    !w->was_down) {
		w->was_down = true;
		w->down(w->domid);
	}
	if (send_wait(w, info->generation) < 0)
		finish(w, false, "cannot renew the wait");
}

struct xs_hv_watch *xs_hv_watch_start(uv_loop_t *loop, unsigned domid,
				      void (*down)(unsigned domid), void (*gone)(unsigned domid))
{
	const char *path = hvctl_socket_path(xs_hv_socket);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct xs_hv_watch *w;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return NULL;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		xs_log(NULL, "dom%u: no hypervisor watch: %s", domid, strerror(errno));
		close(fd);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return NULL;
	}
	w->domid = domid;
	w->down = down;
	w->gone = gone;
	uv_pipe_init(loop, &w->pipe, 0);
	w->pipe.data = w;
	if (uv_pipe_open(&w->pipe, fd) < 0) {
		close(fd);
		uv_close((uv_handle_t *)&w->pipe, on_closed);
		return NULL;
	}
	if (send_wait(w, ~0u) < 0 ||
	    uv_read_start((uv_stream_t *)&w->pipe, on_alloc, on_read) < 0) {
		xs_log(NULL, "dom%u: no hypervisor watch", domid);
		uv_close((uv_handle_t *)&w->pipe, on_closed);
		return NULL;
	}
	return w;
}
