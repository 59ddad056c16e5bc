/* ring_dom0.c: dom0 serving the bench-ring guest's stream (ring_dom0.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pvabi/grant_table.h>

#include "ring_dom0.h"

#define PAGE 4096u

int rd0_parse_ready(struct rd0 *r, const char *console)
{
	const char *p = console ? strstr(console, "RING READY ") : NULL;

	if (!p || sscanf(p, "RING READY ring=%u order=%u port=%u data=%u pages=%u chunk=%u slots=%u "
			    "chunks=%lu", &r->ring_ref, &r->order, &r->port, &r->data_ref, &r->pages,
			 &r->chunk, &r->slots, &r->chunks) != 8)
		return -EINVAL;
	/* The line comes from the guest: bound what it makes us allocate. */
	if (r->order > PVABI_RING_MAX_ORDER || !r->chunk || r->chunk % PAGE ||
	    r->chunk > (64u << 10) || !r->slots || r->slots > 32 ||
	    r->pages != r->slots * (r->chunk / PAGE))
		return -EINVAL;
	return 0;
}

static void unmap_handles(struct rd0 *r, const uint32_t *handles, uint32_t n, int *rc)
{
	int32_t st[HVCTL_GNT_BATCH];

	for (uint32_t i = 0; i < n; i += HVCTL_GNT_BATCH) {
		uint32_t k = n - i < HVCTL_GNT_BATCH ? n - i : HVCTL_GNT_BATCH;
		int e = hvctl_gnt_unmap(r->h, handles + i, k, st);

		for (uint32_t j = 0; !e && j < k; j++)
			e = st[j] ? -EINVAL : 0;
		if (e && !*rc)
			*rc = e;
	}
}

/* Maps n consecutive refs from first back to back into one reserved
 * range (*at), HVCTL_GNT_BATCH per request; handles[] gets one per mapped
 * page and *nr counts them (for unmapping, also after a failure). */
