/* blk_cmd.c: nido's disk commands: blk-info, blk-write, blk-read,
 * blk-verify, blk-flush, blk-discard (copying through blkfront_io with a
 * 1 MiB staging buffer) and blk-bench (zero-copy on the persistent pool,
 * the queue kept full). Output lines are parsed by host tests and the
 * benchmark script: see nido's README.md. */
#include <pvabi/blk_pattern.h>

#include "nido.h"
#include "nido_blk.h"

#define STAGE_SECTORS 2048u /* 1 MiB */

static uint8_t *stage;

/* Decimal with an optional k/m suffix (x1024). */
static uint64_t parse_num(char **s)
{
	uint64_t v = 0;

	while (**s == ' ')
		(*s)++;
	for (; **s >= '0' && **s <= '9'; (*s)++)
		v = v * 10 + (uint64_t)(**s - '0');
	if (**s == 'k' || **s == 'K')
		v <<= 10, (*s)++;
	else if (**s == 'm' || **s == 'M')
		v <<= 20, (*s)++;
	return v;
}

static char *parse_word(char **s)
{
	char *w;

	while (**s == ' ')
		(*s)++;
	w = *s;
	while (**s && **s != ' ')
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return w;
}

static void fill_pattern(uint8_t *p, uint64_t seed, uint64_t sector, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++, p += BLKIF_SECTOR_SIZE) {
		uint64_t w = blk_pattern_word(seed, sector + i), c = BLK_PATTERN_WORDS_PER_SECTOR;
		void *d = p;

		__asm__ volatile("rep stosq" : "+D"(d), "+c"(c) : "a"(w) : "memory");
	}
}

/* Sectors of p not matching the pattern; the first such in *first. */
static uint32_t check_pattern(const uint8_t *p, uint64_t seed, uint64_t sector, uint32_t n,
			      uint64_t *first)
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < n; i++, p += BLKIF_SECTOR_SIZE) {
		uint64_t w = blk_pattern_word(seed, sector + i);
		const uint64_t *q = (const uint64_t *)p;
		int ok = 1;

		for (uint32_t k = 0; k < BLK_PATTERN_WORDS_PER_SECTOR; k++)
			ok &= q[k] == w;
		if (!ok && !bad++)
			*first = sector + i;
	}
	return bad;
}

static void cmd_info(struct blkfront *bf)
{
	const struct blkfront_info *in = &bf->info;

	pvabi_printf("blk-info: sectors=%lu sector-size=%u info=%u flush=%u discard=%u "
		     "persistent=%u max-indirect=%u ring-order=%u ring-slots=%u ids=%u pool=%u\n",
		     (unsigned long)in->sectors, in->sector_size, in->info, in->flush, in->discard,
		     in->be_persistent, in->max_indirect, in->ring_order, in->ring_slots, in->nr_ids,
		     bf->pool_pages);
	pvabi_printf("blk-stats: requests=%lu indirect=%lu notifies=%lu waits=%lu reconnects=%lu "
		     "reissued=%lu\n",
		     (unsigned long)blkfront_requests(bf), (unsigned long)bf->st.indirect,
		     (unsigned long)bf->st.notifies, (unsigned long)bf->st.waits,
		     (unsigned long)bf->st.reconnects, (unsigned long)bf->st.reissued);
}

/* blk-write SEED START COUNT / blk-verify SEED START COUNT / blk-read
 * START COUNT, in 1 MiB steps through the staging buffer. */
