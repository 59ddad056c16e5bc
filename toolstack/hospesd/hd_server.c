/* hd_server.c: the JSON-RPC socket: accept (with the SO_PEERCRED check),
 * newline framing with a size limit, queued non-blocking writes. A slow or
 * hostile client can only hurt its own connection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd.h"
#include "hd_conn.h"
#include "rpc.h"

static uv_pipe_t server;
static unsigned next_conn_id = 1;

static void on_closed(uv_handle_t *h)
{
	struct hd_conn *c = h->data;

	rpc_linebuf_free(&c->lb);
	free(c);
}

static void conn_close(struct hd_conn *c)
{
	struct hd_conn **pp;

	if (c->closing)
		return;
	c->closing = true;
	for (pp = &hd.conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	hd_store_unwatch_conn(c->id);
	uv_close((uv_handle_t *)&c->pipe, on_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct hd_conn *c = req->data;

	free(req);
	c->closing = false; /* let conn_close run once */
	conn_close(c);
}

/* Flushes what is queued, then closes. */
static void conn_close_after_flush(struct hd_conn *c)
{
	uv_shutdown_t *req = malloc(sizeof(*req));

	if (c->closing)
		return;
	uv_read_stop((uv_stream_t *)&c->pipe);
	if (!req || uv_shutdown(req, (uv_stream_t *)&c->pipe, on_shutdown)) {
		free(req);
		conn_close(c);
		return;
	}
	req->data = c;
	c->closing = true;
}

struct wreq {
	uv_write_t req;
	struct hd_conn *c;
	size_t len;
	char *buf;
};

static void on_written(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;

	w->c->queued -= w->len;
	free(w->buf);
	free(w);
}

void hd_conn_send(struct hd_conn *c, json_object *msg)
{
	struct wreq *w;
	uv_buf_t b;

	if (c->closing)
		return;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->buf = rpc_serialize(msg, &w->len))) {
		free(w);
		conn_close(c);
		return;
	}
	if (c->queued + w->len > HD_MAX_QUEUED) {
		hd_log(-1, "client %u (pid %d): %zu bytes of replies unread, disconnecting", c->id,
		       (int)c->pid, c->queued);
		free(w->buf);
		free(w);
		conn_close(c);
		return;
	}
	w->c = c;
	b = uv_buf_init(w->buf, (unsigned)w->len);
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, on_written)) {
		free(w->buf);
		free(w);
		conn_close(c);
		return;
	}
	c->queued += w->len;
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	static char slab[65536];

	buf->base = slab;
	buf->len = sizeof(slab);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct hd_conn *c = s->data;
	char *line;
	int r;

	if (n < 0) {
		conn_close(c);
		return;
	}
	if (rpc_linebuf_feed(&c->lb, buf->base, (size_t)n) == -E2BIG)
		goto too_big;
	while (!c->closing && (r = rpc_linebuf_take(&c->lb, &line)) != 0) {
		json_object *reply;

		if (r < 0)
			goto too_big;
		reply = hd_dispatch_line(c, line);
		free(line);
		if (reply) {
			hd_conn_send(c, reply);
			json_object_put(reply);
		}
	}
	return;
too_big: {
	json_object *e = rpc_error(NULL, RPC_INVALID_REQUEST, "request larger than 65536 bytes", NULL);

	hd_log(-1, "client %u (pid %d): oversized request, closing", c->id, (int)c->pid);
	hd_conn_send(c, e);
	json_object_put(e);
	conn_close_after_flush(c);
}
}

static void on_connection(uv_stream_t *srv, int status)
{
	struct hd_conn *c;
	uv_os_fd_t fd;

	if (status < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	uv_pipe_init(hd.loop, &c->pipe, 0);
	c->pipe.data = c;
	c->id = next_conn_id++;
	rpc_linebuf_init(&c->lb);
	if (uv_accept(srv, (uv_stream_t *)&c->pipe)) {
		uv_close((uv_handle_t *)&c->pipe, on_closed);
		return;
	}
	c->next = hd.conns;
	hd.conns = c;
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) || hd_auth_peer(fd, &c->uid, &c->pid)) {
		json_object *e = rpc_error(NULL, RPC_OP_FAILED,
					   "permission denied: root or the hospesd group only", NULL);

		hd_log(-1, "refused pid %d uid %u: not root nor in group %s", (int)c->pid,
		       (unsigned)c->uid, hd.group);
		hd_conn_send(c, e);
		json_object_put(e);
		conn_close_after_flush(c);
		return;
	}
	uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

int hd_server_probe(void)
{
	struct rpc_client *probe;

	if (rpc_client_connect(hd.socket, &probe) == 0) {
		rpc_client_close(probe);
		hd_log(-1, "%s: another hospesd is serving it", hd.socket);
		return -EADDRINUSE;
	}
	return 0;
}

int hd_server_start(void)
{
	int r;

	if (!strcmp(hd.socket, RPC_DEFAULT_SOCKET))
		mkdir("/run/hospes", 0755); /* the default's directory may not exist yet */
	/* A stale socket from a dead hospesd is replaced; a live one is not. */
	if (access(hd.socket, F_OK) == 0) {
		if (hd_server_probe())
			return -EADDRINUSE;
		unlink(hd.socket);
	}
	uv_pipe_init(hd.loop, &server, 0);
	r = uv_pipe_bind(&server, hd.socket);
	if (!r)
		r = uv_listen((uv_stream_t *)&server, 64, on_connection);
	if (r) {
		hd_log(-1, "%s: %s", hd.socket, uv_strerror(r));
		return r;
	}
	/* Anyone may connect; the SO_PEERCRED check at accept decides (and
	 * tells the refused why, instead of a bare EACCES). */
	chmod(hd.socket, 0666);
	return 0;
}

void hd_server_stop(void)
{
	while (hd.conns)
		conn_close(hd.conns);
	if (!uv_is_closing((uv_handle_t *)&server))
		uv_close((uv_handle_t *)&server, NULL);
	unlink(hd.socket);
}
