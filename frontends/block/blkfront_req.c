/* blkfront_req.c: blkfront's data path out of line: re-issue, publishing
 * a batch with one notification check, sleeping only after the final
 * check. Submit and reap are inline in blkfront.h. */
#include "blkfront.h"

void blkfront_refill(struct blkfront *bf, uint16_t id)
{
	const struct blkfront_shadow *s = &bf->sh[id];

	blkfront_fill_(bf, id, BLKFRONT_DESC_OP(s->desc), s->sector, BLKFRONT_DESC_NSECT(s->desc),
		       BLKFRONT_DESC_PAGE(s->desc));
}

void blkfront_push(struct blkfront *bf)
{
	if (blkif_front_push(&bf->ring)) {
		pvabi_evtchn_send(bf->conn.port);
		bf->st.notifies++;
	}
}

int blkfront_check(struct blkfront *bf)
{
	int st = pvabi_xenbus_front_poll(&bf->xb);

	if (st < 0)
		return st;
	if (bf->closed)
		return -XEN_ENODEV;
	if (st == XenbusStateClosing)
		return blkfront_close(bf);
	return st == XenbusStateConnected ? 0 : blkfront_reconnect(bf);
}

int blkfront_wait(struct blkfront *bf)
{
	int st;

	if (bf->nlate || (bf->conn.area && blkif_front_final_check(&bf->ring)))
		return 0;
	if (bf->closed)
		return -XEN_ENODEV;
	if (bf->xb.be_state == XenbusStateClosing)
		return blkfront_close(bf);
	if (bf->xb.be_state != XenbusStateConnected) /* seen during other requests */
		return blkfront_reconnect(bf);
	bf->st.waits++;
	if (bf->os->wait(bf->os->ctx, bf->conn.port) &&
	    (st = pvabi_xenbus_front_poll(&bf->xb)) != XenbusStateConnected) {
		if (st < 0)
			return st;
		if (st == XenbusStateClosing)
			return blkfront_close(bf);
		return blkfront_reconnect(bf);
	}
	return 0;
}
