/* cons.h: hospes-consoled's shared state: served domains (cons_dom.c),
 * attached clients (cons_client.c), xenstore discovery (cons_xs.c) and the
 * client frame parser (cons_proto.c). One libuv loop, one thread. */
#ifndef HOSPES_CONS_H
#define HOSPES_CONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include <pvabi/console_ring.h>
#include <pvabi/consoled.h>

#include "cons_proto.h"
#include "xbb_log.h"

/* Output queued to one client beyond cons_client_buffer (--client-buffer,
 * default below; also the socket's send buffer): the client is too slow
 * and is dropped (it never holds up the guest or other clients). */
#define CONS_CLIENT_BUFFER_DEFAULT (256u * 1024u)
#define CONS_CLIENT_BUFFER_MIN 4096u
/* Client input waiting for room in a domain's `in` ring; clients stop
 * being read while it is full (flow control). */
#define CONS_INPUT_MAX 4096u

struct cons_dom {
	struct cons_dom *next;
	unsigned domid;
	volatile struct xencons_interface *ring; /* the mapped guest page */
	int notify_fd, kick_fd; /* dom0 endpoint of the console port */
	int log_fd;             /* <state-dir>/console-<domid>.log, append */
	uv_poll_t poll;         /* notify_fd */
	uint32_t out_cons;      /* the out_cons we last published (ours, not the page's) */
	uint32_t in_prod;       /* the in_prod we last published */
	uint32_t kick_cons;     /* out_cons when we last kicked (see pump_out) */
	uint8_t input[CONS_INPUT_MAX];
	size_t input_len;
};

struct cons_client {
	uv_pipe_t pipe;
	struct cons_client *next;
	struct cons_dom *dom; /* NULL until attached */
	bool reading;         /* uv_read_start active */
	bool finished;        /* final status sent: nothing more is read */
	bool closing;
	size_t rlen;
	uint8_t rbuf[CONS_FRAME_MAX];
};

extern uv_loop_t *cons_loop;
extern const char *cons_state_dir, *cons_hv_socket, *cons_xs_socket;
extern size_t cons_client_buffer;
/* cons_auth.c: --group NAME (NULL: owner and root only) */
extern const char *cons_group;
int cons_auth_init(void);
int cons_auth_socket(const char *path);
/* 0 if the peer of fd may attach, else -EACCES (logged). */
int cons_auth_peer(int fd);


/* cons_dom.c */
struct cons_dom *cons_dom_find(unsigned domid);
/* Checks gfn/port against hospes-hv's record of the domain's console,
 * maps the page, binds the port, opens the log and starts pumping.
 * 0 or -errno (logged). */
int cons_dom_attach(unsigned domid, uint64_t gfn, unsigned port);

/* cons_ring.c */
/* Moves pending output to the log and clients and pending input into
 * the ring; on impossible indices drops the domain (-EPROTO). */
void cons_dom_pump(struct cons_dom *d);
/* Takes up to n input bytes from a client; returns how many fit. */
size_t cons_dom_input(struct cons_dom *d, const uint8_t *buf, size_t n);
/* The last output to log and clients (no kick, no input). */
void cons_dom_drain(struct cons_dom *d);
/* Makes the guest's console port pending. */
void cons_dom_kick(struct cons_dom *d);
/* Stops serving d: last output drained (unless status is -EPROTO),
 * clients told status and closed, log closed, d freed. */
void cons_dom_drop(struct cons_dom *d, int status, const char *why);
/* Drops every served domain that hospes-hv reports ended or gone. */
void cons_dom_check_alive(void);
/* 1 if the domain was dropped and must not be served again until it is
 * gone from xenstore (cons_dom_forget). */
bool cons_dom_is_retired(unsigned domid);
void cons_dom_forget_missing(const unsigned *present, unsigned n);
void cons_dom_drop_all(void);

/* cons_client.c */
int cons_client_listen(const char *path);
void cons_client_broadcast(struct cons_dom *d, const uint8_t *buf, size_t n);
void cons_client_domain_gone(struct cons_dom *d, int status);
/* Input room appeared in d: resume clients that were paused. */
void cons_client_resume(struct cons_dom *d);
void cons_client_close_all(void);

/* cons_xs.c */
int cons_xs_start(void);
/* Reads /local/domain/<domid>/console and attaches if it is offered. */
int cons_xs_try(unsigned domid);
void cons_xs_stop(void);
void cons_xs_close(void); /* after the loop ended */

#endif
