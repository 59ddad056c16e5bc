/* blkfront_conn.c: blkfront's connection: persistent grants, ring setup,
 * the xenbus handshake (SPEC.md §17.2) and the reconnection that re-issues
 * every unanswered request after the backend restarted. */
#include "blkfront.h"

#define PAGE_SHIFT 12
#define BIT(s) (1u << (s))

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

/* Grants n pages starting at base to the backend, refs into refs[]. */
static int grant_pages(struct blkfront *bf, uint8_t *base, uint32_t n, grant_ref_t *refs,
		       int readonly)
{
	for (uint32_t i = 0; i < n; i++) {
		long r = pvabi_gnttab_alloc_ref();

		if (r < 0)
			return (int)r;
		refs[i] = (grant_ref_t)r;
		if ((r = pvabi_gnttab_grant_access(refs[i], bf->xb.backend_id,
						   gfn_of(base + ((size_t)i << PAGE_SHIFT)), readonly)))
			return (int)r;
	}
	return 0;
}

static int publish_keys(struct pvabi_xenbus_front *xb, uint32_t tx, void *arg)
{
	struct blkfront *bf = arg;
	unsigned int order = bf->conn.order;
	int r;

	if (order == 0) {
		r = pvabi_xenbus_front_write_num(xb, tx, XENBUS_KEY_RING_REF, bf->conn.refs[0]);
	} else {
		r = pvabi_xenbus_front_write_num(xb, tx, XENBUS_KEY_RING_PAGE_ORDER, order);
		for (unsigned int i = 0; !r && i < BIT(order); i++) {
			char key[16];

			pvabi_snprintf(key, sizeof(key), XENBUS_KEY_RING_REF_N, i);
			r = pvabi_xenbus_front_write_num(xb, tx, key, bf->conn.refs[i]);
		}
	}
	if (!r)
		r = pvabi_xenbus_front_write_num(xb, tx, XENBUS_KEY_EVENT_CHANNEL, bf->conn.port);
	if (!r)
		r = pvabi_xenbus_front_write(xb, tx, XENBUS_KEY_PROTOCOL, XENBUS_PROTOCOL_X86_64);
	if (!r)
		r = pvabi_xenbus_front_write(xb, tx, XENBUS_KEY_FEATURE_PERSISTENT, "1");
	return r;
}

/* A fresh ring: new sring header, grants, unbound port. */
static int ring_setup(struct blkfront *bf, unsigned int order)
{
	int r;

	if (!bf->ring_area && !(bf->ring_area = bf->os->alloc_pages(bf->os->ctx, BLKFRONT_MAX_ORDER)))
		return -XEN_ENOMEM;
	blkif_sring_init(bf->ring_area);
	if ((r = pvabi_ring_offer(&bf->conn, bf->ring_area, order, bf->xb.backend_id)))
		return r;
	bf->os->bind(bf->os->ctx, bf->conn.port);
	blkif_front_init(&bf->ring, bf->ring_area, PVABI_RING_AREA(order));
	return 0;
}

/* Lets the current ring go. One the backend still maps stays granted and
 * is abandoned: the next ring_setup takes new pages. */
static void ring_drop(struct blkfront *bf)
{
	if (!bf->conn.area)
		return;
	bf->st.requests += bf->ring.req_prod_pvt; /* the ring counted from 0 */
	if (pvabi_ring_revoke(&bf->conn))
		bf->ring_area = NULL;
	bf->conn.area = NULL;
}

