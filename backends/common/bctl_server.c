/* bctl_server.c: a backend daemon's control socket (backend_ctl.h) on its
 * libuv loop: root peers only (SO_PEERCRED), bounded requests, replies
 * queued without blocking, a client that stops reading is dropped. The
 * devices listed are the ones backends/common's xbb follows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bctl.h"
#include "xbb.h"

struct client {
	uv_pipe_t pipe;
	struct client *next;
	char in[BCTL_REQ_MAX]; /* the request line so far, no '\n' */
	size_t inlen;
	size_t queued; /* reply bytes not yet written */
	bool closing;
	char rbuf[256];
};

struct out {
	uv_write_t req;
	struct client *c;
	size_t len;
	char data[];
};

static uv_pipe_t server;
static bool listening;
static char sock_path[108];
static const struct bctl_config *config;
static struct client *clients;
static unsigned nclients;

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

static void client_close(struct client *c)
{
	if (c->closing)
		return;
	c->closing = true;
	for (struct client **pp = &clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	nclients--;
	uv_close((uv_handle_t *)&c->pipe, on_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct client *c = req->data;

	free(req);
	client_close(c);
}

/* Lets queued replies go out, then closes. */
static void client_close_after_flush(struct client *c)
{
	uv_shutdown_t *req;

	if (c->closing)
		return;
	uv_read_stop((uv_stream_t *)&c->pipe);
	req = malloc(sizeof(*req));
	if (!req || uv_shutdown(req, (uv_stream_t *)&c->pipe, on_shutdown)) {
		free(req);
		client_close(c);
		return;
	}
	req->data = c;
}

static void on_written(uv_write_t *req, int status)
{
	struct out *o = req->data;

	o->c->queued -= o->len;
	free(o);
}

static void send_bytes(struct client *c, const char *data, size_t len)
{
	struct out *o;
	uv_buf_t b;

	if (c->closing)
		return;
	if (c->queued + len > BCTL_QUEUE_MAX) {
		xbb_log(-1, "control: a client does not read its replies; dropped");
		client_close(c);
		return;
	}
	o = malloc(sizeof(*o) + len);
	if (!o) {
		client_close(c);
		return;
	}
	memcpy(o->data, data, len);
	o->len = len;
	o->c = c;
	o->req.data = o;
	b = uv_buf_init(o->data, (unsigned)len);
	if (uv_write(&o->req, (uv_stream_t *)&c->pipe, &b, 1, on_written)) {
		free(o);
		client_close(c);
		return;
	}
	c->queued += len;
}

static void send_line(struct client *c, struct bctl_line *l)
{
	if (bctl_line_end(l) < 0) {
		bctl_line_start(l, BCTL_ERR);
		bctl_line_put(l, BCTL_KEY_ERRNO, "E2BIG");
		bctl_line_put(l, BCTL_KEY_MESSAGE, "reply line too long");
		bctl_line_end(l);
	}
	send_bytes(c, l->buf, l->len);
}

static void send_error(struct client *c, const char *err, const char *message)
{
	struct bctl_line l;

	bctl_line_start(&l, BCTL_ERR);
	bctl_line_put(&l, BCTL_KEY_ERRNO, err);
	bctl_line_put(&l, BCTL_KEY_MESSAGE, message);
	send_line(c, &l);
}

static unsigned count_devices(void)
{
	unsigned n = 0;

	for (struct xbb_dev *d = xbb_devices(); d; d = d->next)
		n++;
	return n;
}

static void reply_devices(struct client *c)
{
	struct bctl_line l;
	unsigned n = 0;

	for (struct xbb_dev *d = xbb_devices(); d; d = d->next, n++) {
		bctl_line_start(&l, BCTL_DEV);
		bctl_line_putu(&l, BCTL_KEY_DOMID, d->domid);
		bctl_line_putu(&l, BCTL_KEY_DEVID, d->devid);
		bctl_line_putu(&l, BCTL_KEY_STATE, (uint64_t)(d->state < 0 ? 0 : d->state));
		bctl_line_putu(&l, BCTL_KEY_CONNECTED, d->connected);
		bctl_line_put(&l, BCTL_KEY_ERROR, d->error);
		if (config->counters)
			config->counters(d, &l);
		send_line(c, &l);
	}
	bctl_line_start(&l, BCTL_OK);
	bctl_line_putu(&l, BCTL_KEY_DEVICES, n);
	send_line(c, &l);
}

static void handle(struct client *c, const char *line, size_t len)
{
	struct bctl_line l;

	switch (bctl_parse_request(line, len)) {
	case BCTL_STATUS:
		bctl_line_start(&l, BCTL_OK);
		bctl_line_put(&l, BCTL_KEY_NAME, config->name);
		bctl_line_putu(&l, BCTL_KEY_VERSION, BCTL_VERSION);
		bctl_line_putu(&l, BCTL_KEY_DEVICES, count_devices());
		send_line(c, &l);
		break;
	case BCTL_DEVICES:
		reply_devices(c);
		break;
	default:
		send_error(c, "EINVAL", "unknown command (status, devices)");
		break;
	}
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct client *c = h->data;

	*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct client *c = s->data;

	if (n < 0) {
		client_close(c);
		return;
	}
	for (ssize_t i = 0; i < n && !c->closing; i++) {
		char ch = buf->base[i];

		if (ch == '\n') {
			handle(c, c->in, c->inlen);
			c->inlen = 0;
		} else if (c->inlen + 1 >= sizeof(c->in)) {
			/* no '\n' within BCTL_REQ_MAX bytes: not a request */
			send_error(c, "E2BIG", "request too long");
			client_close_after_flush(c);
			return;
		} else {
			c->in[c->inlen++] = ch;
		}
	}
}

/* Root only: the devices and their guests are dom0's business. */
static bool peer_ok(struct client *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) || len != sizeof(cr)) {
		xbb_log(-1, "control: refused a client: no credentials");
		return false;
	}
	if (cr.uid != 0) {
		xbb_log(-1, "control: refused pid %d uid %u: not root", (int)cr.pid,
			(unsigned)cr.uid);
		return false;
	}
	return true;
}

