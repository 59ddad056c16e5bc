/* xs.h: hospes-stored's internal interfaces: tree, permissions, watches,
 * transactions, domains, connections and the request dispatcher. */
#ifndef XS_H
#define XS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pvabi/xs_wire.h>

/* Errors are indices into Xen's error-name table (xs_err_name). */
enum xs_err {
	XS_OK = -1,
	XS_EINVAL = 0,
	XS_EACCES,
	XS_EEXIST,
	XS_EISDIR,
	XS_ENOENT,
	XS_ENOMEM,
	XS_ENOSPC,
	XS_EIO,
	XS_ENOTEMPTY,
	XS_ENOSYS,
	XS_EROFS,
	XS_EBUSY,
	XS_EAGAIN,
	XS_EISCONN,
	XS_E2BIG,
	XS_EPERM,
};
const char *xs_err_name(enum xs_err e);

/* ---- logging (xs_log.c) ---- */
void xs_log(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- paths (xs_path.c) ---- */
#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 64)
enum xs_err xs_path_canon(unsigned domid, const char *in, char *out, size_t outsz);
bool xs_path_is_special(const char *path);
bool xs_path_is_below(const char *path, const char *base); /* equal or below */
unsigned xs_path_depth_below(const char *path, const char *base);
const char *xs_path_relative(unsigned domid, const char *abs); /* NULL if not below home */

/* ---- permissions (xs_perm.c) ---- */
enum { XS_PERM_NONE = 0, XS_PERM_READ = 1, XS_PERM_WRITE = 2, XS_PERM_BOTH = 3 };
struct xs_perm {
	uint32_t domid;
	uint8_t perm; /* XS_PERM_* */
};
struct xs_perms {
	struct xs_perm *p; /* p[0]: owner + default for others */
	uint32_t n;
};
enum xs_err xs_perms_parse(const char *buf, size_t len, struct xs_perms *out);
size_t xs_perms_format(const struct xs_perms *ps, char *buf, size_t bufsz);
int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src);
void xs_perms_free(struct xs_perms *ps);
/* Access of domain `domid` (target: domain it may act for, or ~0u). */
unsigned xs_perms_for(const struct xs_perms *ps, unsigned domid, unsigned target, bool priv);

/* ---- tree (xs_tree.c) ---- */
struct xs_node {
	char *name; /* component; "" for the root */
	char *value;
	uint32_t vlen;
	struct xs_perms perms;
	struct xs_node *parent;
	struct xs_node **kids; /* creation order, as DIRECTORY lists them */
	uint32_t nkids, capkids;
	uint64_t gen; /* changes when value, perms or children change */
};
struct xs_txn;
/* A view is the live tree (txn == NULL) or a transaction's private copy. */
struct xs_view {
	struct xs_node **rootp;
	struct xs_txn *txn;
};
extern uint64_t xs_gen_counter;
struct xs_node *xs_node_new(const char *name, size_t nlen);
void xs_node_free(struct xs_node *n);
struct xs_node *xs_node_clone(const struct xs_node *n, struct xs_node *parent);
struct xs_node *xs_tree_lookup(struct xs_view *v, const char *path);
struct xs_node *xs_tree_nearest(struct xs_view *v, const char *path);
enum xs_err xs_tree_create(struct xs_view *v, const char *path, const struct xs_perms *owner_perms,
			   unsigned creator, bool priv, struct xs_node **out, unsigned *created);
enum xs_err xs_tree_set_value(struct xs_node *n, const char *val, size_t len);
void xs_tree_remove(struct xs_view *v, struct xs_node *n);
size_t xs_tree_children(const struct xs_node *n, char *buf, size_t bufsz);
size_t xs_tree_node_size(const struct xs_node *n);
unsigned xs_tree_count_owned(const struct xs_node *root, unsigned domid);
void xs_node_path(const struct xs_node *n, char *buf, size_t bufsz);
struct xs_node *xs_tree_initial(void);

/* ---- quotas (xs_quota.c) ---- */
enum xs_quota_id {
	XS_Q_NODES,
	XS_Q_NODE_SIZE,
	XS_Q_WATCHES,
	XS_Q_TRANSACTIONS,
	XS_Q_OUTSTANDING,
	XS_Q_PERMS,
	XS_Q_COUNT
};
extern unsigned xs_quota[XS_Q_COUNT];
int xs_quota_set(const char *spec); /* "name=value"; 0 or -1 */
const char *xs_quota_name(enum xs_quota_id q);