static void read_disk_keys(struct blkfront *bf)
{
	struct blkfront_info *in = &bf->info;
	struct pvabi_xenbus_front *xb = &bf->xb;
	uint64_t ind = pvabi_xenbus_front_be_num(xb, XENBUS_KEY_FEATURE_MAX_INDIRECT, 0);

	in->sectors = pvabi_xenbus_front_be_num(xb, XENBUS_KEY_SECTORS, 0);
	in->sector_size = (uint32_t)pvabi_xenbus_front_be_num(xb, XENBUS_KEY_SECTOR_SIZE, 512);
	in->info = (uint32_t)pvabi_xenbus_front_be_num(xb, XENBUS_KEY_INFO, 0);
	in->flush = pvabi_xenbus_front_be_num(xb, XENBUS_KEY_FEATURE_FLUSH, 0) == 1;
	in->discard = pvabi_xenbus_front_be_num(xb, XENBUS_KEY_FEATURE_DISCARD, 0) == 1;
	in->be_persistent = pvabi_xenbus_front_be_num(xb, XENBUS_KEY_FEATURE_PERSISTENT, 0) == 1;
	/* Indirect requests only when they can carry more than a direct one;
	 * never more than a request id's one descriptor page or the pool. */
	if (ind > BLKFRONT_MAX_SEGS)
		ind = BLKFRONT_MAX_SEGS;
	if (ind > bf->pool_pages)
		ind = bf->pool_pages;
	in->max_indirect = ind > BLKIF_MAX_SEGMENTS_PER_REQUEST ? (uint32_t)ind : 0;
	in->max_sectors = (in->max_indirect ? in->max_indirect : BLKIF_MAX_SEGMENTS_PER_REQUEST) *
			  BLKIF_SECTORS_PER_PAGE;
}

/* Handshake steps 1-4 from Initialising; on a backend that goes away
 * meanwhile, starts over. */
int blkfront_connect(struct blkfront *bf)
{
	int r;

	for (;;) {
		unsigned int order;
		uint64_t max;

		r = pvabi_xenbus_front_wait(&bf->xb,
					    BIT(XenbusStateInitWait) | BIT(XenbusStateClosing));
		if (r < 0)
			return r;
		if (r == XenbusStateClosing) /* detached before it connected */
			return blkfront_close(bf);
		max = pvabi_xenbus_front_be_num(&bf->xb, XENBUS_KEY_MAX_RING_PAGE_ORDER, 0);
		order = bf->want_order < max ? bf->want_order : (unsigned int)max;
		if ((r = ring_setup(bf, order)))
			return r;
		if ((r = pvabi_xenbus_front_publish(&bf->xb, publish_keys, bf))) {
			ring_drop(bf);
			return r;
		}
		r = pvabi_xenbus_front_wait(&bf->xb, BIT(XenbusStateConnected) |
						     BIT(XenbusStateClosing) |
						     BIT(XenbusStateClosed) | BIT(XenbusStateUnknown));
		if (r < 0)
			return r;
		if (r == XenbusStateConnected)
			break;
		if (r == XenbusStateClosing)
			return blkfront_close(bf);
		/* The backend gave up on this ring: start over with a new one. */
		ring_drop(bf);
		if ((r = pvabi_xenbus_front_set_state(&bf->xb, XenbusStateInitialising)))
			return r;
	}
	read_disk_keys(bf);
	bf->info.ring_order = bf->conn.order;
	bf->info.ring_slots = bf->ring.size;
	if ((r = pvabi_xenbus_front_set_state(&bf->xb, XenbusStateConnected)))
		return r;
	/* Watch events queued during our own requests: seen now, acted on by
	 * the next wait or check. */
	r = pvabi_xenbus_front_poll(&bf->xb);
	return r < 0 ? r : 0;
}

