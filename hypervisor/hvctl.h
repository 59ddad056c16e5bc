/* hvctl.h: libhvctl, the dom0 client library of hospes-hv's control socket
 * (protocol: pvabi/hvctl.h). One request at a time per connection; every
 * call returns 0 or -errno: the daemon's status (e.g. -ESRCH no such
 * domain, -EINVAL bad argument, -ETIMEDOUT wait timed out), -EPROTO for a
 * malformed reply, or a socket error (the connection is then unusable). */
#ifndef HOSPES_HVCTL_H
#define HOSPES_HVCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <pvabi/hvctl.h>

struct hvctl;

/* The socket to use: path if not NULL, else $HOSPES_HV_SOCKET, else
 * HVCTL_DEFAULT_SOCKET. */
const char *hvctl_socket_path(const char *path);
/* Connects to hvctl_socket_path(path). */
int hvctl_connect(const char *path, struct hvctl **out);
void hvctl_close(struct hvctl *h);
/* Message for an error returned by an hvctl_* call. */
const char *hvctl_strerror(int err);

struct hvctl_domain_config {
	const char *kernel; /* made absolute by the library */
	uint64_t mem;
	uint64_t maxmem;    /* 0 = mem */
	unsigned vcpus;     /* 0 = 1 */
	const char *cmdline;
	unsigned nr_modules;
	const char *modules[HVCTL_MAX_MODULES];
	bool start;         /* start vCPU 0 at once */
	bool xenstore;      /* xenstore ring page and port (info: store_pfn/port) */
};

int hvctl_create(struct hvctl *h, const struct hvctl_domain_config *cfg, uint32_t *domid);
int hvctl_start(struct hvctl *h, uint32_t domid);
int hvctl_pause(struct hvctl *h, uint32_t domid);
int hvctl_unpause(struct hvctl *h, uint32_t domid);
int hvctl_destroy(struct hvctl *h, uint32_t domid);
int hvctl_info(struct hvctl *h, uint32_t domid, struct hvctl_dominfo *info);
int hvctl_set_maxmem(struct hvctl *h, uint32_t domid, uint64_t max_bytes);
/* Returns when the domain's generation differs from generation (info
 * filled), -ETIMEDOUT after timeout_ms (0 = none), -ESRCH once it is gone. */
int hvctl_wait(struct hvctl *h, uint32_t domid, uint32_t generation, uint32_t timeout_ms,
	       struct hvctl_dominfo *info);
/* Binds guest port (0 = allocate an unbound one for dom0) to a dom0
 * endpoint; the caller owns the two eventfds (see evtchn_dom0.h). */
int hvctl_bind_evtchn(struct hvctl *h, uint32_t domid, uint32_t port, uint32_t *port_out,
		      int *notify_fd, int *kick_fd);
/* The guest RAM memfd (caller owns it) and its layout. */
int hvctl_get_memfd(struct hvctl *h, uint32_t domid, struct hvctl_memory *layout, int *fd);
/* Up to max domain ids, ascending; *count is the number of domains. */
int hvctl_list(struct hvctl *h, uint32_t *domids, unsigned max, unsigned *count);

/* Sends any request and reads its reply (for tests and tools): payload
 * of len bytes, reply of up to reply_max bytes (its length in *reply_len),
 * fds: HVCTL_MAX_FDS slots or NULL (received fds are then closed). Returns the reply's status. */
int hvctl_call(struct hvctl *h, uint32_t type, const void *payload, uint32_t len, void *reply,
	       uint32_t reply_max, uint32_t *reply_len, int *fds);

#endif