static void on_connection(uv_stream_t *srv, int status)
{
	struct client *c;

	if (status < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c || uv_pipe_init(srv->loop, &c->pipe, 0)) {
		free(c);
		return;
	}
	c->pipe.data = c;
	c->next = clients;
	clients = c;
	nclients++;
	if (uv_accept(srv, (uv_stream_t *)&c->pipe) || !peer_ok(c)) {
		client_close(c);
		return;
	}
	if (nclients > BCTL_MAX_CLIENTS) {
		xbb_log(-1, "control: more than %d clients; one refused", BCTL_MAX_CLIENTS);
		client_close(c);
		return;
	}
	if (uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read))
		client_close(c);
}

int bctl_start(uv_loop_t *loop, const char *path, const struct bctl_config *cfg)
{
	int r;

	if (strlen(path) >= sizeof(sock_path)) {
		xbb_log(-1, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	config = cfg;
	snprintf(sock_path, sizeof(sock_path), "%s", path);
	unlink(path); /* a previous instance's; we are the one serving now */
	if ((r = uv_pipe_init(loop, &server, 0))) {
		xbb_log(-1, "control socket %s: %s", path, uv_strerror(r));
		return r;
	}
	if ((r = uv_pipe_bind(&server, path)) ||
	    (r = uv_listen((uv_stream_t *)&server, 16, on_connection))) {
		xbb_log(-1, "control socket %s: %s", path, uv_strerror(r));
		uv_close((uv_handle_t *)&server, NULL);
		return r;
	}
	chmod(path, 0600);
	listening = true;
	return 0;
}

void bctl_stop(void)
{
	if (!listening)
		return;
	listening = false;
	while (clients)
		client_close(clients);
	uv_close((uv_handle_t *)&server, NULL);
	unlink(sock_path);
}
