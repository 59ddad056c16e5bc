/* rpc.h: the JSON-RPC 2.0 framing shared by hospesd and its clients.
 *
 * Framing: one JSON value per line ('\n'-terminated, UTF-8, no raw newline
 * inside a value, which JSON never needs). A request line longer than
 * RPC_MAX_LINE bytes is refused (error -32600, then the connection is
 * closed). See toolstack/API.md. */
#ifndef HOSPES_RPC_H
#define HOSPES_RPC_H

#include <stddef.h>

#include <json-c/json.h>

#define RPC_MAX_LINE (64 * 1024)
#define RPC_DEFAULT_SOCKET "/run/hospes/hospesd.sock"
#define RPC_SOCKET_ENV "HOSPES_SOCKET"

/* JSON-RPC 2.0 codes, then Hospes's own (-32000..-32099, API.md). */
enum rpc_code {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	RPC_OP_FAILED = -32000,    /* data.errno: the failing call's errno name */
	RPC_NO_DOMAIN = -32001,
	RPC_BAD_CONFIG = -32002,   /* data: {line, field} */
	RPC_UNAVAILABLE = -32003,  /* hospes-hv or hospes-stored not reachable */
	RPC_EXISTS = -32004,       /* a domain of that name exists */
};

/* An accumulating line buffer: feed bytes, take whole lines out. */
struct rpc_linebuf {
	char *buf;
	size_t len, cap;
	int overflow; /* a line grew past RPC_MAX_LINE */
};

void rpc_linebuf_init(struct rpc_linebuf *lb);
void rpc_linebuf_free(struct rpc_linebuf *lb);
/* Appends n bytes; 0, or -E2BIG once an unterminated line exceeds the
 * limit (the buffer is then useless), -ENOMEM. */
int rpc_linebuf_feed(struct rpc_linebuf *lb, const char *data, size_t n);
/* The next complete line (NUL-terminated, without '\n') copied into a
 * malloc'd string in *line; 1 if one was taken, 0 if none is complete. */
int rpc_linebuf_take(struct rpc_linebuf *lb, char **line);

/* The socket path: path, else $HOSPES_SOCKET, else RPC_DEFAULT_SOCKET. */
const char *rpc_socket_path(const char *path);

/* Builders of reply objects (the caller owns the result). id may be NULL
 * (JSON null). data may be NULL; ownership of result/data moves in. */
json_object *rpc_result(json_object *id, json_object *result);
json_object *rpc_error(json_object *id, int code, const char *message, json_object *data);
/* The serialized line of a value, with its '\n' (malloc'd, *len set). */
char *rpc_serialize(json_object *v, size_t *len);

/* A blocking client (the CLI, tests). */
struct rpc_client;
int rpc_client_connect(const char *path, struct rpc_client **out);
void rpc_client_close(struct rpc_client *c);
/* Sends {method, params (owned, may be NULL)} and waits for its reply;
 * notifications arriving meanwhile are dropped unless subscribed. Returns
 * 0 with *reply (owned by the caller: the whole reply object), or -errno
 * for a socket or protocol problem. */
int rpc_client_call(struct rpc_client *c, const char *method, json_object *params,
		    json_object **reply);
/* Next notification (a message without id), waiting up to timeout_ms
 * (-1 forever). 0 with *msg, -ETIMEDOUT, or -errno. */
int rpc_client_next(struct rpc_client *c, json_object **msg, int timeout_ms);
int rpc_client_fd(struct rpc_client *c);

#endif
