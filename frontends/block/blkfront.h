/* blkfront.h: Hospes's PV block frontend (SPEC.md §18.2), kernel-agnostic
 * freestanding C over pvabi and the OS glue of fe_os.h.
 *
 * Data path design (fewest guest instructions per request): a pool of
 * pages is granted to the backend once, at connect (persistent grants,
 * kept across reconnects), and every data buffer of a request lies in
 * that pool, so a request is only a ring slot filled from a precomputed
 * ref table: no granting, no revoking, no copy. Callers with their own
 * buffers use blkfront_io(), which copies through the pool (`rep movsq`).
 * Requests above 11 pages go as one indirect request (one descriptor
 * page per request id, granted read-only once). One id per ring slot at
 * most; submit fills slots, push publishes the batch with one
 * notification check; reap takes responses; wait does the final check
 * and only then sleeps. */
#ifndef BLKFRONT_H
#define BLKFRONT_H

#include <fe_os.h>
#include <pvabi.h>
#include <pvabi/blkif.h>

#define BLKFRONT_MAX_ORDER 2u  /* ring of up to 4 pages: 128 slots */
#define BLKFRONT_MAX_IDS 128u  /* requests in flight at most */
#define BLKFRONT_MAX_SEGS 256u /* pages per request (1 MiB) */
#define BLKFRONT_POOL_MAX 1024u /* persistent pool pages at most */

/* Operations of blkfront_submit. */
enum { BLKFRONT_READ = 0, BLKFRONT_WRITE = 1, BLKFRONT_FLUSH = 3, BLKFRONT_DISCARD = 5 };

struct blkfront_info {
	uint64_t sectors;        /* disk size, 512-byte sectors */
	uint32_t sector_size;    /* backend's sector-size */
	uint32_t info;           /* VDISK_* bits */
	uint32_t flush;          /* feature-flush-cache */
	uint32_t discard;        /* feature-discard */
	uint32_t be_persistent;  /* backend's feature-persistent */
	uint32_t max_indirect;   /* segments per indirect request we use (0: none) */
	uint32_t ring_order;     /* ring-page-order in use */
	uint32_t ring_slots;     /* slots of the ring */
	uint32_t nr_ids;         /* requests in flight at most */
	uint32_t max_sectors;    /* sectors per read/write request */
};

/* A finished request: the submitter's cookie and 0, -EIO (BLKIF ERROR)
 * or -EOPNOTSUPP. */
struct blkfront_done {
	uint64_t cookie;
	int status;
};

/* A request in flight, kept to re-issue it after a reconnect. Three
 * words: each memory access costs about 2 us in emulated kernel mode, so
 * the per-request path stores and loads as few as it can. */
struct blkfront_shadow {
	uint64_t sector;
	uint64_t cookie;
	uint64_t desc; /* 0: free; else BLKFRONT_DESC(op, nsect, page) */
};
#define BLKFRONT_DESC(op, nsect, page)                                                      \
	(((uint64_t)(nsect) << 32) | ((uint64_t)(page) << 8) | ((uint64_t)(op) + 1u))
#define BLKFRONT_DESC_OP(d) ((unsigned int)((d) & 0xff) - 1u)
#define BLKFRONT_DESC_PAGE(d) ((uint32_t)((d) >> 8) & 0xffffffu)
#define BLKFRONT_DESC_NSECT(d) ((uint32_t)((d) >> 32))

struct blkfront_stats {
	uint64_t requests;   /* put on earlier rings (blkfront_requests() adds the current one) */
	uint64_t indirect;   /* of which indirect */
	uint64_t notifies;   /* event channel sends */
	uint64_t waits;      /* sleeps in the glue */
	uint64_t reconnects; /* completed reconnections */
	uint64_t reissued;   /* requests re-sent after a reconnect */
};

