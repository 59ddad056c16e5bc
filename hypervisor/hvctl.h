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
/* The same, but the connect and every later send or receive on the
 * connection waits at most timeout_ms (0: no bound) for hospes-hv: a call
 * that runs out returns -ETIMEDOUT, and the connection then fails every
 * call with -EPIPE (a late reply would be taken for the next request's);
 * close it and connect again. A bounded connection is unfit for
 * hvctl_wait with a longer (or no) timeout. */
int hvctl_connect_timeout(const char *path, unsigned timeout_ms, struct hvctl **out);
/* Changes the bound of a connection (e.g. a longer one around a create). */
int hvctl_set_timeout(struct hvctl *h, unsigned timeout_ms);
/* true once a call timed out on h (every call now returns -EPIPE). */
bool hvctl_broken(const struct hvctl *h);
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
	bool console;       /* console: PV console ring page and port (info: console_pfn/port) */
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

/* Grant tables (SPEC.md §14.7): dom0 as a grantee. hvctl_gnt_map maps
 * count (1..HVCTL_GNT_BATCH) refs that domid granted to domain 0; maps[i]
 * gets ref i's GNTST_* status, handle and the frame's byte offset in the
 * domain's RAM memfd (hvctl_get_memfd). The mappings last until
 * hvctl_gnt_unmap or until the connection closes. */
int hvctl_gnt_map(struct hvctl *h, uint32_t domid, const uint32_t *refs, unsigned count,
		  bool readonly, struct hvctl_gnt_mapping *maps);
int hvctl_gnt_unmap(struct hvctl *h, const uint32_t *handles, unsigned count, int32_t *status);
/* count (1..HVCTL_GNT_COPY_SEGS) segments; in: the bytes of the
 * HVCTL_GNT_TO_GUEST segments back to back (may be NULL if none), out: the
 * bytes of the others back to back (may be NULL if none); status[i] per
 * segment (GNTST_*). */
int hvctl_gnt_copy(struct hvctl *h, uint32_t domid, const struct hvctl_gnt_seg *segs,
		   unsigned count, const void *in, void *out, int32_t *status);

/* hvctl_gnt_map plus the granter's memfd mapped once: page[i] points at
 * ref i's frame (NULL where status[i] != 0). Writable unless readonly. */
struct hvctl_gnt_pages {
	uint32_t domid;
	unsigned count;
	void *base;  /* the memfd mapping */
	size_t size;
	void *page[HVCTL_GNT_BATCH];
	int32_t status[HVCTL_GNT_BATCH];
	uint32_t handle[HVCTL_GNT_BATCH];
};
int hvctl_gnt_map_pages(struct hvctl *h, uint32_t domid, const uint32_t *refs, unsigned count,
			bool readonly, struct hvctl_gnt_pages *p);
/* Unmaps what map_pages mapped (the grants and the memfd). */
int hvctl_gnt_unmap_pages(struct hvctl *h, struct hvctl_gnt_pages *p);

/* Sends any request and reads its reply (for tests and tools): payload
 * of len bytes, reply of up to reply_max bytes (its length in *reply_len),
 * fds: HVCTL_MAX_FDS slots or NULL (received fds are then closed). Returns the reply's status. */
int hvctl_call(struct hvctl *h, uint32_t type, const void *payload, uint32_t len, void *reply,
	       uint32_t reply_max, uint32_t *reply_len, int *fds);

#endif
