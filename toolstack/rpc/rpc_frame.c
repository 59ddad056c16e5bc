/* rpc_frame.c: newline framing and reply builders shared by server and client. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

void rpc_linebuf_init(struct rpc_linebuf *lb)
{
	memset(lb, 0, sizeof(*lb));
}

void rpc_linebuf_free(struct rpc_linebuf *lb)
{
	free(lb->buf);
	memset(lb, 0, sizeof(*lb));
}

int rpc_linebuf_feed(struct rpc_linebuf *lb, const char *data, size_t n)
{
	if (lb->overflow)
		return -E2BIG;
	if (lb->len + n + 1 > lb->cap) {
		size_t cap = lb->cap ? lb->cap : 4096;
		char *nb;

		while (cap < lb->len + n + 1)
			cap *= 2;
		nb = realloc(lb->buf, cap);
		if (!nb)
			return -ENOMEM;
		lb->buf = nb;
		lb->cap = cap;
	}
	memcpy(lb->buf + lb->len, data, n);
	lb->len += n;
	/* Only the unterminated tail counts against the limit: a peer may
	 * send many small lines in one burst. */
	char *nl = memrchr(lb->buf, '\n', lb->len);
	size_t tail = nl ? lb->len - (size_t)(nl + 1 - lb->buf) : lb->len;

	if (tail > RPC_MAX_LINE) {
		lb->overflow = 1;
		return -E2BIG;
	}
	return 0;
}

int rpc_linebuf_take(struct rpc_linebuf *lb, char **line)
{
	char *nl = lb->len ? memchr(lb->buf, '\n', lb->len) : NULL;
	size_t n;

	if (!nl)
		return 0;
	n = (size_t)(nl - lb->buf);
	if (n > RPC_MAX_LINE) {
		lb->overflow = 1;
		return -E2BIG;
	}
	*line = malloc(n + 1);
	if (!*line)
		return -ENOMEM;
	memcpy(*line, lb->buf, n);
	(*line)[n] = 0;
	memmove(lb->buf, nl + 1, lb->len - n - 1);
	lb->len -= n + 1;
	return 1;
}

const char *rpc_socket_path(const char *path)
{
	const char *env = getenv(RPC_SOCKET_ENV);

	if (path && *path)
		return path;
	return env && *env ? env : RPC_DEFAULT_SOCKET;
}

static json_object *envelope(json_object *id)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", id ? json_object_get(id) : NULL);
	return o;
}

json_object *rpc_result(json_object *id, json_object *result)
{
	json_object *o = envelope(id);

	json_object_object_add(o, "result", result ? result : json_object_new_object());
	return o;
}

json_object *rpc_error(json_object *id, int code, const char *message, json_object *data)
{
	json_object *o = envelope(id), *e = json_object_new_object();

	json_object_object_add(e, "code", json_object_new_int(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	if (data)
		json_object_object_add(e, "data", data);
	json_object_object_add(o, "error", e);
	return o;
}

char *rpc_serialize(json_object *v, size_t *len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(
		v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *out = malloc(n + 2);

	if (!out)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\n';
	out[n + 1] = 0;
	*len = n + 1;
	return out;
}