int blkfront_init(struct blkfront *bf, const struct fe_os *os, const char *dir,
		  unsigned int order, unsigned int pool_pages)
{
	int r;

	*bf = (struct blkfront){ .os = os };
	bf->want_order = order < BLKFRONT_MAX_ORDER ? order : BLKFRONT_MAX_ORDER;
	if (pool_pages > BLKFRONT_POOL_MAX)
		pool_pages = BLKFRONT_POOL_MAX;
	if (pool_pages == 0 || (pool_pages & (pool_pages - 1)))
		return -XEN_EINVAL; /* alloc_pages hands out powers of two */
	/* One watch token per device: "blk:" and the device id. */
	{
		const char *tail = dir;
		char token[24] = "blk:";

		for (const char *p = dir; *p; p++)
			if (*p == '/')
				tail = p + 1;
		for (size_t i = 0; tail[i] && i < sizeof(token) - 5; i++)
			token[4 + i] = tail[i];
		if ((r = pvabi_xenbus_front_init(&bf->xb, dir, token)))
			return r;
	}
	bf->pool_pages = pool_pages;
	bf->pool = os->alloc_pages(os->ctx, (unsigned int)__builtin_ctz(pool_pages));
	bf->ind_pages = os->alloc_pages(os->ctx, (unsigned int)__builtin_ctz(BLKFRONT_MAX_IDS));
	if (!bf->pool || !bf->ind_pages)
		return -XEN_ENOMEM;
	/* Persistent grants: once, for the life of the device. */
	if ((r = grant_pages(bf, bf->pool, pool_pages, bf->pool_refs, 0)) ||
	    (r = grant_pages(bf, bf->ind_pages, BLKFRONT_MAX_IDS, bf->ind_refs, 1)))
		return r;
	if ((r = blkfront_connect(bf)))
		return r;
	/* Ids stay fixed for the device's life: a reconnect re-issues them. */
	bf->info.nr_ids = bf->ring.size < BLKFRONT_MAX_IDS ? bf->ring.size : BLKFRONT_MAX_IDS;
	for (uint32_t i = 0; i < bf->info.nr_ids; i++)
		bf->free_ids[bf->nfree++] = (uint16_t)(bf->info.nr_ids - 1 - i);
	return 0;
}

/* Takes the answers still on the old ring (their requests are done), then
 * connects again and puts every unanswered request on the new ring. */
int blkfront_reconnect(struct blkfront *bf)
{
	int64_t avail = bf->conn.area ? blkif_front_rsp_avail(&bf->ring) : -1;
	int r;

	for (int64_t i = 0; i < avail; i++) {
		/* Each field read once: the backend may rewrite the slot. */
		const volatile struct blkif_response *rsp =
			blkif_front_rsp(&bf->ring, bf->ring.rsp_cons++);
		uint64_t id = rsp->id;
		int16_t status = rsp->status;

		if (id >= bf->info.nr_ids || !bf->sh[id].desc || bf->nlate >= BLKFRONT_MAX_IDS)
			continue;
		bf->sh[id].desc = 0;
		bf->late[bf->nlate++] = (struct blkfront_done){
			bf->sh[id].cookie,
			status == BLKIF_RSP_OKAY ? 0
			: status == BLKIF_RSP_EOPNOTSUPP ? -XEN_EOPNOTSUPP : -XEN_EIO,
		};
		bf->free_ids[bf->nfree++] = (uint16_t)id;
	}
	if ((r = pvabi_xenbus_front_set_state(&bf->xb, XenbusStateInitialising)))
		return r;
	ring_drop(bf);
	if ((r = blkfront_connect(bf)))
		return r;
	if (bf->ring.size < bf->info.nr_ids)
		return -XEN_ENOSPC; /* a backend offering a smaller ring: cannot re-issue */
	for (uint32_t id = 0; id < bf->info.nr_ids; id++) {
		if (!bf->sh[id].desc)
			continue;
		blkfront_refill(bf, (uint16_t)id);
		bf->st.reissued++;
	}
	blkfront_push(bf);
	bf->st.reconnects++;
	return 0;
}

/* The backend is Closing: the toolstack detaches the disk (a backend that
 * merely failed goes Closed instead, and is reconnected). The frontend
 * lets go: Closed, ring revoked (a page the backend still maps is
 * abandoned), no more watch. Requests not answered stay unanswered. */
int blkfront_close(struct blkfront *bf)
{
	int r;

	if (bf->closed) /* once: the directory may be gone by now */
		return -XEN_ENODEV;
	r = pvabi_xenbus_front_set_state(&bf->xb, XenbusStateClosed);
	ring_drop(bf);
	pvabi_xenbus_unwatch(bf->xb.be_state_path, bf->xb.token);
	bf->closed = 1;
	return r < 0 ? r : -XEN_ENODEV;
}
