/* xs_echo.h: the xenstore benchmark's baseline: a minimal single-threaded
 * UNIX-socket server answering each framed request with a reply of the
 * length the real daemon would send, and a bare client for it. */
#ifndef HOSPES_XS_ECHO_H
#define HOSPES_XS_ECHO_H

#include <stddef.h>
#include <stdint.h>

#include <pvabi/xs_wire.h>

/* Reply payload length per request type (set before starting). */
extern uint32_t xs_echo_reply_len[XS_TYPE_COUNT];

/* Listens on path and serves in a background thread. 0 or -errno. */
int xs_echo_start(const char *path);

/* A bare client: connect, then request/response with raw socket calls. */
int xs_echo_connect(const char *path);
int xs_echo_call(int fd, uint32_t type, const void *payload, uint32_t len);

#endif
