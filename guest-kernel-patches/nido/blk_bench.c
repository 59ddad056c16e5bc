/* blk_bench.c: nido's built-in disk benchmark. Zero-copy: request k of
 * the queue always uses pool pages [k * bs/4096, (k + 1) * bs/4096), so a
 * request costs one ring slot and no copy. The queue is kept at depth qd:
 * refill every free slot, publish once, take every response, sleep only
 * after the final check. Prints one line (format in nido's README.md). */
#include "nido.h"
#include "nido_blk.h"

/* xorshift64: cheap and deterministic for the random offsets. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

void nido_blk_bench(struct blkfront *bf, const char *mode, const char *op, uint64_t bs,
		    uint64_t qd, uint64_t n, int secs)
{
	int rnd = !strcmp(mode, "rand"), wr = !strcmp(op, "write");
	uint32_t nsect = (uint32_t)(bs / BLKIF_SECTOR_SIZE), pages = (uint32_t)((bs + 4095) / 4096);
	uint64_t span, seq = 0, rs = 0x2545f4914f6cdd1dull, ios = 0, issued = 0, errors = 0;
	uint64_t t0, t1, end_ns, w0, wait_ns, q0 = bf->st.notifies, wt0 = bf->st.waits;
	uint16_t idle[BLKFRONT_MAX_IDS];
	uint32_t nidle = 0, busy = 0;
	uint32_t since_check = 0;
	int stop = 0;

	if ((strcmp(mode, "seq") && !rnd) || (strcmp(op, "read") && !wr) || !bs ||
	    bs % 4096 || nsect > bf->info.max_sectors || !qd || !n) {
		pvabi_printf("blk-bench: bad arguments (seq|rand read|write BS QD N[s]; BS a "
			     "multiple of 4096 up to %u sectors)\n", bf->info.max_sectors);
		return;
	}
	if (qd > bf->info.nr_ids)
		qd = bf->info.nr_ids;
	if (qd > bf->pool_pages / pages)
		qd = bf->pool_pages / pages;
	span = bf->info.sectors / nsect; /* whole blocks on the disk */
	if (!span) {
		pvabi_printf("blk-bench: disk smaller than one block\n");
		return;
	}
	for (uint32_t i = (uint32_t)qd; i-- > 0;)
		idle[nidle++] = (uint16_t)i;
	w0 = nido_blk_wait_ns;
	t0 = pvabi_time_ns();
	end_ns = secs ? t0 + n * 1000000000ull : 0;
	for (;;) {
		struct blkfront_done done[32];
		int got;

		while (nidle && !stop && (secs || issued < n)) {
			uint64_t blk = rnd ? next_rand(&rs) % span : seq++ % span;
			uint16_t k = idle[nidle - 1];

			if (blkfront_submit(bf, wr ? BLKFRONT_WRITE : BLKFRONT_READ, blk * nsect, nsect,
					    k * pages, k))
				break;
			nidle--;
			busy++;
			issued++;
		}
		blkfront_push(bf);
		if (!busy)
			break;
		if ((got = blkfront_reap(bf, done, 32)) < 0) {
			errors++;
			break;
		}
		for (int i = 0; i < got; i++) {
			errors += done[i].status != 0;
			idle[nidle++] = (uint16_t)done[i].cookie;
		}
		busy -= (uint32_t)got;
		ios += (uint64_t)got;
		/* The clock costs instructions too: look every 32 answers. */
		if (secs && (since_check += (uint32_t)got) >= 32) {
			since_check = 0;
			stop = pvabi_time_ns() >= end_ns; /* then drain what is in flight */
		}
		if (!got && blkfront_wait(bf) < 0) {
			errors++;
			break;
		}
	}
	t1 = pvabi_time_ns();
	wait_ns = nido_blk_wait_ns - w0;
	if (!ios)
		ios = 1;
	{
		uint64_t ns = t1 - t0, per = ns / ios, guest = (ns - wait_ns) / ios;

		pvabi_printf("blk-bench: mode=%s op=%s bs=%lu qd=%lu ios=%lu bytes=%lu ns=%lu "
			     "us_per_req=%lu.%03lu guest_us_per_req=%lu.%03lu iops=%lu "
			     "notifies=%lu waits=%lu errors=%lu\n",
			     mode, op, (unsigned long)bs, (unsigned long)qd, (unsigned long)ios,
			     (unsigned long)(ios * bs), (unsigned long)ns,
			     (unsigned long)(per / 1000), (unsigned long)(per % 1000),
			     (unsigned long)(guest / 1000), (unsigned long)(guest % 1000),
			     (unsigned long)(ns ? ios * 1000000000ull / ns : 0),
			     (unsigned long)(bf->st.notifies - q0), (unsigned long)(bf->st.waits - wt0),
			     (unsigned long)errors);
	}
}
