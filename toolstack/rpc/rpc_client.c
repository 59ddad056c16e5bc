/* rpc_client.c: a blocking JSON-RPC client over hospesd's UNIX socket. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rpc.h"

struct rpc_client {
	int fd;
	int next_id;
	struct rpc_linebuf lb;
	/* Notifications read while waiting for a reply, oldest first. */
	json_object *pending;
};

int rpc_client_connect(const char *path, struct rpc_client **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct rpc_client *c;
	const char *p = rpc_socket_path(path);
	int fd;

	if (strlen(p) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, p);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = -errno;

		close(fd);
		return e;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->next_id = 1;
	c->pending = json_object_new_array();
	rpc_linebuf_init(&c->lb);
	*out = c;
	return 0;
}

void rpc_client_close(struct rpc_client *c)
{
	if (!c)
		return;
	close(c->fd);
	rpc_linebuf_free(&c->lb);
	json_object_put(c->pending);
	free(c);
}

int rpc_client_fd(struct rpc_client *c)
{
	return c->fd;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The next whole message, waiting up to timeout_ms (-1 forever). */
static int read_msg(struct rpc_client *c, json_object **msg, int timeout_ms)
{
	double end = now_ms() + timeout_ms;

	for (;;) {
		char *line, buf[8192];
		int r = rpc_linebuf_take(&c->lb, &line);
		ssize_t n;

		if (r < 0)
			return r;
		if (r == 1) {
			*msg = json_tokener_parse(line);
			free(line);
			if (!*msg || !json_object_is_type(*msg, json_type_object)) {
				json_object_put(*msg);
				return -EBADMSG;
			}
			return 0;
		}
		if (timeout_ms >= 0) {
			struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
			int left = (int)(end - now_ms());

			if (left < 0 || poll(&pfd, 1, left) == 0)
				return -ETIMEDOUT;
		}
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		r = rpc_linebuf_feed(&c->lb, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int rpc_client_call(struct rpc_client *c, const char *method, json_object *params,
		    json_object **reply)
{
	json_object *req = json_object_new_object(), *id;
	int my_id = c->next_id++, r;
	size_t len;
	char *line;

	json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(req, "method", json_object_new_string(method));
	if (params)
		json_object_object_add(req, "params", params);
	json_object_object_add(req, "id", json_object_new_int(my_id));
	line = rpc_serialize(req, &len);
	json_object_put(req);
	if (!line)
		return -ENOMEM;
	r = write_all(c->fd, line, len);
	free(line);
	if (r)
		return r;
	for (;;) {
		json_object *msg;

		r = read_msg(c, &msg, -1);
		if (r)
			return r;
		if (!json_object_object_get_ex(msg, "id", &id)) {
			json_object_array_add(c->pending, msg);
			continue;
		}
		if (json_object_is_type(id, json_type_int) && json_object_get_int(id) == my_id) {
			*reply = msg;
			return 0;
		}
		json_object_put(msg);
		return -EBADMSG;
	}
}

int rpc_client_next(struct rpc_client *c, json_object **msg, int timeout_ms)
{
	if (json_object_array_length(c->pending)) {
		*msg = json_object_get(json_object_array_get_idx(c->pending, 0));
		json_object_array_del_idx(c->pending, 0, 1);
		return 0;
	}
	return read_msg(c, msg, timeout_ms);
}