struct blkfront {
	const struct fe_os *os;
	struct pvabi_xenbus_front xb;
	struct pvabi_ring_conn conn;
	struct blkif_front ring;
	void *ring_area; /* 2^BLKFRONT_MAX_ORDER pages, replaced if still mapped */
	unsigned int want_order;
	struct blkfront_info info;
	uint8_t *pool;
	uint32_t pool_pages;
	grant_ref_t pool_refs[BLKFRONT_POOL_MAX];
	uint8_t *ind_pages; /* BLKFRONT_MAX_IDS descriptor pages */
	grant_ref_t ind_refs[BLKFRONT_MAX_IDS];
	struct blkfront_shadow sh[BLKFRONT_MAX_IDS];
	uint16_t free_ids[BLKFRONT_MAX_IDS];
	uint32_t nfree;
	/* Answers taken off an old ring during a reconnect, handed out
	 * first by the next reap. */
	struct blkfront_done late[BLKFRONT_MAX_IDS];
	uint32_t nlate;
	struct blkfront_stats st;
	int closed; /* blkfront_close ran: detached, unusable */
};

/* Connects device dir (e.g. "device/vbd/51712"): xenbus handshake, ring
 * of up to 2^order pages (capped by the backend's max-ring-page-order and
 * BLKFRONT_MAX_ORDER), pool of pool_pages persistent pages. 0 or -errno. */
int blkfront_init(struct blkfront *bf, const struct fe_os *os, const char *dir,
		  unsigned int order, unsigned int pool_pages);

/* Pool page i's address (i < pool_pages). */
static inline void *blkfront_page(struct blkfront *bf, uint32_t i)
{
	return bf->pool + ((size_t)i << 12);
}

/* blkfront_submit (inline, at the end of this header): queues one
 * request in a free ring slot (not yet visible to the backend:
 * call blkfront_push). READ/WRITE: nsect sectors (1..max_sectors) at
 * sector from/to pool pages starting at page. FLUSH: no data. DISCARD:
 * nsect sectors. 0, -EAGAIN (no free id: reap first), -EINVAL, -EACCES
 * (read-only disk), -EOPNOTSUPP (feature not offered). */
/* Publishes queued requests; notifies the backend if it asked. */
void blkfront_push(struct blkfront *bf);
/* blkfront_reap (inline, at the end): takes up to max finished requests
 * without blocking (answers already taken off an old ring first): the
 * count, or
 * -EIO when the backend broke the ring protocol (answered more than was
 * asked): the device is then unusable until the backend reconnects. */
/* Sleeps until a response may be there (after the ring's final check);
 * follows backend state changes and reconnects, re-issuing every request
 * not yet answered. 0 or -errno (reconnection failed). */
int blkfront_wait(struct blkfront *bf);

/* Runs xenstore events that came in meanwhile (e.g. queued while the
 * kernel made other xenstore requests) and reconnects if the backend is no
 * longer Connected. 0 or -errno. Cheap: call it before a batch of work. */
int blkfront_check(struct blkfront *bf);

/* Synchronous read/write of nsect sectors between buf (any address) and
 * the disk, copied through the pool and pipelined over every free id. */
int blkfront_io(struct blkfront *bf, unsigned int op, uint64_t sector, uint64_t nsect, void *buf);
/* Synchronous flush / discard. */
int blkfront_sync_op(struct blkfront *bf, unsigned int op, uint64_t sector, uint32_t nsect);

/* The backend is Closing (the toolstack detaches the disk): writes
 * Closed and lets the ring go; the device is then unusable. check and
 * wait do it themselves when they see Closing; an idle kernel calls it
 * when it sees be_state Closing. -ENODEV (or the state write's error). */
int blkfront_close(struct blkfront *bf);

/* Requests put on any ring since init (re-issues included). */
static inline uint64_t blkfront_requests(const struct blkfront *bf)
{
	return bf->st.requests + (bf->conn.area ? bf->ring.req_prod_pvt : 0);
}

/* Internals shared by blkfront_conn.c and blkfront_req.c. */
int blkfront_connect(struct blkfront *bf);
int blkfront_reconnect(struct blkfront *bf);
/* Puts shadow id on the ring again (re-issue). */
void blkfront_refill(struct blkfront *bf, uint16_t id);

#include "blkfront_fast.h"

#endif
