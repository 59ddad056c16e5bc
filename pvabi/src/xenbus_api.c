/* xenbus_api.c: the xenstore client API of pvabi.h (requests,
 * transactions, watch table, event dispatch) over the ring client. Plain C:
 * xenbus.c attaches it to the guest's ring, the host tests to a fake. */
#include <pvabi.h>

#include "xenbus_ring.h"

#define XB_WATCHES 16
#define XB_TOKEN_MAX 64

struct xb_watch {
	pvabi_xenbus_watch_fn fn;
	void *arg;
	char token[XB_TOKEN_MAX];
};

static struct xb_ring ring;
static int ready;
static struct xb_watch watches[XB_WATCHES];
static char event_buf[XENSTORE_PAYLOAD_MAX + 1];

void pvabi_xb_attach(volatile struct xenstore_domain_interface *intf, void (*notify)(void *),
		     void (*wait)(void *), void *ctx)
{
	pvabi_xb_ring_init(&ring, intf, notify, wait, ctx);
	ready = 1;
}

int pvabi_xb_attached(void)
{
	return ready;
}

static long request(uint32_t type, uint32_t tx, const struct xb_iov *iov, unsigned int n, void *buf,
		    size_t size)
{
	if (!ready)
		return -XEN_EINVAL;
	return pvabi_xb_ring_request(&ring, type, tx, iov, n, buf, size);
}

/* A request whose reply is "OK\0" (or any short text we do not need). */
static int request_ok(uint32_t type, uint32_t tx, const struct xb_iov *iov, unsigned int n)
{
	char ok[4];
	long r = request(type, tx, iov, n, ok, sizeof(ok));

	return r < 0 ? (int)r : 0;
}

/* Text replies: NUL-terminated in buf (truncated to size - 1); the full
 * length is returned so the caller sees truncation. */
static long request_text(uint32_t type, uint32_t tx, const char *path, char *buf, size_t size)
{
	struct xb_iov iov = {path, strlen(path) + 1};
	long r = request(type, tx, &iov, 1, buf, size ? size - 1 : 0);

	if (size)
		buf[r < 0 ? 0 : ((size_t)r < size ? (size_t)r : size - 1)] = '\0';
	return r;
}

long pvabi_xenbus_read(uint32_t tx, const char *path, char *buf, size_t size)
{
	return request_text(XS_READ, tx, path, buf, size);
}

long pvabi_xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size)
{
	return request_text(XS_DIRECTORY, tx, path, buf, size);
}

int pvabi_xenbus_write(uint32_t tx, const char *path, const char *value)
{
	struct xb_iov iov[2] = {{path, strlen(path) + 1}, {value, strlen(value)}};

	return request_ok(XS_WRITE, tx, iov, 2);
}

int pvabi_xenbus_mkdir(uint32_t tx, const char *path)
{
	struct xb_iov iov = {path, strlen(path) + 1};

	return request_ok(XS_MKDIR, tx, &iov, 1);
}

int pvabi_xenbus_rm(uint32_t tx, const char *path)
{
	struct xb_iov iov = {path, strlen(path) + 1};

	return request_ok(XS_RM, tx, &iov, 1);
}

int pvabi_xenbus_transaction_start(uint32_t *tx)
{
	struct xb_iov iov = {"", 1};
	char id[16];
	long r = request(XS_TRANSACTION_START, 0, &iov, 1, id, sizeof(id));
	uint32_t v = 0;

	if (r < 0)
		return (int)r;
	if (r < 2 || r > 11)
		return -XEN_EIO;
	for (long i = 0; i < r - 1; i++) {
		if (id[i] < '0' || id[i] > '9')
			return -XEN_EIO;
		v = v * 10 + (uint32_t)(id[i] - '0');
	}
	if (!v)
		return -XEN_EIO;
	*tx = v;
	return 0;
}

int pvabi_xenbus_transaction_end(uint32_t tx, int abort)
{
	struct xb_iov iov = {abort ? "F" : "T", 2};

	return request_ok(XS_TRANSACTION_END, tx, &iov, 1);
}

static int watch_req(uint32_t type, const char *path, const char *token)
{
	struct xb_iov iov[2] = {{path, strlen(path) + 1}, {token, strlen(token) + 1}};

	return request_ok(type, 0, iov, 2);
}

int pvabi_xenbus_watch(const char *path, const char *token, pvabi_xenbus_watch_fn fn, void *arg)
{
	struct xb_watch *w = NULL;
	int r;

	if (!fn || strlen(token) >= XB_TOKEN_MAX)
		return -XEN_EINVAL;
	for (unsigned int i = 0; i < XB_WATCHES; i++) {
		if (watches[i].fn && !strcmp(watches[i].token, token))
			return -XEN_EEXIST;
		if (!watches[i].fn && !w)
			w = &watches[i];
	}
	if (!w)
		return -XEN_ENOSPC;
	/* Registered before the request: the server's first event may come
	 * before the reply and is queued, then dispatched to fn. */
	memcpy(w->token, token, strlen(token) + 1);
	w->arg = arg;
	w->fn = fn;
	if ((r = watch_req(XS_WATCH, path, token)))
		w->fn = NULL;
	return r;
}

int pvabi_xenbus_unwatch(const char *path, const char *token)
{
	for (unsigned int i = 0; i < XB_WATCHES; i++) {
		if (watches[i].fn && !strcmp(watches[i].token, token)) {
			watches[i].fn = NULL;
			return watch_req(XS_UNWATCH, path, token);
		}
	}
	return -XEN_ENOENT;
}

/* Calls the handler of one event payload "path\0token\0"; 1 if one ran. */
static int deliver(size_t len)
{
	const char *path = event_buf, *token;
	size_t plen;

	event_buf[len] = '\0';
	plen = strlen(path);
	if (plen + 1 >= len)
		return 0; /* no token: malformed, nobody to tell */
	token = path + plen + 1;
	for (unsigned int i = 0; i < XB_WATCHES; i++) {
		if (watches[i].fn && !strcmp(watches[i].token, token)) {
			watches[i].fn(path, token, watches[i].arg);
			return 1;
		}
	}
	return 0; /* unwatched since, or a token we never set */
}

int pvabi_xenbus_dispatch(void)
{
	size_t len;
	int n = 0, e;

	if (!ready)
		return -XEN_EINVAL;
	if ((e = pvabi_xb_ring_drain(&ring)))
		return e;
	while ((len = pvabi_xb_ring_next_event(&ring, event_buf, XENSTORE_PAYLOAD_MAX)))
		n += deliver(len > XENSTORE_PAYLOAD_MAX ? XENSTORE_PAYLOAD_MAX : len);
	return n;
}

int pvabi_xenbus_wait_event(void)
{
	int n;

	while (!(n = pvabi_xenbus_dispatch()))
		ring.wait(ring.ctx);
	return n;
}

uint32_t pvabi_xenbus_events_dropped(void)
{
	return ring.ev_dropped;
}
