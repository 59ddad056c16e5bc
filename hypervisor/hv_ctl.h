/* hv_ctl.h: the daemon's control-socket server (hv_daemon.c event loop,
 * hv_ctl_conn.c connections, hv_ctl_ops.c operations, hv_ctl_dom.c its
 * domains). Everything here runs on the daemon's one event-loop thread. */
#ifndef HOSPES_HV_CTL_H
#define HOSPES_HV_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <pvabi/hvctl.h>

#include "hv_build.h"

struct gnttab_maptab;

/* What an epoll event belongs to (epoll data points at one of these). */
enum ctl_src_kind { CTL_SRC_LISTEN, CTL_SRC_SIGNAL, CTL_SRC_CONN, CTL_SRC_DOM };

struct ctl_src {
	enum ctl_src_kind kind;
};

/* A domain the daemon holds. */
struct ctl_dom {
	struct ctl_src src; /* CTL_SRC_DOM: its vCPU threads' done_fd */
	struct ctl_dom *next;
	struct hv_vm *vm;
	int console_fd;
	uint32_t generation;
	bool started, ended, destroying;
	uint32_t owner_uid, owner_pid;
};

/* A queued outgoing message (with the fds it passes, owned until sent). */
struct ctl_out {
	struct ctl_out *next;
	size_t len, off;
	int fds[HVCTL_MAX_FDS];
	unsigned nfds;
	uint8_t data[];
};

#define CTL_OUT_LIMIT (256u * 1024) /* queued reply bytes before we drop a client */

struct ctl_conn {
	struct ctl_src src; /* CTL_SRC_CONN */
	struct ctl_conn *next;
	int fd;
	uid_t uid;
	pid_t pid;
	bool dead;          /* close at the end of this loop turn */
	bool want_out;      /* EPOLLOUT is armed */
	bool bad_fds;       /* fds arrived with the current message */
	size_t in_len;
	uint8_t in[sizeof(struct hvctl_hdr) + HVCTL_MAX_PAYLOAD] __attribute__((aligned(8)));
	struct ctl_out *out, *out_tail;
	size_t out_bytes;
	/* Grant tables (hv_ctl_gnt.c): the grants this client mapped as
	 * dom0, NULL until its first GNT_MAP; released when it goes. */
	struct gnttab_maptab *gnt;
};

/* A client's pending HVCTL_WAIT. */
struct ctl_waiter {
	struct ctl_waiter *next;
	struct ctl_conn *conn;
	uint32_t request_id, domid, generation;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC, 0 = none */
};

struct hv_ctl {
	int epfd, lfd, sfd;
	const char *state_dir;
	struct ctl_src listen_src, signal_src;
	struct ctl_dom *doms;
	struct ctl_conn *conns;
	struct ctl_waiter *waiters;
	bool stopping;
};

/* hv_ctl_conn.c */
void ctl_conn_accept(struct hv_ctl *c);
void ctl_conn_event(struct hv_ctl *c, struct ctl_conn *k, uint32_t events);
/* Queues a reply; takes ownership of fds (closed if it cannot be sent). */
void ctl_conn_reply(struct hv_ctl *c, struct ctl_conn *k, uint32_t type, uint32_t id,
		    const void *payload, size_t len, const int *fds, unsigned nfds);
void ctl_conn_reply_status(struct hv_ctl *c, struct ctl_conn *k, uint32_t type, uint32_t id,
			   int status);
void ctl_conn_reap_dead(struct hv_ctl *c);
void ctl_conn_close_all(struct hv_ctl *c);

/* hv_ctl_ops.c: one complete, size-checked request. */
void ctl_ops_dispatch(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h,
		      const void *payload);

/* hv_ctl_gnt.c: grant requests (dom0 as a grantee) and the connection's
 * mappings at its end. */
void ctl_gnt_map(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h, const void *p);
void ctl_gnt_unmap(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h,
		   const void *p);
void ctl_gnt_copy(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h, const void *p);
void ctl_gnt_conn_free(struct ctl_conn *k);

/* hv_ctl_dom.c */
struct ctl_dom *ctl_dom_find(struct hv_ctl *c, uint32_t domid);
int ctl_dom_create(struct hv_ctl *c, const struct hvctl_create *req, const struct ctl_conn *k,
		   struct ctl_dom **out);
void ctl_dom_info(struct ctl_dom *d, struct hvctl_dominfo *info);
/* A state change: bump the generation and answer the matching waiters. */
void ctl_dom_changed(struct hv_ctl *c, struct ctl_dom *d);
/* Domain d's done_fd is readable. */
void ctl_dom_event(struct hv_ctl *c, struct ctl_dom *d);
int ctl_dom_destroy(struct hv_ctl *c, struct ctl_dom *d);
/* Waiters: expire those past their deadline; the next deadline (0 = none). */
uint64_t ctl_wait_expire(struct hv_ctl *c);
void ctl_wait_drop_conn(struct hv_ctl *c, struct ctl_conn *k);
/* SIGTERM: destroy every domain and wait for all of them. */
void ctl_dom_destroy_all(struct hv_ctl *c);

#endif
