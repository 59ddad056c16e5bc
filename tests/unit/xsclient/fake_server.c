/* fake_server.c: the scripted xenstore peer (see fake_server.h). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_server.h"

static pthread_t thread;

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t r = read(fd, (char *)buf + off, len - off);

		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

static void write_chunked(int fd, const void *buf, size_t len, size_t chunk)
{
	for (size_t off = 0; off < len;) {
		size_t n = len - off < chunk ? len - off : chunk;

		if (send(fd, (const char *)buf + off, n, MSG_NOSIGNAL) != (ssize_t)n)
			return;
		off += n;
		if (chunk < 16)
			usleep(200); /* make the client see each piece alone */
	}
}

static void send_msg(struct fake_server *s, const struct fs_msg *m, const struct xsd_sockmsg *req)
{
	char buf[sizeof(struct xsd_sockmsg) + 2 * XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h = {
		.type = m->type,
		.req_id = m->req_id == FS_ECHO ? (req ? req->req_id : 0) : m->req_id,
		.tx_id = m->tx_id == FS_ECHO ? (req ? req->tx_id : 0) : m->tx_id,
		.len = m->len_override >= 0 ? (uint32_t)m->len_override : (uint32_t)m->len,
	};

	if (m->len_override == FS_RAW) {
		write_chunked(s->fd, m->payload, m->len, s->chunk ? s->chunk : 65536);
		return;
	}
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), m->payload, m->len);
	write_chunked(s->fd, buf, sizeof(h) + m->len, s->chunk ? s->chunk : 65536);
}

static void *serve(void *arg)
{
	struct fake_server *s = arg;

	for (int i = 0; i < s->npre; i++)
		send_msg(s, &s->pre[i], NULL);
	for (; s->done < s->nsteps; s->done++) {
		struct fs_step *st = &s->steps[s->done];

		if (read_full(s->fd, &st->got, sizeof(st->got)) ||
		    st->got.len > sizeof(st->got_payload) ||
		    read_full(s->fd, st->got_payload, st->got.len))
			break;
		for (int i = 0; i < st->nout; i++)
			send_msg(s, &st->out[i], &st->got);
		if (st->close_after) {
			s->done++;
			break;
		}
	}
	shutdown(s->fd, SHUT_RDWR);
	return NULL;
}

struct xsc *fs_start(struct fake_server *s)
{
	int sv[2];
	struct xsc *h;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s->fd = sv[1];
	cr_assert_eq(xsc_open_fd(sv[0], &h), 0);
	cr_assert_eq(pthread_create(&thread, NULL, serve, s), 0);
	return h;
}

void fs_stop(struct fake_server *s, struct xsc *h)
{
	xsc_close(h); /* the server sees EOF if it still waits */
	pthread_join(thread, NULL);
	close(s->fd);
}

struct fs_msg fs_reply(uint32_t type, const char *payload, size_t len)
{
	return (struct fs_msg){ type, FS_ECHO, FS_ECHO, payload, len, -1 };
}

struct fs_msg fs_event(const char *path, const char *token)
{
	static char bufs[32][256];
	static int next;
	char *b = bufs[next++ % 32];
	size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

	memcpy(b, path, pl);
	memcpy(b + pl, token, tl);
	return (struct fs_msg){ XS_WATCH_EVENT, 0, 0, b, pl + tl, -1 };
}

void fs_expect(struct fake_server *s, struct fs_msg reply)
{
	struct fs_step *st = &s->steps[s->nsteps++];

	st->out[st->nout++] = reply;
}

void fs_also(struct fake_server *s, struct fs_msg m, int before_reply)
{
	struct fs_step *st = &s->steps[s->nsteps - 1];

	if (before_reply) {
		memmove(&st->out[1], &st->out[0], (size_t)st->nout * sizeof(st->out[0]));
		st->out[0] = m;
		st->nout++;
	} else {
		st->out[st->nout++] = m;
	}
}
