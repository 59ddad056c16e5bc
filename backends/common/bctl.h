/* bctl.h: the backend control socket (pvabi/backend_ctl.h): the server a
 * backend daemon runs on its libuv loop (bctl_server.c), the blocking
 * client hospesd uses (bctl_client.c) and the line format both share
 * (bctl_proto.c, pure and unit-tested). */
#ifndef HOSPES_BCTL_H
#define HOSPES_BCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pvabi/backend_ctl.h>

/* One reply line being built. An overflow is remembered: the line is then
 * replaced by an error (bctl_line_end returns -E2BIG). */
struct bctl_line {
	char buf[BCTL_LINE_MAX];
	size_t len;
	bool overflow;
};

enum bctl_cmd { BCTL_STATUS = 1, BCTL_DEVICES };

/* bctl_proto.c */
/* A request line (without its '\n'): the command, or -EINVAL. */
int bctl_parse_request(const char *line, size_t len);
void bctl_line_start(struct bctl_line *l, const char *word);
/* Appends " key=value" with value escaped (NULL or "" is written "-"). */
void bctl_line_put(struct bctl_line *l, const char *key, const char *value);
void bctl_line_putu(struct bctl_line *l, const char *key, uint64_t v);
/* Appends the '\n'; 0 or -E2BIG. */
int bctl_line_end(struct bctl_line *l);
/* A reply line's value for key, unescaped into out (NUL-terminated).
 * 0, -ENOENT (no such key), -EINVAL (bad escape) or -E2BIG (out too
 * small). line may end in '\n' or NUL. */
int bctl_line_get(const char *line, const char *key, char *out, size_t outlen);
/* The same as a number <= UINT64_MAX; -ENOENT or -EINVAL. */
int bctl_line_getu(const char *line, const char *key, uint64_t *v);
/* Whether line's first word is word. */
bool bctl_line_is(const char *line, const char *word);

/* bctl_server.c: serving the socket (libuv). Used by the daemons that
 * run backends/common's xbb loop: every device xbb follows is listed. */
struct xbb_dev;
struct bctl_config {
	const char *name; /* "hospes-blkback" */
	/* Adds the device class's counters to a device's "dev" line with
	 * bctl_line_putu; may be NULL. */
	void (*counters)(struct xbb_dev *d, struct bctl_line *l);
};
struct uv_loop_s;
/* Listens on path (an existing socket file is replaced). 0 or -errno
 * (logged). cfg must stay valid until bctl_stop. */
int bctl_start(struct uv_loop_s *loop, const char *path, const struct bctl_config *cfg);
/* Closes the listener and every client; removes the socket file. */
void bctl_stop(void);

/* bctl_client.c: a blocking client (hospesd, tests). */
struct bctl_status {
	char name[64];
	unsigned version;
	unsigned devices;
};
/* Sends cmd and reads the whole reply (every line up to and including the
 * "ok"/"err" line) into a malloc'd NUL-terminated *reply, within
 * timeout_ms in all. 0 or -errno (-ETIMEDOUT, -ECONNREFUSED, -EPROTO for
 * a malformed reply, ...). */
int bctl_query(const char *path, const char *cmd, int timeout_ms, char **reply);
/* "status": 0 with *st filled, -EPROTO if the reply is not "ok", -errno. */
int bctl_get_status(const char *path, int timeout_ms, struct bctl_status *st);

#endif
