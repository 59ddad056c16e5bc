/* xs_wire.h: the xenstore wire protocol (socket framing, message types,
 * error strings, limits) and the shared ring page. Normative: SPEC.md §13.
 *
 * Starting the daemon (for clients and tests):
 *   hospes-stored --socket PATH --state-dir DIR [--quota name=value]...
 * Without --socket it uses $XENSTORED_PATH, else XS_DEFAULT_SOCKET. It runs
 * in the foreground, logs to stderr and removes its socket on SIGTERM. The
 * socket exists (bound and listening) before the daemon logs "ready".
 * Socket clients are dom0 (privileged); relative paths resolve under
 * /local/domain/0. Integers are native-endian (little on x86-64). */
#ifndef PVABI_XS_WIRE_H
#define PVABI_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define XS_DEFAULT_SOCKET "/run/hospes/xenstored.sock"
#define XS_SOCKET_ENV "XENSTORED_PATH"

/* Every message: this header, then exactly len payload bytes. */
struct xsd_sockmsg {
	uint32_t type;   /* enum xsd_sockmsg_type */
	uint32_t req_id; /* opaque to the server, echoed in the reply */
	uint32_t tx_id;  /* transaction id, 0 = none; echoed */
	uint32_t len;    /* payload bytes that follow */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg");
_Static_assert(offsetof(struct xsd_sockmsg, type) == 0, "type");
_Static_assert(offsetof(struct xsd_sockmsg, req_id) == 4, "req_id");
_Static_assert(offsetof(struct xsd_sockmsg, tx_id) == 8, "tx_id");
_Static_assert(offsetof(struct xsd_sockmsg, len) == 12, "len");

enum xsd_sockmsg_type {
	XS_CONTROL = 0, /* alias XS_DEBUG */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15, /* server -> client only */
	XS_ERROR = 16,       /* server -> client only */
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	XS_RESTRICT = 20, /* removed from Xen; always invalid */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23, /* Xen >= 4.20; not served (ENOSYS) */
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT = 27,
	XS_INVALID = 0xffff
};
#define XS_DEBUG XS_CONTROL

/* Error replies carry one of these names, NUL-terminated. Table order and
 * values are Xen's (Linux errno numbers on x86). */
struct xsd_errors {
	int errnum;
	const char *errstring;
};
#define XSD_ERROR(x) { XSD_##x, #x }
#define XSD_EINVAL 22
#define XSD_EACCES 13
#define XSD_EEXIST 17
#define XSD_EISDIR 21
#define XSD_ENOENT 2
#define XSD_ENOMEM 12
#define XSD_ENOSPC 28
#define XSD_EIO 5
#define XSD_ENOTEMPTY 39
#define XSD_ENOSYS 38
#define XSD_EROFS 30
#define XSD_EBUSY 16
#define XSD_EAGAIN 11
#define XSD_EISCONN 106
#define XSD_E2BIG 7
#define XSD_EPERM 1
#define XSD_ERRORS_INIT                                                                            \
	{                                                                                          \
		XSD_ERROR(EINVAL), XSD_ERROR(EACCES), XSD_ERROR(EEXIST), XSD_ERROR(EISDIR),        \
		XSD_ERROR(ENOENT), XSD_ERROR(ENOMEM), XSD_ERROR(ENOSPC), XSD_ERROR(EIO),           \
		XSD_ERROR(ENOTEMPTY), XSD_ERROR(ENOSYS), XSD_ERROR(EROFS), XSD_ERROR(EBUSY),       \
		XSD_ERROR(EAGAIN), XSD_ERROR(EISCONN), XSD_ERROR(E2BIG), XSD_ERROR(EPERM)          \
	}
#define XSD_ERRORS_COUNT 16

/* Limits. A message longer than the payload maximum ends the connection. */
#define XENSTORE_PAYLOAD_MAX 4096u
#define XENSTORE_ABS_PATH_MAX 3072u
#define XENSTORE_REL_PATH_MAX 2048u

/* Watch event payload: "path\0token\0". */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN = 1 };

/* The shared ring page between a guest and the daemon. */
#define XENSTORE_RING_SIZE 1024u
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* guest -> daemon */
	char rsp[XENSTORE_RING_SIZE]; /* daemon -> guest */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;      /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
	uint32_t error;           /* XENSTORE_ERROR_* */
	uint32_t evtchn_port;     /* dom0less only; 0 = unused */
};
_Static_assert(offsetof(struct xenstore_domain_interface, rsp) == 1024, "rsp");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, req_prod) == 2052, "req_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_cons) == 2056, "rsp_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features) == 2064, "features");
_Static_assert(offsetof(struct xenstore_domain_interface, connection) == 2068, "connection");
_Static_assert(offsetof(struct xenstore_domain_interface, error) == 2072, "error");
_Static_assert(offsetof(struct xenstore_domain_interface, evtchn_port) == 2076, "evtchn_port");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2080, "xenstore_domain_interface");

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1u
#define XENSTORE_SERVER_FEATURE_ERROR 2u
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4u
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8u

#define XENSTORE_CONNECTED 0u
#define XENSTORE_RECONNECT 1u

#define XENSTORE_ERROR_NONE 0u
#define XENSTORE_ERROR_COMM 1u
#define XENSTORE_ERROR_RINGIDX 2u
#define XENSTORE_ERROR_PROTO 3u

#endif
