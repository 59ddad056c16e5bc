/* blkfront_sync.c: blocking helpers over the request API: blkfront_io
 * copies a caller's buffer through the persistent pool in chunks kept in
 * flight together; blkfront_sync_op waits for one flush or discard. */
#include "blkfront.h"

/* Whole sectors are multiples of 8 bytes: rep movsq moves them with one
 * string instruction. */
static void copy_sectors(void *dst, const void *src, uint64_t nsect)
{
	uint64_t n = nsect * (BLKIF_SECTOR_SIZE / 8);

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

struct chunk {
	uint8_t *buf;
	uint32_t nsect;
};

int blkfront_io(struct blkfront *bf, unsigned int op, uint64_t sector, uint64_t nsect, void *buf)
{
	uint32_t chunk_sect = bf->info.max_sectors;
	uint32_t chunk_pages = chunk_sect / BLKIF_SECTORS_PER_PAGE;
	uint32_t nchunks = bf->pool_pages / chunk_pages;
	struct chunk ch[BLKFRONT_MAX_IDS];
	uint16_t idle[BLKFRONT_MAX_IDS];
	uint32_t nidle = 0, busy = 0;
	uint8_t *p = buf;
	int err = 0;

	if (op != BLKFRONT_READ && op != BLKFRONT_WRITE)
		return -XEN_EINVAL;
	if (nchunks > BLKFRONT_MAX_IDS)
		nchunks = BLKFRONT_MAX_IDS;
	if (nchunks > bf->info.nr_ids)
		nchunks = bf->info.nr_ids;
	if (!nchunks)
		return -XEN_EINVAL;
	for (uint32_t i = nchunks; i-- > 0;)
		idle[nidle++] = (uint16_t)i;
	while (nsect || busy) {
		struct blkfront_done done[BLKFRONT_MAX_IDS];
		int n;

		/* Fill every idle chunk, then publish them as one batch. */
		while (nsect && nidle && !err) {
			uint16_t c = idle[nidle - 1];
			uint32_t k = nsect < chunk_sect ? (uint32_t)nsect : chunk_sect;
			int r;

			if (op == BLKFRONT_WRITE)
				copy_sectors(blkfront_page(bf, c * chunk_pages), p, k);
			r = blkfront_submit(bf, op, sector, k, c * chunk_pages, c);
			if (r == -XEN_EAGAIN)
				break; /* ids taken by someone else's requests */
			if (r) {
				err = r;
				break;
			}
			nidle--;
			busy++;
			ch[c] = (struct chunk){ p, k };
			p += (size_t)k * BLKIF_SECTOR_SIZE;
			sector += k;
			nsect -= k;
		}
		if (err)
			nsect = 0; /* stop issuing; drain what is in flight */
		blkfront_push(bf);
		if (!busy)
			break;
		n = blkfront_reap(bf, done, BLKFRONT_MAX_IDS);
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			uint64_t c = done[i].cookie;

			if (c >= nchunks)
				continue; /* not one of ours */
			if (done[i].status && !err)
				err = done[i].status;
			if (op == BLKFRONT_READ && !done[i].status)
				copy_sectors(ch[c].buf, blkfront_page(bf, (uint32_t)c * chunk_pages),
					     ch[c].nsect);
			idle[nidle++] = (uint16_t)c;
			busy--;
		}
		if (n == 0 && (n = blkfront_wait(bf)) < 0)
			return n;
	}
	return err;
}

int blkfront_sync_op(struct blkfront *bf, unsigned int op, uint64_t sector, uint32_t nsect)
{
	const uint64_t cookie = ~0ull;
	int r = blkfront_submit(bf, op, sector, nsect, 0, cookie);

	if (r)
		return r;
	blkfront_push(bf);
	for (;;) {
		struct blkfront_done done[BLKFRONT_MAX_IDS];
		int n = blkfront_reap(bf, done, BLKFRONT_MAX_IDS);

		if (n < 0)
			return n;
		for (int i = 0; i < n; i++)
			if (done[i].cookie == cookie)
				return done[i].status;
		if (n == 0 && (r = blkfront_wait(bf)) < 0)
			return r;
	}
}
