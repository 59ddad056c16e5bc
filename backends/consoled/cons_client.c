/* cons_client.c: clients on hospes-consoled's UNIX socket: attach to a
 * domain, get its output, send input. A client is dropped when it breaks
 * the protocol or falls cons_client_buffer bytes behind. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cons.h"

static uv_pipe_t server;
static struct cons_client *clients;

struct cons_wreq {
	uv_write_t req;
	uint8_t data[];
};

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

static void client_close(struct cons_client *c)
{
	struct cons_client **pp;

	if (c->closing)
		return;
	c->closing = true;
	for (pp = &clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	uv_close((uv_handle_t *)&c->pipe, on_closed);
}

static void on_written(uv_write_t *req, int status)
{
	free(req);
}

/* Queues one frame; drops the client when it is too far behind. */
static void send_frame(struct cons_client *c, uint32_t type, const void *p, size_t n)
{
	struct cons_wreq *w;
	uv_buf_t b;

	if (c->closing)
		return;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) + n > cons_client_buffer) {
		xbb_log(c->dom ? (int)c->dom->domid : -1, "client too slow: dropped");
		client_close(c);
		return;
	}
	if (!(w = malloc(sizeof(*w) + sizeof(struct consoled_hdr) + n))) {
		client_close(c);
		return;
	}
	b = uv_buf_init((char *)w->data, (unsigned)cons_frame_build(w->data, type, p, n));
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, on_written) < 0) {
		free(w);
		client_close(c);
	}
}

static void send_status(struct cons_client *c, int status)
{
	struct consoled_status s = { status, 0 };

	send_frame(c, CONSOLED_STATUS, &s, sizeof(s));
}

void cons_client_broadcast(struct cons_dom *d, const uint8_t *buf, size_t n)
{
	struct cons_client *c, *next;

	for (c = clients; c; c = next) {
		next = c->next;
		for (size_t off = 0; c->dom == d && off < n && !c->closing;
		     off += CONSOLED_MAX_PAYLOAD) {
			size_t k = n - off < CONSOLED_MAX_PAYLOAD ? n - off : CONSOLED_MAX_PAYLOAD;

			send_frame(c, CONSOLED_DATA, buf + off, k);
		}
	}
}

/* Status, then close once the status is written (uv_close flushes no
 * writes, so shut the write side down first). */
static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct cons_client *c = req->data;

	free(req);
	client_close(c);
}

static void finish(struct cons_client *c, int status)
{
	uv_shutdown_t *req = malloc(sizeof(*req));

	if (c->finished) {
		free(req);
		return;
	}
	c->finished = true;
	send_status(c, status);
	if (c->closing) {
		free(req);
		return;
	}
	c->dom = NULL;
	uv_read_stop((uv_stream_t *)&c->pipe);
	c->reading = false;
	if (!req || uv_shutdown(req, (uv_stream_t *)&c->pipe, on_shutdown) < 0) {
		free(req);
		client_close(c);
		return;
	}
	req->data = c;
}

void cons_client_domain_gone(struct cons_dom *d, int status)
{
	struct cons_client *c, *next;

	for (c = clients; c; c = next) {
		next = c->next;
		if (c->dom == d)
			finish(c, status);
	}
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct cons_client *c = h->data;

	*b = uv_buf_init((char *)c->rbuf + c->rlen, (unsigned)(sizeof(c->rbuf) - c->rlen));
}

/* Handles complete frames in rbuf. Stops (keeping the rest) when the
 * domain's input buffer is full: reading resumes in cons_client_resume. */
static void process(struct cons_client *c)
{
	size_t off = 0;

	while (!c->closing && !c->finished) {
		struct consoled_hdr h;
		const uint8_t *p = c->rbuf + off + sizeof(h);
		int n = cons_frame_parse(c->rbuf + off, c->rlen - off, &h), r;

		if (n == 0)
			break;
		if (n < 0 || (r = cons_frame_check_client(c->dom != NULL, &h, p)) < 0) {
			finish(c, n < 0 ? n : r);
			return;
		}
		if (h.type == CONSOLED_ATTACH) {
			struct consoled_attach a;

			memcpy(&a, p, sizeof(a));
			if (!cons_dom_find(a.domid) && !cons_dom_is_retired(a.domid))
				cons_xs_try(a.domid); /* maybe not seen yet */
			if (!(c->dom = cons_dom_find(a.domid))) {
				finish(c, -ESRCH);
				return;
			}
			send_status(c, 0);
		} else {
			size_t took = cons_dom_input(c->dom, p, h.len);

			if (took < h.len) {
				/* Keep the rest as a smaller DATA frame in place. */
				struct consoled_hdr rest = { CONSOLED_DATA, (uint32_t)(h.len - took) };

				off += took;
				memcpy(c->rbuf + off, &rest, sizeof(rest));
				uv_read_stop((uv_stream_t *)&c->pipe);
				c->reading = false;
				break;
			}
		}
		off += (size_t)n;
	}
	if (c->closing || c->finished)
		return;
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct cons_client *c = s->data;

	if (n < 0) {
		client_close(c);
		return;
	}
	c->rlen += (size_t)n;
	process(c);
}

void cons_client_resume(struct cons_dom *d)
{
	for (struct cons_client *c = clients; c; c = c->next) {
		if (c->dom != d || c->reading || c->closing || c->finished)
			continue;
		c->reading = true;
		uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
		process(c);
	}
}

static void on_connection(uv_stream_t *srv, int status)
{
	struct cons_client *c;

	if (status < 0 || !(c = calloc(1, sizeof(*c))))
		return;
	uv_pipe_init(cons_loop, &c->pipe, 0);
	c->pipe.data = c;
	if (uv_accept(srv, (uv_stream_t *)&c->pipe) < 0) {
		uv_close((uv_handle_t *)&c->pipe, on_closed);
		return;
	}
	/* The kernel's share of a slow client's backlog is bounded the same. */
	uv_send_buffer_size((uv_handle_t *)&c->pipe, &(int){ (int)cons_client_buffer });
	c->next = clients;
	clients = c;
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) < 0 || cons_auth_peer(fd) < 0) {
		finish(c, -EACCES); /* STATUS -EACCES, then closed */
		return;
	}
	c->reading = true;
	uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

int cons_client_listen(const char *path)
{
	int r;

	unlink(path);
	if ((r = uv_pipe_init(cons_loop, &server, 0)) < 0 ||
	    (r = uv_pipe_bind(&server, path)) < 0 ||
	    (r = uv_listen((uv_stream_t *)&server, 64, on_connection)) < 0)
		return r;
	/* Console access is dom0's: owner only, or --group's members too. */
	return cons_auth_socket(path);
}

void cons_client_close_all(void)
{
	while (clients)
		client_close(clients);
	if (!uv_is_closing((uv_handle_t *)&server))
		uv_close((uv_handle_t *)&server, NULL);
}
