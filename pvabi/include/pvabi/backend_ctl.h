/* backend_ctl.h: the control protocol of the dom0 backend daemons
 * (hospes-blkback, hospes-netback) on their --socket, spoken by hospesd and
 * operators. Self-contained, used by both sides. Host-only: no guest sees
 * it (SPEC.md has no chapter for it); backends/README.md describes it too.
 *
 * A UNIX stream socket; only root peers are served (SO_PEERCRED at
 * accept). Text lines ending in '\n', ASCII only.
 *
 * Request: one command word, at most BCTL_REQ_MAX bytes including the
 * '\n'. Requests on one connection are answered in order; a client may
 * send the next request before reading the reply.
 *
 *   status    -> "ok name=<daemon> version=<n> devices=<n>"
 *   devices   -> one line per device
 *                "dev domid=<n> devid=<n> state=<xenbus state 0-8>
 *                 connected=<0|1> error=<text> <counter>=<n> ..."
 *                (one line; counters are the device class's, e.g.
 *                 reqs= reads= writes= for block), then "ok devices=<n>"
 *
 * Every reply ends with exactly one line starting "ok" or "err"; lines
 * before it start "dev". A line is at most BCTL_LINE_MAX bytes with its
 * '\n' and consists of space-separated fields: a first word, then
 * key=value pairs. A value is escaped: bytes outside '!'..'~', and '%'
 * and '=', are written as %XX (two upper-case hex digits); "-" is an
 * empty value.
 *
 * Errors: "err errno=<name> message=<text>", e.g. errno=EINVAL for an
 * unknown or malformed command (the connection stays open), errno=E2BIG
 * for a request longer than BCTL_REQ_MAX (the connection is then closed
 * after the reply). A client that does not read its replies is dropped
 * once BCTL_QUEUE_MAX bytes wait for it. */
#ifndef PVABI_BACKEND_CTL_H
#define PVABI_BACKEND_CTL_H

#define BCTL_VERSION 1

#define BCTL_REQ_MAX 64	      /* a request line, '\n' included */
#define BCTL_LINE_MAX 1024    /* a reply line, '\n' included */
#define BCTL_QUEUE_MAX 262144 /* unread reply bytes before a client is dropped */
#define BCTL_MAX_CLIENTS 64   /* connections served at once; more are closed */

/* Commands. */
#define BCTL_CMD_STATUS "status"
#define BCTL_CMD_DEVICES "devices"

/* First words of reply lines. */
#define BCTL_OK "ok"
#define BCTL_ERR "err"
#define BCTL_DEV "dev"

/* Keys. */
#define BCTL_KEY_NAME "name"
#define BCTL_KEY_VERSION "version"
#define BCTL_KEY_DEVICES "devices"
#define BCTL_KEY_DOMID "domid"
#define BCTL_KEY_DEVID "devid"
#define BCTL_KEY_STATE "state"
#define BCTL_KEY_CONNECTED "connected"
#define BCTL_KEY_ERROR "error"
#define BCTL_KEY_ERRNO "errno"
#define BCTL_KEY_MESSAGE "message"

#endif
