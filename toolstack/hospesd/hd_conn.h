/* hd_conn.h: a client connection of hospesd (private to hd_server.c and
 * hd_events.c). */
#ifndef HOSPES_HD_CONN_H
#define HOSPES_HD_CONN_H

#include "hd.h"
#include "rpc.h"

/* Replies a client lets pile up before it is dropped. */
#define HD_MAX_QUEUED (1024 * 1024)

struct hd_conn {
	uv_pipe_t pipe;
	struct hd_conn *next;
	unsigned id;
	uid_t uid;
	pid_t pid;
	struct rpc_linebuf lb;
	size_t queued;
	bool subscribed, closing;
};

#endif
