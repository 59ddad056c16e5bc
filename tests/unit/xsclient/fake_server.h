/* fake_server.h: a scripted xenstore peer on a socketpair for the client
 * library's unit tests: the test queues replies (raw messages, sent in
 * chunks of any size) per expected request, the thread records what it got. */
#ifndef HOSPES_TEST_FAKE_SERVER_H
#define HOSPES_TEST_FAKE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <pvabi/xs_wire.h>

#include "xsclient.h"

#define FS_MAX_STEPS 16
#define FS_MAX_OUT 8

/* One message the server sends; req_id FS_ECHO means "the request's". */
#define FS_ECHO 0xffffffffu
#define FS_RAW (-2)
struct fs_msg {
	uint32_t type, req_id, tx_id;
	const char *payload;
	size_t len;          /* payload bytes */
	int32_t len_override; /* >= 0: header len field lies; FS_RAW: no header */
};

struct fs_step {
	struct fs_msg out[FS_MAX_OUT]; /* sent after the request is read */
	int nout;
	int close_after;               /* close the socket after sending */
	/* recorded */
	struct xsd_sockmsg got;
	char got_payload[XENSTORE_PAYLOAD_MAX];
};

struct fake_server {
	struct fs_step steps[FS_MAX_STEPS];
	int nsteps, done;
	size_t chunk;          /* bytes per write (1 = byte by byte) */
	struct fs_msg pre[FS_MAX_OUT]; /* sent before reading any request */
	int npre;
	int fd;
};

/* Creates the socketpair, starts the thread, returns the client handle. */
struct xsc *fs_start(struct fake_server *s);
/* Closes the client (may be NULL) and joins the thread. */
void fs_stop(struct fake_server *s, struct xsc *h);

/* Shorthands for scripting. */
struct fs_msg fs_reply(uint32_t type, const char *payload, size_t len);
struct fs_msg fs_event(const char *path, const char *token);
/* A new step: read one request, send reply. */
void fs_expect(struct fake_server *s, struct fs_msg reply);
/* One more message for the last step (before_reply: ahead of the others). */
void fs_also(struct fake_server *s, struct fs_msg m, int before_reply);

#endif