/* ---- connections (xs_conn.c) ---- */
struct xs_conn;
typedef void xs_send_fn(struct xs_conn *c, const struct xsd_sockmsg *h, const void *payload);
struct xs_watch {
	struct xs_watch *next;
	char *path;  /* absolute, or a special "@..." name */
	char *token;
	bool relative; /* registered relative: events report relative paths */
	int depth;     /* -1: unlimited */
};
struct xs_conn {
	struct xs_conn *next;
	unsigned domid;
	bool priv;
	char name[48]; /* for log lines */
	xs_send_fn *send;
	void *transport;
	struct xs_watch *watches;
	unsigned nwatches;
	struct xs_txn *txns;
	unsigned ntxns;
	/* framing state for byte-stream transports */
	struct xsd_sockmsg hdr;
	uint32_t have;
	char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	bool dead; /* protocol error: the transport must close it */
};
void xs_conn_init(struct xs_conn *c, unsigned domid, bool priv, xs_send_fn *send, void *transport);
void xs_conn_fini(struct xs_conn *c);
/* Feeds bytes; completes and dispatches messages. Returns false when the
 * peer broke the protocol (the caller closes the connection). */
bool xs_conn_feed(struct xs_conn *c, const void *data, size_t len);
extern struct xs_conn *xs_conns;

/* ---- transactions (xs_txn.c) ---- */
struct xs_txn_op;
struct xs_txn_seen;
struct xs_txn {
	struct xs_txn *next;
	uint32_t id;
	struct xs_node *root;     /* private copy taken at start */
	struct xs_txn_seen *seen; /* first generation of every path touched */
	struct xs_txn_op *ops, **ops_tail;
	unsigned nops;
};
struct xs_txn *xs_txn_start(struct xs_conn *c);
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
void xs_txn_note(struct xs_txn *t, const char *path, const struct xs_node *n);
void xs_txn_record(struct xs_txn *t, uint32_t type, const char *path, const char *data,
		   size_t len);
enum xs_err xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);
/* True while a commit replays its changes: quotas were checked in the
 * transaction, so a replay never stops halfway. */
extern bool xs_txn_replaying;
void xs_txn_abort_all(struct xs_conn *c);

/* ---- watches (xs_watch.c) ---- */
enum xs_err xs_watch_add(struct xs_conn *c, const char *abs, const char *token, bool rel,
			 int depth);
enum xs_err xs_watch_del(struct xs_conn *c, const char *abs, const char *token);
void xs_watch_del_all(struct xs_conn *c);
void xs_watch_send(struct xs_conn *c, const struct xs_watch *w, const char *abs);
/* A change at abs; `exact` also fires watches only on that very path. */
void xs_watch_fire(const char *abs, bool recursive_delete);

/* ---- domains (xs_domain.c) ---- */
struct xs_domain {
	struct xs_domain *next;
	unsigned domid;
	uint64_t gfn;
	unsigned port;
	unsigned target; /* ~0u: none */
	bool shutdown;
};
extern struct xs_domain *xs_domains;
extern struct xs_perms xs_special_perms[2]; /* @introduceDomain, @releaseDomain */
struct xs_domain *xs_domain_find(unsigned domid);
/* Ring transport (xs_ring.c; unset in unit tests, which have no rings):
 * attach maps the domain's ring page and binds its port when INTRODUCE
 * records it (XS_OK or the error INTRODUCE replies with); detach undoes
 * that when the domain is released. */
extern enum xs_err (*xs_ring_attach_hook)(struct xs_domain *d);
extern void (*xs_ring_detach_hook)(unsigned domid);
unsigned xs_conn_target(const struct xs_conn *c);
void xs_domain_release(unsigned domid);
void xs_store_init(void);
void xs_store_fini(void);
bool xs_store_ready(void);
struct xs_view xs_view_live(void);
struct xs_node *xs_view_live_root(void);

/* ---- operations and dispatch (xs_ops.c, xs_dispatch.c) ---- */
struct xs_req {
	struct xs_conn *conn;
	const struct xsd_sockmsg *hdr;
	const char *data;
	const char *argv[4]; /* the NUL-terminated strings, per the table row */
	unsigned argc;
	struct xs_txn *txn;
};
void xs_reply(struct xs_req *r, uint32_t type, const void *data, size_t len);
void xs_reply_err(struct xs_req *r, enum xs_err e);
void xs_dispatch(struct xs_conn *c, const struct xsd_sockmsg *h, const char *payload);
struct xs_view xs_req_view(struct xs_req *r);
enum xs_err xs_do_write(struct xs_conn *c, struct xs_view *v, const char *abs, const char *val,
			size_t len, bool mkdir);
enum xs_err xs_do_rm(struct xs_conn *c, struct xs_view *v, const char *abs);
enum xs_err xs_do_set_perms(struct xs_conn *c, struct xs_view *v, const char *abs,
			    const struct xs_perms *ps);
bool xs_can(const struct xs_conn *c, const struct xs_node *n, unsigned need);

typedef void xs_handler_fn(struct xs_req *r);
xs_handler_fn xs_op_read, xs_op_write, xs_op_mkdir, xs_op_rm, xs_op_directory,
	xs_op_directory_part, xs_op_get_perms, xs_op_set_perms, xs_op_watch, xs_op_unwatch,
	xs_op_txn_start, xs_op_txn_end, xs_op_introduce, xs_op_release, xs_op_get_domain_path,
	xs_op_is_introduced, xs_op_resume, xs_op_set_target, xs_op_reset_watches, xs_op_control;
bool xs_parse_domid(const char *s, unsigned *out);

#endif
