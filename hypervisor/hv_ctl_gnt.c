/* hv_ctl_gnt.c: the control socket's grant requests (GNT_MAP, GNT_UNMAP,
 * GNT_COPY): dom0 as a grantee, its mappings kept per connection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gnttab.h"
#include "hv_ctl.h"

static void fail(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h, int st)
{
	ctl_conn_reply_status(c, k, h->type, h->request_id, st);
}

static struct gnttab_maptab *conn_maps(struct ctl_conn *k)
{
	if (!k->gnt && (k->gnt = malloc(sizeof(*k->gnt))))
		gnttab_maptab_init(k->gnt, gnttab_default_max_maps);
	return k->gnt;
}

void ctl_gnt_conn_free(struct ctl_conn *k)
{
	if (!k->gnt)
		return;
	gnttab_maptab_release(k->gnt, NULL); /* in-use bits clear */
	pthread_mutex_destroy(&k->gnt->lock);
	free(k->gnt);
	k->gnt = NULL;
}

void ctl_gnt_map(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h, const void *p)
{
	const struct hvctl_gnt_map *q = p;
	struct hvctl_gnt_map_reply rep;
	struct gnttab_maptab *t;

	if (q->pad || (q->flags & ~HVCTL_GNT_READONLY) || !q->count ||
	    q->count > HVCTL_GNT_BATCH || q->domid >= DOMID_FIRST_RESERVED)
		return fail(c, k, h, -EINVAL);
	if (!(t = conn_maps(k)))
		return fail(c, k, h, -ENOMEM);
	memset(&rep, 0, sizeof(rep));
	rep.count = q->count;
	for (uint32_t i = 0; i < q->count; i++) {
		struct hvctl_gnt_mapping *m = &rep.maps[i];

		m->handle = UINT32_MAX;
		m->status = gnttab_map_dom0(t, (domid_t)q->domid, q->refs[i],
					    q->flags & HVCTL_GNT_READONLY, &m->offset, &m->handle);
	}
	ctl_conn_reply(c, k, h->type, h->request_id, &rep, sizeof(rep), NULL, 0);
}

void ctl_gnt_unmap(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h,
		   const void *p)
{
	const struct hvctl_gnt_unmap *q = p;
	struct hvctl_gnt_unmap_reply rep;

	if (q->pad || !q->count || q->count > HVCTL_GNT_BATCH)
		return fail(c, k, h, -EINVAL);
	memset(&rep, 0, sizeof(rep));
	rep.count = q->count;
	for (uint32_t i = 0; i < q->count; i++)
		rep.status[i] = k->gnt ? gnttab_unmap_dom0(k->gnt, q->handles[i]) : GNTST_bad_handle;
	ctl_conn_reply(c, k, h->type, h->request_id, &rep, sizeof(rep), NULL, 0);
}

void ctl_gnt_copy(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h, const void *p)
{
	const struct hvctl_gnt_copy *q = p;
	struct hvctl_gnt_copy_reply *rep;
	uint8_t in[HVCTL_GNT_COPY_BYTES];
	uint32_t total = 0;

	if (!q->count || q->count > HVCTL_GNT_COPY_SEGS || q->domid >= DOMID_FIRST_RESERVED)
		return fail(c, k, h, -EINVAL);
	for (uint32_t i = 0; i < q->count; i++) {
		const struct hvctl_gnt_seg *s = &q->segs[i];

		if (s->pad || (s->flags & ~HVCTL_GNT_TO_GUEST))
			return fail(c, k, h, -EINVAL);
		total += s->len;
	}
	if (total > HVCTL_GNT_COPY_BYTES)
		return fail(c, k, h, -EINVAL);
	if (!(rep = calloc(1, sizeof(*rep))))
		return fail(c, k, h, -ENOMEM);
	rep->count = q->count;
	memcpy(in, q->data, sizeof(in));
	for (uint32_t i = 0, at = 0; i < q->count; at += q->segs[i].len, i++) {
		const struct hvctl_gnt_seg *s = &q->segs[i];
		bool write = s->flags & HVCTL_GNT_TO_GUEST;

		rep->status[i] = gnttab_copy_dom0((domid_t)q->domid, s->ref, s->offset, s->len,
						  write ? in + at : rep->data + at, write);
		if (rep->status[i] && !write)
			memset(rep->data + at, 0, s->len);
	}
	ctl_conn_reply(c, k, h->type, h->request_id, rep, sizeof(*rep), NULL, 0);
	free(rep);
}
