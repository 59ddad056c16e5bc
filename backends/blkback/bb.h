/* bb.h: hospes-blkback's shared state: devices (bb_dev.c), grant mapping
 * and the persistent-grant cache (bb_grant.c), the request path
 * (bb_ring.c), io_uring and completions (bb_io.c), statistics
 * (bb_stats.c). One libuv loop, one thread, one io_uring for all devices. */
#ifndef HOSPES_BB_H
#define HOSPES_BB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <liburing.h>
#include <uv.h>

#include <pvabi/blkif.h>

#include "bb_check.h"
#include "xbb.h"

struct hvctl;
struct bctl_config;

#define BB_PAGE 4096u
/* Advertised limits (SPEC.md §18.1). */
#define BB_MAX_RING_ORDER 4u
#define BB_DISCARD_GRANULARITY 4096u
/* Persistently mapped grants per device (Linux's limit too), and the
 * hash table holding them (a power of two, at least twice as large). */
#define BB_PGNT_MAX 1056u
#define BB_PGNT_SLOTS 4096u
/* hospes-hv limits the mappings of one control connection (its
 * --grant-maps, default 1024): a device spreads its mappings over up to
 * BB_HV_CONNS connections; the first also maps the ring and binds. */
#define BB_HV_CONNS 4u
#define BB_MAPS_PER_CONN 1024u
/* Grants a single request maps: data segments plus indirect pages. */
#define BB_REQ_GRANTS (BB_MAX_INDIRECT_SEGS + BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)

struct bb_pgnt {
	uint32_t ref;
	uint32_t handle;
	uint64_t offset; /* in the domain's RAM memfd */
	bool used;
	bool rw;      /* mapped writable */
	uint8_t conn; /* index into bb_dev.hc */
};

struct bb_dev;

struct bb_req {
	struct bb_dev *dev;
	struct bb_req *next_free;
	uint64_t id;
	uint8_t op;
	enum bb_kind kind;
	bool synced;	 /* flush: the data part is done, fdatasync submitted */
	uint64_t offset; /* bytes into the image */
	uint64_t len;
	unsigned niov;
	unsigned nunmap;
	uint32_t unmap[BB_REQ_GRANTS]; /* handles mapped for this request only */
	uint8_t unmap_conn[BB_REQ_GRANTS];
	struct iovec iov[BB_MAX_INDIRECT_SEGS];
};

struct bb_stats {
	uint64_t reqs, reads, writes, flushes, discards, indirect, errors;
	uint64_t bytes_read, bytes_written;
	uint64_t grant_maps;	  /* grants mapped (calls batch up to 64) */
	uint64_t persistent_hits; /* segments served from the cache */
	uint64_t fdatasyncs;
	uint64_t connects;
};

struct bb_dev {
	struct bb_dev *next; /* bb_devs */
	struct xbb_dev *x;
	int img_fd;
	uint64_t sectors;
	bool readonly;
	char stats_path[256];
	struct bb_stats st;
	bool stats_dirty;

	/* connection state (valid while connected) */
	struct hvctl *hc[BB_HV_CONNS]; /* own connections: closing them unmaps all */
	unsigned hc_maps[BB_HV_CONNS]; /* mappings held on each */
	uint8_t *ram;		       /* the domain's RAM memfd, mapped once */
	size_t ram_size;
	void *ring_area;
	size_t ring_bytes;
	struct blkif_back back;
	int notify_fd, kick_fd;
	uv_poll_t *poll;
	bool connected;
	const char *failed; /* protocol error seen: dropped after this turn */
	bool persistent;
	unsigned npgnt;
	struct bb_pgnt *pgnt; /* BB_PGNT_SLOTS */
	struct bb_req *reqs, *free_reqs;
	unsigned nreqs, inflight, inflight_writes;
	bool flush_parked; /* a flush waits for earlier writes */
	struct bb_req *parked;
	bool rsp_pending;
	unsigned nbad;						 /* refused requests logged */
	struct blkif_request_segment segs[BB_MAX_INDIRECT_SEGS]; /* scratch */
};

extern uv_loop_t *bb_loop;
extern const char *bb_state_dir, *bb_hv_socket;

/* bb_dev.c: the xbb_ops of the vbd class. */
extern const struct xbb_ops bb_vbd_ops;
extern struct bb_dev *bb_devs; /* every probed device */

/* bb_grant.c */
/* Maps n refs (persistent cache first when enabled); ptr[i] = the page.
 * data: data pages (mapped writable when persistent), else descriptor
 * pages (read-only).
 * Handles mapped just for this request go to r->unmap. 0, or -1 if any
 * failed (nothing of this call stays mapped for r). */
int bb_grant_get(struct bb_dev *d, struct bb_req *r, const uint32_t *refs, unsigned n,
		 bool readonly, bool data, uint8_t **ptr);
void bb_grant_release(struct bb_dev *d, struct bb_req *r);
/* Maps n (<= 64) refs on connection 0 and returns the memfd offsets
 * (for the ring). */
int bb_grant_map_raw(struct bb_dev *d, const uint32_t *refs, unsigned n, bool readonly,
		     uint64_t *offset);

/* bb_ring.c */
void bb_ring_consume(struct bb_dev *d);
/* Writes a response (published by bb_ring_flush). */
void bb_ring_respond(struct bb_dev *d, uint64_t id, uint8_t op, int status);
/* Publishes written responses; one kick if the frontend asked. */
void bb_ring_flush(struct bb_dev *d);
void bb_req_free(struct bb_dev *d, struct bb_req *r);

/* bb_io.c */
int bb_io_init(void);
void bb_io_stop(void);
void bb_io_close(void); /* after the loop ended */
/* Queues r's I/O (submitted at the end of the turn by bb_io_submit). */
void bb_io_queue(struct bb_req *r);
void bb_io_submit(void);
/* Runs completions until d has nothing in flight (disconnect, exit). */
void bb_io_drain(struct bb_dev *d);
/* Devices with a protocol error are dropped here, outside callbacks. */
void bb_io_defer_fail(struct bb_dev *d, const char *why);

/* bb_stats.c (and the control socket's per-device counters) */
extern const struct bctl_config bb_ctl_config;
/* Writes the devices whose counters changed (bk_stats_timer_start). */
void bb_stats_flush(void);
void bb_stats_write(struct bb_dev *d);

#endif
