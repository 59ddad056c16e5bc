/* cons_attach.h: the client side of hospes-consoled's socket (attach to a
 * domain's console, then bytes both ways), for hospes-console, the
 * toolstack's console command and tests. Protocol: pvabi/consoled.h. */
#ifndef HOSPES_CONS_ATTACH_H
#define HOSPES_CONS_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "cons_proto.h"

struct cons_conn {
	int fd;
	int status; /* the daemon's final status once received, else 0 */
	size_t rlen;
	uint8_t rbuf[CONS_FRAME_MAX];
};

/* path if not NULL, else $HOSPES_CONSOLED_SOCKET if set, else the default. */
const char *cons_socket_path(const char *path);
/* Connects, attaches to domid and waits (up to timeout_ms) for the
 * daemon's answer: 0, the daemon's -errno (-ESRCH: no such console), or
 * a socket error. On error nothing stays open. */
int cons_attach(const char *path, uint32_t domid, int timeout_ms, struct cons_conn *c);
/* Sends n input bytes (split into frames). 0 or -errno. */
int cons_send(struct cons_conn *c, const void *buf, size_t n);
/* Without blocking: > 0 output bytes copied to out (max >=
 * CONSOLED_MAX_PAYLOAD), 0 = nothing complete yet (poll c->fd), or < 0:
 * the daemon's final status (-ESRCH the domain is gone, -EPROTO it was
 * dropped), -EPIPE when the daemon closed, -EPROTO for a bad frame. The
 * final status is kept: every later call returns it again (a caller that
 * stopped reading at some output still learns how the attachment ended). */
int cons_recv(struct cons_conn *c, void *out, size_t max);
void cons_close(struct cons_conn *c);

#endif