static int map_range(struct rd0 *r, uint32_t first, uint32_t n, int ro, uint8_t **at,
		     uint32_t *handles, uint32_t *nr)
{
	void *v = mmap(NULL, (size_t)n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct hvctl_gnt_mapping m[HVCTL_GNT_BATCH];
	uint32_t refs[HVCTL_GNT_BATCH], done = 0;
	int prot = PROT_READ | (ro ? 0 : PROT_WRITE), rc = 0;

	if (v == MAP_FAILED)
		return -errno;
	*at = v;
	while (!rc && done < n) {
		uint32_t k = n - done < HVCTL_GNT_BATCH ? n - done : HVCTL_GNT_BATCH;

		for (uint32_t j = 0; j < k; j++)
			refs[j] = first + done + j;
		if ((rc = hvctl_gnt_map(r->h, r->dom, refs, k, ro, m)))
			break;
		for (uint32_t j = 0; j < k; j++) {
			if (m[j].status != GNTST_okay) {
				rc = -EPERM;
				continue;
			}
			handles[(*nr)++] = m[j].handle;
			if (mmap(*at + (size_t)(done + j) * PAGE, PAGE, prot, MAP_SHARED | MAP_FIXED,
				 r->memfd, (off_t)m[j].offset) == MAP_FAILED)
				rc = -errno;
		}
		done += k;
	}
	return rc;
}

int rd0_attach(struct rd0 *r)
{
	struct hvctl_memory layout;
	uint32_t bound;
	uint64_t one = 1;
	int rc;

	r->memfd = r->nfd = r->kfd = -1;
	if ((rc = hvctl_get_memfd(r->h, r->dom, &layout, &r->memfd)))
		return rc;
	if ((rc = hvctl_bind_evtchn(r->h, r->dom, r->port, &bound, &r->nfd, &r->kfd)))
		return rc;
	if ((rc = map_range(r, r->ring_ref, 1u << r->order, 0, &r->ring, r->ring_handles,
			    &r->nr_ring)))
		return rc;
	if (!r->use_copy) {
		if (!(r->data_handles = calloc(r->pages, sizeof(*r->data_handles))))
			return -ENOMEM;
		if ((rc = map_range(r, r->data_ref, r->pages, 1, &r->data, r->data_handles,
				    &r->nr_data)))
			return rc;
	}
	if (!(r->sink = malloc(r->chunk)))
		return -ENOMEM;
	/* The start event lets the guest publish at once: its first batch
	 * must find req_cons at the ring's start, not past that batch (an
	 * init after the event would skip it and both sides would wait). */
	if (bring_back_init(&r->back, (struct bring_sring *)r->ring, PVABI_RING_AREA(r->order)))
		return -EINVAL;
	return write(r->kfd, &one, 8) == 8 ? 0 : -errno;
}

/* Reads chunk req into r->sink, from the mapping or by grant copy. */
static int fetch(struct rd0 *r, const struct bring_req *q)
{
	uint32_t first = q->slot * (r->chunk / PAGE);

	if (!r->use_copy) {
		memcpy(r->sink, r->data + (size_t)first * PAGE, q->len);
		return 0;
	}
	/* One control message carries at most a page of payload. */
	for (uint32_t off = 0; off < q->len; off += PAGE) {
		struct hvctl_gnt_seg seg = { .ref = r->data_ref + first + off / PAGE, .len = PAGE };
		int32_t st;
		int rc = hvctl_gnt_copy(r->h, r->dom, &seg, 1, NULL, r->sink + off, &st);

		if (rc || st)
			return rc ? rc : -EPERM;
	}
	return 0;
}

/* Validates the private copy of a request and its payload. */
static int check(struct rd0 *r, const struct bring_req *q)
{
	uint64_t stamp;

	if (q->seq != r->answered || q->slot >= r->slots || q->len != r->chunk || fetch(r, q))
		return -1;
	memcpy(&stamp, r->sink, 8);
	if (stamp != q->seq)
		return -1;
	for (uint32_t i = 8; r->verify && i < q->len; i++)
		if (r->sink[i] != BRING_PATTERN(i, q->seq))
			return -1;
	return 0;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* Takes the guest's notification, waiting 10 s at most in all: a signal
 * interrupting poll is not a timeout. */
static int wait_event(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	double end = now_ns() + 10e9;
	uint64_t v;

	while (read(fd, &v, 8) != 8) {
		double left = end - now_ns();

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)(left / 1e6) + 1) < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

int rd0_serve(struct rd0 *r)
{
	struct bring_back *b = &r->back;
	uint64_t one = 1;
	double t0 = now_ns();

	if (!b->sring)
		return -EINVAL; /* not attached */
	while (r->answered < r->chunks) {
		uint32_t n = bring_back_req_avail(b);

		if (bring_back_prod_overflow(b))
			return -EPROTO;
		for (uint32_t i = 0; i < n; i++) {
			struct bring_req q;
			struct bring_rsp *o;
			int st;

			bring_back_copy_req(b, &q);
			st = check(r, &q);
			r->bad += st != 0;
			o = bring_back_next_rsp(b);
			o->seq = q.seq;
			o->status = st;
			r->answered++;
		}
		if (n && bring_back_push(b) && write(r->kfd, &one, 8) != 8)
			return -errno;
		if (!n && !bring_back_final_check(b)) {
			int rc = wait_event(r->nfd);

			if (rc)
				return rc;
		}
	}
	r->ns = now_ns() - t0;
	return 0;
}

int rd0_detach(struct rd0 *r)
{
	uint64_t one = 1;
	int rc = 0;

	if (r->data)
		munmap(r->data, (size_t)r->pages * PAGE);
	unmap_handles(r, r->data_handles, r->nr_data, &rc);
	if (r->ring)
		munmap(r->ring, PVABI_RING_AREA(r->order));
	unmap_handles(r, r->ring_handles, r->nr_ring, &rc);
	if (r->kfd >= 0 && write(r->kfd, &one, 8) != 8 && !rc)
		rc = -errno;
	free(r->data_handles);
	free(r->sink);
	if (r->memfd >= 0)
		close(r->memfd);
	if (r->nfd >= 0)
		close(r->nfd);
	if (r->kfd >= 0)
		close(r->kfd);
	r->memfd = r->nfd = r->kfd = -1;
	r->ring = r->data = r->sink = NULL;
	r->back = (struct bring_back){ 0 };
	r->data_handles = NULL;
	r->nr_data = r->nr_ring = 0;
	return rc;
}
