/* xsclient.h: libxsclient, a synchronous xenstore client for dom0 programs
 * (toolstack, tests, benchmarks) speaking the socket protocol of xs_wire.h.
 *
 * Every call returns 0 or a negative errno. A daemon's error reply is mapped
 * from its name ("ENOENT" -> -ENOENT; unknown names -> -EINVAL); a reply
 * that breaks the protocol (wrong type, request id, length or missing NUL)
 * gives -EBADMSG and the handle is then unusable (-EPIPE), because the byte
 * stream can no longer be trusted to be in step. A handle is not
 * thread-safe: use one per thread. Watch events that arrive while a call
 * waits for its reply are queued in order and never dropped. */
#ifndef HOSPES_XSCLIENT_H
#define HOSPES_XSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xsc;

/* The socket a client should use: path if not NULL, else $XENSTORED_PATH if
 * set and non-empty, else XS_DEFAULT_SOCKET. */
const char *xsc_socket_path(const char *path);

/* Connects to xsc_socket_path(path). */
int xsc_open(const char *path, struct xsc **out);
/* The same, with every request bounded: the connect and each request
 * wait at most timeout_ms (0: no bound) for the daemon. A request that
 * runs out returns -ETIMEDOUT and breaks the handle (later calls: -EPIPE),
 * because its reply may still come and be taken for the next one's. */
int xsc_open_timeout(const char *path, unsigned timeout_ms, struct xsc **out);
/* 0 while the handle is usable, else the error that broke it (every call
 * now returns -EPIPE): -ETIMEDOUT for a timed-out request, -EBADMSG for a
 * reply out of step, -EPIPE for the daemon gone, ... */
int xsc_broken(const struct xsc *h);
/* Uses an already connected stream socket (tests, inherited fds); the
 * handle owns fd from then on, also on failure. */
int xsc_open_fd(int fd, struct xsc **out);
void xsc_close(struct xsc *h);

/* "No such file or directory"-style text for a negative errno. */
const char *xsc_strerror(int err);

/* Nodes. tx is a transaction id from xsc_transaction_start, or 0. */
/* *val is malloc'd, NUL-terminated (len excludes the NUL); free() it. */
int xsc_read(struct xsc *h, uint32_t tx, const char *path, char **val, size_t *len);
int xsc_write(struct xsc *h, uint32_t tx, const char *path, const void *val, size_t len);
int xsc_write_str(struct xsc *h, uint32_t tx, const char *path, const char *val);
int xsc_mkdir(struct xsc *h, uint32_t tx, const char *path);
int xsc_rm(struct xsc *h, uint32_t tx, const char *path);
/* *names is one malloc'd block (array then strings, NULL-terminated);
 * free(*names) releases everything. */
int xsc_directory(struct xsc *h, uint32_t tx, const char *path, char ***names, unsigned *n);

/* Permissions: the first entry is the owner and the default for others. */
enum xsc_access { XSC_NONE = 'n', XSC_READ = 'r', XSC_WRITE = 'w', XSC_BOTH = 'b' };
struct xsc_perm {
	uint32_t domid;
	char access; /* enum xsc_access */
};
/* "r5" <-> {5, 'r'}. parse: -EINVAL on anything else (empty, bad letter,
 * non-decimal, > UINT32_MAX). format: -ENOSPC if buf is too short. */
int xsc_perm_parse(const char *s, struct xsc_perm *p);
int xsc_perm_format(const struct xsc_perm *p, char *buf, size_t len);
/* *perms is malloc'd; free() it. */
int xsc_get_perms(struct xsc *h, uint32_t tx, const char *path, struct xsc_perm **perms,
		  unsigned *n);
int xsc_set_perms(struct xsc *h, uint32_t tx, const char *path, const struct xsc_perm *perms,
		  unsigned n);

/* Transactions. xsc_transaction_end returns -EAGAIN when a commit lost a
 * race: the caller redoes the whole transaction (new start) or gives up. */
int xsc_transaction_start(struct xsc *h, uint32_t *tx);
int xsc_transaction_end(struct xsc *h, uint32_t tx, bool commit);

/* Watches. The daemon fires each new watch once at once (path = the
 * watched path). cb may be NULL: its events are then only returned by
 * xsc_read_watch. With a cb, xsc_dispatch calls it for each event whose
 * token matches. path and token are valid only during the call. */
typedef void (*xsc_watch_cb)(void *arg, const char *path, const char *token);
int xsc_watch(struct xsc *h, const char *path, const char *token, xsc_watch_cb cb, void *arg);
int xsc_unwatch(struct xsc *h, const char *path, const char *token);

struct xsc_event {
	char *path, *token; /* inside the same allocation; free(ev) */
};
/* A file descriptor that polls readable while an event may be waiting
 * (queued, or bytes on the socket). Owned by the handle. */
int xsc_fileno(struct xsc *h);
/* Next event without a callback, waiting up to timeout_ms (-1: forever,
 * 0: don't wait); -ETIMEDOUT if none came. free() the result. */
int xsc_read_watch(struct xsc *h, struct xsc_event **ev, int timeout_ms);
/* Calls the callbacks of queued events and of those arriving within
 * timeout_ms; returns how many were called, or a negative errno. */
int xsc_dispatch(struct xsc *h, int timeout_ms);

/* Domains (privileged, for the toolstack). */
int xsc_get_domain_path(struct xsc *h, uint32_t domid, char **path);
int xsc_introduce(struct xsc *h, uint32_t domid, uint64_t gfn, uint32_t port);
int xsc_release(struct xsc *h, uint32_t domid);
int xsc_is_introduced(struct xsc *h, uint32_t domid, bool *yes);

#endif
