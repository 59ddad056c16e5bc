/* bb_io.c: one io_uring for every device. Reads and writes go straight
 * between the image and the guest's granted pages (readv/writev over the
 * segments, no copies); a flush is fdatasync after the writes before it
 * completed; a discard punches a hole keeping the size. Completions are
 * signalled through an eventfd watched by libuv; each batch of them ends
 * with one response push (and at most one kick) per device touched. */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bb.h"

#define BB_SQ_ENTRIES 256u
#define BB_CQ_ENTRIES 4096u
#define BB_TOUCHED_MAX 256u
#define BB_DEFER_MAX 256u

static struct io_uring ring;
static int efd = -1;
static uv_poll_t efd_poll;
static uv_check_t defer_check;
static unsigned queued;
static struct bb_dev *touched[BB_TOUCHED_MAX];
static unsigned ntouched;
static struct bb_dev *deferred[BB_DEFER_MAX];
static unsigned ndeferred;

void bb_io_queue(struct bb_req *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	int fd = r->dev->img_fd;

	if (!sqe) { /* the submission queue is full: hand it to the kernel */
		io_uring_submit(&ring);
		queued = 0;
		sqe = io_uring_get_sqe(&ring);
	}
	switch (r->kind) {
	case BB_READ:
		io_uring_prep_readv(sqe, fd, r->iov, r->niov, r->offset);
		break;
	case BB_WRITE:
		io_uring_prep_writev(sqe, fd, r->iov, r->niov, r->offset);
		break;
	case BB_FLUSH:
		if (r->niov && !r->synced)
			io_uring_prep_writev(sqe, fd, r->iov, r->niov, r->offset);
		else
			io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
		break;
	case BB_DISCARD:
		io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)r->offset, (off_t)r->len);
		break;
	}
	io_uring_sqe_set_data(sqe, r);
	queued++;
}

void bb_io_submit(void)
{
	if (queued) {
		io_uring_submit(&ring);
		queued = 0;
	}
}

static void touch(struct bb_dev *d)
{
	for (unsigned i = 0; i < ntouched; i++)
		if (touched[i] == d)
			return;
	if (ntouched < BB_TOUCHED_MAX)
		touched[ntouched++] = d;
	else
		bb_ring_flush(d); /* rare: publish now rather than lose track */
}

static void complete(struct bb_req *r, int res)
{
	struct bb_dev *d = r->dev;
	bool data = r->kind == BB_READ || r->kind == BB_WRITE ||
		    (r->kind == BB_FLUSH && !r->synced && r->niov);
	bool ok = data ? res >= 0 && (uint64_t)res == r->len : res == 0;

	if (r->kind == BB_FLUSH && data && ok) {
		r->synced = true; /* the data is written: now make it durable */
		bb_io_queue(r);
		return;
	}
	if (r->kind == BB_FLUSH && ok)
		d->st.fdatasyncs++;
	if (ok && r->kind == BB_READ)
		d->st.bytes_read += r->len;
	else if (ok && r->niov)
		d->st.bytes_written += r->len;
	if (!ok)
		xbb_log((int)d->x->domid, "vbd %u: I/O error on request %llu: %s", d->x->devid,
			(unsigned long long)r->id, res < 0 ? strerror(-res) : "short transfer");
	bb_grant_release(d, r);
	if (d->ring_area)
		bb_ring_respond(d, r->id, r->op, ok ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR);
	d->inflight--;
	if (r->kind != BB_READ)
		d->inflight_writes--;
	bb_req_free(d, r);
	if (d->flush_parked && !d->inflight_writes) {
		d->flush_parked = false;
		d->inflight_writes++;
		bb_io_queue(d->parked);
		d->parked = NULL;
	}
	touch(d);
}

/* Completions ready now; then per device touched: push responses and
 * take more requests (slots were freed, a parked flush may be done). */
static void reap(void)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(&ring, head, cqe)
	{
		complete(io_uring_cqe_get_data(cqe), cqe->res);
		n++;
	}
	io_uring_cq_advance(&ring, n);
	for (unsigned i = 0; i < ntouched; i++) {
		struct bb_dev *d = touched[i];

		if (d->ring_area)
			bb_ring_flush(d);
		bb_ring_consume(d);
	}
	ntouched = 0;
	bb_io_submit();
}

static void on_efd(uv_poll_t *p, int status, int events)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		xbb_log(-1, "io_uring eventfd: %s", strerror(errno));
	reap();
}

void bb_io_drain(struct bb_dev *d)
{
	struct io_uring_cqe *cqe;

	while (d->inflight) {
		bb_io_submit();
		if (io_uring_wait_cqe(&ring, &cqe) < 0)
			break;
		reap();
	}
	for (unsigned i = 0; i < ndeferred; i++)
		if (deferred[i] == d)
			deferred[i] = deferred[--ndeferred];
}

static void on_check(uv_check_t *c)
{
	while (ndeferred) {
		struct bb_dev *d = deferred[--ndeferred];

		if (d->connected)
			xbb_fail(d->x, d->failed);
	}
	uv_check_stop(&defer_check);
}

void bb_io_defer_fail(struct bb_dev *d, const char *why)
{
	if (d->failed)
		return;
	d->failed = why;
	if (ndeferred < BB_DEFER_MAX)
		deferred[ndeferred++] = d;
	uv_check_start(&defer_check, on_check);
}

int bb_io_init(void)
{
	struct io_uring_params prm = {.flags = IORING_SETUP_CQSIZE, .cq_entries = BB_CQ_ENTRIES};
	int r = io_uring_queue_init_params(BB_SQ_ENTRIES, &ring, &prm);

	if (r < 0) {
		xbb_log(-1, "io_uring setup failed: %s", strerror(-r));
		return r;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0 || (r = io_uring_register_eventfd(&ring, efd)) < 0) {
		xbb_log(-1, "io_uring eventfd: %s", strerror(efd < 0 ? errno : -r));
		return -1;
	}
	uv_poll_init(bb_loop, &efd_poll, efd);
	uv_poll_start(&efd_poll, UV_READABLE, on_efd);
	uv_check_init(bb_loop, &defer_check);
	return 0;
}

void bb_io_stop(void)
{
	uv_poll_stop(&efd_poll);
	uv_close((uv_handle_t *)&efd_poll, NULL);
	uv_check_stop(&defer_check);
	uv_close((uv_handle_t *)&defer_check, NULL);
}

void bb_io_close(void)
{
	io_uring_queue_exit(&ring);
	if (efd >= 0)
		close(efd);
}