static void cmd_rw(struct blkfront *bf, const char *cmd, char *arg)
{
	int write = !strcmp(cmd, "blk-write"), verify = !strcmp(cmd, "blk-verify");
	uint64_t seed = (write || verify) ? parse_num(&arg) : 0;
	uint64_t start = parse_num(&arg), count = parse_num(&arg), bad = 0, first = 0;
	uint64_t x = 0, word0 = 0;
	int r = 0;

	if (!stage && !(stage = nido_blk_alloc(8))) {
		pvabi_printf("%s: no memory\n", cmd);
		return;
	}
	for (uint64_t done = 0; done < count && !r;) {
		uint32_t n = count - done < STAGE_SECTORS ? (uint32_t)(count - done) : STAGE_SECTORS;
		uint64_t s = start + done;

		if (write)
			fill_pattern(stage, seed, s, n);
		r = blkfront_io(bf, write ? BLKFRONT_WRITE : BLKFRONT_READ, s, n, stage);
		if (!r && verify) {
			uint64_t f = 0;
			uint32_t b = check_pattern(stage, seed, s, n, &f);

			if (b && !bad)
				first = f;
			bad += b;
		}
		if (!r && !write && !verify) {
			const uint64_t *q = (const uint64_t *)stage;

			if (!done)
				word0 = q[0];
			for (uint32_t i = 0; i < n * BLK_PATTERN_WORDS_PER_SECTOR; i += 8)
				x ^= q[i];
		}
		done += n;
	}
	if (r)
		pvabi_printf("%s: start=%lu count=%lu error=%d\n", cmd, (unsigned long)start,
			     (unsigned long)count, r);
	else if (verify)
		pvabi_printf("blk-verify: seed=%lu start=%lu count=%lu bad=%lu first-bad=%lu\n",
			     (unsigned long)seed, (unsigned long)start, (unsigned long)count,
			     (unsigned long)bad, (unsigned long)first);
	else if (write)
		pvabi_printf("blk-write: seed=%lu start=%lu count=%lu ok\n", (unsigned long)seed,
			     (unsigned long)start, (unsigned long)count);
	else
		pvabi_printf("blk-read: start=%lu count=%lu word0=%lx xor=%lx\n",
			     (unsigned long)start, (unsigned long)count, (unsigned long)word0,
			     (unsigned long)x);
}

int nido_blk_command(const char *cmd, char *arg)
{
	struct blkfront *bf;
	int r;

	if (strncmp(cmd, "blk-", 4))
		return 0;
	if (!(bf = nido_blk_dev()))
		return 1; /* nido_blk_dev said why */
	if ((r = blkfront_check(bf))) {
		pvabi_printf("%s: disk unusable: %d\n", cmd, r);
		return 1;
	}
	if (!strcmp(cmd, "blk-info")) {
		cmd_info(bf);
	} else if (!strcmp(cmd, "blk-write") || !strcmp(cmd, "blk-read") ||
		   !strcmp(cmd, "blk-verify")) {
		cmd_rw(bf, cmd, arg);
	} else if (!strcmp(cmd, "blk-flush")) {
		pvabi_printf("blk-flush: %d\n", blkfront_sync_op(bf, BLKFRONT_FLUSH, 0, 0));
	} else if (!strcmp(cmd, "blk-discard")) {
		uint64_t start = parse_num(&arg), count = parse_num(&arg);
		int r = count > UINT32_MAX ? -XEN_EINVAL
					   : blkfront_sync_op(bf, BLKFRONT_DISCARD, start, (uint32_t)count);

		pvabi_printf("blk-discard: start=%lu count=%lu %d\n", (unsigned long)start,
			     (unsigned long)count, r);
	} else if (!strcmp(cmd, "blk-bench")) {
		char *mode = parse_word(&arg), *op = parse_word(&arg);
		uint64_t bs = parse_num(&arg), qd = parse_num(&arg), n = parse_num(&arg);
		int secs = *arg == 's';

		nido_blk_bench(bf, mode, op, bs, qd, n, secs);
	} else {
		pvabi_printf("%s: unknown (blk-info, blk-write SEED START COUNT, blk-read START "
			     "COUNT, blk-verify SEED START COUNT, blk-flush, blk-discard START COUNT, "
			     "blk-bench seq|rand read|write BS QD N[s])\n", cmd);
	}
	return 1;
}
