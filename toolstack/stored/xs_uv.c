/* xs_uv.c: the UNIX-socket transport on libuv: accepts dom0 clients, feeds
 * their bytes to the framing code, queues replies and events. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "xs_uv.h"

/* A client that lets this much output pile up unread is dropped rather
 * than allowed to grow the daemon without bound. */
#define XS_UV_MAX_QUEUED (16u << 20)

struct xs_client {
	uv_pipe_t pipe;
	struct xs_conn conn;
	char rbuf[65536];
};

struct xs_wreq {
	uv_write_t req;
	char data[];
};

static void on_closed(uv_handle_t *h)
{
	struct xs_client *cl = h->data;

	xs_conn_fini(&cl->conn);
	free(cl);
}

static void client_close(struct xs_client *cl)
{
	cl->conn.dead = true;
	if (!uv_is_closing((uv_handle_t *)&cl->pipe))
		uv_close((uv_handle_t *)&cl->pipe, on_closed);
}

static void on_written(uv_write_t *req, int status)
{
	struct xs_client *cl = req->handle->data;

	if (status < 0 && status != UV_ECANCELED) {
		xs_log(cl->conn.name, "write failed: %s", uv_strerror(status));
		client_close(cl);
	}
	free(req);
}

static void uv_send(struct xs_conn *c, const struct xsd_sockmsg *h, const void *payload)
{
	struct xs_client *cl = c->transport;
	size_t n = sizeof(*h) + h->len;
	struct xs_wreq *w;
	uv_buf_t b;

	if (c->dead || uv_is_closing((uv_handle_t *)&cl->pipe))
		return;
	if (cl->pipe.write_queue_size > XS_UV_MAX_QUEUED) {
		xs_log(c->name, "peer does not read its replies, disconnecting");
		client_close(cl);
		return;
	}
	w = malloc(sizeof(*w) + n);
	if (!w) {
		client_close(cl);
		return;
	}
	memcpy(w->data, h, sizeof(*h));
	if (h->len)
		memcpy(w->data + sizeof(*h), payload, h->len);
	b = uv_buf_init(w->data, (unsigned)n);
	if (uv_write(&w->req, (uv_stream_t *)&cl->pipe, &b, 1, on_written) < 0) {
		free(w);
		client_close(cl);
	}
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct xs_client *cl = h->data;

	*buf = uv_buf_init(cl->rbuf, sizeof(cl->rbuf));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct xs_client *cl = s->data;

	if (n < 0) {
		if (n != UV_EOF)
			xs_log(cl->conn.name, "read failed: %s", uv_strerror((int)n));
		client_close(cl);
		return;
	}
	if (n > 0 && !xs_conn_feed(&cl->conn, buf->base, (size_t)n))
		client_close(cl);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct xs_client *cl;

	if (status < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return;
	uv_pipe_init(server->loop, &cl->pipe, 0);
	cl->pipe.data = cl;
	/* Socket clients are dom0 and privileged, as with Xen's daemons. */
	xs_conn_init(&cl->conn, 0, true, uv_send, cl);
	if (uv_accept(server, (uv_stream_t *)&cl->pipe) < 0 ||
	    uv_read_start((uv_stream_t *)&cl->pipe, on_alloc, on_read) < 0) {
		client_close(cl);
		return;
	}
}

int xs_uv_listen(uv_loop_t *loop, uv_pipe_t *server, const char *path)
{
	int r;

	uv_pipe_init(loop, server, 0);
	r = uv_pipe_bind(server, path);
	if (r == 0)
		r = uv_listen((uv_stream_t *)server, 64, on_connection);
	if (r < 0)
		xs_log(NULL, "cannot listen on %s: %s", path, uv_strerror(r));
	return r;
}

static void close_one(uv_handle_t *h, void *arg)
{
	if (uv_is_closing(h))
		return;
	if (h->type == UV_NAMED_PIPE && h != arg && h->data) {
		client_close(h->data);
		return;
	}
	uv_close(h, NULL);
}

void xs_uv_close_all(uv_loop_t *loop, uv_pipe_t *server)
{
	uv_walk(loop, close_one, server);
}
